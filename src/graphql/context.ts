/**
 * The per-request context: the services shared by every request, and the DataLoaders that live
 * for one request only. A loader batches the calls that one tick of resolvers makes to a silo
 * into one connector call, and never asks twice for the same key in a request.
 */
import DataLoader from 'dataloader';
import type { Source } from '../generated/graphql.js';
import type {
  AnalyticsVisitorRecord,
  CommerceCustomerRecord,
  CommerceOrderRecord,
  CrmContactRecord,
  CrmSubscriptionStatusRecord,
  FoundRecord,
  Identifier,
  LoyaltyMemberRecord,
  LoyaltyTransactionRecord,
  SiloConnectors,
} from '../../connectors/types.js';
import { identifierKey } from '../identity/resolve.js';
import { normalizeIdentifier, type NormalizeOptions } from '../identity/normalize.js';
import { SiloFailureReport } from './failures.js';
import { PendingReads } from './pending-reads.js';
import type { GoldenRecordOptions } from '../golden/golden-record.js';
import type { IdentityResolver } from '../identity/identity-resolver.js';
import type { SourceError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import type { ClvModel } from '../insights/clv/model-file.js';
import type { ClvValuation, CustomerClv } from '../insights/customer-clv.js';
import type { LifecycleThresholds } from '../insights/lifecycle.js';
import type { PurchaseHistory } from '../insights/purchase-history.js';
import type { CompiledSegment } from '../insights/segments/compile.js';
import type { JourneyReaders, MemoryReader } from '../journey/page.js';
import type { JourneyStream, TouchpointRecord } from '../journey/touchpoint.js';
import { FULL_ACCESS, type AccessGrant } from '../access/scopes.js';
import { AccessRecord } from './access-record.js';
import { guarded, NEVER_STOPPED } from './request-signal.js';
import type { ProfilingConsentMode, PurposeConsent } from '../golden/consent.js';
import type { HistoryFigures } from './history-figures.js';
import type { GraphQLError } from 'graphql';

/** What every request shares: built once at start-up. */
export interface GatewayServices {
  connectors: SiloConnectors;
  logger: Logger;
  normalize: NormalizeOptions;
  /** Resolution with the shared identity-link cache. */
  identity: IdentityResolver;
  /** Survivorship rules and normalization for the golden fields. */
  golden: GoldenRecordOptions;
  /** Key that signs journey cursors (GATEWAY_CURSOR_SECRET, or random bytes made at start). */
  cursorKey: string | Uint8Array;
  /** What RFM, the lifecycle, CLV and the segments are computed with. */
  insights: InsightServices;
}

/** The settings, model and segments the insights fields use (insights.ts, segments.ts). */
export interface InsightServices {
  /** `Customer.rfm`'s window when a query gives none, in days (RFM_WINDOW_DAYS). */
  rfmWindowDays: number;
  /** Which profiling consent withholds the personalization outputs (PROFILING_CONSENT; consent-gate.ts). */
  profilingConsent: ProfilingConsentMode;
  lifecycle: LifecycleThresholds;
  /** The retailer's IANA time zone (TIME_ZONE): purchases are counted in its calendar days. */
  timeZone: string;
  /** The lifetime-value model loaded at start (CLV_MODEL_FILE), or null: `clv` is null with an error. */
  clvModel: ClvModel | null;
  valuation: ClvValuation;
  /** The segments of SEGMENTS_FILE, compiled at start, in the file's order. */
  segments: readonly CompiledSegment[];
  /** Now, in ms since the epoch: what recency, windows and the model's T count to (tests fix it). */
  now: () => number;
}

/**
 * The DataLoaders of one request. A warm request uses two or three of them, so each is built on
 * first use: getters on a class, which keep the object's shape fixed (cheap to read on every
 * field) where properties defined per request would not.
 */
export class RequestLoaders {
  #lookups: Partial<Record<Source, DataLoader<Identifier, FoundRecord[], string>>> = {};
  #crm?: DataLoader<string, CrmContactRecord | null>;
  #loyalty?: DataLoader<string, LoyaltyMemberRecord | null>;
  #commerce?: DataLoader<string, CommerceCustomerRecord | null>;
  #analytics?: DataLoader<string, AnalyticsVisitorRecord | null>;
  #loyaltyTransactions?: DataLoader<LimitedListKey, LoyaltyTransactionRecord[], string>;
  #commerceOrders?: DataLoader<LimitedListKey, CommerceOrderRecord[], string>;
  #commerceProductCategories?: DataLoader<string, string | null>;
  #crmSubscriptions?: DataLoader<string, CrmSubscriptionStatusRecord[]>;
  /**
   * The request's silo reads in flight, through these loaders and the whole-history and consent
   * reads: the product categories wait for them (one call per request).
   */
  readonly pending = new PendingReads();
  /** The request's profiling-consent gates still reading (consent-gate.ts): they open together. */
  readonly profilingGates = new PendingReads();

  /**
   * @param signal the request's stop (request-signal.ts): every connector call of these loaders
   *   goes through {@link call}, so none is made once it is aborted.
   */
  constructor(
    private readonly services: GatewayServices,
    readonly signal: AbortSignal = NEVER_STOPPED,
  ) {}

  /**
   * A connector call of this request to `source`: not made once the request is stopped (client
   * gone, deadline passed), and settled with the silo's DEADLINE_EXCEEDED or REQUEST_ABORTED
   * error as soon as it is stopped while out (request-signal.ts `guarded`). `make` passes the
   * signal it gets to the connector, which then makes none of its follow-up calls after the stop.
   */
  call<T>(source: Source, make: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return guarded(this.signal, source, make);
  }

  /**
   * A read of this request's loaders: a {@link call}, counted as pending until it settles, so
   * that the product categories wait for it ({@link PendingReads}).
   */
  private read<T>(source: Source, make: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return this.pending.track(this.call(source, make));
  }

  /** Records of one silo matching one identifier (resolution; a warm request uses none). */
  lookup(source: Source): DataLoader<Identifier, FoundRecord[], string> {
    return (this.#lookups[source] ??= createLookupLoader(source, this.services, this.signal));
  }

  private get connectors(): SiloConnectors {
    return this.services.connectors;
  }

  get crm(): DataLoader<string, CrmContactRecord | null> {
    return (this.#crm ??= new DataLoader((ids: readonly string[]) => this.read('crm', (signal) => this.connectors.crm.fetchRecords(ids, signal))));
  }

  get loyalty(): DataLoader<string, LoyaltyMemberRecord | null> {
    return (this.#loyalty ??= new DataLoader((ids: readonly string[]) => this.read('loyalty', (signal) => this.connectors.loyalty.fetchRecords(ids, signal))));
  }

  get commerce(): DataLoader<string, CommerceCustomerRecord | null> {
    return (this.#commerce ??= new DataLoader((ids: readonly string[]) => this.read('commerce', (signal) => this.connectors.commerce.fetchRecords(ids, signal))));
  }

  get analytics(): DataLoader<string, AnalyticsVisitorRecord | null> {
    return (this.#analytics ??= new DataLoader((ids: readonly string[]) => this.read('analytics', (signal) => this.connectors.analytics.fetchRecords(ids, signal))));
  }

  /** A loyalty member's newest transactions, as many as the query's `limit` asks. */
  get loyaltyTransactions(): DataLoader<LimitedListKey, LoyaltyTransactionRecord[], string> {
    return (this.#loyaltyTransactions ??= limitedListLoader((ids, limit) => this.read('loyalty', (signal) => this.connectors.loyalty.transactionsOf(ids, limit, signal))));
  }

  /** A shop customer's newest orders, as many as the query's `limit` asks. */
  get commerceOrders(): DataLoader<LimitedListKey, CommerceOrderRecord[], string> {
    return (this.#commerceOrders ??= limitedListLoader((ids, limit) => this.read('commerce', (signal) => this.connectors.commerce.ordersOf(ids, limit, signal))));
  }

  /** The CRM's EMAIL subscription statuses of an address (consent), keyed lower-cased. */
  get crmSubscriptions(): DataLoader<string, CrmSubscriptionStatusRecord[]> {
    return (this.#crmSubscriptions ??= new DataLoader((emails: readonly string[]) => this.read('crm', (signal) => this.connectors.crm.subscriptionStatuses(emails, signal)), {
      cacheKeyFn: (email) => email.trim().toLowerCase(),
    }));
  }

  /**
   * The category of a shop product (order lines carry only the product id). Its batch goes out
   * once the request's pending histories and consent reads have settled ({@link PendingReads}):
   * one call for every customer of the request.
   */
  get commerceProductCategories(): DataLoader<string, string | null> {
    return (this.#commerceProductCategories ??= new DataLoader(
      async (ids: readonly string[]) => {
        const categories = await this.call('commerce', (signal) => this.connectors.commerce.productCategories(ids, signal));
        return ids.map((id) => categories.get(id) ?? null);
      },
      { batchScheduleFn: (dispatch) => this.pending.whenSettled(dispatch) },
    ));
  }
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
  /** Who is asking and the scopes they hold (src/access/scopes.ts), fixed for the request. */
  access: AccessGrant;
  /**
   * Aborted when the client's connection closes before the answer, or at the request's deadline
   * (request-signal.ts): the loaders and the journey readers make no silo call after it.
   */
  signal: AbortSignal;
  /** What the request read that the access log tells (access-record.ts): personal data, email:/phone: lookups, scopes used. */
  audit: AccessRecord;
  /**
   * Each customer's whole journey history being read in this request, per stream (the summary
   * starts them; a journey page beside it is cut from them instead of asking the silos again).
   * Made on first use: most requests ask for no summary.
   */
  journeyHistories?: Map<CustomerParent, Map<JourneyStream, Promise<TouchpointRecord[]>>>;
  /**
   * The reader over each of those histories (histories.ts `sortedHistory`), sorted once
   * however many reads of the page ask it. Kept with the request, not in a module-level WeakMap
   * keyed by the history: a scavenge cannot tell that an old WeakMap's key has died, so such a
   * map held every reader (a whole sorted history) whose key had been promoted until the next
   * mark-compact. Measured in the journey's GC line: 2.8 MB alive at each scavenge, 2.3 MB with
   * this map.
   */
  journeyHistoryReaders?: Map<Promise<TouchpointRecord[]>, MemoryReader>;
  /** Each customer's readers of those whole histories (histories.ts `wholeHistories`), made once per request. */
  wholeHistoryReaders?: Map<CustomerParent, JourneyReaders>;
  /**
   * Each customer's purchase history built in this request, per set of streams read (insights.ts
   * `purchasesOf`): `rfm`, `lifecycle` and `clv` in one query build it once. Made on first use.
   */
  purchaseHistories?: Map<CustomerParent, Map<string, Promise<PurchaseRead>>>;
  /**
   * Each customer's golden consent read in this request, per set of silos read (consent-gate.ts):
   * the personalization fields' gate and `Customer.consent` share it. Made on first use.
   */
  consents?: Map<CustomerParent, Map<string, Promise<ConsentRead>>>;
  /**
   * Each customer's profiling gate decided in this request (consent-gate.ts `profilingGate`):
   * the customer's gated fields (`lifecycle`, `clv`, `segments`, ...) share one decision, and
   * one CONSENT_REQUIRED error when it withholds them. Made on first use.
   */
  profilingDecisions?: Map<CustomerParent, Promise<GraphQLError | null>>;
  /**
   * The model figures of each purchase history read in this request (insights.ts
   * `figuresOf`), and the same keyed by the CLV inputs they made, so that `Clv.pAlive` and
   * `Clv.value` find them. Made on first use.
   */
  historyFigures?: Map<PurchaseHistory, HistoryFigures>;
  clvFigures?: Map<CustomerClv, HistoryFigures>;
  /** Each customer's records per silo loaded in this request (customer-records.ts `siloRecords`). Made on first use. */
  siloRecords?: Map<CustomerParent, { [S in Source]?: Promise<unknown[] | SourceError> }>;
  /** The instant the request's figures are computed as of ({@link requestNow}); set on first use. */
  asOf?: number;
}

/**
 * The instant, in ms since the epoch, that the request's insights are computed as of: the
 * insights clock read once per request, so that the stage, the value, RFM and the segments of
 * one answer are figures of the same moment.
 */
export function requestNow(ctx: RequestContext): number {
  return (ctx.asOf ??= ctx.services.insights.now());
}

/** A customer's golden consent as the consent gate reads it, and the silo failures met. */
export interface ConsentRead {
  readonly consent: readonly PurposeConsent[];
  readonly failures: readonly SourceError[];
}

/** A customer's purchase history as the insights read it, and the silos that failed (insights.ts `purchasesOf`). */
export interface PurchaseRead {
  readonly history: PurchaseHistory;
  readonly failures: readonly SourceError[];
}

/**
 * The promise `make` gives, made once per customer and key in a request: the memo of the reads
 * several fields of one customer share (its purchase history, its consent). `cache` is the
 * request's own (a field of the context), so nothing outlives the request. The request's memos
 * are Maps, not WeakMaps: they die with the request and its customers anyway, and a WeakMap's
 * entries are ephemerons that every scavenge and mark-compact must process apart.
 */
export function oncePerCustomer<T>(cache: Map<CustomerParent, Map<string, Promise<T>>>, customer: CustomerParent, key: string, make: () => Promise<T>): Promise<T> {
  let byKey = cache.get(customer);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(customer, byKey);
  }
  let promise = byKey.get(key);
  if (promise === undefined) {
    promise = make();
    byKey.set(key, promise);
  }
  return promise;
}

export const SOURCES: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

/**
 * A request's context. `signal` stops its silo reads (none: never stopped). `access` is what the request's credentials gave (src/server/auth/, made
 * before Apollo runs); it defaults to every scope for in-process callers (the CLV sample, the benchmarks).
 */
export function createRequestContext(services: GatewayServices, access: AccessGrant = FULL_ACCESS, signal: AbortSignal = NEVER_STOPPED): RequestContext {
  return { services, access, signal, audit: new AccessRecord(), failures: new SiloFailureReport(), loaders: new RequestLoaders(services, signal) };
}

/**
 * Lists asked in one tick, grouped by limit: one connector call per distinct limit (in practice,
 * one), so that the silo sends only the newest items the query shows. A failed group fails its
 * own keys only; so does a `fetch` that answers another number of lists than of ids (it must
 * answer one list per id, in the order of `ids`).
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
            if (found.length !== ids.length) {
              throw new Error(`A list fetch answered ${found.length} list(s) for ${ids.length} id(s); it must answer one list per id, in order.`);
            }
            ids.forEach((id, i) => {
              const list = found[i];
              if (list) lists.set(limitedListKey({ id, limit }), list);
            });
          } catch (error) {
            for (const id of ids) lists.set(limitedListKey({ id, limit }), error instanceof Error ? error : new Error(String(error)));
          }
        }),
      );
      // Every key's group was answered above, with its list or its group's error.
      return keys.map((key) => lists.get(limitedListKey(key)) ?? new Error(`No list was fetched for ${key.id}.`));
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
 *
 * An identifier's answer must not depend on what else the tick asked: a record another
 * identifier found goes to this one only because the record carries it, and a connector's records
 * carry every identifier they hold whatever found them, each of which finds them alone
 * (Connector.lookup). So the answer is the one a lookup of this identifier alone gets, and a
 * `customers(ids:)` slot the customer its id gets alone. A record the silo matched loosely (a
 * full-text search) but that does not carry the identifier goes to no one.
 */
function createLookupLoader(source: Source, services: GatewayServices, signal: AbortSignal): DataLoader<Identifier, FoundRecord[], string> {
  const connector = services.connectors[source];
  return new DataLoader<Identifier, FoundRecord[], string>(
    async (identifiers) => {
      const records = await guarded(signal, source, (stop) => connector.lookup(identifiers, stop));
      const byIdentifier = new Map<string, FoundRecord[]>();
      for (const record of records) {
        const keys = record.matchedBy
          ? record.matchedBy.map(identifierKey)
          : record.identifiers.flatMap((carried) => {
              const normalized = normalizeIdentifier(carried, services.normalize);
              return normalized.ok ? [identifierKey(normalized.identifier)] : [];
            });
        for (const key of keys) {
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
