import { describe, expect, it } from 'vitest';
import { SourceError } from '../errors.js';
import type { FoundRecord, Identifier } from '../../connectors/types.js';
import type { Source } from '../generated/graphql.js';
import { resolveCluster, type ResolveDeps } from './resolve.js';

/** Silos as plain data: each record and the identifiers it carries. */
function depsFor(records: FoundRecord[], overrides: Partial<ResolveDeps> = {}): ResolveDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    silos: [
      { source: 'crm', lookupTypes: ['crm', 'email', 'phone'] },
      { source: 'loyalty', lookupTypes: ['loyalty', 'card', 'email', 'phone'] },
      { source: 'commerce', lookupTypes: ['commerce', 'email', 'phone'] },
      { source: 'analytics', lookupTypes: ['analytics', 'commerce'] },
    ],
    lookup: async (source: Source, identifier: Identifier) => {
      calls.push(`${source} ${identifier.type}:${identifier.value}`);
      return records.filter(
        (r) => r.source === source && r.identifiers.some((i) => i.type === identifier.type && i.value.toLowerCase() === identifier.value),
      );
    },
    normalize: (identifier) => ({ ...identifier, value: identifier.value.trim().toLowerCase() }),
    maxRounds: 4,
    maxRecords: 50,
    ...overrides,
  };
}

const anna: FoundRecord[] = [
  { source: 'crm', id: '101', identifiers: [{ type: 'crm', value: '101' }, { type: 'email', value: 'Anna@Example.com' }] },
  { source: 'commerce', id: '7001', identifiers: [{ type: 'commerce', value: '7001' }, { type: 'email', value: 'anna@example.com' }] },
  { source: 'analytics', id: 'v1', identifiers: [{ type: 'analytics', value: 'v1' }, { type: 'commerce', value: '7001' }] },
  { source: 'crm', id: '202', identifiers: [{ type: 'crm', value: '202' }, { type: 'email', value: 'bob@example.com' }] },
];

describe('resolveCluster', () => {
  it('follows identifiers across silos until nothing new appears', async () => {
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, depsFor(anna));
    expect(cluster.records.map((r) => `${r.source}:${r.id}`).sort()).toEqual(['analytics:v1', 'commerce:7001', 'crm:101']);
    expect(cluster.complete).toBe(true);
    expect(cluster.identities).toContainEqual({ type: 'email', value: 'anna@example.com', source: 'crm' });
    expect(cluster.identities).toContainEqual({ type: 'commerce', value: '7001', source: 'analytics' });
  });

  it('asks only the silos that can look an identifier type up, and each identifier once', async () => {
    const deps = depsFor(anna);
    await resolveCluster({ type: 'crm', value: '101' }, deps);
    expect(deps.calls.filter((c) => c.includes('crm:'))).toEqual(['crm crm:101']);
    expect(deps.calls.filter((c) => c.startsWith('analytics')).every((c) => / (analytics|commerce):/.test(c))).toBe(true);
    expect(new Set(deps.calls).size).toBe(deps.calls.length);
  });

  it('returns an empty cluster for an unknown identifier', async () => {
    const cluster = await resolveCluster({ type: 'crm', value: '999' }, depsFor(anna));
    expect(cluster.records).toEqual([]);
    expect(cluster.complete).toBe(true);
  });

  it('stops at the round bound and says the cluster is incomplete', async () => {
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, depsFor(anna, { maxRounds: 1 }));
    expect(cluster.records.map((r) => r.id)).toEqual(['101']);
    expect(cluster.complete).toBe(false);
  });

  it('resolves from the other silos when one fails, and names the failed silo', async () => {
    const deps = depsFor(anna);
    const failing: ResolveDeps = {
      ...deps,
      lookup: (source, identifier) =>
        source === 'commerce'
          ? Promise.reject(new SourceError('SOURCE_TIMEOUT', 'commerce', 'The shop (commerce) did not answer within 10 ms.'))
          : deps.lookup(source, identifier),
    };
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, failing);
    expect(cluster.records.map((r) => r.id)).toEqual(['101']);
    expect(cluster.failures.get('commerce')?.code).toBe('SOURCE_TIMEOUT');
    expect(cluster.complete).toBe(false);
  });

  it('lets an error that is not a silo failure through', async () => {
    const deps = depsFor(anna, { lookup: () => Promise.reject(new TypeError('bug')) });
    await expect(resolveCluster({ type: 'crm', value: '101' }, deps)).rejects.toThrow('bug');
  });

  it('does not expand through identifiers the normalizer refuses', async () => {
    const deps = depsFor(anna, {
      normalize: (i) => (i.type === 'email' ? null : { ...i, value: i.value.toLowerCase() }),
    });
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, deps);
    expect(cluster.records.map((r) => r.id)).toEqual(['101']);
  });
});
