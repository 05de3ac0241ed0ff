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
  /** A shop customer's newest orders, as many as the query's `limit` asks. */
  commerceOrders: DataLoader<LimitedListKey, CommerceOrderRecord[], string>;
  /** The category of a shop product (order lines carry only the product id). */
  commerceProductCategories: DataLoader<string, string | null>;
}

/** A list of one record's items, cut to the newest `limit`. */
export interface LimitedListKey {
  id: string;
  limit: number;
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
  const lookup = {} as RequestLoaders['lookup'];
  for (const source of SOURCES) lazy(lookup, source, () => createLookupLoader(source, services));
  const loaders = { lookup } as RequestLoaders;
  // A warm request uses two or three of these: build each on first use, not on every request.
  lazy(loaders, 'crm', () => new DataLoader((ids: readonly string[]) => connectors.crm.fetchRecords(ids)));
  lazy(loaders, 'loyalty', () => new DataLoader((ids: readonly string[]) => connectors.loyalty.fetchRecords(ids)));
  lazy(loaders, 'commerce', () => new DataLoader((ids: readonly string[]) => connectors.commerce.fetchRecords(ids)));
  lazy(loaders, 'analytics', () => new DataLoader((ids: readonly string[]) => connectors.analytics.fetchRecords(ids)));
  lazy(loaders, 'loyaltyTransactions', () => new DataLoader((ids: readonly string[]) => connectors.loyalty.transactionsOf(ids)));
  lazy(loaders, 'commerceOrders', () => limitedListLoader((ids, limit) => connectors.commerce.ordersOf(ids, limit)));
  lazy(loaders, 'commerceProductCategories', () => new DataLoader(async (ids: readonly string[]) => {
    const categories = await connectors.commerce.productCategories(ids);
    return ids.map((id) => categories.get(id) ?? null);
  }));
  return { services, bearerToken, failures: new SiloFailureReport(), loaders };
}

/** Defines `target[key]` as made by `make` on first read, then kept. */
function lazy<T extends object, K extends keyof T>(target: T, key: K, make: () => T[K]): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value = make();
      Object.defineProperty(target, key, { value, enumerable: true });
      return value;
    },
  });
}

/**
 * Lists asked in one tick, grouped by limit: one connector call per distinct limit (in practice,
 * one), so that the silo sends only the newest items the query shows. A failed group fails its
 * own keys only.
 */
export function limitedListLoader<T>(
  fetch: (ids: readonly string[], limit: number) => Promise<T[][]>,
): DataLoader<LimitedListKey, T[], string> {
  return new DataLoader<LimitedListKey, T[], string>(
    async (keys) => {
      const idsByLimit = new Map<number, string[]>();
      for (const { id, limit } of keys) {
        const ids = idsByLimit.get(limit);
        if (ids) ids.push(id);
        else idsByLimit.set(limit, [id]);
      }
      const lists = new Map<string, T[] | Error>();
      await Promise.all(
        [...idsByLimit].map(async ([limit, ids]) => {
          try {
            const found = await fetch(ids, limit);
            ids.forEach((id, i) => lists.set(limitedListKey({ id, limit }), found[i]!));
          } catch (error) {
            for (const id of ids) lists.set(limitedListKey({ id, limit }), error instanceof Error ? error : new Error(String(error)));
          }
        }),
      );
      return keys.map((key) => lists.get(limitedListKey(key))!);
    },
    { cacheKeyFn: limitedListKey },
  );
}

function limitedListKey({ id, limit }: LimitedListKey): string {
  return `${limit} ${id}`;
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
