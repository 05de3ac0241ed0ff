import { describe, expect, it } from 'vitest';
import type {
  AnalyticsVisitorRecord,
  CommerceCustomerRecord,
  CommerceOrderRecord,
  CrmContactRecord,
  LoyaltyMemberRecord,
  LoyaltyRedemptionRecord,
  LoyaltyTransactionRecord,
  VisitRecord,
} from '../../connectors/types.js';
import { STREAM_KINDS, type JourneyStream, type StreamEvents, type TouchpointRecord } from './touchpoint.js';
import { touchpointsOf } from './touchpoints.js';

// Plain silo events, as the connectors give them. Every record carries a name, an email and a
// phone, so that a summary that leaked one would show it.

function contact(fields: Partial<CrmContactRecord> = {}): CrmContactRecord {
  return {
    id: '101',
    email: 'anna.meyer@example.com',
    additionalEmails: [],
    firstName: 'Anna',
    lastName: 'Meyer',
    phone: '+33612345678',
    mergedContactIds: [],
    createdAt: '2024-01-17T19:55:04.281Z',
    ...fields,
  };
}

function member(fields: Partial<LoyaltyMemberRecord> = {}): LoyaltyMemberRecord {
  return {
    id: '6a1f0c2e-0000-4000-8000-000000000001',
    cardNumber: '40001234',
    email: 'anna.meyer@example.com',
    firstName: 'Anna',
    lastName: 'Meyer',
    phone: '+33612345678',
    active: true,
    createdAt: '2024-02-03T10:00:00.000Z',
    ...fields,
  };
}

function shopCustomer(fields: Partial<CommerceCustomerRecord> = {}): CommerceCustomerRecord {
  return {
    id: '7001',
    email: 'anna.meyer@example.com',
    firstName: 'Anna',
    lastName: 'Meyer',
    phone: '+33612345678',
    tags: [],
    createdAt: '2024-03-04T08:30:00.000Z',
    ...fields,
  };
}

function transaction(fields: Partial<LoyaltyTransactionRecord> = {}): StreamEvents['loyalty.transactions'] {
  return {
    id: '8f2c4e1a-0000-4000-8000-000000000010',
    documentNumber: 'R-2201',
    documentType: 'sell',
    purchasedAt: '2026-03-14T16:20:00.000Z',
    store: 'Lyon Part-Dieu',
    grossValue: 111.9,
    currency: 'EUR',
    lines: [
      { sku: 'SH-01', name: 'Running shoes', category: 'shoes', quantity: 1, unitPrice: 89.9 },
      { sku: 'SO-02', name: 'Socks', category: 'socks', quantity: 1, unitPrice: 22 },
    ],
    recordId: '6a1f0c2e-0000-4000-8000-000000000001',
    ...fields,
  };
}

function redemption(fields: Partial<LoyaltyRedemptionRecord> = {}): StreamEvents['loyalty.redemptions'] {
  return {
    id: '3c9d0000-0000-4000-8000-000000000020',
    redeemedAt: '2026-04-01T11:00:00.000Z',
    reward: { name: '10 EUR voucher', costInPoints: 500, couponCode: 'OL-7731' },
    store: 'Paris Opéra',
    recordId: '6a1f0c2e-0000-4000-8000-000000000001',
    ...fields,
  };
}

function order(fields: Partial<CommerceOrderRecord> = {}): StreamEvents['commerce.orders'] {
  return {
    id: '4501',
    name: '#1042',
    createdAt: '2026-05-02T09:15:00.000Z',
    totalPrice: 89,
    currency: 'EUR',
    financialStatus: 'paid',
    discountCodes: [],
    discounts: [],
    totalRefunded: 0,
    lines: [
      { sku: 'TS-1', name: 'T-shirt', quantity: 2, unitPrice: 25, productId: '901' },
      { sku: 'CP-1', name: 'Cap', quantity: 1, unitPrice: 39, productId: '902' },
    ],
    recordId: '7001',
    ...fields,
  };
}

function visit(fields: Partial<VisitRecord> = {}): StreamEvents['analytics.visits'] {
  return {
    id: '88120',
    startedAt: '2026-05-01T18:00:00.000Z',
    endedAt: '2026-05-01T18:12:30.000Z',
    inApp: false,
    campaign: null,
    campaignMedium: null,
    durationSeconds: 750,
    channel: 'direct',
    referrer: null,
    deviceType: 'smartphone',
    operatingSystem: 'iOS',
    browser: 'Safari Mobile',
    userId: '7001',
    pages: ['/', '/shoes', '/shoes/running', '/cart', '/checkout'].map((url, i) => ({ url, title: null, viewedAt: `2026-05-01T18:0${i}:00.000Z` })),
    productViews: [
      { sku: 'SH-01', name: 'Running shoes', category: 'shoes', viewedAt: '2026-05-01T18:02:00.000Z' },
      { sku: 'SH-02', name: 'Trail shoes', category: 'shoes', viewedAt: '2026-05-01T18:03:00.000Z' },
    ],
    recordId: 'a1b2c3d4e5f60718',
    ...fields,
  };
}

function visitor(visits: VisitRecord[]): AnalyticsVisitorRecord {
  return { id: 'a1b2c3d4e5f60718', userId: '7001', visitCount: visits.length, visits, firstLogins: [] };
}

const nothingElse = {
  amount: null,
  currency: null,
  items: [],
  store: null,
  financialStatus: null,
  discountCodes: [],
  reward: null,
  device: null,
  campaign: null,
  referrer: null,
  pagesViewed: [],
  productsViewed: [],
};

function only<S extends JourneyStream>(stream: S, event: StreamEvents[S]): TouchpointRecord {
  const touchpoints = touchpointsOf(stream, event);
  expect(touchpoints).toHaveLength(1);
  return touchpoints[0]!;
}

describe('touchpointsOf: a record created', () => {
  it('makes a CRM contact an accountCreated touchpoint on the email channel at its creation', () => {
    expect(touchpointsOf('crm.contacts', contact())).toEqual([
      {
        ...nothingElse,
        id: 'crm:contact:101:created',
        occurredAt: '2024-01-17T19:55:04.281Z',
        kind: 'accountCreated',
        channel: 'email',
        source: 'crm',
        sourceId: '101',
        recordId: '101',
        summary: 'Became a CRM contact',
      },
    ]);
  });

  it('makes a loyalty member a membershipCreated touchpoint in store', () => {
    expect(touchpointsOf('loyalty.members', member())).toEqual([
      {
        ...nothingElse,
        id: 'loyalty:member:6a1f0c2e-0000-4000-8000-000000000001:created',
        occurredAt: '2024-02-03T10:00:00.000Z',
        kind: 'membershipCreated',
        channel: 'store',
        source: 'loyalty',
        sourceId: '6a1f0c2e-0000-4000-8000-000000000001',
        recordId: '6a1f0c2e-0000-4000-8000-000000000001',
        summary: 'Joined the loyalty program',
      },
    ]);
  });

  it('makes a shop customer an accountCreated touchpoint on the web', () => {
    expect(touchpointsOf('commerce.customers', shopCustomer())).toEqual([
      {
        ...nothingElse,
        id: 'commerce:customer:7001:created',
        occurredAt: '2024-03-04T08:30:00.000Z',
        kind: 'accountCreated',
        channel: 'web',
        source: 'commerce',
        sourceId: '7001',
        recordId: '7001',
        summary: 'Created a shop account',
      },
    ]);
  });

  it('gives no touchpoint for a record without a creation date', () => {
    expect(touchpointsOf('crm.contacts', contact({ createdAt: null }))).toEqual([]);
    expect(touchpointsOf('loyalty.members', member({ createdAt: undefined }))).toEqual([]);
    expect(touchpointsOf('commerce.customers', shopCustomer({ createdAt: '' }))).toEqual([]);
  });
});

describe('touchpointsOf: store transactions', () => {
  it('makes a sell receipt a storePurchase with its amount, lines and store', () => {
    const event = transaction();
    expect(only('loyalty.transactions', event)).toEqual({
      ...nothingElse,
      id: 'loyalty:transaction:8f2c4e1a-0000-4000-8000-000000000010',
      occurredAt: '2026-03-14T16:20:00.000Z',
      kind: 'storePurchase',
      channel: 'store',
      source: 'loyalty',
      sourceId: '8f2c4e1a-0000-4000-8000-000000000010',
      recordId: '6a1f0c2e-0000-4000-8000-000000000001',
      summary: 'Bought 2 items in Lyon Part-Dieu for 111.90 EUR',
      amount: 111.9,
      currency: 'EUR',
      items: event.lines,
      store: 'Lyon Part-Dieu',
    });
  });

  it('makes a return receipt a storeReturn with a positive amount, in one item', () => {
    const touchpoint = only(
      'loyalty.transactions',
      transaction({ documentType: 'RETURN', grossValue: -29.9, lines: [{ sku: 'SO-02', name: 'Socks', category: 'socks', quantity: -1, unitPrice: 29.9 }] }),
    );
    expect([touchpoint.id, touchpoint.kind, touchpoint.channel, touchpoint.amount]).toEqual(['loyalty:transaction:8f2c4e1a-0000-4000-8000-000000000010', 'storeReturn', 'store', 29.9]);
    expect(touchpoint.summary).toBe('Returned 1 item in Lyon Part-Dieu for 29.90 EUR');
  });

  it('sums the line quantities: 3 units on two lines are 3 items', () => {
    const lines = [
      { sku: 'A', name: 'A', category: 'x', quantity: 2, unitPrice: 10 },
      { sku: 'B', name: 'B', category: 'x', quantity: 1, unitPrice: 5 },
    ];
    expect(only('loyalty.transactions', transaction({ lines, grossValue: 25 })).summary).toBe('Bought 3 items in Lyon Part-Dieu for 25.00 EUR');
  });

  it('counts a weighed good (1.5 kg) as one item, keeping its measure on the line', () => {
    const lines = [
      { sku: 'CH', name: 'Comté', category: 'cheese', quantity: 1.5, unitPrice: 20 },
      { sku: 'BR', name: 'Bread', category: 'bakery', quantity: 2, unitPrice: 1.5 },
    ];
    const touchpoint = only('loyalty.transactions', transaction({ lines, grossValue: 33 }));
    expect(touchpoint.summary).toBe('Bought 3 items in Lyon Part-Dieu for 33.00 EUR');
    expect(touchpoint.items.map((line) => line.quantity)).toEqual([1.5, 2]);
  });

  it('leaves out a missing store and says "a purchase" without lines, never "in null"', () => {
    expect(only('loyalty.transactions', transaction({ store: null })).summary).toBe('Bought 2 items for 111.90 EUR');
    expect(only('loyalty.transactions', transaction({ store: null, lines: [] })).summary).toBe('Made a purchase for 111.90 EUR');
    expect(only('loyalty.transactions', transaction({ documentType: 'return', lines: [], currency: null })).summary).toBe('Made a return in Lyon Part-Dieu for 111.90');
  });
});

describe('touchpointsOf: silo text in a summary line', () => {
  it('writes a store name as a clerk would: invisible marks and direction overrides dropped, spaces collapsed and trimmed', () => {
    const touchpoint = only('loyalty.transactions', transaction({ store: ' Paris\u202E  Opéra\u200B ' }));
    expect(touchpoint.store).toBe('Paris Opéra');
    expect(touchpoint.summary).toBe('Bought 2 items in Paris Opéra for 111.90 EUR');
    expect(only('loyalty.redemptions', redemption({ store: ' \u200B ' })).channel).toBe('app');
  });

  it('cuts a store name longer than 80 characters in the line, keeping it whole in `store`', () => {
    const long = 'Galeries '.repeat(100).trim();
    const touchpoint = only('loyalty.transactions', transaction({ store: long }));
    expect(touchpoint.store).toBe(long);
    expect(touchpoint.summary).toBe(`Bought 2 items in ${long.slice(0, 79)}… for 111.90 EUR`);
  });

  it("writes an amount with its currency's minor units: none for JPY, three for KWD, two for a code Intl does not know", () => {
    expect(only('loyalty.transactions', transaction({ grossValue: 1500, currency: 'JPY' })).summary).toBe('Bought 2 items in Lyon Part-Dieu for 1500 JPY');
    expect(only('loyalty.transactions', transaction({ grossValue: 12.345, currency: 'KWD' })).summary).toBe('Bought 2 items in Lyon Part-Dieu for 12.345 KWD');
    expect(only('loyalty.transactions', transaction({ grossValue: 12.3, currency: 'XQQ' })).summary).toBe('Bought 2 items in Lyon Part-Dieu for 12.30 XQQ');
  });
});

describe('touchpointsOf: loyalty rewards', () => {
  it('makes a redemption a rewardRedeemed touchpoint in store, with its reward', () => {
    expect(only('loyalty.redemptions', redemption())).toEqual({
      ...nothingElse,
      id: 'loyalty:redemption:3c9d0000-0000-4000-8000-000000000020',
      occurredAt: '2026-04-01T11:00:00.000Z',
      kind: 'rewardRedeemed',
      channel: 'store',
      source: 'loyalty',
      sourceId: '3c9d0000-0000-4000-8000-000000000020',
      recordId: '6a1f0c2e-0000-4000-8000-000000000001',
      summary: 'Redeemed 10 EUR voucher for 500 points in Paris Opéra',
      reward: { name: '10 EUR voucher', costInPoints: 500, couponCode: 'OL-7731' },
      store: 'Paris Opéra',
    });
  });

  it('says "1 point", leaves out an unknown store and puts a redemption without a till in the app channel', () => {
    const inApp = only('loyalty.redemptions', redemption({ store: null, reward: { name: 'Free coffee', costInPoints: 1, couponCode: null } }));
    expect([inApp.summary, inApp.channel]).toEqual(['Redeemed Free coffee for 1 point', 'app']);
  });
});

describe('touchpointsOf: online orders', () => {
  it('makes an order without codes one onlineOrder on the web, with its status and refund', () => {
    const event = order({ totalRefunded: 39 });
    expect(touchpointsOf('commerce.orders', event)).toEqual([
      {
        ...nothingElse,
        id: 'commerce:order:4501',
        occurredAt: '2026-05-02T09:15:00.000Z',
        kind: 'onlineOrder',
        channel: 'web',
        source: 'commerce',
        sourceId: '4501',
        recordId: '7001',
        summary: 'Ordered 3 items online for 89.00 EUR (paid)',
        amount: 89,
        currency: 'EUR',
        items: event.lines,
        financialStatus: 'paid',
        refunded: 39,
      },
    ]);
  });

  it('follows the order with one discountCodeUsed per code, at the same time', () => {
    const [placed, ...codes] = touchpointsOf('commerce.orders', order({ discountCodes: ['WELCOME10', 'FREESHIP'] }));
    expect(placed!.discountCodes).toEqual(['WELCOME10', 'FREESHIP']);
    expect(codes).toEqual([
      {
        ...nothingElse,
        id: 'commerce:order:4501:code:WELCOME10',
        occurredAt: '2026-05-02T09:15:00.000Z',
        kind: 'discountCodeUsed',
        channel: 'web',
        source: 'commerce',
        sourceId: '4501',
        recordId: '7001',
        summary: 'Used code WELCOME10 on order #1042',
        discountCodes: ['WELCOME10'],
      },
      {
        ...nothingElse,
        id: 'commerce:order:4501:code:FREESHIP',
        occurredAt: '2026-05-02T09:15:00.000Z',
        kind: 'discountCodeUsed',
        channel: 'web',
        source: 'commerce',
        sourceId: '4501',
        recordId: '7001',
        summary: 'Used code FREESHIP on order #1042',
        discountCodes: ['FREESHIP'],
      },
    ]);
  });

  it('gives a code the amount it took off, in the order currency, summed when the shop lists it twice', () => {
    const [, welcome, free] = touchpointsOf(
      'commerce.orders',
      order({
        discountCodes: ['WELCOME10', 'FREESHIP', 'WELCOME10'],
        discounts: [
          { code: 'WELCOME10', amount: 8.9, type: 'percentage' },
          { code: 'FREESHIP', amount: null, type: 'shipping' },
          { code: 'WELCOME10', amount: 0.1, type: 'percentage' },
        ],
      }),
    );
    expect([welcome!.amount, welcome!.currency, welcome!.summary]).toEqual([9, 'EUR', 'Used code WELCOME10 on order #1042, 9.00 EUR off']);
    expect([free!.amount, free!.currency, free!.summary]).toEqual([null, null, 'Used code FREESHIP on order #1042']);
  });

  it('encodes a code so that a colon in it cannot make two ids equal', () => {
    const withColon = touchpointsOf('commerce.orders', order({ discountCodes: ['A:code:B'] }));
    const twoCodes = touchpointsOf('commerce.orders', order({ discountCodes: ['A', 'B'] }));
    expect(withColon.map((t) => t.id)).toEqual(['commerce:order:4501', 'commerce:order:4501:code:A%3Acode%3AB']);
    expect(twoCodes.map((t) => t.id)).toEqual(['commerce:order:4501', 'commerce:order:4501:code:A', 'commerce:order:4501:code:B']);
    expect(withColon[1]!.summary).toBe('Used code A:code:B on order #1042');
  });

  it('encodes the silo id too, so that an order id cannot pose as another order and its code', () => {
    expect(touchpointsOf('commerce.orders', order({ id: '4501:code:X' }))[0]!.id).toBe('commerce:order:4501%3Acode%3AX');
  });

  it('makes one touchpoint of a code the order lists twice, and lists it once on the order', () => {
    const [placed, ...codes] = touchpointsOf('commerce.orders', order({ discountCodes: ['VIP20', 'VIP20'] }));
    expect([placed!.id, ...codes.map((t) => t.id)]).toEqual(['commerce:order:4501', 'commerce:order:4501:code:VIP20']);
    expect(placed!.discountCodes).toEqual(['VIP20']);
  });

  it('says the status in words, one item in the singular, and nothing of a missing status or lines', () => {
    const oneLine = [{ sku: 'CP-1', name: 'Cap', quantity: 1, unitPrice: 39, productId: '902' }];
    expect(only('commerce.orders', order({ financialStatus: 'partially_refunded', lines: oneLine, totalPrice: 39 })).summary).toBe(
      'Ordered 1 item online for 39.00 EUR (partially refunded)',
    );
    expect(only('commerce.orders', order({ financialStatus: null, lines: [] })).summary).toBe('Placed an order online for 89.00 EUR');
  });
});

describe('touchpointsOf: visits', () => {
  it('makes a website visit a webVisit with its device, pages and products, at its last action', () => {
    const event = visit({ referrer: 'google' });
    expect(only('analytics.visits', event)).toEqual({
      ...nothingElse,
      id: 'analytics:visit:88120',
      occurredAt: '2026-05-01T18:12:30.000Z',
      kind: 'webVisit',
      channel: 'web',
      source: 'analytics',
      sourceId: '88120',
      recordId: 'a1b2c3d4e5f60718',
      summary: 'Visited the website on a smartphone (iOS, Safari Mobile): 5 pages, 2 products viewed',
      device: { visitorId: 'a1b2c3d4e5f60718', type: 'smartphone', operatingSystem: 'iOS', browser: 'Safari Mobile' },
      referrer: 'google',
      pagesViewed: event.pages,
      productsViewed: event.productViews,
    });
  });

  it('makes an app visit an appVisit in the app, counting screens and leaving out the app as browser', () => {
    const touchpoint = only(
      'analytics.visits',
      visit({ inApp: true, operatingSystem: 'Android', browser: 'MyShop', pages: visit().pages.slice(0, 3), productViews: [] }),
    );
    expect([touchpoint.id, touchpoint.kind, touchpoint.channel]).toEqual(['analytics:visit:88120', 'appVisit', 'app']);
    expect(touchpoint.summary).toBe('Opened the app on a smartphone (Android): 3 screens');
  });

  it('makes a campaign visit a campaignVisit on the email channel when the medium is EMAIL, in any case', () => {
    const touchpoint = only('analytics.visits', visit({ campaign: 'black-friday', campaignMedium: 'EMAIL', referrer: 'black-friday' }));
    expect([touchpoint.id, touchpoint.kind, touchpoint.channel, touchpoint.campaign]).toEqual(['analytics:visit:88120', 'campaignVisit', 'email', 'black-friday']);
    expect(touchpoint.summary).toBe('Came to the website from the email campaign black-friday');
  });

  it('puts a campaign visit of another medium, or none, on the campaign channel, in the app too', () => {
    const social = only('analytics.visits', visit({ campaign: 'summer-sale', campaignMedium: 'social', inApp: true }));
    expect([social.kind, social.channel]).toEqual(['campaignVisit', 'campaign']);
    expect(social.summary).toBe('Came to the app from the social campaign summer-sale');
    const noMedium = only('analytics.visits', visit({ campaign: 'summer-sale', campaignMedium: null }));
    expect([noMedium.channel, noMedium.summary]).toEqual(['campaign', 'Came to the website from the campaign summer-sale']);
  });

  it('takes a blank campaign for no campaign', () => {
    expect(only('analytics.visits', visit({ campaign: '  ', campaignMedium: 'email' })).kind).toBe('webVisit');
  });

  it('says nothing of pages for a visit without any, and leaves out what the device does not tell', () => {
    expect(only('analytics.visits', visit({ pages: [], productViews: [], deviceType: 'desktop', operatingSystem: 'Windows', browser: 'Firefox' })).summary).toBe(
      'Visited the website on a desktop (Windows, Firefox)',
    );
    expect(only('analytics.visits', visit({ pages: visit().pages.slice(0, 1), productViews: visit().productViews.slice(0, 1), browser: null })).summary).toBe(
      'Visited the website on a smartphone (iOS): 1 page, 1 product viewed',
    );
    expect(only('analytics.visits', visit({ pages: [], productViews: [], deviceType: null, operatingSystem: null, browser: null })).summary).toBe('Visited the website');
    expect(only('analytics.visits', visit({ pages: [], productViews: [], deviceType: null, browser: null })).summary).toBe('Visited the website on a device (iOS)');
  });
});

describe('touchpointsOf: first logins', () => {
  const older = visit({ id: '500', endedAt: '2025-01-01T10:00:00.000Z', deviceType: 'desktop', operatingSystem: 'Windows', browser: 'Edge' });
  const newer = visit({ id: '900', endedAt: '2026-01-01T10:00:00.000Z', deviceType: 'desktop', operatingSystem: 'Windows', browser: 'Chrome' });

  it('makes a first login a deviceFirstLogin on the web, with the device of its newest visit', () => {
    const login = { userId: '7001', visitId: '700', at: '2025-06-01T09:00:00.000Z', inApp: false };
    expect(only('analytics.logins', { visitor: visitor([older, newer]), login })).toEqual({
      ...nothingElse,
      id: 'analytics:login:700',
      occurredAt: '2025-06-01T09:00:00.000Z',
      kind: 'deviceFirstLogin',
      channel: 'web',
      source: 'analytics',
      sourceId: '700',
      recordId: 'a1b2c3d4e5f60718',
      summary: 'Logged in for the first time on a desktop (Windows, Chrome)',
      device: { visitorId: 'a1b2c3d4e5f60718', type: 'desktop', operatingSystem: 'Windows', browser: 'Chrome' },
      // Not in the schema: which shop record it logged in as, for the journey's cursor.
      loggedInAs: '7001',
    });
  });

  it('puts a first login in the app on the app channel', () => {
    const appVisit = visit({ inApp: true, deviceType: 'smartphone', operatingSystem: 'iOS', browser: 'MyShop' });
    const touchpoint = only('analytics.logins', { visitor: visitor([appVisit]), login: { userId: '7001', visitId: '88120', at: '2026-05-01T18:12:30.000Z', inApp: true } });
    expect([touchpoint.id, touchpoint.kind, touchpoint.channel]).toEqual(['analytics:login:88120', 'deviceFirstLogin', 'app']);
    expect(touchpoint.summary).toBe('Logged in for the first time in the app on a smartphone (iOS)');
  });

  it('says only that it logged in when the visitor holds no visit to describe the device', () => {
    const touchpoint = only('analytics.logins', { visitor: visitor([]), login: { userId: '7001', visitId: '1', at: '2026-01-01T00:00:00.000Z', inApp: false } });
    expect(touchpoint.summary).toBe('Logged in for the first time');
    expect(touchpoint.device).toEqual({ visitorId: 'a1b2c3d4e5f60718', type: null, operatingSystem: null, browser: null });
  });
});

describe('touchpointsOf: every stream', () => {
  const samples: { [S in JourneyStream]: StreamEvents[S] } = {
    'crm.contacts': contact(),
    'loyalty.members': member(),
    'loyalty.transactions': transaction(),
    'loyalty.redemptions': redemption(),
    'commerce.customers': shopCustomer(),
    'commerce.orders': order({ discountCodes: ['WELCOME10'] }),
    'analytics.visits': visit({ campaign: 'newsletter', campaignMedium: 'email' }),
    'analytics.logins': { visitor: visitor([visit()]), login: { userId: '7001', visitId: '88120', at: '2026-05-01T18:12:30.000Z', inApp: false } },
  };
  const all = (Object.keys(samples) as JourneyStream[]).map((stream) => [stream, touchpointsOf(stream, samples[stream] as never)] as const);

  it('keeps each stream to the kinds and channels STREAM_KINDS gives it', () => {
    for (const [stream, touchpoints] of all) {
      for (const touchpoint of touchpoints) {
        expect(STREAM_KINDS[stream].kinds, `${stream} kind`).toContain(touchpoint.kind);
        expect(STREAM_KINDS[stream].channels, `${stream} channel`).toContain(touchpoint.channel);
      }
    }
  });

  it('never puts the records’ email, phone or names in a summary', () => {
    const summaries = all.flatMap(([, touchpoints]) => touchpoints.map((t) => t.summary));
    expect(summaries).toHaveLength(9);
    for (const summary of summaries) expect(summary).not.toMatch(/anna|meyer|example\.com|612345678/i);
  });

  it('gives every touchpoint its own id', () => {
    const ids = all.flatMap(([, touchpoints]) => touchpoints.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a stream outside the types by name', () => {
    expect(() => touchpointsOf('loyalty.points' as JourneyStream, contact() as never)).toThrow('Unhandled journey stream: loyalty.points');
  });
});
