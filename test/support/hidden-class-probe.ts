/**
 * Run by test/hidden-classes.test.ts as `node --allow-natives-syntax --import tsx` this file: maps
 * 200 silo rows of each kind as the connectors do, and prints, as one JSON object,
 * how many distinct hidden classes (V8 maps) each kind of result came with. V8's
 * `%HaveSameMap(a, b)` is only parsed with that flag, hence the Function constructor.
 *
 * On Node 20 (V8 11.3), an object literal that begins with a spread and goes on
 * (`{ ...row, recordId }`) got a hidden class of its own at each evaluation; the classes live in
 * the old generation until a mark-compact (docs/hidden-classes.md).
 */
import { toLoginVisit, toMatomoVisit, visitsAnswer } from '../../connectors/analytics/mapping.js';
import { memberItem, toMemberRecord, toMemberView } from '../../connectors/loyalty/mapping.js';

const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** How many hidden classes `objects` come with (each compared with the first of each class found). */
function classCount(objects: readonly object[]): number {
  const representatives: object[] = [];
  for (const o of objects) if (!representatives.some((r) => haveSameMap(r, o))) representatives.push(o);
  return representatives.length;
}

const ROWS = 200;
const rows = Array.from({ length: ROWS }, (_, i) => ({
  idSite: 1,
  idVisit: 1000 + i,
  visitorId: 'a1b2c3d4e5f60718',
  userId: i % 2 === 0 ? null : `shop-${i}`,
  firstActionTimestamp: 1718000000 + i * 3600,
  lastActionTimestamp: 1718000600 + i * 3600,
  visitDuration: 600,
  deviceType: 'Smartphone',
  operatingSystem: 'Android',
  browserName: 'Chrome',
  referrerType: 'direct',
  referrerName: '',
  actionDetails: [{ type: 'action', url: 'https://shop.example/p/1', pageTitle: 'Shoes', timestamp: 1718000100 + i * 3600 }],
}));
const visits = visitsAnswer.parse(rows).map(toMatomoVisit);
const logins = visitsAnswer.parse(rows).map(toLoginVisit);

const members = Array.from({ length: ROWS }, (_, i) =>
  toMemberRecord(
    toMemberView(
      memberItem.parse({
        customerId: `m-${i}`,
        loyaltyCardNumber: `C${i}`,
        email: `m${i}@example.com`,
        firstName: 'Ada',
        lastName: 'Lovelace',
        levelId: i % 3 === 0 ? null : 'gold',
        active: true,
        createdAt: '2024-05-01T10:00:00+00:00',
      }),
    ),
    new Map([['gold', 'Gold']]),
  ),
);

process.stdout.write(
  JSON.stringify({
    'analytics visit (toMatomoVisit)': classCount(visits),
    'analytics first-login visit (toLoginVisit)': classCount(logins),
    'loyalty member (toMemberRecord)': classCount(members),
  }),
);
