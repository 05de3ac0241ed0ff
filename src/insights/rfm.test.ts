import { describe, expect, it } from 'vitest';
import type { Purchase, PurchaseHistory } from './purchase-history.js';
import { customerRfm, percentile, rfmBreakpoints, rfmScore, rfmScores, type RfmSample } from './rfm.js';
import type { RfmBreakpoints } from './rfm-breakpoints.js';

const DAY = 86_400_000;
/** Noon UTC of a day (days since 1970-01-01). */
const noon = (day: number): number => day * DAY + 12 * 3_600_000;
const TODAY = 20_500;
const NOW = TODAY * DAY + 18 * 3_600_000;

/** A purchase `daysAgo` days before TODAY: [daysAgo, amount (null: another currency), refunded]. */
type P = [daysAgo: number, amount: number | null, refunded?: number];

function history(purchases: P[], returns: Array<[daysAgo: number, amount: number | null]> = [], currency: string | null = 'EUR'): PurchaseHistory {
  const toPurchase = ([ago, amount, refunded = 0]: P): Purchase => ({
    at: noon(TODAY - ago),
    day: TODAY - ago,
    kind: refunded > 0 ? 'onlineOrder' : 'storePurchase',
    amountThousandths: amount === null ? null : amount * 1000,
    refundedThousandths: amount === null ? null : refunded * 1000,
  });
  return {
    currency,
    timeZone: 'UTC',
    knownSince: null,
    purchases: [...purchases].sort((a, b) => b[0] - a[0]).map(toPurchase),
    returns: [...returns].sort((a, b) => b[0] - a[0]).map(([ago, amount]) => ({ at: noon(TODAY - ago), day: TODAY - ago, amountThousandths: amount === null ? null : amount * 1000 })),
    fullyRefundedOrders: 0,
    otherCurrencyTouchpoints: 0,
  };
}

const BREAKPOINTS: RfmBreakpoints = { recencyDays: [10, 30, 90, 180], frequency: [1, 1, 2, 4], monetary: [50, 100, 200, 400], windowDays: 365, currency: 'EUR' };

describe('customerRfm', () => {
  it('gives recency, frequency, net monetary and average order value over the window, and the scores', () => {
    // In the window: 200 (20 refunded), 100, 50 on days 3, 40 and 364 ago; minus a 30 return 10 days ago. Out: 500 on day 365 ago.
    const rfm = customerRfm(history([[365, 500], [364, 50], [40, 100], [3, 200, 20]], [[10, 30]]), NOW, { windowDays: 365, breakpoints: BREAKPOINTS });
    expect(rfm).toEqual({
      windowDays: 365,
      recencyDays: 3,
      lastPurchaseAt: '2026-02-13T12:00:00.000Z',
      frequency: 3,
      monetary: 300,
      averageOrderValue: 100,
      currency: 'EUR',
      otherCurrencyTouchpoints: 0,
      recencyScore: 5,
      frequencyScore: 4,
      monetaryScore: 4,
    });
  });

  it('takes a window of N days ending today: a purchase N-1 days ago is in it, one N days ago is not', () => {
    const purchases: P[] = [[30, 10], [29, 20], [0, 40]];
    expect(customerRfm(history(purchases), NOW, { windowDays: 30, breakpoints: null })).toMatchObject({ frequency: 2, monetary: 60 });
    expect(customerRfm(history(purchases), NOW, { windowDays: 1, breakpoints: null })).toMatchObject({ frequency: 1, monetary: 40 });
  });

  it('has no recency and no average order value for a customer who never bought; frequency and monetary are 0 and still scored', () => {
    expect(customerRfm(history([]), NOW, { windowDays: 365, breakpoints: BREAKPOINTS })).toEqual({
      windowDays: 365,
      recencyDays: null,
      lastPurchaseAt: null,
      frequency: 0,
      monetary: 0,
      averageOrderValue: null,
      currency: 'EUR',
      otherCurrencyTouchpoints: 0,
      recencyScore: null,
      frequencyScore: 1,
      monetaryScore: 1,
    });
  });

  it('counts a purchase in another currency in frequency, but not in monetary nor in the average order value', () => {
    const rfm = customerRfm(history([[5, null], [4, 90], [3, 30]], [[2, null]]), NOW, { windowDays: 365, breakpoints: null });
    expect(rfm).toMatchObject({ frequency: 3, monetary: 120, averageOrderValue: 60, otherCurrencyTouchpoints: 2 });
  });

  it('gives a negative monetary when a return in the window is of a purchase before it, and the average order value with it', () => {
    const rfm = customerRfm(history([[400, 300], [20, 40]], [[10, 100]]), NOW, { windowDays: 365, breakpoints: null });
    expect(rfm).toMatchObject({ frequency: 1, monetary: -60, averageOrderValue: -60, recencyDays: 20 });
  });

  it('leaves out what happened after now', () => {
    const rfm = customerRfm(history([[10, 40], [0, 60]], [[0, 40]]), noon(TODAY) - 1, { windowDays: 365, breakpoints: null });
    expect(rfm).toMatchObject({ recencyDays: 10, frequency: 1, monetary: 40 });
  });

  it('rounds the average order value to the thousandth', () => {
    expect(customerRfm(history([[3, 10], [2, 10], [1, 0.01]]), NOW, { windowDays: 365, breakpoints: null }).averageOrderValue).toBe(6.67);
  });
});

describe('rfmScores', () => {
  const figures = { windowDays: 365, recencyDays: 45, frequency: 3, monetary: 150, currency: 'EUR' };

  it('scores each dimension in its quintile, recency reversed', () => {
    expect(rfmScores(figures, BREAKPOINTS)).toEqual({ recencyScore: 3, frequencyScore: 4, monetaryScore: 3 });
  });

  it('gives no scores without breakpoints', () => {
    expect(rfmScores(figures, null)).toEqual({ recencyScore: null, frequencyScore: null, monetaryScore: null });
  });

  it('scores only recency against breakpoints of another window, and leaves monetary out against another currency', () => {
    expect(rfmScores({ ...figures, windowDays: 90 }, BREAKPOINTS)).toEqual({ recencyScore: 3, frequencyScore: null, monetaryScore: null });
    expect(rfmScores({ ...figures, currency: 'CHF' }, BREAKPOINTS)).toEqual({ recencyScore: 3, frequencyScore: 4, monetaryScore: null });
  });
});

describe('rfmScore', () => {
  it('puts a value on a breakpoint in the quintile below it, above the 80th percentile in the 5th', () => {
    expect([0, 50, 50.01, 100, 200, 399, 400, 401].map((v) => rfmScore(v, [50, 100, 200, 400], 'higherIsBetter'))).toEqual([1, 1, 2, 2, 3, 4, 4, 5]);
  });

  it('reverses the score when lower is better', () => {
    expect([0, 10, 11, 30, 90, 180, 181].map((v) => rfmScore(v, [10, 30, 90, 180], 'lowerIsBetter'))).toEqual([5, 5, 4, 4, 3, 2, 1]);
  });

  it('gives tied breakpoints one score: frequency 1 scores 1 when the 20th to 60th percentiles are 1', () => {
    expect([1, 2, 3].map((v) => rfmScore(v, [1, 1, 1, 2], 'higherIsBetter'))).toEqual([1, 4, 5]);
  });
});

describe('rfmBreakpoints', () => {
  const sample = (recencyDays: number | null, frequency: number, monetary: number, currency: string | null = 'EUR'): RfmSample => ({ windowDays: 365, recencyDays, frequency, monetary, currency });

  it('gives the 20th, 40th, 60th and 80th percentiles of the buyers in the currency', () => {
    const samples = [sample(1, 10, 1000), sample(5, 4, 400), sample(20, 2, 100), sample(60, 1, 50), sample(300, 0, 0), sample(null, 0, 0), sample(2, 50, 9999, 'CHF')];
    expect(rfmBreakpoints(samples, { windowDays: 365, currency: 'eur' })).toEqual({
      recencyDays: [4.2, 14, 36, 108],
      frequency: [0.8, 1.6, 2.8, 5.2],
      monetary: [40, 80, 220, 520],
      windowDays: 365,
      currency: 'EUR',
    });
  });

  it('refuses figures of another window, and a sample without a buyer', () => {
    expect(() => rfmBreakpoints([{ ...sample(1, 1, 1), windowDays: 90 }], { windowDays: 365, currency: 'EUR' })).toThrow(
      "RFM breakpoints over a 365-day window were given a customer's figures over 90 days: compute every sample with the same window.",
    );
    expect(() => rfmBreakpoints([sample(null, 0, 0)], { windowDays: 365, currency: 'EUR' })).toThrow(
      'RFM breakpoints need at least one customer who bought, in EUR or in no currency; the sample has none.',
    );
  });
});

describe('percentile', () => {
  it("interpolates between the closest ranks, as R's quantile type 7", () => {
    expect([0, 0.2, 0.5, 0.8, 1].map((q) => percentile([1, 2, 3, 4, 10], q))).toEqual([1, 1.8, 3, 5.2, 10]);
    expect(percentile([7], 0.4)).toBe(7);
  });
});
