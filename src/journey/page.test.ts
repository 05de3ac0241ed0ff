import { describe, expect, it } from 'vitest';
import { compareJourneyPoints, isAtOrAfter } from '../../connectors/shared/journey-order.js';
import type { JourneyPoint, JourneyWindow } from '../../connectors/types.js';
import type { Source, TouchpointKind } from '../generated/graphql.js';
import { seededRandom } from '../../test/support/seeded-random.js';
import { SourceError } from '../shared/errors.js';
import { decodeCursor, type StreamPositions } from './cursor.js';
import { filterKey, parseJourneyArgs, planJourney, type JourneyFilterSpec, type TimePushdown } from './filter.js';
import { compareTouchpoints, SOURCE_ORDER } from './order.js';
import { memoryWindows, readJourneyPage, readJourneyPageInMemory, RECORD_STREAMS, type JourneyPage, type JourneyReader, type JourneyReadResult, type JourneyReaders, type MemoryReader } from './page.js';
import { reconcileRecords, recordDigests } from './records.js';
import { STREAM_SOURCE, type JourneyStream, type TouchpointRecord } from './touchpoint.js';

const SECRET = 'page-test-secret';

/** memoryWindows as a silo stream's reader: its answers as promises. */
function memoryReader(touchpoints: readonly TouchpointRecord[], options: { paged?: boolean } = {}): (window: JourneyWindow) => Promise<JourneyReadResult> {
  const read = memoryWindows(touchpoints, options);
  return (window) => Promise.resolve(read(window));
}
const GOLDEN_ID = 'cus_MXxjcm18NDY3';
const NO_FILTER = parseJourneyArgs({}).filter;

const CHANNEL: Record<TouchpointKind, TouchpointRecord['channel']> = {
  accountCreated: 'email',
  membershipCreated: 'store',
  storePurchase: 'store',
  storeReturn: 'store',
  onlineOrder: 'web',
  discountCodeUsed: 'web',
  rewardRedeemed: 'store',
  webVisit: 'web',
  appVisit: 'app',
  campaignVisit: 'campaign',
  deviceFirstLogin: 'web',
};

/** A touchpoint of `source`'s event `sourceId` at `at` (ISO); `suffix` tells one event's touchpoints apart. */
function tp(source: Source, sourceId: string, at: string, kind: TouchpointKind, suffix = ''): TouchpointRecord {
  return {
    id: `${source}:${kind}:${sourceId}${suffix}`,
    occurredAt: at,
    kind,
    channel: CHANNEL[kind],
    source,
    sourceId,
    recordId: 'r1',
    summary: `${kind} ${sourceId}`,
    items: [],
    discountCodes: [],
    pagesViewed: [],
    productsViewed: [],
  };
}

interface Call {
  from?: JourneyPoint;
  limit: number;
  /** The whole window, push-down included. */
  window: Record<string, unknown>;
}

/**
 * A stream held in memory, read as a connector reads its silo: its events (the touchpoints of
 * one sourceId) in journey order, those at or after `from`, within since/until, `limit` of
 * them. Every call is recorded; `fail` makes the next calls throw a SourceError.
 */
class MemoryStream {
  readonly calls: Call[] = [];
  fail: SourceError | null = null;
  private readonly events: Array<{ point: JourneyPoint; touchpoints: TouchpointRecord[] }>;

  constructor(touchpoints: readonly TouchpointRecord[]) {
    const byEvent = new Map<string, TouchpointRecord[]>();
    for (const t of touchpoints) byEvent.set(t.sourceId, [...(byEvent.get(t.sourceId) ?? []), t]);
    this.events = [...byEvent.values()]
      .map((list) => ({
        point: { at: Date.parse(list[0]!.occurredAt), id: list[0]!.sourceId },
        touchpoints: list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      }))
      .sort((a, b) => compareJourneyPoints(a.point, b.point));
  }

  readonly read = async (window: JourneyWindow & TimePushdown): Promise<JourneyReadResult> => {
    this.calls.push({ ...(window.from ? { from: window.from } : {}), limit: window.limit, window: { ...window } });
    await Promise.resolve();
    if (this.fail) throw this.fail;
    const within = this.events.filter(
      (e) =>
        isAtOrAfter(e.point, window.from) &&
        (window.since === undefined || e.point.at >= window.since) &&
        (window.until === undefined || e.point.at <= window.until),
    );
    const events = within.slice(0, window.limit);
    const last = events.at(-1)?.point;
    return { touchpoints: events.flatMap((e) => e.touchpoints), exhausted: events.length === within.length, ...(last ? { last } : {}) };
  };
}

function readersOf(streams: Partial<Record<JourneyStream, MemoryStream>>): JourneyReaders {
  return Object.fromEntries(Object.entries(streams).map(([name, stream]) => [name, stream.read])) as JourneyReaders;
}

function scopeOf(filter: JourneyFilterSpec) {
  return { goldenId: GOLDEN_ID, filterKey: filterKey(filter), secret: SECRET };
}

async function page(
  streams: Partial<Record<JourneyStream, MemoryStream>>,
  options: { first: number; after?: string | null; filter?: JourneyFilterSpec },
): Promise<JourneyPage> {
  const filter = options.filter ?? NO_FILTER;
  const positions: StreamPositions | undefined = options.after ? decodeCursor(options.after, scopeOf(filter)).positions : undefined;
  return readJourneyPage({ readers: readersOf(streams), positions, first: options.first, filter, plan: planJourney(filter), cursor: scopeOf(filter) });
}

/** Every page from the start, following endCursor; at most `maxPages`. */
async function allPages(
  streams: Partial<Record<JourneyStream, MemoryStream>>,
  first: number,
  filter: JourneyFilterSpec = NO_FILTER,
  maxPages = 10_000,
): Promise<JourneyPage[]> {
  const pages: JourneyPage[] = [];
  let after: string | null = null;
  do {
    const next: JourneyPage = await page(streams, { first, after, filter });
    pages.push(next);
    after = next.pageInfo.hasNextPage ? (next.pageInfo.endCursor ?? null) : null;
    if (pages.length > maxPages) throw new Error('too many pages');
  } while (after !== null);
  return pages;
}

const ids = (p: JourneyPage): string[] => p.edges.map((edge) => edge.node.id);


/**
 * A random history: store transactions (UUID-like ids), redemptions, orders (whole-number ids of
 * several lengths, some with discount codes: several touchpoints per event) and visits, at few
 * distinct instants, so that ties across and within silos are everywhere.
 */
function randomHistory(seed: number): Record<'loyalty.transactions' | 'loyalty.redemptions' | 'commerce.orders' | 'analytics.visits', TouchpointRecord[]> {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const at = (): string => new Date(Date.UTC(2026, 0, 1) + int(40) * 60_000).toISOString();
  const unique = (make: () => string): (() => string) => {
    const used = new Set<string>();
    return () => {
      let id = make();
      while (used.has(id)) id = make();
      used.add(id);
      return id;
    };
  };
  const hex = unique(() => Array.from({ length: 8 }, () => '0123456789abcdef'[int(16)]).join(''));
  const number = unique(() => String(int(10) < 5 ? 1 + int(99) : 1000 + int(9000)));
  const transactions = Array.from({ length: int(60) }, () => tp('loyalty', hex(), at(), int(4) === 0 ? 'storeReturn' : 'storePurchase'));
  const redemptions = Array.from({ length: int(10) }, () => tp('loyalty', hex(), at(), 'rewardRedeemed'));
  const orders = Array.from({ length: int(40) }, () => {
    const id = number();
    const time = at();
    const codes = Array.from({ length: int(3) }, (_, i) => tp('commerce', id, time, 'discountCodeUsed', `:code:C${i}`));
    return [tp('commerce', id, time, 'onlineOrder'), ...codes];
  }).flat();
  const visitId = unique(() => String(1 + int(3000)));
  const visits = Array.from({ length: int(80) }, () => tp('analytics', visitId(), at(), (['webVisit', 'appVisit', 'campaignVisit'] as const)[int(3)]!));
  return { 'loyalty.transactions': transactions, 'loyalty.redemptions': redemptions, 'commerce.orders': orders, 'analytics.visits': visits };
}

function streamsOf(history: Partial<Record<JourneyStream, TouchpointRecord[]>>): Partial<Record<JourneyStream, MemoryStream>> {
  return Object.fromEntries(Object.entries(history).map(([name, list]) => [name, new MemoryStream(list)]));
}

describe('a journey page', () => {
  it('merges three silos newest first, ties at one instant by silo, then event id, then touchpoint id', async () => {
    const t1 = '2026-04-01T10:00:00.000Z';
    const t0 = '2026-04-01T09:00:00.000Z';
    const streams = streamsOf({
      'analytics.visits': [tp('analytics', '10', t1, 'webVisit'), tp('analytics', '9', t1, 'appVisit'), tp('analytics', '11', t0, 'webVisit')],
      'commerce.orders': [
        tp('commerce', '4501', t1, 'onlineOrder'),
        tp('commerce', '4501', t1, 'discountCodeUsed', ':code:WELCOME10'),
        tp('commerce', '4500', t0, 'onlineOrder'),
      ],
      'loyalty.transactions': [tp('loyalty', 'b7', t1, 'storePurchase'), tp('loyalty', 'a3', t1, 'storeReturn'), tp('loyalty', 'c1', '2026-04-01T11:00:00.000Z', 'storePurchase')],
    });
    const result = await page(streams, { first: 100 });
    expect(ids(result)).toEqual([
      'loyalty:storePurchase:c1',
      'loyalty:storeReturn:a3',
      'loyalty:storePurchase:b7',
      'commerce:discountCodeUsed:4501:code:WELCOME10',
      'commerce:onlineOrder:4501',
      'analytics:appVisit:9',
      'analytics:webVisit:10',
      'commerce:onlineOrder:4500',
      'analytics:webVisit:11',
    ]);
    expect(result.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: result.edges[0]!.cursor,
      endCursor: result.edges[8]!.cursor,
    });
    expect(result.partial).toBe(false);
    expect(result.unavailableSources).toEqual([]);
  });

  it('goes on after an edge in the middle of one order and of one instant', async () => {
    const t1 = '2026-04-01T10:00:00.000Z';
    const streams = streamsOf({
      'commerce.orders': [
        tp('commerce', '4501', t1, 'onlineOrder'),
        tp('commerce', '4501', t1, 'discountCodeUsed', ':code:A'),
        tp('commerce', '4501', t1, 'discountCodeUsed', ':code:B'),
      ],
      'loyalty.transactions': [tp('loyalty', 'a3', t1, 'storePurchase')],
      'analytics.visits': [tp('analytics', '9', t1, 'webVisit')],
    });
    const first = await page(streams, { first: 2 });
    expect(ids(first)).toEqual(['loyalty:storePurchase:a3', 'commerce:discountCodeUsed:4501:code:A']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(streams, { first: 2, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(['commerce:discountCodeUsed:4501:code:B', 'commerce:onlineOrder:4501']);
    const third = await page(streams, { first: 2, after: second.pageInfo.endCursor });
    expect(ids(third)).toEqual(['analytics:webVisit:9']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    expect(third.pageInfo.hasPreviousPage).toBe(true);
  });

  it('is empty, with no cursors and nothing next, for a customer without touchpoints', async () => {
    const result = await page(streamsOf({ 'commerce.orders': [] }), { first: 20 });
    expect(result).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      partial: false,
      unavailableSources: [],
      failures: [],
    });
  });

  it.each([1, 2, 3, 7, 100])('gives every touchpoint exactly once, in order, paging to the end with first %i', async (first) => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const history = randomHistory(seed * 7919 + first);
      const whole = Object.values(history).flat().sort(compareTouchpoints);
      const pages = await allPages(streamsOf(history), first);
      expect(pages.flatMap(ids)).toEqual(whole.map((t) => t.id));
      // Every page but the last is full, and hasNextPage is exact: no empty page at the end.
      expect(pages.slice(0, -1).every((p) => p.edges.length === first)).toBe(true);
      expect(pages.at(-1)!.edges.length).toBe(whole.length - first * (pages.length - 1));
      expect(pages.at(-1)!.edges.length).toBeGreaterThan(0);
      expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
    }
  });

  it('gives every kept touchpoint exactly once under a filter', async () => {
    const filter = parseJourneyArgs({ filter: { kinds: ['storeReturn', 'discountCodeUsed', 'appVisit'], since: '2026-01-01T00:05:00Z', until: '2026-01-01T00:30:00Z' } }).filter;
    const since = Date.UTC(2026, 0, 1, 0, 5);
    const until = Date.UTC(2026, 0, 1, 0, 30);
    for (const seed of [11, 12, 13]) {
      const history = randomHistory(seed);
      const kept = Object.values(history)
        .flat()
        .filter((t) => ['storeReturn', 'discountCodeUsed', 'appVisit'].includes(t.kind))
        .filter((t) => Date.parse(t.occurredAt) >= since && Date.parse(t.occurredAt) <= until)
        .sort(compareTouchpoints);
      for (const first of [1, 3, 7]) {
        const pages = await allPages(streamsOf(history), first, filter);
        expect(pages.flatMap(ids)).toEqual(kept.map((t) => t.id));
      }
    }
  });

  it('goes on from the cursor of any edge, not only the last', async () => {
    const history = randomHistory(99);
    const whole = Object.values(history).flat().sort(compareTouchpoints).map((t) => t.id);
    const streams = streamsOf(history);
    const first = await page(streams, { first: 30 });
    for (const i of [0, 4, 17, 29]) {
      const next = await page(streams, { first: 5, after: first.edges[i]!.cursor });
      expect(ids(next)).toEqual(whole.slice(i + 1, i + 6));
    }
  });

  it('passes the filter time bounds and push-down to the reads', async () => {
    const visits = new MemoryStream([]);
    const transactions = new MemoryStream([]);
    const filter = parseJourneyArgs({ filter: { kinds: ['webVisit', 'storePurchase'], since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z' } }).filter;
    await page({ 'analytics.visits': visits, 'loyalty.transactions': transactions }, { first: 5, filter });
    expect(visits.calls.map((c) => c.window)).toEqual([{ since: 1767225600000, until: 1769904000000, site: 'web', campaign: 'exclude', limit: 6 }]);
    expect(transactions.calls.map((c) => c.window)).toEqual([{ since: 1767225600000, until: 1769904000000, documentTypes: ['sell'], limit: 6 }]);
  });

  it('reads a stream the plan leaves out never', async () => {
    const visits = new MemoryStream([tp('analytics', '1', '2026-01-01T00:00:00.000Z', 'webVisit')]);
    const orders = new MemoryStream([tp('commerce', '1', '2026-01-01T00:00:00.000Z', 'onlineOrder')]);
    const filter = parseJourneyArgs({ filter: { kinds: ['onlineOrder'] } }).filter;
    const result = await page({ 'analytics.visits': visits, 'commerce.orders': orders }, { first: 5, filter });
    expect(ids(result)).toEqual(['commerce:onlineOrder:1']);
    expect(visits.calls).toEqual([]);
  });
});

describe('the cost of a journey page', () => {
  const long = (n: number): TouchpointRecord[] =>
    Array.from({ length: n }, (_, i) => tp('loyalty', `t${String(i).padStart(5, '0')}`, new Date(Date.UTC(2026, 0, 1) - i * 3_600_000).toISOString(), 'storePurchase'));

  it('reads a 5,000-event stream once per page, first + 1 events, plus the event at its position after the first page', async () => {
    const transactions = new MemoryStream(long(5000));
    const visits = new MemoryStream([tp('analytics', '1', '2025-12-31T23:30:00.000Z', 'webVisit')]);
    const streams = { 'loyalty.transactions': transactions, 'analytics.visits': visits };
    const first = await page(streams, { first: 20 });
    const second = await page(streams, { first: 20, after: first.pageInfo.endCursor });
    const third = await page(streams, { first: 20, after: second.pageInfo.endCursor });
    // Page 1: t00000, the visit, t00001..t00018; page 2: t00019..t00038.
    expect(third.edges.map((e) => e.node.sourceId).slice(0, 2)).toEqual(['t00039', 't00040']);
    expect(transactions.calls.map((c) => ({ from: c.from, limit: c.limit }))).toEqual([
      { from: undefined, limit: 21 },
      { from: { at: Date.parse('2025-12-31T06:00:00.000Z'), id: 't00018' }, limit: 22 },
      { from: { at: Date.parse('2025-12-30T10:00:00.000Z'), id: 't00038' }, limit: 22 },
    ]);
    // The visit stream ended on the first page (its one visit was emitted): it is not read again.
    expect(visits.calls.length).toBe(1);
  });

  it('costs the same per page for 5,000 events as for 50', async () => {
    const calls = async (n: number): Promise<number[]> => {
      const transactions = new MemoryStream(long(n));
      const one = await page({ 'loyalty.transactions': transactions }, { first: 20 });
      await page({ 'loyalty.transactions': transactions }, { first: 20, after: one.pageInfo.endCursor });
      return transactions.calls.map((c) => c.limit);
    };
    expect(await calls(5000)).toEqual([21, 22]);
    expect(await calls(50)).toEqual([21, 22]);
  });

  it('reads on, with a doubled limit, when the filter leaves too few of what a read gave', async () => {
    // Returns are 1 in 10: the loyalty connector cannot be asked for them alone when purchases are kept too.
    const list = Array.from({ length: 200 }, (_, i) =>
      tp('loyalty', `t${String(i).padStart(4, '0')}`, new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString(), i % 10 === 9 ? 'storeReturn' : 'storePurchase'),
    );
    const transactions = new MemoryStream(list);
    const filter = parseJourneyArgs({ filter: { kinds: ['storeReturn', 'rewardRedeemed'] } }).filter;
    const result = await page({ 'loyalty.transactions': transactions }, { first: 3, filter });
    expect(ids(result)).toEqual(['loyalty:storeReturn:t0009', 'loyalty:storeReturn:t0019', 'loyalty:storeReturn:t0029']);
    expect(transactions.calls.map((c) => c.limit)).toEqual([4, 8, 16, 32]);
    expect(result.pageInfo.hasNextPage).toBe(true);
  });

  it('stops a stream after 10 reads and stops the page there, losing nothing', async () => {
    // 3,000 purchases then 2 returns: kinds [storeReturn] cannot be pushed to loyalty with
    // purchases kept, so the stream is read far; other streams must not run ahead of it.
    const kinds = ['storeReturn', 'webVisit'] as const;
    const list = Array.from({ length: 3002 }, (_, i) =>
      tp('loyalty', `t${String(i).padStart(5, '0')}`, new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString(), i >= 3000 ? 'storeReturn' : 'storePurchase'),
    );
    // A visit older than the returns, and one newer.
    const visitList = [tp('analytics', '1', '2025-12-25T00:00:00.000Z', 'webVisit'), tp('analytics', '2', '2026-01-02T00:00:00.000Z', 'webVisit')];
    // A plan without document types, as for a connector that cannot filter them: purchases are read.
    const filter: JourneyFilterSpec = { kinds: [...kinds], channels: null, since: null, until: null };
    const plan = { 'loyalty.transactions': {}, 'analytics.visits': {} };
    const transactions = new MemoryStream(list);
    const visits = new MemoryStream(visitList);
    const seen: string[] = [];
    let after: StreamPositions | undefined;
    const pages: JourneyPage[] = [];
    for (let n = 0; n < 10; n++) {
      const result = await readJourneyPage({
        readers: readersOf({ 'loyalty.transactions': transactions, 'analytics.visits': visits }),
        positions: after,
        first: 20,
        filter,
        plan,
        cursor: scopeOf(filter),
      });
      pages.push(result);
      seen.push(...ids(result));
      if (!result.pageInfo.hasNextPage) break;
      after = decodeCursor(result.pageInfo.endCursor!, scopeOf(filter)).positions;
    }
    expect(seen).toEqual(['analytics:webVisit:2', 'loyalty:storeReturn:t03000', 'loyalty:storeReturn:t03001', 'analytics:webVisit:1']);
    // The first page stopped where loyalty's 10 reads ended: the older visit waited for the returns.
    expect(ids(pages[0]!)).toEqual(['analytics:webVisit:2']);
    expect(pages[0]!.pageInfo.hasNextPage).toBe(true);
    expect(transactions.calls.slice(0, 10).map((c) => c.limit)).toEqual([21, 42, 84, 168, 250, 250, 250, 250, 250, 250]);
  });

  it('gives an empty page an end cursor when a stream stopped before any kept touchpoint', async () => {
    const list = Array.from({ length: 3001 }, (_, i) =>
      tp('loyalty', `t${String(i).padStart(5, '0')}`, new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString(), i === 3000 ? 'storeReturn' : 'storePurchase'),
    );
    const filter: JourneyFilterSpec = { kinds: ['storeReturn'], channels: null, since: null, until: null };
    const transactions = new MemoryStream(list);
    const run = (positions?: StreamPositions) =>
      readJourneyPage({ readers: { 'loyalty.transactions': transactions.read }, positions, first: 5, filter, plan: { 'loyalty.transactions': {} }, cursor: scopeOf(filter) });
    const empty = await run();
    expect(empty.edges).toEqual([]);
    expect(empty.pageInfo.hasNextPage).toBe(true);
    expect(empty.pageInfo.startCursor).toBeNull();
    // Read: 6 events, then 12, 24, 48, 96, 192 and 250 four times, each continuation from
    // (and so again) the last event read: t00000 to t01368.
    const positions = decodeCursor(empty.pageInfo.endCursor!, scopeOf(filter)).positions;
    expect(positions).toEqual({
      'loyalty.transactions': { kind: 'after', key: { at: Date.UTC(2026, 0, 1) - 1368 * 60_000, source: 'loyalty', sourceId: 't01368', id: 'loyalty:storePurchase:t01368' } },
    });
    // Then 7, 14, … events from t01368: t02799; then the return.
    const second = await run(positions);
    expect(second.edges).toEqual([]);
    const third = await run(decodeCursor(second.pageInfo.endCursor!, scopeOf(filter)).positions);
    expect(ids(third)).toEqual(['loyalty:storeReturn:t03000']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    expect(decodeCursor(second.pageInfo.endCursor!, scopeOf(filter)).positions['loyalty.transactions']).toEqual({
      kind: 'after',
      key: { at: Date.UTC(2026, 0, 1) - 2799 * 60_000, source: 'loyalty', sourceId: 't02799', id: 'loyalty:storePurchase:t02799' },
    });
  });
});

describe('a journey page when a silo fails', () => {
  const failure = () => new SourceError('SOURCE_UNAVAILABLE', 'commerce', 'The e-commerce silo is unavailable.');

  it('answers from the others, says partial, keeps the failed stream where it was, and gives its touchpoints once it is back', async () => {
    const history = randomHistory(4242);
    const whole = Object.values(history).flat().sort(compareTouchpoints).map((t) => t.id);
    const streams = streamsOf(history);
    const orders = streams['commerce.orders']!;
    const one = await page(streams, { first: 10 });
    orders.fail = failure();
    let two: JourneyPage;
    try {
      two = await page(streams, { first: 10, after: one.pageInfo.endCursor });
    } finally {
      orders.fail = null;
    }
    expect(two.partial).toBe(true);
    expect(two.unavailableSources).toEqual(['commerce']);
    expect(two.failures.map((e) => e.message)).toEqual(['The e-commerce silo is unavailable.']);
    expect(ids(two).some((id) => id.startsWith('commerce:'))).toBe(false);
    const before = decodeCursor(one.pageInfo.endCursor!, scopeOf(NO_FILTER)).positions['commerce.orders'];
    for (const edge of two.edges) {
      expect(decodeCursor(edge.cursor, scopeOf(NO_FILTER)).positions['commerce.orders']).toEqual(before);
    }
    // Back: the rest, paged to the end, holds every touchpoint not yet given, each once.
    const rest: string[] = [];
    let after = two.pageInfo.endCursor;
    while (after !== null) {
      const next = await page(streams, { first: 10, after });
      expect(next.partial).toBe(false);
      rest.push(...ids(next));
      after = next.pageInfo.hasNextPage ? (next.pageInfo.endCursor ?? null) : null;
    }
    const given = [...ids(one), ...ids(two), ...rest];
    expect([...given].sort()).toEqual([...whole].sort());
    expect(new Set(given).size).toBe(whole.length);
  });

  it('gives a failed stream without a position its touchpoints from the newest once it is back', async () => {
    const streams = streamsOf({
      'commerce.orders': [tp('commerce', '7', '2026-03-01T00:00:00.000Z', 'onlineOrder')],
      'analytics.visits': [tp('analytics', '1', '2026-02-01T00:00:00.000Z', 'webVisit'), tp('analytics', '2', '2026-01-01T00:00:00.000Z', 'webVisit')],
    });
    streams['commerce.orders']!.fail = failure();
    let one: JourneyPage;
    try {
      one = await page(streams, { first: 1 });
    } finally {
      streams['commerce.orders']!.fail = null;
    }
    expect(ids(one)).toEqual(['analytics:webVisit:1']);
    expect(decodeCursor(one.pageInfo.endCursor!, scopeOf(NO_FILTER)).positions['commerce.orders']).toBeUndefined();
    const two = await page(streams, { first: 5, after: one.pageInfo.endCursor });
    expect(ids(two)).toEqual(['commerce:onlineOrder:7', 'analytics:webVisit:2']);
  });

  it('has no edges, is partial and names every silo in enum order when every stream fails', async () => {
    const streams = streamsOf({
      'analytics.visits': [tp('analytics', '1', '2026-02-01T00:00:00.000Z', 'webVisit')],
      'loyalty.transactions': [tp('loyalty', 'a', '2026-02-01T00:00:00.000Z', 'storePurchase')],
      'loyalty.redemptions': [tp('loyalty', 'r', '2026-02-01T00:00:00.000Z', 'rewardRedeemed')],
    });
    streams['analytics.visits']!.fail = new SourceError('SOURCE_TIMEOUT', 'analytics', 'The analytics silo did not answer in time.');
    streams['loyalty.transactions']!.fail = new SourceError('SOURCE_UNAVAILABLE', 'loyalty', 'The loyalty silo is unavailable.');
    streams['loyalty.redemptions']!.fail = new SourceError('SOURCE_UNAVAILABLE', 'loyalty', 'The loyalty silo is unavailable (redemptions).');
    const result = await page(streams, { first: 20 });
    expect({ ...result, pageInfo: { ...result.pageInfo, endCursor: typeof result.pageInfo.endCursor }, failures: result.failures.map((e) => e.message) }).toEqual({
      edges: [],
      // The failed silos' touchpoints are still to come: a cursor to come back with, from the start.
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: 'string' },
      partial: true,
      unavailableSources: ['loyalty', 'analytics'],
      failures: ['The loyalty silo is unavailable.', 'The analytics silo did not answer in time.'],
    });
    const positions = decodeCursor(result.pageInfo.endCursor!, scopeOf(NO_FILTER)).positions;
    expect([positions['loyalty.transactions'], positions['loyalty.redemptions'], positions['analytics.visits']]).toEqual([undefined, undefined, undefined]);
  });

  it('says more follow while a failed silo holds touchpoints, even when the others have given all theirs', async () => {
    const streams = streamsOf({
      'loyalty.transactions': [tp('loyalty', 'a', '2026-03-01T00:00:00.000Z', 'storePurchase')],
      'analytics.visits': [tp('analytics', '1', '2026-02-01T00:00:00.000Z', 'webVisit')],
    });
    streams['loyalty.transactions']!.fail = failure();
    let one: JourneyPage;
    try {
      one = await page(streams, { first: 5 });
    } finally {
      streams['loyalty.transactions']!.fail = null;
    }
    expect(ids(one)).toEqual(['analytics:webVisit:1']);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await page(streams, { first: 5, after: one.pageInfo.endCursor });
    expect(ids(two)).toEqual(['loyalty:storePurchase:a']);
    expect(two.pageInfo.hasNextPage).toBe(false);
  });

  it('never gives a touchpoint twice when a silo comes back with touchpoints newer than where the others stood', async () => {
    const streams = streamsOf({
      'loyalty.transactions': [tp('loyalty', 'a', '2026-03-01T00:00:00.000Z', 'storePurchase'), tp('loyalty', 'b', '2026-01-01T00:00:00.000Z', 'storePurchase')],
      'commerce.orders': [
        tp('commerce', '1', '2026-02-01T00:00:00.000Z', 'onlineOrder'),
        tp('commerce', '2', '2025-12-01T00:00:00.000Z', 'onlineOrder'),
        tp('commerce', '3', '2025-11-01T00:00:00.000Z', 'onlineOrder'),
      ],
    });
    streams['loyalty.transactions']!.fail = failure();
    let one: JourneyPage;
    try {
      one = await page(streams, { first: 1 });
    } finally {
      streams['loyalty.transactions']!.fail = null;
    }
    const given = [...ids(one)];
    let after = one.pageInfo.endCursor;
    for (let i = 0; i < 10 && after !== null; i += 1) {
      const next = await page(streams, { first: 1, after });
      given.push(...ids(next));
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    }
    expect(given).toEqual([
      'commerce:onlineOrder:1',
      'loyalty:storePurchase:a',
      'loyalty:storePurchase:b',
      'commerce:onlineOrder:2',
      'commerce:onlineOrder:3',
    ]);
  });

  it('rejects with an error that is not a silo failure (a bug), not a partial page', async () => {
    const readers: JourneyReaders = {
      'commerce.orders': async () => {
        throw new TypeError('boom');
      },
    };
    await expect(
      readJourneyPage({ readers, first: 5, filter: NO_FILTER, plan: planJourney(NO_FILTER), cursor: scopeOf(NO_FILTER) }),
    ).rejects.toThrow('boom');
  });
});

describe('a reader over touchpoints in memory', () => {
  const contacts = [
    tp('crm', '12', '2026-03-01T00:00:00.000Z', 'accountCreated'),
    tp('crm', '9', '2026-03-01T00:00:00.000Z', 'accountCreated'),
    tp('crm', '30', '2026-01-01T00:00:00.000Z', 'accountCreated'),
    tp('crm', '40', '2026-05-01T00:00:00.000Z', 'accountCreated'),
  ];
  const read = memoryReader(contacts);
  const at = (iso: string): number => Date.parse(iso);

  it('gives everything in journey order, exhausted, from the newest', async () => {
    const result = await read({ limit: 1 });
    expect(result).toEqual({ touchpoints: [contacts[3], contacts[1], contacts[0], contacts[2]], exhausted: true });
  });

  it('starts at from, included, comparing ids as a silo does (9 before 12)', async () => {
    const result = await read({ from: { at: at('2026-03-01T00:00:00.000Z'), id: '12' }, limit: 5 });
    expect(result.touchpoints.map((t) => t.sourceId)).toEqual(['12', '30']);
  });

  it("takes every touchpoint at from's instant for the empty id", async () => {
    const result = await read({ from: { at: at('2026-03-01T00:00:00.000Z'), id: '' }, limit: 5 });
    expect(result.touchpoints.map((t) => t.sourceId)).toEqual(['9', '12', '30']);
  });

  it('keeps within since and until, both included', async () => {
    const result = await read({ since: at('2026-03-01T00:00:00.000Z'), until: at('2026-03-01T00:00:00.000Z'), limit: 5 });
    expect(result.touchpoints.map((t) => t.sourceId)).toEqual(['9', '12']);
  });

  it('serves a record stream of a page beside a silo stream', async () => {
    const orders = new MemoryStream([tp('commerce', '5', '2026-04-01T00:00:00.000Z', 'onlineOrder')]);
    const filter = NO_FILTER;
    const readers: JourneyReaders = { 'crm.contacts': read, 'commerce.orders': orders.read };
    const one = await readJourneyPage({ readers, first: 2, filter, plan: planJourney(filter), cursor: scopeOf(filter) });
    expect(ids(one)).toEqual(['crm:accountCreated:40', 'commerce:onlineOrder:5']);
    const positions = decodeCursor(one.pageInfo.endCursor!, scopeOf(filter)).positions;
    const two = await readJourneyPage({ readers, positions, first: 5, filter, plan: planJourney(filter), cursor: scopeOf(filter) });
    expect(ids(two)).toEqual(['crm:accountCreated:9', 'crm:accountCreated:12', 'crm:accountCreated:30']);
    expect(two.pageInfo.hasNextPage).toBe(false);
  });
});

describe('a paged reader over a whole history in memory', () => {
  // Order 3 made two touchpoints (the order and its discount code): one event, read whole.
  const orders = [
    tp('commerce', '1', '2026-01-01T00:00:00.000Z', 'onlineOrder'),
    tp('commerce', '2', '2026-02-01T00:00:00.000Z', 'onlineOrder'),
    tp('commerce', '3', '2026-03-01T00:00:00.000Z', 'onlineOrder'),
    tp('commerce', '3', '2026-03-01T00:00:00.000Z', 'discountCodeUsed'),
    tp('commerce', '4', '2026-04-01T00:00:00.000Z', 'onlineOrder'),
  ];
  const read = memoryReader(orders, { paged: true });
  const at = (iso: string): number => Date.parse(iso);

  it('gives at most limit touchpoints from the newest, with the last event whole, and says more follow', async () => {
    expect(await read({ limit: 1 })).toEqual({ touchpoints: [orders[4]], exhausted: false });
    const two = await read({ limit: 2 });
    expect(two.touchpoints.map((t) => t.id)).toEqual(['commerce:onlineOrder:4', 'commerce:discountCodeUsed:3', 'commerce:onlineOrder:3']);
    expect(two.exhausted).toBe(false);
  });

  it('is exhausted when the read reaches the oldest touchpoint, or since', async () => {
    const rest = await read({ from: { at: at('2026-02-01T00:00:00.000Z'), id: '2' }, limit: 2 });
    expect(rest).toEqual({ touchpoints: [orders[1], orders[0]], exhausted: true });
    const recent = await read({ since: at('2026-03-01T00:00:00.000Z'), limit: 3 });
    expect(recent.touchpoints.map((t) => t.sourceId)).toEqual(['4', '3', '3']);
    expect(recent.exhausted).toBe(true);
  });

  it('pages a journey exactly as the unpaged reader does', async () => {
    const filter = NO_FILTER;
    const pagesOf = async (reader: typeof read) => {
      const seen: string[][] = [];
      let positions: StreamPositions | undefined;
      for (;;) {
        const page = await readJourneyPage({ readers: { 'commerce.orders': reader }, positions, first: 2, filter, plan: planJourney(filter), cursor: scopeOf(filter) });
        seen.push(ids(page));
        if (!page.pageInfo.hasNextPage) return seen;
        positions = decodeCursor(page.pageInfo.endCursor!, scopeOf(filter)).positions;
      }
    };
    const paged = await pagesOf(read);
    expect(paged.flat()).toEqual(['commerce:onlineOrder:4', 'commerce:discountCodeUsed:3', 'commerce:onlineOrder:3', 'commerce:onlineOrder:2', 'commerce:onlineOrder:1']);
    expect(paged).toEqual(await pagesOf(memoryReader(orders)));
  });
});

/**
 * A stream built from records, as journey-readers.ts builds one: a memoryReader, here with its
 * calls counted; `fail` makes the next calls throw a SourceError.
 */
class RecordStream {
  calls = 0;
  fail: SourceError | null = null;
  private readonly inner: (window: JourneyWindow) => Promise<JourneyReadResult>;

  constructor(touchpoints: readonly TouchpointRecord[]) {
    this.inner = memoryReader(touchpoints);
  }

  readonly read = async (window: JourneyWindow): Promise<JourneyReadResult> => {
    this.calls += 1;
    await Promise.resolve();
    if (this.fail) throw this.fail;
    return this.inner(window);
  };
}

async function pageOf(readers: JourneyReaders, first: number, after: string | null | undefined, filter: JourneyFilterSpec = NO_FILTER): Promise<JourneyPage> {
  const positions: StreamPositions | undefined = after ? decodeCursor(after, scopeOf(filter)).positions : undefined;
  return readJourneyPage({ readers, positions, first, filter, plan: planJourney(filter), cursor: scopeOf(filter) });
}

describe('a stream built from records', () => {
  const hourly = (n: number): TouchpointRecord[] =>
    Array.from({ length: n }, (_, i) => tp('loyalty', `t${String(i).padStart(3, '0')}`, new Date(Date.UTC(2026, 0, 1) - i * 3_600_000).toISOString(), 'storePurchase'));
  /** Between the receipts t044 and t045. */
  const contactAt = new Date(Date.UTC(2026, 0, 1) - 44.5 * 3_600_000).toISOString();

  it('is read on the first page, then only on the page its touchpoint falls on', async () => {
    const transactions = new MemoryStream(hourly(100));
    const contacts = new RecordStream([tp('crm', '900001', contactAt, 'accountCreated')]);
    const readers = readersWith(transactions, { 'crm.contacts': contacts.read });
    const calls: number[] = [];
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 11; n++) {
      const before = contacts.calls;
      const next: JourneyPage = await pageOf(readers, 10, after);
      calls.push(contacts.calls - before);
      seen.push(...ids(next));
      if (!next.pageInfo.hasNextPage) break;
      after = next.pageInfo.endCursor ?? null;
    }
    // Page 5 holds t040..t044, the contact, t045..t048.
    expect(calls).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(seen.slice(44, 47)).toEqual(['loyalty:storePurchase:t044', 'crm:accountCreated:900001', 'loyalty:storePurchase:t045']);
    expect(seen.length).toBe(101);
    expect(new Set(seen).size).toBe(101);
    // The receipts cost one read a page: 10 full pages and the last one, which ends them.
    expect(transactions.calls.length).toBe(11);
  });

  it('waits for its next touchpoint in the cursor of every edge it does not reach, after that edge\'s own key', async () => {
    const contacts = new RecordStream([tp('crm', '900001', contactAt, 'accountCreated')]);
    const readers = readersWith(new MemoryStream(hourly(100)), { 'crm.contacts': contacts.read });
    const one = await pageOf(readers, 10, null);
    const two = await pageOf(readers, 10, one.pageInfo.endCursor);
    for (const edge of [...one.edges, ...two.edges]) {
      const { positions } = decodeCursor(edge.cursor, scopeOf(NO_FILTER));
      expect(positions['crm.contacts']).toMatchObject({ kind: 'waiting', key: { id: edge.node.id }, next: { at: Date.parse(contactAt), id: '900001' } });
      // One key in the text: the waiting stream shares the edge's.
      expect(JSON.parse(Buffer.from(edge.cursor.split('.')[0]!, 'base64url').toString('utf8')).k).toHaveLength(1);
    }
    // Carried to page two unread, it still waits after each edge of that page, not of page one.
    expect(contacts.calls).toBe(1);
  });

  it('reads only the waiting streams whose next touchpoint can be on the page', async () => {
    const transactions = new MemoryStream([tp('loyalty', 't0', '2026-01-01T10:00:00.000Z', 'storePurchase')]);
    const contacts = new RecordStream([tp('crm', '1', '2026-01-01T09:00:00.000Z', 'accountCreated')]);
    const members = new RecordStream([tp('loyalty', 'm1', '2026-01-01T08:00:00.000Z', 'membershipCreated')]);
    const readers = readersWith(transactions, { 'crm.contacts': contacts.read, 'loyalty.members': members.read });
    const one = await pageOf(readers, 1, null);
    expect([ids(one), contacts.calls, members.calls]).toEqual([['loyalty:storePurchase:t0'], 1, 1]);
    // The contact's creation comes first: the membership's cannot be on a page of 1.
    const two = await pageOf(readers, 1, one.pageInfo.endCursor);
    expect([ids(two), two.pageInfo.hasNextPage, contacts.calls, members.calls]).toEqual([['crm:accountCreated:1'], true, 2, 1]);
    const three = await pageOf(readers, 1, two.pageInfo.endCursor);
    expect([ids(three), three.pageInfo.hasNextPage, contacts.calls, members.calls]).toEqual([['loyalty:membershipCreated:m1'], false, 2, 2]);
    // Both ended: the end cursor reads nothing more.
    const four = await pageOf(readers, 1, three.pageInfo.endCursor);
    expect([ids(four), four.pageInfo.hasNextPage, transactions.calls.length, contacts.calls, members.calls]).toEqual([[], false, 1, 2, 2]);
  });

  it('is not read past where a paged stream stopped short, and is read once the page can reach it', async () => {
    // 5,000 purchases, then 2 returns; kinds storeReturn (not pushed down here) and
    // accountCreated: the loyalty stream is cut after 10 reads on the first two pages.
    const list = Array.from({ length: 5002 }, (_, i) =>
      tp('loyalty', `t${String(i).padStart(5, '0')}`, new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString(), i >= 5000 ? 'storeReturn' : 'storePurchase'),
    );
    const filter: JourneyFilterSpec = { kinds: ['accountCreated', 'storeReturn'], channels: null, since: null, until: null };
    const transactions = new MemoryStream(list);
    // Older than the returns (2025-12-28T12:40).
    const contacts = new RecordStream([tp('crm', '7', '2025-12-25T12:00:00.000Z', 'accountCreated')]);
    const readers: JourneyReaders = { 'loyalty.transactions': transactions.read, 'crm.contacts': contacts.read };
    const calls: number[] = [];
    const pages: string[][] = [];
    let positions: StreamPositions | undefined;
    for (let n = 0; n < 10; n++) {
      const before = contacts.calls;
      const result = await readJourneyPage({ readers, positions, first: 20, filter, plan: { 'loyalty.transactions': {}, 'crm.contacts': {} }, cursor: scopeOf(filter) });
      calls.push(contacts.calls - before);
      pages.push(ids(result));
      if (!result.pageInfo.hasNextPage) break;
      positions = decodeCursor(result.pageInfo.endCursor!, scopeOf(filter)).positions;
    }
    expect(pages).toEqual([[], [], ['loyalty:storeReturn:t05000', 'loyalty:storeReturn:t05001', 'crm:accountCreated:7']]);
    expect(calls).toEqual([1, 0, 1]);
  });

  it('judges the other waiting streams again when one read for the page fails: a silo that answers keeps its order', async () => {
    const transactions = new MemoryStream([tp('loyalty', 't0', '2026-01-01T12:00:00.000Z', 'storePurchase'), tp('loyalty', 't1', '2026-01-01T05:00:00.000Z', 'storePurchase')]);
    const contacts = new RecordStream([tp('crm', '1', '2026-01-01T10:00:00.000Z', 'accountCreated')]);
    const customers = new RecordStream([tp('commerce', '7', '2026-01-01T08:00:00.000Z', 'accountCreated')]);
    const readers = readersWith(transactions, { 'crm.contacts': contacts.read, 'commerce.customers': customers.read });
    const one = await pageOf(readers, 1, null);
    // Page two can hold the contact (10:00), which was counted before the shop account (08:00);
    // the CRM fails, so the shop account is the page's, not the receipt of 05:00 after it.
    contacts.fail = new SourceError('SOURCE_UNAVAILABLE', 'crm', 'The CRM is unavailable.');
    const two = await pageOf(readers, 1, one.pageInfo.endCursor);
    contacts.fail = null;
    expect([ids(two), two.partial, two.unavailableSources]).toEqual([['commerce:accountCreated:7'], true, ['crm']]);
    const seen = [...ids(one), ...ids(two)];
    let after = two.pageInfo.endCursor;
    for (let n = 0; n < 5 && after; n++) {
      const next: JourneyPage = await pageOf(readers, 1, after);
      seen.push(...ids(next));
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    }
    // The contact comes once its silo is back (later than its place: its silo failed), every other touchpoint in order.
    expect(seen).toEqual(['loyalty:storePurchase:t0', 'commerce:accountCreated:7', 'crm:accountCreated:1', 'loyalty:storePurchase:t1']);
  });

  it('keeps its place when its silo fails on the page that reaches it, and gives its touchpoint once it is back', async () => {
    const contacts = new RecordStream([tp('crm', '900001', contactAt, 'accountCreated')]);
    const readers = readersWith(new MemoryStream(hourly(60)), { 'crm.contacts': contacts.read });
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 4; n++) {
      const next: JourneyPage = await pageOf(readers, 10, after);
      seen.push(...ids(next));
      after = next.pageInfo.endCursor ?? null;
    }
    const waiting = decodeCursor(after!, scopeOf(NO_FILTER)).positions['crm.contacts'];
    contacts.fail = new SourceError('SOURCE_UNAVAILABLE', 'crm', 'The CRM is unavailable.');
    let failed: JourneyPage;
    try {
      failed = await pageOf(readers, 10, after);
    } finally {
      contacts.fail = null;
    }
    expect([failed.partial, failed.unavailableSources, ids(failed)]).toEqual([true, ['crm'], Array.from({ length: 10 }, (_, i) => `loyalty:storePurchase:t0${40 + i}`)]);
    for (const edge of failed.edges) {
      const position = decodeCursor(edge.cursor, scopeOf(NO_FILTER)).positions['crm.contacts'];
      expect(position).toMatchObject({ kind: 'waiting', next: waiting?.kind === 'waiting' && waiting.next });
      // Past the contact's place, its stream cannot move on: it stays after the key it had.
      if (edge.node.occurredAt < contactAt) expect(position).toEqual(waiting);
    }
    // Back: the contact comes first on the next page (it is older than the page it missed), once.
    const back = await pageOf(readers, 10, failed.pageInfo.endCursor);
    expect(ids(back).slice(0, 2)).toEqual(['crm:accountCreated:900001', 'loyalty:storePurchase:t050']);
    seen.push(...ids(failed), ...ids(back));
    expect(seen.filter((id) => id.startsWith('crm:'))).toEqual(['crm:accountCreated:900001']);
  });

  /** Record streams for a random history: creations at its few instants, and first logins on some of its visits (same event, same instant). */
  function randomRecords(seed: number, visits: readonly TouchpointRecord[]): Partial<Record<JourneyStream, TouchpointRecord[]>> {
    const random = seededRandom(seed);
    const int = (n: number): number => Math.floor(random() * n);
    const at = (): string => new Date(Date.UTC(2026, 0, 1) + int(45) * 60_000 - 5 * 60_000).toISOString();
    return {
      'crm.contacts': Array.from({ length: int(3) }, (_, i) => tp('crm', String(100 + i), at(), 'accountCreated')),
      'loyalty.members': Array.from({ length: int(3) }, (_, i) => tp('loyalty', `m${i}`, at(), 'membershipCreated')),
      'commerce.customers': Array.from({ length: int(3) }, (_, i) => tp('commerce', String(5000 + i), at(), 'accountCreated')),
      'analytics.logins': visits.filter(() => int(8) === 0).map((visit) => tp('analytics', visit.sourceId, visit.occurredAt, 'deviceFirstLogin')),
    };
  }

  it.each([1, 2, 3, 7, 100])('leaves every touchpoint exactly once, in order, beside paged streams, paging to the end with first %i', async (first) => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const history = randomHistory(seed * 104_729 + first);
      const records = randomRecords(seed, history['analytics.visits']);
      const whole = [...Object.values(history), ...Object.values(records)].flat().sort(compareTouchpoints);
      const recordStreams = Object.entries(records).map(([name, list]) => [name, new RecordStream(list)] as const);
      const readers = { ...readersOf(streamsOf(history)), ...Object.fromEntries(recordStreams.map(([name, stream]) => [name, stream.read])) } as JourneyReaders;
      const pages: JourneyPage[] = [];
      let after: string | null = null;
      do {
        const next: JourneyPage = await pageOf(readers, first, after);
        pages.push(next);
        after = next.pageInfo.hasNextPage ? (next.pageInfo.endCursor ?? null) : null;
      } while (after !== null && pages.length < 1000);
      expect(pages.flatMap(ids)).toEqual(whole.map((t) => t.id));
      expect(pages.slice(0, -1).every((p) => p.edges.length === first)).toBe(true);
      expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
      if (whole.length > 0) expect(pages.at(-1)!.edges.length).toBeGreaterThan(0);
      // Read on the first page, then at most once per page that holds a record touchpoint, or
      // another touchpoint of its event (the cursor places a waiting stream's next touchpoint
      // by its event, so a tie within one event costs a read).
      const recordKinds = ['accountCreated', 'membershipCreated', 'deviceFirstLogin'];
      const eventOf = (t: TouchpointRecord): string => `${t.occurredAt} ${t.source} ${t.sourceId}`;
      const recordEvents = new Set(Object.values(records).flat().map(eventOf));
      const recordPages = pages.filter((p) => p.edges.some((e) => recordKinds.includes(e.node.kind) || recordEvents.has(eventOf(e.node)))).length;
      for (const [, stream] of recordStreams) expect(stream.calls).toBeLessThanOrEqual(1 + recordPages);
    }
  });

  it.each([1, 2, 3, 7, 20])('gives every touchpoint exactly once when silos fail on random pages, out of order only those of a silo that failed, with first %i', async (first) => {
    for (let seed = 1; seed <= 40; seed++) {
      const history = randomHistory(seed * 7_919 + first);
      const records = randomRecords(seed + 1_000, history['analytics.visits']);
      const whole = [...Object.values(history), ...Object.values(records)].flat().sort(compareTouchpoints);
      const streams: Array<[JourneyStream, MemoryStream | RecordStream]> = [
        ...Object.entries(history).map(([name, list]) => [name as JourneyStream, new MemoryStream(list)] as [JourneyStream, MemoryStream]),
        ...Object.entries(records).map(([name, list]) => [name as JourneyStream, new RecordStream(list)] as [JourneyStream, RecordStream]),
      ];
      const readers = Object.fromEntries(streams.map(([name, stream]) => [name, stream.read])) as JourneyReaders;
      const random = seededRandom(seed);
      const failedOn = new Map<string, number>(); // source -> the first page it failed on
      const given: Array<{ id: string; page: number }> = [];
      let after: string | null = null;
      for (let n = 0; n < 2_000; n++) {
        // A third of the pages, one silo is down: every stream of it fails.
        const down = random() < 0.33 ? SOURCE_ORDER[Math.floor(random() * SOURCE_ORDER.length)]! : null;
        for (const [name, stream] of streams) stream.fail = STREAM_SOURCE[name] === down ? new SourceError('SOURCE_UNAVAILABLE', down!, `${down} is down.`) : null;
        const next: JourneyPage = await pageOf(readers, first, after);
        if (down !== null && !failedOn.has(down) && next.unavailableSources.includes(down)) failedOn.set(down, n);
        for (const id of ids(next)) given.push({ id, page: n });
        if (!next.pageInfo.hasNextPage) break;
        after = next.pageInfo.endCursor ?? null;
      }
      expect(given.map((g) => g.id).sort()).toEqual(whole.map((t) => t.id).sort());
      // A touchpoint may come after one that follows it in journey order only if its silo had
      // failed by the page that one came on.
      const rank = new Map(whole.map((t, i) => [t.id, i]));
      const sourceOf = new Map(whole.map((t) => [t.id, t.source]));
      let furthest = { rank: -1, page: -1 };
      for (const { id, page } of given) {
        const r = rank.get(id)!;
        if (r > furthest.rank) furthest = { rank: r, page };
        else expect([id, (failedOn.get(sourceOf.get(id)!) ?? Infinity) <= furthest.page]).toEqual([id, true]);
      }
    }
  });
});

describe('a journey page when the records known in a silo change between pages', () => {
  /** Two records in each silo: the second is known on some pages only (linked through a silo that failed on the others). */
  const RECORDS: Record<Source, [string, string]> = { crm: ['c1', 'c2'], loyalty: ['m1', 'm2'], commerce: ['s1', 's2'], analytics: ['v1', 'v2'] };
  const randomRecords = (seed: number): Partial<Record<JourneyStream, TouchpointRecord[]>> => {
    const random = seededRandom(seed);
    const at = (): string => new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 45) * 60_000 - 5 * 60_000).toISOString();
    return {
      'crm.contacts': [tp('crm', '100', at(), 'accountCreated'), tp('crm', '101', at(), 'accountCreated')],
      'loyalty.members': [tp('loyalty', 'm0', at(), 'membershipCreated'), tp('loyalty', 'm1', at(), 'membershipCreated')],
    };
  };

  it.each([1, 2, 3, 7, 20])('gives every touchpoint exactly once when a record is found on a later page, or missed while the resolution is incomplete, with first %i', async (first) => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed * 31 + first);
      // Each touchpoint belongs to one of its silo's two records, its events whole.
      const owner = new Map<string, number>();
      const assign = (t: TouchpointRecord): TouchpointRecord => {
        const event = `${t.source} ${t.sourceId}`;
        if (!owner.has(event)) owner.set(event, random() < 0.5 ? 0 : 1);
        const assigned = { ...t, recordId: RECORDS[t.source][owner.get(event)!]! };
        // A device's first login is as one of the two shop records; a visit may be, or anonymous.
        if (t.kind === 'deviceFirstLogin' || (t.source === 'analytics' && random() < 0.5)) assigned.loggedInAs = RECORDS.commerce[random() < 0.5 ? 0 : 1]!;
        return assigned;
      };
      const history = Object.fromEntries(
        Object.entries({ ...randomHistory(seed * 7_919 + first), ...randomRecords(seed) }).map(([name, list]) => [name, list.map(assign)]),
      ) as Partial<Record<JourneyStream, TouchpointRecord[]>>;
      const whole = Object.values(history).flat().sort(compareTouchpoints);
      const given: string[] = [];
      let after: string | null = null;
      for (let n = 0; n < 2_000; n++) {
        // Each silo: both records known, or only the first (the resolution is then incomplete), or none known (its streams fail).
        const known: { [S in Source]?: string[] } = {};
        for (const source of SOURCE_ORDER) {
          const roll = random();
          if (roll >= 0.1) known[source] = roll < 0.35 ? [RECORDS[source][0]] : [...RECORDS[source]];
        }
        const complete = SOURCE_ORDER.every((source) => known[source]?.length === 2);
        const state = after === null ? undefined : decodeCursor(after, scopeOf(NO_FILTER));
        const reconciled = reconcileRecords(state, recordDigests(known), complete);
        const readers: { [S in JourneyStream]?: JourneyReader<S> } = {};
        for (const [name, list] of Object.entries(history) as Array<[JourneyStream, TouchpointRecord[]]>) {
          const source = STREAM_SOURCE[name];
          const ids = known[source];
          // Analytics touchpoints need the shop records they were made as, as the gateway's readers do.
          const shops = source === 'analytics' ? known.commerce : RECORDS.commerce;
          const visible = (t: TouchpointRecord) => ids!.includes(t.recordId) && (t.loggedInAs === undefined || shops!.includes(t.loggedInAs));
          const stream = new MemoryStream(ids === undefined || shops === undefined ? [] : list.filter(visible));
          if (ids === undefined || shops === undefined || reconciled.failing.includes(name)) stream.fail = new SourceError('SOURCE_UNAVAILABLE', source, `${source} records unknown.`);
          (readers as Record<string, unknown>)[name] = stream.read;
        }
        const next: JourneyPage = await readJourneyPage({
          readers,
          first,
          filter: NO_FILTER,
          plan: planJourney(NO_FILTER),
          cursor: scopeOf(NO_FILTER),
          resolutionIncomplete: !complete,
          ...reconciled,
        });
        given.push(...ids(next));
        if (!next.pageInfo.hasNextPage) break;
        after = next.pageInfo.endCursor!;
      }
      expect(given.sort()).toEqual(whole.map((t) => t.id).sort());
    }
  });

  it('skips what a stream gave already for the records known before, and keeps saying so in the cursor until it is past it', async () => {
    const mine = (t: TouchpointRecord, recordId: string): TouchpointRecord => ({ ...t, recordId });
    const m1 = ['2026-05-01', '2026-03-01', '2026-01-01'].map((day, i) => mine(tp('loyalty', `a${i}`, `${day}T00:00:00.000Z`, 'storePurchase'), 'm1'));
    const m2 = ['2026-06-01', '2026-04-01', '2026-02-01'].map((day, i) => mine(tp('loyalty', `b${i}`, `${day}T00:00:00.000Z`, 'storePurchase'), 'm2'));
    const cursor = scopeOf(NO_FILTER);
    const plan = planJourney(NO_FILTER);
    const read = (list: TouchpointRecord[], after: string | null | undefined, known: string[]) => {
      const state = after ? decodeCursor(after, cursor) : undefined;
      const reconciled = reconcileRecords(state, recordDigests({ loyalty: known }), true);
      return readJourneyPage({ readers: { 'loyalty.transactions': new MemoryStream(list).read }, first: 1, filter: NO_FILTER, plan, cursor, ...reconciled });
    };
    const one = await read(m1, null, ['m1']);
    expect(ids(one)).toEqual(['loyalty:storePurchase:a0']);
    // m2 found: its newer touchpoint first, then on, m1's a0 not again.
    const two = await read([...m1, ...m2], one.pageInfo.endCursor, ['m1', 'm2']);
    expect(ids(two)).toEqual(['loyalty:storePurchase:b0']);
    expect(decodeCursor(two.pageInfo.endCursor!, cursor).given?.['loyalty.transactions']).toEqual([{ records: recordDigests({ loyalty: ['m1'] }).loyalty, through: expect.objectContaining({ sourceId: 'a0' }) }]);
    const three = await read([...m1, ...m2], two.pageInfo.endCursor, ['m1', 'm2']);
    expect(ids(three)).toEqual(['loyalty:storePurchase:b1']);
    // Past a0 now: nothing left to skip.
    expect(decodeCursor(three.pageInfo.endCursor!, cursor).given).toBeUndefined();
    const rest: string[] = [];
    let after = three.pageInfo.endCursor ?? null;
    while (after !== null) {
      const next = await read([...m1, ...m2], after, ['m1', 'm2']);
      rest.push(...ids(next));
      after = next.pageInfo.hasNextPage ? (next.pageInfo.endCursor ?? null) : null;
    }
    expect(rest).toEqual(['loyalty:storePurchase:a1', 'loyalty:storePurchase:b2', 'loyalty:storePurchase:a2']);
  });
});

/** The readers of `transactions` (a paged stream) and of the record streams given. */
function readersWith(transactions: MemoryStream, records: Partial<Record<JourneyStream, (window: JourneyWindow) => Promise<JourneyReadResult>>>): JourneyReaders {
  return { 'loyalty.transactions': transactions.read, ...records } as JourneyReaders;
}

describe('a journey page cut from whole histories in memory', () => {
  /** Random whole histories: the four silo streams and the four record streams. */
  function wholeHistories(seed: number): Partial<Record<JourneyStream, TouchpointRecord[]>> {
    const history = randomHistory(seed);
    const random = seededRandom(seed + 77);
    const int = (n: number): number => Math.floor(random() * n);
    const at = (): string => new Date(Date.UTC(2026, 0, 1) + int(45) * 60_000 - 5 * 60_000).toISOString();
    return {
      ...history,
      'crm.contacts': Array.from({ length: int(3) }, (_, i) => tp('crm', String(100 + i), at(), 'accountCreated')),
      'loyalty.members': Array.from({ length: int(3) }, (_, i) => tp('loyalty', `m${i}`, at(), 'membershipCreated')),
      'commerce.customers': Array.from({ length: int(3) }, (_, i) => tp('commerce', String(5000 + i), at(), 'accountCreated')),
      'analytics.logins': history['analytics.visits'].filter(() => int(8) === 0).map((visit) => tp('analytics', visit.sourceId, visit.occurredAt, 'deviceFirstLogin')),
    };
  }

  it.each([1, 3, 20, 100])('gives the same pages and cursors as the page read through promises, silos failing on random pages, with first %i', async (first) => {
    for (let seed = 1; seed <= 30; seed++) {
      const histories = wholeHistories(seed * 31 + first);
      const names = Object.keys(histories) as JourneyStream[];
      // What histories.ts serves: silo streams page-wise, record streams whole.
      const windows = new Map(names.map((name) => [name, memoryWindows(histories[name]!, { paged: !RECORD_STREAMS.has(name) })]));
      const random = seededRandom(seed);
      let down: Source | null = null;
      const failure = (name: JourneyStream): SourceError | null => (STREAM_SOURCE[name] === down ? new SourceError('SOURCE_UNAVAILABLE', down, `${down} is down.`) : null);
      const asPromised = Object.fromEntries(
        names.map((name) => [
          name,
          async (window: JourneyWindow) => {
            const error = failure(name);
            if (error) throw error;
            return windows.get(name)!(window);
          },
        ]),
      ) as JourneyReaders;
      const inMemory = Object.fromEntries(
        names.map((name): [JourneyStream, MemoryReader] => [
          name,
          (window) => {
            const error = failure(name);
            if (error) throw error;
            return windows.get(name)!(window);
          },
        ]),
      );
      const filter = NO_FILTER;
      let positions: StreamPositions | undefined;
      for (let n = 0; n < 500; n++) {
        down = random() < 0.3 ? SOURCE_ORDER[Math.floor(random() * SOURCE_ORDER.length)]! : null;
        const request = { positions, first, filter, plan: planJourney(filter), cursor: scopeOf(filter) };
        const promised = await readJourneyPage({ ...request, readers: asPromised });
        expect(readJourneyPageInMemory({ ...request, readers: inMemory })).toEqual(promised);
        if (!promised.pageInfo.hasNextPage) break;
        positions = decodeCursor(promised.pageInfo.endCursor!, scopeOf(filter)).positions;
      }
    }
  });

  it('throws an error of a reader that is not a silo failure (a bug), rather than a partial page', () => {
    const broken: MemoryReader = () => {
      throw new TypeError('not a silo failure');
    };
    const request = { first: 5, filter: NO_FILTER, plan: planJourney(NO_FILTER), cursor: scopeOf(NO_FILTER) };
    expect(() => readJourneyPageInMemory({ ...request, readers: { 'commerce.orders': broken } })).toThrow('not a silo failure');
  });
});
