/**
 * The connector and the simulator against Shopify's own documentation: fixtures/ holds the
 * documented example exchanges (each with its page), see README.md "Contract fixtures".
 *
 * 1. The client: a loopback replay serves the documented answers; the client must ask what the
 *    documentation asks and map the documented bodies to the records below (literal values).
 * 2. The simulator: the documented requests, adapted to a test population, must get answers of
 *    the documented shape (field names and JSON types).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectSourceError } from '../../test/contract/connector-contract.js';
import { PopulationEdit } from '../../test/support/population-edit.js';
import {
  loadVendorFixture,
  shapeDifferences,
  startVendorReplay,
  type VendorFixture,
  type VendorReplay,
} from '../../test/support/vendor-fixture.js';
import { SHOPIFY_API_VERSION } from './api.js';
import { createCommerceConnector, type CommerceConnector } from './client.js';
import { parseSearchQuery } from './search-syntax.js';
import { buildTestPopulation, customerId } from './test-population.js';
import { startShop, type TestShop } from './test-shop.js';

const fixture = (name: string): VendorFixture => loadVendorFixture(new URL(`./fixtures/${name}`, import.meta.url));

const byIds = fixture('customers-by-ids.json');
const searchByEmail = fixture('customers-search-by-email.json');
const searchFields = fixture('customers-search-fields.json');
const searchNoMatch = fixture('customers-search-no-match.json');
const page1 = fixture('customers-search-page-1.json');
const page2 = fixture('customers-search-page-2.json');
const idsPage1 = fixture('customers-ids-page-1.json');
const idsPage2 = fixture('customers-ids-page-2.json');
const ordersAny = fixture('orders-status-any.json');
const ordersPage1 = fixture('orders-page-1.json');
const ordersPage2 = fixture('orders-page-2.json');
const customerOrders = fixture('customer-orders.json');
const productsByIds = fixture('products-by-ids.json');
const shopFull = fixture('shop.json');
const shopFields = fixture('shop-fields.json');
const unauthorized = fixture('error-401-unauthorized.json');
const notFound = fixture('error-404-not-found.json');
const tooManyRequests = fixture('error-429-too-many-requests.json');

/** What a lookup asks for (client.ts IDENTITY_FIELDS). */
const IDENTITY_FIELDS = 'id,email,phone,first_name,last_name,default_address';

/**
 * The fixture served where the connector asks, routed on these query parameters only. The client
 * writes its own search query (quoted terms, OR-ed) and adds limit and fields, so a documented
 * request is not byte for byte what it sends; each test asserts the parameters that matter.
 */
function routed(f: VendorFixture, route: { keys?: readonly string[]; path?: string } = {}): VendorFixture {
  const query = Object.fromEntries(Object.entries(f.request.query).filter(([key]) => route.keys?.includes(key)));
  return { ...f, request: { ...f.request, path: route.path ?? f.request.path, query } };
}

let replay: VendorReplay | undefined;
const connectors: CommerceConnector[] = [];

/** A connector to a replay of these fixtures, speaking the fixtures' API version. */
async function replayed(fixtures: VendorFixture[], apiVersion = '2025-10'): Promise<CommerceConnector> {
  replay = await startVendorReplay(fixtures);
  const connector = createCommerceConnector({
    baseUrl: replay.url,
    timeoutMs: 2_000,
    connections: 2,
    accessToken: 'shpat_documented',
    apiVersion,
  });
  connectors.push(connector);
  return connector;
}

function received(): VendorReplay['received'] {
  if (!replay) throw new Error('no replay started');
  return replay.received;
}

afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.close()));
  await replay?.close();
  replay = undefined;
});

describe('the client against the documented exchanges', () => {
  it('reads customers by ids with one customers.json call and maps both documented customers', async () => {
    const connector = await replayed([routed(byIds, { keys: ['ids'] })]);
    const [bob, steve] = await connector.fetchRecords(['207119551', '1073339462']);

    expect(received()).toHaveLength(1);
    const [call] = received();
    expect(call!.answeredBy?.file).toBe(byIds.file);
    expect(call!).toMatchObject({ method: 'GET', path: '/admin/api/2025-10/customers.json' });
    expect(call!.query).toMatchObject({ ids: '207119551,1073339462', limit: '2' });
    expect(call!.headers['x-shopify-access-token']).toBe('shpat_documented');
    expect(bob).toEqual({
      id: '207119551',
      email: 'bob.norman@mail.example.com',
      phone: '+16136120707',
      firstName: 'Bob',
      lastName: 'Norman',
      address: { street: 'Chestnut Street 92', postalCode: '40202', city: 'Louisville', country: 'US' },
      ordersCount: 1,
      totalSpent: 199.65,
      currency: 'USD',
      emailMarketingConsent: 'not_subscribed',
      emailMarketing: { state: 'not_subscribed', optInLevel: null, updatedAt: '2004-06-13T15:57:11.000Z', collectedFrom: null },
      smsMarketing: { state: 'not_subscribed', optInLevel: 'single_opt_in', updatedAt: '2024-01-01T12:00:00.000Z', collectedFrom: 'OTHER' },
      tags: ['Léon', 'Noël'],
      createdAt: '2025-04-02T16:26:48.000Z',
      updatedAt: '2025-04-02T16:26:48.000Z',
    });
    expect(steve).toEqual({
      id: '1073339462',
      email: 'steve.lastnameson@example.com',
      phone: '+15142546011',
      firstName: 'Steve',
      lastName: 'Lastnameson',
      address: { street: '123 Oak St', postalCode: '123 ABC', city: 'Ottawa', country: 'CA' },
      ordersCount: 0,
      totalSpent: 0,
      currency: 'USD',
      emailMarketingConsent: 'not_subscribed',
      emailMarketing: { state: 'not_subscribed', optInLevel: 'single_opt_in', updatedAt: null, collectedFrom: null },
      smsMarketing: { state: 'not_subscribed', optInLevel: 'single_opt_in', updatedAt: null, collectedFrom: 'OTHER' },
      tags: [],
      createdAt: '2025-04-02T16:27:00.000Z',
      updatedAt: '2025-04-02T16:27:00.000Z',
    });
  });

  it('searches an email with the documented email: term and maps the documented match to a found record', async () => {
    const connector = await replayed([routed(searchByEmail)]);
    const found = await connector.lookup([{ type: 'email', value: 'bob.norman@mail.example.com' }]);

    const [call] = received();
    expect(call!.answeredBy?.file).toBe(searchByEmail.file);
    expect(call!.path).toBe('/admin/api/2025-10/customers/search.json');
    expect(parseSearchQuery(call!.query['query']!)).toEqual(parseSearchQuery(searchByEmail.request.query['query']!));
    expect(call!.query).toMatchObject({ limit: '250', fields: IDENTITY_FIELDS });
    expect(found).toEqual([
      {
        source: 'commerce',
        id: '207119551',
        identifiers: [
          { type: 'commerce', value: '207119551' },
          { type: 'email', value: 'bob.norman@mail.example.com' },
          { type: 'phone', value: '+16136120707', country: 'US' },
        ],
        name: { first: 'Bob', last: 'Norman' },
      },
    ]);
  });

  it('finds nothing, without error, when the documented search answers an empty list', async () => {
    const connector = await replayed([routed(searchNoMatch)]);
    expect(await connector.lookup([{ type: 'email', value: 'nobody@mail.example.com' }])).toEqual([]);
    expect(received()[0]!.answeredBy?.file).toBe(searchNoMatch.file);
  });

  it("follows the documented link header's rel=next with only page_info, limit and fields, and stops without one", async () => {
    const connector = await replayed([routed(page2, { keys: ['page_info'] }), routed(page1)]);
    const found = await connector.lookup([
      { type: 'email', value: 'bob.norman@mail.example.com' },
      { type: 'email', value: 'steve.lastnameson@example.com' },
    ]);

    expect(received().map((r) => r.answeredBy?.file)).toEqual([page1.file, page2.file]);
    expect(received()[1]!.query).toEqual({ page_info: 'hijgklmn', limit: '250', fields: IDENTITY_FIELDS });
    expect(found.map((r) => [r.id, r.name])).toEqual([
      ['207119551', { first: 'Bob', last: 'Norman' }],
      ['1073339462', { first: 'Steve', last: 'Lastnameson' }],
    ]);
  });

  it("lists every customer's id with the documented limit and fields=id, then the link's page_info with limit and fields only, and stops without a next link", async () => {
    const connector = await replayed([idsPage2, idsPage1]);
    const first = await connector.recordIds(null, 1);
    expect(first).toEqual({ ids: ['207119551'], next: 'hijgklmn' });
    const last = await connector.recordIds(first.next, 1);
    expect(last).toEqual({ ids: ['1073339462'], next: null });
    expect(received().map((r) => r.answeredBy?.file)).toEqual([idsPage1.file, idsPage2.file]);
    expect(received().map((r) => [r.path, r.query])).toEqual([
      ['/admin/api/2025-10/customers.json', idsPage1.request.query],
      ['/admin/api/2025-10/customers.json', idsPage2.request.query],
    ]);
  });

  it("asks orders.json for one customer's orders of any status and maps the documented order and lines", async () => {
    const connector = await replayed([routed(ordersAny, { keys: ['status'] })]);
    const [orders] = await connector.ordersOf(['207119551'], 5);

    const [call] = received();
    expect(call!.answeredBy?.file).toBe(ordersAny.file);
    expect(call!.path).toBe('/admin/api/2025-10/orders.json');
    // status=any is the documented request; customer_id is not in the reference's parameter list
    // but is what Shopify's staff recommend for one customer's orders (README, "Endpoints").
    expect(call!.query).toMatchObject({ customer_id: '207119551', status: 'any', limit: '5' });
    expect(call!.query['fields']!.split(',')).toEqual(expect.arrayContaining(['discount_codes', 'refunds']));
    expect(orders).toEqual([
      {
        id: '450789469',
        name: '#1001',
        createdAt: '2008-01-10T16:00:00.000Z',
        totalPrice: 598.94,
        currency: 'USD',
        financialStatus: 'partially_refunded',
        discountCodes: ['TENOFF'],
        discounts: [{ code: 'TENOFF', amount: 10, type: 'fixed_amount' }],
        totalRefunded: 209,
        lines: [
          { sku: 'IPOD2008GREEN', name: 'IPod Nano - 8gb', quantity: 1, unitPrice: 199, productId: '632910392' },
          { sku: 'IPOD2008RED', name: 'IPod Nano - 8gb', quantity: 1, unitPrice: 199, productId: '632910392' },
          { sku: 'IPOD2008BLACK', name: 'IPod Nano - 8gb', quantity: 1, unitPrice: 199, productId: '632910392' },
        ],
      },
    ]);
  });

  it("reads a journey page of orders: the first page with the documented parameters, then the link header's rel=next with page_info, limit and fields only", async () => {
    const connector = await replayed([routed(ordersPage2, { keys: ['page_info'] }), routed(ordersPage1, { keys: ['status'] })]);
    // A page of 1 asks for 2; the documented page holds 1 and links on, so the order's second
    // may go on there: the client follows the link before answering.
    const read = await connector.orderHistory(['207119551'], { limit: 1, until: Date.parse('2026-11-30T00:00:00Z') });

    expect(received().map((r) => r.answeredBy?.file)).toEqual([ordersPage1.file, ordersPage2.file]);
    expect(received()[0]!.query).toEqual({
      customer_id: '207119551',
      status: 'any',
      order: 'created_at desc',
      limit: '2',
      fields: 'id,name,created_at,total_price,currency,financial_status,line_items,discount_codes,refunds',
      created_at_max: '2026-11-30T00:00:00+00:00',
    });
    expect(received()[1]!.query).toEqual({
      page_info: 'hijgklmn',
      limit: '2',
      fields: 'id,name,created_at,total_price,currency,financial_status,line_items,discount_codes,refunds',
    });
    expect(read.exhausted).toBe(true);
    expect(read.items.map((o) => [o.recordId, o.id, o.name, o.createdAt, o.discountCodes, o.totalRefunded])).toEqual([
      ['207119551', '450789469', '#1001', '2008-01-10T16:00:00.000Z', ['TENOFF'], 209],
    ]);
  });

  it('reads product categories by ids with one products.json call', async () => {
    const connector = await replayed([routed(productsByIds, { keys: ['ids'] })], '2025-07');
    const categories = await connector.productCategories(['632910392', '921728736']);

    const [call] = received();
    expect(call!.answeredBy?.file).toBe(productsByIds.file);
    expect(call!.path).toBe('/admin/api/2025-07/products.json');
    expect(call!.query).toMatchObject({ ids: '632910392,921728736', limit: '2', fields: 'id,product_type' });
    expect(categories).toEqual(
      new Map([
        ['632910392', 'Cult Products'],
        ['921728736', 'Cult Products'],
      ]),
    );
  });

  it('probes shop.json for its id and reports the documented shop up', async () => {
    const connector = await replayed([routed(shopFull)]);
    expect(await connector.health()).toMatchObject({ status: 'up' });
    expect(received()[0]).toMatchObject({ path: '/admin/api/2025-10/shop.json', query: { fields: 'id' } });
    expect(received()[0]!.answeredBy?.file).toBe(shopFull.file);
  });

  it("reports the documented 401 as SOURCE_UNAVAILABLE and the probe down, without the token", async () => {
    const connector = await replayed([routed(unauthorized, { path: '/admin/api/2025-10/customers.json' }), routed(unauthorized)]);
    const error = await expectSourceError(connector.fetchRecords(['207119551']));
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', detail: { operation: 'customers.list', status: 401 } });
    const health = await connector.health();
    expect(health).toEqual({ status: 'down', reason: expect.stringContaining('refused the gateway') });
    expect(JSON.stringify({ error, message: error.message, health })).not.toContain('shpat_documented');
    expect(received().map((r) => r.answeredBy?.file)).toEqual([unauthorized.file, unauthorized.file]);
  });

  it('reports the documented 429 of a search as SOURCE_UNAVAILABLE with its status', async () => {
    const connector = await replayed([routed(tooManyRequests)]);
    const error = await expectSourceError(connector.lookup([{ type: 'phone', value: '+16136120707' }]));
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', detail: { operation: 'customers.search', status: 429 } });
    expect(received()[0]!.answeredBy?.file).toBe(tooManyRequests.file);
  });

  it('reports the documented 404 body on a list endpoint as SOURCE_BAD_RESPONSE: the connector asked a wrong path', async () => {
    const connector = await replayed([routed(notFound, { path: '/admin/api/2025-10/products.json' })]);
    const error = await expectSourceError(connector.productCategories(['632910392']));
    expect(error).toMatchObject({ code: 'SOURCE_BAD_RESPONSE', detail: { operation: 'products.list', status: 404 } });
    expect(received()[0]!.answeredBy?.file).toBe(notFound.file);
  });
});

describe('the simulator against the documented shapes', () => {
  /** Bob Norman of the documentation, as a customer of the test shop, with the orders of customer 3. */
  const BOB = 207119551;
  let shop: TestShop;

  beforeAll(async () => {
    // The hand-built population has a fixed `generatedAt` (test-population.ts), so answers do not
    // depend on the day the test runs.
    const edit = new PopulationEdit(buildTestPopulation(12));
    edit.shopCustomer({
      id: BOB,
      email: 'bob.norman@mail.example.com',
      first_name: 'Bob',
      last_name: 'Norman',
      phone: '+16136120707',
      created_at: '2025-04-02T11:23:11-05:00',
      updated_at: '2025-04-02T11:23:11-05:00',
      orders_count: 1,
      total_spent: '199.65',
      currency: 'USD',
      tags: 'Léon, Noël',
      default_address: { address1: 'Chestnut Street 92', city: 'Louisville', zip: '40202', country_code: 'US' },
      email_marketing_consent: { state: 'not_subscribed', opt_in_level: null, consent_updated_at: '2004-06-13T11:57:11-04:00' },
    });
    shop = await startShop(edit.population);
  });
  afterAll(() => shop.close());

  /** The documented request, on the simulator's API version, with `query` in place of the documented parameters. */
  async function ask(f: VendorFixture, query: Record<string, string> = f.request.query, path = f.request.path, token?: string) {
    const simulatorPath = path.replace(/^\/admin\/api\/[^/]+\//, `/admin/api/${SHOPIFY_API_VERSION}/`);
    const search = new URLSearchParams(query).toString();
    return shop.get(search ? `${simulatorPath}?${search}` : simulatorPath, token);
  }

  it('answers customers.json?ids= with customers of the documented shape', async () => {
    const res = await ask(byIds, { ids: `${BOB},${customerId(1)}` });
    expect(res.status).toBe(200);
    expect((res.body as { customers: unknown[] }).customers).toHaveLength(2);
    expect(shapeDifferences(byIds.response.body, res.body)).toEqual([]);
  });

  it('answers a customer search by email with the documented shape', async () => {
    const res = await ask(searchByEmail);
    expect((res.body as { customers: unknown[] }).customers).toHaveLength(1);
    expect(shapeDifferences(searchByEmail.response.body, res.body)).toEqual([]);
  });

  it('answers a search with fields= (written with spaces) with those fields only', async () => {
    const res = await ask(searchFields);
    expect(res.body).toEqual({ customers: [{ id: BOB, email: 'bob.norman@mail.example.com', first_name: 'Bob', last_name: 'Norman' }] });
    expect(shapeDifferences(searchFields.response.body, res.body)).toEqual([]);
  });

  it('answers a search nobody matches with an empty customers list', async () => {
    const res = await ask(searchNoMatch);
    expect(res).toMatchObject({ status: 200, body: { customers: [] } });
  });

  it('pages a search with a link header: rel=next holds only page_info, limit and fields, and the last page links back without a next', async () => {
    // Two matches a page of one apart, asked for the fields the fixture shows (a lookup's).
    const first = await ask(page1, { query: 'email:bob.norman@mail.example.com OR email:Shopper.1@Example.com', limit: '1', fields: IDENTITY_FIELDS });
    expect(shapeDifferences(page1.response.body, first.body)).toEqual([]);
    const next = linkOf(first.headers['link'], 'next');
    // The pagination page: a link URL carries page_info, limit and (on some endpoints) fields.
    expect([...next.searchParams.keys()].sort()).toEqual(['fields', 'limit', 'page_info']);
    expect(next.pathname).toBe(`/admin/api/${SHOPIFY_API_VERSION}/customers/search.json`);
    const second = await shop.get(`${next.pathname}${next.search}`);
    expect(shapeDifferences(page2.response.body, second.body)).toEqual([]);
    expect((second.body as { customers: unknown[] }).customers).toHaveLength(1);
    expect(linkOf(second.headers['link'], 'previous').searchParams.has('page_info')).toBe(true);
    expect(String(second.headers['link'])).not.toMatch(/rel="?next/);
  });

  it('lists customer ids with fields=id in the documented shape, paged by a link of page_info, limit and fields, the last page linking back only', async () => {
    const first = await ask(idsPage1, { limit: '7', fields: 'id' });
    expect((first.body as { customers: unknown[] }).customers).toHaveLength(7);
    expect(shapeDifferences(idsPage1.response.body, first.body)).toEqual([]);
    expect(String(first.headers['link'])).toMatch(/^<[^>]+>; rel="next"$/);
    const next = linkOf(first.headers['link'], 'next');
    expect([...next.searchParams.keys()]).toEqual(['page_info', 'limit', 'fields']);
    expect(next.pathname).toBe(`/admin/api/${SHOPIFY_API_VERSION}/customers.json`);
    // The test shop holds 12 customers and Bob: the second page of 7 is the last.
    const last = await shop.get(`${next.pathname}${next.search}`);
    expect((last.body as { customers: unknown[] }).customers).toHaveLength(6);
    expect(shapeDifferences(idsPage2.response.body, last.body)).toEqual([]);
    expect(String(last.headers['link'])).toMatch(/^<[^>]+>; rel="previous"$/);
  });

  it("answers orders.json?status=any and a customer's orders.json with orders of the documented shape", async () => {
    for (const [f, path] of [
      [ordersAny, ordersAny.request.path],
      [customerOrders, `/admin/api/2025-10/customers/${customerId(3)}/orders.json`],
    ] as const) {
      const res = await ask(f, { status: 'any', ...(f === ordersAny ? { customer_id: String(customerId(3)) } : {}) }, path);
      expect((res.body as { orders: unknown[] }).orders.length, f.file).toBeGreaterThan(0);
      expect(shapeDifferences(f.response.body, res.body), f.file).toEqual([]);
    }
  });

  it('pages orders.json with a link header of the documented syntax: rel=next, then rel=previous alone on the last page', async () => {
    const first = await ask(ordersPage1, { status: 'any', limit: '1', customer_id: String(customerId(2)) });
    expect((first.body as { orders: unknown[] }).orders).toHaveLength(1);
    expect(shapeDifferences(ordersPage1.response.body, first.body)).toEqual([]);
    expect(String(first.headers['link'])).toMatch(/^<[^>]+>; rel="next"$/);
    const next = linkOf(first.headers['link'], 'next');
    expect([...next.searchParams.keys()]).toEqual(['page_info', 'limit']);
    const last = await shop.get(`${next.pathname}${next.search}`);
    expect(shapeDifferences(ordersPage2.response.body, last.body)).toEqual([]);
    expect((last.body as { orders: unknown[] }).orders).toHaveLength(1);
    expect(String(last.headers['link'])).toMatch(/^<[^>]+>; rel="previous"$/);
  });

  it('answers products.json?ids= with products of the documented shape', async () => {
    const res = await ask(productsByIds, { ids: '1,7' });
    expect((res.body as { products: unknown[] }).products).toHaveLength(2);
    expect(shapeDifferences(productsByIds.response.body, res.body)).toEqual([]);
  });

  it('answers shop.json with the documented shape, whole and with fields=', async () => {
    const whole = await ask(shopFull);
    expect(shapeDifferences(shopFull.response.body, whole.body)).toEqual([]);
    const some = await ask(shopFields);
    expect(Object.keys((some.body as { shop: object }).shop).sort()).toEqual(['address1', 'address2', 'city', 'country', 'province']);
    expect(shapeDifferences(shopFields.response.body, some.body)).toEqual([]);
  });

  it('answers the documented error bodies: 401 for a wrong token, 404 for an unknown path, 429 with Retry-After', async () => {
    const refused = await ask(unauthorized, {}, unauthorized.request.path, 'shpat_wrong');
    expect(refused).toMatchObject({ status: 401, body: unauthorized.response.body });
    const missing = await ask(notFound);
    expect(missing).toMatchObject({ status: 404, body: notFound.response.body });
    await shop.simulator.setFault({ kind: 'error', status: 429 });
    try {
      const limited = await ask(tooManyRequests, { query: 'email:a@b.c' });
      expect(limited).toMatchObject({ status: 429, body: tooManyRequests.response.body });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await shop.simulator.setFault({ kind: 'none' });
    }
  });
});

/** The URL of the link header's `rel` link (quoted or not, as RFC 8288 allows). */
function linkOf(header: unknown, rel: string): URL {
  const match = String(header).match(new RegExp(`<([^>]+)>\\s*;\\s*rel="?${rel}"?`));
  if (!match?.[1]) throw new Error(`no rel=${rel} link in the link header`);
  return new URL(match[1]);
}
