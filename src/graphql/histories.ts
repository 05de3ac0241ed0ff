/**
 * A customer's whole history, stream by stream, read at most once per request: what
 * `journeySummary`, the lifecycle and value figures and the segments are computed from, and what
 * a `journey` page beside them is cut from instead of asking the silos again. Each stream is
 * started only when a field needs it, so a field that needs the loyalty receipts alone calls
 * the loyalty program alone.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { JourneyPoint } from '../../connectors/types.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import type { Source } from '../generated/graphql.js';
import { planJourney, type JourneyFilterSpec } from '../journey/filter.js';
import { memoryWindows, RECORD_STREAMS, type JourneyReader, type JourneyReaders, type MemoryReader } from '../journey/page.js';
import { JOURNEY_STREAMS, STREAM_SOURCE, type JourneyStream, type TouchpointRecord } from '../journey/touchpoint.js';
import { SourceError } from '../shared/errors.js';
import type { RequestContext } from './context.js';
import { journeyReaders } from './journey-readers.js';
import { guardAllows } from './scope-guard.js';
import { selects } from './selection.js';

/** How many events a whole-history read asks a silo for at once: the largest read a window allows. */
const WHOLE_HISTORY_READ = 250;

/** A whole history reads every stream whole, whatever a journey filter would keep: its plan, made once. */
const WHOLE_HISTORY_PLAN = planJourney({ kinds: null, channels: null, since: null, until: null } satisfies JourneyFilterSpec);

/**
 * The whole history of each of `streams` the customer has records for (a stream of a silo where
 * they have none is absent: nothing to read, no call), each started once per request and customer
 * and kept in the request context. A promise rejects with the SourceError of its silo; one that
 * nobody awaits is not an unhandled rejection.
 */
export function wholeHistories(
  customer: CustomerParent,
  ctx: RequestContext,
  streams: readonly JourneyStream[] = JOURNEY_STREAMS,
): Map<JourneyStream, Promise<TouchpointRecord[]>> {
  const byCustomer = (ctx.journeyHistories ??= new Map());
  let started = byCustomer.get(customer);
  if (started === undefined) {
    started = new Map();
    byCustomer.set(customer, started);
  }
  let missing: JourneyStream[] | undefined;
  for (const stream of streams) if (!started.has(stream)) (missing ??= []).push(stream);
  if (missing !== undefined) {
    // The customer's readers, made once per request: several fields start streams of their own.
    const readersOf = (ctx.wholeHistoryReaders ??= new Map());
    let readers = readersOf.get(customer);
    if (readers === undefined) {
      readers = journeyReaders(customer, WHOLE_HISTORY_PLAN, ctx);
      readersOf.set(customer, readers);
    }
    for (const stream of slowestSiloFirst(missing, (source) => ctx.services.connectors[source].calls?.typicalLatencyMs ?? null)) {
      const reader = readers[stream] as JourneyReader<JourneyStream> | undefined;
      if (!reader) continue;
      // Tracking it handles its rejection: one that nobody awaits is not an unhandled rejection.
      started.set(stream, ctx.loaders.pending.track(readWhole(reader)));
    }
  }
  const histories = new Map<JourneyStream, Promise<TouchpointRecord[]>>();
  for (const stream of streams) {
    const history = started.get(stream);
    if (history !== undefined) histories.set(stream, history);
  }
  return histories;
}

/**
 * `streams` with their silos' slowest lately first, by `latencyOf` (a silo's typical call time in
 * ms, SiloCalls.typicalLatencyMs; null for a silo not yet timed, which counts as the fastest), in
 * the given order among equals: an answer waits for its slowest silo, and each call takes some
 * tens of µs of CPU to send, so that silo's call goes out first.
 */
export function slowestSiloFirst(streams: readonly JourneyStream[], latencyOf: (source: Source) => number | null): JourneyStream[] {
  const latency = (stream: JourneyStream) => latencyOf(STREAM_SOURCE[stream]) ?? 0;
  return [...streams].sort((a, b) => latency(b) - latency(a));
}

/**
 * Starts the customers' whole histories as soon as they are resolved, when `info` (the
 * `customer` or `customers` field) selects a `journeySummary` under it that will run (not skipped,
 * and allowed to this client: no silo is read for a field the client will be refused). Its
 * resolver, and a `journey` page beside it, then find them started (wholeHistories): the silo
 * calls go out before graphql-js reaches those fields, so the slowest silo's answer, which the
 * whole answer waits for, is asked for earlier.
 */
export function startSelectedHistories(customers: readonly CustomerParent[], ctx: RequestContext, info: GraphQLResolveInfo): void {
  if (customers.length === 0 || !selects(info, 'journeySummary') || !guardAllows(info.schema, 'Customer.journeySummary', ctx.access)) return;
  for (const customer of customers) wholeHistories(customer, ctx);
}

/**
 * A page's readers, served from the whole histories this request has started, where there are
 * some (sortedHistory), the others from their silos.
 */
export function withWholeHistories(readers: JourneyReaders, customer: CustomerParent, ctx: RequestContext): JourneyReaders {
  const histories = ctx.journeyHistories?.get(customer);
  if (!histories) return readers;
  // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
  // spread gets a hidden class of its own each time (docs/hidden-classes.md).
  const served: { -readonly [S in JourneyStream]?: JourneyReader<S> } = Object.assign({}, readers);
  for (const stream of JOURNEY_STREAMS) {
    const history = histories.get(stream);
    if (!history || !readers[stream]) continue;
    served[stream] = async (window) => sortedHistory(stream, history, await history, ctx)(window);
  }
  return served;
}

/**
 * A page's readers as whole histories in memory, once they are read, when this request has
 * started one for every stream in `readers` (a `journeySummary` beside the page did: the page
 * then waits for nothing the answer does not wait for anyway); null when a stream has none, to be
 * read from its silo. The reader of a history that failed throws its silo's SourceError.
 */
export async function wholeHistoryReaders(readers: JourneyReaders, customer: CustomerParent, ctx: RequestContext): Promise<{ [S in JourneyStream]?: MemoryReader } | null> {
  const histories = ctx.journeyHistories?.get(customer);
  if (!histories) return null;
  const streams = JOURNEY_STREAMS.filter((stream) => readers[stream] !== undefined);
  if (!streams.every((stream) => histories.has(stream))) return null;
  const settled = await Promise.allSettled(streams.map((stream) => histories.get(stream)!));
  const inMemory: { [S in JourneyStream]?: MemoryReader } = {};
  settled.forEach((result, i) => {
    const stream = streams[i]!;
    inMemory[stream] =
      result.status === 'fulfilled'
        ? sortedHistory(stream, histories.get(stream)!, result.value, ctx)
        : () => {
            throw result.reason;
          };
  });
  return inMemory;
}

/**
 * The windows of a whole history read (its `touchpoints`, sorted here): once per history,
 * however many pages and aliases ask it. A silo's stream is read page-wise, as the silo would
 * answer (memoryWindows `paged`); a record stream all at once, as its own reader does.
 */
function sortedHistory(stream: JourneyStream, history: Promise<TouchpointRecord[]>, touchpoints: TouchpointRecord[], ctx: RequestContext): MemoryReader {
  const sortedOnce = (ctx.journeyHistoryReaders ??= new Map());
  let reader = sortedOnce.get(history);
  if (reader === undefined) {
    reader = memoryWindows(touchpoints, { paged: !RECORD_STREAMS.has(stream) });
    sortedOnce.set(history, reader);
  }
  return reader;
}

/**
 * The touchpoints of the given histories that could be read, and the failures of those that
 * could not (a SourceError each; anything else is thrown), both in the histories' order.
 */
export async function settledHistories(histories: Map<JourneyStream, Promise<TouchpointRecord[]>>): Promise<{ touchpoints: TouchpointRecord[]; failures: SourceError[] }> {
  const touchpoints: TouchpointRecord[] = [];
  const failures: SourceError[] = [];
  for (const result of await Promise.allSettled(histories.values())) {
    if (result.status === 'fulfilled') for (const touchpoint of result.value) touchpoints.push(touchpoint);
    else if (result.reason instanceof SourceError) failures.push(result.reason);
    else throw result.reason;
  }
  return { touchpoints, failures };
}

/** Every touchpoint of one stream, read after read until the silo has no more. */
async function readWhole(reader: JourneyReader<JourneyStream>): Promise<TouchpointRecord[]> {
  // Most histories take one read: its touchpoints are the history, not copied.
  let all: TouchpointRecord[] | undefined;
  let from: JourneyPoint | undefined;
  for (;;) {
    const read = await reader({ from, limit: WHOLE_HISTORY_READ });
    // A read starts at `from` included: the event there was taken by the read before.
    const fresh = from ? read.touchpoints.filter((t) => !(Date.parse(t.occurredAt) === from!.at && t.sourceId === from!.id)) : read.touchpoints;
    if (all === undefined) all = fresh;
    else for (const touchpoint of fresh) all.push(touchpoint);
    if (read.exhausted || fresh.length === 0) return all;
    const last = read.last ?? (read.touchpoints.length > 0 ? pointOf(read.touchpoints.at(-1)!) : undefined);
    if (!last) return all;
    from = last;
  }
}

function pointOf(touchpoint: { occurredAt: string; sourceId: string }): JourneyPoint {
  return { at: Date.parse(touchpoint.occurredAt), id: touchpoint.sourceId };
}

/**
 * The categories of the shop products these touchpoints' lines name, into `categories`. A failed
 * product read leaves them unknown (the lines then count in no category) and is returned: the
 * figures that rank categories are then partial (spend and counts stand), and the caller reports
 * the shop's failure, as for any silo read that failed.
 * @returns the SourceError of the first product read that failed, or undefined.
 * @throws what the loader throws that is not a silo failure (a bug).
 */
export async function loadCategories(touchpoints: readonly TouchpointRecord[], categories: Map<string, string | null>, ctx: RequestContext): Promise<SourceError | undefined> {
  const wanted = new Set<string>();
  for (const touchpoint of touchpoints) {
    for (const line of touchpoint.items) if ('productId' in line && line.productId !== null && !categories.has(line.productId)) wanted.add(line.productId);
  }
  if (wanted.size === 0) return undefined;
  const ids = [...wanted];
  const loaded = await ctx.loaders.commerceProductCategories.loadMany(ids);
  let failure: SourceError | undefined;
  ids.forEach((id, i) => {
    const category = loaded[i];
    if (!(category instanceof Error)) categories.set(id, category ?? null);
    else if (category instanceof SourceError) failure ??= category;
    else throw category;
  });
  return failure;
}

/** The shop's currency, from the customer's shop account; null when they have none or the shop failed. */
export async function shopCurrency(customer: CustomerParent, ctx: RequestContext): Promise<string | null> {
  const id = customer.records.find((record) => record.source === 'commerce')?.id;
  if (!id) return null;
  try {
    return (await ctx.loaders.commerce.load(id))?.currency ?? null;
  } catch (error) {
    if (error instanceof SourceError) return null;
    throw error;
  }
}
