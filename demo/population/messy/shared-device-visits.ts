/**
 * Messy case: a family device two shop customers of one household log in on (RATES.sharedDevice);
 * who logs in when is ./shared-devices.ts.
 */
import { type MatomoVisit } from '../../../connectors/population.js';
import { type Device, LAST_VISIT_MARGIN, makeDevice, makeVisit, type SiteMap } from '../analytics-site.js';
import { type ShopAccount } from '../commerce.js';
import { type Login, sharedDeviceLogins } from './shared-devices.js';
import { type Person } from '../people.js';
import { type Random } from '../random.js';
import { RATES } from '../rates.js';
import { type Clock, randomSec, sortedSecs } from '../time.js';

/** A family tablet or computer: the device types a household shares. */
export function makeSharedDevice(rng: Random, visitorIds: Set<string>): Device {
  for (;;) {
    const device = makeDevice(rng, visitorIds);
    if (device.deviceType === 'tablet' || device.deviceType === 'desktop') return device;
    visitorIds.delete(device.visitorId);
  }
}

/**
 * The visits of a device two shop customers of one household share ({@link RATES.sharedDevice}):
 * maybe a few anonymous visits, then one person's logged-in block and the other's, the owner
 * with strictly more logged-in visits (messy/shared-devices.ts).
 */
export function sharedDeviceVisits(rng: Random, site: SiteMap, owner: ShopAccount, other: ShopAccount, since: number, clock: Clock, device: Device): MatomoVisit[] {
  const end = clock.now - LAST_VISIT_MARGIN;
  const logins = sharedDeviceLogins(rng);
  const anonymousSecs = sortedSecs(rng, rng.chance(0.5) ? rng.int(1, 3) : 0, randomSec(rng, since, end), end);
  const loginFrom = Math.max(anonymousSecs.at(-1) ?? since, owner.created, other.created);
  const account = (who: Login): ShopAccount => (who === 'owner' ? owner : other);
  return [
    ...anonymousSecs.map((sec) => makeVisit(rng, site, device, sec, null, false)),
    ...sortedSecs(rng, logins.length, loginFrom, end).map((sec, i) =>
      makeVisit(rng, site, device, sec, String(account(logins[i]!).id), i === 0 || logins[i - 1] !== logins[i]),
    ),
  ];
}

/**
 * Per owner (person index), the household members whose accounts log in on a device the owner
 * shares with them: for {@link RATES.sharedDevice} of the households with two or more shop
 * customers tracked by analytics, one such pair.
 */
export function sharedDevicePlan(rng: Random, people: readonly Person[], accounts: ReadonlyMap<number, ShopAccount>): Map<number, number> {
  const households = new Map<string, Person[]>();
  for (const person of people) {
    if (person.household === null || !person.silos.analytics || !accounts.has(person.index)) continue;
    households.set(person.household, [...(households.get(person.household) ?? []), person]);
  }
  const plan = new Map<number, number>();
  for (const members of households.values()) {
    if (members.length < 2 || !rng.chance(RATES.sharedDevice)) continue;
    const [owner, other] = rng.shuffle(members);
    plan.set(owner!.index, other!.index);
  }
  return plan;
}
