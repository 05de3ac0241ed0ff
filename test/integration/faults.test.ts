/**
 * The `flaky:<rate>[:<status>]` fault mode (README "Fault modes"): a share `rate` of a silo's
 * requests get `status` with the product's error body, the rest are served. Through real HTTP,
 * at the simulator and through the gateway.
 *
 * Which requests fail is drawn at random; the simulator's source of randomness is seeded here
 * (`setRandom`), so each run draws the same sequence and the test cannot be flaky itself, while
 * the bounds still say "near the rate" rather than pinning one draw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../demo/silos.js';
import { seededRandom, useStack } from '../support/stack.js';

const stack = useStack({ size: 80 });

afterEach(async () => {
  stack.demo.simulators.crm.setRandom(null);
  await stack.demo.simulators.crm.setFault({ kind: 'none' });
});

describe('flaky fault mode', () => {
  it('fails about the given share of 400 requests with the given status and HubSpot error body, and serves the rest', async () => {
    const crm = stack.demo.simulators.crm;
    crm.setRandom(seededRandom(20261130));
    await crm.setFault({ kind: 'flaky', rate: 0.25, status: 503 });

    const statuses = new Map<number, number>();
    for (let i = 0; i < 400; i += 1) {
      const res = await fetch(`${crm.url}/crm/v3/objects/contacts?limit=1`, {
        headers: { authorization: `Bearer ${DEMO_CREDENTIALS.crmAccessToken}` },
      });
      const body = (await res.json()) as { status?: string; results?: unknown[] };
      if (res.status === 503) expect(body.status).toBe('error');
      else expect(body.results).toHaveLength(1);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    // 25% of 400 is 100; the bounds are 5 standard deviations (8.7) either side.
    expect(statuses.get(503)).toBeGreaterThanOrEqual(57);
    expect(statuses.get(503)).toBeLessThanOrEqual(143);
  });

  it('makes some customers answer the crm section and others SOURCE_UNAVAILABLE for crm', async () => {
    const crm = stack.demo.simulators.crm;
    crm.setRandom(seededRandom(7));
    // Below the CRM breaker's failure rate (0.5): at it, the breaker opens and every customer
    // after answers SOURCE_UNAVAILABLE without a call (silo-resilience.test.ts).
    await crm.setFault({ kind: 'flaky', rate: 0.3, status: 503 });

    const outcomes = { answered: 0, unavailable: 0 };
    const contacts = stack.population.crm.contacts.slice(0, 30);
    expect(contacts).toHaveLength(30);
    for (const contact of contacts) {
      const { status, body } = await stack.query(`query ($id: ID!) { customer(id: $id) { crm { id } } }`, { id: `crm:${contact.id}` });
      expect(status).toBe(200);
      const codes = (body.errors ?? []).map((e) => `${e.extensions?.code}/${e.extensions?.source}`);
      if (codes.length === 0) outcomes.answered += 1;
      else {
        expect(new Set(codes)).toEqual(new Set(['SOURCE_UNAVAILABLE/crm']));
        outcomes.unavailable += 1;
      }
    }
    expect(outcomes.answered).toBeGreaterThan(0);
    expect(outcomes.unavailable).toBeGreaterThan(0);
  });
});
