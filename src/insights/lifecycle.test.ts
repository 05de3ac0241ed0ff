import { describe, expect, it } from 'vitest';
import { customerLifecycle, DEFAULT_LIFECYCLE_THRESHOLDS, type LifecycleThresholds } from './lifecycle.js';
import type { PurchaseHistory } from './purchase-history.js';

const DAY = 86_400_000;
/** 2026-02-16, a Monday; noon UTC of each day is when the purchases happen. */
const TODAY = 20_500;
const noon = (day: number): number => day * DAY + 12 * 3_600_000;
const NOW = TODAY * DAY + 18 * 3_600_000;
const isoNoon = (daysAgo: number): string => new Date(noon(TODAY - daysAgo)).toISOString();
const isoMidnight = (daysAgo: number): string => new Date((TODAY - daysAgo) * DAY).toISOString();

/** A history with a purchase of 10 EUR at noon UTC on each day given as days before TODAY. */
function bought(daysAgo: number[], options: { knownSince?: number | null; timeZone?: string } = {}): PurchaseHistory {
  return {
    currency: 'EUR',
    timeZone: options.timeZone ?? 'UTC',
    knownSince: options.knownSince === undefined ? (daysAgo.length > 0 ? noon(TODAY - Math.max(...daysAgo)) : null) : options.knownSince,
    purchases: [...daysAgo].sort((a, b) => b - a).map((ago) => ({ at: noon(TODAY - ago), day: TODAY - ago, kind: 'storePurchase', amountThousandths: 10_000, refundedThousandths: 0 })),
    returns: [],
    fullyRefundedOrders: 0,
    otherCurrencyTouchpoints: 0,
  };
}

const lifecycle = (history: PurchaseHistory, options: { now?: number; pAlive?: number | null; thresholds?: LifecycleThresholds } = {}) =>
  customerLifecycle(history, options.now ?? NOW, { thresholds: options.thresholds ?? DEFAULT_LIFECYCLE_THRESHOLDS, pAlive: options.pAlive ?? null });

/** Every 35 days up to 96 days ago: 4 purchases in 12 months, the example. */
const SLOWING = [201, 166, 131, 96];

describe('registered', () => {
  it('is a customer known for some days who never bought, since they became known', () => {
    expect(lifecycle(bought([], { knownSince: noon(TODAY - 40) }))).toEqual({ stage: 'registered', reason: 'Known for 40 days, no purchase yet.', since: isoNoon(40) });
  });

  it('says "since today" for a customer known today, and has no since without any touchpoint', () => {
    expect(lifecycle(bought([], { knownSince: noon(TODAY) })).reason).toBe('Known since today, no purchase yet.');
    expect(lifecycle(bought([], { knownSince: null }))).toEqual({ stage: 'registered', reason: 'No purchase yet.', since: null });
  });

  it('leaves out a purchase after now', () => {
    expect(lifecycle(bought([0], { knownSince: noon(TODAY - 3) }), { now: noon(TODAY) - 1 }).stage).toBe('registered');
  });
});

describe('firstPurchase', () => {
  it('is one purchase day, since that purchase', () => {
    expect(lifecycle(bought([12]))).toEqual({ stage: 'firstPurchase', reason: 'First purchase 12 days ago, none since.', since: isoNoon(12) });
  });

  it('counts two purchases on one day as one', () => {
    const history = bought([3]);
    const second = { ...history.purchases[0]!, at: history.purchases[0]!.at + 3_600_000 };
    expect(lifecycle({ ...history, purchases: [history.purchases[0]!, second] })).toEqual({ stage: 'firstPurchase', reason: 'First purchase 3 days ago, none since.', since: isoNoon(3) });
  });

  it('says today and yesterday in words', () => {
    expect(lifecycle(bought([0])).reason).toBe('First purchase today, none since.');
    expect(lifecycle(bought([1])).reason).toBe('First purchase yesterday, none since.');
  });

  it('lasts 364 days without another purchase; on the 365th the customer has lapsed, since the start of that day', () => {
    expect(lifecycle(bought([364])).stage).toBe('firstPurchase');
    expect(lifecycle(bought([365]))).toEqual({ stage: 'lapsed', reason: 'No purchase for 365 days (the last on 2025-02-16); 1 purchase in all.', since: isoMidnight(0) });
  });
});

describe('repeat', () => {
  it('is two purchase days or more, since the second', () => {
    expect(lifecycle(bought([100, 20]))).toEqual({ stage: 'repeat', reason: '2 purchases, the last 20 days ago; 2 in 12 months (4 make a frequent buyer).', since: isoNoon(20) });
  });

  it('stays repeat with 3 purchase days in 12 months, one short of frequent, since the second purchase', () => {
    expect(lifecycle(bought([200, 100, 50]))).toEqual({ stage: 'repeat', reason: '3 purchases, the last 50 days ago; 3 in 12 months (4 make a frequent buyer).', since: isoNoon(100) });
  });

  it('counts the frequent window up to the last purchase, both days included: 365 days before it is out', () => {
    // The last purchase 36 days ago; the window holds the days from 400 to 36 days ago.
    expect(lifecycle(bought([400, 300, 200, 36])).stage).toBe('frequent');
    expect(lifecycle(bought([401, 300, 200, 36])).stage).toBe('repeat');
  });

  it('begins again at the purchase that brings a lapsed customer back', () => {
    expect(lifecycle(bought([800, 700, 10]))).toEqual({ stage: 'repeat', reason: '3 purchases, the last 10 days ago; 1 in 12 months (4 make a frequent buyer).', since: isoNoon(10) });
  });
});

describe('frequent', () => {
  it('is 4 purchase days in the 12 months up to the last, since the fourth, with their usual gap', () => {
    expect(lifecycle(bought([90, 60, 30, 10]))).toEqual({ stage: 'frequent', reason: '4 purchases in 12 months, usually every 30 days; the last 10 days ago.', since: isoNoon(10) });
  });

  it('stays frequent from the purchase that made them so, through later purchases', () => {
    expect(lifecycle(bought([150, 120, 90, 60, 30, 5])).since).toBe(isoNoon(60));
  });

  it('takes the mean of the two middle gaps as the median of an even count', () => {
    expect(lifecycle(bought([100, 90, 70, 40, 0])).reason).toBe('5 purchases in 12 months, usually every 25 days; the last today.');
  });

  it('begins again at the first purchase after slowing down', () => {
    // Frequent every 30 days, then 100 days away (more than 2 × 30), then back every 30 days.
    expect(lifecycle(bought([300, 270, 240, 210, 110, 80, 50]))).toMatchObject({ stage: 'frequent', since: isoNoon(110) });
  });

  it('counts a gap of exactly the slowing threshold as slowing down in the past too: 35 days after gaps of 25, 10, 25, 10', () => {
    const thresholds = { ...DEFAULT_LIFECYCLE_THRESHOLDS, slowingMinGapDays: 0 };
    const now = noon(TODAY - 85 + 5);
    // Median 17.5: 35 days away was slowing down, so the stage began again 95 days ago; 34 days away was not.
    expect(lifecycle(bought([200, 175, 165, 140, 130, 95, 85]), { now, thresholds })).toMatchObject({ stage: 'frequent', since: isoNoon(95) });
    expect(lifecycle(bought([200, 175, 165, 140, 130, 96, 85]), { now, thresholds })).toMatchObject({ stage: 'frequent', since: isoNoon(140) });
  });

  it('stays frequent with a probability of being alive at the threshold, or without a model', () => {
    expect(lifecycle(bought([90, 60, 30, 10]), { pAlive: 0.5 }).stage).toBe('frequent');
    expect(lifecycle(bought([90, 60, 30, 10]), { pAlive: null }).stage).toBe('frequent');
  });
});

describe('slowingDown', () => {
  it('is a frequent buyer whose gap is 2 times their usual one, since the day it reached it', () => {
    expect(lifecycle(bought(SLOWING))).toEqual({
      stage: 'slowingDown',
      reason: '4 purchases in 12 months; none for 96 days, 2.7 times their usual gap of 35 days.',
      // The gap reached 70 days 26 days ago.
      since: isoMidnight(26),
    });
  });

  it('begins on the day the gap is exactly 2 times the usual one', () => {
    expect(lifecycle(bought([130, 100, 70, 40]), { now: noon(TODAY - 40 + 59) }).stage).toBe('frequent');
    expect(lifecycle(bought([130, 100, 70, 40]), { now: noon(TODAY - 40 + 60) })).toMatchObject({ stage: 'slowingDown', reason: '4 purchases in 12 months; none for 60 days, 2 times their usual gap of 30 days.' });
  });

  it('rounds a gap of 2 × a half-day median up to whole days: 17.5 days usual, slowing from 35', () => {
    const days = [120, 110, 85, 75, 50];
    // Gaps 10, 25, 10, 25: median 17.5; with a minimum gap of 0 the threshold is 35 days.
    const thresholds = { ...DEFAULT_LIFECYCLE_THRESHOLDS, slowingMinGapDays: 0 };
    expect(lifecycle(bought(days), { now: noon(TODAY - 50 + 34), thresholds }).stage).toBe('frequent');
    expect(lifecycle(bought(days), { now: noon(TODAY - 50 + 35), thresholds })).toMatchObject({
      stage: 'slowingDown',
      reason: '5 purchases in 12 months; none for 35 days, 2 times their usual gap of 17.5 days.',
    });
  });

  it('waits for a gap of 30 days at least: a weekly buyer away for 29 days is still frequent', () => {
    const weekly = [49, 42, 35, 28];
    expect(lifecycle(bought(weekly), { now: noon(TODAY - 28 + 29) }).stage).toBe('frequent');
    expect(lifecycle(bought(weekly), { now: noon(TODAY - 28 + 30) })).toMatchObject({ stage: 'slowingDown', reason: '4 purchases in 12 months; none for 30 days, 4.3 times their usual gap of 7 days.' });
  });

  it('is a frequent buyer whose probability of being alive is below the threshold, since a time the model does not say', () => {
    expect(lifecycle(bought([90, 60, 30, 10]), { pAlive: 0.3 })).toEqual({
      stage: 'slowingDown',
      reason: '4 purchases in 12 months, the last 10 days ago; a 30% chance they are still buying (below 50%).',
      since: null,
    });
  });

  it('leaves a buyer who was never frequent in repeat, whatever the model says', () => {
    expect(lifecycle(bought([200, 100]), { pAlive: 0.01 }).stage).toBe('repeat');
  });

  it('refuses a probability outside 0 to 1', () => {
    expect(() => lifecycle(bought([10]), { pAlive: 1.2 })).toThrow('pAlive must be a probability from 0 to 1, or null without a model; got 1.2.');
    expect(() => lifecycle(bought([10]), { pAlive: Number.NaN })).toThrow('pAlive must be a probability from 0 to 1, or null without a model; got NaN.');
  });
});

describe('lapsed', () => {
  it('is any buyer 365 days after the last purchase, frequent or slowing down ones too', () => {
    expect(lifecycle(bought([465, 435, 405, 365]))).toEqual({ stage: 'lapsed', reason: 'No purchase for 365 days (the last on 2025-02-16); 4 purchases in all.', since: isoMidnight(0) });
    expect(lifecycle(bought([465, 435, 405, 366])).since).toBe(isoMidnight(1));
  });

  it("begins at midnight on the retailer's clocks", () => {
    // Paris is at +1 in February: midnight is 23:00 UTC the day before.
    expect(lifecycle(bought([400], { timeZone: 'Europe/Paris' })).since).toBe(new Date((TODAY - 35) * DAY - 3_600_000).toISOString());
  });
});

describe('thresholds', () => {
  it('uses the configured ones, and writes a window that is not a whole year in days', () => {
    const thresholds: LifecycleThresholds = { frequentPurchases: 2, frequentWindowDays: 30, slowingGapRatio: 3, slowingMinGapDays: 0, slowingPAlive: 0.9, lapsedDays: 90 };
    expect(lifecycle(bought([20, 10]), { thresholds })).toEqual({ stage: 'frequent', reason: '2 purchases in 30 days, usually every 10 days; the last 10 days ago.', since: isoNoon(10) });
    expect(lifecycle(bought([40, 30]), { thresholds })).toMatchObject({ stage: 'slowingDown', reason: '2 purchases in 30 days; none for 30 days, 3 times their usual gap of 10 days.' });
    expect(lifecycle(bought([20, 10]), { thresholds, pAlive: 0.8 }).stage).toBe('slowingDown');
    expect(lifecycle(bought([90]), { thresholds }).stage).toBe('lapsed');
    expect(lifecycle(bought([60, 25]), { thresholds }).stage).toBe('repeat');
  });
});
