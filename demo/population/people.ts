/**
 * The real persons: who they are (name, country, emails, phones, address, home store) and which
 * silos know them ({@link pickSilos}). Households are a messy case of their own (./messy/households.ts).
 */
import { type SourceName } from '../../connectors/population.js';
import { slug } from './catalog.js';
import { COUNTRIES, type Country, COUNTRY_WEIGHTS, type CountryProfile, FRENCH_LAST, NANP, type Store, STORES } from './countries.js';
import { HOUSEHOLD_SIZES, HOUSEHOLD_START, type HouseholdShare, nanpHousehold } from './messy/households.js';
import { canonicalMailbox } from './messy/mailbox.js';
import { type Random } from './random.js';
import { RATES } from './rates.js';
import { unique } from './records.js';
import { type Clock, DAY, iso, randomSec } from './time.js';

export interface Address {
  street: string;
  zip: string;
  city: string;
  country: Country;
}

export interface Person {
  index: number;
  /** `p-<n>`, from 1. */
  id: string;
  country: Country;
  language: string;
  firstName: string;
  lastName: string;
  /** The person's main email, clean: lower case, no spaces. Unique. */
  email: string;
  /** A second address the person also uses (a new one, a work one). Unique. */
  altEmail: string;
  /** E.164. Unique. */
  mobile: string;
  /** E.164; the same for every member of a household. */
  landline: string | null;
  household: string | null;
  /**
   * Signed up with the household line only, no email (the son of a US or Canadian household,
   * {@link RATES.nanpHousehold}): a loyalty member and nothing else.
   */
  lineOnly: boolean;
  birthDate: string;
  address: Address;
  homeStore: Store;
  /** When the person first dealt with the retailer (unix seconds): no record of theirs is older. */
  since: number;
  silos: Record<SourceName, boolean>;
}

function emailLocal(rng: Random, first: string, last: string, birthYear: number, attempt: number): string {
  const f = slug(first, '');
  const l = slug(last, '');
  const base = rng.weighted<string>([
    [`${f}.${l}`, 40],
    [`${f}${l}`, 15],
    [`${f.charAt(0)}${l}`, 15],
    [`${f}.${l}${String(birthYear).slice(2)}`, 12],
    [`${l}.${f}`, 8],
    [`${f}_${l}`, 5],
    [`${f}${birthYear}`, 5],
  ]);
  return attempt === 0 ? base : `${base}${rng.int(1, 999)}`;
}

/**
 * A new address, unique as a mailbox: `seen` holds canonical mailboxes, since Gmail delivers
 * `clemence.faure@gmail.com` and `clemencefaure@gmail.com` to one person.
 */
function makeEmail(rng: Random, seen: Set<string>, profile: CountryProfile, first: string, last: string, birthYear: number): string {
  for (let attempt = 0; ; attempt++) {
    const email = `${emailLocal(rng, first, last, birthYear, attempt)}@${rng.weighted(profile.emailDomains)}`;
    const mailbox = canonicalMailbox(email);
    if (!seen.has(mailbox)) {
      seen.add(mailbox);
      return email;
    }
  }
}

/** A French landline, in the geographic ranges libphonenumber knows (not 026x Réunion, 040x, 059x). */
function frenchLandline(rng: Random, seen: Set<string>): string {
  return unique(seen, () => `+33${rng.int(1, 5)}${rng.pick(['1', '2', '3', '4', '5', '7', '8'])}${rng.digits(7)}`);
}

function makeAddress(rng: Random, country: Country): Address {
  const profile = COUNTRIES[country];
  const [city, zips] = rng.pick(profile.cities);
  return { street: profile.streetLine(rng.int(1, 180), rng.pick(profile.streets)), zip: rng.pick(zips), city, country };
}

function homeStoreFor(rng: Random, address: Address): Store {
  const local = STORES.filter((s) => s.city === address.city);
  return local.length > 0 && rng.chance(0.9) ? rng.pick(local) : rng.pick(STORES);
}

/**
 * Which silos know a person. Online shoppers are in commerce, and nearly all are tracked by
 * analytics once they log in. Analytics visitors without an account can never be tied to anyone,
 * so they are anonymous visitors known to analytics only. The rest shop in stores: CRM and/or
 * loyalty. `offline` (household members) requires CRM or loyalty, where their landline lives.
 */
function pickSilos(rng: Random, offline: boolean): Record<SourceName, boolean> {
  for (;;) {
    const r = rng.next();
    let silos: Record<SourceName, boolean>;
    if (r < RATES.onlineShopper) {
      silos = {
        crm: rng.chance(RATES.onlineShopperInCrm),
        loyalty: rng.chance(RATES.onlineShopperInLoyalty),
        commerce: true,
        analytics: rng.chance(RATES.onlineShopperTracked),
      };
    } else if (r < RATES.onlineShopper + RATES.anonymousVisitor) {
      silos = { crm: false, loyalty: false, commerce: false, analytics: true };
    } else {
      const kind = rng.weighted<'both' | 'crm' | 'loyalty'>([
        ['both', RATES.inStoreBoth],
        ['crm', RATES.inStoreCrmOnly],
        ['loyalty', 1 - RATES.inStoreBoth - RATES.inStoreCrmOnly],
      ]);
      silos = { crm: kind !== 'loyalty', loyalty: kind !== 'crm', commerce: false, analytics: false };
    }
    if (!offline || silos.crm || silos.loyalty) return silos;
  }
}

interface PeopleState {
  emails: Set<string>;
  phones: Set<string>;
}

function makePerson(rng: Random, index: number, clock: Clock, state: PeopleState, household: HouseholdShare | null, forced?: Country): Person {
  const country: Country = household ? 'FR' : (forced ?? rng.weighted(COUNTRY_WEIGHTS));
  const profile = COUNTRIES[country];
  const firstName = household ? unique(household.firstNames, () => rng.pick(profile.firstNames)) : rng.pick(profile.firstNames);
  const lastName = household?.lastName ?? rng.pick(profile.lastNames);
  const birthSec = clock.now - rng.int(18 * 365, 80 * 365) * DAY;
  const birthDate = iso(birthSec).slice(0, 10);
  const birthYear = Number(birthDate.slice(0, 4));
  const address = household?.address ?? makeAddress(rng, country);
  return {
    index,
    id: `p-${index + 1}`,
    country,
    language: rng.weighted(profile.languages),
    firstName,
    lastName,
    email: makeEmail(rng, state.emails, profile, firstName, lastName, birthYear),
    altEmail: makeEmail(rng, state.emails, profile, firstName, lastName, birthYear),
    mobile: unique(state.phones, () => `+${profile.phone.cc}${profile.phone.mobile(rng)}`),
    landline: household?.landline ?? (country === 'FR' && rng.chance(RATES.ownLandline) ? frenchLandline(rng, state.phones) : null),
    household: household?.id ?? null,
    lineOnly: false,
    birthDate,
    address,
    homeStore: homeStoreFor(rng, address),
    since: randomSec(rng, clock.start, clock.now - DAY),
    silos: pickSilos(rng, household !== null),
  };
}

/** `size` persons `p-1` to `p-<size>`, some in households (./messy/households.ts). */
export function makePeople(rng: Random, size: number, clock: Clock): Person[] {
  const state: PeopleState = { emails: new Set(), phones: new Set() };
  const people: Person[] = [];
  let households = 0;
  while (people.length < size) {
    const room = size - people.length;
    if (room >= 2 && rng.chance(HOUSEHOLD_START)) {
      const members = Math.min(room, rng.weighted(HOUSEHOLD_SIZES));
      const address = makeAddress(rng, 'FR');
      const share: HouseholdShare = {
        id: `h-${++households}`,
        landline: frenchLandline(rng, state.phones),
        address,
        lastName: rng.pick(FRENCH_LAST),
        firstNames: new Set(),
      };
      for (let m = 0; m < members; m++) {
        // Flatmates and blended families do not all share a last name.
        const own = rng.chance(0.3) ? { ...share, lastName: rng.pick(FRENCH_LAST) } : share;
        people.push(makePerson(rng, people.length, clock, state, own));
      }
    } else {
      const person = makePerson(rng, people.length, clock, state, null);
      if (NANP.has(person.country) && person.silos.crm && room >= 2 && rng.chance(RATES.nanpHousehold)) {
        people.push(...nanpHousehold(rng, person, state.phones, `h-${++households}`, () => makePerson(rng, person.index + 1, clock, state, null, person.country)));
      } else {
        people.push(person);
      }
    }
  }
  return people;
}
