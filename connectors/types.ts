/**
 * The contract between the gateway and a silo. A connector is the only code that talks to its
 * silo: it builds the URLs, sends the credentials, and maps the product's shapes to the
 * gateway's types (generated from the schema, never re-declared here).
 */
import type {
  AnalyticsVisitor,
  CommerceCustomer,
  CommerceOrder,
  CrmContact,
  IdentifierType,
  LoyaltyMember,
  LoyaltyTransaction,
  PurchaseLine,
  RedeemedReward,
  Source,
  Visit,
} from '../src/generated/graphql.js';
import type { BreakerOptions } from './shared/silo-guard.js';

/** A loyalty member without its transactions, which are fetched only when selected. */
export type LoyaltyMemberRecord = Omit<LoyaltyMember, 'transactions' | '__typename'>;
/** A shop customer without its orders, which are fetched only when selected. */
export type CommerceCustomerRecord = Omit<CommerceCustomer, 'orders' | '__typename'>;
/**
 * A CRM contact. `additionalEmails` is nullable in the schema only because a client without
 * pii:read gets it null (schema/access.graphql); a contact always has the list, empty or not.
 */
export type CrmContactRecord = Omit<CrmContact, '__typename' | 'additionalEmails'> & { additionalEmails: string[] };
/**
 * An analytics visitor. `visits` is nullable in the schema only because a client without
 * journey:read gets it null; a visitor always has the list.
 */
export type AnalyticsVisitorRecord = Omit<AnalyticsVisitor, '__typename' | 'visits'> & {
  visits: Visit[];
  /**
   * For each login id (shop customer id) this device's visits were sent with: its first such
   * visit, the moment the anonymous device became that customer (the journey's `deviceFirstLogin`).
   * `at` is that visit's last action (ISO 8601), the journey's time of a visit; `inApp` whether
   * that visit was in the app (the app's analytics site) rather than on the website. Oldest
   * login first; `userId` as the site sent it (not normalized); empty for an anonymous device.
   */
  firstLogins: ReadonlyArray<{ userId: string; visitId: string; at: string; inApp: boolean }>;
};
export type LoyaltyTransactionRecord = Omit<LoyaltyTransaction, '__typename'>;
/** A visit as the analytics connector gives it. */
export type VisitRecord = Omit<Visit, '__typename'>;
/**
 * A line of an online order as the shop gives it: Shopify keeps the category on the product
 * (`product_type`), so the line carries the product id and the category is fetched only when a
 * query selects it ({@link CommerceSiloConnector.productCategories}).
 */
export type CommerceOrderLineRecord = Omit<PurchaseLine, '__typename' | 'category'> & {
  /** The product the line sold, or null for a custom line without product. */
  productId: string | null;
};
export type CommerceOrderRecord = Omit<CommerceOrder, '__typename' | 'lines'> & { lines: CommerceOrderLineRecord[] };
/** A purchase line as a connector gives it: with its category (loyalty), or with the product that has it (shop). */
export type PurchaseLineRecord = Omit<PurchaseLine, '__typename'> | CommerceOrderLineRecord;

/**
 * Kinds of identifier a silo can be searched by (the schema's `IdentifierType`). A source name
 * stands for that silo's own record id (`crm` is a HubSpot contact id); `commerce` is also what
 * analytics knows as the `userId`.
 */
export type { IdentifierType };

/**
 * An identifier, its value normalized by the gateway (emails to their canonical mailbox, phones
 * E.164) once normalized; as the silo stores it on a {@link FoundRecord}.
 */
export interface Identifier {
  type: IdentifierType;
  value: string;
  /**
   * For a phone a record carries: the country of the record's address as the silo writes it
   * (a name in any common language, "Italia", or an ISO code, "IT"), in which a national number
   * ("349 7766351") is read before the default country. Absent elsewhere; normalization drops it.
   */
  country?: string;
}

/**
 * A record a lookup found, with every identifier it carries, as the silo stores them (not
 * normalized: normalization is the gateway's job, in one place).
 */
export interface FoundRecord {
  source: Source;
  id: string;
  identifiers: Identifier[];
  /**
   * The person's name as the record holds it, raw, when the lookup's answer carries one (a silo
   * without names, like analytics, leaves it out). Names never link records: many people share
   * one. They only confirm or refuse a weak link: a record found through a phone alone joins
   * despite another email or card when its first and last names match the customer's, and stays
   * out when its first name differs (a household's member).
   */
  name?: { first: string | null; last: string | null };
  /**
   * An analytics visitor's logins: for each userId its visits were sent with (each a `commerce`
   * identifier in {@link identifiers}, as the silo stores it), how many of its visits carry it.
   * A device several shop customers logged in on belongs to the one with the most (rules.ts).
   */
  loginVisits?: ReadonlyMap<string, number>;
  /**
   * The identifiers of the `lookup` call whose search found this record, when the connector can
   * tell (it knows how its silo compares). The gateway then gives the record to those only: a
   * record another identifier found may carry this one in a spelling the silo's search would not
   * have matched (an invisible character inside an email), and giving it anyway would make an
   * answer depend on what else the request asked. Without it, a record goes to every identifier
   * of the call it carries.
   */
  matchedBy?: readonly Identifier[];
}

/** The health of a silo as its probe saw it. */
export type SiloHealth =
  | { status: 'up'; latencyMs: number }
  | { status: 'down'; reason: string };

/**
 * A silo's connector. Every method that reads for a gateway request takes that request's stop as
 * its last argument, `signal` (src/graphql/request-signal.ts; none: nobody stops it): once it is
 * aborted the connector sends no further call (the next page, the search after a login or a
 * renewed token), the call out is cancelled, and the method throws the request's
 * REQUEST_ABORTED or DEADLINE_EXCEEDED SourceError (connectors/shared/silo-http.ts).
 */
export interface Connector<TRecord> {
  readonly source: Source;
  /** The identifier types {@link lookup} accepts; others are never passed to it. */
  readonly lookupTypes: readonly IdentifierType[];
  /**
   * Every record matching any of the identifiers (all of types in {@link lookupTypes}), in as
   * few calls as the product's API allows. Records that match several identifiers appear once.
   * Each record carries every identifier it holds, whichever identifier found it, and a lookup
   * of any of them (of a type in {@link lookupTypes}) finds it: the gateway gives a record to
   * every identifier of the call it carries, so that an identifier's answer does not depend on
   * what else was asked in the same call.
   */
  lookup(identifiers: readonly Identifier[], signal?: AbortSignal): Promise<FoundRecord[]>;
  /**
   * One result per id, in the order of `ids`: the record, or null when the silo does not know
   * it. A record merged into another may come back under its survivor's id. Throws a
   * SourceError when the silo fails.
   */
  fetchRecords(ids: readonly string[], signal?: AbortSignal): Promise<Array<TRecord | null>>;
  /** A cheap authenticated call that tells whether the silo answers. Never throws. */
  health(): Promise<SiloHealth>;
  /** Closes the connection pool. */
  close(): Promise<void>;
  /** Its calls' deadline and circuit breaker (absent in test doubles). */
  readonly calls?: SiloCalls;
}

/** Connection settings every connector takes. */
export interface SiloEndpoint {
  /** Base URL of the product's API, e.g. `https://api.hubapi.com`. */
  baseUrl: string;
  /** Deadline for one call, connection included, in milliseconds. */
  timeoutMs: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  /** The largest answer body read from the silo, in bytes (default 8 MiB); a larger one is SOURCE_BAD_RESPONSE. */
  maxResponseBytes?: number;
  /**
   * The silo's circuit breaker (connectors/shared/silo-guard.ts); default `defaultBreaker(timeoutMs)`:
   * half the calls failing over a window of one call deadline, once 20 calls ended in it; 5 in a row with fewer; 10 s cool-down.
   */
  breaker?: BreakerOptions;
}

/** The state of a connector's calls to its silo: its deadline and its circuit breaker. */
export interface SiloCalls {
  /** Deadline of one call, in ms. */
  readonly timeoutMs: number;
  /** The circuit breaker's state: `closed` (calls go), `open` (none until the cool-down ends), `halfOpen` (one probe in flight). */
  readonly breakerState: 'closed' | 'open' | 'halfOpen';
  /**
   * How long this silo's calls have lately taken, in ms: an exponentially weighted mean of the
   * durations of its answered calls (the last 10 or so weigh most), null before the first. Where
   * the gateway asks several silos at once for one answer, it asks the slowest first: the answer
   * waits for that silo, and each call takes some tens of µs of CPU to send.
   */
  readonly typicalLatencyMs: number | null;
  /** Closes the breaker and forgets any Retry-After, as at start (the test stack between cases). */
  resetGuard(): void;
}

/** The loyalty connector: members, plus their transactions on demand, and their histories for the journey. */
export interface LoyaltySiloConnector extends Connector<LoyaltyMemberRecord> {
  /**
   * One page of the ids of every member (`customerId`), in Open Loyalty's scroll order
   * (`GET /api/{storeCode}/member?_scroll`, then `_scroll=<scroll.next>`: newest member first by
   * `createdAt`, the order scroll always uses). Open Loyalty has no field selection: its answers
   * carry whole member records, of which the connector keeps the id only. `page` is null for the
   * first page, else a previous answer's `next`, unchanged. At most `limit` ids (1 to 250; more
   * than 100 take several calls; should Open Loyalty send a larger page than asked, no id of it
   * is dropped). The last page may be empty: Open Loyalty marks the end with an empty page. Throws a RangeError for a limit outside 1..250 or an empty `page`, before any
   * call; a SourceError when the program fails.
   */
  recordIds(page: string | null, limit: number): Promise<RecordIdPage>;
  /** One array per member id, in order: newest first, at most `limit` (1 to 100). */
  transactionsOf(memberIds: readonly string[], limit: number, signal?: AbortSignal): Promise<LoyaltyTransactionRecord[][]>;
  /**
   * The members' store transactions (Open Loyalty `GET /api/{storeCode}/transaction`) in journey
   * order (`purchasedAt` descending, then the transaction id by compareEventIds), at or after
   * `window.from`, within `since`..`until`, as {@link JourneyWindow} says; each item's `recordId`
   * is its member id. `documentTypes` keeps only `sell` (purchases) or `return` (returns): left
   * out, both; an empty list, none (no call). Several members (an old and a new card) are read in
   * one filtered call per page. Throws a RangeError for a window outside its bounds (limit 1 to
   * 250), before any call; a SourceError when the silo fails.
   */
  transactionHistory(
    memberIds: readonly string[],
    window: JourneyWindow & { documentTypes?: ReadonlyArray<'sell' | 'return'> },
    signal?: AbortSignal,
  ): Promise<JourneyRead<LoyaltyTransactionRecord>>;
  /**
   * The members' redeemed rewards (Open Loyalty "Get redeemed rewards list",
   * `GET /api/{storeCode}/redemption`) in journey order (`redemptionDate` descending, then the
   * issued reward's id), read as {@link transactionHistory} reads transactions. Cancelled
   * redemptions are left out: the member got nothing and the points went back. Errors as
   * {@link transactionHistory}.
   */
  redemptionHistory(memberIds: readonly string[], window: JourneyWindow, signal?: AbortSignal): Promise<JourneyRead<LoyaltyRedemptionRecord>>;
}

/**
 * One page of a silo's record ids ({@link LoyaltySiloConnector.recordIds},
 * {@link CommerceSiloConnector.recordIds}): the population a lifetime-value fit draws its
 * sample from, ids only.
 */
export interface RecordIdPage {
  /** Record ids in the product's own list order; an id appears on one page only. */
  ids: string[];
  /** Opaque token of the next page, to pass back as `page` as it is; null when no page follows. */
  next: string | null;
}

/** The e-commerce connector: shop customers, plus their orders on demand. */
export interface CommerceSiloConnector extends Connector<CommerceCustomerRecord> {
  /**
   * One page of the ids of every shop customer, in the shop's list order (Shopify
   * `GET /admin/api/{version}/customers.json?limit=<limit>&fields=id`, then the `Link` header's
   * `page_info`): only the ids cross the wire. `page` is null for the first page, else a previous
   * answer's `next`, unchanged. At most `limit` ids (1 to 250). Throws a RangeError for a limit
   * outside 1..250 or an empty `page`, before any call; a SourceError when the shop fails (a
   * token the shop does not know is its 400, SOURCE_BAD_RESPONSE).
   */
  recordIds(page: string | null, limit: number): Promise<RecordIdPage>;
  /** One array per customer id, in order: newest first, at most `limit` (1 to 100). */
  ordersOf(customerIds: readonly string[], limit: number, signal?: AbortSignal): Promise<CommerceOrderRecord[][]>;
  /** The category of each product (null when the product has none); unknown products are absent. */
  productCategories(productIds: readonly string[], signal?: AbortSignal): Promise<Map<string, string | null>>;
  /**
   * The journey's page of these customers' orders (Shopify customer ids): every order placed
   * at `window.from` or after it in journey order (`createdAt` descending, then order id by
   * `compareEventIds`), within `window.since`..`window.until`, at least `window.limit` of them
   * unless `exhausted`, each with `recordId` = its customer's id. One `orders.json` call per
   * customer per page of the shop (more only when many orders share one second at a page's
   * end). Throws a RangeError for a limit outside 1..250, a SourceError when the shop fails.
   */
  orderHistory(customerIds: readonly string[], window: JourneyWindow, signal?: AbortSignal): Promise<JourneyRead<CommerceOrderRecord>>;
}

/**
 * A subscription status of an email address in the CRM's communication preferences (HubSpot v4
 * `statuses`): the customer's dated decision for one subscription type.
 */
export interface CrmSubscriptionStatusRecord {
  /** The email address it is for, as HubSpot answers it. */
  email: string;
  subscriptionId: string;
  /** The subscription type's name, e.g. `Marketing Information`. */
  subscriptionName: string | null;
  /** `SUBSCRIBED`, `NOT_SUBSCRIBED` or `NOT_SPECIFIED`, as HubSpot sends it. */
  status: string;
  /** When it was set (ISO 8601 UTC), if HubSpot says. */
  timestamp: string | null;
  legalBasis: string | null;
  /** What set it (a form, the unsubscribe link, the API...). */
  source: string | null;
}

/** The CRM connector: contacts, plus the email addresses' subscription statuses on demand. */
export interface CrmSiloConnector extends Connector<CrmContactRecord> {
  /**
   * The EMAIL subscription statuses of each address, one list per address in the order of
   * `emails` (HubSpot `POST /communication-preferences/v4/statuses/batch/read?channel=EMAIL`,
   * 100 addresses a call, in parallel); an empty list when it has none. Throws a SourceError
   * when the CRM fails.
   */
  subscriptionStatuses(emails: readonly string[], signal?: AbortSignal): Promise<CrmSubscriptionStatusRecord[][]>;
}

/** One connector per silo: what the gateway is wired with. */
export interface SiloConnectors {
  crm: CrmSiloConnector;
  loyalty: LoyaltySiloConnector;
  commerce: CommerceSiloConnector;
  analytics: AnalyticsSiloConnector;
}

// ---------------------------------------------------------------------------------------------
// The journey: each silo's history of a customer's records, read page by page in one total order.

/**
 * A place in a silo's history, in the journey's order: newest first (`at` descending), then the
 * event's id ascending ({@link compareEventIds} in connectors/shared/journey-order.ts).
 */
export interface JourneyPoint {
  /** When the event happened, in milliseconds since the epoch (for a visit: its last action). */
  at: number;
  /** The event's id in its silo: the transaction, redemption, order or visit id. */
  id: string;
}

/**
 * What one journey read asks a silo for: its events of the given records, in journey order,
 * starting at `from` (included), within `since`..`until` (both included, milliseconds).
 */
export interface JourneyWindow {
  /**
   * Start at this point (events at it or after it in journey order); absent: at the newest. Its
   * `id` may be `''`, the smallest id: every event at `from.at` (the journey starts a silo there
   * when its position is another silo's event at that instant). Never sent to the product as is.
   */
  from?: JourneyPoint;
  /** Only events at or after this instant (ms since the epoch). */
  since?: number;
  /** Only events at or before this instant (ms since the epoch). */
  until?: number;
  /**
   * How many events the caller needs, 1 to 250: the read returns at least this many (fewer only
   * when the silo has no more), and asks the silo for no more than it takes to get them.
   */
  limit: number;
}

/** A journey read's answer: events in journey order, each with the record it belongs to. */
export interface JourneyRead<T> {
  items: Array<T & { recordId: string }>;
  /** True when the silo holds no event after the last one returned (within the window). */
  exhausted: boolean;
}

/**
 * A read of visits for the journey: a {@link JourneyWindow} and what Matomo can filter itself.
 * `site`: only the website's or only the app's visits; `campaign`: only the visits that came
 * from a campaign (`referrerType==campaign`), or only the others. Absent: both.
 */
export type VisitWindow = JourneyWindow & { site?: 'web' | 'app'; campaign?: 'only' | 'exclude' };

/** The analytics connector: visitors (devices), plus their visits for the journey. */
export interface AnalyticsSiloConnector extends Connector<AnalyticsVisitorRecord> {
  /**
   * The visits of the given visitors (Matomo visitor ids) in journey order (last action time
   * descending, then idVisit ascending), at or after `window.from`, within `since`..`until`, at
   * least `window.limit` unless `exhausted`; each item's `recordId` is its visitor id. Ids that
   * cannot be Matomo visitor ids are skipped. Throws a SourceError when Matomo fails.
   */
  visitHistory(visitorIds: readonly string[], window: VisitWindow, signal?: AbortSignal): Promise<JourneyRead<VisitRecord>>;
}

/** A reward a loyalty member redeemed with points (Open Loyalty reward redemption). */
export interface LoyaltyRedemptionRecord {
  /** The redemption's id in Open Loyalty. */
  id: string;
  /** When it was redeemed (ISO 8601). */
  redeemedAt: string;
  reward: RedeemedReward;
  /** Where it was redeemed, when the program records it. */
  store: string | null;
}
