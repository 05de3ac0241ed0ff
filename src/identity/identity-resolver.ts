/**
 * Who is who, on demand: answers from the identity-link cache when it can, and otherwise resolves
 * live, with one resolution in flight per identifier however many requests ask for it
 * (single-flight). Only complete, unambiguous answers are cached.
 *
 * An answer depends on the identifier asked and the silos' data, never on what else a request
 * asked or what was asked before: a resolution's lookups answer the same whichever start asked
 * (see createLookupLoader), a single-flight resolution is the one its identifier would get alone,
 * and a customer is cached under another of its identifiers only when resolving from that one
 * gives the same customer (see {@link IdentityResolver.cacheKeys}).
 *
 * An eviction wins over every resolution that started before it: such a resolution still answers
 * the requests that joined it, but its result is not cached (its silo reads may predate the change
 * the eviction was called for), and a request that arrives after the eviction starts a resolution
 * of its own instead of joining it. The link cache's generation (IdentityLinkCache.generation)
 * tells the two apart.
 */
import { SourceError } from '../shared/errors.js';
import { isRequestStop } from '../shared/request-stop.js';
import type { Identity, Source } from '../generated/graphql.js';
import type { FoundRecord, Identifier, IdentifierType } from '../../connectors/types.js';
import type { CustomerParent } from './resolved-customer.js';
import { chooseAnchor, encodeGoldenId } from './golden-id.js';
import { IdentityLinkCache, type CacheGeneration, type CachedCluster, type LinkCacheOptions } from './link-cache.js';
import { isMobilePhone, normalizeIdentifier, type NormalizeOptions } from './normalize.js';
import { identifierKey, resolveCluster, resolveClusters, UNIQUE_IN_SILO, type ResolveDeps, type ResolvedCluster } from './resolve.js';
import type { IdentityRules } from './rules.js';

export type Resolution =
  | { kind: 'found'; customer: CustomerParent }
  | { kind: 'notFound' }
  /** The identifier is weak and held by records of several people. */
  | { kind: 'ambiguous' }
  /** Nothing was found and a silo failed: "unknown" would be a guess. */
  | { kind: 'failed'; error: SourceError };

export interface IdentityResolverOptions {
  silos: ReadonlyArray<{ source: Source; lookupTypes: readonly IdentifierType[] }>;
  rules: IdentityRules;
  normalize: NormalizeOptions;
  maxRounds: number;
  maxRecords: number;
  /**
   * One deadline shared by all the rounds of a resolution, in ms (IDENTITY_DEADLINE_MS): a lookup
   * still unanswered when it passes fails with SOURCE_TIMEOUT, and a round that would start after
   * it asks nothing. Without it, each round could wait its own per-call deadline, and two slow
   * silos in two rounds added up. Absent: no shared deadline.
   */
  deadlineMs?: number;
  cache: LinkCacheOptions;
}

/** The lookup of one request: batched per silo by the request's DataLoaders. */
export type Lookup = (source: Source, identifier: Identifier) => Promise<FoundRecord[]>;

export class IdentityResolver {
  readonly cache: IdentityLinkCache;
  private readonly options: IdentityResolverOptions;
  /**
   * The resolution in flight per start key, with the cache generation it started in: one that
   * started before an eviction or a clear is not joined any more.
   */
  private readonly inflight = new Map<string, { answer: Promise<Resolution>; generation: CacheGeneration }>();

  constructor(options: IdentityResolverOptions) {
    this.options = options;
    this.cache = new IdentityLinkCache(options.cache);
  }

  /** One resolution per start, in order. Cold starts resolve together, in lockstep rounds. */
  resolveMany(starts: readonly Identifier[], lookup: Lookup): Promise<Resolution[]> {
    // Read before any lookup: whatever is evicted from now on, this batch does not cache.
    const generation = this.cache.generation;
    const answers = new Map<string, Promise<Resolution>>();
    const coldKeys = new Set<string>();
    const cold: Identifier[] = [];
    for (const start of starts) {
      const key = identifierKey(start);
      if (answers.has(key) || coldKeys.has(key)) continue;
      const cached = this.fromCache(key);
      const flying = this.inflight.get(key);
      const pending = cached ? Promise.resolve(cached) : flying?.generation === generation ? this.join(flying.answer, start, lookup) : undefined;
      if (pending) {
        answers.set(key, pending);
      } else {
        coldKeys.add(key);
        cold.push(start);
      }
    }
    if (cold.length > 0) {
      const batch = this.resolveCold(cold, lookup, generation);
      cold.forEach((start, i) => {
        const key = identifierKey(start);
        const mine = batch.then((resolutions) => resolutions[i]!);
        answers.set(key, mine);
        // Concurrent requests for this identifier wait for this resolution instead of starting theirs.
        const entry = { answer: mine, generation };
        this.inflight.set(key, entry);
        const done = () => {
          if (this.inflight.get(key) === entry) this.inflight.delete(key);
        };
        mine.then(done, done);
      });
    }
    return Promise.all(starts.map((start) => answers.get(identifierKey(start))!));
  }

  /**
   * The answer of a resolution another request started, for this one. That request's lookups
   * stop with it (its client left, its deadline passed: REQUEST_ABORTED, DEADLINE_EXCEEDED), and
   * a resolution cut that way says nothing of the customer: this request then resolves `start`
   * with its own `lookup` rather than answer with another request's stop.
   */
  private async join(answer: Promise<Resolution>, start: Identifier, lookup: Lookup): Promise<Resolution> {
    const resolution = await answer;
    if (!cutByItsRequest(resolution)) return resolution;
    const [own] = await this.resolveMany([start], lookup);
    return own!;
  }

  /**
   * Forgets the links of the customer this identifier belongs to, and makes every resolution in
   * flight now leave the cache alone when it finishes (a request arriving later resolves afresh).
   * Returns how many cached identifiers were removed: 0 when the customer was not cached, for
   * example while its first resolution is still in flight, which the eviction stops all the same.
   */
  evict(identifier: Identifier): number {
    return this.cache.evict(identifierKey(identifier));
  }

  private fromCache(key: string): Resolution | undefined {
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if ('notFound' in entry) return { kind: 'notFound' };
    const cluster: CachedCluster = entry;
    return {
      kind: 'found',
      customer: { goldenId: cluster.goldenId, records: cluster.records, identities: cluster.identities, failures: new Map(), truncated: false },
    };
  }

  /** Resolves `starts` live; their results are cached only if nothing was evicted since `generation`. */
  private async resolveCold(starts: Identifier[], lookup: Lookup, generation: CacheGeneration): Promise<Resolution[]> {
    const { options } = this;
    // Every lookup's answer, so that the cache keys can be checked without another call.
    const answered = new Map<string, Promise<FoundRecord[]>>();
    const normalizedValues = new Map<string, Identifier | null>();
    const mobiles = new Map<string, boolean>();
    const deadline = options.deadlineMs === undefined ? null : new ResolutionDeadline(options.deadlineMs);
    const deps: ResolveDeps = {
      silos: options.silos,
      lookup: (source, identifier) => {
        const key = `${source} ${identifierKey(identifier)}`;
        let answer = answered.get(key);
        if (!answer) answered.set(key, (answer = deadline ? deadline.bound(source, () => lookup(source, identifier)) : lookup(source, identifier)));
        return answer;
      },
      normalize: (identifier) => {
        // A record is found again and again (each round, each replay of cacheKeys, each start of
        // the batch that reaches it), and a phone's parse is the costliest step of resolution:
        // each raw value is normalized once per batch.
        const key = `${identifier.type}\u0000${identifier.value}`;
        let normalized = normalizedValues.get(key);
        if (normalized === undefined) {
          const result = normalizeIdentifier(identifier, options.normalize);
          normalizedValues.set(key, (normalized = result.ok ? result.identifier : null));
        }
        return normalized;
      },
      isMobile: (identifier) => {
        if (identifier.type !== 'phone') return false;
        let mobile = mobiles.get(identifier.value);
        if (mobile === undefined) mobiles.set(identifier.value, (mobile = isMobilePhone(identifier)));
        return mobile;
      },
      rules: options.rules,
      maxRounds: options.maxRounds,
      maxRecords: options.maxRecords,
    };
    let clusters: ResolvedCluster[];
    try {
      clusters = await resolveClusters(starts, deps);
    } finally {
      deadline?.clear();
    }
    // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
    // spread gets a hidden class of its own each time (docs/hidden-classes.md).
    const replay: ResolveDeps = Object.assign({}, deps, { lookup: await replayLookup(answered, deps) });
    return Promise.all(clusters.map(async (cluster, i) => {
      const start = starts[i]!;
      const keys = cluster.complete && !cluster.ambiguous ? await this.cacheKeys(start, cluster, replay) : [];
      return this.settle(start, cluster, keys, generation);
    }));
  }

  /**
   * Turns a resolved cluster into an answer, caching it under `keys` when it is complete and
   * nothing was evicted since `generation`.
   */
  private settle(start: Identifier, cluster: ResolvedCluster, keys: string[], generation: CacheGeneration): Resolution {
    if (cluster.ambiguous) return { kind: 'ambiguous' };
    const anchor = chooseAnchor(cluster.records);
    if (!anchor) {
      const failure = cluster.failures.values().next().value;
      if (failure) return { kind: 'failed', error: failure };
      this.cache.setNotFound(identifierKey(start), generation);
      return { kind: 'notFound' };
    }
    const customer: CustomerParent = {
      // A silo failure may have hidden the cluster's true anchor: such an id is marked provisional.
      goldenId: encodeGoldenId(anchor, { provisional: cluster.failures.size > 0 }),
      records: cluster.records,
      identities: cluster.identities,
      failures: cluster.failures,
      truncated: cluster.truncated,
    };
    if (cluster.complete) this.cache.setCluster({ keys, ...customer }, generation);
    return { kind: 'found', customer };
  }

  /**
   * The identifiers the customer is cached under: the start, and each other strong identifier of
   * the customer from which resolution gives the same customer. Resolution is replayed from it on
   * the lookups already answered (no call; an identifier whose resolution would need another
   * lookup is left out): the limits, the weak links and a shared device's owner make the
   * customer found from one identifier differ, now and then, from the one found from another,
   * and a cached answer must be what that identifier gets cold. A weak one (a phone) seen on a
   * record may be a household's, so it is cached only when it was the start; a value records of
   * evidently different people hold is never a key (asked for, it is ambiguous).
   */
  private async cacheKeys(start: Identifier, cluster: ResolvedCluster, replay: ResolveDeps): Promise<string[]> {
    const startKey = identifierKey(start);
    // The first identity of each key: a key a second silo's record also carries is checked once.
    const others = new Map<string, Identity>();
    for (const identity of cluster.identities) {
      const key = identifierKey(identity);
      if (key !== startKey && !others.has(key) && !this.options.rules.weakTypes.includes(identity.type) && !cluster.shared.has(key)) {
        others.set(key, identity);
      }
    }
    const same = await Promise.all(
      [...others.values()].map(async (identity) => {
        try {
          return sameCustomer(cluster, await resolveCluster({ type: identity.type, value: identity.value }, replay));
        } catch (error) {
          if (error instanceof NotAnswered) return false;
          throw error;
        }
      }),
    );
    return [startKey, ...[...others.keys()].filter((_, i) => same[i])];
  }
}

/** Whether a lookup of the resolution was cut by the stop of the request that made it. */
function cutByItsRequest(resolution: Resolution): boolean {
  if (resolution.kind === 'failed') return isRequestStop(resolution.error);
  return resolution.kind === 'found' && [...resolution.customer.failures.values()].some(isRequestStop);
}

/** A replayed resolution needed a lookup the resolution it checks did not make. */
class NotAnswered extends Error {}

/**
 * A lookup that answers from the lookups made, without a call. A silo's own record id (or a
 * card) that was not asked of it is answered from the records seen: at most one record of the
 * silo holds it, and a record found carries every identifier it holds (Connector.lookup), so a
 * record seen holding it is the whole answer. Anything else rejects with NotAnswered.
 */
async function replayLookup(answered: ReadonlyMap<string, Promise<FoundRecord[]>>, deps: ResolveDeps): Promise<Lookup> {
  const seen = new Map<string, FoundRecord>();
  for (const answer of await Promise.allSettled(answered.values())) {
    if (answer.status === 'fulfilled') for (const record of answer.value) seen.set(`${record.source}:${record.id}`, record);
  }
  const holders = new Map<string, FoundRecord[]>();
  for (const record of seen.values()) {
    for (const carried of record.identifiers) {
      const identifier = deps.normalize(carried);
      if (!identifier || !UNIQUE_IN_SILO[record.source].includes(identifier.type)) continue;
      const key = `${record.source} ${identifierKey(identifier)}`;
      const list = holders.get(key) ?? [];
      if (!list.includes(record)) list.push(record);
      holders.set(key, list);
    }
  }
  return (source, identifier) => {
    const key = `${source} ${identifierKey(identifier)}`;
    const held = holders.get(key);
    return answered.get(key) ?? (held ? Promise.resolve(held) : Promise.reject(new NotAnswered()));
  };
}

/** Whether two complete resolutions found the same records and identities (both in canonical order). */
function sameCustomer(a: ResolvedCluster, b: ResolvedCluster): boolean {
  if (!b.complete || b.ambiguous) return false;
  const recordKeys = (c: ResolvedCluster) => c.records.map((r) => `${r.source}:${r.id}`).join('|');
  const identityKeys = (c: ResolvedCluster) => c.identities.map((i) => `${i.source}:${i.type}:${i.value}`).join('|');
  return recordKeys(a) === recordKeys(b) && identityKeys(a) === identityKeys(b);
}

/**
 * The deadline a resolution's rounds share: one timer for the whole resolution, however many
 * lookups and rounds. A lookup still pending when it passes is answered with SOURCE_TIMEOUT for
 * its silo (its call goes on to its own per-call deadline, its answer unused); a lookup asked
 * after it passed fails at once, without a call.
 */
class ResolutionDeadline {
  private readonly ms: number;
  private passed = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly expired: Promise<void>;

  constructor(ms: number) {
    this.ms = ms;
    let expire!: () => void;
    this.expired = new Promise<void>((resolve) => (expire = resolve));
    this.timer = setTimeout(() => {
      this.passed = true;
      expire();
    }, ms);
  }

  /** `call`'s answer, or a SOURCE_TIMEOUT of `source` when the deadline passes first. */
  bound(source: Source, call: () => Promise<FoundRecord[]>): Promise<FoundRecord[]> {
    if (this.passed) return Promise.reject(this.timeout(source));
    return Promise.race([
      call(),
      this.expired.then((): never => {
        throw this.timeout(source);
      }),
    ]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  private timeout(source: Source): SourceError {
    return new SourceError(
      'SOURCE_TIMEOUT',
      source,
      `The ${source} silo did not answer within the identity resolution's deadline of ${this.ms} ms (IDENTITY_DEADLINE_MS), shared by all its rounds.`,
      { operation: 'lookup', cause: 'resolution deadline' },
    );
  }
}
