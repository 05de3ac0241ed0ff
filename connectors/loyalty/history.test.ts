import { describe, expect, it } from 'vitest';
import type { JourneyPoint } from '../types.js';
import { endsList, mergeReads, readHistory, settle, type HistoryCall, type HistoryPage } from './history.js';

/** An event is its own journey point here: `at` in ms, `id`. */
const point = (e: JourneyPoint): JourneyPoint => e;
const ev = (at: number, id: string): JourneyPoint => ({ at, id });

/**
 * A dated list as Open Loyalty pages it, over plain data: events at or before `until` and at or
 * after `since`, newest first, ties in `tieOrder` (by id when 'id', reversed when 'reverse', as
 * a product without a tie-break might), page `page` of `size`. Records each call.
 */
function list(events: JourneyPoint[], tieOrder: 'id' | 'reverse' = 'id') {
  const calls: HistoryCall[] = [];
  const call = async (c: HistoryCall): Promise<HistoryPage<JourneyPoint>> => {
    calls.push(c);
    const matching = events
      .filter((e) => (c.until === undefined || e.at <= c.until) && (c.since === undefined || e.at >= c.since))
      .sort((a, b) => b.at - a.at || (tieOrder === 'id' ? (a.id < b.id ? -1 : 1) : a.id < b.id ? 1 : -1));
    return { items: matching.slice((c.page - 1) * c.size, c.page * c.size), filtered: matching.length };
  };
  return { call, calls };
}

describe('settle', () => {
  it('keeps the events at the oldest instant of a page pending when the list goes on', () => {
    const read = [ev(9, 'a'), ev(8, 'b'), ev(7, 'c'), ev(7, 'd')];
    expect(settle(read, false, point)).toEqual({ settled: [ev(9, 'a'), ev(8, 'b')], pending: [ev(7, 'c'), ev(7, 'd')] });
  });

  it('settles every event when the list has ended', () => {
    const read = [ev(9, 'a'), ev(7, 'c')];
    expect(settle(read, true, point)).toEqual({ settled: [ev(9, 'a'), ev(7, 'c')], pending: [] });
  });

  it('settles nothing when a whole page is one instant', () => {
    expect(settle([ev(7, 'a'), ev(7, 'b')], false, point)).toEqual({ settled: [], pending: [ev(7, 'a'), ev(7, 'b')] });
  });
});

describe('endsList', () => {
  it.each([
    { call: { page: 1, size: 5 }, page: { items: 4, filtered: 4 }, ends: true, why: 'a short page' },
    { call: { page: 1, size: 5 }, page: { items: 5, filtered: 5 }, ends: true, why: 'a full page holding every match' },
    { call: { page: 2, size: 5 }, page: { items: 5, filtered: 10 }, ends: true, why: 'the second full page of ten' },
    { call: { page: 1, size: 5 }, page: { items: 5, filtered: 6 }, ends: false, why: 'a full page of six' },
  ])('says $ends for $why', ({ call, page, ends }) => {
    const items = Array.from({ length: page.items }, (_, i) => ev(i, String(i)));
    expect(endsList({ ...call }, { items, filtered: page.filtered })).toBe(ends);
  });
});

describe('mergeReads', () => {
  it('cuts the merged events at the earliest place an unexhausted read stopped', () => {
    const merged = mergeReads(
      [
        { items: [ev(10, 'a'), ev(6, 'b')], exhausted: false },
        { items: [ev(9, 'c'), ev(5, 'd'), ev(1, 'e')], exhausted: true },
      ],
      point,
    );
    expect(merged).toEqual({ items: [ev(10, 'a'), ev(9, 'c'), ev(6, 'b')], exhausted: false });
  });

  it('keeps every event of exhausted reads, in journey order', () => {
    const merged = mergeReads([{ items: [ev(3, 'b')], exhausted: true }, { items: [ev(3, 'a'), ev(1, 'c')], exhausted: true }], point);
    expect(merged).toEqual({ items: [ev(3, 'a'), ev(3, 'b'), ev(1, 'c')], exhausted: true });
  });
});

describe('readHistory', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => ev(1000 - i * 10, `e${String(i).padStart(3, '0')}`));

  it('answers a page of 20 with one call of 25 when no instant is shared', async () => {
    const { call, calls } = list(hundred);
    const read = await readHistory({ limit: 20 }, 100, point, call);
    expect(calls).toEqual([{ until: undefined, since: undefined, page: 1, size: 25 }]);
    // The 25th event (at 760) waits: its instant might go on past the page.
    expect(read.items).toHaveLength(24);
    expect(read.items[23]).toEqual(ev(770, 'e023'));
    expect(read.exhausted).toBe(false);
  });

  it('starts at `from` included, bounded by its instant, dropping the ties before it', async () => {
    const events = [ev(50, 'a'), ev(40, 'b'), ev(40, 'c'), ev(40, 'd'), ev(30, 'e')];
    const { call, calls } = list(events);
    const read = await readHistory({ limit: 2, from: ev(40, 'c') }, 100, point, call);
    expect(calls[0]).toMatchObject({ until: 40, page: 1 });
    expect(read).toEqual({ items: [ev(40, 'c'), ev(40, 'd'), ev(30, 'e')], exhausted: true });
  });

  it('keeps within since and until, and asks nothing when since is after until', async () => {
    const { call, calls } = list(hundred);
    const read = await readHistory({ limit: 50, since: 900, until: 950 }, 100, point, call);
    expect(read).toEqual({ items: [ev(950, 'e005'), ev(940, 'e006'), ev(930, 'e007'), ev(920, 'e008'), ev(910, 'e009'), ev(900, 'e010')], exhausted: true });
    expect(calls).toEqual([{ until: 950, since: 900, page: 1, size: 55 }]);
    expect(await readHistory({ limit: 5, since: 10, until: 9 }, 100, point, call)).toEqual({ items: [], exhausted: true });
    expect(calls).toHaveLength(1);
  });

  it('reads on from the oldest instant when ties at it fill the margin, whatever order the ties come in', async () => {
    // Eight events at 500, the page boundary among them, returned in reverse id order.
    const ties = Array.from({ length: 8 }, (_, i) => ev(500, `t${i}`));
    const events = [ev(700, 'a'), ev(600, 'b'), ...ties, ev(400, 'z'), ev(300, 'y')];
    const { call, calls } = list(events, 'reverse');
    const read = await readHistory({ limit: 4 }, 100, point, call);
    expect(read.items.map((e) => e.id)).toEqual(['a', 'b', 't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']);
    expect(read.exhausted).toBe(false);
    expect(calls).toEqual([
      { until: undefined, since: undefined, page: 1, size: 9 },
      { until: 500, since: undefined, page: 1, size: 9 },
    ]);
  });

  it('walks the pages of one instant that holds more events than a page', async () => {
    const ties = Array.from({ length: 12 }, (_, i) => ev(500, `t${String(i).padStart(2, '0')}`));
    const { call, calls } = list([...ties, ev(400, 'z')]);
    const read = await readHistory({ limit: 3 }, 100, point, call);
    expect(read.items.map((e) => e.id)).toEqual([...ties.map((e) => e.id), 'z']);
    expect(read.exhausted).toBe(true);
    // Page 1 is all one instant: nothing settles, and page 2 asks on at the same bound.
    expect(calls.map((c) => [c.until, c.page])).toEqual([[undefined, 1], [undefined, 2]]);
  });

  it('leaves out what `keep` refuses, reading on until enough are kept', async () => {
    const { call, calls } = list(hundred);
    const read = await readHistory({ limit: 3 }, 100, point, call, (e) => Number(e.id.slice(1)) % 10 === 0);
    expect(read.items.map((e) => e.id)).toEqual(['e000', 'e010', 'e020']);
    // Pages of 8: each call settles 7 events, one in ten of them kept.
    expect(calls.map((c) => c.until)).toEqual([undefined, 930, 860]);
  });

  it('still moves on when the product ignores the date bound', async () => {
    const events = [ev(9, 'a'), ev(8, 'b'), ev(7, 'c'), ev(6, 'd'), ev(5, 'e')];
    const calls: HistoryCall[] = [];
    const ignoring = async (c: HistoryCall): Promise<HistoryPage<JourneyPoint>> => {
      calls.push(c);
      return { items: events.slice((c.page - 1) * c.size, c.page * c.size), filtered: events.length };
    };
    const read = await readHistory({ limit: 1, from: ev(7, 'c') }, 2, point, ignoring);
    expect(read.items[0]).toEqual(ev(7, 'c'));
    expect(calls.length).toBeLessThanOrEqual(4);
  });
});
