/**
 * Identity resolution: from one identifier, find every record of the same person across the
 * silos. Each round asks every silo that can look up the new identifiers (in parallel; the
 * `lookup` passed in batches per silo), collects the records found and the identifiers they
 * carry, and repeats until nothing new appears or a bound is hit.
 *
 * The I/O is passed in, so the loop is tested with plain data.
 */
import { SourceError } from '../errors.js';
import type { Identity, Source } from '../generated/graphql.js';
import type { FoundRecord, Identifier, IdentifierType } from '../../connectors/types.js';
import type { SourceRecordKey } from '../customer.js';

export interface ResolveDeps {
  /** The silos and the identifier types each can look up. */
  silos: ReadonlyArray<{ source: Source; lookupTypes: readonly IdentifierType[] }>;
  /** Records of `source` matching `identifier`. Rejects with a SourceError when the silo fails. */
  lookup(source: Source, identifier: Identifier): Promise<FoundRecord[]>;
  /** The normalized form of an identifier a record carries, or null when it is unusable or blocked. */
  normalize(identifier: Identifier): Identifier | null;
  /** Rounds of lookups before the cluster is taken as it is. */
  maxRounds: number;
  /** Records in one cluster before expansion stops. */
  maxRecords: number;
}

export interface ResolvedCluster {
  records: SourceRecordKey[];
  identities: Identity[];
  /** Silos whose lookups failed: the cluster may be missing their records. */
  failures: Map<Source, SourceError>;
  /** False when a bound stopped the expansion or a silo failed. */
  complete: boolean;
}

export async function resolveCluster(start: Identifier, deps: ResolveDeps): Promise<ResolvedCluster> {
  const records = new Map<string, FoundRecord>();
  const identities = new Map<string, Identity>();
  const seen = new Set<string>([identifierKey(start)]);
  const failures = new Map<Source, SourceError>();
  let frontier: Identifier[] = [start];
  let bounded = false;

  for (let round = 0; frontier.length > 0; round += 1) {
    if (round >= deps.maxRounds || records.size >= deps.maxRecords) {
      bounded = true;
      break;
    }
    const found = await lookupRound(frontier, deps, failures);
    const next: Identifier[] = [];
    for (const record of found) {
      const key = `${record.source}:${record.id}`;
      if (records.has(key)) continue;
      if (records.size >= deps.maxRecords) {
        bounded = true;
        break;
      }
      records.set(key, record);
      for (const carried of record.identifiers) {
        const identifier = deps.normalize(carried);
        if (!identifier) continue;
        const idKey = identifierKey(identifier);
        identities.set(`${idKey}|${record.source}`, { ...identifier, source: record.source });
        if (!seen.has(idKey)) {
          seen.add(idKey);
          next.push(identifier);
        }
      }
    }
    frontier = next;
  }

  return {
    records: [...records.values()].map(({ source, id }) => ({ source, id })),
    identities: [...identities.values()],
    failures,
    complete: !bounded && failures.size === 0,
  };
}

/** One round: every identifier to every silo that can look it up, all at once. */
async function lookupRound(
  frontier: readonly Identifier[],
  deps: ResolveDeps,
  failures: Map<Source, SourceError>,
): Promise<FoundRecord[]> {
  const calls: Array<Promise<FoundRecord[]>> = [];
  for (const silo of deps.silos) {
    for (const identifier of frontier) {
      if (!silo.lookupTypes.includes(identifier.type)) continue;
      calls.push(
        deps.lookup(silo.source, identifier).catch((error: unknown) => {
          if (!(error instanceof SourceError)) throw error;
          if (!failures.has(silo.source)) failures.set(silo.source, error);
          return [];
        }),
      );
    }
  }
  return (await Promise.all(calls)).flat();
}

export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}
