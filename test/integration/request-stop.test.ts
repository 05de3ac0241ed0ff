/**
 * A stopped request (its client gone, its deadline passed) makes none of a connector's follow-up
 * calls either (issue 16): the search after the loyalty login, the next Matomo, Shopify or HubSpot page. Through
 * real HTTP, counted at the simulators. Before, a connector call already out ran its own steps to
 * the end: the login's `member.list` and the second `filter_offset` page still went out.
 */
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import { bearer, TEST_API_KEYS } from '../support/auth.js';
import { PopulationEdit } from '../support/population-edit.js';
import { personIn, recordOf, useStack, type Stack } from '../support/stack.js';

const SILOS: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

function siloCalls(stack: Stack): Record<Source, number> {
  return Object.fromEntries(SILOS.map((s) => [s, stack.demo.simulators[s].stats().requests])) as Record<Source, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `query` and closes the connection after `afterMs`, as a client that gives up does. */
async function askAndLeave(stack: Stack, query: string, variables: Record<string, unknown>, afterMs: number): Promise<void> {
  const abort = new AbortController();
  const request = fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(TEST_API_KEYS.full.key) },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  }).catch((error: unknown) => error);
  await sleep(afterMs);
  abort.abort();
  await request;
}

describe('a client that leaves while the loyalty connector logs in', () => {
  // Its own stack: the connector logs in once and keeps its token, so this must be its first call.
  const stack = useStack({ size: 60, timeoutMs: 3000 });

  it('gets no member.list sent after the login answers: 1 admin.loginCheck, 0 member.list, no other silo called', async () => {
    const member = recordOf(personIn(stack.population, ['loyalty']), 'loyalty');
    // The login answers at 600 ms; the client leaves at 200 ms, while it is out.
    stack.demo.simulators.loyalty.setRouteFault('admin.loginCheck', { kind: 'slow', ms: 600 });
    await askAndLeave(stack, 'query ($id: ID!) { customer(id: $id) { loyalty { tier } } }', { id: `loyalty:${member}` }, 200);
    expect(stack.demo.simulators.loyalty.stats().byRoute).toEqual({ 'admin.loginCheck': 1 });
    // The login's answer plus a margin in which the member search would have gone out.
    await sleep(900);
    expect(stack.demo.simulators.loyalty.stats().byRoute).toEqual({ 'admin.loginCheck': 1 });
    expect(siloCalls(stack)).toEqual({ crm: 0, loyalty: 1, commerce: 0, analytics: 0 });
    expect(stack.logs.some((line) => line.includes('REQUEST_ABORTED'))).toBe(true);
    // The token it got is kept: the next request reads the member with one call, no login.
    await stack.reset();
    const { body } = await stack.query('query ($id: ID!) { customer(id: $id) { loyalty { tier } } }', { id: `loyalty:${member}` });
    expect(body.errors).toBeUndefined();
    expect(stack.demo.simulators.loyalty.stats().byRoute['admin.loginCheck']).toBeUndefined();
  });
});

/** A device with 600 anonymous visits: a lookup of it reads two `filter_offset` pages of 500. */
const BUSY_DEVICE = 'f00dfeedcafe0001';

describe('a request stopped while a paged Matomo read is on its first page', () => {
  const stack = useStack({
    size: 60,
    timeoutMs: 3000,
    prepare: (population) => {
      const edit = new PopulationEdit(population);
      edit.person([edit.visitor(BUSY_DEVICE, Array<null>(600).fill(null))]);
      return edit.population;
    },
    settings: (s) => ({ ...s, traffic: { ...s.traffic, requestTimeoutMs: 300 } }),
  });
  const QUERY = 'query ($id: ID!) { customer(id: $id) { analytics { id } } }';

  it('reads both pages when nothing stops it (the case is a paged one)', async () => {
    const { body } = await stack.query(QUERY, { id: `analytics:${BUSY_DEVICE}` });
    expect(body.errors).toBeUndefined();
    // Two pages of the lookup, then the record's own read.
    expect(stack.demo.simulators.analytics.stats().requests).toBeGreaterThanOrEqual(3);
  });

  it('at the 300 ms deadline: the answer names analytics, and page 2 never goes out (1 call, where there were 2 and more)', async () => {
    stack.demo.simulators.analytics.setLatency({ fixedMs: 600, jitterMs: 0 });
    const started = performance.now();
    const { status, body } = await stack.query(QUERY, { id: `analytics:${BUSY_DEVICE}` });
    expect(status).toBe(200);
    expect(performance.now() - started).toBeLessThan(550);
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.source])).toEqual([['DEADLINE_EXCEEDED', 'analytics']]);
    expect(stack.demo.simulators.analytics.stats().requests).toBe(1);
    // Page 1 answers at 600 ms; page 2 would have gone out then.
    await sleep(1000);
    expect(siloCalls(stack)).toEqual({ crm: 0, loyalty: 0, commerce: 0, analytics: 1 });
  });

  it('a client that leaves during page 1: page 2 never goes out', async () => {
    stack.demo.simulators.analytics.setLatency({ fixedMs: 600, jitterMs: 0 });
    await askAndLeave(stack, QUERY, { id: `analytics:${BUSY_DEVICE}` }, 150);
    await sleep(1000);
    expect(siloCalls(stack)).toEqual({ crm: 0, loyalty: 0, commerce: 0, analytics: 1 });
    expect(stack.logs.some((line) => line.includes('REQUEST_ABORTED'))).toBe(true);
  });
});

describe('a request that joined the resolution of a request whose client left', () => {
  const stack = useStack({ size: 60, timeoutMs: 3000 });
  const QUERY = 'query ($id: ID!) { customer(id: $id) { id crm { id } } }';

  it("gets the whole customer from lookups of its own, not the other request's REQUEST_ABORTED", async () => {
    const contact = recordOf(personIn(stack.population, ['crm']), 'crm');
    // The CRM lookup answers at 600 ms. The first client asks at 0 and leaves at 200 ms; the
    // second asks at 100 ms, while the first's resolution of the same customer is out, and joins it.
    stack.demo.simulators.crm.setRouteFault('contacts.batchRead', { kind: 'slow', ms: 600 });
    const leaving = askAndLeave(stack, QUERY, { id: `crm:${contact}` }, 200);
    await sleep(100);
    const { status, body } = await stack.query(QUERY, { id: `crm:${contact}` });
    await leaving;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.customer.crm).toEqual([{ id: contact }]);
    expect(stack.logs.some((line) => line.includes('REQUEST_ABORTED'))).toBe(true);
    // The first request's lookup, cut, then the second's own.
    expect(stack.demo.simulators.crm.stats().byRoute['contacts.batchRead']).toBeGreaterThanOrEqual(2);
  });
});

/** A shop customer's 60 orders are all in this second: a journey page of 20 reads three `orders.json` pages of 21. */
const SAME_SECOND = '2026-10-20T10:00:00Z';

describe('a request stopped while a paged Shopify orders read is on its first page', () => {
  let shopId = '';
  const stack = useStack({
    size: 60,
    timeoutMs: 3000,
    prepare: (population) => {
      const edit = new PopulationEdit(population);
      const customer = edit.shopCustomer({ email: 'same.second@example.com' });
      edit.person([customer]);
      shopId = customer.id;
      const model = edit.population.commerce.orders[0]!;
      for (let i = 0; i < 60; i += 1) {
        edit.population.commerce.orders.push({
          ...model,
          id: 9_100_000_000 + i,
          name: `#SS${i}`,
          email: 'same.second@example.com',
          created_at: SAME_SECOND,
          processed_at: SAME_SECOND,
          customer: { id: Number(customer.id) },
          discount_codes: [],
          refunds: [],
        });
      }
      return edit.population;
    },
    settings: (s) => ({ ...s, traffic: { ...s.traffic, requestTimeoutMs: 300 } }),
  });
  const QUERY = 'query ($id: ID!) { customer(id: $id) { journey(first: 20) { edges { node { id } } } } }';

  it('reads three pages of 21 when nothing stops it (the case is a paged one)', async () => {
    const { body } = await stack.query(QUERY, { id: `commerce:${shopId}` });
    expect(body.errors).toBeUndefined();
    expect(body.data?.customer.journey.edges).toHaveLength(20);
    // Every order is in the same second: no page ends a second, so every page is read.
    expect(stack.demo.simulators.commerce.stats().byRoute['orders.list']).toBe(3);
  });

  it('a client that leaves during page 1: page 2 never goes out', async () => {
    stack.demo.simulators.commerce.setRouteFault('orders.list', { kind: 'slow', ms: 600 });
    await askAndLeave(stack, QUERY, { id: `commerce:${shopId}` }, 150);
    await sleep(1000);
    expect(stack.demo.simulators.commerce.stats().byRoute['orders.list']).toBe(1);
    expect(stack.logs.some((line) => line.includes('REQUEST_ABORTED'))).toBe(true);
  });
});

/** A landline 250 CRM contacts share: a lookup of it reads two `contacts/search` pages (200, then 50). */
const SHARED_LANDLINE = '+33 1 40 00 99 99';

describe('a request stopped while a paged HubSpot search is on its first page', () => {
  const stack = useStack({
    size: 60,
    timeoutMs: 3000,
    prepare: (population) => {
      const edit = new PopulationEdit(population);
      for (let i = 0; i < 250; i += 1) edit.person([edit.contact({ phone: SHARED_LANDLINE, lastname: `Landline${i}` })]);
      return edit.population;
    },
  });
  const QUERY = 'query ($id: ID!) { customer(id: $id) { id } }';
  const searches = () => stack.demo.simulators.crm.stats().byRoute['contacts.search'] ?? 0;

  it('reads both pages when nothing stops it (the case is a paged one)', async () => {
    const { status } = await stack.query(QUERY, { id: `phone:${SHARED_LANDLINE}` });
    expect(status).toBe(200);
    expect(searches()).toBe(2);
  });

  it('a client that leaves during page 1: page 2 never goes out', async () => {
    stack.demo.simulators.crm.setRouteFault('contacts.search', { kind: 'slow', ms: 600 });
    await askAndLeave(stack, QUERY, { id: `phone:${SHARED_LANDLINE}` }, 150);
    await sleep(1000);
    expect(searches()).toBe(1);
    expect(stack.logs.some((line) => line.includes('REQUEST_ABORTED'))).toBe(true);
  });
});
