/**
 * Messy case: a lost loyalty card reissued as a new membership (RATES.reissuedCard).
 */
import { phoneLinks } from '../countries.js';
import type { MemberDraft, Membership } from '../loyalty.js';
import { otherSpelling, ownEmail } from './spellings.js';
import { type Person } from '../people.js';
import { type Random } from '../random.js';
import { type Clock, DAY, randomSec } from '../time.js';

/**
 * A lost card replaced by a new membership: the old member is deactivated, its points carried over
 * to the new one, and the two share the email (maybe spelled differently) and/or the phone. When
 * they share only the phone (the person gave their other address), it is the mobile: a household's
 * line would not say whose the new card is. `draft` drafts one membership (the loyalty silo's {@link memberDraft}).
 */
export function reissuedMembers(rng: Random, person: Person, clock: Clock, created: number, draft: (membership: Membership) => MemberDraft): MemberDraft[] {
  const reissued = randomSec(rng, created + DAY, clock.now);
  // US and Canadian phones link nothing: their two cards always share the email.
  const shared = rng.weighted<'both' | 'email' | 'phone'>([['phone', phoneLinks(person) ? 25 : 0], ['both', 50], ['email', 25]]);
  const phone = person.household !== null && shared !== 'phone' ? person.landline : person.mobile;
  const oldContact = { email: ownEmail(rng, person.email, 'loyalty'), phone, landlineOnly: false };
  const newContact = {
    email: shared === 'phone' ? person.altEmail : otherSpelling(rng, person.email, oldContact.email),
    phone: shared === 'email' ? null : oldContact.phone,
    landlineOnly: false,
  };
  const old = draft({ window: { from: created, to: reissued }, contact: oldContact, active: false, carried: 0, card: true });
  const window = { from: reissued, to: clock.now };
  const current = draft({ window, contact: newContact, active: true, carried: old.earned, card: true });
  return [old, current];
}
