/**
 * The per-request context: the services shared by every request, and the DataLoaders that live
 * for one request only. A loader batches the calls that one tick of resolvers makes to a silo
 * into one connector call, and never asks twice for the same key in a request.
 */
import DataLoader from 'dataloader';
import type { Source } from './generated/graphql.js';
import type {
  AnalyticsVisitorRecord,
  CommerceCustomerRecord,
  CommerceOrderRecord,
  CrmContactRecord,
  FoundRecord,
  Identifier,
  LoyaltyMemberRecord,
  LoyaltyTransactionRecord,
  SiloConnectors,
} from '../connectors/types.js';
import { identifierKey } from './identity/resolve.js';
import { normalizeIdentifier, type NormalizeOptions } from './identity/normalize.js';
import { SiloFailureReport } from './failures.js';
import type { GoldenRecordOptions } from './golden/golden-record.js';
import type { IdentityResolver } from './identity/identity-resolver.js';
import type { Logger } from './logger.js';

/** What every request shares: built once at start-up. */
export interface GatewayServices {
  connectors: SiloConnectors;
  logger: Logger;
  normalize: NormalizeOptions;
  /** Resolution with the shared identity-link cache. */
  identity: IdentityResolver;
  /** Survivorship rules and normalization for the golden fields. */
  golden: GoldenRecordOptions;
  /** Bearer token of admin operations; empty when they are off. */
  adminToken: string;
}

export interface RequestLoaders {
  /** Records of one silo matching one identifier. */
  lookup: Record<Source, DataLoader<Identifier, FoundRecord[], string>>;
  crm: DataLoader<string, CrmContactRecord | null>;
  loyalty: DataLoader<string, LoyaltyMemberRecord | null>;
  commerce: DataLoader<string, CommerceCustomerRecord | null>;
  analytics: DataLoader<string, AnalyticsVisitorRecord | null>;
  loyaltyTransactions: DataLoader<string, LoyaltyTransactionRecord[]>;
  commerceOrders: DataLoader<string, CommerceOrderRecord[]>;
}

export interface RequestContext {
  services: GatewayServices;
  loaders: RequestLoaders;
  /** Silo failures met while answering, so that each is reported once. */
  failures: SiloFailureReport;
  /** The `Authorization` header's bearer token, if any (checked only by admin operations). */
  bearerToken?: string;
}

export const SOURCES: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

export function createRequestContext(services: GatewayServices, bearerToken?: string): RequestContext {
  const { connectors } = services;
  const lookup = Object.fromEntries(
    SOURCES.map((source) => [source, createLookupLoader(source, services)]),
  ) as RequestLoaders['lookup'];
  return {
    services,
    bearerToken,
    failures: new SiloFailureReport(),
    loaders: {
      lookup,
      crm: new DataLoader((ids) => connectors.crm.fetchRecords(ids)),
      loyalty: new DataLoader((ids) => connectors.loyalty.fetchRecords(ids)),
      commerce: new DataLoader((ids) => connectors.commerce.fetchRecords(ids)),
      analytics: new DataLoader((ids) => connectors.analytics.fetchRecords(ids)),
      loyaltyTransactions: new DataLoader((ids) => connectors.loyalty.transactionsOf(ids)),
      commerceOrders: new DataLoader((ids) => connectors.commerce.ordersOf(ids)),
    },
  };
}

/**
 * One connector lookup for all the identifiers asked of a silo in one tick; each identifier then
 * gets the records that carry it (compared normalized, as the silo may store another spelling).
 */
function createLookupLoader(source: Source, services: GatewayServices): DataLoader<Identifier, FoundRecord[], string> {
  const connector = services.connectors[source];
  return new DataLoader<Identifier, FoundRecord[], string>(
    async (identifiers) => {
      const records = await connector.lookup(identifiers);
      const byIdentifier = new Map<string, FoundRecord[]>();
      for (const record of records) {
        for (const carried of record.identifiers) {
          const normalized = normalizeIdentifier(carried, services.normalize);
          if (!normalized.ok) continue;
          const key = identifierKey(normalized.identifier);
          const list = byIdentifier.get(key) ?? [];
          if (!list.includes(record)) list.push(record);
          byIdentifier.set(key, list);
        }
      }
      return identifiers.map((identifier) => byIdentifier.get(identifierKey(identifier)) ?? []);
    },
    { cacheKeyFn: identifierKey },
  );
}
