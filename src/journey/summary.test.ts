import { describe, expect, it } from 'vitest';
import type { PurchaseLineRecord } from '../../connectors/types.js';
import type { Device } from '../generated/graphql.js';
import { JourneySummaryFold, preferredChannel, shopCurrencyOf, summarizeJourney, type JourneySummaryOptions } from './summary.js';
import type { TouchpointRecord } from './touchpoint.js';
import { storeLine, tp } from './fixtures/touchpoint.js';

// A small hand-made history of one customer, as plain touchpoints.



function shopLine(productId: string | null, quantity: number): PurchaseLineRecord {
  return { sku: null, name: 'x', quantity, unitPrice: 1, productId };
}

function till(id: string, occurredAt: string, kind: 'storePurchase' | 'storeReturn', amount: number, currency: string | null, store: string | null, items: PurchaseLineRecord[]): TouchpointRecord {
  return tp({ id: `loyalty:transaction:${id}`, occurredAt, kind, channel: 'store', source: 'loyalty', amount, currency, store, items });
}

function onlineOrder(id: string, occurredAt: string, amount: number, refunded: number, items: PurchaseLineRecord[], currency = 'EUR'): TouchpointRecord {
  return tp({ id: `commerce:order:${id}`, occurredAt, kind: 'onlineOrder', channel: 'web', source: 'commerce', amount, currency, items, refunded });
}

function visitOn(id: string, occurredAt: string, device: Device, kind: 'webVisit' | 'appVisit' | 'campaignVisit' = 'webVisit', channel: TouchpointRecord['channel'] = 'web'): TouchpointRecord {
  return tp({ id: `analytics:visit:${id}`, occurredAt, kind, channel, source: 'analytics', recordId: device.visitorId, device });
}

const phone: Device = { visitorId: 'aaaa000000000001', type: 'smartphone', operatingSystem: 'iOS', browser: 'Safari Mobile' };
const laptop: Device = { visitorId: 'bbbb000000000002', type: 'desktop', operatingSystem: 'Windows', browser: 'Chrome' };
const appInstall: Device = { visitorId: 'cccc000000000003', type: 'smartphone', operatingSystem: 'Android', browser: 'MyShop' };

const contactCreated = tp({ id: 'crm:contact:101:created', occurredAt: '2024-01-17T19:55:04.281Z', kind: 'accountCreated', channel: 'email', source: 'crm', sourceId: '101' });
const lastOrder = onlineOrder('4600', '2026-05-10T12:00:00.000Z', 40, 40, [shopLine('902', 1)]);

const history: TouchpointRecord[] = [
  contactCreated,
  tp({ id: 'loyalty:member:m1:created', occurredAt: '2024-02-03T10:00:00.000Z', kind: 'membershipCreated', channel: 'store', source: 'loyalty' }),
  till('t1', '2026-03-14T16:20:00.000Z', 'storePurchase', 111.9, 'EUR', 'Lyon Part-Dieu', [storeLine('shoes', 1), storeLine('socks', 2)]),
  till('t2', '2026-03-20T10:00:00.000Z', 'storePurchase', 50, 'EUR', 'Paris Opéra', [storeLine('shirts', 2)]),
  till('t3', '2026-03-25T10:00:00.000Z', 'storeReturn', 22, 'EUR', 'Lyon Part-Dieu', [storeLine('socks', -1), storeLine('hats', 1)]),
  till('t4', '2026-04-10T10:00:00.000Z', 'storePurchase', 30, 'EUR', 'Lyon Part-Dieu', [storeLine('socks', 1), storeLine('bags', 1), storeLine(null, 3)]),
  // Bought abroad: in francs, left out of the spend, its units still counted.
  till('t5', '2026-04-15T10:00:00.000Z', 'storePurchase', 100, 'CHF', 'Genève', [storeLine('shoes', 1)]),
  tp({ id: 'loyalty:redemption:rd1', occurredAt: '2026-04-20T10:00:00.000Z', kind: 'rewardRedeemed', channel: 'store', source: 'loyalty', store: 'Paris Opéra' }),
  // Partly refunded: 50 of 89 spent, the order counts as a return, its units are kept.
  onlineOrder('4501', '2026-05-02T09:15:00.000Z', 89, 39, [shopLine('901', 2), shopLine('902', 1), shopLine(null, 1)]),
  tp({ id: 'commerce:order:4501:code:WELCOME10', occurredAt: '2026-05-02T09:15:00.000Z', kind: 'discountCodeUsed', channel: 'web', source: 'commerce', sourceId: '4501', discountCodes: ['WELCOME10'] }),
  // Fully refunded: nothing spent, its units count as returned.
  lastOrder,
  visitOn('300', '2026-04-01T08:00:00.000Z', laptop, 'campaignVisit', 'email'),
  tp({ id: 'analytics:login:300', occurredAt: '2026-04-01T08:00:00.000Z', kind: 'deviceFirstLogin', channel: 'web', source: 'analytics', device: laptop }),
  visitOn('310', '2026-04-05T19:00:00.000Z', appInstall, 'appVisit', 'app'),
  visitOn('320', '2026-05-01T18:12:30.000Z', phone),
  // The phone's newest visit: its browser now is Chrome Mobile.
  visitOn('330', '2026-05-03T07:00:00.000Z', { ...phone, browser: 'Chrome Mobile' }),
];

const options: JourneySummaryOptions = { currency: 'EUR', categoryOf: (productId) => ({ '901': 't-shirts', '902': 'caps' })[productId] ?? null };

describe('summarizeJourney on a small history', () => {
  const summary = summarizeJourney(history, options);

  it('takes the oldest and the newest touchpoint', () => {
    expect(summary.firstTouchpoint).toBe(contactCreated);
    expect(summary.lastTouchpoint).toBe(lastOrder);
    expect(summary.touchpoints).toBe(16);
  });

  it('counts each channel with its last time, in the schema order of channels', () => {
    expect(summary.channels).toEqual([
      { channel: 'store', count: 7, lastAt: '2026-04-20T10:00:00.000Z' },
      { channel: 'web', count: 6, lastAt: '2026-05-10T12:00:00.000Z' },
      { channel: 'app', count: 1, lastAt: '2026-04-05T19:00:00.000Z' },
      { channel: 'email', count: 2, lastAt: '2026-04-01T08:00:00.000Z' },
    ]);
  });

  it('lists the devices most recently used first, each as its newest visit shows it, first logins not counted as visits', () => {
    expect(summary.devices).toEqual([
      { device: { ...phone, browser: 'Chrome Mobile' }, visits: 2, firstSeenAt: '2026-05-01T18:12:30.000Z', lastSeenAt: '2026-05-03T07:00:00.000Z' },
      { device: appInstall, visits: 1, firstSeenAt: '2026-04-05T19:00:00.000Z', lastSeenAt: '2026-04-05T19:00:00.000Z' },
      { device: laptop, visits: 1, firstSeenAt: '2026-04-01T08:00:00.000Z', lastSeenAt: '2026-04-01T08:00:00.000Z' },
    ]);
  });

  it('counts store purchases and online orders as purchases, store returns and refunded orders as returns', () => {
    expect([summary.purchases, summary.returns]).toEqual([6, 3]);
  });

  it('nets returns and refunds out of the spend in the shop currency, leaving the franc purchase out', () => {
    // 111.90 + 50 - 22 + 30 + (89 - 39) + (40 - 40)
    expect(summary.totalSpend).toBe(219.9);
    expect(summary.currency).toBe('EUR');
    expect(summary.otherCurrencyTouchpoints).toBe(1);
  });

  it('ranks categories by units bought minus returned, top 5, ties by name, leaving out what nets to nothing', () => {
    // shoes 1+1, socks 2-1+1, shirts 2, t-shirts 2 (partly refunded order), bags 1, caps 1 (the
    // fully refunded order's cap is returned), hats -1.
    expect(summary.favouriteCategories).toEqual([
      { category: 'shirts', units: 2 },
      { category: 'shoes', units: 2 },
      { category: 'socks', units: 2 },
      { category: 't-shirts', units: 2 },
      { category: 'bags', units: 1 },
    ]);
  });

  it('takes the store with the most store purchases', () => {
    expect(summary.favouriteStore).toBe('Lyon Part-Dieu');
  });

  it('gives the same figures whatever order the touchpoints come in', () => {
    const shuffled = [...history.slice(9), ...history.slice(0, 9).reverse()];
    expect(summarizeJourney(shuffled, options)).toEqual(summary);
  });

  it('folds pages as they come: a result in between, then the rest, gives the whole', () => {
    const fold = new JourneySummaryFold(options);
    for (const touchpoint of history.slice(0, 5)) fold.add(touchpoint);
    expect(fold.result()).toMatchObject({ touchpoints: 5, purchases: 2, returns: 1, totalSpend: 139.9 });
    for (const touchpoint of history.slice(5)) fold.add(touchpoint);
    expect(fold.result()).toEqual(summary);
  });
});

describe('summarizeJourney: edge cases', () => {
  it('answers an empty journey with zeros and nulls', () => {
    expect(summarizeJourney([], { currency: 'EUR' })).toEqual({
      firstTouchpoint: null,
      lastTouchpoint: null,
      touchpoints: 0,
      channels: [],
      devices: [],
      purchases: 0,
      returns: 0,
      totalSpend: 0,
      currency: 'EUR',
      otherCurrencyTouchpoints: 0,
      favouriteCategories: [],
      favouriteStore: null,
    });
  });

  it("takes the shop's currency from the orders (Shopify's Order.currency), not the account's last payment; the account's without orders", () => {
    const orders = [onlineOrder('1', '2026-01-01T00:00:00.000Z', 100, 0, []), onlineOrder('2', '2026-02-01T00:00:00.000Z', 100, 0, []), onlineOrder('3', '2026-03-01T00:00:00.000Z', 5, 0, [], 'usd')];
    expect(shopCurrencyOf(orders, 'USD')).toBe('EUR');
    expect(shopCurrencyOf([till('t', '2026-01-01T00:00:00.000Z', 'storePurchase', 10, 'EUR', null, [])], ' usd ')).toBe('USD');
    expect(shopCurrencyOf([], null)).toBeNull();
    expect(summarizeJourney(orders, { currency: shopCurrencyOf(orders, 'USD') })).toMatchObject({ totalSpend: 200, currency: 'EUR', otherCurrencyTouchpoints: 1 });
  });

  it('compares currencies in any case and answers the currency in upper case', () => {
    const summary = summarizeJourney([till('t1', '2026-01-01T00:00:00.000Z', 'storePurchase', 10, 'eur', null, [])], { currency: 'Eur' });
    expect([summary.totalSpend, summary.currency, summary.otherCurrencyTouchpoints]).toEqual([10, 'EUR', 0]);
  });

  it('leaves out an amount without currency and counts it as another currency', () => {
    const summary = summarizeJourney([till('t1', '2026-01-01T00:00:00.000Z', 'storePurchase', 10, null, null, [])], { currency: 'EUR' });
    expect([summary.totalSpend, summary.otherCurrencyTouchpoints]).toEqual([0, 1]);
  });

  it('takes the currency most purchases were in when the shop currency is unknown, ties by code', () => {
    const purchases = [
      till('t1', '2026-01-01T00:00:00.000Z', 'storePurchase', 10, 'CHF', null, []),
      till('t2', '2026-01-02T00:00:00.000Z', 'storePurchase', 20, 'EUR', null, []),
      till('t3', '2026-01-03T00:00:00.000Z', 'storePurchase', 30, 'EUR', null, []),
      till('t4', '2026-01-04T00:00:00.000Z', 'storePurchase', 40, 'USD', null, []),
    ];
    expect(summarizeJourney(purchases, { currency: null })).toMatchObject({ currency: 'EUR', totalSpend: 50, otherCurrencyTouchpoints: 2 });
    expect(summarizeJourney([purchases[3]!, purchases[0]!], { currency: null })).toMatchObject({ currency: 'CHF', totalSpend: 10, otherCurrencyTouchpoints: 1 });
    expect(summarizeJourney([contactCreated], { currency: null })).toMatchObject({ currency: null, totalSpend: 0 });
  });

  it('sums amounts without float drift', () => {
    // In floats, 8.03 + 0.1 is 8.129999999999999 (and 0.1 ten times is 0.9999999999999999).
    const purchases = [till('t1', '2026-01-01T00:00:00.000Z', 'storePurchase', 8.03, 'EUR', null, []), till('t2', '2026-01-02T00:00:00.000Z', 'storePurchase', 0.1, 'EUR', null, [])];
    expect(summarizeJourney(purchases, { currency: 'EUR' }).totalSpend).toBe(8.13);
    const dimes = Array.from({ length: 10 }, (_, i) => till(`t${i}`, '2026-01-01T00:00:00.000Z', 'storePurchase', 0.1, 'EUR', null, []));
    expect(summarizeJourney(dimes, { currency: 'EUR' }).totalSpend).toBe(1);
  });

  it('counts a weighed good (1.5 kg of cheese) as one unit of its category, bought and returned', () => {
    const bought = till('t1', '2026-01-01T00:00:00.000Z', 'storePurchase', 30, 'EUR', null, [storeLine('cheese', 1.5), storeLine('cheese', 2.25), storeLine('wine', 2)]);
    const returned = till('t2', '2026-01-02T00:00:00.000Z', 'storeReturn', 10, 'EUR', null, [storeLine('cheese', -0.5)]);
    expect(summarizeJourney([bought, returned], { currency: 'EUR' }).favouriteCategories).toEqual([
      { category: 'wine', units: 2 },
      { category: 'cheese', units: 1 },
    ]);
  });

  it('counts no category for shop lines without categoryOf', () => {
    expect(summarizeJourney([onlineOrder('1', '2026-01-01T00:00:00.000Z', 10, 0, [shopLine('901', 3)])], { currency: 'EUR' }).favouriteCategories).toEqual([]);
  });

  it('breaks a tie between stores by name', () => {
    const purchases = [
      till('t1', '2026-01-01T00:00:00.000Z', 'storePurchase', 1, 'EUR', 'Nantes', []),
      till('t2', '2026-01-02T00:00:00.000Z', 'storePurchase', 1, 'EUR', 'Lille', []),
      till('t3', '2026-01-03T00:00:00.000Z', 'storeReturn', 1, 'EUR', 'Nantes', []),
    ];
    expect(summarizeJourney(purchases, { currency: 'EUR' }).favouriteStore).toBe('Lille');
    expect(summarizeJourney(purchases.slice().reverse(), { currency: 'EUR' }).favouriteStore).toBe('Lille');
  });

  it('orders touchpoints at one instant by silo, then the silo id by number, then the id', () => {
    const at = '2026-02-01T12:00:00.000Z';
    const crm = tp({ id: 'crm:contact:9:created', occurredAt: at, kind: 'accountCreated', channel: 'email', source: 'crm' });
    const loyalty = till('t1', at, 'storePurchase', 1, 'EUR', null, []);
    const order9 = onlineOrder('9', at, 1, 0, []);
    const order10 = onlineOrder('10', at, 1, 0, []);
    const code = tp({ id: 'commerce:order:9:code:A', occurredAt: at, kind: 'discountCodeUsed', channel: 'web', source: 'commerce', sourceId: '9' });
    const visit = visitOn('1', at, phone);
    for (const touchpoints of [[visit, order10, code, order9, loyalty, crm], [crm, loyalty, order9, code, order10, visit]]) {
      const summary = summarizeJourney(touchpoints, { currency: 'EUR' });
      // Newest first: crm comes first in the journey, analytics last, so it is the oldest.
      expect(summary.lastTouchpoint).toBe(crm);
      expect(summary.firstTouchpoint).toBe(visit);
    }
    // Order 9 before order 10 (ids by number), an order before its code (ids by text).
    expect(summarizeJourney([order10, code, order9], { currency: 'EUR' })).toMatchObject({ lastTouchpoint: order9, firstTouchpoint: order10 });
    expect(summarizeJourney([code, order9], { currency: 'EUR' })).toMatchObject({ lastTouchpoint: order9, firstTouchpoint: code });
  });
});

describe('preferredChannel', () => {
  it('takes the channel with the most touchpoints, the most recently used on a tie, null without any', () => {
    const at = (day: number) => `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
    expect(preferredChannel([{ channel: 'web', count: 2, lastAt: at(9) }, { channel: 'store', count: 5, lastAt: at(1) }])).toBe('store');
    expect(preferredChannel([{ channel: 'web', count: 3, lastAt: at(2) }, { channel: 'app', count: 3, lastAt: at(7) }])).toBe('app');
    expect(preferredChannel([])).toBeNull();
  });
});
