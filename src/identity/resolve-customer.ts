/**
 * From a parsed `customer(id:)` argument to a CustomerParent: runs identity resolution with the
 * request's batched lookups and names the cluster with its golden id.
 */
import { sourceFailure } from '../errors.js';
import type { RequestContext } from '../context.js';
import { SOURCES } from '../context.js';
import type { CustomerParent } from '../customer.js';
import { chooseAnchor, encodeGoldenId } from './golden-id.js';
import type { CustomerIdInput } from './identifier.js';
import { normalizeIdentifier } from './normalize.js';
import { resolveCluster } from './resolve.js';

/** The customer, or null when no silo knows the identifier. Throws when the silo it names failed. */
export async function resolveCustomer(input: CustomerIdInput, ctx: RequestContext): Promise<CustomerParent | null> {
  const { services, loaders } = ctx;
  const start =
    input.kind === 'golden' ? { type: input.anchor.source, value: input.anchor.id } : input.identifier;
  const cluster = await resolveCluster(start, {
    silos: SOURCES.map((source) => services.connectors[source]),
    lookup: (source, identifier) => loaders.lookup[source].load(identifier),
    normalize: (identifier) => {
      const result = normalizeIdentifier(identifier, services.normalize);
      return result.ok ? result.identifier : null;
    },
    maxRounds: services.identity.maxRounds,
    maxRecords: services.identity.maxRecords,
  });
  const anchor = chooseAnchor(cluster.records);
  if (!anchor) {
    // Nothing found: when a silo failed, "unknown" would be a guess, so say which silo failed.
    const failure = cluster.failures.values().next().value;
    if (failure) throw sourceFailure(failure);
    return null;
  }
  return {
    goldenId: input.kind === 'golden' ? input.goldenId : encodeGoldenId(anchor),
    records: cluster.records,
    identities: cluster.identities,
    failures: cluster.failures,
  };
}
