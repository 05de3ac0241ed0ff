/**
 * The identity-link cache: every identifier of a resolved customer maps to the same entry, in an
 * in-process LRU with a size cap and a TTL. It holds links (which records are one person), never
 * a silo's data. Unknown identifiers are remembered briefly too, so a burst of requests for a
 * stranger does not hit every silo each time.
 */
import { LRUCache } from 'lru-cache';
import type { Identity } from '../generated/graphql.js';
import type { SourceRecordKey } from '../customer.js';

export interface CachedCluster {
  goldenId: string;
  records: SourceRecordKey[];
  identities: Identity[];
  /** The cache keys that map to this entry, so that evicting one evicts them all. */
  keys: string[];
}

export const NOT_FOUND = Object.freeze({ notFound: true as const });
type Entry = CachedCluster | typeof NOT_FOUND;

export interface LinkCacheOptions {
  /** Keys (identifiers) held at most; the least recently used go first. */
  maxKeys: number;
  ttlMs: number;
  /** How long "no silo knows this identifier" is remembered. */
  negativeTtlMs: number;
}

export class IdentityLinkCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly negativeTtlMs: number;

  constructor(options: LinkCacheOptions) {
    this.lru = new LRUCache<string, Entry>({ max: options.maxKeys, ttl: options.ttlMs, ttlAutopurge: false });
    this.negativeTtlMs = options.negativeTtlMs;
  }

  get(key: string): Entry | undefined {
    return this.lru.get(key);
  }

  /** Maps every key of the cluster to it. */
  setCluster(cluster: CachedCluster): void {
    for (const key of cluster.keys) this.lru.set(key, cluster);
  }

  setNotFound(key: string): void {
    if (this.negativeTtlMs > 0) this.lru.set(key, NOT_FOUND, { ttl: this.negativeTtlMs });
  }

  /** Forgets the customer this key maps to, under every one of its keys. Returns how many keys went. */
  evict(key: string): number {
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

  /** Forgets everything. */
  clear(): void {
    this.lru.clear();
  }

  /** Keys held now. */
  get size(): number {
    return this.lru.size;
  }
}
