/**
 * Compiled execution (src/server/compiled-execution.ts) answers what graphql-js answers, through
 * real HTTP: two gateways over the same silos' data, one compiling every operation from its first
 * use (the test settings) and one never (GATEWAY_COMPILE_AFTER_USES=0), asked the same operations
 * with the same credentials, give the same status and the same body, byte for byte: the README's
 * example operation, the benchmark's journey question, random operations walked from the schema
 * (fields at every depth, aliases, fragments, arguments; the access fuzz test's generator) with
 * full and partial scopes, bad input, and a silo down.
 */
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Scope } from '../../src/access/scopes.js';
import { SCOPES } from '../../src/access/scopes.js';
import { GOLDEN_FIELDS } from '../../src/golden/golden-record.js';
import { EXAMPLE_OPERATION, loadTypeDefs } from '../../src/server/server.js';
import { fuzzOperation } from '../support/fuzz-queries.js';
import { scopedClient } from '../support/scoped-client.js';
import { personIn, recordOf, seededRandom, useStack } from '../support/stack.js';
import type { GatewaySettings } from '../../src/server/config.js';

const NOW = Date.parse('2026-11-15T12:00:00Z');
// The two gateways must see the same silo answers: one clock for the insights, and deadlines no
// busy test machine reaches (a silo timing out for one gateway only is not a difference of
// execution). The random operations alias freely: MAX_ALIASES is not what is compared here.
const options = (compileAfterUses: number) => ({
  size: 60,
  timeoutMs: 5_000,
  insights: { now: () => NOW },
  settings: (s: GatewaySettings) => ({
    ...s,
    compileAfterUses,
    limits: { ...s.limits, maxAliases: 1_000 },
  }),
});
const compiled = useStack(options(1));
const interpreted = useStack(options(0));
const compiledClient = scopedClient(compiled);
const interpretedClient = scopedClient(interpreted);

const JOURNEY = `query Journey($id: ID!, $after: String) {
  customer(id: $id) {
    journey(first: 20, after: $after) { edges { cursor node { id occurredAt kind channel source summary amount currency } } pageInfo { hasNextPage endCursor } }
    journeySummary { touchpoints purchases returns totalSpend currency favouriteStore }
  }
}`;

/** Asks both gateways; returns both answers' status and body text. */
async function askBoth(scopes: readonly Scope[], query: string, variables?: Record<string, unknown>) {
  const [c, i] = await Promise.all([compiledClient.ask(scopes, query, variables), interpretedClient.ask(scopes, query, variables)]);
  return { compiled: { status: c.status, text: c.text }, interpreted: { status: i.status, text: i.text } };
}

describe('compiled execution against graphql-js, through HTTP', () => {
  it("gives the README's example operation and the journey question's pages the same answers", async () => {
    const people = compiled.population.truth.slice(0, 12);
    for (const person of people) {
      const id = `${person.records[0]!.source}:${person.records[0]!.id}`;
      const example = await askBoth(SCOPES, EXAMPLE_OPERATION, { id });
      expect(example.compiled).toEqual(example.interpreted);
      let after: string | null = null;
      for (let page = 0; page < 3; page += 1) {
        const answers = await askBoth(SCOPES, JOURNEY, { id, after });
        expect(answers.compiled).toEqual(answers.interpreted);
        const body = JSON.parse(answers.compiled.text) as { data?: { customer?: { journey?: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } };
        const pageInfo = body.data?.customer?.journey?.pageInfo;
        if (!pageInfo?.hasNextPage) break;
        after = pageInfo.endCursor;
      }
    }
    expect(compiled.logs.join('\n')).not.toContain('INTERNAL_SERVER_ERROR');
  });

  it('gives 200 random operations the same answers, with every scope and with partial scope sets', async () => {
    const schema = buildSchema(loadTypeDefs());
    const ids = [
      ...compiled.population.truth.slice(0, 8).flatMap((person) => person.records.slice(0, 2).map((r) => `${r.source}:${r.id}`)),
      ...compiled.population.crm.contacts.slice(0, 3).flatMap((c) => (c.properties.email ? [`email:${c.properties.email}`] : [])),
      'crm:999999999',
      'not-an-id',
    ];
    const random = seededRandom(2026_12_02);
    const differences: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      const operation = fuzzOperation(schema, random, { ids, goldenFields: GOLDEN_FIELDS, maxDepth: 4 });
      const scopes = i % 3 === 0 ? SCOPES.filter(() => random() < 0.5) : SCOPES;
      const answers = await askBoth(scopes, operation.text);
      if (answers.compiled.status !== answers.interpreted.status || answers.compiled.text !== answers.interpreted.text) {
        differences.push(`[${scopes.join(' ')}] ${operation.text}\n  compiled ${answers.compiled.status} ${answers.compiled.text.slice(0, 400)}\n  graphql-js ${answers.interpreted.status} ${answers.interpreted.text.slice(0, 400)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('gives bad input and a failed silo the same errors', async () => {
    const id = `crm:${recordOf(personIn(compiled.population, ['crm', 'loyalty']), 'crm')}`;
    const cases: Array<[string, Record<string, unknown>]> = [
      [JOURNEY, { id, after: 'not-a-cursor' }],
      ['query ($id: ID!) { customer(id: $id) { journey(first: 500) { edges { cursor } } } }', { id }],
      ['query ($id: ID!, $n: Int) { customer(id: $id) { journey(first: $n) { edges { cursor } } } }', { id, n: 'twenty' }],
      ['query ($id: ID!) { customer(id: $id) { id } }', {}],
      ['query ($id: ID!) { customer(id: $id) { id } }', { id: 'phone:not a phone' }],
      ['query ($ids: [ID!]!) { customers(ids: $ids) { id } }', { ids: Array.from({ length: 101 }, (_, i) => `crm:${i}`) }],
    ];
    for (const [query, variables] of cases) {
      for (let use = 0; use < 2; use += 1) {
        const answers = await askBoth(SCOPES, query, variables);
        expect(answers.compiled).toEqual(answers.interpreted);
      }
    }
    await Promise.all([compiled.demo.simulators.loyalty.setFault({ kind: 'down' }), interpreted.demo.simulators.loyalty.setFault({ kind: 'down' })]);
    for (const query of [EXAMPLE_OPERATION, JOURNEY]) {
      const answers = await askBoth(SCOPES, query, { id });
      expect(answers.compiled).toEqual(answers.interpreted);
      expect(answers.compiled.text).toContain('SOURCE_UNAVAILABLE');
    }
  });
});
