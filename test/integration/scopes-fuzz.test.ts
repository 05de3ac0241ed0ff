/**
 * The access fuzz test (issue 15, "Done when"): 1,024 random operations walked from the schema
 * (random fields at every depth, aliases, inline and named fragments, several root fields, ids of
 * every kind: record keys, golden ids, email:, phone:, card:), each sent with no scopes and with
 * one of the 30 other partial scope sets, against the real simulators serving a population with
 * canary people planted. Through real HTTP with real credentials: a JWT of the stack's test issuer
 * (JWKS served on loopback) per scope set, its `scope` claim holding exactly that set ("no
 * scopes": an empty claim); one operation in 8 is also sent with no credentials at all (401).
 * Every answer is checked two ways:
 * - without pii:read, its body holds none of the canaries' personal values (emails, phones, names,
 *   birth dates, streets, cities, cards), in any spelling;
 * - whatever the scopes, no field holds a value that its access rule (and those of the fields it
 *   is under) says this client may not see.
 * Seeded: the same operations on every run.
 */
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { allows } from '../../src/access/rules.js';
import { SCOPES, type AccessGrant, type Scope } from '../../src/access/scopes.js';
import { GOLDEN_FIELDS } from '../../src/golden/golden-record.js';
import { ownRules } from '../../src/graphql/scope-guard.js';
import { loadTypeDefs } from '../../src/server/server.js';
import { leakedSecrets, plantCanaries, type Canary } from '../support/canaries.js';
import { fuzzOperation, visibleButForbidden } from '../support/fuzz-queries.js';
import { scopedClient, type ScopedClient } from '../support/scoped-client.js';
import { seededRandom, useStack } from '../support/stack.js';

const OPERATIONS = 1024;
const CONCURRENCY = 4;

let canaries: Canary[] = [];
const stack = useStack({
  size: 60,
  // The random operations alias freely (up to about 60 aliases): the access rules are what is
  // checked here, so MAX_ALIASES does not refuse them (operation-limits.test.ts tests the limits).
  settings: (s) => ({ ...s, limits: { ...s.limits, maxAliases: 1_000 } }),
  prepare: (population) => {
    const planted = plantCanaries(population);
    canaries = planted.canaries;
    return planted.population;
  },
});
const client: ScopedClient = scopedClient(stack);

/** Every scope set but the full one: the empty set first, then the 30 others. */
function partialScopeSets(): Scope[][] {
  const sets: Scope[][] = [];
  for (let mask = 0; mask < (1 << SCOPES.length) - 1; mask += 1) sets.push(SCOPES.filter((_, i) => mask & (1 << i)));
  return sets;
}

describe('the access fuzz test', () => {
  it(`finds no value a client may not see in ${OPERATIONS} random operations, each sent with no scopes and with a partial scope set`, async () => {
    const schema = buildSchema(loadTypeDefs());
    const rules = ownRules(schema);
    const { population } = stack;

    // The ids: every kind, of the canaries and of people of the generated population, and unknown ones.
    const full = [...SCOPES];
    const goldenIds: string[] = [];
    for (const canary of canaries) {
      const { body } = await client.ask(full, 'query ($id: ID!) { customer(id: $id) { id } }', { id: canary.keys[0] });
      goldenIds.push(body.data!['customer'].id);
    }
    const others = population.truth.slice(0, 6).flatMap((person) => person.records.slice(0, 2).map((r) => `${r.source}:${r.id}`));
    const otherEmails = population.crm.contacts.slice(0, 4).flatMap((c) => (c.properties.email ? [`email:${c.properties.email}`] : []));
    const ids = [
      ...canaries.flatMap((c) => [...c.keys, `email:${c.email}`, `email:${c.email.toUpperCase()}`, `phone:${c.phone}`, ...(c.card ? [`card:${c.card}`] : [])]),
      ...goldenIds,
      ...others,
      ...otherEmails,
      'crm:999999999',
      'email:nobody@canary-mail.example',
      'card:NOSUCHCARD1',
    ];

    const sets = partialScopeSets();
    const random = seededRandom(15_2026);
    const operations = Array.from({ length: OPERATIONS }, () => fuzzOperation(schema, random, { ids, goldenFields: GOLDEN_FIELDS }));
    const sends: Array<{ operation: (typeof operations)[number]; scopes: Scope[] | null }> = operations.flatMap((operation, i) => [
      { operation, scopes: sets[0]! },
      { operation, scopes: sets[1 + (i % (sets.length - 1))]! },
      ...(i % 8 === 0 ? [{ operation, scopes: null }] : []),
    ]);

    const problems: string[] = [];
    let withPiiShown = 0;
    let withValues = 0;
    let refusedFields = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < sends.length) {
        const { operation, scopes } = sends[next++]!;
        const { status, text, body } = await client.ask(scopes, operation.text);
        if (scopes === null) {
          if (status !== 401) problems.push(`answered ${status} without credentials: ${operation.text}`);
          for (const leak of leakedSecrets(text, canaries)) problems.push(`leaked ${leak} without credentials in ${operation.text}`);
          continue;
        }
        if (status !== 200) problems.push(`answered ${status} in [${scopes.join(' ')}] ${operation.text}`);
        const grant: AccessGrant = { kind: 'jwt', client: 'test-client', scopes: new Set(scopes) };
        const where = `[${scopes.join(' ')}] ${operation.text}`;
        for (const error of body.errors ?? []) {
          const code = error.extensions?.['code'];
          if (code === 'FORBIDDEN') refusedFields += 1;
          if (code === 'INTERNAL_SERVER_ERROR' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED') {
            problems.push(`${code} ${error.message} in ${where}`);
          }
        }
        if (!scopes.includes('pii:read')) {
          for (const leak of leakedSecrets(text, canaries)) problems.push(`leaked ${leak} in ${where}`);
        } else if (leakedSecrets(text, canaries).length > 0) {
          withPiiShown += 1;
        }
        const shown = visibleButForbidden(body.data, operation.selections, (chain) =>
          chain.every((coordinate) => {
            const rule = rules.get(coordinate);
            return !rule || allows(grant, rule);
          }),
        );
        for (const path of shown) problems.push(`showed ${path} in ${where}`);
        if (body.data && Object.values(body.data).some((v) => v !== null)) withValues += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(problems.slice(0, 10)).toEqual([]);
    // The fuzz is not vacuous: answers carried customers, fields were refused, and the canaries'
    // values do show to clients with pii:read (so the search would find a leak).
    expect(sends.length).toBe(2 * OPERATIONS + OPERATIONS / 8);
    expect(withValues).toBeGreaterThan(OPERATIONS / 2);
    expect(refusedFields).toBeGreaterThan(OPERATIONS);
    expect(withPiiShown).toBeGreaterThan(20);
  }, 120_000);
});
