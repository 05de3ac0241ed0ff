/**
 * The identity-link cache: every identifier of a resolved customer maps to the same entry, in an
 * in-process LRU with a size cap and a TTL. It holds links (which records are one person), never
 * a silo's data. Unknown identifiers are remembered briefly too, so a burst of requests for a
 * stranger does not hit every silo each time.
 */
import { LRUCache } from 'lru-cache';
import type { Identity } from '../generated/graphql.js';
import type { SourceRecordKey } from './resolved-customer.js';

export interface CachedCluster {
  goldenId: string;
  records: SourceRecordKey[];
  identities: Identity[];
  /** The cache keys that map to this entry, so that evicting one evicts them all. */
  keys: string[];
}

/** A cached cluster with its estimated size, shared among its keys. */
interface SizedCluster extends CachedCluster {
  bytesPerKey: number;
}

export const NOT_FOUND = Object.freeze({ notFound: true as const });

/** What one key costs besides its text: the LRU's node and index slots (measured, roughly). */
const KEY_OVERHEAD_BYTES = 120;

/**
 * A cluster's heap size, roughly: its text as UTF-16 plus per-object overhead. Calibrated on the
 * generated populations: about 3.1 KB estimated for 3.7 KB of heap measured per customer resolved
 * from the CRM. It only has to be right within a factor: it sets where the cap bites.
 */
function estimateBytes(cluster: CachedCluster): number {
  const text = cluster.goldenId.length + JSON.stringify(cluster.records).length + JSON.stringify(cluster.identities).length;
  const objects = 3 + cluster.records.length + cluster.identities.length + cluster.keys.length;
  return text * 2 + objects * 48;
}
type Entry = SizedCluster | typeof NOT_FOUND;

export interface LinkCacheOptions {
  /**
   * Memory the cache may hold, estimated, in bytes; the least recently used identifiers go first.
   * A memory cap rather than a count, because clusters differ in size and what an operator
   * budgets is a replica's memory.
   */
  maxBytes: number;
  ttlMs: number;
  /** How long "no silo knows this identifier" is remembered. */
  negativeTtlMs: number;
}

/**
 * The cache's generation: a count of the evictions and clears so far. A writer reads it when its
 * resolution starts and hands it back when it caches the result, so that a result whose silo
 * reads may predate an eviction is dropped (see {@link IdentityLinkCache.setCluster}).
 */
export type CacheGeneration = number;

export class IdentityLinkCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly negativeTtlMs: number;
  private evictions: CacheGeneration = 0;

  constructor(options: LinkCacheOptions) {
    this.lru = new LRUCache<string, Entry>({
      maxSize: options.maxBytes,
      sizeCalculation: (entry, key) => KEY_OVERHEAD_BYTES + key.length * 2 + ('bytesPerKey' in entry ? entry.bytesPerKey : 0),
      ttl: options.ttlMs,
      ttlAutopurge: false,
    });
    this.negativeTtlMs = options.negativeTtlMs;
  }

  get(key: string): Entry | undefined {
    return this.lru.get(key);
  }

  /**
   * The generation now: read it before the first silo call of a resolution whose result will be
   * cached, and pass it to {@link setCluster} or {@link setNotFound}.
   */
  get generation(): CacheGeneration {
    return this.evictions;
  }

  /**
   * Maps every key of the cluster to it, unless an eviction or a clear happened since `since`
   * (the {@link generation} read when the resolution started): its silo answers may then predate
   * the change the eviction was called for, and caching them would hide that change for the
   * whole TTL. Any eviction counts, not only one of this cluster's keys: an eviction names one
   * identifier, and a resolution in flight cannot tell yet whether it will reach it (a merge or
   * a changed email changes which records the identifier finds). Returns whether it cached.
   */
  setCluster(cluster: CachedCluster, since: CacheGeneration): boolean {
    if (since !== this.evictions) return false;
    // Only the links are kept, whatever else the caller's object carries.
    const { goldenId, records, identities, keys } = cluster;
    const sized: SizedCluster = { goldenId, records, identities, keys, bytesPerKey: Math.ceil(estimateBytes(cluster) / keys.length) };
    for (const key of cluster.keys) this.lru.set(key, sized);
    return true;
  }

  /**
   * Remembers that no silo knows `key`, for the negative TTL, unless an eviction or a clear
   * happened since `since` (as {@link setCluster}: the record may have been created meanwhile).
   */
  setNotFound(key: string, since: CacheGeneration): void {
    if (since !== this.evictions) return;
    if (this.negativeTtlMs > 0) this.lru.set(key, NOT_FOUND, { ttl: this.negativeTtlMs });
  }

  /**
   * Forgets the customer this key maps to, under every one of its keys, and starts a new
   * generation, so that no result of a resolution in flight now is cached when it finishes.
   * Returns how many keys were removed: 0 when the customer was not cached, even though the
   * eviction still stops the resolutions in flight from caching.
   */
  evict(key: string): number {
    this.evictions += 1;
    const entry = this.lru.get(key, { allowStale: true });
    if (!entry) return 0;
    const keys = 'keys' in entry ? entry.keys : [key];
    let removed = 0;
    for (const k of keys) {
      // Another, newer cluster may have taken a key over since: leave that one alone.
      if (this.lru.get(k, { allowStale: true }) === entry && this.lru.delete(k)) removed += 1;
    }
    return removed;
  }

  /** Forgets everything, including what the resolutions in flight now would cache. */
  clear(): void {
    this.evictions += 1;
    this.lru.clear();
  }

  /** Keys held now. */
  get size(): number {
    return this.lru.size;
  }

  /** Estimated bytes held now. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }
}
