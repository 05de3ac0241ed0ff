/**
 * The journey's readers: for each stream of a customer's history (journey/touchpoint.ts), a
 * function that reads one window of it and answers touchpoints in journey order. The paged
 * streams ask the silo through its connector with the product's own paging and time filters;
 * the record streams (a record's creation, a device's first login) come from the records the
 * request already loads. Every silo call goes through a connector; nothing here builds a URL.
 */
import type { JourneyWindow } from '../../connectors/types.js';
import type { Source } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import type { JourneyPlan, StreamPushdowns } from '../journey/filter.js';
import { memoryReader, type JourneyReader, type JourneyReaders, type JourneyReadResult } from '../journey/page.js';
import { touchpointsOf } from '../journey/touchpoints.js';
import { STREAM_SOURCE, type JourneyStream, type StreamEvents, type TouchpointRecord } from '../journey/touchpoint.js';
import { SourceError } from '../shared/errors.js';
import { siloRecords } from './customer-records.js';
import type { RequestContext } from './context.js';


/** The ids of the customer's records in one silo. */
export function recordIdsIn(customer: CustomerParent, source: Source): string[] {
  return customer.records.filter((record) => record.source === source).map((record) => record.id);
}

/**
 * A reader for each stream of the plan in which this customer has records: a stream of a silo
 * where they have none is left out (nothing to read: no call).
 */
export function journeyReaders(customer: CustomerParent, plan: JourneyPlan, ctx: RequestContext): JourneyReaders {
  const { connectors } = ctx.services;
  const ids = (source: Source) => recordIdsIn(customer, source);
  const has = (stream: JourneyStream) => plan[stream] !== undefined && ids(STREAM_SOURCE[stream]).length > 0;
  const readers: { -readonly [S in JourneyStream]?: JourneyReader<S> } = {};
  if (has('loyalty.transactions')) readers['loyalty.transactions'] = paged('loyalty.transactions', (w) => connectors.loyalty.transactionHistory(ids('loyalty'), w));
  if (has('loyalty.redemptions')) readers['loyalty.redemptions'] = paged('loyalty.redemptions', (w) => connectors.loyalty.redemptionHistory(ids('loyalty'), w));
  if (has('commerce.orders')) readers['commerce.orders'] = paged('commerce.orders', (w) => connectors.commerce.orderHistory(ids('commerce'), w));
  if (has('analytics.visits')) readers['analytics.visits'] = paged('analytics.visits', (w) => connectors.analytics.visitHistory(ids('analytics'), w));
  if (has('crm.contacts')) {
    readers['crm.contacts'] = fromRecords(async () => events(await siloRecords(customer, 'crm', ctx.loaders.crm)).flatMap((r) => touchpointsOf('crm.contacts', r)));
  }
  if (has('loyalty.members')) {
    readers['loyalty.members'] = fromRecords(async () => events(await siloRecords(customer, 'loyalty', ctx.loaders.loyalty)).flatMap((r) => touchpointsOf('loyalty.members', r)));
  }
  if (has('commerce.customers')) {
    readers['commerce.customers'] = fromRecords(async () =>
      events(await siloRecords(customer, 'commerce', ctx.loaders.commerce)).flatMap((r) => touchpointsOf('commerce.customers', r)),
    );
  }
  if (has('analytics.logins')) {
    // A shared device's logins as someone else are not this customer's moments.
    const own = new Set(ids('commerce'));
    readers['analytics.logins'] = fromRecords(async () =>
      events(await siloRecords(customer, 'analytics', ctx.loaders.analytics)).flatMap((visitor) =>
        visitor.firstLogins.filter((login) => own.has(login.userId)).flatMap((login) => touchpointsOf('analytics.logins', { visitor, login })),
      ),
    );
  }
  return readers;
}

/** A stream the silo pages: each read is one connector call (a few when ties at a page's edge need it). */
function paged<S extends 'loyalty.transactions' | 'loyalty.redemptions' | 'commerce.orders' | 'analytics.visits'>(
  stream: S,
  read: (window: JourneyWindow & StreamPushdowns[S]) => Promise<{ items: Array<StreamEvents[S]>; exhausted: boolean }>,
): JourneyReader<S> {
  return async (window) => {
    const answer = await read(window);
    const touchpoints = answer.items.flatMap((event) => touchpointsOf(stream, event));
    return { touchpoints, exhausted: answer.exhausted };
  };
}

/**
 * A stream built from the customer's records, loaded once per request: all of it is known then,
 * so a read answers every touchpoint of the window (memoryReader) and the stream is exhausted.
 */
function fromRecords(build: () => Promise<TouchpointRecord[]>): JourneyReader<JourneyStream> {
  let reader: Promise<(window: JourneyWindow) => Promise<JourneyReadResult>> | undefined;
  return async (window) => (await (reader ??= build().then(memoryReader)))(window);
}

/** The records, or the silo's failure thrown, as a paged read's would be. */
function events<T>(records: T[] | SourceError): T[] {
  if (records instanceof SourceError) throw records;
  return records;
}
