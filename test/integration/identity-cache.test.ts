/**
 * The identity-link cache and batching, counted at the simulators over real HTTP.
 */
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import { personIn, recordOf, useStack } from '../support/stack.js';
import { TEST_API_KEYS } from '../support/auth.js';

// Each test starts cold: healthy silos, zeroed call counts, an empty identity-link cache.
const stack = useStack({ size: 400 });

const SOURCES: Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];
const callsBySilo = () => Object.fromEntries(SOURCES.map((s) => [s, stack.demo.simulators[s].stats().requests])) as Record<Source, number>;
const totalCalls = () => Object.values(callsBySilo()).reduce((a, b) => a + b, 0);
const resetCounts = () => SOURCES.forEach((s) => stack.demo.simulators[s].resetStats());

const IDS_ONLY = `query ($id: ID!) { customer(id: $id) { id sourceRecords { source id: recordId } } }`;

describe('identity-link cache', () => {
  it('answers a warm customer(id) with no lookup call at all, and only the data calls its fields need', async () => {
    const person = personIn(stack.population, ['crm', 'loyalty', 'commerce']);
    const id = `crm:${recordOf(person, 'crm')}`;
    const cold = await stack.query(IDS_ONLY, { id });
    expect(totalCalls()).toBeGreaterThan(0);

    resetCounts();
    const warm = await stack.query(IDS_ONLY, { id });
    expect(warm.body).toEqual(cold.body);
    expect(callsBySilo()).toEqual({ crm: 0, loyalty: 0, commerce: 0, analytics: 0 });

    const loyaltyOnly = await stack.query(`query ($id: ID!) { customer(id: $id) { loyalty { tier } } }`, { id });
    expect(loyaltyOnly.body.errors).toBeUndefined();
    expect(callsBySilo()).toMatchObject({ crm: 0, commerce: 0, analytics: 0 });
    expect(callsBySilo().loyalty).toBeGreaterThan(0);
  });

  it('answers warm from any identifier of the customer, not only the one it was resolved from', async () => {
    const person = personIn(stack.population, ['crm', 'commerce', 'analytics']);
    const cold = await stack.query(IDS_ONLY, { id: `crm:${recordOf(person, 'crm')}` });
    resetCounts();
    for (const source of ['commerce', 'analytics'] as const) {
      const warm = await stack.query(IDS_ONLY, { id: `${source}:${recordOf(person, source)}` });
      expect(warm.body.data!.customer.id).toBe(cold.body.data!.customer.id);
    }
    const golden = await stack.query(IDS_ONLY, { id: cold.body.data!.customer.id });
    expect(golden.body.data!.customer.sourceRecords).toEqual(cold.body.data!.customer.sourceRecords);
    expect(totalCalls()).toBe(0);
  });

  it('makes one resolution for 100 concurrent cold requests for one person', async () => {
    const person = personIn(stack.population, ['crm', 'loyalty', 'commerce'], 1);
    const id = `crm:${recordOf(person, 'crm')}`;
    await stack.query(IDS_ONLY, { id });
    const oneResolution = callsBySilo();

    await stack.reset();
    const answers = await Promise.all(Array.from({ length: 100 }, () => stack.query(IDS_ONLY, { id })));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(callsBySilo()).toEqual(oneResolution);
  });

  it('remembers an unknown identifier: asked again at once, it makes no call', async () => {
    await stack.query(IDS_ONLY, { id: 'email:nobody.at.all@example.org' });
    expect(totalCalls()).toBeGreaterThan(0);
    resetCounts();
    const again = await stack.query(IDS_ONLY, { id: 'email:nobody.at.all@example.org' });
    expect(again.body).toEqual({ data: { customer: null } });
    expect(totalCalls()).toBe(0);
  });

  it('does not cache a customer resolved while a silo was down', async () => {
    const person = personIn(stack.population, ['crm', 'loyalty'], 2);
    const id = `crm:${recordOf(person, 'crm')}`;
    await stack.demo.simulators.loyalty.setFault({ kind: 'down' });
    const partial = await stack.query(`query ($id: ID!) { customer(id: $id) { sourceRecords { source } loyalty { id } } }`, { id });
    expect(partial.body.data!.customer.loyalty).toBeNull();
    await stack.demo.simulators.loyalty.setFault({ kind: 'none' });
    resetCounts();
    const healed = await stack.query(`query ($id: ID!) { customer(id: $id) { sourceRecords { source } loyalty { id } } }`, { id });
    expect(healed.body.errors).toBeUndefined();
    expect(healed.body.data!.customer.loyalty.length).toBeGreaterThan(0);
    expect(callsBySilo().crm).toBeGreaterThan(0);
  });
});

describe('customers(ids:)', () => {
  const QUERY = `query ($ids: [ID!]!) { customers(ids: $ids) { id sourceRecords { source id: recordId } } }`;

  it('answers in the order of ids, null where unknown, the same customer for two of its ids', async () => {
    const a = personIn(stack.population, ['crm', 'commerce'], 3);
    const b = personIn(stack.population, ['loyalty'], 4);
    const ids = [`crm:${recordOf(a, 'crm')}`, 'crm:999999999', `loyalty:${recordOf(b, 'loyalty')}`, `commerce:${recordOf(a, 'commerce')}`];
    const { body } = await stack.query(QUERY, { ids });
    expect(body.errors).toBeUndefined();
    const [first, unknown, second, again] = body.data!.customers;
    expect(unknown).toBeNull();
    expect(first.sourceRecords).toContainEqual({ source: 'crm', id: recordOf(a, 'crm') });
    expect(second.sourceRecords).toContainEqual({ source: 'loyalty', id: recordOf(b, 'loyalty') });
    expect(again.id).toBe(first.id);
  });

  it('resolves 100 ids with at most 4 lookup requests to crm, commerce and analytics and 9 to loyalty in all', async () => {
    const people = stack.population.truth.filter((t) => t.records.some((r) => r.source === 'crm')).slice(0, 80);
    const ids = people.map((p) => `crm:${recordOf(p, 'crm')}`);
    const withDuplicates = [...ids, ...ids.slice(0, 20)];
    const { body } = await stack.query(QUERY, { ids: withDuplicates });
    expect(body.errors).toBeUndefined();
    expect(body.data!.customers).toHaveLength(100);
    expect(body.data!.customers.every((c: unknown) => c !== null)).toBe(true);
    const rounds = 4; // IDENTITY_MAX_ROUNDS in the test settings
    const calls = callsBySilo();
    expect(calls.crm).toBeLessThanOrEqual(rounds);
    expect(calls.commerce).toBeLessThanOrEqual(rounds);
    expect(calls.analytics).toBeLessThanOrEqual(rounds);
    // Open Loyalty ANDs its filters: an email and a phone cannot share a call; plus one login.
    expect(calls.loyalty).toBeLessThanOrEqual(2 * rounds + 1);
  });

  it('refuses more than 100 ids before calling any silo', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `crm:${i + 1}`);
    const { body } = await stack.query(QUERY, { ids });
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(body.errors![0]!.message).toBe('customers(ids:) takes at most 100 ids, got 101. Split the list.');
    expect(totalCalls()).toBe(0);
  });

  it('names every malformed id by its index, failing its own slot only', async () => {
    const { body } = await stack.query(QUERY, { ids: ['crm:999999999', 'nope', 'email:'] });
    expect(body.data).toEqual({ customers: [null, null, null] });
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['customers', 1], 'BAD_USER_INPUT'],
      [['customers', 2], 'BAD_USER_INPUT'],
    ]);
    expect(body.errors![0]!.message).toMatch(/^ids\[1\]: The id "nope" has no type prefix/);
    expect(body.errors![1]!.message).toMatch(/^ids\[2\]: The id "email:" has an empty email value/);
    // Only the well-formed id was looked up.
    expect(totalCalls()).toBeGreaterThan(0);
  });
});

describe('evictCustomer', () => {
  const EVICT = `mutation ($id: ID!) { evictCustomer(id: $id) { evictedIdentifiers } }`;
  const post = (token: string | undefined, variables: Record<string, unknown>) =>
    fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: EVICT, variables }),
    }).then((r) => r.json() as Promise<{ data?: any; errors?: Array<{ extensions: { code: string }; message: string }> }>);

  it('refuses evictCustomer with UNAUTHENTICATED without credentials or with an unknown key, and FORBIDDEN without the admin scope', async () => {
    for (const token of [undefined, 'cgw_not-a-key-of-this-gateway']) {
      const body = await post(token, { id: 'crm:1' });
      expect(body.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
    const withoutAdmin = await post(TEST_API_KEYS.pii.key, { id: 'crm:1' });
    expect(withoutAdmin.errors![0]!.extensions.code).toBe('FORBIDDEN');
  });

  it('evicts more than two cached identifiers of the customer, so the next request resolves live, and none for an unknown id', async () => {
    const person = personIn(stack.population, ['crm', 'commerce'], 5);
    await stack.query(IDS_ONLY, { id: `crm:${recordOf(person, 'crm')}` });
    const evicted = await post(TEST_API_KEYS.admin.key, { id: `commerce:${recordOf(person, 'commerce')}` });
    expect(evicted.data.evictCustomer.evictedIdentifiers).toBeGreaterThan(2);
    resetCounts();
    await stack.query(IDS_ONLY, { id: `crm:${recordOf(person, 'crm')}` });
    expect(totalCalls()).toBeGreaterThan(0);
    const again = await post(TEST_API_KEYS.admin.key, { id: 'crm:999999999' });
    expect(again.data.evictCustomer.evictedIdentifiers).toBe(0);
  });
});
