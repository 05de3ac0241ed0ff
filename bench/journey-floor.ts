/**
 * The floor of the journey question ("the first page of this customer's journey, 20
 * touchpoints, with the summary"): what a hand-written handler does to answer it, with the same
 * upstream calls as the gateway, and nothing else. No GraphQL, no identity layer, no DataLoaders,
 * no page planner: it reads each history of the customer whole, merges the touchpoints by hand,
 * takes the newest 20 and folds the summary.
 *
 * It calls the silos through the gateway's connectors (`createSiloConnectors`, the history reads
 * and `fetchRecords`), which ARE the upstream calls: speaking each product's paging by hand
 * (Open Loyalty's date ranges and pages, Shopify's Link-header pages and same-second ties,
 * Matomo's segments and margins) would be hundreds of lines per silo that must end up making
 * the very same calls, or the comparison would not be the same question. What the floor leaves
 * out is everything the gateway adds on top of those calls. The touchpoints and the summary come
 * from the same pure functions (src/journey: touchpointsOf, JourneySummaryFold), since they ARE
 * the answer; the cursors too (encodeCursor), since the question asks for one per edge.
 *
 * The calls, for a customer with one record per silo and fewer than 250 events per history:
 *   CRM       contacts/batch/read                                    (the contact's creation)
 *   loyalty   member?customerId=                                     (membership; tier names cached)
 *             transaction?customerId=…  redemption?customerId=…      (each history, 250 a read)
 *   shop      customers.json?ids=  orders.json?customer_id=…         (account, currency; orders; no products.json:
 *                                                                     the question does not show favourite categories)
 *   analytics Live.getLastVisitsDetails by visitorId (the devices' first logins), then the visits
 * Which records are this customer's comes from the population's ground truth, as for the profile
 * floor (floor.ts): the way the gateway's identity cache knows a cluster's record ids.
 */
import type { SiloConnectors } from '../connectors/types.js';
import type { JourneyPoint, JourneyRead, JourneyWindow } from '../connectors/types.js';
import { ownFirstLogins, shopIdMatcher, visitOwner } from '../src/graphql/journey-readers.js';
import { encodeCursor, type CursorSecret } from '../src/journey/cursor.js';
import { filterKey } from '../src/journey/filter.js';
import { compareKeys, touchpointKey, type TouchpointKey } from '../src/journey/order.js';
import { JourneySummaryFold, shopCurrencyOf } from '../src/journey/summary.js';
import type { JourneyStream, StreamEvents, TouchpointRecord } from '../src/journey/touchpoint.js';
import { touchpointsOf } from '../src/journey/touchpoints.js';
import type { BenchPerson } from './shared.js';

/** The question's `journey(first: 20)`. */
export const JOURNEY_FIRST = 20;
/** What one history read asks for: the most a journey window allows, as the gateway's summary asks. */
const WHOLE_HISTORY_READ = 250;
const NO_FILTER = filterKey({ kinds: null, channels: null, since: null, until: null });

/** The answer's `customer` member, as the gateway answers the question (bench/shared.ts, JOURNEY_QUERY). */
export interface JourneyAnswer {
  journey: {
    edges: Array<{ cursor: string; node: Pick<TouchpointRecord, 'id' | 'occurredAt' | 'kind' | 'channel' | 'source' | 'summary' | 'amount' | 'currency'> }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  journeySummary: { touchpoints: number; purchases: number; returns: number; totalSpend: number; currency: string | null; favouriteStore: string | null };
}

/**
 * Every event of one history, read after read of {@link WHOLE_HISTORY_READ} until the silo has no
 * more. A read starts at `from` included: the event there was taken by the read before.
 */
export async function readAll<T>(
  read: (window: JourneyWindow) => Promise<JourneyRead<T>>,
  pointOf: (item: T) => JourneyPoint,
): Promise<Array<T & { recordId: string }>> {
  const all: Array<T & { recordId: string }> = [];
  let from: JourneyPoint | undefined;
  for (;;) {
    const answer = await read({ limit: WHOLE_HISTORY_READ, ...(from ? { from } : {}) });
    const fresh = from ? answer.items.filter((item) => { const p = pointOf(item); return !(p.at === from!.at && p.id === from!.id); }) : answer.items;
    all.push(...fresh);
    if (answer.exhausted || fresh.length === 0) return all;
    from = pointOf(answer.items.at(-1)!);
  }
}

const at = (iso: string): number => Date.parse(iso);

/**
 * The floor's answer for one person: the journey's first page and the summary.
 * @throws a SourceError when a silo fails (the floor answers 502 then).
 */
export async function journeyFloor(connectors: SiloConnectors, person: BenchPerson, goldenId: string, secret: CursorSecret): Promise<JourneyAnswer> {
  const loyaltyIds = [person.loyalty];
  const commerceIds = [person.commerce];
  const analyticsIds = person.analytics ?? [];
  const [contacts, members, shopCustomers, visitors, transactions, redemptions, orders, visits] = await Promise.all([
    connectors.crm.fetchRecords([person.crm]),
    connectors.loyalty.fetchRecords(loyaltyIds),
    connectors.commerce.fetchRecords(commerceIds),
    analyticsIds.length > 0 ? connectors.analytics.fetchRecords(analyticsIds) : Promise.resolve([]),
    readAll((w) => connectors.loyalty.transactionHistory(loyaltyIds, w), (t) => ({ at: at(t.purchasedAt), id: t.id })),
    readAll((w) => connectors.loyalty.redemptionHistory(loyaltyIds, w), (r) => ({ at: at(r.redeemedAt), id: r.id })),
    readAll((w) => connectors.commerce.orderHistory(commerceIds, w), (o) => ({ at: at(o.createdAt), id: o.id })),
    analyticsIds.length > 0 ? readAll((w) => connectors.analytics.visitHistory(analyticsIds, w), (v) => ({ at: at(v.endedAt), id: v.id })) : Promise.resolve([]),
  ]);

  const touchpoints: TouchpointRecord[] = [];
  const add = <S extends JourneyStream>(stream: S, events: ReadonlyArray<StreamEvents[S] | null>): void => {
    for (const event of events) if (event !== null) touchpoints.push(...touchpointsOf(stream, event));
  };
  add('crm.contacts', contacts);
  add('loyalty.members', members);
  add('loyalty.transactions', transactions);
  add('loyalty.redemptions', redemptions);
  add('commerce.customers', shopCustomers);
  add('commerce.orders', orders);
  // The person's own visits only, as the gateway keeps them: none logged in as someone else.
  const loggedInAs = shopIdMatcher(commerceIds, { defaultCountry: 'FR' });
  add('analytics.visits', commerceIds.length === 0 ? visits : visits.filter((visit) => visitOwner(visit, loggedInAs) !== undefined));
  // The customer's own first logins, matched as the gateway matches them (normalized shop ids).
  for (const visitor of visitors) {
    if (visitor === null) continue;
    for (const login of ownFirstLogins(visitor, commerceIds, { defaultCountry: 'FR' })) touchpoints.push(...touchpointsOf('analytics.logins', { visitor, login }));
  }

  const fold = new JourneySummaryFold({ currency: shopCurrencyOf(touchpoints, shopCustomers[0]?.currency ?? null) });
  const keyed = touchpoints.map((node) => {
    fold.add(node);
    return { key: touchpointKey(node), node };
  });
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  const page = keyed.slice(0, JOURNEY_FIRST);
  // Each edge's cursor holds, for every stream, the position after that edge, as the gateway's do.
  const cursorAt = (key: TouchpointKey): string =>
    encodeCursor(
      {
        goldenId,
        filterKey: NO_FILTER,
        positions: {
          'crm.contacts': { kind: 'after', key },
          'loyalty.members': { kind: 'after', key },
          'loyalty.transactions': { kind: 'after', key },
          'loyalty.redemptions': { kind: 'after', key },
          'commerce.customers': { kind: 'after', key },
          'commerce.orders': { kind: 'after', key },
          'analytics.visits': { kind: 'after', key },
          'analytics.logins': { kind: 'after', key },
        },
      },
      secret,
    );
  const edges = page.map(({ key, node }) => ({
    cursor: cursorAt(key),
    node: { id: node.id, occurredAt: node.occurredAt, kind: node.kind, channel: node.channel, source: node.source, summary: node.summary, amount: node.amount ?? null, currency: node.currency ?? null },
  }));
  const figures = fold.result();
  return {
    journey: { edges, pageInfo: { hasNextPage: keyed.length > JOURNEY_FIRST, endCursor: edges.at(-1)?.cursor ?? null } },
    journeySummary: {
      touchpoints: figures.touchpoints,
      purchases: figures.purchases,
      returns: figures.returns,
      totalSpend: figures.totalSpend,
      currency: figures.currency ?? null,
      favouriteStore: figures.favouriteStore ?? null,
    },
  };
}
