/**
 * Messy case: two CRM contacts for one person (RATES.crmDuplicate).
 */
import type { CrmDraft, CrmIdentity } from '../crm.js';
import { crmPhoneText } from './phone-formats.js';
import { otherSpelling, ownEmail, storedEmail } from './spellings.js';
import { type Person } from '../people.js';
import { type Random } from '../random.js';
import { type Clock, randomSec } from '../time.js';

/**
 * Two contacts for one person: the same email typed twice (differing in case or spaces), or one
 * contact from the web with the email and one from a store with the phone, to which someone later
 * added the email as an additional one. `draft` drafts one contact (the CRM's {@link crmDraft}).
 */
export function duplicateCrmContacts(
  rng: Random,
  person: Person,
  clock: Clock,
  created: number,
  phones: Pick<CrmIdentity, 'phone' | 'mobilephone'>,
  draft: (created: number, identity: CrmIdentity) => CrmDraft,
): CrmDraft[] {
  const later = randomSec(rng, created, clock.now);
  const email = ownEmail(rng, person.email, 'crm');
  if (rng.chance(0.55)) {
    return [
      draft(created, { email, ...phones, hs_additional_emails: null }),
      draft(later, { email: otherSpelling(rng, person.email, email), phone: null, mobilephone: null, hs_additional_emails: null }),
    ];
  }
  const mobile = crmPhoneText(rng, person.mobile, person.country);
  const phoneOnly = rng.chance(0.5) ? { phone: mobile, mobilephone: null } : { phone: null, mobilephone: mobile };
  return [
    // A household member's web contact still carries the home line.
    draft(created, { email, phone: person.household !== null ? phones.phone : null, mobilephone: null, hs_additional_emails: null }),
    draft(later, {
      email: rng.chance(0.5) ? person.altEmail : null,
      ...phoneOnly,
      hs_additional_emails: storedEmail(rng, person.email, true),
    }),
  ];
}
