/**
 * The journey's readers: for each stream of a customer's history (journey/touchpoint.ts), a
 * function that reads one window of it and answers touchpoints in journey order. The paged
 * streams ask the silo through its connector with the product's own paging and time filters;
 * the record streams (a record's creation, a device's first login) come from the records the
 * request already loads. Every silo call goes through a connector; nothing here builds a URL.
 */
import { compareEventIds } from '../../connectors/shared/journey-order.js';
import type { AnalyticsVisitorRecord, JourneyWindow, VisitRecord } from '../../connectors/types.js';
import { normalizeIdentifier, type NormalizeOptions } from '../identity/normalize.js';
import type { Source } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import type { JourneyPlan, StreamPushdowns } from '../journey/filter.js';
import { memoryWindows, type JourneyReader, type JourneyReaders, type MemoryReader } from '../journey/page.js';
import { touchpointsOf } from '../journey/touchpoints.js';
import { JOURNEY_STREAMS, STREAM_SOURCE, type JourneyStream, type StreamEvents, type TouchpointRecord } from '../journey/touchpoint.js';
import { SourceError } from '../shared/errors.js';
import { recordIdsIn, siloRecords, unknownRecordsCause } from './customer-records.js';
import type { RequestContext } from './context.js';

/**
 * A reader for each stream of the plan in which this customer has records: a stream of a silo
 * where they have none is left out (nothing to read: no call).
 */
export function journeyReaders(customer: CustomerParent, plan: JourneyPlan, ctx: RequestContext): JourneyReaders {
  const { connectors } = ctx.services;
  // Each silo's ids listed once for all its readers and their reads.
  const idsBySource = new Map<Source, string[]>();
  const ids = (source: Source): string[] => {
    let list = idsBySource.get(source);
    if (list === undefined) {
      list = recordIdsIn(customer, source);
      idsBySource.set(source, list);
    }
    return list;
  };
  const readers: { -readonly [S in JourneyStream]?: JourneyReader<S> } = {};
  // A silo whose records are unknown (it failed while the customer was resolved, or another did
  // and none is known here: unknownRecordsCause): its streams fail too, so that a page keeps
  // their positions in the cursor and the figures count them unknown, rather than read them as
  // empty and ended.
  const unknown = new Set<JourneyStream>();
  for (const stream of JOURNEY_STREAMS) {
    // A device's first logins, and whose its logged-in visits are, depend on the customer's shop
    // ids: unknown shop records leave them unknown too.
    const cause = unknownRecordsCause(customer, STREAM_SOURCE[stream]) ?? (STREAM_SOURCE[stream] === 'analytics' ? unknownRecordsCause(customer, 'commerce') : undefined);
    if (cause === undefined) continue;
    unknown.add(stream);
    if (plan[stream] !== undefined) readers[stream] = () => Promise.reject(cause);
  }
  // Each paged read goes through the request's loaders' `call`: none once the request is stopped (request-signal.ts).
  const has = (stream: JourneyStream) => plan[stream] !== undefined && !unknown.has(stream) && ids(STREAM_SOURCE[stream]).length > 0;
  if (has('loyalty.transactions')) readers['loyalty.transactions'] = paged('loyalty.transactions', (w) => ctx.loaders.call('loyalty', (signal) => connectors.loyalty.transactionHistory(ids('loyalty'), w, signal)));
  if (has('loyalty.redemptions')) readers['loyalty.redemptions'] = paged('loyalty.redemptions', (w) => ctx.loaders.call('loyalty', (signal) => connectors.loyalty.redemptionHistory(ids('loyalty'), w, signal)));
  if (has('commerce.orders')) readers['commerce.orders'] = paged('commerce.orders', (w) => ctx.loaders.call('commerce', (signal) => connectors.commerce.orderHistory(ids('commerce'), w, signal)));
  if (has('analytics.visits')) {
    // Only the customer's own moments: a visit logged in as someone else (a family tablet) is not.
    // A customer without a shop account is their device alone: its visits are all theirs.
    const loggedInAs = ids('commerce').length === 0 ? null : shopIdMatcher(ids('commerce'), ctx.services.normalize);
    readers['analytics.visits'] = ownVisits(loggedInAs, (w) => ctx.loaders.call('analytics', (signal) => connectors.analytics.visitHistory(ids('analytics'), w, signal)));
  }
  if (has('crm.contacts')) {
    readers['crm.contacts'] = fromRecords(async () => events(await siloRecords(customer, 'crm', ctx)).flatMap((r) => touchpointsOf('crm.contacts', r)));
  }
  if (has('loyalty.members')) {
    readers['loyalty.members'] = fromRecords(async () => events(await siloRecords(customer, 'loyalty', ctx)).flatMap((r) => touchpointsOf('loyalty.members', r)));
  }
  if (has('commerce.customers')) {
    readers['commerce.customers'] = fromRecords(async () =>
      events(await siloRecords(customer, 'commerce', ctx)).flatMap((r) => touchpointsOf('commerce.customers', r)),
    );
  }
  if (has('analytics.logins')) {
    readers['analytics.logins'] = fromRecords(async () =>
      events(await siloRecords(customer, 'analytics', ctx)).flatMap((visitor) =>
        ownFirstLogins(visitor, ids('commerce'), ctx.services.normalize).map((login) => touchpointsOf('analytics.logins', { visitor, login })).flat(),
      ),
    );
  }
  return readers;
}

/**
 * A function telling which of the customer's shop ids (as their records hold them) a login id
 * sent with a visit is, compared normalized as identity resolution compares them (a site that
 * sends the id padded, ` 7010010357660`, is the same login): undefined for someone else's id.
 */
export function shopIdMatcher(shopIds: readonly string[], normalize: NormalizeOptions): (userId: string) => string | undefined {
  const normalized = (userId: string) => {
    const result = normalizeIdentifier({ type: 'commerce', value: userId }, normalize);
    return result.ok ? result.identifier.value : null;
  };
  // Each own shop id by its normalized form.
  const own = new Map<string, string>();
  for (const id of shopIds) {
    const key = normalized(id);
    if (key !== null && !own.has(key)) own.set(key, id);
  }
  // A device sends the same login id on visit after visit: each normalized once.
  const seen = new Map<string, string | undefined>();
  return (userId) => {
    if (seen.has(userId)) return seen.get(userId);
    const key = normalized(userId);
    const shopId = key === null ? undefined : own.get(key);
    seen.set(userId, shopId);
    return shopId;
  };
}

/**
 * Whose a visit is: `null` for an anonymous one (no login id), the customer's own shop id it was
 * logged in as, or `undefined` when it was logged in as anyone else: a shared device's visits
 * as another person (a family tablet) are that person's moments, not this customer's (nor
 * their pages viewed, which would tell one household member's browsing to another's
 * personalization).
 */
export function visitOwner(visit: Pick<VisitRecord, 'userId'>, loggedInAs: (userId: string) => string | undefined): string | null | undefined {
  return visit.userId === null || visit.userId === undefined || visit.userId.trim() === '' ? null : loggedInAs(visit.userId);
}

/**
 * The visits stream of the customer's own visits ({@link visitOwner}): a logged-in visit's
 * touchpoints carry the shop id it was made as (`loggedInAs`, for the cursor, records.ts); one
 * logged in as someone else gives none, and the read says how far it went (`last`) all the same.
 * With `loggedInAs` null (a customer without a shop account: the device alone, its logins as an
 * account not linked to anyone, a deleted one), every visit is the customer's.
 */
function ownVisits(
  loggedInAs: ((userId: string) => string | undefined) | null,
  read: (window: JourneyWindow & StreamPushdowns['analytics.visits']) => Promise<{ items: Array<StreamEvents['analytics.visits']>; exhausted: boolean }>,
): JourneyReader<'analytics.visits'> {
  return (window) =>
    read(window).then((answer) => {
      const touchpoints: TouchpointRecord[] = [];
      for (const visit of answer.items) {
        const owner = loggedInAs === null ? null : visitOwner(visit, loggedInAs);
        if (owner === undefined) continue;
        for (const touchpoint of touchpointsOf('analytics.visits', visit)) {
          if (owner !== null) touchpoint.loggedInAs = owner;
          touchpoints.push(touchpoint);
        }
      }
      const last = answer.items.at(-1);
      return last === undefined ? { touchpoints, exhausted: answer.exhausted } : { touchpoints, exhausted: answer.exhausted, last: { at: Date.parse(last.endedAt), id: last.id } };
    });
}

/**
 * A device's first login as this customer: the earliest of its first visits sent with one of the
 * customer's shop ids ({@link shopIdMatcher}), with `userId` the shop id as the customer's
 * records hold it (the journey's cursor tells logins apart by it, records.ts). A shared device's
 * logins as someone else are not this customer's moments.
 */
export function ownFirstLogins(visitor: AnalyticsVisitorRecord, shopIds: readonly string[], normalize: NormalizeOptions): AnalyticsVisitorRecord['firstLogins'] {
  const loggedInAs = shopIdMatcher(shopIds, normalize);
  const first = new Map<string, AnalyticsVisitorRecord['firstLogins'][number]>();
  for (const login of visitor.firstLogins) {
    const shopId = loggedInAs(login.userId);
    if (shopId === undefined) continue;
    const known = first.get(shopId);
    const at = Date.parse(login.at);
    if (!known || at < Date.parse(known.at) || (at === Date.parse(known.at) && compareEventIds(login.visitId, known.visitId) < 0)) {
      first.set(shopId, { userId: shopId, visitId: login.visitId, at: login.at, inApp: login.inApp });
    }
  }
  return [...first.values()];
}

/** A stream the silo pages: each read is one connector call (a few when ties at a page's edge need it). */
function paged<S extends 'loyalty.transactions' | 'loyalty.redemptions' | 'commerce.orders'>(
  stream: S,
  read: (window: JourneyWindow & StreamPushdowns[S]) => Promise<{ items: Array<StreamEvents[S]>; exhausted: boolean }>,
): JourneyReader<S> {
  // A `then`, not an async function, and a loop, not flatMap: each took some µs of every read.
  return (window) =>
    read(window).then((answer) => {
      const touchpoints: TouchpointRecord[] = [];
      for (const event of answer.items) for (const touchpoint of touchpointsOf(stream, event)) touchpoints.push(touchpoint);
      return { touchpoints, exhausted: answer.exhausted };
    });
}

/**
 * A stream built from the customer's records, loaded once per request: all of it is known then,
 * so a read answers every touchpoint of the window (memoryWindows) and the stream is exhausted.
 */
function fromRecords(build: () => Promise<TouchpointRecord[]>): JourneyReader<JourneyStream> {
  let reader: Promise<MemoryReader> | undefined;
  return (window) => (reader ??= build().then((touchpoints) => memoryWindows(touchpoints))).then((read) => read(window));
}

/** The records, or the silo's failure thrown, as a paged read's would be. */
function events<T>(records: T[] | SourceError): T[] {
  if (records instanceof SourceError) throw records;
  return records;
}
