/**
 * The identity-link cache: every identifier of a resolved customer maps to the same entry, in an
 * in-process LRU with a size cap and a TTL. It holds links (which records are one person), never
 * a silo's data. Unknown identifiers are remembered briefly too, so a burst of requests for a
 * stranger does not hit every silo each time.
 */
import { LRUCache } from 'lru-cache';
import type { IdentifierType, Identity, Source } from '../generated/graphql.js';
import type { SourceRecordKey } from './resolved-customer.js';

export interface CachedCluster {
  goldenId: string;
  records: SourceRecordKey[];
  identities: Identity[];
  /** The cache keys that map to this entry, so that evicting one evicts them all. */
  keys: string[];
}

export const NOT_FOUND = Object.freeze({ notFound: true as const });

/** What one key costs besides its text: the LRU's node and index slots (measured, roughly). */
const KEY_OVERHEAD_BYTES = 120;

/**
 * A cluster as the cache holds it: one string (a JSON array: the golden id, then the records as
 * source and id pairs, the identities as source, type and value triples, and the keys, each list
 * flat), made by {@link pack} and read back by {@link unpack} on every hit.
 *
 * Why a string and not the objects: the cache lives in V8's old generation, where every
 * mark-compact visits each object and follows each of its pointers; a cluster kept as objects is
 * some 30 of them, a string one object with nothing inside to follow. Measured on 3,505
 * customers of a generated population (about 4.8 keys each; the heap freed by clearing the
 * cache): 1.03 KiB of heap a customer, where the objects took 1.74 KiB. Reading one back is a
 * JSON.parse of a few hundred bytes: about 1.6 µs a hit more on this project's VM.
 */
type PackedCluster = string;

/** The cluster as one string (see {@link PackedCluster}). */
function pack(cluster: CachedCluster): PackedCluster {
  return JSON.stringify([
    cluster.goldenId,
    cluster.records.flatMap((record) => [record.source, record.id]),
    cluster.identities.flatMap((identity) => [identity.source, identity.type, identity.value]),
    cluster.keys,
  ]);
}

/** The cluster {@link pack} made the string of: new objects, so that no caller shares them. */
function unpack(packed: PackedCluster): CachedCluster {
  const [goldenId, flatRecords, flatIdentities, keys] = JSON.parse(packed) as [string, string[], string[], string[]];
  const records: SourceRecordKey[] = [];
  for (let i = 0; i < flatRecords.length; i += 2) records.push({ source: flatRecords[i] as Source, id: flatRecords[i + 1]! });
  const identities: Identity[] = [];
  for (let i = 0; i < flatIdentities.length; i += 3) {
    identities.push({ source: flatIdentities[i] as Source, type: flatIdentities[i + 1] as IdentifierType, value: flatIdentities[i + 2]! });
  }
  return { goldenId, records, identities, keys };
}

/**
 * What a packed cluster takes in the heap, in bytes: V8 keeps a string of Latin-1 characters at
 * one byte a character and any other at two, plus a header.
 */
function packedBytes(packed: PackedCluster): number {
  return 24 + packed.length * (/[^\u0000-\u00ff]/.test(packed) ? 2 : 1);
}

type Entry = PackedCluster | typeof NOT_FOUND;

/** What a key costs: its text (UTF-16 at most) and the LRU's slots for it. */
function keyBytes(key: string): number {
  return KEY_OVERHEAD_BYTES + key.length * 2;
}

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
      // Every set gives its entry's size (setCluster, setNotFound).
      maxSize: options.maxBytes,
      ttl: options.ttlMs,
      ttlAutopurge: false,
    });
    this.negativeTtlMs = options.negativeTtlMs;
  }

  /** The cluster `key` maps to (new objects at each call), NOT_FOUND, or undefined when not cached. */
  get(key: string): CachedCluster | typeof NOT_FOUND | undefined {
    const entry = this.lru.get(key);
    return typeof entry === 'string' ? unpack(entry) : entry;
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
    // Only the links are kept, whatever else the caller's object carries; one string shared by its keys.
    const packed = pack(cluster);
    const bytesPerKey = Math.ceil(packedBytes(packed) / cluster.keys.length);
    for (const key of cluster.keys) this.lru.set(key, packed, { size: keyBytes(key) + bytesPerKey });
    return true;
  }

  /**
   * Remembers that no silo knows `key`, for the negative TTL, unless an eviction or a clear
   * happened since `since` (as {@link setCluster}: the record may have been created meanwhile).
   */
  setNotFound(key: string, since: CacheGeneration): void {
    if (since !== this.evictions) return;
    if (this.negativeTtlMs > 0) this.lru.set(key, NOT_FOUND, { ttl: this.negativeTtlMs, size: keyBytes(key) });
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
    const keys = typeof entry === 'string' ? unpack(entry).keys : [key];
    let removed = 0;
    for (const k of keys) {
      // Another, newer cluster may have taken a key over since: leave that one alone (a string
      // equal to this one is this very cluster, keys and all).
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
