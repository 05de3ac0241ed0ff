/**
 * A family tablet or computer: one Matomo visitor (one browser, one `visitorId`) on which two shop
 * customers of one household log in, one after the other. Pure: no I/O.
 *
 * Whose device it is: the team's rule is the shop customer with strictly the most logged-in
 * visits; the generator always gives the device such an owner (never a tie) and puts it in that
 * person's truth. The other customer's visits on it must never link the device, nor the owner, to
 * them.
 */
import type { Random } from '../random.js';

export type Login = 'owner' | 'other';

/**
 * Who logs in on each logged-in visit of a shared device, in time order: one person's block, then
 * the other's (the Matomo tracker keeps a userId until the next login). 3 to 12 logged-in visits;
 * the owner has strictly more than the other, who has at least 1. The owner logs in first 70% of
 * the time (they set the device up; a teenager borrows it later), else second (a parent's
 * tablet the other parent tried first).
 */
export function sharedDeviceLogins(rng: Random): Login[] {
  const total = rng.int(3, 12);
  const other = rng.int(1, Math.ceil(total / 2) - 1);
  const owner = total - other;
  const ownerBlock: Login[] = Array.from({ length: owner }, () => 'owner');
  const otherBlock: Login[] = Array.from({ length: other }, () => 'other');
  return rng.chance(0.7) ? [...ownerBlock, ...otherBlock] : [...otherBlock, ...ownerBlock];
}

/** The shop customer id with strictly the most visits among `userIds` (nulls ignored), or null on a tie or none. */
export function majorityUserId(userIds: ReadonlyArray<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const id of userIds) if (id !== null) counts.set(id, (counts.get(id) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const [first, second] = sorted;
  return first !== undefined && (second === undefined || first[1] > second[1]) ? first[0] : null;
}
