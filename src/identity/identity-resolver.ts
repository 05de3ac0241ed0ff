/**
 * Who is who, on demand: answers from the identity-link cache when it can, and otherwise resolves
 * live, with one resolution in flight per identifier however many requests ask for it
 * (single-flight). Only complete, unambiguous answers are cached.
 */
import type { SourceError } from '../errors.js';
import type { Source } from '../generated/graphql.js';
import type { FoundRecord, Identifier, IdentifierType } from '../../connectors/types.js';
import type { CustomerParent } from '../customer.js';
import { chooseAnchor, encodeGoldenId } from './golden-id.js';
import { IdentityLinkCache, NOT_FOUND, type CachedCluster, type LinkCacheOptions } from './link-cache.js';
import { isFixedLinePhone, normalizeIdentifier, type NormalizeOptions } from './normalize.js';
import { identifierKey, resolveClusters, type ResolvedCluster } from './resolve.js';
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
  cache: LinkCacheOptions;
}

/** The lookup of one request: batched per silo by the request's DataLoaders. */
export type Lookup = (source: Source, identifier: Identifier) => Promise<FoundRecord[]>;

export class IdentityResolver {
  readonly cache: IdentityLinkCache;
  private readonly options: IdentityResolverOptions;
  private readonly inflight = new Map<string, Promise<Resolution>>();

  constructor(options: IdentityResolverOptions) {
    this.options = options;
    this.cache = new IdentityLinkCache(options.cache);
  }

  /** One resolution per start, in order. Cold starts resolve together, in lockstep rounds. */
  resolveMany(starts: readonly Identifier[], lookup: Lookup): Promise<Resolution[]> {
    const answers = new Map<string, Promise<Resolution>>();
    const coldKeys = new Set<string>();
    const cold: Identifier[] = [];
    for (const start of starts) {
      const key = identifierKey(start);
      if (answers.has(key) || coldKeys.has(key)) continue;
      const cached = this.fromCache(key);
      const pending = cached ? Promise.resolve(cached) : this.inflight.get(key);
      if (pending) {
        answers.set(key, pending);
      } else {
        coldKeys.add(key);
        cold.push(start);
      }
    }
    if (cold.length > 0) {
      const batch = this.resolveCold(cold, lookup);
      cold.forEach((start, i) => {
        const key = identifierKey(start);
        const mine = batch.then((resolutions) => resolutions[i]!);
        answers.set(key, mine);
        // Concurrent requests for this identifier wait for this resolution instead of starting theirs.
        this.inflight.set(key, mine);
        const done = () => {
          if (this.inflight.get(key) === mine) this.inflight.delete(key);
        };
        mine.then(done, done);
      });
    }
    return Promise.all(starts.map((start) => answers.get(identifierKey(start))!));
  }

  /** Forgets the links of the customer this identifier belongs to. Returns how many identifiers went. */
  evict(identifier: Identifier): number {
    return this.cache.evict(identifierKey(identifier));
  }

  private fromCache(key: string): Resolution | undefined {
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if (entry === NOT_FOUND) return { kind: 'notFound' };
    const cluster = entry as CachedCluster;
    return {
      kind: 'found',
      customer: { goldenId: cluster.goldenId, records: cluster.records, identities: cluster.identities, failures: new Map() },
    };
  }

  private async resolveCold(starts: Identifier[], lookup: Lookup): Promise<Resolution[]> {
    const { options } = this;
    const clusters = await resolveClusters(starts, {
      silos: options.silos,
      lookup,
      normalize: (identifier) => {
        const result = normalizeIdentifier(identifier, options.normalize);
        return result.ok ? result.identifier : null;
      },
      isFixedLine: isFixedLinePhone,
      rules: options.rules,
      maxRounds: options.maxRounds,
      maxRecords: options.maxRecords,
    });
    return clusters.map((cluster, i) => this.settle(starts[i]!, cluster));
  }

  /** Turns a resolved cluster into an answer, caching it when it is complete. */
  private settle(start: Identifier, cluster: ResolvedCluster): Resolution {
    if (cluster.ambiguous) return { kind: 'ambiguous' };
    const anchor = chooseAnchor(cluster.records);
    if (!anchor) {
      const failure = cluster.failures.values().next().value;
      if (failure) return { kind: 'failed', error: failure };
      this.cache.setNotFound(identifierKey(start));
      return { kind: 'notFound' };
    }
    const customer: CustomerParent = {
      // A silo failure may have hidden the cluster's true anchor: such an id is marked provisional.
      goldenId: encodeGoldenId(anchor, { provisional: cluster.failures.size > 0 }),
      records: cluster.records,
      identities: cluster.identities,
      failures: cluster.failures,
    };
    if (cluster.complete) this.cache.setCluster({ ...customer, keys: this.cacheKeys(start, cluster) });
    return { kind: 'found', customer };
  }

  /**
   * The identifiers the customer is cached under: every strong one, and the start. A weak one
   * (a phone) seen on a record may be a household's, so it is cached only when it was the start
   * and resolved without ambiguity.
   */
  private cacheKeys(start: Identifier, cluster: ResolvedCluster): string[] {
    const keys = new Set<string>([identifierKey(start)]);
    for (const identity of cluster.identities) {
      if (!this.options.rules.weakTypes.includes(identity.type)) keys.add(identifierKey(identity));
    }
    return [...keys];
  }
}
