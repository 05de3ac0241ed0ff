/**
 * The CRM silo: HubSpot contacts drafted per person, then numbered in creation order (with merges).
 */
import { type CrmSilo, type HubSpotContact, type HubSpotContactProperties } from '../../connectors/population.js';
import { COUNTRIES, phoneLinks } from './countries.js';
import { duplicateCrmContacts } from './messy/crm-duplicates.js';
import { crmPhoneText } from './messy/phone-formats.js';
import { placeholderEmail } from './messy/placeholders.js';
import { ownEmail, typedNames } from './messy/spellings.js';
import { type Person } from './people.js';
import { type Random } from './random.js';
import { PLACEHOLDER_PHONES, RATES, RETAILER } from './rates.js';
import { byCreation, type Owned } from './records.js';
import { type Clock, iso, randomSec } from './time.js';

export type CrmIdentity = Pick<HubSpotContactProperties, 'email' | 'phone' | 'mobilephone' | 'hs_additional_emails'>;

export interface CrmDraft {
  person: Person;
  created: number;
  updated: number;
  properties: Omit<HubSpotContactProperties, 'hs_merged_object_ids' | 'createdate' | 'lastmodifieddate'>;
}

/** Where a person's numbers go in HubSpot: a landline in `phone`, a mobile in either field. */
function crmPhoneFields(rng: Random, person: Person): Pick<CrmIdentity, 'phone' | 'mobilephone'> {
  const mobile = crmPhoneText(rng, person.mobile, person.country);
  if (person.landline !== null && (person.household !== null || rng.chance(0.7))) {
    return { phone: crmPhoneText(rng, person.landline, person.country), mobilephone: rng.chance(0.6) ? mobile : null };
  }
  return rng.weighted<Pick<CrmIdentity, 'phone' | 'mobilephone'>>([
    [{ phone: mobile, mobilephone: null }, 55],
    [{ phone: null, mobilephone: mobile }, 30],
    [{ phone: null, mobilephone: null }, 15],
  ]);
}

/**
 * Placeholders typed to get past a required field, and contacts created at the till without an
 * email. A household's landline is never overwritten: it is what the household case is about.
 */
function messCrmIdentity(rng: Random, person: Person, identity: CrmIdentity): CrmIdentity {
  // US and Canadian phones link nothing: their contacts always keep the email.
  const emailGoes = phoneLinks(person);
  if (rng.chance(RATES.placeholder)) {
    return emailGoes && (rng.chance(0.6) || person.household !== null)
      ? { ...identity, email: placeholderEmail(rng, RETAILER.domain, person.language) }
      : { ...identity, phone: rng.pick(PLACEHOLDER_PHONES) };
  }
  if (emailGoes && (identity.phone !== null || identity.mobilephone !== null) && rng.chance(0.05)) return { ...identity, email: null };
  return identity;
}

/** Whether a CRM phone text of a foreign person can only be read in their country (no `+`, no `00`). */
function needsCountry(person: Person, identity: Pick<CrmIdentity, 'phone' | 'mobilephone'>): boolean {
  return person.country !== 'FR' && [identity.phone, identity.mobilephone].some((t) => t !== null && !/^(\+|00)/.test(t) && !PLACEHOLDER_PHONES.includes(t));
}

function crmDraft(rng: Random, person: Person, clock: Clock, created: number, identity: CrmIdentity): CrmDraft {
  const hasAddress = rng.chance(0.6);
  const [firstname, lastname] = typedNames(rng, person.firstName, rng.chance(0.1) ? person.lastName.toUpperCase() : person.lastName, true);
  const country = rng.weighted(COUNTRIES[person.country].written);
  return {
    person,
    created,
    updated: randomSec(rng, created, clock.now),
    properties: {
      email: identity.email,
      firstname,
      // French clerks often type the family name in capitals (above).
      lastname,
      phone: identity.phone,
      mobilephone: identity.mobilephone,
      hs_additional_emails: identity.hs_additional_emails,
      date_of_birth: rng.chance(0.4) ? person.birthDate : null,
      hs_language: rng.chance(0.85) ? person.language : null,
      address: hasAddress ? person.address.street : null,
      city: hasAddress ? person.address.city : null,
      zip: hasAddress ? person.address.zip : null,
      // A foreign number typed nationally comes with the customer's country: it is read in it.
      country: hasAddress || needsCountry(person, identity) ? country : null,
      hs_email_optout: rng.weighted<string | null>([['false', 80], ['true', 10], [null, 10]]),
    },
  };
}

function crmDraftsFor(rng: Random, person: Person, clock: Clock): CrmDraft[] {
  const created = randomSec(rng, person.since, clock.now);
  const phones = crmPhoneFields(rng, person);
  if (rng.chance(RATES.crmDuplicate)) return duplicateCrmContacts(rng, person, clock, created, phones, (at, identity) => crmDraft(rng, person, clock, at, identity));
  const identity = messCrmIdentity(rng, person, { email: ownEmail(rng, person.email, 'crm'), ...phones, hs_additional_emails: null });
  return [crmDraft(rng, person, clock, created, identity)];
}

/**
 * HubSpot ids grow with creation, with gaps where contacts were deleted. A merged contact's id
 * was taken when it was created, before its survivor's; it now names no live contact.
 */
export function assignCrmIds(rng: Random, drafts: readonly CrmDraft[]): Owned<CrmSilo> {
  let last = 100;
  const nextId = (): number => (last += rng.chance(0.85) ? 1 : rng.int(2, 6));
  const contacts: HubSpotContact[] = [];
  const owners: Owned<CrmSilo>['owners'] = [];
  for (const draft of byCreation(drafts)) {
    const merged = rng.chance(RATES.crmMerged) ? Array.from({ length: rng.chance(0.8) ? 1 : 2 }, nextId) : [];
    const id = String(nextId());
    const { properties } = draft;
    // HubSpot keeps a merged contact's email as an additional one of the survivor.
    const additional = merged.length > 0 && properties.hs_additional_emails === null && rng.chance(0.4) ? draft.person.altEmail : properties.hs_additional_emails;
    contacts.push({
      id,
      properties: {
        ...properties,
        hs_additional_emails: additional,
        hs_merged_object_ids: merged.length > 0 ? merged.join(';') : null,
        createdate: iso(draft.created),
        lastmodifieddate: iso(draft.updated),
      },
      createdAt: iso(draft.created),
      updatedAt: iso(draft.updated),
      archived: false,
    });
    owners.push({ person: draft.person.index, id });
  }
  return { silo: { contacts }, owners };
}

/** The CRM contacts of every person the CRM knows, in person order (ids come later). */
export function draftCrm(rng: Random, people: readonly Person[], clock: Clock): CrmDraft[] {
  return people.filter((p) => p.silos.crm).flatMap((p) => crmDraftsFor(rng, p, clock));
}
