import { describe, expect, it } from 'vitest';
import { IdentityLinkCache, NOT_FOUND, type CachedCluster } from './link-cache.js';

function cluster(n: number): CachedCluster {
  const keys = [`crm:${n}`, `email:person${n}@example.com`, `commerce:${7000 + n}`];
  return {
    goldenId: `cus_${n}`,
    records: [{ source: 'crm', id: String(n) }, { source: 'commerce', id: String(7000 + n) }],
    identities: keys.map((key) => ({ type: key.split(':')[0] as 'crm', value: key.split(':')[1]!, source: 'crm' as const })),
    keys,
  };
}

describe('IdentityLinkCache', () => {
  it('maps every key of a cluster to it, and evicts them all through any one', () => {
    const cache = new IdentityLinkCache({ maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 1000 });
    cache.setCluster(cluster(1), cache.generation);
    expect((cache.get('email:person1@example.com') as CachedCluster).goldenId).toBe('cus_1');
    expect(cache.get('commerce:7001')).toEqual(cache.get('crm:1'));
    expect(cache.evict('commerce:7001')).toBe(3);
    expect(cache.get('crm:1')).toBeUndefined();
    expect(cache.evict('crm:1')).toBe(0);
  });

  it('gives back the cluster it was given, records and identities in order, as new objects at each hit', () => {
    const cache = new IdentityLinkCache({ maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 1000 });
    const given: CachedCluster = {
      goldenId: 'cus_ü1',
      records: [{ source: 'crm', id: '101' }, { source: 'analytics', id: 'a1b2' }, { source: 'analytics', id: 'c3d4' }],
      identities: [
        { source: 'crm', type: 'email', value: 'zoë.lefèvre@example.com' },
        { source: 'crm', type: 'phone', value: '+33612345678' },
        { source: 'analytics', type: 'analytics', value: 'a1b2' },
      ],
      keys: ['crm:101', 'email:zoë.lefèvre@example.com'],
    };
    cache.setCluster(given, cache.generation);
    const hit = cache.get('email:zoë.lefèvre@example.com') as CachedCluster;
    expect(hit).toEqual(given);
    // A caller that changes what it got changes nothing in the cache.
    hit.records.push({ source: 'loyalty', id: 'L9' });
    hit.identities[0]!.value = 'changed';
    expect(cache.get('crm:101')).toEqual(given);
    expect(cache.get('crm:101')).not.toBe(cache.get('crm:101'));
  });

  it('counts a cluster of characters beyond Latin-1 at two bytes each', () => {
    const latin = new IdentityLinkCache({ maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 1000 });
    const wide = new IdentityLinkCache({ maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 1000 });
    const withValue = (value: string): CachedCluster => ({ goldenId: 'cus_1', records: [{ source: 'crm', id: '1' }], identities: [{ source: 'crm', type: 'email', value }], keys: ['crm:1'] });
    latin.setCluster(withValue('a'.repeat(100)), latin.generation);
    wide.setCluster(withValue('語'.repeat(100)), wide.generation);
    expect(wide.bytes - latin.bytes).toBeGreaterThanOrEqual(100);
  });

  it('stays within its memory cap, dropping the least recently used customers', () => {
    const cache = new IdentityLinkCache({ maxBytes: 64 * 1024, ttlMs: 60_000, negativeTtlMs: 1000 });
    for (let n = 0; n < 1000; n += 1) cache.setCluster(cluster(n), cache.generation);
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.get('crm:999')).toBeDefined();
    expect(cache.get('crm:0')).toBeUndefined();
    // A customer's share of the budget is in the range a real cluster costs: hundreds of bytes per key.
    const perKey = cache.bytes / cache.size;
    expect(perKey).toBeGreaterThan(150);
    expect(perKey).toBeLessThan(1500);
  });

  it('remembers an unknown identifier for the negative TTL only, and not at all with 0', async () => {
    const cache = new IdentityLinkCache({ maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 20 });
    cache.setNotFound('email:nobody@example.com', cache.generation);
    expect(cache.get('email:nobody@example.com')).toBe(NOT_FOUND);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(cache.get('email:nobody@example.com')).toBeUndefined();
    const never = new IdentityLinkCache({ maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 0 });
    never.setNotFound('email:nobody@example.com', never.generation);
    expect(never.get('email:nobody@example.com')).toBeUndefined();
  });

  it('refuses a cluster or an unknown identifier whose resolution started before an eviction or a clear', () => {
    const cache = new IdentityLinkCache({ maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 1000 });
    const started = cache.generation;
    expect(cache.evict('crm:1')).toBe(0);
    expect(cache.setCluster(cluster(1), started)).toBe(false);
    cache.setNotFound('email:nobody@example.com', started);
    expect(cache.size).toBe(0);

    const afterEviction = cache.generation;
    cache.clear();
    expect(cache.setCluster(cluster(2), afterEviction)).toBe(false);
    expect(cache.setCluster(cluster(2), cache.generation)).toBe(true);
    expect(cache.size).toBe(3);
  });
});
