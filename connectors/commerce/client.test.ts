import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatePopulation } from '../../demo/population/generate.js';
import type { Population } from '../population.js';
import { CONTRACT_NOW, expectSourceError } from '../../test/contract/connector-contract.js';
import { SHOPIFY_API_VERSION } from './api.js';
import { MAX_SEARCH_URL_LENGTH, createCommerceConnector, type CommerceConnector } from './client.js';
import { buildTestPopulation, customerId, emailOf, phoneOf } from './test-population.js';
import { ACCESS_TOKEN, startShop, type TestShop } from './test-shop.js';

const id = (n: number): string => String(customerId(n));
const V = `/admin/api/${SHOPIFY_API_VERSION}`;

let shop: TestShop;
let connector: CommerceConnector;

beforeAll(async () => {
  shop = await startShop(buildTestPopulation(600));
  connector = shop.connect();
});
afterAll(() => shop.close());
beforeEach(() => shop.simulator.resetStats());
// A fault a test switched on is switched off after it, even when the test failed half-way.
afterEach(async () => {
  await shop?.simulator.setFault({ kind: 'none' });
});

const calls = (route: string): number => shop.simulator.stats().byRoute[route] ?? 0;

/** A connector to `testShop` that keeps the URL of every search request it sends, origin included. */
function recordingConnector(testShop: TestShop): { connector: CommerceConnector; searches: string[]; close(): Promise<void> } {
  const searches: string[] = [];
  const pool = new Pool(testShop.baseUrl);
  const dispatcher = pool.compose((dispatch) => (options, handler) => {
    if (options.path.includes('/customers/search.json')) searches.push(new URL(options.path, testShop.baseUrl).href);
    return dispatch(options, handler);
  });
  const connector = createCommerceConnector(
    { baseUrl: testShop.baseUrl, timeoutMs: 2_000, connections: 4, accessToken: ACCESS_TOKEN, apiVersion: SHOPIFY_API_VERSION },
    { dispatcher },
  );
  return { connector, searches, close: () => pool.close() };
}

/** Every search URL is within the budget, and each but the last too full to take one more term. */
function expectFullSearches(urls: readonly string[]): void {
  for (const url of urls) expect(url.length).toBeLessThanOrEqual(MAX_SEARCH_URL_LENGTH);
  for (const url of urls.slice(0, -1)) expect(url.length).toBeGreaterThan(MAX_SEARCH_URL_LENGTH - 64);
}

describe('fetchRecords', () => {
  it('maps a Shopify customer to the gateway record, times in UTC', async () => {
    const [anna, noAddress] = await connector.fetchRecords([id(6), id(9)]);
    expect(anna).toEqual({
      id: id(6),
      email: 'Shopper.6@Example.com',
      phone: phoneOf(6),
      firstName: 'First6',
      lastName: 'Last6',
      address: { street: '6 Rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' },
      ordersCount: 2,
      totalSpent: 100.25,
      currency: 'EUR',
      emailMarketingConsent: 'subscribed',
      emailMarketing: { state: 'subscribed', optInLevel: 'single_opt_in', updatedAt: null, collectedFrom: null },
      smsMarketing: { state: 'not_subscribed', optInLevel: 'single_opt_in', updatedAt: null, collectedFrom: 'OTHER' },
      tags: ['vip', 'newsletter'],
      createdAt: '2024-03-05T14:30:00.000Z',
      updatedAt: '2026-10-20T16:00:00.000Z',
    });
    expect(noAddress).toMatchObject({ email: null, address: null, emailMarketingConsent: null, tags: ['vip', 'newsletter'] });
  });

  it('asks for 250 ids per call, and never sends an id Shopify could not have', async () => {
    const ids = Array.from({ length: 300 }, (_, n) => id(n));
    const records = await connector.fetchRecords([...ids, 'gid://shopify/Customer/1', '0', '']);
    expect(records.slice(0, 300).map((r) => r?.id)).toEqual(ids);
    expect(records.slice(300)).toEqual([null, null, null]);
    expect(calls('customers.list')).toBe(2);
  });

  it('says which field of which customer is malformed, without its value', async () => {
    const population = buildTestPopulation(3);
    population.commerce.customers[1]!.total_spent = 'one hundred';
    const odd = await startShop(population);
    try {
      const error = await expectSourceError(odd.connect().fetchRecords([id(1)]));
      expect(error).toMatchObject({
        code: 'SOURCE_BAD_RESPONSE',
        detail: { operation: 'customers.list', problem: 'customers[0].total_spent: expected an amount (a decimal string)' },
      });
      expect(JSON.stringify(error)).not.toContain('one hundred');
    } finally {
      await odd.close();
    }
  });
});

describe('lookup', () => {
  it('finds emails and phones in one OR-ed search, each record once with its raw identifiers', async () => {
    const found = await connector.lookup([
      { type: 'email', value: 'shopper.3@example.com' },
      { type: 'phone', value: phoneOf(3) }, // the same customer again
      { type: 'phone', value: phoneOf(19) }, // a customer without email
    ]);
    expect(found).toEqual([
      {
        source: 'commerce',
        id: id(3),
        identifiers: [
          { type: 'commerce', value: id(3) },
          { type: 'email', value: 'Shopper.3@Example.com' },
          // The country of the default address, which reads a national number.
          { type: 'phone', value: phoneOf(3), country: 'FR' },
        ],
        name: { first: 'First3', last: 'Last3' },
      },
      {
        source: 'commerce',
        id: id(19),
        identifiers: [{ type: 'commerce', value: id(19) }, { type: 'phone', value: phoneOf(19) }],
        name: { first: 'First19', last: 'Last19' },
      },
    ]);
    expect(shop.simulator.stats().requests).toBe(1);
  });

  it('asks for the names with the identifiers, in searches and id reads alike, and gives them with each record', async () => {
    const fields: string[] = [];
    const pool = new Pool(shop.baseUrl);
    const dispatcher = pool.compose((dispatch) => (options, handler) => {
      fields.push(new URL(options.path, shop.baseUrl).searchParams.get('fields') ?? '');
      return dispatch(options, handler);
    });
    const recording = createCommerceConnector(
      { baseUrl: shop.baseUrl, timeoutMs: 2_000, connections: 4, accessToken: ACCESS_TOKEN, apiVersion: SHOPIFY_API_VERSION },
      { dispatcher },
    );
    try {
      const found = await recording.lookup([{ type: 'commerce', value: id(7) }, { type: 'email', value: 'shopper.8@example.com' }]);
      expect(fields).toHaveLength(2);
      for (const asked of fields) expect(asked.split(',')).toEqual(expect.arrayContaining(['id', 'email', 'phone', 'first_name', 'last_name']));
      expect(found.map((r) => ({ id: r.id, name: r.name }))).toEqual([
        { id: id(7), name: { first: 'First7', last: 'Last7' } },
        { id: id(8), name: { first: 'First8', last: 'Last8' } },
      ]);
    } finally {
      await pool.close();
    }
  });

  it('looks ids up by batch read, in parallel with the search', async () => {
    const found = await connector.lookup([
      { type: 'commerce', value: id(40) },
      { type: 'commerce', value: '424242' },
      { type: 'email', value: 'shopper.41@example.com' },
    ]);
    expect(found.map((r) => r.id).sort()).toEqual([id(40), id(41)]);
    expect(shop.simulator.stats().byRoute).toEqual({ 'customers.list': 1, 'customers.search': 1 });
  });

  it('fills each search up to the URL budget, emails and phones together: 99 of each cost 2 calls, not 4', async () => {
    const recorder = recordingConnector(shop);
    try {
      const people = Array.from({ length: 110 }, (_, n) => n + 200).filter((n) => emailOf(n) !== null);
      const identifiers = [
        ...people.map((n) => ({ type: 'email' as const, value: emailOf(n)!.toLowerCase() })),
        ...people.map((n) => ({ type: 'phone' as const, value: phoneOf(n) })),
      ];
      expect(identifiers).toHaveLength(198);
      const found = await recorder.connector.lookup(identifiers);
      expect(found.map((r) => r.id).sort()).toEqual(people.map(id).sort());
      expect(recorder.searches).toHaveLength(2);
      expectFullSearches(recorder.searches);
    } finally {
      await recorder.close();
    }
  });

  it('splits only when the URL is full: 400 emails cost 3 calls', async () => {
    const recorder = recordingConnector(shop);
    try {
      const emails = Array.from({ length: 400 }, (_, n) => ({ type: 'email' as const, value: `shopper.${n}@example.com` }));
      const found = await recorder.connector.lookup(emails);
      expect(found).toHaveLength(360); // every 10th customer has no email
      expect(recorder.searches).toHaveLength(3);
      expectFullSearches(recorder.searches);
    } finally {
      await recorder.close();
    }
  });

  it('follows the Link header when more than 250 customers match', async () => {
    const population = buildTestPopulation(300);
    for (const c of population.commerce.customers) c.phone = '+33100000000'; // one household line
    const household = await startShop(population);
    try {
      const found = await household.connect().lookup([{ type: 'phone', value: '+33100000000' }]);
      expect(found).toHaveLength(300);
      expect(household.simulator.stats().byRoute['customers.search']).toBe(2);
    } finally {
      await household.close();
    }
  });

  it('follows the Link header of a search whose URL is full', async () => {
    const population = buildTestPopulation(600);
    for (const c of population.commerce.customers.slice(0, 520)) c.phone = '+33100000000';
    const household = await startShop(population);
    const recorder = recordingConnector(household);
    try {
      // Unknown emails that all but fill the first URL; the household's phone goes last.
      const strangers = Array.from({ length: 138 }, (_, n) => ({ type: 'email' as const, value: `stranger.${n}@example.com` }));
      const found = await recorder.connector.lookup([{ type: 'phone', value: '+33100000000' }, ...strangers]);
      expect(found).toHaveLength(520);
      expect(recorder.searches).toHaveLength(3);
      expect(recorder.searches[0]!.length).toBeGreaterThan(MAX_SEARCH_URL_LENGTH - 100);
      // The next pages are Shopify's own Link URLs. The simulator's cursor carries the query, so
      // they are longer than the first (about 7 KiB here): the headroom the 6 KiB budget leaves.
      for (const next of recorder.searches.slice(1)) {
        expect(next).toContain('page_info=');
        expect(next.length).toBeLessThan(8 * 1024);
      }
    } finally {
      await recorder.close();
      await household.close();
    }
  });

  it('finds nothing, without error, for identifiers the shop does not know', async () => {
    expect(await connector.lookup([{ type: 'email', value: 'nobody@example.com' }])).toEqual([]);
  });
});

describe('ordersOf', () => {
  it('returns each customer its orders, newest first, each line with its product id, one call per customer', async () => {
    const [three, none, unknown, two] = await connector.ordersOf([id(3), id(4), 'not-an-id', id(2)], 100);
    expect(none).toEqual([]);
    expect(unknown).toEqual([]);
    expect(two!.map((o) => o.name)).toEqual(['#1021', '#1020']);
    // Settled (`paid`) orders are there too: the connector asks for status=any.
    expect(three!.map((o) => [o.name, o.financialStatus])).toEqual([
      ['#1032', 'partially_refunded'],
      ['#1031', 'pending'],
      ['#1030', 'paid'],
    ]);
    expect(three![1]).toMatchObject({ discountCodes: [], totalRefunded: 0 });
    expect(three![0]).toEqual({
      id: '9000032',
      name: '#1032',
      createdAt: '2026-10-31T12:00:00.000Z',
      totalPrice: 84.5,
      currency: 'EUR',
      financialStatus: 'partially_refunded',
      // The successful refund transaction only: the failed one moved no money.
      discountCodes: ['SPRING5'],
      discounts: [{ code: 'SPRING5', amount: 5, type: 'fixed_amount' }],
      totalRefunded: 24.5,
      lines: [
        { sku: 'SKU-6', name: 'Water bottle', productId: '6', quantity: 2, unitPrice: 30 },
        { sku: null, name: 'Wool socks', productId: '3', quantity: 1, unitPrice: 24.5 },
        { sku: 'TEE', name: 'Old tee', productId: '99', quantity: 1, unitPrice: 0 },
      ],
    });
    // No products call: categories are asked for only when a query selects them.
    expect(shop.simulator.stats().byRoute).toEqual({ 'orders.list': 3 });
  });

  it('asks the shop for the newest `limit` orders only', async () => {
    const [three] = await connector.ordersOf([id(3)], 2);
    expect(three!.map((o) => o.name)).toEqual(['#1032', '#1031']);
  });

  it('refuses a limit outside 1 to 100 before calling the shop', async () => {
    await expect(connector.ordersOf([id(3)], 0)).rejects.toThrow('ordersOf takes a limit from 1 to 100, got 0.');
    await expect(connector.ordersOf([id(3)], 101)).rejects.toThrow(RangeError);
    expect(shop.simulator.stats().byRoute).toEqual({});
  });
});

describe('productCategories', () => {
  it('reads the categories of distinct products in one call; a blank type is null, a deleted product absent', async () => {
    const categories = await connector.productCategories(['6', '3', '6', '7', '99', 'not-an-id']);
    expect(categories).toEqual(
      new Map([
        ['3', 'socks'],
        ['6', 'accessories'],
        ['7', null],
      ]),
    );
    expect(shop.simulator.stats().byRoute).toEqual({ 'products.list': 1 });
  });
});

describe('failures', () => {
  // A failure a test caused must not hold (Retry-After) or open (breaker) the next test's calls.
  afterEach(() => connector.calls?.resetGuard());

  it('maps refused credentials, rate limiting and server errors to SOURCE_UNAVAILABLE', async () => {
    const intruder = shop.connect({ accessToken: 'shpat_stolen' });
    await expect(intruder.fetchRecords([id(1)])).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', detail: { status: 401 } });
    for (const status of [429, 503]) {
      await shop.simulator.setFault({ kind: 'error', status });
      await expect(connector.ordersOf([id(1)], 10)).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', detail: { status } });
      // The 429's Retry-After (1 s) would hold the next call: this test is about the mapping.
      connector.calls?.resetGuard();
    }
    await shop.simulator.setFault({ kind: 'none' });
  });

  it('maps a 400 to SOURCE_BAD_RESPONSE: the connector sent something Shopify rejects', async () => {
    await shop.simulator.setFault({ kind: 'error', status: 400 });
    await expect(connector.lookup([{ type: 'email', value: 'a@b.c' }])).rejects.toMatchObject({
      code: 'SOURCE_BAD_RESPONSE',
      detail: { operation: 'customers.search', status: 400 },
    });
    await shop.simulator.setFault({ kind: 'none' });
  });

  it('reports the probe down, with the reason and without the token', async () => {
    expect(await connector.health()).toMatchObject({ status: 'up' });
    const health = await shop.connect({ accessToken: 'shpat_expired_token' }).health();
    expect(health).toEqual({ status: 'down', reason: expect.stringContaining('refused the gateway') });
    expect(JSON.stringify(health)).not.toContain('shpat_expired_token');
  });

  it('rejects a configuration it cannot use, naming the key', () => {
    const base = { baseUrl: 'https://my-shop.myshopify.com', timeoutMs: 1000, connections: 1 };
    expect(() => createCommerceConnector({ ...base, accessToken: 'x', apiVersion: '2026-02' })).toThrow(
      'Invalid e-commerce apiVersion "2026-02"',
    );
    expect(() => createCommerceConnector({ ...base, accessToken: ' ', apiVersion: '2026-07' })).toThrow(
      'Invalid e-commerce accessToken',
    );
  });
});

describe('simulator', () => {
  it("answers Shopify's 401 body to a wrong token", async () => {
    const res = await shop.get(`${V}/shop.json`, 'shpat_wrong');
    expect(res).toMatchObject({
      status: 401,
      body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
    });
  });

  it('answers 404 Not Found for another API version or an unknown path', async () => {
    for (const path of ['/admin/api/2019-04/customers.json', `${V}/customers/1/addresses.json`]) {
      expect(await shop.get(path)).toMatchObject({ status: 404, body: { errors: 'Not Found' } });
    }
  });

  it('answers 429 with Retry-After when rate limiting', async () => {
    await shop.simulator.setFault({ kind: 'error', status: 429 });
    const res = await shop.get(`${V}/shop.json`);
    await shop.simulator.setFault({ kind: 'none' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).toEqual({ errors: expect.stringContaining('Exceeded 2 calls per second') });
  });

  it('answers 400 with the parameter named for bad parameters', async () => {
    const cases: Array<[string, string]> = [
      [`${V}/customers.json?limit=251`, 'limit'],
      [`${V}/customers.json?ids=1,abc`, 'ids'],
      [`${V}/customers/search.json`, 'query'],
      [`${V}/customers/search.json?query=${encodeURIComponent('email:"unclosed')}`, 'query'],
      [`${V}/customers/search.json?page_info=garbage`, 'page_info'],
      [`${V}/orders.json?status=archived`, 'status'],
    ];
    for (const [path, param] of cases) {
      expect(await shop.get(path), path).toEqual({
        status: 400,
        headers: expect.anything(),
        body: { errors: { [param]: 'Required parameter missing or invalid' } },
      });
    }
  });

  it('searches emails without regard to case, phones by digits, and OR', async () => {
    const search = async (query: string): Promise<unknown> =>
      (await shop.get(`${V}/customers/search.json?fields=id&query=${encodeURIComponent(query)}`)).body;
    expect(await search('email:SHOPPER.7@EXAMPLE.COM')).toEqual({ customers: [{ id: customerId(7) }] });
    expect(await search(`phone:"${phoneOf(8)}" OR email:shopper.2@example.com`)).toEqual({
      customers: [{ id: customerId(2) }, { id: customerId(8) }],
    });
    expect(await search('email:shopper.2@example.com phone:+33100000000')).toEqual({ customers: [] });
    // Fields and comparators the simulator does not implement match nothing rather than everything.
    expect(await search('orders_count:>1')).toEqual({ customers: [] });
    expect(await search('accepts_marketing:true')).toEqual({ customers: [] });
  });

  it('serves at most `limit` orders: the connector gets the 100 newest, a bare call the default 50', async () => {
    const population: Population = buildTestPopulation(4);
    const template = population.commerce.orders[0]!;
    population.commerce.orders = Array.from({ length: 120 }, (_, k) => ({
      ...template,
      id: 1 + k,
      customer: { id: customerId(0) },
      created_at: new Date(Date.UTC(2026, 0, 1) + k * 3_600_000).toISOString(),
    }));
    const busy = await startShop(population);
    try {
      const [orders] = await busy.connect().ordersOf([id(0)], 100);
      expect(orders).toHaveLength(100);
      expect(orders![0]!.id).toBe('120');
      const page = await busy.get(`${V}/orders.json?status=any&customer_id=${customerId(0)}`);
      expect((page.body as { orders: unknown[] }).orders).toHaveLength(50);
    } finally {
      await busy.close();
    }
  });
});

it('never puts the access token in what it throws', async () => {
  await shop.simulator.setFault({ kind: 'malformed' });
  try {
    const error = await expectSourceError(connector.fetchRecords([id(1)]));
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(ACCESS_TOKEN);
  } finally {
    await shop.simulator.setFault({ kind: 'none' });
  }
});

describe('orderHistory', () => {
  // Two customers whose orders share seconds, written in no particular order: the simulator
  // lists them as Shopify does (newest first, one second's orders by id descending), the
  // journey wants one second's orders by id ascending.
  const A = customerId(0);
  const B = customerId(1);
  const at = (second: number): string => `2026-10-01T10:00:0${second}Z`;
  const ms = (second: number): number => Date.parse(at(second));
  const ORDERS: Array<[id: number, customer: number, second: number]> = [
    [104, A, 3],
    [101, A, 5],
    [103, A, 4],
    [106, A, 1],
    [102, A, 4],
    [105, A, 4],
    [202, B, 2],
    [200, B, 6],
    [201, B, 4],
  ];
  let history: TestShop;
  let reader: { connector: CommerceConnector; requests: Array<Record<string, string>>; close(): Promise<void> };

  beforeAll(async () => {
    const population = buildTestPopulation(4);
    const template = population.commerce.orders[0]!;
    population.commerce.orders = ORDERS.map(([id, customer, second]) => ({
      ...template,
      id,
      name: `#${id}`,
      customer: { id: customer },
      created_at: at(second),
      processed_at: at(second),
    }));
    history = await startShop(population);
    reader = ordersRecorder(history);
  });
  afterAll(async () => {
    await reader.close();
    await history.close();
  });
  beforeEach(() => {
    history.simulator.resetStats();
    reader.requests.length = 0;
  });
  afterEach(async () => {
    await history.simulator.setFault({ kind: 'none' });
  });

  const ids = (read: { items: Array<{ id: string }> }): string[] => read.items.map((o) => o.id);

  it("reads a customer's orders newest first, one second's orders by id, each with its customer as recordId, in one call", async () => {
    const read = await reader.connector.orderHistory([String(A)], { limit: 10 });
    expect(ids(read)).toEqual(['101', '102', '103', '105', '104', '106']);
    expect(read.exhausted).toBe(true);
    expect(read.items.map((o) => o.recordId)).toEqual(Array(6).fill(String(A)));
    expect(read.items[1]).toMatchObject({ name: '#102', createdAt: '2026-10-01T10:00:04.000Z', totalPrice: 84.5 });
    expect(reader.requests).toEqual([
      {
        customer_id: String(A),
        status: 'any',
        order: 'created_at desc',
        limit: '11',
        fields: 'id,name,created_at,total_price,currency,financial_status,line_items,discount_codes,refunds',
      },
    ]);
  });

  it("holds back a page's last second until the next page shows all its orders, following the Link with page_info, limit and fields only", async () => {
    // limit 1 asks for 2: 101 and 105; 105's second may go on, 101 alone is certain.
    const one = await reader.connector.orderHistory([String(A)], { limit: 1 });
    expect([ids(one), one.exhausted]).toEqual([['101'], false]);
    expect(history.simulator.stats().byRoute).toEqual({ 'orders.list': 1 });

    // limit 2 asks for 3: 101, 105, 103; the second at :04 is complete only on the next (and
    // last) page, 102, 104, 106.
    reader.requests.length = 0;
    const two = await reader.connector.orderHistory([String(A)], { limit: 2 });
    expect([ids(two), two.exhausted]).toEqual([['101', '102', '103', '105', '104', '106'], true]);
    expect(reader.requests).toHaveLength(2);
    expect(Object.keys(reader.requests[1]!).sort()).toEqual(['fields', 'limit', 'page_info']);
    expect(reader.requests[1]).toMatchObject({ limit: '3' });
  });

  it('starts at `from`, included, asking created_at_max at its second and dropping the orders of that second before it', async () => {
    const read = await reader.connector.orderHistory([String(A)], { from: { at: ms(4), id: '103' }, limit: 10 });
    expect([ids(read), read.exhausted]).toEqual([['103', '105', '104', '106'], true]);
    expect(reader.requests[0]).toMatchObject({ created_at_max: '2026-10-01T10:00:04+00:00' });
    expect(reader.requests[0]).not.toHaveProperty('created_at_min');
  });

  it('keeps to since and until, both included, sent as whole seconds that hold them', async () => {
    const read = await reader.connector.orderHistory([String(A)], { since: ms(2) - 500, until: ms(4) + 500, limit: 10 });
    expect([ids(read), read.exhausted]).toEqual([['102', '103', '105', '104'], true]);
    expect(reader.requests[0]).toMatchObject({
      created_at_min: '2026-10-01T10:00:02+00:00',
      created_at_max: '2026-10-01T10:00:04+00:00',
    });
    // `from` later than `until`: the earlier bound is the one sent.
    reader.requests.length = 0;
    await reader.connector.orderHistory([String(A)], { from: { at: ms(5), id: '101' }, until: ms(3), limit: 10 });
    expect(reader.requests[0]).toMatchObject({ created_at_max: '2026-10-01T10:00:03+00:00' });
  });

  it('merges two customers and stops where the first customer with more orders stopped', async () => {
    // A gives 101 (its :04 second held back), B gives 200 (its :04 held back): 101 could be
    // preceded by B's orders between :06 and :05 that B's read did not reach, so only 200 is sure.
    const first = await reader.connector.orderHistory([String(A), String(B)], { limit: 1 });
    expect([ids(first), first.exhausted]).toEqual([['200'], false]);
    expect(first.items[0]!.recordId).toBe(String(B));
    expect(history.simulator.stats().byRoute).toEqual({ 'orders.list': 2 });
  });

  it('pages through two customers, every order exactly once in journey order, until exhausted', async () => {
    const seen: string[] = [];
    let from: { at: number; id: string } | undefined;
    for (let page = 0; page < 20; page += 1) {
      const read = await reader.connector.orderHistory([String(A), String(B)], { ...(from ? { from } : {}), limit: 2 });
      // `from` is included: the caller drops the order it already has.
      const fresh = read.items.filter((o) => !(from && o.id === from.id));
      seen.push(...fresh.map((o) => o.id));
      const last = read.items[read.items.length - 1];
      if (read.exhausted || !last) break;
      from = { at: Date.parse(last.createdAt), id: last.id };
    }
    expect(seen).toEqual(['200', '101', '102', '103', '105', '201', '104', '202', '106']);
  });

  it('answers nothing, without a call, for ids that are not Shopify ids, and refuses a limit outside 1 to 250', async () => {
    expect(await reader.connector.orderHistory(['gid://shopify/Customer/1', ''], { limit: 5 })).toEqual({ items: [], exhausted: true });
    await expect(reader.connector.orderHistory([String(A)], { limit: 0 })).rejects.toThrow('orderHistory takes a limit from 1 to 250, got 0.');
    await expect(reader.connector.orderHistory([String(A)], { limit: 251 })).rejects.toThrow(RangeError);
    expect(history.simulator.stats().byRoute).toEqual({});
  });

  it("maps the shop's failures to SourceErrors: 503 unavailable, a malformed body a bad response", async () => {
    await history.simulator.setFault({ kind: 'error', status: 503 });
    await expect(reader.connector.orderHistory([String(A)], { limit: 5 })).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      detail: { operation: 'orders.list', status: 503 },
    });
    await history.simulator.setFault({ kind: 'malformed' });
    await expectSourceError(reader.connector.orderHistory([String(A)], { limit: 5 }), 'SOURCE_BAD_RESPONSE', 'commerce');
  });

  describe('the simulated orders.json', () => {
    const list = async (query: string): Promise<{ status: number; ids: unknown; link: unknown; body: unknown }> => {
      const res = await history.get(`${V}/orders.json?${query}`);
      const orders = (res.body as { orders?: Array<{ id: number }> }).orders;
      return { status: res.status, ids: orders?.map((o) => o.id), link: res.headers['link'], body: res.body };
    };

    it('lists newest first, one second by id descending; order=created_at asc reverses it; since_id lists by id ascending', async () => {
      expect((await list(`customer_id=${A}&status=any`)).ids).toEqual([101, 105, 103, 102, 104, 106]);
      expect((await list(`customer_id=${A}&status=any&order=created_at+asc`)).ids).toEqual([106, 104, 102, 103, 105, 101]);
      expect((await list(`customer_id=${A}&status=any&since_id=102`)).ids).toEqual([103, 104, 105, 106]);
      const byPath = await history.get(`${V}/customers/${B}/orders.json?status=any`);
      expect((byPath.body as { orders: Array<{ id: number }> }).orders.map((o) => o.id)).toEqual([200, 201, 202]);
    });

    it('keeps created_at_min and created_at_max, both included, with any offset', async () => {
      const bounded = await list(`customer_id=${A}&status=any&created_at_min=2026-10-01T12:00:03%2B02:00&created_at_max=2026-10-01T10:00:04Z`);
      expect(bounded.ids).toEqual([105, 103, 102, 104]);
    });

    it('pages with a Link header in Shopify\'s format: page_info then limit, rel="previous" and rel="next", none past the end', async () => {
      const first = await list(`customer_id=${A}&status=any&limit=2`);
      expect(first.ids).toEqual([101, 105]);
      const pageUrl = `http://127\\.0\\.0\\.1:\\d+${V.replace(/\//g, '\\/')}\\/orders\\.json\\?page_info=[A-Za-z0-9_-]+&limit=2`;
      expect(first.link).toMatch(new RegExp(`^<${pageUrl}>; rel="next"$`));
      const next = new URL(/^<([^>]+)>/.exec(String(first.link))![1]!);
      const second = await history.get(next.pathname + next.search);
      expect((second.body as { orders: Array<{ id: number }> }).orders.map((o) => o.id)).toEqual([103, 102]);
      expect(second.headers['link']).toMatch(new RegExp(`^<${pageUrl}>; rel="previous", <${pageUrl}>; rel="next"$`));
      const all = await list(`customer_id=${A}&status=any&limit=6`);
      expect(all.link).toBeUndefined();
    });

    it("answers Shopify's 400 to a filter beside page_info, a limit past 250 and a date that is not one", async () => {
      const first = await list(`customer_id=${A}&status=any&limit=2`);
      const pageInfo = /page_info=([^&>]+)/.exec(String(first.link))![1]!;
      expect(await list(`page_info=${pageInfo}&limit=2&fields=id`)).toMatchObject({ status: 200, ids: [103, 102] });
      expect((await list(`page_info=${pageInfo}&limit=2&created_at_min=2026-01-01`)).body).toEqual({
        errors: { created_at_min: 'created_at_min cannot be passed when page_info is present.' },
      });
      expect(await list(`page_info=${pageInfo}&status=any`)).toMatchObject({
        status: 400,
        body: { errors: { status: 'status cannot be passed when page_info is present.' } },
      });
      const forged = Buffer.from(JSON.stringify({ f: { status: 'any', order: 'created_at desc', ids: 7 }, o: 0 })).toString('base64url');
      expect(await list(`page_info=${forged}`)).toMatchObject({ status: 400, body: { errors: { page_info: 'Required parameter missing or invalid' } } });
      expect(await list(`customer_id=${A}&limit=251`)).toMatchObject({ status: 400, body: { errors: { limit: 'Required parameter missing or invalid' } } });
      expect(await list(`customer_id=${A}&created_at_max=yesterday`)).toMatchObject({
        status: 400,
        body: { errors: { created_at_max: 'Required parameter missing or invalid' } },
      });
    });
  });

  it('reads a 5,000-order customer with one request per page of 20, every order once', async () => {
    const population = buildTestPopulation(2);
    const template = population.commerce.orders[0]!;
    const start = Date.UTC(2020, 0, 1);
    population.commerce.orders = Array.from({ length: 5000 }, (_, k) => ({
      ...template,
      id: 1 + k,
      customer: { id: customerId(1) },
      created_at: new Date(start + k * 60_000).toISOString(),
    }));
    const busy = await startShop(population);
    try {
      const connector = busy.connect();
      const seen: string[] = [];
      let reads = 0;
      let from: { at: number; id: string } | undefined;
      for (;;) {
        const read = await connector.orderHistory([id(1)], { ...(from ? { from } : {}), limit: 20 });
        reads += 1;
        expect(busy.simulator.stats().byRoute['orders.list']).toBe(reads);
        seen.push(...read.items.filter((o) => !(from && o.id === from.id)).map((o) => o.id));
        const last = read.items[read.items.length - 1];
        if (read.exhausted || !last) break;
        from = { at: Date.parse(last.createdAt), id: last.id };
      }
      expect(seen).toHaveLength(5000);
      expect(seen.slice(0, 3)).toEqual(['5000', '4999', '4998']);
      expect(seen.slice(-2)).toEqual(['2', '1']);
      expect(new Set(seen).size).toBe(5000);
      // 20 per read, the first; 19 new and `from` again after it: ceil((5000 - 20) / 19) + 1 reads.
      expect(reads).toBe(264);
    } finally {
      await busy.close();
    }
  });
});

/** A connector to `testShop` that keeps the query of every orders.json request it sends. */
function ordersRecorder(testShop: TestShop): { connector: CommerceConnector; requests: Array<Record<string, string>>; close(): Promise<void> } {
  const requests: Array<Record<string, string>> = [];
  const pool = new Pool(testShop.baseUrl);
  const dispatcher = pool.compose((dispatch) => (options, handler) => {
    const url = new URL(options.path, testShop.baseUrl);
    if (url.pathname.endsWith('/orders.json')) requests.push(Object.fromEntries(url.searchParams));
    return dispatch(options, handler);
  });
  const connector = createCommerceConnector(
    { baseUrl: testShop.baseUrl, timeoutMs: 2_000, connections: 4, accessToken: ACCESS_TOKEN, apiVersion: SHOPIFY_API_VERSION },
    { dispatcher },
  );
  return { connector, requests, close: () => pool.close() };
}

describe('recordIds (the population sample frame)', () => {
  /** Every page of `recordIds(…, limit)` of `source`, from the first to the one with no `next`. */
  async function allPages(source: CommerceConnector, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let page: string | null = null;
    do {
      const read: { ids: string[]; next: string | null } = await source.recordIds(page, limit);
      pages.push(read.ids);
      page = read.next;
    } while (page !== null && pages.length < 1_000);
    return pages;
  }

  it('reads every customer once, in id order, one call a page, asking for the id field only and nothing else beside page_info', async () => {
    const paths: string[] = [];
    const pool = new Pool(shop.baseUrl);
    const dispatcher = pool.compose((dispatch) => (options, handler) => {
      paths.push(options.path);
      return dispatch(options, handler);
    });
    const recording = createCommerceConnector(
      { baseUrl: shop.baseUrl, timeoutMs: 2_000, connections: 2, accessToken: ACCESS_TOKEN, apiVersion: SHOPIFY_API_VERSION },
      { dispatcher },
    );
    try {
      const pages = await allPages(recording, 250);
      expect(pages.map((ids) => ids.length)).toEqual([250, 250, 100]);
      expect(pages.flat()).toEqual(Array.from({ length: 600 }, (_, n) => id(n)));
      expect(calls('customers.list')).toBe(3);
      const queries = paths.map((path) => new URL(path, shop.baseUrl));
      expect(queries.map((url) => url.pathname)).toEqual([`${V}/customers.json`, `${V}/customers.json`, `${V}/customers.json`]);
      expect(Object.fromEntries(queries[0]!.searchParams)).toEqual({ limit: '250', fields: 'id' });
      for (const url of queries.slice(1)) expect([...url.searchParams.keys()]).toEqual(['page_info', 'limit', 'fields']);
    } finally {
      await recording.close();
      await pool.close();
    }
  });

  it('continues from a token with another page size, and ends with no next after the last customer', async () => {
    const first = await connector.recordIds(null, 100);
    expect(first.ids).toEqual(Array.from({ length: 100 }, (_, n) => id(n)));
    const second = await connector.recordIds(first.next, 250);
    expect(second.ids).toEqual(Array.from({ length: 250 }, (_, n) => id(100 + n)));
    const last = await connector.recordIds(second.next, 250);
    expect(last).toEqual({ ids: Array.from({ length: 250 }, (_, n) => id(350 + n)), next: null });
  });

  it.each([0, 251, 2.5, Number.NaN])('refuses a limit of %s before calling the shop', async (limit) => {
    await expect(connector.recordIds(null, limit)).rejects.toThrow(new RangeError(`recordIds takes a limit from 1 to 250, got ${limit}.`));
    expect(calls('customers.list')).toBe(0);
  });

  it('refuses an empty token before calling the shop', async () => {
    await expect(connector.recordIds('', 10)).rejects.toThrow(RangeError);
    expect(calls('customers.list')).toBe(0);
  });

  it("maps the shop's failures to SourceErrors of customers.list: down and 503 unavailable, malformed and a refused token a bad response", async () => {
    await shop.simulator.setFault({ kind: 'error', status: 503 });
    const failing = await expectSourceError(connector.recordIds(null, 10), 'SOURCE_UNAVAILABLE', 'commerce');
    expect(failing.detail).toMatchObject({ operation: 'customers.list', status: 503 });
    await shop.simulator.setFault({ kind: 'malformed' });
    await expectSourceError(connector.recordIds(null, 10), 'SOURCE_BAD_RESPONSE', 'commerce');
    await shop.simulator.setFault({ kind: 'down' });
    await expectSourceError(connector.recordIds(null, 10), 'SOURCE_UNAVAILABLE', 'commerce');
    await shop.simulator.setFault({ kind: 'none' });
    const refused = await expectSourceError(connector.recordIds('forged-page-info', 10), 'SOURCE_BAD_RESPONSE', 'commerce');
    expect(refused.detail).toMatchObject({ operation: 'customers.list', status: 400 });
  });

  it("gives a generated population file's customer ids, each once, whatever the page size", async () => {
    const population = generatePopulation({ seed: 7, size: 200, now: CONTRACT_NOW });
    const generated = await startShop(population);
    try {
      const source = generated.connect();
      const expected = population.commerce.customers.map((c) => String(c.id)).sort();
      for (const limit of [7, 250]) {
        const ids = (await allPages(source, limit)).flat();
        expect(ids).toHaveLength(111);
        expect([...ids].sort()).toEqual(expected);
      }
    } finally {
      await generated.close();
    }
  });

  describe('the simulated customers.json', () => {
    it('answers fields=id with the ids alone, and pages the whole list with a Link header', async () => {
      const first = await shop.get(`${V}/customers.json?limit=2&fields=id`);
      expect(first.body).toEqual({ customers: [{ id: customerId(0) }, { id: customerId(1) }] });
      const pageUrl = `http://127\\.0\\.0\\.1:\\d+${V.replace(/\//g, '\\/')}\\/customers\\.json\\?page_info=[A-Za-z0-9_-]+&limit=2&fields=id`;
      expect(first.headers['link']).toMatch(new RegExp(`^<${pageUrl}>; rel="next"$`));
      const next = new URL(/^<([^>]+)>/.exec(String(first.headers['link']))![1]!);
      const second = await shop.get(next.pathname + next.search);
      expect(second.body).toEqual({ customers: [{ id: customerId(2) }, { id: customerId(3) }] });
      expect(second.headers['link']).toMatch(new RegExp(`^<${pageUrl}>; rel="previous", <${pageUrl}>; rel="next"$`));
    });

    it("answers Shopify's 400 to a filter beside page_info, and to a page_info it did not write", async () => {
      const first = await shop.get(`${V}/customers.json?limit=2`);
      const pageInfo = /page_info=([^&>]+)/.exec(String(first.headers['link']))![1]!;
      expect((await shop.get(`${V}/customers.json?page_info=${pageInfo}&since_id=5`)).body).toEqual({
        errors: { since_id: 'since_id cannot be passed when page_info is present.' },
      });
      expect(await shop.get(`${V}/customers.json?page_info=garbage`)).toMatchObject({
        status: 400,
        body: { errors: { page_info: 'Required parameter missing or invalid' } },
      });
    });
  });
});

describe('a huge page', () => {
  it('answers a search page of 200,000 customers with SOURCE_BAD_RESPONSE naming the page and the limit, not a RangeError of the call stack', async () => {
    // A valid Shopify answer, far longer than the 250 a page holds: 200,000 items overflowed
    // `found.push(...page)` (RangeError: Maximum call stack size exceeded), which answered the
    // whole customer null. About 6 MB: under the 16 MB cap on an answer.
    const page = JSON.stringify({ customers: Array.from({ length: 200_000 }, (_, i) => ({ id: i + 1, email: `c${i}@example.com` })) });
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(page);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const huge = createCommerceConnector({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 5_000,
      connections: 1,
      maxResponseBytes: 16 * 1024 * 1024,
      accessToken: ACCESS_TOKEN,
      apiVersion: SHOPIFY_API_VERSION,
    });
    try {
      const error = await expectSourceError(huge.lookup([{ type: 'email', value: 'c1@example.com' }]), 'SOURCE_BAD_RESPONSE', 'commerce');
      expect(error.message).toBe(
        'The e-commerce platform (commerce) sent a response the gateway could not read: a page of 200000 customers, more than the 250 a page holds.',
      );
    } finally {
      await huge.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
