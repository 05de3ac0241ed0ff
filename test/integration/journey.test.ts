/**
 * The customer journey through real HTTP: one person seen in store, on two devices (one anonymous
 * first), online with a discount code and in the app, merged in the right order; filters; paging;
 * a silo that fails; and the cursor abuse cases.
 */
import { describe, expect, it } from 'vitest';
import type { Population } from '../../connectors/population.js';
import type { Source } from '../../src/generated/graphql.js';
import { PopulationEdit } from '../support/population-edit.js';
import { useStack } from '../support/stack.js';

const EMAIL = 'lea.journey@example.com';
const SHOP_ID = 880001;
const MEMBER_ID = '0b1e0000-0000-4000-8000-00000000a001';
const DESKTOP = 'aaaa000000000001';
const PHONE_APP = 'bbbb000000000002';
const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * Léa: a CRM contact, a loyalty member who bought and returned in Lyon, a shop account with an
 * order that used WELCOME10, a desktop that browsed anonymously before she logged in on it, the
 * app on her phone opened from an email campaign, and a reward redeemed in store.
 */
function withLea(population: Population): Population {
  const edit = new PopulationEdit(population);
  edit.population.analytics.appSiteId = 2;
  const contact = edit.contact({ email: EMAIL, firstname: 'Léa', lastname: 'Journey' }, { createdAt: '2026-01-05T09:00:00.000Z', id: '900001' });
  const member = edit.member({ customerId: MEMBER_ID, email: EMAIL, firstName: 'Léa', lastName: 'Journey', loyaltyCardNumber: 'JRN0001', createdAt: '2026-01-10T10:00:00.000Z' });
  const shop = edit.shopCustomer({ id: SHOP_ID, email: EMAIL, first_name: 'Léa', last_name: 'Journey', created_at: '2026-02-01T12:00:00.000Z', currency: 'EUR' });
  const { loyalty, commerce, analytics } = edit.population;
  loyalty.transactions.push(
    {
      transactionId: 'c0ffee00-0000-4000-8000-000000000001',
      customerId: MEMBER_ID,
      header: { documentNumber: 'LY-1', documentType: 'sell', purchasedAt: '2026-01-10T10:30:00.000Z', purchasePlace: 'Lyon Part-Dieu' },
      items: [
        { sku: { code: 'JK-1' }, name: 'Rain jacket', quantity: 1, grossValue: 59.9, category: 'outerwear', maker: null },
        { sku: { code: 'SK-2' }, name: 'Wool socks', quantity: 2, grossValue: 52, category: 'socks', maker: null },
      ],
      grossValue: 111.9,
      currency: 'EUR',
    },
    {
      transactionId: 'c0ffee00-0000-4000-8000-000000000002',
      customerId: MEMBER_ID,
      // At the very instant the desktop's anonymous visit ended: a tie across silos, which paging
      // one at a time must cross without losing or repeating either.
      header: { documentNumber: 'LY-2', documentType: 'return', purchasedAt: '2026-01-25T20:02:00.000Z', purchasePlace: 'Lyon Part-Dieu' },
      items: [{ sku: { code: 'SK-2' }, name: 'Wool socks', quantity: 1, grossValue: 26, category: 'socks', maker: null }],
      grossValue: 26,
      currency: 'EUR',
    },
  );
  (loyalty.redemptions ??= []).push({
    issuedRewardId: 'da7e0000-0000-4000-8000-000000000001',
    customerId: MEMBER_ID,
    rewardId: 'reward-10eur',
    name: '10 EUR voucher',
    costInPoints: 500,
    redemptionDate: '2026-02-15T11:00:00.000Z',
    status: 'fulfilled',
    issuedCoupon: { code: 'VCH-10-0001' },
    purchasePlace: 'Lyon Part-Dieu',
  });
  const productId = commerce.products[0]!.id;
  commerce.orders.push({
    id: 990001,
    name: '#9001',
    email: EMAIL,
    created_at: '2026-02-03T18:00:00.000Z',
    processed_at: '2026-02-03T18:00:00.000Z',
    total_price: '89.00',
    currency: 'EUR',
    financial_status: 'paid',
    customer: { id: SHOP_ID },
    line_items: [{ id: 7700001, product_id: productId, title: 'Trail shoes', quantity: 1, price: '99.00', sku: 'TS-1' }],
    discount_codes: [{ code: 'WELCOME10', amount: '10.00', type: 'fixed_amount' }],
  });
  const visit = (idVisit: number, visitorId: string, userId: string | null, end: string, extra: Partial<Population['analytics']['visits'][number]>) =>
    analytics.visits.push({
      idVisit,
      visitorId,
      userId,
      firstActionTimestamp: seconds(end) - 120,
      lastActionTimestamp: seconds(end),
      visitDuration: 120,
      deviceType: 'desktop',
      operatingSystem: 'Windows',
      browserName: 'Firefox',
      referrerType: 'direct',
      referrerName: null,
      actionDetails: [{ type: 'action', url: 'https://shop.example/', pageTitle: 'Home', timestamp: seconds(end) - 120 }],
      ...extra,
    });
  visit(9900001, DESKTOP, null, '2026-01-25T20:02:00.000Z', {});
  // The site sent the shop id padded on this visit, as some do: still her first login there.
  visit(9900002, DESKTOP, ` ${SHOP_ID}`, '2026-02-01T12:10:00.000Z', {});
  visit(9900003, PHONE_APP, String(SHOP_ID), '2026-02-10T08:05:00.000Z', {
    idSite: 2,
    deviceType: 'smartphone',
    operatingSystem: 'iOS',
    browserName: 'Maison Cassel',
    referrerType: 'campaign',
    referrerName: 'newsletter-2026-02',
    campaignName: 'newsletter-2026-02',
    campaignSource: 'newsletter',
    campaignMedium: 'email',
  });
  edit.person([contact, member, shop, { source: 'analytics', id: DESKTOP }, { source: 'analytics', id: PHONE_APP }]);
  withMarc(edit);
  return edit.population;
}

const MARC_EMAIL = 'marc.two-cards@example.com';

/**
 * Marc: two loyalty memberships, one with his email (found directly), one with only the phone of
 * his CRM contact (found only through the CRM; his full name on each lets the phone link a second
 * membership), each with store purchases on both sides of the other's.
 */
function withMarc(edit: PopulationEdit): void {
  const contact = edit.contact({ email: MARC_EMAIL, phone: '+33677889900', firstname: 'Marc', lastname: 'Deux' }, { createdAt: '2026-01-02T09:00:00.000Z' });
  const byEmail = edit.member({ customerId: '0b1e0000-0000-4000-8000-00000000b001', email: MARC_EMAIL, firstName: 'Marc', lastName: 'Deux', createdAt: '2026-01-15T10:00:00.000Z' });
  const byPhone = edit.member({ customerId: '0b1e0000-0000-4000-8000-00000000b002', phone: '+33677889900', firstName: 'Marc', lastName: 'Deux', createdAt: '2026-01-20T10:00:00.000Z' });
  const receipt = (n: number, memberId: string, purchasedAt: string) =>
    edit.population.loyalty.transactions.push({
      transactionId: `c0ffee00-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
      customerId: memberId,
      header: { documentNumber: `MC-${n}`, documentType: 'sell', purchasedAt, purchasePlace: 'Lille Euralille' },
      items: [{ sku: { code: `MC-${n}` }, name: 'Scarf', quantity: 1, grossValue: 30, category: 'accessories', maker: null }],
      grossValue: 30,
      currency: 'EUR',
    });
  receipt(1, byEmail.id, '2026-05-10T10:00:00.000Z');
  receipt(2, byEmail.id, '2026-03-10T10:00:00.000Z');
  receipt(3, byPhone.id, '2026-06-10T10:00:00.000Z');
  receipt(4, byPhone.id, '2026-04-10T10:00:00.000Z');
  receipt(5, byPhone.id, '2026-02-10T10:00:00.000Z');
  edit.person([contact, byEmail, byPhone]);
  withNina(edit);
  withAnneAndBob(edit);
  withFamilyTablet(edit);
  // Chloé last paid in dollars in this euro shop: Shopify's customer `currency` says USD, her orders EUR.
  const chloe = edit.shopCustomer({ id: 883001, email: CHLOE_EMAIL, currency: 'USD' });
  paidOrder(edit, { id: 8830011, customer: 883001, at: '2026-03-01T10:00:00.000Z', price: '100.00', title: 'Coat' });
  paidOrder(edit, { id: 8830012, customer: 883001, at: '2026-04-01T10:00:00.000Z', price: '100.00', title: 'Coat' });
  edit.person([chloe]);
}

/** A paid online order of one line of the shop's first product, in euros. */
function paidOrder(edit: PopulationEdit, order: { id: number; customer: number; at: string; price: string; title: string }): void {
  const { id, customer, at, price, title } = order;
  edit.population.commerce.orders.push({
    id,
    name: `#${id}`,
    email: null,
    created_at: at,
    processed_at: at,
    total_price: price,
    currency: 'EUR',
    financial_status: 'paid',
    customer: { id: customer },
    line_items: [{ id: id * 10, product_id: edit.population.commerce.products[0]!.id, title, quantity: 1, price, sku: `SKU-${id}` }],
    discount_codes: [],
  });
}

const CHLOE_EMAIL = 'chloe.dollars@example.com';

const ALICE_EMAIL = 'alice.family-tablet@example.com';

/** Alice's tablet, on which her partner Bob once logged in to the shop as himself. */
function withFamilyTablet(edit: PopulationEdit): void {
  const alice = edit.shopCustomer({ id: 884001, email: ALICE_EMAIL, first_name: 'Alice', last_name: 'Six' });
  const bob = edit.shopCustomer({ id: 884002, email: 'bob.family-tablet@example.com', first_name: 'Bob', last_name: 'Six' });
  // 2025-06-01 to 06-03 as Alice, 06-04 as Bob (the helper's days follow its creation date).
  const tablet = edit.visitor('dddd000000000001', ['884001', '884001', '884001', '884002']);
  edit.person([alice, tablet]);
  edit.person([bob]);
  // A device alone, logged in on two visits as a shop account nobody has any more.
  edit.person([edit.visitor(LONE_DEVICE, [null, '770099', '770099'])]);
}

const LONE_DEVICE = 'eeee000000000005';

const NINA_EMAIL = 'nina.two-shops@example.com';

/**
 * Nina: a shop account with her email (found directly) and one with only her CRM contact's phone
 * (found only through the CRM), each with an order; one device that visited logged in as the
 * first account twice, then as the second.
 */
function withNina(edit: PopulationEdit): void {
  const contact = edit.contact({ email: NINA_EMAIL, phone: '+33611223355', firstname: 'Nina', lastname: 'Trois' });
  const byEmail = edit.shopCustomer({ id: 770001, email: NINA_EMAIL, first_name: 'Nina', last_name: 'Trois' });
  const byPhone = edit.shopCustomer({ id: 770002, phone: '+33611223355', first_name: 'Nina', last_name: 'Trois' });
  paidOrder(edit, { id: 7700011, customer: 770001, at: '2025-07-01T10:00:00.000Z', price: '20.00', title: 'Cap' });
  paidOrder(edit, { id: 7700021, customer: 770002, at: '2025-06-20T10:00:00.000Z', price: '20.00', title: 'Cap' });
  // Visits of 2025-06-01 and 06-02 as the first account, 06-03 as the second (the helper's days follow its creation date).
  const device = edit.visitor('cccc000000000003', ['770001', '770001', '770002']);
  edit.person([contact, byEmail, byPhone, device]);
}

/**
 * Anne (a CRM contact) and Bob (a shop account) share a mobile number; a loyalty member with that
 * number and no name is neither's once every silo answers (the phone is a weak link, and it
 * joins no customer with two people behind it), but with the shop down it joins Anne's
 * provisional customer.
 */
function withAnneAndBob(edit: PopulationEdit): void {
  const phone = '+33622334466';
  edit.person([edit.contact({ email: 'anne.shared-phone@example.com', phone, firstname: 'Anne', lastname: 'Cinq' }, { id: '900077', createdAt: '2025-01-01T09:00:00.000Z' })]);
  edit.person([edit.shopCustomer({ id: 770101, email: 'bob.shared-phone@example.com', phone, first_name: 'Bob', last_name: 'Quatre' })]);
  const member = edit.member({ customerId: '0b1e0000-0000-4000-8000-00000000c001', phone, createdAt: '2025-01-05T10:00:00.000Z' });
  edit.population.loyalty.transactions.push({
    transactionId: 'c0ffee00-0000-4000-8000-000000000301',
    customerId: member.id,
    header: { documentNumber: 'AB-1', documentType: 'sell', purchasedAt: '2025-03-10T10:00:00.000Z', purchasePlace: 'Lyon Part-Dieu' },
    items: [{ sku: { code: 'AB-1' }, name: 'Gloves', quantity: 1, grossValue: 25, category: 'accessories', maker: null }],
    grossValue: 25,
    currency: 'EUR',
  });
  edit.person([member]);
}

const stack = useStack({ size: 120, prepare: withLea });

interface Edge {
  cursor: string;
  node: { id: string; occurredAt: string; kind: string; channel: string; source: Source; sourceId: string; recordId: string; summary: string };
}
interface Connection {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  partial: boolean;
  unavailableSources: Source[];
}

const JOURNEY = `query ($id: ID!, $first: Int, $after: String, $filter: JourneyFilter) {
  customer(id: $id) { id journey(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id occurredAt kind channel source sourceId recordId summary } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } partial unavailableSources } } }`;

async function journey(variables: Record<string, unknown>) {
  const { status, body } = await stack.query(JOURNEY, { id: `email:${EMAIL}`, ...variables });
  expect(status).toBe(200);
  return { body, connection: (body.data?.customer as { journey: Connection | null } | null)?.journey ?? null };
}

const lines = (connection: Connection | null) => connection!.edges.map((e) => `${e.node.occurredAt} ${e.node.kind} ${e.node.channel} ${e.node.source}`);

const LEA_JOURNEY = [
  '2026-02-15T11:00:00.000Z rewardRedeemed store loyalty',
  // At one instant and in one silo, by event id, then by touchpoint id (`analytics:login:…` first).
  '2026-02-10T08:05:00.000Z deviceFirstLogin app analytics',
  '2026-02-10T08:05:00.000Z campaignVisit email analytics',
  '2026-02-03T18:00:00.000Z onlineOrder web commerce',
  '2026-02-03T18:00:00.000Z discountCodeUsed web commerce',
  '2026-02-01T12:10:00.000Z deviceFirstLogin web analytics',
  '2026-02-01T12:10:00.000Z webVisit web analytics',
  '2026-02-01T12:00:00.000Z accountCreated web commerce',
  '2026-01-25T20:02:00.000Z storeReturn store loyalty',
  '2026-01-25T20:02:00.000Z webVisit web analytics',
  '2026-01-10T10:30:00.000Z storePurchase store loyalty',
  '2026-01-10T10:00:00.000Z membershipCreated store loyalty',
  '2026-01-05T09:00:00.000Z accountCreated email crm',
];

const SUMMARY = `query ($id: ID!) { customer(id: $id) {
  journey(first: 20) { edges { node { id } } }
  journeySummary { touchpoints purchases returns totalSpend currency otherCurrencyTouchpoints favouriteStore
    firstTouchpoint { kind occurredAt } lastTouchpoint { kind occurredAt }
    channels { channel count lastAt } devices { device { visitorId type } visits firstSeenAt lastSeenAt }
    favouriteCategories { category units } partial unavailableSources } } }`;

describe('Customer.journeySummary', () => {
  it('sums the whole history: spend net of the return in the shop currency, channels, devices, categories, store', async () => {
    const { status, body } = await stack.query(SUMMARY, { id: `email:${EMAIL}` });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const shopCategory = stack.population.commerce.products[0]!.product_type;
    const summary = (body.data!.customer as { journeySummary: Record<string, unknown> }).journeySummary;
    expect(summary).toMatchObject({
      touchpoints: 13,
      purchases: 2,
      returns: 1,
      totalSpend: 174.9,
      currency: 'EUR',
      otherCurrencyTouchpoints: 0,
      favouriteStore: 'Lyon Part-Dieu',
      firstTouchpoint: { kind: 'accountCreated', occurredAt: '2026-01-05T09:00:00.000Z' },
      lastTouchpoint: { kind: 'rewardRedeemed', occurredAt: '2026-02-15T11:00:00.000Z' },
      channels: [
        { channel: 'store', count: 4, lastAt: '2026-02-15T11:00:00.000Z' },
        { channel: 'web', count: 6, lastAt: '2026-02-03T18:00:00.000Z' },
        { channel: 'app', count: 1, lastAt: '2026-02-10T08:05:00.000Z' },
        { channel: 'email', count: 2, lastAt: '2026-02-10T08:05:00.000Z' },
      ],
      devices: [
        { device: { visitorId: PHONE_APP, type: 'smartphone' }, visits: 1, firstSeenAt: '2026-02-10T08:05:00.000Z', lastSeenAt: '2026-02-10T08:05:00.000Z' },
        { device: { visitorId: DESKTOP, type: 'desktop' }, visits: 2, firstSeenAt: '2026-01-25T20:02:00.000Z', lastSeenAt: '2026-02-01T12:10:00.000Z' },
      ],
      partial: false,
      unavailableSources: [],
    });
    expect(summary.favouriteCategories).toEqual(
      [{ category: 'outerwear', units: 1 }, { category: 'socks', units: 1 }, { category: shopCategory, units: 1 }].sort((a, b) => a.category.localeCompare(b.category)),
    );
  });

  it("counts spend in the shop's currency, that of the orders, not the account's last payment", async () => {
    const { body } = await stack.query(`query ($id: ID!) { customer(id: $id) { journeySummary { purchases totalSpend currency otherCurrencyTouchpoints partial } } }`, { id: `email:${CHLOE_EMAIL}` });
    expect(body.errors).toBeUndefined();
    expect((body.data!.customer as { journeySummary: unknown }).journeySummary).toEqual({ purchases: 2, totalSpend: 200, currency: 'EUR', otherCurrencyTouchpoints: 0, partial: false });
  });

  it("says partial, naming the shop, when the products' categories cannot be read; spend and counts stand", async () => {
    stack.demo.simulators.commerce.setRouteFault('products.list', { kind: 'error', status: 500 });
    try {
      const { body } = await stack.query(SUMMARY, { id: `email:${EMAIL}` });
      const summary = (body.data!.customer as { journeySummary: Record<string, unknown> }).journeySummary;
      expect(summary).toMatchObject({ purchases: 2, returns: 1, totalSpend: 174.9, partial: true, unavailableSources: ['commerce'] });
      // The shop order's line is in no category; the store's lines still are.
      expect(summary.favouriteCategories).toEqual([{ category: 'outerwear', units: 1 }, { category: 'socks', units: 1 }]);
      expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.source])).toEqual([['SOURCE_UNAVAILABLE', 'commerce']]);
    } finally {
      stack.demo.simulators.commerce.setRouteFault('products.list', null);
    }
  });

  it('reads each history once when the first page and the summary are asked together', async () => {
    await stack.query(SUMMARY, { id: `email:${EMAIL}` });
    for (const source of ['crm', 'loyalty', 'commerce', 'analytics'] as const) stack.demo.simulators[source].resetStats();
    await stack.query(SUMMARY, { id: `email:${EMAIL}` });
    const calls = Object.fromEntries((['crm', 'loyalty', 'commerce', 'analytics'] as const).map((s) => [s, stack.demo.simulators[s].stats().requests]));
    // crm: the contact; loyalty: the member, its receipts, its redemptions; commerce: the account,
    // its orders, the product categories; analytics: the devices, their visits.
    expect(calls).toEqual({ crm: 1, loyalty: 3, commerce: 3, analytics: 2 });
    // Without favourite categories, the shop is not asked for its products.
    stack.demo.simulators.commerce.resetStats();
    await stack.query(`query ($id: ID!) { customer(id: $id) { journeySummary { ...figures } } } fragment figures on JourneySummary { totalSpend purchases }`, {
      id: `email:${EMAIL}`,
    });
    expect(stack.demo.simulators.commerce.stats().requests).toBe(2);
  });

  it('costs no more calls with the profile beside it: the creation events come from the records the profile reads anyway', async () => {
    const WITH_PROFILE = SUMMARY.replace('journey(first: 20)', 'email phone address { city } identities { type value } journey(first: 20)');
    await stack.query(WITH_PROFILE, { id: `email:${EMAIL}` });
    for (const source of ['crm', 'loyalty', 'commerce', 'analytics'] as const) stack.demo.simulators[source].resetStats();
    const { body } = await stack.query(WITH_PROFILE, { id: `email:${EMAIL}` });
    expect(body.errors?.map((e) => e.message)).toBeUndefined();
    expect((body.data!.customer as { email: string }).email).toBe(EMAIL);
    const calls = Object.fromEntries((['crm', 'loyalty', 'commerce', 'analytics'] as const).map((s) => [s, stack.demo.simulators[s].stats().requests]));
    expect(calls).toEqual({ crm: 1, loyalty: 3, commerce: 3, analytics: 2 });
  });
});

describe('Customer.journey', () => {
  it('merges store, web on two devices (one anonymous first), the shop with a discount code, the app and a reward, newest first', async () => {
    const { body, connection } = await journey({ first: 20 });
    expect(body.errors).toBeUndefined();
    expect(lines(connection)).toEqual(LEA_JOURNEY);
    expect(connection!.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(connection!.partial).toBe(false);
  });

  it('tells each touchpoint in one line, without personal data', async () => {
    const { connection } = await journey({ first: 20 });
    const summaries = connection!.edges.map((e) => e.node.summary);
    expect(summaries).toContain('Bought 3 items in Lyon Part-Dieu for 111.90 EUR');
    expect(summaries).toContain('Used code WELCOME10 on order #9001, 10.00 EUR off');
    expect(summaries.join(' ')).not.toMatch(/Léa|Journey|@|JRN0001/);
    const order = connection!.edges.find((e) => e.node.kind === 'onlineOrder')!.node;
    expect(order).toMatchObject({ source: 'commerce', sourceId: '990001', recordId: String(SHOP_ID) });
  });

  it('pages through the same touchpoints, each exactly once, whatever the page size', async () => {
    for (const first of [1, 2, 5]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page += 1) {
        const { connection } = await journey({ first, after });
        seen.push(...lines(connection));
        expect(connection!.pageInfo.hasPreviousPage).toBe(after !== null);
        if (!connection!.pageInfo.hasNextPage) break;
        after = connection!.pageInfo.endCursor;
      }
      expect(seen, `first ${first}`).toEqual(LEA_JOURNEY);
    }
  });

  it('keeps only the kinds, channels and time asked, and calls only the silos that can hold them', async () => {
    const stores = await journey({ filter: { channels: ['store'] } });
    expect(lines(stores.connection)).toEqual(LEA_JOURNEY.filter((l) => l.includes(' store ')));
    const promotions = await journey({ filter: { kinds: ['discountCodeUsed', 'rewardRedeemed', 'campaignVisit'] } });
    expect(lines(promotions.connection)).toEqual([LEA_JOURNEY[0], LEA_JOURNEY[2], LEA_JOURNEY[4]]);
    const january = await journey({ filter: { since: '2026-01-10T10:30:00Z', until: '2026-01-25T20:02:00Z' } });
    expect(lines(january.connection)).toEqual([LEA_JOURNEY[8], LEA_JOURNEY[9], LEA_JOURNEY[10]]);
    for (const source of ['crm', 'loyalty', 'commerce', 'analytics'] as const) stack.demo.simulators[source].resetStats();
    await journey({ filter: { kinds: ['webVisit'] } });
    expect(stack.demo.simulators.loyalty.stats().requests).toBe(0);
    expect(stack.demo.simulators.commerce.stats().requests).toBe(0);
  });

  it('refuses a bad page size, since after until, and cursors that are malformed, altered, or for another filter or customer', async () => {
    const codeAndMessage = async (variables: Record<string, unknown>, id = `email:${EMAIL}`) => {
      const { body } = await stack.query(JOURNEY, { id, ...variables });
      const error = body.errors?.[0];
      return { code: error?.extensions?.code, message: error?.message };
    };
    expect(await codeAndMessage({ first: 500 })).toEqual({ code: 'BAD_USER_INPUT', message: 'first must be a whole number from 1 to 100, got 500.' });
    // Large enough to pass the cost limit if counted as asked: the range is what the client must hear.
    expect(await codeAndMessage({ first: 5000 })).toEqual({ code: 'BAD_USER_INPUT', message: 'first must be a whole number from 1 to 100, got 5000.' });
    expect(await codeAndMessage({ first: 2147483647 })).toEqual({ code: 'BAD_USER_INPUT', message: 'first must be a whole number from 1 to 100, got 2147483647.' });
    expect(await codeAndMessage({ filter: { since: '2026-05-01T00:00:00Z', until: '2026-04-01T00:00:00Z' } })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'filter.since (2026-05-01T00:00:00.000Z) is after filter.until (2026-04-01T00:00:00.000Z): since must be at or before until.',
    });
    const { connection } = await journey({ first: 2 });
    const cursor = connection!.pageInfo.endCursor!;
    expect((await codeAndMessage({ after: 'not-a-cursor' })).code).toBe('BAD_USER_INPUT');
    const altered = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    expect(await codeAndMessage({ after: altered })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'after is not valid here: its signature does not match (it was altered, or signed by a gateway with another GATEWAY_CURSOR_SECRET, or before a restart without one): pass a cursor exactly as this gateway returned it, or ask again without after.',
    });
    const foreign = {
      code: 'BAD_USER_INPUT',
      message: 'after belongs to another customer or another filter: ask again without after, with the same filter.',
    };
    expect(await codeAndMessage({ after: cursor, filter: { channels: ['web'] } })).toEqual(foreign);
    const other = stack.population.crm.contacts[0]!.id;
    expect(await codeAndMessage({ after: cursor }, `crm:${other}`)).toEqual(foreign);
  });

  it.each([
    [{ kind: 'down' } as const, 'SOURCE_UNAVAILABLE'],
    [{ kind: 'hang' } as const, 'SOURCE_TIMEOUT'],
    [{ kind: 'error', status: 503 } as const, 'SOURCE_UNAVAILABLE'],
    [{ kind: 'malformed' } as const, 'SOURCE_BAD_RESPONSE'],
  ])('answers from the other silos when the loyalty program is %o, says which with %s, and keeps its place for when it is back', async (fault, code) => {
    // Resolved while every silo answers (the links are then cached): only the journey's reads fail.
    await journey({ first: 1 });
    await stack.demo.simulators.loyalty.setFault(fault);
    const first = await journey({ first: 6 });
    expect(first.connection!.partial).toBe(true);
    expect(first.connection!.unavailableSources).toEqual(['loyalty']);
    expect(first.body.errors?.map((e) => [e.extensions?.code, e.extensions?.source])).toEqual([[code, 'loyalty']]);
    const withoutLoyalty = LEA_JOURNEY.filter((l) => !l.endsWith(' loyalty'));
    expect(lines(first.connection)).toEqual(withoutLoyalty.slice(0, 6));
    await stack.demo.simulators.loyalty.setFault({ kind: 'none' });
    const seen = [...lines(first.connection)];
    let after = first.connection!.pageInfo.endCursor;
    // One at a time: the loyalty program's newer touchpoints come first, and the others must
    // not go back to give theirs again.
    for (let page = 0; page < 20 && after; page += 1) {
      const { body, connection } = await journey({ first: 1, after });
      expect(body.errors).toBeUndefined();
      seen.push(...lines(connection));
      after = connection!.pageInfo.hasNextPage ? connection!.pageInfo.endCursor : null;
    }
    // Every touchpoint once: the loyalty ones newer than the first page come on the next one.
    expect([...seen].sort()).toEqual([...LEA_JOURNEY].sort());
    expect(seen.slice(6, 8)).toEqual([LEA_JOURNEY[0], LEA_JOURNEY[7]]);
  });

  /**
   * The first page of Léa's journey with `silo` down during resolution, then the pages after it
   * with every silo back (resolved again: the durable golden id, not the provisional one the
   * cursor was made for): every touchpoint once.
   */
  async function pagesOnAfterResolvingWithout(silo: 'loyalty' | 'commerce', nextFirst: number): Promise<void> {
    await stack.demo.simulators[silo].setFault({ kind: 'down' });
    const first = await journey({ first: 3 });
    await stack.demo.simulators[silo].setFault({ kind: 'none' });
    expect(first.connection!.unavailableSources).toEqual([silo]);
    expect(first.connection!.pageInfo.hasNextPage).toBe(true);
    const seen = [...lines(first.connection)];
    let after = first.connection!.pageInfo.endCursor;
    for (let page = 0; page < 20 && after; page += 1) {
      const { body, connection } = await journey({ first: nextFirst, after });
      expect(body.errors).toBeUndefined();
      seen.push(...lines(connection));
      after = connection!.pageInfo.hasNextPage ? connection!.pageInfo.endCursor : null;
    }
    expect([...seen].sort()).toEqual([...LEA_JOURNEY].sort());
  }

  it('goes on from a page served while the loyalty program was down during resolution, once it is back', async () => {
    await pagesOnAfterResolvingWithout('loyalty', 4);
  });

  it("leaves out a shared device's visits logged in as someone else: they are that person's moments, not this customer's", async () => {
    const { body } = await stack.query(
      `query ($id: ID!) { customer(id: $id) { journey(first: 100) { edges { node { kind occurredAt device { visitorId } } } } journeySummary { devices { device { visitorId } visits } } } }`,
      { id: `email:${ALICE_EMAIL}` },
    );
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer as { journey: { edges: Array<{ node: { kind: string; occurredAt: string } }> }; journeySummary: { devices: unknown[] } };
    const visits = customer.journey.edges.map((e) => e.node).filter((n) => n.kind === 'webVisit');
    expect(visits.map((n) => n.occurredAt.slice(0, 10))).toEqual(['2025-06-03', '2025-06-02', '2025-06-01']);
    expect(customer.journeySummary.devices).toEqual([{ device: { visitorId: 'dddd000000000001' }, visits: 3 }]);
  });

  it('keeps every visit of a customer without a shop account, whatever login id they carry: the device is the customer', async () => {
    const { body } = await stack.query(
      `query ($id: ID!) { customer(id: $id) { journey(first: 100) { edges { node { kind } } } journeySummary { devices { visits } } } }`,
      { id: `analytics:${LONE_DEVICE}` },
    );
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer as { journey: { edges: Array<{ node: { kind: string } }> }; journeySummary: { devices: unknown[] } };
    expect(customer.journey.edges.filter((e) => e.node.kind === 'webVisit')).toHaveLength(3);
    expect(customer.journeySummary.devices).toEqual([{ visits: 3 }]);
  });

  describe('of a customer whose records in one silo change between pages', () => {
    const clearCache = () => stack.gateway.services.identity.cache.clear();
    /** Marc's journey pages from `after` with every silo up, `first` at a time: their lines. */
    async function marcPagesFrom(after: string | null, first: number): Promise<string[]> {
      const seen: string[] = [];
      for (let page = 0; page < 20 && after; page += 1) {
        const { body, connection } = await journey({ id: `email:${MARC_EMAIL}`, first, after });
        expect(body.errors).toBeUndefined();
        seen.push(...lines(connection));
        after = connection!.pageInfo.hasNextPage ? connection!.pageInfo.endCursor : null;
      }
      return seen;
    }
    const marcJourney = async () => lines((await journey({ id: `email:${MARC_EMAIL}`, first: 100 })).connection);

    it('gives the touchpoints of a membership found after the first page (linked only through the CRM, down then), each once', async () => {
      const whole = await marcJourney();
      expect(whole.filter((line) => line.endsWith(' loyalty'))).toHaveLength(7);
      clearCache();
      await stack.demo.simulators.crm.setFault({ kind: 'down' });
      const first = await journey({ id: `email:${MARC_EMAIL}`, first: 1 });
      await stack.demo.simulators.crm.setFault({ kind: 'none' });
      // Only the membership with his email is known: its newest purchase.
      expect(lines(first.connection)).toEqual(['2026-05-10T10:00:00.000Z storePurchase store loyalty']);
      const seen = [...lines(first.connection), ...(await marcPagesFrom(first.connection!.pageInfo.endCursor, 2))];
      // The other membership's purchase of 2026-06-10, newer than the first page, comes after it: not lost.
      expect([...seen].sort()).toEqual([...whole].sort());
    });

    it('keeps the place of a silo that lost a record while the resolution is incomplete, and gives its touchpoints once the record is found again', async () => {
      const whole = await marcJourney();
      clearCache();
      const first = await journey({ id: `email:${MARC_EMAIL}`, first: 2 });
      expect(lines(first.connection)).toEqual(whole.slice(0, 2));
      clearCache();
      await stack.demo.simulators.crm.setFault({ kind: 'down' });
      const down = await journey({ id: `email:${MARC_EMAIL}`, first: 2, after: first.connection!.pageInfo.endCursor });
      await stack.demo.simulators.crm.setFault({ kind: 'none' });
      // The membership found through the CRM is missing: the loyalty history is not read without it.
      expect(down.connection!.edges).toEqual([]);
      expect(down.connection!.partial).toBe(true);
      expect(down.connection!.unavailableSources).toEqual(['crm']);
      expect(down.connection!.pageInfo.hasNextPage).toBe(true);
      const seen = [...lines(first.connection), ...(await marcPagesFrom(down.connection!.pageInfo.endCursor, 2))];
      expect(seen).toEqual(whole);
    });

    it('says more may follow, with a cursor to come back with, while a record linked through the failed CRM is missing, whatever the filter keeps', async () => {
      const purchases = { kinds: ['storePurchase'] };
      const whole = lines((await journey({ id: `email:${MARC_EMAIL}`, first: 100, filter: purchases })).connection);
      expect(whole).toHaveLength(5);
      // The newest purchase of the membership found by email is older than this: that page is empty.
      const recent = { kinds: ['storePurchase'], since: '2026-05-15T00:00:00Z' };
      for (const [filter, first, expected] of [
        [purchases, 100, whole],
        [recent, 10, whole.slice(0, 1)],
      ] as const) {
        clearCache();
        await stack.demo.simulators.crm.setFault({ kind: 'down' });
        const down = await journey({ id: `email:${MARC_EMAIL}`, first, filter });
        await stack.demo.simulators.crm.setFault({ kind: 'none' });
        expect(down.connection!.partial).toBe(true);
        expect(down.connection!.unavailableSources).toEqual(['crm']);
        expect(down.connection!.pageInfo.hasNextPage).toBe(true);
        expect(down.connection!.pageInfo.endCursor).not.toBeNull();
        const seen = [...lines(down.connection)];
        let after = down.connection!.pageInfo.endCursor;
        for (let page = 0; page < 10 && after; page += 1) {
          const next = await journey({ id: `email:${MARC_EMAIL}`, first, filter, after });
          expect(next.body.errors).toBeUndefined();
          seen.push(...lines(next.connection));
          after = next.connection!.pageInfo.hasNextPage ? next.connection!.pageInfo.endCursor : null;
        }
        expect([...seen].sort()).toEqual([...expected].sort());
      }
    });

    it('gives the first login of a device as a shop account found after the first page, or missed on a page, once', async () => {
      const nina = (variables: Record<string, unknown>) => journey({ id: `email:${NINA_EMAIL}`, ...variables });
      const whole = lines((await nina({ first: 100 })).connection);
      expect(whole).toContain('2025-06-03T10:02:00.000Z deviceFirstLogin web analytics');
      const pagesFrom = async (after: string | null, first: number) => {
        const seen: string[] = [];
        for (let page = 0; page < 20 && after; page += 1) {
          const next = await nina({ first, after });
          expect(next.body.errors).toBeUndefined();
          seen.push(...lines(next.connection));
          after = next.connection!.pageInfo.hasNextPage ? next.connection!.pageInfo.endCursor : null;
        }
        return seen;
      };
      // Found after the first page: the CRM down for it.
      clearCache();
      await stack.demo.simulators.crm.setFault({ kind: 'down' });
      const found = await nina({ first: 3 });
      await stack.demo.simulators.crm.setFault({ kind: 'none' });
      expect([...lines(found.connection), ...(await pagesFrom(found.connection!.pageInfo.endCursor, 2))].sort()).toEqual([...whole].sort());
      // Missed on the second page: the CRM down for it.
      clearCache();
      const first = await nina({ first: 1 });
      clearCache();
      await stack.demo.simulators.crm.setFault({ kind: 'down' });
      const missed = await nina({ first: 3, after: first.connection!.pageInfo.endCursor });
      await stack.demo.simulators.crm.setFault({ kind: 'none' });
      const seen = [...lines(first.connection), ...lines(missed.connection), ...(await pagesFrom(missed.connection!.pageInfo.endCursor, 2))];
      expect(seen.sort()).toEqual([...whole].sort());
    });

    it("refuses a cursor of a provisional customer that held someone else's record, once that record resolves alone", async () => {
      const member = '0b1e0000-0000-4000-8000-00000000c001';
      clearCache();
      await stack.demo.simulators.commerce.setFault({ kind: 'down' });
      const anne = await journey({ id: 'crm:900077', first: 1 });
      await stack.demo.simulators.commerce.setFault({ kind: 'none' });
      // With the shop down, the member with Anne's phone joined her: its purchase is on her page.
      expect(lines(anne.connection)).toEqual(['2025-03-10T10:00:00.000Z storePurchase store loyalty']);
      clearCache();
      const alone = await journey({ id: `loyalty:${member}`, first: 1, after: anne.connection!.pageInfo.endCursor });
      expect(alone.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['BAD_USER_INPUT', 'after belongs to another customer or another filter: ask again without after, with the same filter.'],
      ]);
      // And the member's own cursor is not taken for Anne while the shop is down again.
      const own = await journey({ id: `loyalty:${member}`, first: 1 });
      clearCache();
      await stack.demo.simulators.commerce.setFault({ kind: 'down' });
      try {
        const foreign = await journey({ id: 'crm:900077', first: 1, after: own.connection!.pageInfo.endCursor });
        expect(foreign.body.errors?.map((e) => e.extensions?.code)).toContain('BAD_USER_INPUT');
      } finally {
        await stack.demo.simulators.commerce.setFault({ kind: 'none' });
      }
    });

    it("takes the cursor made under the durable golden id while a silo holding its anchor is down, and still refuses another customer's", async () => {
      clearCache();
      const marc = await journey({ id: `email:${MARC_EMAIL}`, first: 1 });
      const lea = await journey({ first: 1 });
      clearCache();
      await stack.demo.simulators.crm.setFault({ kind: 'down' });
      try {
        const own = await journey({ id: `email:${MARC_EMAIL}`, first: 1, after: marc.connection!.pageInfo.endCursor });
        expect(own.body.errors?.map((e) => e.extensions?.code)).toEqual(['SOURCE_UNAVAILABLE']);
        const foreign = await journey({ id: `email:${MARC_EMAIL}`, first: 1, after: lea.connection!.pageInfo.endCursor });
        expect(foreign.body.errors?.map((e) => [e.extensions?.code, e.message])).toContainEqual([
          'BAD_USER_INPUT',
          'after belongs to another customer or another filter: ask again without after, with the same filter.',
        ]);
      } finally {
        await stack.demo.simulators.crm.setFault({ kind: 'none' });
      }
    });
  });

  it('goes on from a page served while the shop was down during resolution, with the visits found only through the shop id, once it is back', async () => {
    // Léa's devices log in with her shop id: with the shop down, no analytics record of hers is
    // known, so her visits are unknown, not absent. They used to be ended in the cursor and lost.
    await pagesOnAfterResolvingWithout('commerce', 2);
  });
});
