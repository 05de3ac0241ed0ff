import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { describe, expect, it } from 'vitest';
import { JOURNEY_PAGE_QUERY, JOURNEY_QUERY, PERSONALIZATION_QUERY, PROFILE_QUERY, PROFILES_QUERY } from '../../../bench/shared.js';
import { EXAMPLE_OPERATION, loadTypeDefs } from '../server.js';
import { costContext, costEstimator } from './cost.js';
import { checkCost, checkShape, DEFAULT_OPERATION_LIMITS, sizesKey } from './operation-limits.js';

const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
const cost = (query: string, variables: Record<string, unknown> = {}): number =>
  getComplexity({ schema, query: parse(query), variables, estimators: [costEstimator], context: costContext() });
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `crm:${i + 1}`);

describe('the cost table', () => {
  it('counts a customer 1 and its scalar fields nothing', () => {
    expect(cost('{ customer(id: "crm:1") { id crm { email } } }')).toBe(1);
  });

  it('counts customers(ids:) by the length of its variable', () => {
    expect(cost('query ($ids: [ID!]!) { customers(ids: $ids) { id } }', { ids: ids(64_000) })).toBe(64_000);
    expect(cost('{ customers(ids: ["crm:1", "crm:2", "crm:3"]) { id } }')).toBe(3);
  });

  it('counts journey(first:) and the lists by their size, the schema default when absent, nested sizes multiplied', () => {
    expect(cost('{ customer(id: "crm:1") { journey(first: 50) { edges { node { kind } } } } }')).toBe(1 + 50);
    expect(cost('{ customer(id: "crm:1") { journey { edges { node { kind } } } } }')).toBe(1 + 20);
    expect(cost('{ customer(id: "crm:1") { loyalty { transactions(limit: 3) { store } } commerce { orders { name } } } }')).toBe(1 + 3 + 10);
    expect(cost('query ($ids: [ID!]!) { customers(ids: $ids) { journey(first: 20) { edges { node { kind } } } } }', { ids: ids(100) })).toBe(100 * 21);
  });

  it('counts a size above what its field accepts as that maximum (100): the field refuses it, naming its range', () => {
    expect(cost('{ customer(id: "crm:1") { journey(first: 5000) { edges { node { kind } } } } }')).toBe(1 + 100);
    expect(cost('query ($n: Int) { customer(id: "crm:1") { loyalty { transactions(limit: $n) { store } } } }', { n: 2147483647 })).toBe(1 + 100);
  });

  it('counts every aliased customer', () => {
    const aliased = Array.from({ length: 40 }, (_, i) => `c${i}: customer(id: "crm:${i}") { id }`).join(' ');
    expect(cost(`{ ${aliased} }`)).toBe(40);
  });
});

describe('fields computed from the whole history', () => {
  it('count 10 once per customer that selects any, whatever how many (a request reads the histories once per customer)', () => {
    expect(cost('{ customer(id: "crm:1") { journeySummary { touchpoints favouriteStore } } }')).toBe(1 + 10);
    expect(cost('{ customer(id: "crm:1") { lifecycle { stage } rfm { recencyDays } clv { pAlive } segments { name } a: inSegment(name: "vip") b: inSegment(name: "gold") preferences { preferredChannel } } }')).toBe(1 + 10);
    expect(cost('{ customer(id: "crm:1") { id } }')).toBe(1);
    // Each customer of a list, and each aliased customer, pays its own.
    expect(cost('query ($ids: [ID!]!) { customers(ids: $ids) { lifecycle { stage } clv { pAlive } segments { name } preferences { preferredChannel } journeySummary { favouriteStore } } }', { ids: ids(100) })).toBe(100 * 11);
    expect(cost('{ a: customer(id: "crm:1") { lifecycle { stage } } b: customer(id: "crm:2") { id } c: customer(id: "crm:3") { rfm { recencyDays } } }')).toBe(11 + 1 + 11);
    expect(cost('fragment F on Customer { journeySummary { touchpoints } } { customer(id: "crm:1") { ...F } }')).toBe(1 + 10);
  });

  it('refuse the same summary under 29 aliases of 100 ids, which read 2,900 whole histories', () => {
    const aliased = Array.from({ length: 29 }, (_, i) => `a${i}: customers(ids: $ids) { journeySummary { touchpoints } }`).join(' ');
    const query = `query ($ids: [ID!]!) { ${aliased} }`;
    expect(cost(query, { ids: ids(100) })).toBe(29 * 100 * 11);
    expect(checkCost(schema, parse(query), undefined, { ids: ids(100) }, DEFAULT_OPERATION_LIMITS.maxCost)?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE' });
  });
});

describe('the default limits let the documented operations through', () => {
  const documented: Array<[string, string, Record<string, unknown>, number]> = [
    ['Sandbox example', EXAMPLE_OPERATION, { id: 'crm:101' }, 1 + 3 + 3 + 5 + 10],
    ['bench profile', PROFILE_QUERY, { id: 'crm:1' }, 1 + 5],
    ['bench profiles of 100', PROFILES_QUERY, { ids: ids(100) }, 100 * (1 + 5)],
    ['bench journey', JOURNEY_QUERY, { id: 'crm:1' }, 1 + 20 + 10],
    ['bench journey page', JOURNEY_PAGE_QUERY, { id: 'crm:1' }, 1 + 100],
    ['bench personalization of 100', PERSONALIZATION_QUERY, { ids: ids(100) }, 100 * (1 + 10)],
  ];
  it.each(documented)('%s costs its expected figure, within MAX_OPERATION_COST, MAX_ALIASES and MAX_DEPTH', (_name, query, variables, expected) => {
    const document = parse(query);
    expect(cost(query, variables)).toBe(expected);
    expect(checkCost(schema, document, undefined, variables, DEFAULT_OPERATION_LIMITS.maxCost)).toBeUndefined();
    expect(checkShape(schema, document, DEFAULT_OPERATION_LIMITS)).toBeUndefined();
  });

  it("every operation of the README's graphql blocks is within the limits", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^\s*(query|mutation|\{)/m.test(b));
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      const document = parse(block, { maxTokens: DEFAULT_OPERATION_LIMITS.maxTokens });
      // Variables the block declares get one customer id each; a list variable 100 ids (the most customers(ids:) takes).
      const variables = Object.fromEntries(
        document.definitions.flatMap((d) => (d.kind === 'OperationDefinition' ? (d.variableDefinitions ?? []) : [])).map((v) => [v.variable.name.value, v.type.kind === 'ListType' || (v.type.kind === 'NonNullType' && v.type.type.kind === 'ListType') ? ids(100) : 'crm:1']),
      );
      expect(checkShape(schema, document, DEFAULT_OPERATION_LIMITS), block).toBeUndefined();
      expect(checkCost(schema, document, undefined, variables, DEFAULT_OPERATION_LIMITS.maxCost), block).toBeUndefined();
    }
  });
});

describe('the refusals', () => {
  it('name the cost and the limit', () => {
    const error = checkCost(schema, parse('query ($ids: [ID!]!) { customers(ids: $ids) { id } }'), undefined, { ids: ids(64_000) }, 5_000);
    expect(error?.message).toMatch(/^This operation costs 64,000, over the limit of 5,000: /);
    expect(error?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', value: 64_000, limit: 5_000 });
  });

  it('name the aliases and the depth found', () => {
    const aliased = Array.from({ length: 31 }, (_, i) => `c${i}: customer(id: "crm:${i}") { id }`).join(' ');
    expect(checkShape(schema, parse(`{ ${aliased} }`), { maxAliases: 30, maxDepth: 15 })?.extensions).toMatchObject({ code: 'MAX_ALIASES_LIMIT', value: 31, limit: 30 });
    // customer, consent, emailMarketing, provenance, field: 5 fields from the root to the leaf.
    const deep = '{ customer(id: "crm:1") { consent { emailMarketing { provenance { field } } } } }';
    const error = checkShape(schema, parse(deep), { maxAliases: 30, maxDepth: 3 });
    expect(error?.message).toBe('This operation is 5 fields deep, over the limit of 3.');
  });
});

describe('the key a cost is remembered by', () => {
  it('keeps list lengths and numbers, drops strings', () => {
    expect(sizesKey({ ids: ids(100), first: 20, id: 'crm:1' })).toBe('{"ids":100,"first":20,"id":""}');
    expect(sizesKey({ id: 'crm:2' })).toBe(sizesKey({ id: 'crm:1' }));
    expect(sizesKey({ ids: ids(5_001) })).not.toBe(sizesKey({ ids: ids(50) }));
    expect(sizesKey(undefined)).toBe('');
  });
});
