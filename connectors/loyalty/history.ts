/**
 * Reading a member's history (transactions, redemptions) page by page in the journey's order,
 * from Open Loyalty's dated lists: the product pages by `_page`/`_itemsOnPage` under a date
 * bound, and this module turns those pages into a keyset read (connectors/types.ts,
 * `JourneyWindow`). The decisions are pure functions of the pages ({@link settle},
 * {@link mergeReads}); {@link readHistory} only loops over the calls a caller passes in.
 */
import { compareJourneyPoints, isAtOrAfter } from '../shared/journey-order.js';
import type { JourneyPoint, JourneyWindow } from '../types.js';

/**
 * Items asked beyond `limit` on a page: room for the events at `from`'s instant that the caller
 * already has (dropped here) and for the events at the page's oldest instant, which wait for
 * the next read (see {@link settle}), so that one call answers a journey page when ties are few.
 */
export const TIE_MARGIN = 5;

/** The most events one journey read asks for (JourneyWindow's docstring). */
export const MAX_JOURNEY_LIMIT = 250;

/** One call to a dated list: events at or before `until` and at or after `since` (ms, both optional), page `page` of `size`. */
export interface HistoryCall {
  until?: number;
  since?: number;
  page: number;
  size: number;
}

/** A dated list's answer to one call: its items, and how many match the call over every page. */
export interface HistoryPage<T> {
  items: T[];
  filtered: number;
}

/** A read's answer before it is shaped for the caller: events in journey order, and whether none is left. */
export interface HistoryRead<T> {
  items: T[];
  exhausted: boolean;
}

/** What {@link settle} decides after a page. */
export interface Settled<T> {
  /** Events whose place in the journey is certain: nothing unread can come before or among them. */
  settled: T[];
  /** Events at the oldest instant read, whose instant may hold more events on the next page. */
  pending: T[];
}

/**
 * Splits the events read at one bound (`read`, in journey order, without repeats) into those
 * settled and those still pending. When the list has ended, every event is settled. Otherwise
 * the events at the oldest instant read may have siblings at that instant on the next page, and
 * Open Loyalty documents no order among them ("data may be returned in any order" beyond the
 * sort asked; the tie-break on the id is modelled, not documented): they stay pending, and the
 * next call starts at that instant again, so that an instant's events are always read together.
 */
export function settle<T>(read: readonly T[], ended: boolean, pointOf: (item: T) => JourneyPoint): Settled<T> {
  if (ended || read.length === 0) return { settled: [...read], pending: [] };
  const oldest = pointOf(read[read.length - 1]!).at;
  const cut = read.findIndex((item) => pointOf(item).at === oldest);
  return { settled: read.slice(0, cut), pending: read.slice(cut) };
}

/**
 * Whether the page just read ends the list at its bound: fewer items than asked, or as many read
 * as the list counts (`filtered` over every page).
 */
export function endsList(call: HistoryCall, page: HistoryPage<unknown>): boolean {
  return page.items.length < call.size || page.filtered <= (call.page - 1) * call.size + page.items.length;
}

/**
 * Merges the reads of several calls that split one set of records (batches of member ids), each
 * in journey order, into one read in journey order: up to the earliest place where an
 * unexhausted read stopped (beyond it, that read's next events are unknown), so the result stays
 * a gapless stretch of the journey. Each read holding at least `limit` events or being
 * exhausted, the result holds at least `limit` events or is exhausted too.
 */
export function mergeReads<T>(reads: ReadonlyArray<HistoryRead<T>>, pointOf: (item: T) => JourneyPoint): HistoryRead<T> {
  const all = reads.flatMap((read) => read.items).sort((a, b) => compareJourneyPoints(pointOf(a), pointOf(b)));
  const stops = reads.filter((read) => !read.exhausted && read.items.length > 0).map((read) => pointOf(read.items[read.items.length - 1]!));
  const exhausted = reads.every((read) => read.exhausted);
  if (stops.length === 0) return { items: all, exhausted };
  const stop = stops.sort(compareJourneyPoints)[0]!;
  return { items: all.filter((item) => compareJourneyPoints(pointOf(item), stop) <= 0), exhausted };
}

/**
 * Reads the events of `window` (in journey order, at or after `window.from`, within `since` and
 * `until`) through `call`, which asks the product for one page of its dated list. Returns at
 * least `window.limit` events unless the list has no more (`exhausted`). `keep` leaves events
 * out (a cancelled redemption): they still count as read, so paging moves past them.
 *
 * Each call asks `limit` + {@link TIE_MARGIN} events (at most `maxPageSize`) at or before the
 * newest instant still wanted: `from`'s, else `until`. After a page, the events at its oldest
 * instant wait ({@link settle}) and the next call starts at that instant, page 1. When a whole
 * page is one instant (more events at one second than a page holds), the next call asks the
 * next `_page` at the same bound, relying on the tie-break of the sort; so does a bound that
 * would not move (a product that ignored the date filter), so that every call makes progress.
 */
export async function readHistory<T>(
  window: JourneyWindow,
  maxPageSize: number,
  pointOf: (item: T) => JourneyPoint,
  call: (request: HistoryCall) => Promise<HistoryPage<T>>,
  keep: (item: T) => boolean = () => true,
): Promise<HistoryRead<T>> {
  const { from, since, limit } = window;
  let until = minDefined(window.until, from?.at);
  if (since !== undefined && until !== undefined && since > until) return { items: [], exhausted: true };
  const size = Math.min(maxPageSize, limit + TIE_MARGIN);
  const items: T[] = [];
  const seen = new Set<string>();
  let read: T[] = [];
  for (let page = 1; ; ) {
    const request: HistoryCall = { until, since, page, size };
    const answer = await call(request);
    const ended = endsList(request, answer);
    read = withoutRepeats([...read, ...answer.items], pointOf);
    const { settled, pending } = settle(read, ended, pointOf);
    for (const item of settled) {
      const point = pointOf(item);
      if (seen.has(point.id)) continue;
      seen.add(point.id);
      if (isAtOrAfter(point, from) && inWindow(point.at, since, window.until) && keep(item)) items.push(item);
    }
    if (ended) return { items, exhausted: true };
    if (items.length >= limit) return { items, exhausted: false };
    const oldest = pointOf(pending[0]!).at;
    if (settled.length === 0 || oldest === until) {
      page += 1;
      read = pending;
    } else {
      until = oldest;
      page = 1;
      read = [];
    }
  }
}

/** The events in journey order, each id once (a product that reorders between calls may repeat one). */
function withoutRepeats<T>(items: readonly T[], pointOf: (item: T) => JourneyPoint): T[] {
  const byId = new Map<string, T>();
  for (const item of items) byId.set(pointOf(item).id, item);
  return [...byId.values()].sort((a, b) => compareJourneyPoints(pointOf(a), pointOf(b)));
}

function inWindow(at: number, since: number | undefined, until: number | undefined): boolean {
  return (since === undefined || at >= since) && (until === undefined || at <= until);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
