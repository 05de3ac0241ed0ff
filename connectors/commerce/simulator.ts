/**
 * A Shopify Admin REST simulator serving `population.commerce`: the endpoints the connector uses,
 * with Shopify's authentication, parameters, limits, Link pagination and error bodies, built on
 * the shared kit (fault injection, call counting). README.md lists what it implements.
 */
import { STATUS_CODES } from 'node:http';
import type {
  CommerceSilo,
  Population,
  ShopifyAddress,
  ShopifyCustomer,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyRefund,
} from '../population.js';
import { isPresent, unique } from '../shared/collections.js';
import { sameSecret } from '../shared/secrets.js';
import { Simulator, type SimRequest, type SimResponse, type SimRoute } from '../shared/simulator.js';
import { ACCESS_TOKEN_HEADER, MAX_PAGE_SIZE, SHOPIFY_API_VERSION } from './api.js';
import { SearchSyntaxError, parseSearchQuery, type SearchNode } from './search-syntax.js';

export interface CommerceSimulatorOptions {
  population: Population;
  /** The only access token accepted. */
  accessToken: string;
  /** The API version in the paths it serves; other versions answer 404. Default SHOPIFY_API_VERSION. */
  apiVersion?: string;
}

export function createCommerceSimulator(options: CommerceSimulatorOptions): Simulator {
  const apiVersion = options.apiVersion ?? SHOPIFY_API_VERSION;
  const shop = new ShopIndex(options.population.commerce, options.population.generatedAt);
  const served = (answer: Record<string, unknown>): SimResponse => ({
    status: 200,
    body: answer,
    headers: {
      'x-shopify-api-version': apiVersion,
      // The REST leaky bucket as Shopify reports it; the simulator never fills it.
      'x-shopify-shop-api-call-limit': '1/40',
    },
  });
  const route = (name: string, resource: string, handle: (req: SimRequest) => SimResponse): SimRoute => ({
    name,
    method: 'GET',
    pattern: new RegExp(`^${escapeRegExp(`/admin/api/${apiVersion}/`)}${resource}\\.json$`),
    handle: (req) => answerBadParams(() => handle(req)),
  });

  return new Simulator({
    source: 'commerce',
    routes: [
      route('customers.list', 'customers', (req) => listCustomers(shop, req, served)),
      route('customers.search', 'customers/search', (req) => searchCustomers(shop, req, served)),
      route('customers.orders', 'customers/(?<id>\\d+)/orders', (req) => listOrders(shop, req, req.params['id'], served)),
      route('orders.list', 'orders', (req) => listOrders(shop, req, undefined, served)),
      route('products.list', 'products', (req) => served({ products: listProducts(shop, req.query) })),
      route('shop.get', 'shop', (req) => served({ shop: project(shop.shop, fieldsOf(req.query)) })),
    ],
    authenticate: (req) =>
      sameSecret(headerText(req.headers[ACCESS_TOKEN_HEADER]), options.accessToken) ? null : { status: 401, body: errorBody(401) },
    errorBody,
    notFound: () => ({ status: 404, body: errorBody(404) }),
  });
}

/** Shopify's `{"errors": ...}` bodies, as its documentation shows them. */
export function errorBody(status: number): { errors: unknown } {
  return { errors: ERROR_MESSAGES[status] ?? (status >= 500 ? ERROR_MESSAGES[500] : STATUS_CODES[status] ?? 'Error') };
}

const ERROR_MESSAGES: Record<number, string> = {
  401: '[API] Invalid API key or access token (unrecognized login or wrong password)',
  402: "This shop's plan does not have access to this feature",
  403: 'User does not have access',
  404: 'Not Found',
  423: 'This shop is unavailable',
  429: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
  500: 'An unexpected error occurred',
};

// ---------------------------------------------------------------------------------------------
// Indexes: populations reach 100,000 customers, so lookups by id, email and phone never scan.

class ShopIndex {
  /** Sorted by id, the order Shopify lists customers in. */
  readonly customers: ShopifyCustomer[];
  readonly byId = new Map<string, ShopifyCustomer>();
  readonly byEmail = new Map<string, ShopifyCustomer[]>();
  readonly byPhone = new Map<string, ShopifyCustomer[]>();
  /** Newest first. */
  readonly ordersByCustomer = new Map<string, ShopifyOrder[]>();
  readonly orders: ShopifyOrder[];
  readonly products = new Map<string, ShopifyProduct>();
  readonly shop: Record<string, unknown>;
  /** The population's `generatedAt`: the creation and publication time of products, the shop's. */
  readonly generatedAt: string;
  readonly #customerAnswers = new WeakMap<ShopifyCustomer, Record<string, unknown>>();
  readonly #orderAnswers = new WeakMap<ShopifyOrder, Record<string, unknown>>();
  /** Each order's `created_at` in ms, parsed once: a customer's 5,000 orders are filtered per page. */
  readonly #createdAt = new WeakMap<ShopifyOrder, number>();

  createdAt(o: ShopifyOrder): number {
    let at = this.#createdAt.get(o);
    if (at === undefined) {
      at = Date.parse(o.created_at);
      this.#createdAt.set(o, at);
    }
    return at;
  }
  #emailsSorted?: Array<{ email: string; customer: ShopifyCustomer }>;

  /** Emails as prefix queries compare them (trimmed, lower case), sorted, built on the first prefix query. */
  emailsSorted(): ReadonlyArray<{ email: string; customer: ShopifyCustomer }> {
    return (this.#emailsSorted ??= this.customers
      .flatMap((customer) => (customer.email === null ? [] : [{ email: customer.email.trim().toLowerCase(), customer }]))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0)));
  }

  constructor(silo: CommerceSilo, generatedAt: string) {
    this.customers = [...silo.customers].sort((a, b) => a.id - b.id);
    for (const c of this.customers) {
      this.byId.set(String(c.id), c);
      if (c.email) push(this.byEmail, emailKey(c.email), c);
      if (c.phone) push(this.byPhone, phoneKey(c.phone), c);
    }
    this.orders = [...silo.orders].sort(newestFirst);
    for (const o of this.orders) if (o.customer) push(this.ordersByCustomer, String(o.customer.id), o);
    for (const p of silo.products) this.products.set(String(p.id), p);
    this.generatedAt = generatedAt;
    // The shop as Shopify's shop.json documents it (the fields a client may read; the ~40 other
    // settings are left out). The population describes no shop, so these are fixed values.
    this.shop = {
      id: 1,
      name: 'Simulated shop',
      email: 'owner@simulated-shop.example',
      domain: 'simulated-shop.myshopify.com',
      province: null,
      country: 'FR',
      address1: '1 Rue de la Paix',
      zip: '75002',
      city: 'Paris',
      phone: null,
      address2: null,
      created_at: generatedAt,
      updated_at: generatedAt,
      country_code: 'FR',
      country_name: 'France',
      currency: silo.currency,
      customer_email: 'service@simulated-shop.example',
      iana_timezone: 'UTC',
      shop_owner: 'Simulated Owner',
      plan_display_name: 'Basic',
      plan_name: 'basic',
      myshopify_domain: 'simulated-shop.myshopify.com',
      primary_locale: 'en',
    };
  }

  /** The customer as Shopify's Customer resource documents it, built once per customer. */
  customerAnswer(c: ShopifyCustomer): Record<string, unknown> {
    let answer = this.#customerAnswers.get(c);
    if (!answer) {
      const address = c.default_address && addressAnswer(c, c.default_address);
      const last = this.ordersByCustomer.get(String(c.id))?.[0];
      // Object.assign rather than a literal that begins with a spread: on Node 20 such a literal
      // gets a hidden class of its own each time (docs/hidden-classes.md), one per answer kept.
      answer = Object.assign<Record<string, unknown>, ShopifyCustomer, Record<string, unknown>>({}, c, {
        last_order_id: last?.id ?? null,
        last_order_name: last?.name ?? null,
        note: null,
        multipass_identifier: null,
        tax_exempt: false,
        tax_exemptions: [],
        addresses: address ? [address] : [],
        default_address: address,
        // A population written before consent (issue 15) holds no SMS consent: a customer with a
        // phone has not subscribed.
        sms_marketing_consent:
          c.sms_marketing_consent !== undefined
            ? c.sms_marketing_consent
            : c.phone
              ? { state: 'not_subscribed', opt_in_level: 'single_opt_in', consent_updated_at: null, consent_collected_from: 'OTHER' }
              : null,
        admin_graphql_api_id: `gid://shopify/Customer/${c.id}`,
      });
      this.#customerAnswers.set(c, answer);
    }
    return answer;
  }

  /** The order as Shopify's Order resource documents it (the fields the fixtures keep), built once per order. */
  orderAnswer(o: ShopifyOrder): Record<string, unknown> {
    let answer = this.#orderAnswers.get(o);
    if (!answer) {
      const customer = o.customer && this.byId.get(String(o.customer.id));
      answer = Object.assign<Record<string, unknown>, ShopifyOrder, Record<string, unknown>>({}, o, {
        admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
        cancelled_at: null,
        // Settled orders count as closed (see listOrders); Shopify closes them once processed.
        closed_at: isClosed(o) ? o.processed_at : null,
        updated_at: o.processed_at,
        customer: o.customer && {
          id: o.customer.id,
          email: customer?.email ?? null,
          first_name: customer?.first_name ?? null,
          last_name: customer?.last_name ?? null,
          phone: customer?.phone ?? null,
          admin_graphql_api_id: `gid://shopify/Customer/${o.customer.id}`,
        },
        discount_codes: o.discount_codes ?? [],
        refunds: (o.refunds ?? []).map((refund) => refundAnswer(o, refund)),
        line_items: o.line_items.map((line) => {
          const product = this.products.get(String(line.product_id));
          return Object.assign({}, line, {
            admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
            gift_card: false,
            // Shopify's name is the title and the variant's; the population has no variants.
            name: line.title,
            product_exists: product !== undefined,
            variant_id: null,
            variant_title: null,
            vendor: product?.vendor ?? null,
          });
        }),
      });
      this.#orderAnswers.set(o, answer);
    }
    return answer;
  }

  /** The product as Shopify's Product resource documents it (its scalar fields; no variants or images). */
  productAnswer(p: ShopifyProduct): Record<string, unknown> {
    return Object.assign<Record<string, unknown>, ShopifyProduct, Record<string, unknown>>({}, p, {
      created_at: this.generatedAt,
      handle: handleOf(p.title),
      updated_at: this.generatedAt,
      published_at: this.generatedAt,
      template_suffix: null,
      published_scope: 'web',
      tags: '',
      status: 'active',
      admin_graphql_api_id: `gid://shopify/Product/${p.id}`,
    });
  }
}

/**
 * A refund as the Order resource documents `refunds[]` (the fields fixtures/orders-status-any.json
 * keeps): the population keeps its id, time and transactions; the rest is what Shopify gives a
 * refund made in the admin without restocking or line items.
 */
function refundAnswer(o: ShopifyOrder, refund: ShopifyRefund): Record<string, unknown> {
  return {
    id: refund.id,
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    created_at: refund.created_at,
    note: null,
    order_id: o.id,
    processed_at: refund.created_at,
    restock: false,
    user_id: null,
    order_adjustments: [],
    transactions: refund.transactions.map((t) => ({
      id: t.id,
      admin_graphql_api_id: `gid://shopify/OrderTransaction/${t.id}`,
      amount: t.amount,
      created_at: refund.created_at,
      currency: o.currency,
      gateway: 'manual',
      kind: t.kind,
      order_id: o.id,
      parent_id: null,
      processed_at: refund.created_at,
      source_name: 'web',
      status: t.status,
    })),
    refund_line_items: [],
  };
}

/** A customer address as documented: the population keeps four fields, the rest are derived or null. */
function addressAnswer(c: ShopifyCustomer, a: ShopifyAddress): Record<string, unknown> {
  const name = [c.first_name, c.last_name].filter(isPresent).join(' ');
  return {
    id: c.id,
    customer_id: c.id,
    first_name: c.first_name,
    last_name: c.last_name,
    company: null,
    address1: a.address1,
    address2: null,
    city: a.city,
    province: null,
    country: countryName(a.country_code),
    zip: a.zip,
    phone: c.phone,
    name,
    province_code: null,
    country_code: a.country_code,
    country_name: countryName(a.country_code),
    default: true,
  };
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** "France" for "FR", as Shopify writes `country` and `country_name`. */
function countryName(code: string | null): string | null {
  if (code === null) return null;
  try {
    return regionNames.of(code) ?? null;
  } catch {
    return null;
  }
}

/** `ipod-nano` for "IPod Nano": Shopify's default handle. */
function handleOf(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A header's value when it was sent once; '' when absent or repeated. */
function headerText(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Shopify matches emails without regard to case. */
function emailKey(email: string): string {
  return email.toLowerCase();
}

/** Phones match on their digits, so `+33 6 12...` finds `+33612...`. */
function phoneKey(phone: string): string {
  return phone.replace(/\D/g, '');
}

// ---------------------------------------------------------------------------------------------
// Endpoints

/**
 * GET customers.json: `ids`, `since_id`, `limit` (default 50, max 250), `fields`, and `page_info`,
 * the cursor of the `Link` header (Shopify's pagination page names the Customer list as one
 * that pages so), beside which only `limit` and `fields` are accepted. Customers come by id.
 */
function listCustomers(shop: ShopIndex, req: SimRequest, served: (answer: Record<string, unknown>) => SimResponse): SimResponse {
  const limit = limitParam(req.query);
  const fields = fieldsOf(req.query);
  const { filter, offset } = customerCursorOf(req.query);
  const pool = filter.ids
    ? filter.ids.flatMap((id) => shop.byId.get(id) ?? []).sort((a, b) => a.id - b.id)
    : shop.customers;
  const matches = filter.sinceId === undefined ? pool : pool.filter((c) => c.id > Number(filter.sinceId));
  const page = matches.slice(offset, offset + limit).map((c) => project(shop.customerAnswer(c), fields));
  const answer = served({ customers: page });
  const link = linkHeader(req, (o) => ({ f: filter, o }), offset, limit, matches.length);
  return link ? { ...answer, headers: { ...answer.headers, link } } : answer;
}

/** What a customer list filters on: the first page's parameters, which its `page_info` carries on. */
interface CustomerFilter {
  ids?: string[];
  sinceId?: string;
}

function customerCursorOf(query: URLSearchParams): { filter: CustomerFilter; offset: number } {
  const pageInfo = query.get('page_info');
  if (pageInfo === null) return { filter: definedEntries({ ids: idsParam(query, 'ids'), sinceId: idParam(query, 'since_id') }), offset: 0 };
  for (const name of query.keys()) if (!PAGE_PARAMS.has(name)) throw new BadParam(name, `${name} cannot be passed when page_info is present.`);
  const cursor = readCursor(pageInfo);
  const offset = cursor?.['o'];
  if (isCustomerFilter(cursor?.['f']) && typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) {
    return { filter: cursor['f'], offset };
  }
  throw new BadParam('page_info');
}

/** Whether a page_info's filter is one the simulator wrote: a forged one is a 400, never a crash. */
function isCustomerFilter(value: unknown): value is CustomerFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const f = value as Record<string, unknown>;
  const digits = (v: unknown): boolean => typeof v === 'string' && /^\d+$/.test(v);
  return (f['sinceId'] === undefined || digits(f['sinceId'])) && (f['ids'] === undefined || (Array.isArray(f['ids']) && f['ids'].every(digits)));
}

/**
 * GET customers/search.json: `query` (required), `limit`, `fields`, and `page_info` (the cursor of
 * the Link header; with it, only `limit` and `fields` apply). Matches come in id order.
 */
function searchCustomers(
  shop: ShopIndex,
  req: SimRequest,
  served: (answer: Record<string, unknown>) => SimResponse,
): SimResponse {
  const limit = limitParam(req.query);
  const fields = fieldsOf(req.query);
  const { query, offset } = cursorOf(req.query);
  const matches = evaluate(shop, parseQuery(query));
  const page = matches.slice(offset, offset + limit).map((c) => project(shop.customerAnswer(c), fields));
  const answer = served({ customers: page });
  const link = linkHeader(req, (o) => ({ q: query, o }), offset, limit, matches.length);
  return link ? { ...answer, headers: { ...answer.headers, link } } : answer;
}

/**
 * GET orders.json and customers/{id}/orders.json: `customer_id`, `ids`, `since_id`, `status`
 * (default `open`), `created_at_min`, `created_at_max` (ISO 8601, both included), `order`
 * (`created_at desc` or `created_at asc`), `limit` (default 50, max 250), `fields`, and
 * `page_info`, the cursor of the `Link` header, beside which only `limit` and `fields` are
 * accepted (any other parameter is Shopify's 400, "<param> cannot be passed when page_info is
 * present.").
 *
 * Order, as Shopify answers (its default is not documented; its staff describe it,
 * Shopify/shopify_python_api#367): newest first by `created_at`, orders of one second by id
 * descending; `order=created_at asc` reverses it; `since_id` lists by id ascending, as Shopify
 * does, whatever `order` says.
 *
 * The population has no fulfilment or archive dates, so the simulator counts a settled order
 * (`paid`, `refunded`) as closed, the way Shopify archives orders once paid and fulfilled:
 * a client that forgets `status=any` misses them here as it would in a real shop.
 */
function listOrders(
  shop: ShopIndex,
  req: SimRequest,
  pathCustomerId: string | undefined,
  served: (answer: Record<string, unknown>) => SimResponse,
): SimResponse {
  const limit = limitParam(req.query);
  const fields = fieldsOf(req.query);
  const { filter, offset } = orderCursorOf(req.query, pathCustomerId);
  const matches = selectOrders(shop, filter);
  const page = matches.slice(offset, offset + limit).map((o) => project(shop.orderAnswer(o), fields));
  const answer = served({ orders: page });
  const link = linkHeader(req, (o) => ({ f: filter, o }), offset, limit, matches.length);
  return link ? { ...answer, headers: { ...answer.headers, link } } : answer;
}

/** What an orders list filters on: the first page's parameters, which its `page_info` carries on. */
interface OrderFilter {
  customerId?: string;
  ids?: string[];
  sinceId?: string;
  status: string;
  order: string;
  /** `created_at_min`/`max` in ms. */
  min?: number;
  max?: number;
}

/** The parameters an orders list accepts beside `page_info`, as Shopify's pagination page says. */
const PAGE_PARAMS = new Set(['page_info', 'limit', 'fields']);

function orderCursorOf(query: URLSearchParams, pathCustomerId: string | undefined): { filter: OrderFilter; offset: number } {
  const pageInfo = query.get('page_info');
  if (pageInfo === null) {
    const min = timeParam(query, 'created_at_min');
    const max = timeParam(query, 'created_at_max');
    const filter: OrderFilter = {
      status: enumParam(query, 'status', ['open', 'closed', 'cancelled', 'any'], 'open'),
      order: enumParam(query, 'order', ['created_at desc', 'created_at asc'], 'created_at desc'),
      ...definedEntries({
        customerId: pathCustomerId ?? idParam(query, 'customer_id'),
        ids: idsParam(query, 'ids'),
        sinceId: idParam(query, 'since_id'),
        min,
        max,
      }),
    };
    return { filter, offset: 0 };
  }
  for (const name of query.keys()) if (!PAGE_PARAMS.has(name)) throw new BadParam(name, `${name} cannot be passed when page_info is present.`);
  const cursor = readCursor(pageInfo);
  const offset = cursor?.['o'];
  if (isOrderFilter(cursor?.['f']) && typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) {
    return { filter: cursor['f'], offset };
  }
  throw new BadParam('page_info');
}

/** Whether a page_info's filter is one the simulator wrote: a forged one is a 400, never a crash. */
function isOrderFilter(value: unknown): value is OrderFilter {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  const optional = (key: string, test: (v: unknown) => boolean): boolean => f[key] === undefined || test(f[key]);
  const digits = (v: unknown): boolean => typeof v === 'string' && /^\d+$/.test(v);
  return (
    typeof f['status'] === 'string' &&
    typeof f['order'] === 'string' &&
    optional('customerId', digits) &&
    optional('sinceId', digits) &&
    optional('ids', (v) => Array.isArray(v) && v.every(digits)) &&
    optional('min', Number.isFinite) &&
    optional('max', Number.isFinite)
  );
}

function selectOrders(shop: ShopIndex, filter: OrderFilter): ShopifyOrder[] {
  const pool = filter.customerId === undefined ? shop.orders : (shop.ordersByCustomer.get(filter.customerId) ?? []);
  const wanted = filter.ids && new Set(filter.ids);
  const selected = pool.filter((o) => {
    if (wanted && !wanted.has(String(o.id))) return false;
    if (filter.sinceId !== undefined && o.id <= Number(filter.sinceId)) return false;
    const at = shop.createdAt(o);
    if ((filter.min !== undefined && at < filter.min) || (filter.max !== undefined && at > filter.max)) return false;
    return hasStatus(o, filter.status);
  });
  if (filter.sinceId !== undefined) return selected.sort((a, b) => a.id - b.id);
  return filter.order === 'created_at asc' ? selected.reverse() : selected;
}

/** Newest first by `created_at`, then by id descending: the order Shopify lists orders in. */
function newestFirst(a: ShopifyOrder, b: ShopifyOrder): number {
  return Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id;
}

function definedEntries<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Settled (`paid`, `refunded`) orders count as closed: the population has no archive dates. */
function isClosed(order: ShopifyOrder): boolean {
  return order.financial_status === 'paid' || order.financial_status === 'refunded';
}

function hasStatus(order: ShopifyOrder, status: string): boolean {
  const closed = isClosed(order);
  switch (status) {
    case 'any':
      return true;
    case 'closed':
      return closed;
    case 'open':
      return !closed;
    default:
      return false; // `cancelled`: the population has no cancelled orders.
  }
}

/** GET products.json: `ids`, `limit`, `fields`. */
function listProducts(shop: ShopIndex, query: URLSearchParams): unknown[] {
  const ids = idsParam(query, 'ids');
  const limit = limitParam(query);
  const fields = fieldsOf(query);
  const pool = ids ? ids.flatMap((id) => shop.products.get(id) ?? []) : [...shop.products.values()];
  return pool
    .sort((a, b) => a.id - b.id)
    .slice(0, limit)
    .map((p) => project(shop.productAnswer(p), fields));
}

// ---------------------------------------------------------------------------------------------
// Search: index-backed for the terms the connector sends (email, phone, id), a scan otherwise.

function parseQuery(query: string): SearchNode {
  try {
    return parseSearchQuery(query);
  } catch (error) {
    if (error instanceof SearchSyntaxError) throw new BadParam('query');
    throw error;
  }
}

function evaluate(shop: ShopIndex, node: SearchNode): ShopifyCustomer[] {
  const pool = candidates(shop, node) ?? shop.customers;
  return unique(pool).filter((c) => matches(node, c)).sort((a, b) => a.id - b.id);
}

/** A superset of the matches when an index can give one, else undefined (scan every customer). */
function candidates(shop: ShopIndex, node: SearchNode): ShopifyCustomer[] | undefined {
  switch (node.kind) {
    case 'term':
      if (node.prefix) return prefixCandidates(shop, node.field?.toLowerCase() ?? null, node.value);
      return termCandidates(shop, node.field?.toLowerCase() ?? null, node.value);
    case 'or': {
      const parts = node.children.map((child) => candidates(shop, child));
      return parts.every(isPresent) ? parts.flat() : undefined;
    }
    case 'and':
      // Every match satisfies each child, so any one indexed child bounds them all.
      for (const child of node.children) {
        const bound = candidates(shop, child);
        if (bound) return bound;
      }
      return undefined;
    case 'not':
      return undefined;
  }
}

function termCandidates(shop: ShopIndex, field: string | null, value: string): ShopifyCustomer[] | undefined {
  switch (field) {
    case 'email':
      return shop.byEmail.get(emailKey(value)) ?? [];
    case 'phone':
      return shop.byPhone.get(phoneKey(value)) ?? [];
    case 'id':
    case 'customer_id': {
      const customer = shop.byId.get(value);
      return customer ? [customer] : [];
    }
    default:
      return field === null || SCANNED_FIELDS.has(field) ? undefined : [];
  }
}

/**
 * The customers whose email starts with the prefix (`email:anna+*`), by binary search in the
 * emails sorted once: a search of a hundred tagged-address prefixes OR-ed with exact emails stays
 * indexed instead of matching every term against every customer. Name prefixes are scanned.
 */
function prefixCandidates(shop: ShopIndex, field: string | null, prefix: string): ShopifyCustomer[] | undefined {
  if (field !== 'email') return field === null || SCANNED_FIELDS.has(field) ? undefined : [];
  const sorted = shop.emailsSorted();
  const start = prefix.toLowerCase();
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.email < start) lo = mid + 1;
    else hi = mid;
  }
  const found: ShopifyCustomer[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.email.startsWith(start); i++) found.push(sorted[i]!.customer);
  return found;
}

/** Fields the simulator matches by scanning; any other field matches no customer. */
const SCANNED_FIELDS = new Set(['first_name', 'last_name', 'tag']);

function matches(node: SearchNode, c: ShopifyCustomer): boolean {
  switch (node.kind) {
    case 'or':
      return node.children.some((child) => matches(child, c));
    case 'and':
      return node.children.every((child) => matches(child, c));
    case 'not':
      return !matches(node.child, c);
    case 'term':
      // Only equality is simulated; range comparators (`orders_count:>3`) match nothing.
      if (node.comparator !== ':') return false;
      return node.prefix ? prefixMatches(node.field?.toLowerCase() ?? null, node.value, c) : termMatches(node.field?.toLowerCase() ?? null, node.value, c);
  }
}

/**
 * A prefix query (`email:anna+*`), as Shopify's search syntax documents it: the field's value
 * starts with the prefix, without regard to case. Simulated for the fields the connector queries
 * by prefix (email) and the names; other fields match nothing.
 */
function prefixMatches(field: string | null, prefix: string, c: ShopifyCustomer): boolean {
  const starts = (stored: string | null): boolean => stored !== null && stored.toLowerCase().startsWith(prefix.toLowerCase());
  switch (field) {
    case 'email':
      return starts(c.email === null ? null : c.email.trim());
    case 'first_name':
      return starts(c.first_name);
    case 'last_name':
      return starts(c.last_name);
    default:
      return false;
  }
}

function termMatches(field: string | null, value: string, c: ShopifyCustomer): boolean {
  const same = (stored: string | null): boolean => stored !== null && stored.toLowerCase() === value.toLowerCase();
  switch (field) {
    case null: // Full text: a part of the name or email.
      return [c.first_name, c.last_name, c.email].some((f) => f?.toLowerCase().includes(value.toLowerCase()));
    case 'email':
      return c.email !== null && emailKey(c.email) === emailKey(value);
    case 'phone':
      return c.phone !== null && phoneKey(c.phone) === phoneKey(value);
    case 'id':
    case 'customer_id':
      return String(c.id) === value;
    case 'first_name':
      return same(c.first_name);
    case 'last_name':
      return same(c.last_name);
    case 'tag':
      return c.tags.split(',').some((tag) => same(tag.trim()));
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Cursor pagination: page_info is opaque to clients; here it is the query and an offset.

function cursorOf(query: URLSearchParams): { query: string; offset: number } {
  const pageInfo = query.get('page_info');
  if (pageInfo === null) {
    const text = query.get('query');
    if (text === null || text.trim() === '') throw new BadParam('query');
    return { query: text, offset: 0 };
  }
  const { q, o } = (readCursor(pageInfo) ?? {}) as { q?: unknown; o?: unknown };
  if (typeof q === 'string' && typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return { query: q, offset: o };
  throw new BadParam('page_info');
}

/** A `page_info` as the simulator writes it (base64url JSON), or undefined when it is not one. */
function readCursor(pageInfo: string): Record<string, unknown> | undefined {
  try {
    const cursor: unknown = JSON.parse(Buffer.from(pageInfo, 'base64url').toString('utf8'));
    return typeof cursor === 'object' && cursor !== null && !Array.isArray(cursor) ? (cursor as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `<...?page_info=...&limit=...>; rel="previous", <...>; rel="next"`, as Shopify writes it
 * (https://shopify.dev/docs/api/admin-rest/usage/pagination: page_info, then limit; `fields`
 * when the request had it), with no header when there is neither. `cursorAt(offset)` is what the
 * page_info of the page at that offset carries (the first page's query or filters, and the offset).
 */
function linkHeader(req: SimRequest, cursorAt: (offset: number) => unknown, offset: number, limit: number, total: number): string | undefined {
  const link = (at: number, rel: string): string => {
    const params = new URLSearchParams({ page_info: Buffer.from(JSON.stringify(cursorAt(at))).toString('base64url'), limit: String(limit) });
    const fields = req.query.get('fields');
    if (fields !== null) params.set('fields', fields);
    return `<http://${req.headers.host ?? 'localhost'}${req.pathname}?${params}>; rel="${rel}"`;
  };
  const links = [
    ...(offset > 0 ? [link(Math.max(0, offset - limit), 'previous')] : []),
    ...(offset + limit < total ? [link(offset + limit, 'next')] : []),
  ];
  return links.length > 0 ? links.join(', ') : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parameters: a bad one is Shopify's 400 `{"errors": {"<param>": "..."}}`.

class BadParam extends Error {
  constructor(
    readonly param: string,
    /** Shopify's words for what is wrong with it. */
    readonly problem = 'Required parameter missing or invalid',
  ) {
    super(`bad parameter ${param}`);
  }
}

function answerBadParams(handle: () => SimResponse): SimResponse {
  try {
    return handle();
  } catch (error) {
    if (!(error instanceof BadParam)) throw error;
    return { status: 400, body: { errors: { [error.param]: error.problem } } };
  }
}

/** `limit`: 1 to 250, default 50. */
function limitParam(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null) return 50;
  const limit = /^\d+$/.test(text) ? Number(text) : NaN;
  if (limit >= 1 && limit <= MAX_PAGE_SIZE) return limit;
  throw new BadParam('limit');
}

function idParam(query: URLSearchParams, name: string): string | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (/^\d+$/.test(text)) return text;
  throw new BadParam(name);
}

/** A comma-separated list of ids. */
function idsParam(query: URLSearchParams, name: string): string[] | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const ids = text.split(',').map((id) => id.trim());
  if (ids.every((id) => /^\d+$/.test(id))) return ids;
  throw new BadParam(name);
}

/**
 * An ISO 8601 date-time (`2014-04-25T16:15:47-04:00`), in ms. One without an offset is in the
 * shop's time zone, which for the simulated shop is UTC (`iana_timezone`).
 */
function timeParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const form = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  const at = form ? Date.parse(form[1] === undefined && text.includes('T') ? `${text}Z` : text) : NaN;
  if (Number.isFinite(at)) return at;
  throw new BadParam(name);
}

function enumParam(query: URLSearchParams, name: string, allowed: readonly string[], fallback: string): string {
  const text = query.get(name) ?? fallback;
  if (allowed.includes(text)) return text;
  throw new BadParam(name);
}

/** `fields=id,email`: the top-level properties to keep (all when absent). */
function fieldsOf(query: URLSearchParams): Set<string> | undefined {
  const text = query.get('fields');
  return text === null ? undefined : new Set(text.split(',').map((f) => f.trim()));
}

function project(record: object, fields: Set<string> | undefined): unknown {
  if (!fields) return record;
  return Object.fromEntries(Object.entries(record).filter(([key]) => fields.has(key)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
