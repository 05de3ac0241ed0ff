/**
 * customer(id:) through real HTTP: gateway -> connectors -> simulators.
 */
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import { personIn, recordOf, useStack } from '../support/stack.js';
import { EXAMPLE_OPERATION } from '../../src/server/server.js';
import { bearer, TEST_API_KEYS } from '../support/auth.js';

const SECTIONS = `
  id
  sourceRecords { source id: recordId }
  identities { type value source }
  crm { id email firstName lastName phone }
  loyalty { id cardNumber tier activePoints transactions(limit: 2) { id purchasedAt grossValue lines { sku category } } }
  commerce { id email ordersCount orders(limit: 2) { id name totalPrice lines { sku category } } }
  analytics { id userId visitCount visits(limit: 2) { id startedAt channel } }
`;
const CUSTOMER = `query ($id: ID!) { customer(id: $id) { ${SECTIONS} } }`;

// Each test starts cold: healthy silos, zeroed call counts, an empty identity-link cache.
const stack = useStack();

describe('customer(id:) by source record key', () => {
  it.each(['crm', 'loyalty', 'commerce', 'analytics'] as Source[])('answers %s:<id> with that record, fetched live', async (source) => {
    const person = personIn(stack.population, [source]);
    const id = recordOf(person, source);
    const { status, body } = await stack.query(CUSTOMER, { id: `${source}:${id}` });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer;
    expect(customer.id).toMatch(/^cus_/);
    expect(customer.sourceRecords).toContainEqual({ source, id });
    expect(customer[source].map((r: { id: string }) => r.id)).toContain(id);
    expect(stack.demo.simulators[source].stats().requests).toBeGreaterThan(0);
  });

  it("returns a CRM contact's email and first name and a shop customer's orders count as the silos hold them", async () => {
    const person = personIn(stack.population, ['crm', 'commerce']);
    const crmId = recordOf(person, 'crm');
    const contact = stack.population.crm.contacts.find((c) => c.id === crmId)!;
    const shopId = recordOf(person, 'commerce');
    const shopCustomer = stack.population.commerce.customers.find((c) => String(c.id) === shopId)!;
    const { body } = await stack.query(CUSTOMER, { id: `crm:${crmId}` });
    const customer = body.data!.customer;
    expect(customer.crm).toContainEqual(expect.objectContaining({ id: crmId, email: contact.properties.email, firstName: contact.properties.firstname }));
    expect(customer.commerce).toContainEqual(expect.objectContaining({ id: shopId, ordersCount: shopCustomer.orders_count }));
  });

  it('gives the same customer back for its golden id', async () => {
    const person = personIn(stack.population, ['crm', 'loyalty']);
    const first = await stack.query(CUSTOMER, { id: `loyalty:${recordOf(person, 'loyalty')}` });
    const golden = first.body.data!.customer.id;
    const again = await stack.query(CUSTOMER, { id: golden });
    expect(again.body.data!.customer.id).toBe(golden);
    expect(again.body.data!.customer.sourceRecords).toEqual(expect.arrayContaining(first.body.data!.customer.sourceRecords));
  });

  it('answers null, not an error, for a record no silo knows', async () => {
    for (const id of ['crm:999999999', 'loyalty:00000000-0000-4000-8000-000000000000', 'commerce:1', 'analytics:ffffffffffffffff']) {
      const { body } = await stack.query(CUSTOMER, { id });
      expect(body, id).toEqual({ data: { customer: null } });
    }
  });
});

describe('orders and their line categories', () => {
  /** Shop customers with at least `count` orders whose lines name a product, newest orders first. */
  function shoppers(count: number): Array<{ shopId: string; orders: string[] }> {
    const byCustomer = new Map<string, Array<{ name: string; createdAt: number }>>();
    for (const order of stack.population.commerce.orders) {
      if (!order.customer || !order.line_items.some((l) => l.product_id !== null)) continue;
      const list = byCustomer.get(String(order.customer.id)) ?? [];
      list.push({ name: order.name, createdAt: Date.parse(order.created_at) });
      byCustomer.set(String(order.customer.id), list);
    }
    return [...byCustomer]
      .filter(([, orders]) => orders.length >= count)
      .map(([shopId, orders]) => ({ shopId, orders: orders.sort((a, b) => b.createdAt - a.createdAt).map((o) => o.name) }));
  }
  const shop = () => stack.demo.simulators.commerce;

  it('brings the newest `limit` orders, and calls for no product when no line category is selected', async () => {
    const [shopper] = shoppers(3);
    const { body } = await stack.query(`{ customer(id: "commerce:${shopper!.shopId}") { commerce { orders(limit: 2) { name lines { sku name } } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.customer.commerce[0].orders.map((o: { name: string }) => o.name)).toEqual(shopper!.orders.slice(0, 2));
    expect(shop().stats().byRoute['orders.list']).toBe(1);
    expect(shop().stats().byRoute['products.list']).toBeUndefined();
  });

  it('fetches the categories of every selected line of a request in one products call', async () => {
    const ids = shoppers(2).slice(0, 3).map((s) => `commerce:${s.shopId}`);
    const { body } = await stack.query(`query ($ids: [ID!]!) { customers(ids: $ids) { commerce { orders(limit: 5) { lines { category } } } } }`, { ids });
    expect(body.errors).toBeUndefined();
    const categories = body.data!.customers.flatMap((c: any) => c.commerce.flatMap((s: any) => s.orders.flatMap((o: any) => o.lines.map((l: any) => l.category))));
    expect(categories.filter((c: unknown) => typeof c === 'string').length).toBeGreaterThan(0);
    expect(shop().stats().byRoute['products.list']).toBe(1);
  });

  it('keeps the orders when the products call fails: categories null, one error for the shop', async () => {
    const [shopper] = shoppers(2);
    shop().setRouteFault('products.list', { kind: 'error', status: 500 });
    const { body } = await stack.query(`{ customer(id: "commerce:${shopper!.shopId}") { commerce { orders(limit: 2) { name lines { name category } } } } }`);
    const orders = body.data!.customer.commerce[0].orders;
    expect(orders.map((o: { name: string }) => o.name)).toEqual(shopper!.orders.slice(0, 2));
    expect(orders.flatMap((o: any) => o.lines.map((l: any) => l.category)).every((c: unknown) => c === null)).toBe(true);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('(commerce)'),
        path: ['customer', 'commerce', 0, 'orders', expect.any(Number), 'lines', expect.any(Number), 'category'],
        extensions: { code: 'SOURCE_UNAVAILABLE', source: 'commerce' },
      }),
    ]);
    expectNothingLeaked(JSON.stringify(body));
  });
});

describe('bad input', () => {
  it.each(['foo', 'crm:', 'erp:12', ':12', 'email:nobody'])('refuses "%s" with BAD_USER_INPUT listing the accepted forms', async (id) => {
    const { body } = await stack.query(CUSTOMER, { id });
    expect(body.data).toEqual({ customer: null });
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(error!.path).toEqual(['customer']);
    expect(error!.message).toContain('Accepted: `crm:<HubSpot contact id>`, `loyalty:<Open Loyalty member id>`, `commerce:<Shopify customer id>`');
    expect(Object.values(stack.demo.simulators).every((s) => s.stats().requests === 0)).toBe(true);
  });

  it('refuses a limit outside 1..100 on a nested list', async () => {
    const person = personIn(stack.population, ['loyalty']);
    const { body } = await stack.query(`{ customer(id: "loyalty:${recordOf(person, 'loyalty')}") { loyalty { transactions(limit: 500) { id } } } }`);
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(body.errors![0]!.message).toBe('limit must be a whole number from 1 to 100, got 500.');
  });
});

describe('a failing silo', () => {
  const cases = [
    { mode: 'slow past the timeout', fault: { kind: 'slow', ms: 1500 }, code: 'SOURCE_TIMEOUT' },
    { mode: 'hanging', fault: { kind: 'hang' }, code: 'SOURCE_TIMEOUT' },
    { mode: 'down', fault: { kind: 'down' }, code: 'SOURCE_UNAVAILABLE' },
    { mode: 'answering 500', fault: { kind: 'error', status: 500 }, code: 'SOURCE_UNAVAILABLE' },
    { mode: 'answering 429', fault: { kind: 'error', status: 429 }, code: 'SOURCE_UNAVAILABLE' },
    { mode: 'answering malformed bodies', fault: { kind: 'malformed' }, code: 'SOURCE_BAD_RESPONSE' },
  ] as const;

  it.each(cases)('loyalty $mode: its section is null with $code, the other sections come back', async ({ fault, code }) => {
    const person = personIn(stack.population, ['crm', 'loyalty', 'commerce']);
    const crmId = recordOf(person, 'crm');
    const healthy = await stack.query(CUSTOMER, { id: `crm:${crmId}` });
    expect(healthy.body.data!.customer.loyalty.length).toBeGreaterThan(0);

    await stack.demo.simulators.loyalty.setFault(fault);
    const { status, body } = await stack.query(CUSTOMER, { id: `crm:${crmId}` });
    expect(status).toBe(200);
    const customer = body.data!.customer;
    expect(customer.loyalty).toBeNull();
    expect(customer.crm).toEqual(healthy.body.data!.customer.crm);
    expect(customer.commerce).toEqual(healthy.body.data!.customer.commerce);
    expect(body.errors).toEqual([
      {
        message: expect.stringContaining('(loyalty)'),
        path: ['customer', 'loyalty'],
        locations: expect.any(Array),
        extensions: { code, source: 'loyalty' },
      },
    ]);
    expectNothingLeaked(JSON.stringify(body));
    // Operators get the detail in the log: which silo, which code, which call; still no secret.
    const logged = stack.logs.filter((line) => line.includes('silo call failed')).map((line) => JSON.parse(line));
    expect(logged).toContainEqual(expect.objectContaining({ level: 'warn', code, source: 'loyalty', operation: expect.any(String) }));
    expectNothingLeaked(stack.logs.join('\n'));
  });

  it('makes the customer null with the error when the silo of the given id fails', async () => {
    const person = personIn(stack.population, ['crm']);
    await stack.demo.simulators.crm.setFault({ kind: 'down' });
    const { body } = await stack.query(CUSTOMER, { id: `crm:${recordOf(person, 'crm')}` });
    expect(body.data).toEqual({ customer: null });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['customer'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'crm' } }),
    ]);
  });
});

describe('the HTTP endpoint', () => {
  it('serves Apollo Sandbox with the example operation on GET', async () => {
    const res = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('sourceRecords');
    // Sandbox's usage telemetry to Apollo is off.
    expect(html).toContain('"runTelemetry":false');
    expect(html).not.toContain('"runTelemetry":true');
  });

  it("runs Sandbox's example operation without an error, the journey's first page included", async () => {
    const person = personIn(stack.population, ['crm', 'loyalty', 'commerce']);
    const { status, body } = await stack.query(EXAMPLE_OPERATION, { id: `crm:${recordOf(person, 'crm')}` });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer as { journey: { edges: unknown[] }; journeySummary: { touchpoints: number } };
    expect(customer.journey.edges.length).toBe(5);
    expect(customer.journeySummary.touchpoints).toBeGreaterThanOrEqual(5);
  });

  // Silo health (/health, /health/silos) and the other probes: probes.test.ts.

  it('refuses a body over 1 MiB with a 413 that says so', async () => {
    const query = `{ __typename }${' '.repeat(1024 * 1024)}`;
    const res = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(TEST_API_KEYS.full.key) }, body: JSON.stringify({ query }) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'The request body is larger than 1,048,576 bytes, the limit (MAX_REQUEST_BYTES): send a shorter operation, or fewer ids per request.',
          extensions: { code: 'REQUEST_TOO_LARGE', limit: 1_048_576 },
        },
      ],
    });
  });

  it('refuses a body that is not JSON with a 400 that says so', async () => {
    const res = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(TEST_API_KEYS.full.key) }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  });
});

function expectNothingLeaked(text: string): void {
  for (const secret of ['pat-demo-crm-token', 'demo-loyalty-password', 'shpat_demo', 'demo0analytics0token', 'stacktrace', '    at ']) {
    expect(text).not.toContain(secret);
  }
}
