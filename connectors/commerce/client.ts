/**
 * The e-commerce connector: a Shopify Admin REST API client (customers, their orders, and the
 * products that give order lines a category). See README.md for the endpoints and limits.
 */
import type { Dispatcher } from 'undici';
import { appendAll, checkListLimit, chunk, isPresent, unique } from '../shared/collections.js';
import type { SourceError } from '../../src/shared/errors.js';
import { SiloHttp, probeHealth, type SiloHttpOptions, type SiloResponse } from '../shared/silo-http.js';
import type { SiloCalls } from '../types.js';
import type {
  CommerceCustomerRecord,
  CommerceOrderRecord,
  CommerceSiloConnector,
  FoundRecord,
  Identifier,
  IdentifierType,
  JourneyPoint,
  JourneyRead,
  JourneyWindow,
  RecordIdPage,
  SiloEndpoint,
  SiloHealth,
} from '../types.js';
import { compareJourneyPoints, isAtOrAfter } from '../shared/journey-order.js';
import { ACCESS_TOKEN_HEADER, MAX_PAGE_SIZE, adminPath, isApiVersion } from './api.js';
import { canonicalMailbox, mailboxSpellings, taggedPrefix } from '../shared/mailbox.js';
import { anyOf, fieldTerm, prefixTerm } from './search-syntax.js';
import { readBody } from '../shared/body-schema.js';
import {
  customerIdListAnswer,
  customerListAnswer,
  orderListAnswer,
  productListAnswer,
  shopAnswer,
  toCustomerRecord,
  toOrderRecord,
  toProductTypes,
} from './shapes.js';

export type CommerceConfig = SiloEndpoint & {
  /** Admin API access token of a custom app (`shpat_...`), sent as `X-Shopify-Access-Token`. */
  accessToken: string;
  /** Admin API version in the path, e.g. `2026-07`. */
  apiVersion: string;
};

/** The e-commerce connector: shop customers, and their orders when selected. */
export type CommerceConnector = CommerceSiloConnector;

/** The most orders `ordersOf` returns per customer: the schema's `orders(limit:)` maximum. */
const MAX_ORDERS_PER_CUSTOMER = 100;
/**
 * The longest URL a search request may have, scheme, host and every parameter included, once
 * encoded. Shopify documents no limit on the query or its number of terms; what does limit it is
 * the request line, which nginx and Apache refuse past 8 KiB by default, as do many proxies in
 * between. 6 KiB leaves a quarter of that for a longer shop domain or a proxy's rewriting, and
 * holds about 140 typical emails or 188 phones (README, "Limits").
 */
export const MAX_SEARCH_URL_LENGTH = 6 * 1024;
/** Pages of 250 a single search may follow: more than 1,000 matches means a runaway identifier. */
const MAX_SEARCH_PAGES = 4;

const CUSTOMER_FIELDS = [
  'id',
  'email',
  'phone',
  'first_name',
  'last_name',
  'default_address',
  'orders_count',
  'total_spent',
  'currency',
  'email_marketing_consent',
  'sms_marketing_consent',
  'tags',
  'created_at',
  'updated_at',
].join(',');
/** A lookup needs only what identifies a customer, and the names that confirm a weak link. */
/** What a lookup reads: the identifiers, the names, and the address whose country reads a phone. */
const IDENTITY_FIELDS = 'id,email,phone,first_name,last_name,default_address';
const SEARCH_RESOURCE = 'customers/search';
const ORDER_FIELDS = 'id,name,created_at,total_price,currency,financial_status,line_items,discount_codes,refunds';

/** Shopify ids are positive integers; anything else cannot name a record, so is never sent. */
const SHOPIFY_ID = /^[1-9]\d{0,17}$/;

/**
 * Creates the connector. Throws when `apiVersion` or `accessToken` is unusable, naming the key.
 * `deps.dispatcher` replaces the keep-alive pool (tests, benchmarks).
 */
export function createCommerceConnector(
  config: CommerceConfig,
  deps: { dispatcher?: Dispatcher; onBreakerChange?: SiloHttpOptions['onBreakerChange'] } = {},
): CommerceConnector {
  checkConfig(config);
  return new ShopifyConnector(config, deps.dispatcher, deps.onBreakerChange);
}

function checkConfig(config: CommerceConfig): void {
  if (!isApiVersion(config.apiVersion)) {
    throw new Error(
      `Invalid e-commerce apiVersion "${config.apiVersion}": expected a Shopify Admin API version ` +
        'such as "2026-07" (YYYY-01, -04, -07 or -10) or "unstable".',
    );
  }
  // Never echo the token, not even a wrong one.
  if (config.accessToken.trim() === '') {
    throw new Error('Invalid e-commerce accessToken: it is empty; give the Admin API access token of the custom app.');
  }
}

class ShopifyConnector implements CommerceConnector {
  readonly source = 'commerce' as const;
  readonly lookupTypes: readonly IdentifierType[] = ['commerce', 'email', 'phone'];
  private readonly http: SiloHttp;
  private readonly accessToken: string;
  private readonly apiVersion: string;
  /** Where SiloHttp sends a search: the base URL's origin and path, then the endpoint's path. */
  private readonly searchEndpoint: string;

  constructor(config: CommerceConfig, dispatcher: Dispatcher | undefined, onBreakerChange?: SiloHttpOptions['onBreakerChange']) {
    this.http = new SiloHttp({
      source: 'commerce',
      label: 'e-commerce platform',
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      connections: config.connections,
      maxResponseBytes: config.maxResponseBytes,
      breaker: config.breaker,
      dispatcher,
      onBreakerChange,
    });
    this.accessToken = config.accessToken;
    this.apiVersion = config.apiVersion;
    const base = new URL(config.baseUrl);
    this.searchEndpoint = base.origin + base.pathname.replace(/\/$/, '') + adminPath(config.apiVersion, SEARCH_RESOURCE);
  }

  /**
   * Ids go to `customers.json?ids=`, emails and phones together to OR-ed searches, each holding
   * as many terms as fit in MAX_SEARCH_URL_LENGTH, all in parallel.
   */
  async lookup(identifiers: readonly Identifier[], signal?: AbortSignal): Promise<FoundRecord[]> {
    const ids = valuesOf(identifiers, 'commerce');
    const emails = valuesOf(identifiers, 'email');
    const phones = valuesOf(identifiers, 'phone');
    // Every exact spelling of each mailbox (googlemail.com for gmail.com; Shopify validates
    // emails, so none ends with a dot), and a prefix query (`email:name\+*`) for the tagged
    // spellings where the provider has sub-addressing.
    const terms = [
      ...emails.flatMap((e) => mailboxSpellings(e).filter((spelling) => !spelling.endsWith('.')).map((spelling) => fieldTerm('email', spelling))),
      ...emails.map((e) => taggedPrefix(e)).filter(isPresent).map((prefix) => prefixTerm('email', prefix)),
      ...phones.map((p) => fieldTerm('phone', p)),
    ];
    const [byId, ...searched] = await Promise.all([
      this.customersByIds(ids, IDENTITY_FIELDS, signal),
      ...this.searchQueries(terms).map((query) => this.searchCustomers(query, signal)),
    ]);
    // Shopify's search may match loosely (full-text tokens); keep only exact matches.
    const wanted = new Matcher(emails, phones);
    const found = new Map<string, FoundRecord>();
    for (const customer of [...byId, ...searched.flat().filter((c) => wanted.matches(c))]) {
      if (!found.has(customer.id)) found.set(customer.id, foundRecord(customer));
    }
    return [...found.values()];
  }

  async fetchRecords(ids: readonly string[], signal?: AbortSignal): Promise<Array<CommerceCustomerRecord | null>> {
    const customers = await this.customersByIds(ids, CUSTOMER_FIELDS, signal);
    const byId = new Map(customers.map((c) => [c.id, c]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * The newest `limit` orders of each customer, newest first. Shopify's `orders.json` filters by
   * one `customer_id`, so this is one call per customer, in parallel, asking for `limit` orders
   * only. Lines carry their product id; their category is {@link productCategories}' job.
   */
  async ordersOf(customerIds: readonly string[], limit: number, signal?: AbortSignal): Promise<CommerceOrderRecord[][]> {
    checkListLimit('ordersOf', limit, MAX_ORDERS_PER_CUSTOMER);
    return Promise.all(customerIds.map((id) => this.ordersOfOne(id, limit, signal)));
  }

  /**
   * The journey's page of these customers' orders, in journey order (see
   * {@link CommerceSiloConnector.orderHistory}). Each customer's read is
   * {@link orderHistoryOfOne}, all in parallel; the merged answer stops where the first customer
   * that has more stopped, so that no order of another customer is skipped over.
   */
  async orderHistory(customerIds: readonly string[], window: JourneyWindow, signal?: AbortSignal): Promise<JourneyRead<CommerceOrderRecord>> {
    checkListLimit('orderHistory', window.limit, MAX_PAGE_SIZE);
    const reads = await Promise.all(unique(customerIds).map((id) => this.orderHistoryOfOne(id, window, signal)));
    const items = reads.flatMap((read) => read.items).sort((a, b) => compareJourneyPoints(pointOf(a), pointOf(b)));
    // A customer with more orders than it returned may hold orders after its last one: nothing
    // after the earliest such last order is certain yet.
    const cut = reads
      .filter((read) => !read.exhausted && read.items.length > 0)
      .map((read) => pointOf(read.items[read.items.length - 1]!))
      .sort(compareJourneyPoints)[0];
    const kept = cut ? items.filter((item) => compareJourneyPoints(pointOf(item), cut) <= 0) : items;
    return { items: kept, exhausted: reads.every((read) => read.exhausted) && kept.length === items.length };
  }

  /**
   * One customer's orders from `window.from` on, in journey order: `orders.json` with
   * `customer_id`, `status=any`, `order=created_at desc`, `created_at_max` (the earlier of
   * `from` and `until`, whole seconds, inclusive), `created_at_min` (`since`), `limit` one more
   * than needed, then the `Link: <...page_info=...>; rel="next"` pages while needed.
   *
   * Shopify pages newest first by `created_at` (whole seconds), and how it orders orders of the
   * same second is not documented: the orders of the oldest second a page reached may continue
   * on the next page, so they are returned only once the page after them is seen (or there is
   * none). Asking one order more than `limit` makes that one call in the common case. Orders of
   * `from`'s second that come before `from` (a smaller id) were returned by the previous read
   * and are dropped here.
   */
  private async orderHistoryOfOne(
    customerId: string,
    window: JourneyWindow,
    signal: AbortSignal | undefined,
  ): Promise<{ items: Array<CommerceOrderRecord & { recordId: string }>; exhausted: boolean }> {
    if (!SHOPIFY_ID.test(customerId)) return { items: [], exhausted: true };
    const maxAt = Math.min(window.until ?? Infinity, window.from?.at ?? Infinity);
    if (window.since !== undefined && maxAt < window.since) return { items: [], exhausted: true };
    const operation = 'orders.list';
    const limit = Math.min(window.limit + 1, MAX_PAGE_SIZE);
    let params: Record<string, string | number> = {
      customer_id: customerId,
      // The default, `open`, leaves out archived (closed) and cancelled orders.
      status: 'any',
      // Shopify's staff say the default is newest first; asked for anyway (README, "Endpoints").
      order: 'created_at desc',
      limit,
      fields: ORDER_FIELDS,
      ...(maxAt !== Infinity ? { created_at_max: shopifyTime(Math.floor(maxAt / 1000) * 1000) } : {}),
      ...(window.since !== undefined ? { created_at_min: shopifyTime(Math.ceil(window.since / 1000) * 1000) } : {}),
    };
    const kept: Array<CommerceOrderRecord & { recordId: string }> = [];
    let oldest = Infinity;
    for (;;) {
      // Each page is a call of its own: none once the request is stopped (silo-http.ts).
      const res = await this.get(operation, 'orders', params, signal);
      for (const body of readBody(orderListAnswer, res.body, this.complaint(operation)).orders) {
        const order = toOrderRecord(body);
        const at = Date.parse(order.createdAt);
        oldest = Math.min(oldest, at);
        // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
        // spread gets a hidden class of its own each time (docs/hidden-classes.md).
        if (isAtOrAfter({ at, id: order.id }, window.from) && inWindow(at, window)) kept.push({ recordId: customerId, ...order });
      }
      const pageInfo = nextPageInfo(res.headers['link']);
      if (!pageInfo) return { items: kept.sort(byJourneyOrder), exhausted: true };
      const complete = kept.filter((order) => Date.parse(order.createdAt) > oldest);
      if (complete.length >= window.limit) return { items: complete.sort(byJourneyOrder), exhausted: false };
      // With page_info, Shopify accepts only limit and fields besides it.
      params = { page_info: pageInfo, limit, fields: ORDER_FIELDS };
    }
  }

  /**
   * The category of each product (its `product_type`, null when blank): one `products.json` call
   * per 250 distinct products, in parallel. Deleted products are absent from the answer.
   */
  async productCategories(productIds: readonly string[], signal?: AbortSignal): Promise<Map<string, string | null>> {
    const operation = 'products.list';
    const pages = await Promise.all(
      chunk(unique(productIds.filter((id) => SHOPIFY_ID.test(id))), MAX_PAGE_SIZE).map(async (batch) => {
        const res = await this.get(operation, 'products', {
          ids: batch.join(','),
          limit: batch.length,
          fields: 'id,product_type',
        }, signal);
        return toProductTypes(readBody(productListAnswer, res.body, this.complaint(operation)));
      }),
    );
    return new Map(pages.flatMap((page) => [...page]));
  }

  /**
   * One page of every customer's id: `customers.json?limit=<limit>&fields=id`, then the
   * `page_info` of the `Link: <...>; rel="next"` URL with `limit` and `fields` only (beside
   * `page_info`, Shopify takes nothing else). The token handed out is that `page_info`, as
   * Shopify wrote it: it "can't be modified and must be used exactly as it appears", and a next
   * page may ask another `limit` ("Make paginated requests to the REST Admin API").
   */
  async recordIds(page: string | null, limit: number): Promise<RecordIdPage> {
    checkListLimit('recordIds', limit, MAX_PAGE_SIZE);
    if (page !== null && (typeof page !== 'string' || page === '')) {
      throw new RangeError('recordIds takes null for the first page, or the "next" token of the page before, unchanged; got an empty or non-text token.');
    }
    const operation = 'customers.list';
    const res = await this.get(operation, 'customers', Object.assign<Record<string, string | number>, Record<string, string | number>>(page === null ? {} : { page_info: page }, { limit, fields: 'id' }));
    const ids = readBody(customerIdListAnswer, res.body, this.complaint(operation));
    return { ids, next: nextPageInfo(res.headers['link']) ?? null };
  }

  /** `shop.json` with one field: authenticated, and cheap for Shopify to answer. */
  health(): Promise<SiloHealth> {
    return probeHealth(async () => {
      const res = await this.get('shop.get', 'shop', { fields: 'id' });
      readBody(shopAnswer, res.body, this.complaint('shop.get'));
    });
  }

  /** Its calls' deadline and circuit breaker. */
  get calls(): SiloCalls {
    return this.http;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** Customers with these ids (unknown ones are simply absent), 250 per call, in parallel. */
  private async customersByIds(ids: readonly string[], fields: string, signal: AbortSignal | undefined): Promise<CommerceCustomerRecord[]> {
    const batches = chunk(unique(ids.filter((id) => SHOPIFY_ID.test(id))), MAX_PAGE_SIZE);
    const pages = await Promise.all(
      batches.map(async (batch) => {
        // `limit` defaults to 50 even with `ids`: ask for the whole batch.
        const res = await this.get('customers.list', 'customers', { ids: batch.join(','), limit: batch.length, fields }, signal);
        return this.readCustomers('customers.list', res.body);
      }),
    );
    return pages.flat();
  }

  /**
   * The terms OR-ed into as few queries as keep each search URL within MAX_SEARCH_URL_LENGTH,
   * in order. A term too long for any URL (no email or phone is) still goes, alone.
   */
  private searchQueries(terms: readonly string[]): string[] {
    // Form encoding encodes each character on its own, so a query's encoded length is the sum
    // of its terms' and separators'.
    const emptyUrl = this.searchUrl('').length;
    const separator = encodedLength(anyOf(['', '']));
    const queries: string[] = [];
    let batch: string[] = [];
    let urlLength = emptyUrl;
    for (const term of terms) {
      const termLength = encodedLength(term);
      if (batch.length > 0 && urlLength + separator + termLength > MAX_SEARCH_URL_LENGTH) {
        queries.push(anyOf(batch));
        batch = [];
        urlLength = emptyUrl;
      }
      urlLength += (batch.length > 0 ? separator : 0) + termLength;
      batch.push(term);
    }
    if (batch.length > 0) queries.push(anyOf(batch));
    return queries;
  }

  /** The URL of the first page of a search, encoded as SiloHttp sends it. */
  private searchUrl(query: string): string {
    return `${this.searchEndpoint}?${new URLSearchParams(searchParams(query)).toString()}`;
  }

  /** Every customer the query matches, following the `Link: <...>; rel="next"` cursor. */
  private async searchCustomers(query: string, signal: AbortSignal | undefined): Promise<CommerceCustomerRecord[]> {
    const operation = 'customers.search';
    const found: CommerceCustomerRecord[] = [];
    let params: Record<string, string | number> = searchParams(query);
    for (let page = 0; page < MAX_SEARCH_PAGES; page += 1) {
      const res = await this.get(operation, SEARCH_RESOURCE, params, signal);
      const customers = this.readCustomers(operation, res.body);
      // Shopify sends at most the `limit` asked (MAX_PAGE_SIZE): a longer page is not its answer.
      if (customers.length > MAX_PAGE_SIZE) {
        throw this.http.badResponse(operation, `a page of ${customers.length} customers, more than the ${MAX_PAGE_SIZE} a page holds`);
      }
      appendAll(found, customers);
      const pageInfo = nextPageInfo(res.headers['link']);
      if (!pageInfo) break;
      // With page_info, Shopify accepts only limit and fields besides it.
      params = { page_info: pageInfo, limit: MAX_PAGE_SIZE, fields: IDENTITY_FIELDS };
    }
    return found;
  }

  private async ordersOfOne(customerId: string, limit: number, signal: AbortSignal | undefined): Promise<CommerceOrderRecord[]> {
    if (!SHOPIFY_ID.test(customerId)) return [];
    const operation = 'orders.list';
    const res = await this.get(operation, 'orders', {
      customer_id: customerId,
      // The default, `open`, leaves out archived (closed) and cancelled orders.
      status: 'any',
      // Newest first, so that the `limit` returned are the latest; sorted again below anyway.
      order: 'created_at desc',
      limit,
      fields: ORDER_FIELDS,
    }, signal);
    const orders = readBody(orderListAnswer, res.body, this.complaint(operation)).orders.map(toOrderRecord);
    // createdAt is in one UTC form (utcDateTime), so string order is time order.
    return orders.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  private readCustomers(operation: string, body: unknown): CommerceCustomerRecord[] {
    return readBody(customerListAnswer, body, this.complaint(operation)).customers.map(toCustomerRecord);
  }

  /** The SOURCE_BAD_RESPONSE of `operation` for a body without the documented shape. */
  private complaint(operation: string): (problem: string) => SourceError {
    return (problem) => this.http.badResponse(operation, problem);
  }

  /** A GET of the Admin API; `signal`: the gateway request's stop, after which it is not sent (silo-http.ts). */
  private get(operation: string, resource: string, query: Record<string, string | number>, signal?: AbortSignal): Promise<SiloResponse> {
    return this.http.request({
      operation,
      method: 'GET',
      path: adminPath(this.apiVersion, resource),
      query,
      headers: { [ACCESS_TOKEN_HEADER]: this.accessToken },
      signal,
    });
  }
}

/** An order's place in the journey: its creation time and its id. */
function pointOf(order: CommerceOrderRecord): JourneyPoint {
  return { at: Date.parse(order.createdAt), id: order.id };
}

function byJourneyOrder(a: CommerceOrderRecord, b: CommerceOrderRecord): number {
  return compareJourneyPoints(pointOf(a), pointOf(b));
}

/** Whether an instant (ms) is within the window's `since`..`until`, both included. */
function inWindow(at: number, window: JourneyWindow): boolean {
  return (window.since === undefined || at >= window.since) && (window.until === undefined || at <= window.until);
}

/**
 * An instant (ms, whole seconds) as the Order reference writes its `created_at_min`/`max`
 * examples, ISO 8601 with an offset: `2026-10-31T12:00:00+00:00`.
 */
function shopifyTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function valuesOf(identifiers: readonly Identifier[], type: IdentifierType): string[] {
  return unique(identifiers.filter((i) => i.type === type).map((i) => i.value));
}

function foundRecord(customer: CommerceCustomerRecord): FoundRecord {
  const identifiers: Identifier[] = [{ type: 'commerce', value: customer.id }];
  if (customer.email) identifiers.push({ type: 'email', value: customer.email });
  // A national number is read in the country of the customer's default address.
  const country = customer.address?.country;
  if (customer.phone) identifiers.push({ type: 'phone', value: customer.phone, ...(country ? { country } : {}) });
  return { source: 'commerce', id: customer.id, identifiers, name: { first: customer.firstName ?? null, last: customer.lastName ?? null } };
}

/** Whether a customer carries one of the wanted mailboxes (any spelling) or phones (same digits). */
class Matcher {
  private readonly emails: Set<string>;
  private readonly phones: Set<string>;
  constructor(emails: readonly string[], phones: readonly string[]) {
    this.emails = new Set(emails.map(canonicalMailbox));
    this.phones = new Set(phones.map(phoneDigits));
  }
  matches(customer: CommerceCustomerRecord): boolean {
    return (
      (customer.email != null && this.emails.has(canonicalMailbox(customer.email))) ||
      (customer.phone != null && this.phones.has(phoneDigits(customer.phone)))
    );
  }
}

function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** The parameters of a search's first page. */
function searchParams(query: string): Record<string, string> {
  return { query, limit: String(MAX_PAGE_SIZE), fields: IDENTITY_FIELDS };
}

/** The length of `text` once form-encoded, as it stands in a URL's query. */
function encodedLength(text: string): number {
  return new URLSearchParams({ q: text }).toString().length - 'q='.length;
}

/** The `page_info` of the `rel="next"` URL in a Link header, if any. */
function nextPageInfo(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(', ') : link;
  const next = text?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  if (!next?.[1]) return undefined;
  try {
    return new URL(next[1]).searchParams.get('page_info') ?? undefined;
  } catch {
    return undefined;
  }
}
