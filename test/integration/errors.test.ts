/**
 * The README's "Errors" table, for the codes no other suite provokes: a bug in the gateway
 * (INTERNAL_SERVER_ERROR, its detail only in the log) and an admin operation by a client
 * without the admin scope (FORBIDDEN). Through real HTTP, with the real simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiloConnectors } from '../../connectors/types.js';
import { startDemoSilos, type DemoSilos } from '../../demo/silos.js';
import { createLogger } from '../../src/shared/logger.js';
import { generatePopulation } from '../../demo/population/generate.js';
import { startGateway, type Gateway } from '../../src/server/server.js';
import { closeSiloConnectors, createSiloConnectors } from '../../src/server/silos.js';
import { PopulationEdit } from '../support/population-edit.js';
import { TEST_SETTINGS, askCustomer, useStack, type Stack } from '../support/stack.js';
import { bearer, TEST_API_KEYS } from '../support/auth.js';

const DETAIL = 'crm fetchRecords tripped over an impossible state (detail 7f3a)';
const TRIP_WIRE = 'trip.wire@example.org';

describe('a bug in the gateway', () => {
  // The gateway is given connectors of which one method throws a plain Error, the way a bug in a
  // connector or a resolver would: not a SourceError, so nothing maps it to a silo failure.
  let demo: DemoSilos;
  let connectors: SiloConnectors;
  let gateway: Gateway;
  const logs: string[] = [];

  beforeAll(async () => {
    const edit = new PopulationEdit(generatePopulation({ seed: 11, size: 40, now: new Date('2026-11-01T00:00:00Z') }));
    edit.person([edit.contact({ email: 'ines.marchal@example.org', firstname: 'Inès', lastname: 'Marchal' }, { id: '80001' })]);
    demo = await startDemoSilos({ population: edit.population, timeoutMs: 400 });
    const real = createSiloConnectors(demo.silos, {}, TEST_SETTINGS.timeZones);
    connectors = {
      ...real,
      crm: {
        ...real.crm,
        fetchRecords: () => Promise.reject(new Error(DETAIL)),
        // Only for one email, so that the other test's resolution works.
        lookup: (identifiers) =>
          identifiers.some((i) => i.value === TRIP_WIRE) ? Promise.reject(new Error(`lookup ${DETAIL}`)) : real.crm.lookup(identifiers),
      },
    };
    gateway = await startGateway({ settings: TEST_SETTINGS, connectors, logger: createLogger('debug', (line) => logs.push(line)) });
  });

  afterAll(async () => {
    await gateway?.close();
    if (connectors) await closeSiloConnectors(connectors);
    await demo?.close();
  });

  it('answers INTERNAL_SERVER_ERROR with neither the message nor the stack, and logs both', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(TEST_API_KEYS.full.key) },
      body: JSON.stringify({ query: '{ customer(id: "crm:80001") { id crm { firstName } } }' }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      data: { customer: { id: 'cus_MXxjcm18ODAwMDE', crm: null } },
      errors: [
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 34 }],
          path: ['customer', 'crm'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
    expect(text).not.toContain('7f3a');
    expect(text).not.toContain('errors.test.ts');

    const logged = logs.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.message === 'unexpected error');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe('error');
    expect(logged[0]!.path).toEqual(['customer', 'crm']);
    expect(logged[0]!.error.message).toBe(DETAIL);
    expect(logged[0]!.error.stack).toContain('errors.test.ts');
  });

  it('answers INTERNAL_SERVER_ERROR at the customer when a lookup throws, with the detail only in the log', async () => {
    const from = logs.length;
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(TEST_API_KEYS.full.key) },
      body: JSON.stringify({ query: `{ customer(id: "email:${TRIP_WIRE}") { id } }` }),
    });
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      data: { customer: null },
      errors: [{ message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['customer'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(text).not.toContain('7f3a');
    const logged = logs.slice(from).map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.message === 'unexpected error');
    expect(logged.map((entry) => [entry.level, entry.path, entry.error.message])).toEqual([['error', ['customer'], `lookup ${DETAIL}`]]);
  });
});

describe('admin operations by a client without the admin scope', () => {
  const stack: Stack = useStack({ size: 40 });
  const EVICT = 'mutation ($id: ID!) { evictCustomer(id: $id) { evictedIdentifiers } }';

  it('answers evictCustomer with FORBIDDEN naming the scope, for an API key or a JWT with every other scope', async () => {
    const others = ['profile:read', 'pii:read', 'journey:read', 'insights:read'] as const;
    const answers = [
      await stack.post(EVICT, { id: 'crm:1' }, bearer(TEST_API_KEYS.pii.key)),
      await stack.postAs(others, EVICT, { id: 'crm:1' }),
    ];
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      // evictCustomer is nullable (schema/access.graphql): a refused field never wipes its parent.
      expect(body.data).toEqual({ evictCustomer: null });
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: 'Mutation.evictCustomer needs the scope "admin", which this client does not hold.',
          path: ['evictCustomer'],
          extensions: { code: 'FORBIDDEN', requiredScopes: [['admin']] },
        }),
      ]);
    }
  });

  it('still answers its queries', async () => {
    const { answer, body } = await askCustomer<{ id: string }>(stack, 'query ($id: ID!) { customer(id: $id) { id } }', 'crm:999999999');
    expect(body.errors).toBeUndefined();
    expect(answer).toBeNull();
  });
});
