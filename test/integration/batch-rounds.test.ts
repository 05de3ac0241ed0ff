/**
 * `customers(ids:)` looks each silo up once per resolution round for the whole list (README
 * "Several customers at once" and "Expand"), counted per round through real HTTP.
 *
 * How rounds are counted: a round's lookups are all issued together and the next round starts
 * only when they have all answered (src/identity/resolve.ts), and resolution is deterministic
 * for given silo data. So a gateway with IDENTITY_MAX_ROUNDS=k makes exactly the calls of the
 * first k rounds of an unbounded one; the calls of round k are the difference, per simulator
 * route, between the gateway bounded at k and at k-1 rounds. Each bound is a fresh stack serving
 * the same generated population (cold cache; the loyalty login is left out: it is once per
 * connector, not per round). No timing is involved, so load on the machine cannot blur rounds.
 *
 * One lookup may take a few requests where the product's API limits what one request can ask
 * (each connector's README documents them); what must not happen is a request per id.
 */
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import type { Population } from '../../connectors/population.js';
import { recordOf, startStack } from '../support/stack.js';

const SOURCES: Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];
const QUERY = `query ($ids: [ID!]!) { customers(ids: $ids) { id } }`;
const LOGIN_ROUTE = 'admin.loginCheck';

type Calls = Record<Source, Record<string, number>>;

/** Calls per silo and route that `customers(ids:)` makes with the identity expansion bounded at `maxRounds`. */
async function callsWithin(maxRounds: number, ids: (population: Population) => string[]): Promise<Calls> {
  const stack = await startStack({ size: 400, settings: (s) => ({ ...s, identity: { ...s.identity, maxRounds } }) });
  try {
    const { status, body } = await stack.query(QUERY, { ids: ids(stack.population) });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.customers).toHaveLength(100);
    return Object.fromEntries(
      SOURCES.map((source) => {
        const { [LOGIN_ROUTE]: _login, ...byRoute } = stack.demo.simulators[source].stats().byRoute;
        return [source, byRoute];
      }),
    ) as Calls;
  } finally {
    await stack.close();
  }
}

function difference(after: Calls, before: Calls | undefined): Record<Source, number> {
  return Object.fromEntries(
    SOURCES.map((source) => {
      const routes = new Set([...Object.keys(after[source]), ...Object.keys(before?.[source] ?? {})]);
      const n = [...routes].reduce((sum, route) => sum + (after[source][route] ?? 0) - (before?.[source]?.[route] ?? 0), 0);
      return [source, n];
    }),
  ) as Record<Source, number>;
}

describe('customers(ids:) calls per silo per round', () => {
  it('for 100 ids of 80 customers: round 1 one CRM batch read, later rounds at most 3 requests per silo', async () => {
    // 80 CRM contacts of distinct people, 20 of them asked twice.
    const ids = (population: Population): string[] => {
      const people = population.truth.filter((t) => t.records.some((r) => r.source === 'crm')).slice(0, 80);
      const keys = people.map((p) => `crm:${recordOf(p, 'crm')}`);
      return [...keys, ...keys.slice(0, 20)];
    };
    const perRound: Array<Record<Source, number>> = [];
    let previous: Calls | undefined;
    for (let rounds = 1; rounds <= 4; rounds += 1) {
      const calls = await callsWithin(rounds, ids);
      perRound.push(difference(calls, previous));
      previous = calls;
    }

    // Round 1: only the CRM can look up CRM ids, 80 of them in one batch read (up to 100 inputs).
    expect(perRound[0]).toEqual({ crm: 1, loyalty: 0, commerce: 0, analytics: 0 });
    expect(previous!.crm).toMatchObject({ 'contacts.batchRead': 1 });
    // Later rounds, per the connector READMEs for a round of this size: CRM, one search per 5
    // filter groups (more than 100 emails with phones make 6 groups: 2); the shop, one search
    // per query of about 100 terms (2); loyalty, one member list per filter field and 150
    // spellings of values (phones, and emails in 3 spellings each: 3); analytics, one read and
    // one more for the devices the first cut short (2).
    const most: Record<Source, number> = { crm: 2, loyalty: 3, commerce: 2, analytics: 2 };
    perRound.slice(1).forEach((round, i) => {
      for (const source of SOURCES) expect(round[source], `round ${i + 2} ${source}`).toBeLessThanOrEqual(most[source]);
    });
    // The list took more than one round (the claim is not met vacuously).
    expect(perRound[1]!.crm + perRound[1]!.loyalty + perRound[1]!.commerce).toBeGreaterThan(0);
  });
});
