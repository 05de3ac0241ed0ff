/**
 * One page of a customer's journey: each planned stream read from its position, in parallel, for
 * just what can still be on the page; the streams merged (k-way) in the journey's total order;
 * and after each edge, a cursor with every stream's position.
 *
 * Why the positions are exact: the order is total (order.ts), so after an edge every touchpoint
 * that comes before it, in any stream, was on this page or an earlier one. Each stream read part
 * way is therefore "after this edge's key", and its next read starts there. A stream read to its
 * end knows more: where its first touchpoint after the edge is, for which it waits (`waiting`
 * in cursor.ts) until a page can reach it. A stream whose silo failed keeps the position it had: its
 * touchpoints come on a later page once it is back, never skipped.
 *
 * What a page costs: a long history one read per page, whatever its length. The streams built
 * from the customer's records (a record's creation, a device's first login: a records call per
 * silo) are read whole on the first page; after it each waits for its next touchpoint (a
 * `waiting` position in the cursor) and is read only on a page that touchpoint can be on: the
 * other streams are read first, then a waiting stream whose next touchpoint can beat the
 * `first`-th of what they gave (so the page is exact).
 *
 * Two ways to read, one logic: `readJourneyPage` awaits each read of a silo; a page beside the
 * whole histories a request already holds (`journeySummary` beside it) is cut from them at once
 * by `readJourneyPageInMemory`. Both drive the same generators (pageCore, streamReads), which say
 * what to read next, so their pages and cursors are the same.
 */
import { isAtOrAfter } from '../../connectors/shared/journey-order.js';
import type { JourneyPoint, JourneyWindow } from '../../connectors/types.js';
import type { PageInfo, Source } from '../generated/graphql.js';
import { sourceErrorOf, type SourceError } from '../shared/errors.js';
import { AT_END, encodeCursor, type CursorSecret, type StreamPosition, type StreamPositions } from './cursor.js';
import { matchesFilter, type JourneyFilterSpec, type JourneyPlan, type StreamPushdowns } from './filter.js';
import { compareKeys, SOURCE_ORDER, touchpointKey, type TouchpointKey } from './order.js';
import { givenAfter, wasGiven, type AlreadyGiven, type RecordDigests, type StreamsGiven } from './records.js';
import { JOURNEY_STREAMS, STREAM_SOURCE, type JourneyStream, type TouchpointRecord } from './touchpoint.js';

/** What a stream's reader answers: one read of its silo, mapped to touchpoints. */
export interface JourneyReadResult {
  /**
   * Every touchpoint of the events read (all the touchpoints of an event, or none of them), in
   * journey order (compareKeys in order.ts). The page applies the filter; the reader need not.
   */
  touchpoints: TouchpointRecord[];
  /** True when the silo holds no event after the last one read (within the window's bounds). */
  exhausted: boolean;
  /**
   * The last event read (its time in ms and its id in the silo), even when it made no
   * touchpoint: a next read continues from it. Absent, the last touchpoint's time and sourceId.
   */
  last?: JourneyPoint;
}

/**
 * Reads one stream's events of the customer's records: those AT OR AFTER `window.from` in journey
 * order (from the newest when absent), at least `window.limit` of them unless the silo has no
 * more, within the push-down's bounds. `from.id` may be `''`, the smallest id: every event at
 * `from.at`. Throws a SourceError when its silo fails.
 */
export type JourneyReader<S extends JourneyStream> = (window: JourneyWindow & StreamPushdowns[S]) => Promise<JourneyReadResult>;

/** A reader per stream the customer has records for; a planned stream without one holds nothing. */
export type JourneyReaders = { readonly [S in JourneyStream]?: JourneyReader<S> };

/**
 * The streams built from the customer's records (touchpoint.ts): each read gives all they hold
 * (memoryWindows), from records a silo call loads. Between the pages that reach their
 * touchpoints they wait, unread, at their next one; a paged stream is read on every page until
 * it ends (its silo is asked for the page's worth, which it needs to know whether the page can
 * take its touchpoints). Waiting is exact for any stream read to its end; it is kept to these
 * because a paged stream that ended on a page usually still has touchpoints on the next one,
 * which waiting would read only after the others, one round trip later.
 */
export const RECORD_STREAMS: ReadonlySet<JourneyStream> = new Set(['crm.contacts', 'loyalty.members', 'commerce.customers', 'analytics.logins']);

/** How many reads one stream may take for one page before the page stops at what it has read. */
export const MAX_READS_PER_STREAM = 10;
/** The largest `limit` a read may ask (JourneyWindow). */
const MAX_LIMIT = 250;

/** What the page's logic needs besides its readers. */
export interface PageCoreRequest {
  /** The positions of the decoded `after` (reconcileRecords in records.ts), or undefined when the query gave no `after`. */
  positions?: StreamPositions | undefined;
  /** What streams gave already and skip (reconcileRecords); carried on in the page's cursors until passed. */
  given?: StreamsGiven | undefined;
  /** The record digests the page's cursors carry (reconcileRecords); absent: none. */
  records?: RecordDigests | undefined;
  /**
   * True when a silo failed while the customer was resolved: records linked only through it may
   * be missing from any stream, so more may follow once it is back (`hasNextPage`), and an empty
   * page still gets an `endCursor` to come back with, as when a stream fails.
   */
  resolutionIncomplete?: boolean | undefined;
  /** How many touchpoints the page holds at most (checked: 1 to 100). */
  first: number;
  filter: JourneyFilterSpec;
  /** The streams to read and their push-downs (planJourney of the same filter). */
  plan: JourneyPlan;
  /** What the page's cursors are made for and signed with (filterKey of the same filter). */
  cursor: { goldenId: string; filterKey: string; secret: CursorSecret };
}

export interface JourneyPageRequest extends PageCoreRequest {
  readers: JourneyReaders;
}

/**
 * A stream already in memory, read a window at a time (memoryWindows): answers at once. Throws
 * the SourceError of its silo when the stream could not be had.
 */
export type MemoryReader = (window: JourneyWindow) => JourneyReadResult;

/** The request of {@link readJourneyPageInMemory}: a reader in memory per stream the customer has records for. */
export interface InMemoryPageRequest extends PageCoreRequest {
  readers: { readonly [S in JourneyStream]?: MemoryReader };
}

/** A page of the journey: the schema's JourneyConnection, plus the silo failures to report. */
export interface JourneyPage {
  edges: Array<{ node: TouchpointRecord; cursor: string }>;
  pageInfo: Omit<PageInfo, '__typename'>;
  partial: boolean;
  /** The sources of the streams that failed, in the Source enum's order. */
  unavailableSources: Source[];
  /** One SourceError per failed source, in the same order: the resolver reports them. */
  failures: SourceError[];
}

interface Entry {
  key: TouchpointKey;
  node: TouchpointRecord;
}

/**
 * What one stream gave for this page: its kept touchpoints after its position, in order, and how
 * far it was read: to its end (`complete`), far enough for the page (`enough`: more kept
 * touchpoints than the page can take), or `cut` short of that after {@link MAX_READS_PER_STREAM}
 * reads: everything up to `reached` was read, and the page may not go past it.
 */
type StreamOutcome =
  | { status: 'answered'; kept: Entry[]; read: 'complete' | 'enough' }
  | { status: 'answered'; kept: Entry[]; read: 'cut'; reached: TouchpointKey }
  | { status: 'failed'; error: SourceError };


/**
 * Reads one page of the journey.
 *
 * Each planned stream is read from its position with `limit` = `first + 1` (enough to know
 * whether more follow), plus 1 when it starts after a key (the read includes the event at
 * `from`, already emitted). A stream whose filtered touchpoints fall short reads on from its last
 * event, with a doubled limit, at most {@link MAX_READS_PER_STREAM} times; then the page stops
 * where that stream stopped and says `hasNextPage` (a page can then be empty and still have an
 * `endCursor`, to go on from there).
 *
 * A record stream waiting for its next touchpoint (a `waiting` position, {@link RECORD_STREAMS})
 * is read after the others, and only when that touchpoint can be on the page (canReach): among
 * the first `first` of what the others gave and the other waiting streams' next touchpoints, and
 * not past where a stream stopped short; judged again, without it, when one read for the page
 * fails. Otherwise it costs nothing and every edge's cursor keeps it waiting.
 *
 * @throws whatever a reader throws that is not a silo failure (a SourceError fails its stream only).
 */
export async function readJourneyPage(request: JourneyPageRequest): Promise<JourneyPage> {
  const outcomes = new Map<JourneyStream, StreamOutcome>();
  const core = pageCore(request, outcomes);
  let step = core.next();
  while (!step.done) {
    await readStreams(step.value, request, outcomes);
    step = core.next();
  }
  return step.value;
}

/**
 * Reads one page of the journey as {@link readJourneyPage} does, from streams already in memory
 * (`readers` answer at once: the whole histories a request has read, histories.ts): the same
 * page and cursors, without a promise per read.
 *
 * @throws whatever a reader throws that is not a silo failure (a SourceError fails its stream only).
 */
export function readJourneyPageInMemory(request: InMemoryPageRequest): JourneyPage {
  const outcomes = new Map<JourneyStream, StreamOutcome>();
  const core = pageCore(request, outcomes);
  let step = core.next();
  while (!step.done) {
    for (const stream of step.value) outcomes.set(stream, readStreamInMemory(stream, request));
    step = core.next();
  }
  return step.value;
}

/**
 * The page's logic, apart from how streams are read: it yields the streams to read next (the
 * driver sets each one's outcome in `outcomes` before going on) and returns the page.
 */
function* pageCore(request: PageCoreRequest, outcomes: Map<JourneyStream, StreamOutcome>): Generator<readonly JourneyStream[], JourneyPage, void> {
  const { first, positions, plan } = request;
  const streams = JOURNEY_STREAMS.filter((stream) => plan[stream] !== undefined);
  const waiting = streams.filter((stream) => positions?.[stream]?.kind === 'waiting');
  yield streams.filter((stream) => !waiting.includes(stream));
  let merged = merge(outcomes, first);
  // Only now is the page's reach known: a waiting stream whose next touchpoint is beyond it
  // cannot add to the page, and is not read.
  // A waiting stream counts the others' next touchpoints as before its own; one of those read and
  // failed gives the page nothing, so those still waiting are judged again without it (else a
  // stream whose silo answers would be left for a later page, behind touchpoints it precedes).
  for (;;) {
    const unread = waiting.filter((stream) => !outcomes.has(stream));
    const earliest = unread.map((stream) => earliestNext(stream, positions![stream]!));
    const due = unread.filter((_, i) => canReach(merged, first, earliest[i]!, earliest));
    if (due.length === 0) break;
    yield due;
    merged = merge(outcomes, first);
    if (!due.some((stream) => outcomes.get(stream)!.status === 'failed')) break;
  }
  const { taken, bound, remaining } = merged;

  /**
   * Every stream's position after `key`: as it was if it failed or was not read (a waiting
   * stream whose next touchpoint is surely after `key` waits after `key` instead, the same
   * place, so that the cursor's streams share one key); at its end when it was read to its end
   * and keeps nothing after `key`; a record stream waiting for its first kept touchpoint after
   * `key`; else after `key`.
   */
  const positionsAt = (key: TouchpointKey): { positions: StreamPositions; given: StreamsGiven | undefined } => {
    const next: { [S in JourneyStream]?: StreamPosition } = {};
    let given: { [S in JourneyStream]?: readonly AlreadyGiven[] } | undefined;
    // One position object for every stream that stands after this edge (a page makes a cursor per edge).
    const afterKey: StreamPosition = { kind: 'after', key };
    const afterFurthest = (before: StreamPosition | undefined): StreamPosition => {
      const at = furthest(before, key);
      return at === key ? afterKey : { kind: 'after', key: at };
    };
    for (const stream of streams) {
      const outcome = outcomes.get(stream);
      const before = positions?.[stream];
      if (outcome === undefined || outcome.status === 'failed') {
        if (before !== undefined) next[stream] = stillWaiting(stream, before, key);
      } else if (outcome.read === 'complete') {
        const after = firstAfter(outcome.kept, key);
        if (after === undefined) next[stream] = AT_END;
        else next[stream] = RECORD_STREAMS.has(stream) ? { kind: 'waiting', key: furthest(before, key), next: { at: after.key.at, id: after.key.sourceId } } : afterFurthest(before);
      } else {
        next[stream] = afterFurthest(before);
      }
      // What the stream gave already is skipped until its position is past it.
      const position = next[stream];
      const left = position === undefined ? request.given?.[stream] : givenAfter(request.given?.[stream], position.kind === 'end' ? null : position.key);
      if (left !== undefined) (given ??= {})[stream] = left;
    }
    return { positions: next, given };
  };
  const cursorOf = (positions: StreamPositions, given: StreamsGiven | undefined): string =>
    encodeCursor({ goldenId: request.cursor.goldenId, filterKey: request.cursor.filterKey, positions, records: request.records, given }, request.cursor.secret);
  const cursorAt = (key: TouchpointKey): string => {
    const at = positionsAt(key);
    return cursorOf(at.positions, at.given);
  };

  const edges = taken.map((entry) => ({ node: entry.node, cursor: cursorAt(entry.key) }));
  // A page cut short by a stream that stopped: every kept touchpoint up to the cut is on it, so
  // the end cursor goes on from the cut (else the next page would read the same events again).
  let endCursor = edges.at(-1)?.cursor ?? null;
  if (taken.length < first && bound !== null) {
    endCursor = cursorAt(bound);
    if (edges.length > 0) edges[edges.length - 1]!.cursor = endCursor;
  }

  const failed = [...outcomes.values()].flatMap((outcome) => (outcome.status === 'failed' ? [outcome.error] : []));
  const failures = SOURCE_ORDER.flatMap((source) => failed.find((error) => error.source === source) ?? []);
  // An empty page while a silo failed: the cursor to come back with keeps every position (the
  // failed silo's touchpoints are still to come), and ends the streams that answered with nothing.
  const incomplete = failures.length > 0 || request.resolutionIncomplete === true;
  if (endCursor === null && incomplete) {
    const kept: { [S in JourneyStream]?: StreamPosition } = {};
    let given: { [S in JourneyStream]?: readonly AlreadyGiven[] } | undefined;
    for (const stream of streams) {
      const outcome = outcomes.get(stream);
      const before = positions?.[stream];
      if (outcome?.status === 'answered' && outcome.read === 'complete' && outcome.kept.length === 0) kept[stream] = AT_END;
      else {
        if (before !== undefined) kept[stream] = before;
        const left = request.given?.[stream];
        if (left !== undefined) (given ??= {})[stream] = left;
      }
    }
    endCursor = cursorOf(kept, given);
  }
  return {
    edges,
    pageInfo: {
      // A stream read far enough for the page has a kept touchpoint left over; a cut one may
      // have; a waiting stream that was not read has its next touchpoint.
      // A failed silo's touchpoints are still to come: the journey is not over while one failed.
      // So are those of records linked only through a silo that failed during resolution.
      hasNextPage: remaining || bound !== null || waiting.some((stream) => !outcomes.has(stream)) || incomplete,
      hasPreviousPage: positions !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor,
    },
    partial: failures.length > 0,
    unavailableSources: failures.map((error) => error.source),
    failures,
  };
}

/** Reads `streams` in parallel into `outcomes`: what each answered, or its silo's failure. */
async function readStreams(streams: readonly JourneyStream[], request: JourneyPageRequest, outcomes: Map<JourneyStream, StreamOutcome>): Promise<void> {
  const settled = await Promise.allSettled(streams.map((stream) => readStream(stream, request)));
  for (const [i, result] of settled.entries()) {
    if (result.status === 'fulfilled') {
      outcomes.set(streams[i]!, result.value);
      continue;
    }
    outcomes.set(streams[i]!, failedRead(result.reason));
  }
}

/**
 * The outcome of a stream whose read threw `thrown`: failed, with its silo's error.
 * @throws `thrown` when it is not a silo failure: a bug, which no partial page should hide.
 */
function failedRead(thrown: unknown): StreamOutcome {
  const error = sourceErrorOf(thrown);
  if (error === undefined) throw thrown;
  return { status: 'failed', error };
}

/** The page the answered streams make: its touchpoints, where it may not pass, whether any is left over. */
interface Merged {
  /** At most `first` kept touchpoints, in journey order. */
  taken: Entry[];
  /** The earliest point where a stream stopped reading short of what it needed, or null. */
  bound: TouchpointKey | null;
  /** True when an answered stream has a kept touchpoint that is not in `taken`. */
  remaining: boolean;
}

/** The k-way merge of the answered streams: a handful of streams, so the next head is found by a scan. */
function merge(outcomes: ReadonlyMap<JourneyStream, StreamOutcome>, first: number): Merged {
  // The page may not pass a point where a stream stopped reading short of what it needed.
  let bound: TouchpointKey | null = null;
  for (const outcome of outcomes.values()) {
    if (outcome.status === 'answered' && outcome.read === 'cut') {
      if (bound === null || compareKeys(outcome.reached, bound) < 0) bound = outcome.reached;
    }
  }
  const answered = [...outcomes.values()].flatMap((outcome) => (outcome.status === 'answered' ? [outcome.kept] : []));
  const heads = answered.map(() => 0);
  const head = (i: number): Entry | undefined => answered[i]![heads[i]!];
  const taken: Entry[] = [];
  while (taken.length < first) {
    let best = -1;
    for (let i = 0; i < answered.length; i++) {
      const entry = head(i);
      if (entry !== undefined && (best === -1 || compareKeys(entry.key, head(best)!.key) < 0)) best = i;
    }
    const entry = best === -1 ? undefined : head(best);
    if (entry === undefined || (bound !== null && compareKeys(entry.key, bound) > 0)) break;
    taken.push(entry);
    heads[best]!++;
  }
  return { taken, bound, remaining: answered.some((kept, i) => heads[i]! < kept.length) };
}

/**
 * The earliest key a waiting stream's next touchpoint can have: its point (time and sourceId)
 * in its stream's silo, with the smallest `id` (`''`). Only touchpoints of that one event can
 * come between it and the touchpoint itself.
 */
function earliestNext(stream: JourneyStream, position: StreamPosition): TouchpointKey {
  if (position.kind !== 'waiting') throw new Error(`A waiting stream has a ${position.kind} position.`);
  return { at: position.next.at, source: STREAM_SOURCE[stream], sourceId: position.next.id, id: '' };
}

/**
 * True when a waiting stream's next touchpoint, no earlier than `earliest` (earliestNext), can
 * be on the page: not past the bound of `merged` (what the other streams gave), and fewer than
 * `first` touchpoints surely before it, counting those of `merged` and the waiting streams'
 * next touchpoints (`all`: each such stream holds at least that one, so a touchpoint behind
 * `first` of them is surely not on the page). A touchpoint of the same event is not counted: a
 * tie costs a read, never a touchpoint.
 */
function canReach(merged: Merged, first: number, earliest: TouchpointKey, all: readonly TouchpointKey[]): boolean {
  if (merged.bound !== null && compareKeys(earliest, merged.bound) > 0) return false;
  let before = 0;
  for (const entry of merged.taken) if (compareKeys(entry.key, earliest) < 0) before += 1;
  for (const other of all) if (compareKeys(other, earliest) < 0) before += 1;
  return before < first;
}

/**
 * A position kept from before the page (its stream failed or was not read), after an edge at
 * `key`. A stream waiting for a touchpoint surely after `key` in journey order holds nothing
 * between its own key and `key`, so it waits after `key` instead: the same place, and one key
 * fewer in the cursor. Past `key` already, or waiting for a touchpoint of `key`'s event, it
 * keeps its own.
 */
function stillWaiting(stream: JourneyStream, before: StreamPosition, key: TouchpointKey): StreamPosition {
  if (before.kind !== 'waiting' || compareKeys(before.key, key) >= 0 || compareKeys(earliestNext(stream, before), key) <= 0) return before;
  return { kind: 'waiting', key, next: before.next };
}

/**
 * A reader over touchpoints already in memory, answering at once: the streams built from the
 * customer's records (a contact, membership or shop account created, a device's first login),
 * and the whole histories a request has read (histories.ts). The touchpoints are sorted once,
 * here. It answers, all at once (`exhausted`), the touchpoints at or after `window.from` (by time
 * and sourceId, as a silo read does) within `since`..`until`, in journey order; `limit` is met by
 * giving everything.
 *
 * With `paged`, it reads as a silo does instead: the events of `limit` touchpoints at most
 * (the last event whole: all its touchpoints or none), `exhausted` only when nothing follows
 * within the window. That is how a page is cut from a whole history the request already read
 * (histories.ts): a page of 20 then looks at some 21 touchpoints of each stream, not at its
 * every touchpoint.
 */
export function memoryWindows(touchpoints: readonly TouchpointRecord[], options: { paged?: boolean } = {}): MemoryReader {
  const sorted = touchpoints.map((node) => ({ key: touchpointKey(node), node })).sort((a, b) => compareKeys(a.key, b.key));
  const paged = options.paged === true;
  return (window) => {
    const found: TouchpointRecord[] = [];
    let i = 0;
    // Journey order is newest first: skip what comes before `from` and after `until`...
    while (i < sorted.length && !(isAtOrAfter({ at: sorted[i]!.key.at, id: sorted[i]!.key.sourceId }, window.from) && (window.until === undefined || sorted[i]!.key.at <= window.until))) i += 1;
    // ...then take in order until `since` (or the limit, paged) is passed.
    for (; i < sorted.length; i += 1) {
      const { key, node } = sorted[i]!;
      if (window.since !== undefined && key.at < window.since) break;
      if (paged && found.length >= window.limit) {
        const last = found.at(-1)!;
        // The last event whole: its other touchpoints share its time and sourceId.
        if (key.at !== Date.parse(last.occurredAt) || key.sourceId !== last.sourceId) return { touchpoints: found, exhausted: false };
      }
      found.push(node);
    }
    return { touchpoints: found, exhausted: true };
  };
}

/** The outcome of a stream without a reader (no records in its silo), or at its end: nothing to read. */
function nothingToRead(): StreamOutcome {
  return { status: 'answered', kept: [], read: 'complete' };
}

/** Reads one stream for the page: its kept touchpoints after its position, enough for the page. */
async function readStream(stream: JourneyStream, request: JourneyPageRequest): Promise<StreamOutcome> {
  const reader = request.readers[stream] as JourneyReader<JourneyStream> | undefined;
  if (reader === undefined) return nothingToRead();
  const reads = streamReads(stream, request);
  let step = reads.next();
  while (!step.done) step = reads.next(await reader(step.value));
  return step.value;
}

/** {@link readStream} over a stream in memory; a silo failure it throws is the stream's outcome (failedRead). */
function readStreamInMemory(stream: JourneyStream, request: InMemoryPageRequest): StreamOutcome {
  const reader = request.readers[stream];
  if (reader === undefined) return nothingToRead();
  try {
    const reads = streamReads(stream, request);
    let step = reads.next();
    while (!step.done) step = reads.next(reader(step.value));
    return step.value;
  } catch (thrown) {
    return failedRead(thrown);
  }
}

/**
 * The reads of one stream for the page, apart from how a read is made: yields each window to
 * read and takes its result; returns what the stream gives the page.
 */
function* streamReads(stream: JourneyStream, request: PageCoreRequest): Generator<Parameters<JourneyReader<JourneyStream>>[0], StreamOutcome, JourneyReadResult> {
  const position = request.positions?.[stream];
  if (position?.kind === 'end') return nothingToRead();
  const given = request.given?.[stream];
  const source = STREAM_SOURCE[stream];
  const pushdown = request.plan[stream]!;
  const needed = request.first + 1;
  // Touchpoints up to `seen` were emitted or read already: reads include their `from`.
  let seen: TouchpointKey | undefined = position?.key;
  let from: JourneyPoint | undefined = position === undefined ? undefined : fromPoint(position.key, source);
  let limit = needed + (position === undefined ? 0 : 1);
  const kept: Entry[] = [];
  let reached: TouchpointKey | null = null;
  for (let reads = 1; ; reads++) {
    // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
    // spread gets a hidden class of its own each time (docs/hidden-classes.md).
    const result: JourneyReadResult = yield { limit, ...pushdown, ...(from === undefined ? {} : { from }) };
    for (const node of result.touchpoints) {
      const key = touchpointKey(node);
      if (reached === null || compareKeys(key, reached) > 0) reached = key;
      if (seen !== undefined && compareKeys(key, seen) <= 0) continue;
      if (given !== undefined && wasGiven(given, node, key)) continue;
      if (matchesFilter(node, request.filter)) kept.push({ key, node });
    }
    const lastTouchpoint = result.touchpoints.at(-1);
    const last = result.last ?? (lastTouchpoint && { at: Date.parse(lastTouchpoint.occurredAt), id: lastTouchpoint.sourceId });
    if (last !== undefined) {
      // The last event may have made no touchpoint: what was read reaches it all the same.
      const end: TouchpointKey = { at: last.at, source, sourceId: last.id, id: '' };
      if (reached === null || compareKeys(end, reached) > 0) reached = end;
    }
    kept.sort((a, b) => compareKeys(a.key, b.key));
    if (result.exhausted) return { status: 'answered', kept, read: 'complete' };
    if (kept.length >= needed) return { status: 'answered', kept, read: 'enough' };
    if (reads >= MAX_READS_PER_STREAM && reached !== null) return { status: 'answered', kept, read: 'cut', reached };
    if (last === undefined) {
      throw new Error(`The journey reader of ${stream} read no event and says more follow: it cannot be continued.`);
    }
    // What was read may all come before the position (another silo's key at the same instant).
    // Reaching the position itself takes it: the next read, from the last event, must not keep it again.
    if (seen === undefined || compareKeys(reached!, seen) >= 0) seen = reached!;
    from = last;
    limit = Math.min(MAX_LIMIT, Math.max(needed - kept.length + 1, limit * 2));
  }
}

/** The first of `kept` (in journey order) that comes after `key`, if any. */
function firstAfter(kept: readonly Entry[], key: TouchpointKey): Entry | undefined {
  for (const entry of kept) if (compareKeys(entry.key, key) > 0) return entry;
  return undefined;
}

/**
 * A stream's position after an edge at `key`: `key`, unless the stream was already further
 * along (a silo back after a failure gives touchpoints newer than where the others stood, and
 * those others must not go back and give theirs again).
 */
function furthest(before: StreamPosition | undefined, key: TouchpointKey): TouchpointKey {
  return before !== undefined && before.kind !== 'end' && compareKeys(before.key, key) > 0 ? before.key : key;
}

/**
 * Where a stream's read starts from a position's `key`. In the key's own silo, at the key's
 * event (the read includes it; the page drops what is before the key, and the key itself when
 * the stream is `after` it). In another silo, every event at the key's instant (`id` `''` is the
 * smallest id): which of them come after the key depends on the silos' order, and the page drops
 * the others.
 */
function fromPoint(key: TouchpointKey, source: Source): JourneyPoint {
  return { at: key.at, id: key.source === source ? key.sourceId : '' };
}
