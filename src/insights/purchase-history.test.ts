import { describe, expect, it } from 'vitest';
import { summarizeJourney } from '../journey/summary.js';
import type { TouchpointRecord } from '../journey/touchpoint.js';
import { bgNbdInputs, countAsOf, purchaseHistory, PurchaseHistoryFold } from './purchase-history.js';
import { tp } from '../journey/fixtures/touchpoint.js';


const till = (id: string, occurredAt: string, amount: number, currency: string | null = 'EUR', kind: 'storePurchase' | 'storeReturn' = 'storePurchase'): TouchpointRecord =>
  tp({ id: `loyalty:transaction:${id}`, occurredAt, kind, channel: 'store', source: 'loyalty', amount, currency });
const order = (id: string, occurredAt: string, amount: number, refunded = 0, currency = 'EUR'): TouchpointRecord =>
  tp({ id: `commerce:order:${id}`, occurredAt, kind: 'onlineOrder', channel: 'web', source: 'commerce', amount, currency, refunded });
const created = (id: string, occurredAt: string): TouchpointRecord => tp({ id: `crm:contact:${id}`, occurredAt, kind: 'accountCreated', channel: 'email', source: 'crm' });
const visit = (id: string, occurredAt: string): TouchpointRecord => tp({ id: `analytics:visit:${id}`, occurredAt, kind: 'webVisit', channel: 'web', source: 'analytics' });

const DAY = 86_400_000;
/** 2026-01-01T00:00:00Z is day 20454. */
const JAN_1 = Date.parse('2026-01-01T00:00:00Z');

describe('purchaseHistory', () => {
  const touchpoints = [
    visit('1', '2025-12-20T10:00:00Z'),
    created('9', '2026-01-01T09:00:00Z'),
    till('t1', '2026-01-05T10:00:00Z', 42.5),
    order('o1', '2026-01-20T12:00:00Z', 100, 30.1),
    order('o2', '2026-02-01T12:00:00Z', 50, 50),
    till('t2', '2026-02-10T10:00:00Z', 12.2, 'EUR', 'storeReturn'),
    till('t3', '2026-03-01T10:00:00Z', 80, 'CHF'),
    tp({ id: 'commerce:order:o3:code:WELCOME', occurredAt: '2026-01-20T12:00:00Z', kind: 'discountCodeUsed', channel: 'web', source: 'commerce', amount: 10, currency: 'EUR' }),
  ];

  it('keeps purchases and returns in time order, in thousandths of the shop currency, with their retailer days', () => {
    expect(purchaseHistory(touchpoints, { currency: 'eur' })).toEqual({
      currency: 'EUR',
      timeZone: 'UTC',
      knownSince: Date.parse('2026-01-01T09:00:00Z'),
      purchases: [
        { at: Date.parse('2026-01-05T10:00:00Z'), day: 20458, kind: 'storePurchase', amountThousandths: 42_500, refundedThousandths: 0 },
        { at: Date.parse('2026-01-20T12:00:00Z'), day: 20473, kind: 'onlineOrder', amountThousandths: 100_000, refundedThousandths: 30_100 },
        { at: Date.parse('2026-03-01T10:00:00Z'), day: 20513, kind: 'storePurchase', amountThousandths: null, refundedThousandths: null },
      ],
      returns: [{ at: Date.parse('2026-02-10T10:00:00Z'), day: 20494, amountThousandths: 12_200 }],
      fullyRefundedOrders: 1,
      otherCurrencyTouchpoints: 1,
    });
  });

  it("agrees with the journey summary: its net spend, and its purchases less the orders refunded in full", () => {
    const history = purchaseHistory(touchpoints, { currency: 'EUR' });
    const net = history.purchases.reduce((sum, p) => sum + (p.amountThousandths ?? 0) - (p.refundedThousandths ?? 0), 0) - history.returns.reduce((sum, r) => sum + (r.amountThousandths ?? 0), 0);
    const summary = summarizeJourney(touchpoints, { currency: 'EUR' });
    expect([net / 1000, summary.totalSpend]).toEqual([100.2, 100.2]);
    expect([history.purchases.length + history.fullyRefundedOrders, summary.purchases]).toEqual([4, 4]);
    expect([history.otherCurrencyTouchpoints, summary.otherCurrencyTouchpoints]).toEqual([1, 1]);
  });

  it('leaves out a voided order (cancelled before its payment was captured), as the journey summary does; a pending one counts', () => {
    const voided = { ...order('7', '2026-03-05T10:00:00Z', 40), financialStatus: 'voided' };
    const pending = { ...order('8', '2026-03-06T10:00:00Z', 25), financialStatus: 'pending' };
    const history = purchaseHistory([...touchpoints, voided, pending], { currency: 'EUR' });
    const summary = summarizeJourney([...touchpoints, voided, pending], { currency: 'EUR' });
    expect(history.purchases.map((p) => p.at)).not.toContain(Date.parse('2026-03-05T10:00:00Z'));
    expect(history.purchases.map((p) => p.at)).toContain(Date.parse('2026-03-06T10:00:00Z'));
    // 100.20 before, and the pending order's 25.
    expect([summary.totalSpend, summary.purchases]).toEqual([125.2, 5]);
  });

  it('gives the same history whatever order the touchpoints come in', () => {
    const fold = new PurchaseHistoryFold({ currency: 'EUR' });
    for (const touchpoint of [...touchpoints].reverse()) fold.add(touchpoint);
    expect(fold.result()).toEqual(purchaseHistory(touchpoints, { currency: 'EUR' }));
  });

  it('takes the currency most purchases, returns and orders were in when the shop currency is unknown, ties by code', () => {
    const history = purchaseHistory([till('a', '2026-01-05T10:00:00Z', 1, 'CHF'), till('b', '2026-01-06T10:00:00Z', 2, 'EUR'), order('c', '2026-01-07T10:00:00Z', 3, 0, 'CHF')], { currency: null });
    expect([history.currency, history.otherCurrencyTouchpoints]).toEqual(['CHF', 1]);
    const tie = purchaseHistory([till('a', '2026-01-05T10:00:00Z', 1, 'GBP'), till('b', '2026-01-06T10:00:00Z', 2, 'EUR')], { currency: null });
    expect(tie.currency).toBe('EUR');
  });

  it('counts a purchase without a currency as another currency, and has no currency when nothing had one', () => {
    const history = purchaseHistory([till('a', '2026-01-05T10:00:00Z', 5, null)], { currency: null });
    expect([history.currency, history.otherCurrencyTouchpoints, history.purchases[0]!.amountThousandths]).toEqual([null, 1, null]);
  });

  it('is known since the first purchase when a guest order came before the account, else since the first touchpoint, else never', () => {
    expect(purchaseHistory([order('o', '2025-06-01T00:00:00Z', 10), created('1', '2026-01-01T00:00:00Z')], { currency: 'EUR' }).knownSince).toBe(Date.parse('2025-06-01T00:00:00Z'));
    expect(purchaseHistory([visit('2', '2026-02-01T00:00:00Z'), visit('1', '2026-01-01T00:00:00Z')], { currency: 'EUR' }).knownSince).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(purchaseHistory([], { currency: 'EUR' }).knownSince).toBeNull();
  });

  it("places a purchase on the retailer's day: 23:30 UTC on 2026-01-05 is the 6th in Paris", () => {
    const history = purchaseHistory([till('a', '2026-01-05T23:30:00Z', 5)], { currency: 'EUR', timeZone: 'Europe/Paris' });
    expect([history.timeZone, history.purchases[0]!.day]).toEqual(['Europe/Paris', 20459]);
  });
});

describe('bgNbdInputs', () => {
  it('counts repeat purchase days (two on one day are one), in days from the first purchase', () => {
    const history = purchaseHistory(
      [
        till('a', '2026-01-05T10:00:00Z', 10),
        order('b', '2026-01-05T18:00:00Z', 20),
        till('c', '2026-02-04T10:00:00Z', 30),
        order('d', '2026-02-04T11:00:00Z', 20, 5),
        till('e', '2026-03-06T10:00:00Z', 45),
      ],
      { currency: 'EUR' },
    );
    // First day 2026-01-05, repeat days 2026-02-04 (30 + 20 - 5 = 45) and 2026-03-06 (45); now 2026-04-15.
    expect(bgNbdInputs(history, Date.parse('2026-04-15T08:00:00Z'))).toEqual({ x: 2, t_x: 60, T: 100, zbar: 45, zbarDays: 2 });
  });

  it('leaves out purchases after now, and the store returns from the spend', () => {
    const history = purchaseHistory(
      [till('a', '2026-01-05T10:00:00Z', 10), till('b', '2026-01-15T10:00:00Z', 30), till('r', '2026-01-15T12:00:00Z', 30, 'EUR', 'storeReturn'), till('c', '2026-01-25T10:00:00Z', 99)],
      { currency: 'EUR' },
    );
    expect(bgNbdInputs(history, Date.parse('2026-01-20T00:00:00Z'))).toEqual({ x: 1, t_x: 10, T: 15, zbar: 30, zbarDays: 1 });
  });

  it('has a zbar of 0 without repeat purchases, and no inputs without a purchase', () => {
    const history = purchaseHistory([till('a', '2026-01-05T10:00:00Z', 10)], { currency: 'EUR' });
    expect(bgNbdInputs(history, Date.parse('2026-01-05T10:00:00Z'))).toEqual({ x: 0, t_x: 0, T: 0, zbar: 0, zbarDays: 0 });
    expect(bgNbdInputs(history, Date.parse('2026-01-05T09:59:59Z'))).toBeNull();
    expect(bgNbdInputs(purchaseHistory([created('1', '2026-01-01T00:00:00Z')], { currency: 'EUR' }), JAN_1 + DAY)).toBeNull();
  });

  it('counts a repeat day with a purchase in another currency in x but not in zbar', () => {
    const history = purchaseHistory(
      [till('a', '2026-01-05T10:00:00Z', 10), till('b', '2026-01-06T10:00:00Z', 20), till('c', '2026-01-07T10:00:00Z', 5, 'CHF'), till('d', '2026-01-07T11:00:00Z', 7)],
      { currency: 'EUR' },
    );
    expect(bgNbdInputs(history, Date.parse('2026-01-10T00:00:00Z'))).toEqual({ x: 2, t_x: 2, T: 5, zbar: 20, zbarDays: 1 });
  });

  it('does not count a fully refunded order as a purchase', () => {
    const history = purchaseHistory([till('a', '2026-01-05T10:00:00Z', 10), order('b', '2026-01-06T10:00:00Z', 20, 20)], { currency: 'EUR' });
    expect(bgNbdInputs(history, Date.parse('2026-01-10T00:00:00Z'))).toEqual({ x: 0, t_x: 0, T: 5, zbar: 0, zbarDays: 0 });
  });

  it("counts days on the retailer's clocks", () => {
    // 16:00 UTC on 2026-01-05 and 08:00 UTC on 2026-01-06 are both 2026-01-06 in Tokyo (+9), and two days in UTC.
    const touchpoints = [till('a', '2026-01-05T16:00:00Z', 10), till('b', '2026-01-06T08:00:00Z', 20)];
    expect(bgNbdInputs(purchaseHistory(touchpoints, { currency: 'EUR', timeZone: 'Asia/Tokyo' }), Date.parse('2026-01-06T09:00:00Z'))!.x).toBe(0);
    expect(bgNbdInputs(purchaseHistory(touchpoints, { currency: 'EUR' }), Date.parse('2026-01-06T09:00:00Z'))!.x).toBe(1);
  });
});

describe('countAsOf', () => {
  it('counts the events at or before an instant', () => {
    const events = [{ at: 1 }, { at: 2 }, { at: 2 }, { at: 5 }];
    expect([0, 1, 2, 4, 5, 9].map((now) => countAsOf(events, now))).toEqual([0, 1, 3, 3, 4, 4]);
  });
});
