/**
 * A simulator of the Open Loyalty API subset the loyalty connector uses (README.md lists it),
 * serving `population.loyalty` over real HTTP with the simulator kit's fault injection.
 *
 * It issues real HS256 JWTs with an expiry at `/api/admin/login_check` and refuses a missing,
 * forged or expired one with Open Loyalty's 401. List filters are answered from indexes, so no
 * request scans a population of 100,000 members.
 */
import { STATUS_CODES } from 'node:http';
import { randomBytes } from 'node:crypto';
import { sameSecret } from '../shared/secrets.js';
import type { OpenLoyaltyLevel, OpenLoyaltyMember, OpenLoyaltyRedemption, OpenLoyaltyTransaction, Population } from '../population.js';
import { isObject } from '../shared/collections.js';
import { Simulator, parseJson, type SimResponse, type SimRoute } from '../shared/simulator.js';
import {
  DEFAULT_ITEMS_ON_PAGE,
  IN_SEPARATOR,
  LOGIN_PATH,
  MAX_ITEMS_ON_PAGE,
  MAX_PAGE,
  SCROLL_PARAM,
  type ErrorBody,
  type ListPage,
  type ListResource,
} from './api.js';
import { signJwt, verifyJwt } from './jwt.js';

export interface LoyaltySimulatorOptions {
  population: Population;
  /** The admin account `/api/admin/login_check` accepts. */
  username: string;
  password: string;
  /** Key the tokens are signed with; random by default, so tokens die with the simulator. */
  jwtSecret?: string;
  /** Lifetime of an issued token; one hour by default, as LexikJWTAuthenticationBundle's. */
  tokenTtlSeconds?: number;
}

export function createLoyaltySimulator(options: LoyaltySimulatorOptions): Simulator {
  const silo = options.population.loyalty;
  const tokens = new TokenIssuer(options.jwtSecret ?? randomBytes(32).toString('hex'), options.tokenTtlSeconds ?? 3600);
  // Sorted by instant, whatever zone a date was written in.
  const members = new Collection(silo.members, MEMBER_FIELDS, { createdAt: (m) => Date.parse(m.createdAt) });
  const memberScroll = new ScrollOrder(silo.members, (m) => Date.parse(m.createdAt), (m) => m.customerId);
  // The dated lists the journey reads come back in an order of their own when no sort is asked
  // (Open Loyalty: "the rows will be returned in an unspecified order"), so that a client
  // relying on the population's order, or on ties coming by id, fails here as it would there.
  const transactions = new Collection(silo.transactions, TRANSACTION_FIELDS, TRANSACTION_SORTS, { purchasedAt: purchasedAt }, { unspecifiedOrder: true });
  const redemptions = new Collection(silo.redemptions ?? [], REDEMPTION_FIELDS, REDEMPTION_SORTS, { redemptionDate: redemptionDate }, { unspecifiedOrder: true });
  const tiers = new Collection(silo.levels, {}, {});
  const inStore = (route: SimRoute): SimRoute => withStore(silo.storeCode, route);
  const shapes = new AnswerShapes(silo.members, silo.transactions);

  return new Simulator({
    source: 'loyalty',
    routes: [
      loginRoute(options, tokens),
      inStore(listRoute('member.list', 'member', members, (m) => shapes.member(m), memberScroll)),
      inStore(memberRoute(members, (m) => shapes.member(m))),
      inStore(listRoute('transaction.list', 'transaction', transactions, (t) => shapes.transaction(t))),
      inStore(listRoute('tier.list', 'tier', tiers, (level) => shapes.tier(level))),
      inStore(listRoute('redemption.list', 'redemption', redemptions, (r) => shapes.redemption(r))),
    ],
    authenticate: (req) => (req.pathname === LOGIN_PATH ? null : tokens.check(req.headers.authorization)),
    errorBody: (status) => errorBody(status),
    notFound: (req) => answer(404, `No route found for "${req.method} ${req.pathname}"`),
  });
}

/** The tenant id every simulated redemption carries (Open Loyalty's export names the tenant of each record). */
const SIMULATED_TENANT_ID = '00000000-0000-4000-8000-00000000cafe';

/** How a filterable field is read from a record and compared. */
interface FieldSpec<T> {
  read(record: T): string | null;
  /** Folds a value before comparing it. */
  fold?(value: string): string;
}

/**
 * Open Loyalty matches emails ignoring case (its Limits page). It does not validate them at
 * sign-up, so stored emails may carry the spaces of a copy-paste; the simulator ignores those too.
 */
const mailbox = (value: string): string => value.trim().toLowerCase();

const MEMBER_FIELDS: Record<string, FieldSpec<OpenLoyaltyMember>> = {
  customerId: { read: (m) => m.customerId },
  email: { read: (m) => m.email, fold: mailbox },
  phone: { read: (m) => m.phone },
  // Case-sensitive: Open Loyalty documents that XYZ and xyz are two cards.
  loyaltyCardNumber: { read: (m) => m.loyaltyCardNumber },
  levelId: { read: (m) => m.levelId },
};

const TRANSACTION_FIELDS: Record<string, FieldSpec<OpenLoyaltyTransaction>> = {
  customerId: { read: (t) => t.customerId },
  documentType: { read: (t) => t.header.documentType },
};

const purchasedAt = (t: OpenLoyaltyTransaction): number => Date.parse(t.header.purchasedAt);
const redemptionDate = (r: OpenLoyaltyRedemption): number => Date.parse(r.redemptionDate);

const TRANSACTION_SORTS: Record<string, SortKey<OpenLoyaltyTransaction>> = { purchasedAt, transactionId: (t) => t.transactionId };

const REDEMPTION_FIELDS: Record<string, FieldSpec<OpenLoyaltyRedemption>> = {
  customerId: { read: (r) => r.customerId },
};

const REDEMPTION_SORTS: Record<string, SortKey<OpenLoyaltyRedemption>> = { redemptionDate, issuedRewardId: (r) => r.issuedRewardId };

/** A value a list sorts by: an instant in epoch ms, or a text compared by UTF-16 code units (as a database sorts an id column). */
type SortKey<T> = (record: T) => number | string;

interface Filter {
  field: string;
  values: string[];
}

/** A date-range filter: `field[gte]=` (at or after) or `field[lte]=` (at or before), by instant. */
interface RangeFilter {
  field: string;
  operator: 'gte' | 'lte';
  at: number;
}

/** Records with an index per filterable field, so that `field[in]=` costs one map look-up a value. */
class Collection<T> {
  private readonly indexes = new Map<string, Map<string, number[]>>();

  /** The order of an unsorted answer: the population's, or a fixed shuffle of it. */
  private readonly baseOrder: readonly number[];
  /** Each ordinal's place in baseOrder: filtered records are put in that order without a scan. */
  private readonly place: Int32Array;

  constructor(
    readonly records: readonly T[],
    readonly fields: Record<string, FieldSpec<T>>,
    readonly sorts: Record<string, SortKey<T>>,
    readonly dates: Record<string, (record: T) => number> = {},
    { unspecifiedOrder = false } = {},
  ) {
    const ordinals = records.map((_, ordinal) => ordinal);
    this.baseOrder = unspecifiedOrder ? ordinals.sort((a, b) => scramble(a) - scramble(b) || a - b) : ordinals;
    this.place = new Int32Array(records.length);
    this.baseOrder.forEach((ordinal, place) => (this.place[ordinal] = place));
    for (const [name, spec] of Object.entries(fields)) {
      const index = new Map<string, number[]>();
      records.forEach((record, ordinal) => {
        const value = spec.read(record);
        if (value === null) return;
        const key = spec.fold ? spec.fold(value) : value;
        const ordinals = index.get(key);
        if (ordinals) ordinals.push(ordinal);
        else index.set(key, [ordinal]);
      });
      this.indexes.set(name, index);
    }
  }

  /**
   * Records matching every filter (each a union of its values) and every date range, in the
   * collection's unsorted order (the population's, or its shuffle).
   */
  select(filters: readonly Filter[], ranges: readonly RangeFilter[] = []): readonly T[] {
    const sets = filters.map((filter) => this.matching(filter));
    const inRanges = (record: T): boolean =>
      ranges.every(({ field, operator, at }) => {
        const value = this.dates[field]!(record);
        return operator === 'gte' ? value >= at : value <= at;
      });
    // The smallest matching set, kept where every other set holds it, in the unsorted order: a
    // query for one member costs its own records, not a scan of the whole collection.
    const [smallest, ...rest] = [...sets].sort((a, b) => a.size - b.size);
    const ordinals =
      smallest === undefined
        ? this.baseOrder
        : [...smallest].filter((ordinal) => rest.every((set) => set.has(ordinal))).sort((a, b) => this.place[a]! - this.place[b]!);
    const records = ordinals.map((ordinal) => this.records[ordinal]!);
    return ranges.length === 0 ? records : records.filter(inRanges);
  }

  private matching({ field, values }: Filter): Set<number> {
    const spec = this.fields[field]!;
    const index = this.indexes.get(field)!;
    return new Set(values.flatMap((value) => index.get(spec.fold ? spec.fold(value) : value) ?? []));
  }
}

interface ListQuery {
  page: number;
  itemsOnPage: number;
  filters: Filter[];
  ranges: RangeFilter[];
  /** Sort keys in the order the query gives them: the first decides, the next break its ties. */
  sort: Array<{ field: string; descending: boolean }>;
}

type FieldError = NonNullable<ErrorBody['errors']>[number];

const FILTER_KEY = /^([A-Za-z]+)(?:\[([A-Za-z]+)\])?$/;
/** An ISO 8601 date-time with a zone, as a date filter takes it (`2024-01-02T11:00:00.000Z`, `…+01:00`). */
const DATE_TIME_VALUE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const ORDER_BY_KEY = /^_orderBy\[([A-Za-z]+)\]$/;

/** Reads paging, sorting and filters, or says what is wrong with each bad parameter. */
function parseListQuery<T>(query: URLSearchParams, collection: Collection<T>): ListQuery | FieldError[] {
  const parsed: ListQuery = { page: 1, itemsOnPage: DEFAULT_ITEMS_ON_PAGE, filters: [], ranges: [], sort: [] };
  const errors: FieldError[] = [];
  const wrong = (path: string, message: string): void => void errors.push({ path, message });
  for (const [key, value] of query) {
    const orderBy = ORDER_BY_KEY.exec(key);
    const filter = FILTER_KEY.exec(key);
    if (key === '_page' || key === '_itemsOnPage') {
      const max = key === '_page' ? MAX_PAGE : MAX_ITEMS_ON_PAGE;
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (n >= 1 && n <= max) parsed[key === '_page' ? 'page' : 'itemsOnPage'] = n;
      else wrong(key, `This value should be a whole number between 1 and ${max}.`);
    } else if (orderBy) {
      const field = orderBy[1]!;
      if (!(field in collection.sorts)) wrong(key, `Sorting by "${field}" is not supported.`);
      else if (value !== 'asc' && value !== 'desc') wrong(key, 'This value should be "asc" or "desc".');
      else parsed.sort.push({ field, descending: value === 'desc' });
    } else if (filter && filter[1]! in collection.dates) {
      const operator = filter[2];
      const at = DATE_TIME_VALUE.test(value) ? Date.parse(value) : NaN;
      if (operator !== 'gte' && operator !== 'lte') wrong(key, `The operator "${operator ?? 'eq'}" is not supported on this date; use gte or lte.`);
      else if (Number.isNaN(at)) wrong(key, 'This value should be an ISO 8601 date-time with a time zone.');
      else parsed.ranges.push({ field: filter[1]!, operator, at });
    } else if (filter && filter[1]! in collection.fields) {
      const operator = filter[2] ?? 'eq';
      if (operator === 'eq') parsed.filters.push({ field: filter[1]!, values: [value] });
      else if (operator === 'in') parsed.filters.push({ field: filter[1]!, values: value.split(IN_SEPARATOR) });
      else wrong(key, `The operator "${operator}" is not supported on this field; use eq or in.`);
    } else {
      wrong(key, 'This parameter is not supported.');
    }
  }
  return errors.length > 0 ? errors : parsed;
}

/**
 * A list route: page paging (`_page`, `_itemsOnPage`), filters and sorting; and, when `scroll`
 * is given, Open Loyalty's scroll paging on the same path for a request with `_scroll`.
 */
function listRoute<T>(name: string, resource: ListResource, collection: Collection<T>, present: (record: T) => unknown, scroll?: ScrollOrder<T>): SimRoute {
  return {
    name,
    method: 'GET',
    pattern: new RegExp(`^/api/(?<storeCode>[^/]+)/${resource}$`),
    handle(req) {
      if (scroll && req.query.has(SCROLL_PARAM)) return scrollPage(req.query, scroll, present);
      const query = parseListQuery(req.query, collection);
      if (Array.isArray(query)) return answer(400, 'Invalid query parameters.', query);
      const selected = sorted(collection.select(query.filters, query.ranges), query.sort, collection.sorts);
      const start = (query.page - 1) * query.itemsOnPage;
      const body: ListPage<unknown> = {
        items: selected.slice(start, start + query.itemsOnPage).map(present),
        total: { all: collection.records.length, filtered: selected.length },
      };
      return { status: 200, body };
    },
  };
}

/** A place in a scroll: the instant (epoch ms) and the id of the last record a page gave. */
interface ScrollKey {
  at: number;
  id: string;
}

/**
 * The records in scroll order, sorted on the first scroll (a simulator that is never scrolled
 * pays nothing at start): `createdAt` newest first, as "Scroll Mechanism for Pages" documents
 * every scroll, then the id (by UTF-16 code units) among records created at the same instant, a
 * tie-break the documentation does not give (modelled). A page starts after a key by binary
 * search, so that a scroll through 100,000 members costs no scan per page.
 */
class ScrollOrder<T> {
  private sorted?: { records: T[]; keys: ScrollKey[] };

  constructor(
    private readonly source: readonly T[],
    private readonly at: (record: T) => number,
    private readonly id: (record: T) => string,
  ) {}

  /** Up to `size` records after `after` (from the first when null), and the key of the last one. */
  page(after: ScrollKey | null, size: number): { records: T[]; last: ScrollKey | null } {
    const { records, keys } = (this.sorted ??= this.sort());
    let lo = 0;
    let hi = keys.length;
    if (after) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareScrollKeys(keys[mid]!, after) <= 0) lo = mid + 1;
        else hi = mid;
      }
    }
    const end = Math.min(lo + size, records.length);
    return { records: records.slice(lo, end), last: end > lo ? keys[end - 1]! : null };
  }

  private sort(): { records: T[]; keys: ScrollKey[] } {
    const keyed = this.source.map((record) => {
      const instant = this.at(record);
      // A date the population cannot parse goes last rather than breaking the order.
      return { record, key: { at: Number.isNaN(instant) ? -8.64e15 : instant, id: this.id(record) } };
    });
    keyed.sort((a, b) => compareScrollKeys(a.key, b.key));
    return { records: keyed.map((k) => k.record), keys: keyed.map((k) => k.key) };
  }
}

/** Scroll order: newer first, then the smaller id. */
function compareScrollKeys(a: ScrollKey, b: ScrollKey): number {
  return b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A scroll token as the simulator writes it: the key of the page's last record, base64url JSON.
 * Stateless, so a token never expires and a scroll sees no record twice however the pages are
 * sized. Open Loyalty's tokens are "encoded" and used "exactly as provided"; their content and
 * lifetime are not documented.
 */
function scrollToken(key: ScrollKey): string {
  return Buffer.from(JSON.stringify({ at: key.at, id: key.id })).toString('base64url');
}

/** The key a token carries, or undefined when the simulator did not write it. */
function readScrollToken(token: string): ScrollKey | undefined {
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!isObject(key)) return undefined;
    return typeof key.at === 'number' && Number.isFinite(key.at) && typeof key.id === 'string' ? { at: key.at, id: key.id } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of a scroll ("Scroll Mechanism for Pages"): `_scroll` with no value starts it,
 * `_scroll=<scroll.next>` goes on; `{ items, scroll: { next } }` while records come, and
 * `{ items: [], scroll: {} }` once they are all read. `_itemsOnPage` sizes each page (1 to 100,
 * default 10; the documentation does not say whether scroll reads it: modelled). `_page` and
 * `_orderBy` are ignored, as documented. Filters beside `_scroll`, which Open Loyalty accepts,
 * are not modelled: a 400, as any parameter the simulator does not model.
 */
function scrollPage<T>(query: URLSearchParams, scroll: ScrollOrder<T>, present: (record: T) => unknown): SimResponse {
  const errors: FieldError[] = [];
  let size = DEFAULT_ITEMS_ON_PAGE;
  let after: ScrollKey | null = null;
  for (const [key, value] of query) {
    if (key === SCROLL_PARAM) {
      if (value === '') continue;
      const read = readScrollToken(value);
      if (read) after = read;
      else errors.push({ path: key, message: 'This value is not a valid scroll token.' });
    } else if (key === '_itemsOnPage') {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (n >= 1 && n <= MAX_ITEMS_ON_PAGE) size = n;
      else errors.push({ path: key, message: `This value should be a whole number between 1 and ${MAX_ITEMS_ON_PAGE}.` });
    } else if (key !== '_page' && !ORDER_BY_KEY.test(key)) {
      errors.push({ path: key, message: 'This parameter is not supported beside _scroll.' });
    }
  }
  if (errors.length > 0) return answer(400, 'Invalid query parameters.', errors);
  const { records, last } = scroll.page(after, size);
  return { status: 200, body: { items: records.map(present), scroll: last ? { next: scrollToken(last) } : {} } };
}

/** The records by the query's sort keys, the first deciding; ties under every key keep the unsorted order. */
function sorted<T>(records: readonly T[], sort: ListQuery['sort'], keys: Record<string, SortKey<T>>): readonly T[] {
  if (sort.length === 0) return records;
  const compare = (a: T, b: T): number => {
    for (const { field, descending } of sort) {
      const x = keys[field]!(a);
      const y = keys[field]!(b);
      const order = x < y ? -1 : x > y ? 1 : 0;
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  };
  return [...records].sort(compare);
}

/** A fixed shuffle key of an ordinal (a 32-bit integer mix), so that an unsorted answer follows no field. */
function scramble(ordinal: number): number {
  let x = Math.imul(ordinal ^ 0x5bd1e995, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}

function memberRoute(members: Collection<OpenLoyaltyMember>, present: (member: OpenLoyaltyMember) => unknown): SimRoute {
  return {
    name: 'member.get',
    method: 'GET',
    pattern: /^\/api\/(?<storeCode>[^/]+)\/member\/(?<memberId>[^/]+)$/,
    handle(req) {
      const [member] = members.select([{ field: 'customerId', values: [decoded(req.params.memberId)] }]);
      return member ? { status: 200, body: present(member) } : answer(404, 'Member not found.');
    },
  };
}

/** What the simulator keeps per member to answer its transaction statistics. */
interface MemberTotals {
  count: number;
  amount: number;
  /** Newest purchase, as written, and its instant in epoch ms. */
  last: string | null;
  lastMs: number;
  currency: string | null;
}

/**
 * The records as Open Loyalty answers them: the population holds the fields the gateway reads,
 * and the API's answers carry more, which the vendor's reference documents (README.md,
 * "Contract fixtures"): a member's agreements, gender and transaction statistics, a
 * transaction's buyer data and labels, a tier's state and translations. They are filled here,
 * from the population, so that the simulator answers in the documented shape.
 */
class AnswerShapes {
  private readonly totals = new Map<string, MemberTotals>();
  private readonly membersById = new Map<string, OpenLoyaltyMember>();

  constructor(members: readonly OpenLoyaltyMember[], transactions: readonly OpenLoyaltyTransaction[]) {
    for (const member of members) {
      this.membersById.set(member.customerId, member);
    }
    for (const t of transactions) {
      const totals = this.totals.get(t.customerId) ?? { count: 0, amount: 0, last: null, lastMs: -Infinity, currency: null };
      totals.count += 1;
      totals.amount += t.grossValue;
      totals.currency ??= t.currency;
      const at = Date.parse(t.header.purchasedAt);
      if (at > totals.lastMs) {
        totals.lastMs = at;
        totals.last = t.header.purchasedAt;
      }
      this.totals.set(t.customerId, totals);
    }
  }

  member(m: OpenLoyaltyMember): Record<string, unknown> {
    const totals = this.totals.get(m.customerId);
    const amount = Math.round((totals?.amount ?? 0) * 100) / 100;
    // Object.assign rather than a literal that begins with a spread: on Node 20 such a literal
    // gets a hidden class of its own each time (docs/hidden-classes.md), one per row answered.
    return Object.assign<Record<string, unknown>, OpenLoyaltyMember, Record<string, unknown>>({}, m, {
      address: m.address === null ? null : withLongAddress(m.address),
      // Not in the population: unknown gender, no campaign bought. A population written before
      // consent (issue 15) holds no data-processing agreement: null, unknown, rather than a refusal.
      gender: null,
      agreement3: m.agreement3 ?? null,
      campaignPurchases: [],
      transactionsCount: totals?.count ?? 0,
      transactionsAmount: amount,
      // No delivery costs are modelled; none is excluded from the level's condition.
      transactionsAmountWithoutDeliveryCosts: amount,
      amountExcludedForLevel: 0,
      averageTransactionAmount: totals ? Math.round((totals.amount / totals.count) * 100) / 100 : 0,
      // The reference leaves the date out for a member without transactions.
      ...(totals?.last ? { lastTransactionDate: totals.last } : {}),
      currency: totals?.currency ?? null,
    });
  }

  transaction(t: OpenLoyaltyTransaction): Record<string, unknown> {
    const buyer = this.membersById.get(t.customerId);
    const name = [buyer?.firstName, buyer?.lastName].filter(Boolean).join(' ');
    return Object.assign<Record<string, unknown>, OpenLoyaltyTransaction, Record<string, unknown>>({}, t, {
      // The current reference's header carries the document's labels too (none in the population).
      header: Object.assign({}, t.header, { labels: [] }),
      customerData: {
        email: buyer?.email ?? null,
        name: name === '' ? null : name,
        nip: null,
        phone: buyer?.phone ?? null,
        loyaltyCardNumber: buyer?.loyaltyCardNumber ?? null,
        address: buyer?.address ? withLongAddress(buyer.address) : null,
      },
      labels: [],
      items: t.items.map((item) => Object.assign({}, item, { labels: [] })),
    });
  }

  /**
   * A redeemed reward in the fields of Open Loyalty's "Rewards Redemption" export (README.md,
   * "Contract fixtures"): the population's, with the reward's id inside `reward` (the export's
   * "reward's configuration", of which only the id and name are modelled), the member's data,
   * the coupon also as `token`, the status's last change and the record's dates at the
   * redemption's date (no change is modelled), and no tax, price nor action cause.
   */
  redemption(r: OpenLoyaltyRedemption): Record<string, unknown> {
    const member = this.membersById.get(r.customerId);
    const { rewardId, ...fields } = r;
    return {
      ...fields,
      tenantId: SIMULATED_TENANT_ID,
      reward: { rewardId, name: r.name },
      memberData: member ? { email: member.email, firstName: member.firstName, lastName: member.lastName, loyaltyCardNumber: member.loyaltyCardNumber } : null,
      // Reward types are modelled: a coupon as a static coupon, anything else as a material reward.
      rewardType: r.issuedCoupon ? 'static_coupon' : 'material',
      token: r.issuedCoupon?.code ?? null,
      tax: null,
      taxPriceValue: null,
      price: null,
      statusLastUpdatedAt: r.redemptionDate,
      actionCause: null,
      createdAt: r.redemptionDate,
      updatedAt: r.redemptionDate,
    };
  }

  tier(level: OpenLoyaltyLevel): Record<string, unknown> {
    // The population names a level in one language; the reference lists each translation.
    return {
      ...level,
      description: null,
      hasPhoto: false,
      active: true,
      specialRewards: [],
      translations: [{ name: level.name, description: null, id: 1, locale: 'en' }],
    };
  }
}

/** An address with the two lines Open Loyalty keeps besides the street (none in the population). */
function withLongAddress(address: NonNullable<OpenLoyaltyMember['address']>): Record<string, unknown> {
  return { street: address.street, address1: null, province: null, city: address.city, postal: address.postal, country: address.country };
}

/** Answers 404 for a store code the population does not have, as a tenant that does not exist. */
function withStore(storeCode: string, route: SimRoute): SimRoute {
  return {
    ...route,
    handle: (req) => (decoded(req.params.storeCode) === storeCode ? route.handle(req) : answer(404, 'Store not found.')),
  };
}

function loginRoute(options: LoyaltySimulatorOptions, tokens: TokenIssuer): SimRoute {
  return {
    name: 'admin.loginCheck',
    method: 'POST',
    pattern: new RegExp(`^${LOGIN_PATH}$`),
    handle(req) {
      const body = parseJson(req.body);
      const fields = isObject(body) ? body : {};
      const { username, password } = fields;
      if (typeof username !== 'string') return answer(400, 'The key "username" must be provided.');
      if (typeof password !== 'string') return answer(400, 'The key "password" must be provided.');
      const good = sameSecret(username, options.username) && sameSecret(password, options.password);
      return good ? { status: 200, body: tokens.issue(options.username) } : answer(401, 'Invalid credentials.');
    },
  };
}

class TokenIssuer {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  issue(username: string): { token: string; refresh_token: string } {
    const iat = Math.floor(Date.now() / 1000);
    const claims = { iat, exp: iat + this.ttlSeconds, username, roles: ['ROLE_ADMIN'] };
    return { token: signJwt(claims, this.secret), refresh_token: randomBytes(32).toString('hex') };
  }

  /** Null for a good token, else the 401 Open Loyalty answers (LexikJWTAuthenticationBundle's messages). */
  check(authorization: string | undefined): SimResponse | null {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (token === undefined) return answer(401, 'JWT Token not found');
    const check = verifyJwt(token, this.secret, Date.now());
    if (check.ok) return null;
    return answer(401, check.reason === 'expired' ? 'Expired JWT Token' : 'Invalid JWT Token');
  }
}

function errorBody(status: number, message = STATUS_CODES[status] ?? 'Error', errors?: ErrorBody['errors']): ErrorBody {
  return errors ? { code: status, message, errors } : { code: status, message };
}

function answer(status: number, message: string, errors?: ErrorBody['errors']): SimResponse {
  return { status, body: errorBody(status, message, errors) };
}

/** A path parameter as text; a malformed escape stays as sent (and matches nothing). */
function decoded(param: string | undefined): string {
  try {
    return decodeURIComponent(param ?? '');
  } catch {
    return param ?? '';
  }
}
