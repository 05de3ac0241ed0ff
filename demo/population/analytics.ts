/**
 * The analytics silo: Matomo visits per device of each person, anonymous until the device logs in.
 */
import { type AnalyticsSilo, type MatomoVisit } from '../../connectors/population.js';
import { type Device, LAST_VISIT_MARGIN, makeDevice, makeVisit, type SiteMap, siteMap } from './analytics-site.js';
import { type CatalogItem } from './catalog.js';
import { type ShopAccount } from './commerce.js';
import { paddedUserId } from './messy/id-variants.js';
import { makeSharedDevice, sharedDevicePlan, sharedDeviceVisits } from './messy/shared-device-visits.js';
import { type Person } from './people.js';
import { type Random } from './random.js';
import { RATES, RETAILER } from './rates.js';
import { type Owned } from './records.js';
import { type Clock, randomSec, skewedInt, sortedSecs } from './time.js';

/**
 * One device's visits. Without an account every visit is anonymous. With one, the early visits
 * are anonymous and, from the device's first login on (never before the account existed), every
 * visit carries the shop customer id; every such device logs in at least once.
 */
function deviceVisits(rng: Random, site: SiteMap, person: Person, account: ShopAccount | undefined, clock: Clock, device: Device): MatomoVisit[] {
  const end = clock.now - LAST_VISIT_MARGIN;
  const first = randomSec(rng, person.since, end);
  const count = skewedInt(rng, 1, 15, 5);
  if (!account) return sortedSecs(rng, count, first, end).map((sec) => makeVisit(rng, site, device, sec, null, false));
  const anonymous = count > 1 && rng.chance(0.85) ? rng.int(1, count - 1) : 0;
  const anonymousSecs = sortedSecs(rng, anonymous, first, end);
  const loginFrom = Math.max(anonymousSecs.at(-1) ?? first, account.created);
  const userId = String(account.id);
  // A faulty integration sent the id padded on the first logged-in visits, until it was fixed.
  const padded = rng.chance(RATES.paddedUserId) ? { sent: paddedUserId(rng, userId), visits: rng.int(1, count - anonymous) } : null;
  return [
    ...anonymousSecs.map((sec) => makeVisit(rng, site, device, sec, null, false)),
    ...sortedSecs(rng, count - anonymous, loginFrom, end).map((sec, i) =>
      makeVisit(rng, site, device, sec, padded !== null && i < padded.visits ? padded.sent : userId, i === 0),
    ),
  ];
}

/** The analytics silo: every device's visits, numbered in the order they start, and each device's person. */
export function projectAnalytics(
  rng: Random,
  people: readonly Person[],
  catalog: readonly CatalogItem[],
  accounts: ReadonlyMap<number, ShopAccount>,
  clock: Clock,
): Owned<AnalyticsSilo> {
  const site = siteMap(catalog);
  const visitorIds = new Set<string>();
  const owners: Owned<AnalyticsSilo>['owners'] = [];
  const visits: MatomoVisit[] = [];
  const shared = sharedDevicePlan(rng, people, accounts);
  for (const person of people) {
    if (!person.silos.analytics) continue;
    const account = accounts.get(person.index);
    // A visitor who never logs in is one device: nothing tells that two browsers are one person.
    const devices = account ? rng.weighted([[1, 60], [2, 28], [3, 12]] as const) : 1;
    for (let d = 0; d < devices; d++) {
      const device = makeDevice(rng, visitorIds);
      owners.push({ person: person.index, id: device.visitorId });
      visits.push(...deviceVisits(rng, site, person, account, clock, device));
    }
    const other = shared.get(person.index);
    const otherAccount = other === undefined ? undefined : accounts.get(other);
    if (account && otherAccount) {
      // The family device is the owner's: they log in on it most.
      const device = makeSharedDevice(rng, visitorIds);
      owners.push({ person: person.index, id: device.visitorId });
      visits.push(...sharedDeviceVisits(rng, site, account, otherAccount, person.since, clock, device));
    }
  }
  // Matomo numbers visits in the order they start. The visits are this function's own fresh
  // objects: numbering them in place spares a copy of the largest array of the population.
  visits.sort((a, b) => a.firstActionTimestamp - b.firstActionTimestamp);
  visits.forEach((visit, n) => {
    visit.idVisit = n + 1;
  });
  return { silo: { siteId: RETAILER.analyticsSiteId, visits }, owners };
}
