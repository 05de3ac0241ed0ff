import { generatePopulation } from '../../demo/population/generate.js';
import { CONTRACT_NOW, connectorContract } from '../../test/contract/connector-contract.js';
import { unique } from '../shared/collections.js';
import type { MatomoVisit } from '../population.js';
import type { AnalyticsVisitorRecord, Identifier } from '../types.js';
import { DEFAULT_LIMITS, createAnalyticsConnector } from './client.js';
import { createAnalyticsSimulator } from './simulator.js';

const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const BAD_TOKEN = 'ffffffffffffffffffffffffffffffff';

connectorContract<AnalyticsVisitorRecord>('Analytics (Matomo)', async ({ timeoutMs }) => {
  // About two visitors in three persons, one to three devices each: well over the 60 ids needed.
  const population = generatePopulation({ seed: 20240615, size: 200, now: CONTRACT_NOW });
  const visits = population.analytics.visits;
  const simulator = createAnalyticsSimulator({ population, tokenAuth: TOKEN });
  const baseUrl = await simulator.listen();
  const endpoint = { baseUrl, timeoutMs, connections: 4, siteId: population.analytics.siteId, appSiteId: population.analytics.appSiteId ?? null };
  const connector = createAnalyticsConnector({ ...endpoint, tokenAuth: TOKEN });
  const connectorWithBadCredentials = createAnalyticsConnector({ ...endpoint, tokenAuth: BAD_TOKEN });

  const visitorIds = unique(visits.map((v) => v.visitorId));
  const userIds = unique(visits.flatMap((v) => (v.userId === null ? [] : [v.userId])));
  const visitorsOfUser = (userId: string) => unique(visits.filter((v) => v.userId === userId).map((v) => v.visitorId));
  const twentyIdentifiers = userIds.slice(0, 20).map((value): Identifier => ({ type: 'commerce', value }));
  const firstUser = userIds[0]!;

  return {
    simulator,
    connector,
    connectorWithBadCredentials,
    badSecret: BAD_TOKEN,
    knownIds: visitorIds,
    idOf: (record) => record.id,
    lookups: [
      { identifier: { type: 'analytics', value: visitorIds[0]! }, expectIds: [visitorIds[0]!] },
      { identifier: { type: 'commerce', value: firstUser }, expectIds: visitorsOfUser(firstUser) },
    ],
    // One call per page of visits: the segments of 50 ids or 20 userIds each fit one call. A
    // lookup by userId then reads the devices it found whole, by visitorId.
    maxCallsToFetch50: pagesFor(visits.filter((v) => visitorIds.slice(0, 50).includes(v.visitorId))),
    maxCallsToLookup20:
      pagesFor(visits.filter((v) => v.userId !== null && userIds.slice(0, 20).includes(v.userId))) +
      pagesFor(visits.filter((v) => userIds.slice(0, 20).some((userId) => visitorsOfUser(userId).includes(v.visitorId)))),
    twentyIdentifiers,
    async close() {
      await Promise.all([connector.close(), connectorWithBadCredentials.close()]);
      await simulator.close();
    },
  };
});

/** Calls needed to page through these visits: a last, short page ends the reading. */
function pagesFor(visits: MatomoVisit[]): number {
  return Math.floor(visits.length / DEFAULT_LIMITS.visitsPerPage) + 1;
}
