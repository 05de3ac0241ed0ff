/**
 * The loyalty connector: Open Loyalty's REST API (members, transactions, tiers), read with an
 * admin JWT. Every call goes through {@link SiloHttp}; README.md lists the endpoints.
 */
import type { Dispatcher } from 'undici';
import { readBody, type z } from '../shared/body-schema.js';
import { appendAll, checkListLimit, unique } from '../shared/collections.js';
import { mailboxSpellings } from '../shared/mailbox.js';
import { SiloHttp, probeHealth, type SiloHttpOptions } from '../shared/silo-http.js';
import { isTimeZone } from '../shared/time.js';
import type {
  FoundRecord,
  Identifier,
  IdentifierType,
  JourneyPoint,
  JourneyRead,
  JourneyWindow,
  LoyaltyMemberRecord,
  LoyaltyRedemptionRecord,
  LoyaltySiloConnector,
  LoyaltyTransactionRecord,
  RecordIdPage,
  SiloEndpoint,
  SiloHealth,
} from '../types.js';
import { DATED_LISTS, IN_SEPARATOR, LOGIN_PATH, MAX_ITEMS_ON_PAGE, MAX_PAGE, SCROLL_PARAM, filterQuery, storePath, type ListResource } from './api.js';
import { MAX_JOURNEY_LIMIT, mergeReads, readHistory, type HistoryCall, type HistoryPage } from './history.js';
import { readJwtClaims } from './jwt.js';
import {
  anyListAnswer,
  loginAnswer,
  memberListAnswer,
  memberScrollAnswer,
  newestFirst,
  redemptionListAnswer,
  tierListAnswer,
  toFoundRecord,
  toMemberRecord,
  toMemberView,
  toRedemptionView,
  toTransactionView,
  transactionListAnswer,
  type MemberView,
  type RedemptionView,
  type TransactionView,
} from './mapping.js';

export type LoyaltyConfig = SiloEndpoint & {
  /** The Open Loyalty store (tenant) code, part of every path: `DEFAULT` on a fresh instance. */
  storeCode: string;
  /** An admin account allowed to read members, transactions and tiers. */
  username: string;
  password: string;
  /**
   * IANA time zone the instance keeps its dates in: a birth date it sends as an instant is
   * read there. Default `UTC`; the gateway passes LOYALTY_TIME_ZONE.
   */
  timeZone?: string;
};

export interface LoyaltyDeps {
  /** HTTP dispatcher (tests, benchmarks); by default a keep-alive Pool on the base URL. */
  dispatcher?: Dispatcher;
  /** Clock for token renewal and the tier cache, in epoch milliseconds. */
  now?: () => number;
  /** Told of each change of the program's circuit breaker (the gateway logs it). */
  onBreakerChange?: SiloHttpOptions['onBreakerChange'];
}

/**
 * The loyalty connector: {@link LoyaltySiloConnector} (members, newest transactions, and the
 * journey's reads `transactionHistory` and `redemptionHistory`), as this module builds it.
 */
export type LoyaltyConnector = LoyaltySiloConnector;

/** A transaction's document type, as Open Loyalty writes it (`header.documentType`). */
export type DocumentType = 'sell' | 'return';

/** The most transactions `transactionsOf` returns per member: the schema's `transactions(limit:)` maximum. */
export const MAX_TRANSACTIONS_PER_MEMBER = 100;

/** The most ids one `recordIds` page holds: the bound {@link LoyaltySiloConnector.recordIds} documents. */
export const MAX_RECORD_IDS_PER_PAGE = 250;

/** The member list filter each identifier type is looked up with. */
const LOOKUP_FIELDS = {
  loyalty: 'customerId',
  card: 'loyaltyCardNumber',
  email: 'email',
  phone: 'phone',
} as const satisfies Partial<Record<IdentifierType, string>>;
type LookupType = keyof typeof LOOKUP_FIELDS;
const LOOKUP_TYPES = Object.keys(LOOKUP_FIELDS) as LookupType[];

/**
 * Values in one `[in]` filter: a whole round of a 100-customer batch (about 100 emails, 4,000
 * characters) fits one call, and the URL stays under 6 KiB, short enough for common proxies'
 * 8 KiB limit (the same budget as the Shopify connector's searches).
 */
const MAX_IN_VALUES = 150;
const MAX_IN_CHARS = 5_000;

/**
 * Tier names are reference data (a handful of levels, no personal data) that changes when an
 * admin edits the program, so one list per connector, kept for five minutes, spares a call per
 * request; a renamed tier shows within that time.
 */
const TIER_CACHE_MS = 5 * 60_000;
/** Log in again this long before the token expires, so that no call goes out with a dying token. */
const RENEW_MARGIN_MS = 30_000;
/** Lifetime assumed for a token without `exp`; a 401 still renews it early. */
const UNKNOWN_TOKEN_LIFETIME_MS = 60_000;

const NEWEST_FIRST = { '_orderBy[purchasedAt]': 'desc' } as const;

/** The journey's order on a dated list: newest first, then the id (compareEventIds compares UUIDs by code units, as a sort on a text column does). */
function journeyOrder(resource: keyof typeof DATED_LISTS): Record<string, string> {
  const { date, id } = DATED_LISTS[resource];
  return { [`_orderBy[${date}]`]: 'desc', [`_orderBy[${id}]`]: 'asc' };
}

/** The date bounds of one call of a journey read, as ISO 8601 instants in UTC. */
function dateRange(resource: keyof typeof DATED_LISTS, call: HistoryCall): Record<string, string> {
  const { date } = DATED_LISTS[resource];
  const range: Record<string, string> = {};
  if (call.since !== undefined) range[`${date}[gte]`] = new Date(call.since).toISOString();
  if (call.until !== undefined) range[`${date}[lte]`] = new Date(call.until).toISOString();
  return range;
}

/** Checks a journey window before any call: a caller's mistake, hence a RangeError naming the method. */
function checkWindow(method: string, window: JourneyWindow): void {
  checkListLimit(method, window.limit, MAX_JOURNEY_LIMIT);
  for (const key of ['since', 'until'] as const) {
    const value = window[key];
    if (value !== undefined && !Number.isFinite(value)) throw new RangeError(`${method} takes "${key}" as milliseconds since the epoch, got ${value}.`);
  }
  // An empty `from.id` is the smallest id: every event at `from.at` (JourneyWindow.from).
  if (window.from !== undefined && !Number.isFinite(window.from.at)) {
    throw new RangeError(`${method} takes "from" as { at: milliseconds since the epoch, id: the event's id }.`);
  }
}

const transactionPoint = (view: TransactionView): JourneyPoint => ({ at: Date.parse(view.record.purchasedAt), id: view.record.id });
const redemptionPoint = (view: RedemptionView): JourneyPoint => ({ at: Date.parse(view.record.redeemedAt), id: view.record.id });

export function createLoyaltyConnector(config: LoyaltyConfig, deps: LoyaltyDeps = {}): LoyaltyConnector {
  for (const key of ['storeCode', 'username', 'password'] as const) {
    if (!config[key]) throw new Error(`The loyalty connector needs a non-empty "${key}" in its configuration.`);
  }
  const now = deps.now ?? Date.now;
  const timeZone = config.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new Error(`The loyalty connector's "timeZone" must be an IANA time zone such as Europe/Paris, got "${timeZone}".`);
  const http = new SiloHttp({
    source: 'loyalty',
    label: 'loyalty program',
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    connections: config.connections,
    maxResponseBytes: config.maxResponseBytes,
    breaker: config.breaker,
    dispatcher: deps.dispatcher,
    onBreakerChange: deps.onBreakerChange,
  });
  const session = new SharedLoad(async () => {
    const res = await http.request({
      operation: 'admin.loginCheck',
      method: 'POST',
      path: LOGIN_PATH,
      json: { username: config.username, password: config.password },
    });
    const { token } = readBody(loginAnswer, res.body, (problem) => http.badResponse('admin.loginCheck', problem));
    return { value: token, freshUntilMs: renewAt(token, now()) };
  }, now);
  const api = new OpenLoyaltyApi(http, session, config.storeCode);
  const tierNames = new SharedLoad(async () => {
    const tiers = await api.all('tier.list', 'tier', tierListAnswer, {});
    return { value: new Map(tiers.map((t) => [t.levelId, t.name])), freshUntilMs: now() + TIER_CACHE_MS };
  }, now);

  async function membersWhere(field: string, values: readonly string[], signal: AbortSignal | undefined): Promise<MemberView[]> {
    const batches = inBatches(values).map((batch) => api.all('member.list', 'member', memberListAnswer, filterQuery(field, batch), signal));
    return (await Promise.all(batches)).flat().map((item) => toMemberView(item, timeZone));
  }

  /**
   * One filtered list for the whole batch, newest first, paged until every member has its
   * newest `limit` or the list ends. Pages hold `limit` items per member of the batch (up to the
   * largest page), so that one page is enough when histories are alike. A member with a long
   * history can crowd the others off the pages: after as many pages as members, those still
   * short get a call of their own, so a batch never costs more than two calls per member.
   */
  async function newestTransactions(
    batch: readonly string[],
    limit: number,
    found: Map<string, LoyaltyTransactionRecord[]>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const short = (): string[] => batch.filter((id) => found.get(id)!.length < limit);
    const pageSize = Math.min(MAX_ITEMS_ON_PAGE, batch.length * limit);
    let pages = 0;
    // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
    // spread gets a hidden class of its own each time (docs/hidden-classes.md).
    const filters = Object.assign({}, filterQuery('customerId', batch), NEWEST_FIRST);
    for await (const page of api.pages('transaction.list', 'transaction', transactionListAnswer, filters, pageSize, signal)) {
      for (const item of page.items) {
        const list = found.get(item.customerId);
        if (list && list.length < limit) list.push(toTransactionView(item, timeZone).record);
      }
      pages += 1;
      if (page.last || short().length === 0) return;
      if (pages >= batch.length) break;
    }
    await Promise.all(
      short().map(async (id) => {
        const { items } = await api.page('transaction.list', 'transaction', transactionListAnswer, { customerId: id, ...NEWEST_FIRST }, 1, limit, signal);
        found.set(id, items.map((item) => toTransactionView(item, timeZone).record));
      }),
    );
  }

  /**
   * A journey read of one dated list for the members: one read per batch of member ids that
   * fits an `[in]` filter (one batch for a customer's few cards), merged in journey order.
   */
  async function history<V>(
    memberIds: readonly string[],
    window: JourneyWindow,
    pointOf: (view: V) => JourneyPoint,
    page: (batch: readonly string[], call: HistoryCall) => Promise<HistoryPage<V>>,
    keep?: (view: V) => boolean,
  ): Promise<{ items: V[]; exhausted: boolean }> {
    const batches = inBatches(unique(memberIds));
    if (batches.length === 0) return { items: [], exhausted: true };
    const reads = await Promise.all(batches.map((batch) => readHistory(window, MAX_ITEMS_ON_PAGE, pointOf, (call) => page(batch, call), keep)));
    return reads.length === 1 ? reads[0]! : mergeReads(reads, pointOf);
  }

  return {
    source: 'loyalty',
    lookupTypes: LOOKUP_TYPES,

    async lookup(identifiers: readonly Identifier[], signal?: AbortSignal): Promise<FoundRecord[]> {
      const valuesByField = new Map<string, Set<string>>();
      for (const { type, value } of identifiers) {
        if (!isLookupType(type)) continue;
        const field = LOOKUP_FIELDS[type];
        const set = valuesByField.get(field) ?? new Set<string>();
        for (const v of type === 'email' ? emailSpellings(value) : type === 'phone' ? phoneSpellings(value) : [value]) set.add(v);
        valuesByField.set(field, set);
      }
      const found = await Promise.all([...valuesByField].map(([field, values]) => membersWhere(field, [...values], signal)));
      const byId = new Map(found.flat().map((member) => [member.id, member]));
      const finders = findersBySpelling(identifiers);
      return [...byId.values()].map((member) => ({ matchedBy: matchedBy(member, finders), ...toFoundRecord(member) }));
    },

    async fetchRecords(ids: readonly string[], signal?: AbortSignal): Promise<Array<LoyaltyMemberRecord | null>> {
      if (ids.length === 0) return [];
      // The tier list is shared by every request (cached): not this request's to stop.
      const [members, names] = await Promise.all([membersWhere('customerId', unique(ids), signal), tierNames.get()]);
      const byId = new Map(members.map((member) => [member.id, toMemberRecord(member, names)]));
      return ids.map((id) => byId.get(id) ?? null);
    },

    async transactionsOf(memberIds: readonly string[], limit: number, signal?: AbortSignal): Promise<LoyaltyTransactionRecord[][]> {
      checkListLimit('transactionsOf', limit, MAX_TRANSACTIONS_PER_MEMBER);
      const wanted = unique(memberIds);
      const found = new Map(wanted.map((id) => [id, [] as LoyaltyTransactionRecord[]]));
      await Promise.all(inBatches(wanted).map((batch) => newestTransactions(batch, limit, found, signal)));
      for (const list of found.values()) list.sort(newestFirst);
      return memberIds.map((id) => [...(found.get(id) ?? [])]);
    },

    async transactionHistory(
      memberIds: readonly string[],
      window: JourneyWindow & { documentTypes?: ReadonlyArray<DocumentType> },
      signal?: AbortSignal,
    ): Promise<JourneyRead<LoyaltyTransactionRecord>> {
      checkWindow('transactionHistory', window);
      const types = unique(window.documentTypes ?? ['sell', 'return']);
      if (types.length === 0) return { items: [], exhausted: true };
      // Both types is no condition: the filter is left out rather than sent as an `[in]` of both.
      const typeFilter = types.length === 2 ? {} : filterQuery('documentType', types);
      const read = await history(memberIds, window, transactionPoint, async (batch, call) => {
        const filters = Object.assign({}, filterQuery('customerId', batch), typeFilter, dateRange('transaction', call), journeyOrder('transaction'));
        const { items, filtered } = await api.page('transaction.list', 'transaction', transactionListAnswer, filters, call.page, call.size, signal);
        return { items: items.map((item) => toTransactionView(item, timeZone)), filtered };
      });
      return { items: read.items.map(({ customerId, record }) => ({ recordId: customerId, ...record })), exhausted: read.exhausted };
    },

    async redemptionHistory(memberIds: readonly string[], window: JourneyWindow, signal?: AbortSignal): Promise<JourneyRead<LoyaltyRedemptionRecord>> {
      checkWindow('redemptionHistory', window);
      const read = await history(
        memberIds,
        window,
        redemptionPoint,
        async (batch, call) => {
          const filters = Object.assign({}, filterQuery('customerId', batch), dateRange('redemption', call), journeyOrder('redemption'));
          const { items, filtered } = await api.page('redemption.list', 'redemption', redemptionListAnswer, filters, call.page, call.size, signal);
          return { items: items.map((item) => toRedemptionView(item, timeZone)), filtered };
        },
        // A cancelled redemption gave the member nothing and its points went back: no touchpoint.
        (view) => !view.cancelled,
      );
      return { items: read.items.map(({ customerId, record }) => ({ recordId: customerId, ...record })), exhausted: read.exhausted };
    },

    /**
     * Open Loyalty's scroll, not `_page`: a whole program is deeper than the 500 pages `_page`
     * allows (50,000 members at 100 a page), and "Pagination" calls page paging unfit for
     * iterating a large data set. A page of more than 100 ids chains scroll calls, each asking
     * what is still missing (`_itemsOnPage`, at most 100) and following the token it got.
     */
    async recordIds(page: string | null, limit: number): Promise<RecordIdPage> {
      checkListLimit('recordIds', limit, MAX_RECORD_IDS_PER_PAGE);
      if (page !== null && (typeof page !== 'string' || page === '')) {
        throw new RangeError('recordIds takes null for the first page, or the "next" token of the page before, unchanged; got an empty or non-text token.');
      }
      const ids: string[] = [];
      let token = page;
      for (;;) {
        const size = Math.min(MAX_ITEMS_ON_PAGE, limit - ids.length);
        // `_scroll` with no value starts a scroll; PHP reads `_scroll=` as it reads `_scroll`.
        const body = await api.get('member.list', 'member', { [SCROLL_PARAM]: token ?? '', _itemsOnPage: size });
        const answer = readBody(memberScrollAnswer, body, (problem) => http.badResponse('member.list', problem));
        // Open Loyalty sends at most `_itemsOnPage`; an answer of more is kept (see recordIds),
        // up to a page's bound, beyond which it is not Open Loyalty's answer.
        if (answer.ids.length > MAX_ITEMS_ON_PAGE * 10) {
          throw http.badResponse('member.list', `a page of ${answer.ids.length} members, more than the ${MAX_ITEMS_ON_PAGE * 10} the connector accepts`);
        }
        appendAll(ids, answer.ids);
        // The end is an empty page ("End of Results"); one without a token ends the scroll too.
        if (answer.ids.length === 0 || answer.next === null) return { ids, next: null };
        token = answer.next;
        if (ids.length >= limit) return { ids, next: token };
      }
    },

    health: (): Promise<SiloHealth> =>
      probeHealth(async () => {
        const body = await api.get('member.list', 'member', { _itemsOnPage: 1 });
        readBody(anyListAnswer, body, (problem) => http.badResponse('member.list', problem));
      }),

    close: () => http.close(),
    calls: http,
  };
}

/** A list answer's schema, read as its items and the count of records over every page. */
type ListSchema<T> = z.ZodType<{ items: T[]; filtered: number }>;

/** One page of a list answer; `last` when no page follows. */
interface Page<T> {
  items: T[];
  last: boolean;
}

/** Authenticated calls to the store's list resources. */
class OpenLoyaltyApi {
  constructor(
    private readonly http: SiloHttp,
    private readonly session: SharedLoad<string>,
    private readonly storeCode: string,
  ) {}

  /**
   * A GET with the admin token. A refused token (expired early, revoked) is renewed once. The
   * login is shared by the requests that wait for it, so `signal` does not stop it; it stops
   * the GET after it (and the one after a renewal): no GET leaves for a request stopped meanwhile.
   */
  async get(operation: string, resource: ListResource, query: Record<string, string | number>, signal?: AbortSignal): Promise<unknown> {
    const request = { operation, method: 'GET', path: storePath(this.storeCode, resource), query, signal } as const;
    const token = await this.session.get();
    const first = await this.http.request(Object.assign({}, request, { headers: bearer(token), acceptStatus: [401] }));
    if (first.status !== 401) return first.body;
    this.session.drop(token);
    const again = await this.http.request(Object.assign({}, request, { headers: bearer(await this.session.get()) }));
    return again.body;
  }

  /**
   * One page of a filtered list, of `size` items (by default the largest size), read with
   * `schema`; a body without that shape is the silo's SOURCE_BAD_RESPONSE.
   */
  async page<T>(
    operation: string,
    resource: ListResource,
    schema: ListSchema<T>,
    filters: Record<string, string>,
    page = 1,
    size = MAX_ITEMS_ON_PAGE,
    signal?: AbortSignal,
  ): Promise<{ items: T[]; filtered: number }> {
    const body = await this.get(operation, resource, Object.assign({}, filters, { _page: page, _itemsOnPage: size }), signal);
    return readBody(schema, body, (problem) => this.http.badResponse(operation, problem));
  }

  /** The pages of a filtered list, of `size` items, first to last, as long as the caller keeps iterating. */
  async *pages<T>(
    operation: string,
    resource: ListResource,
    schema: ListSchema<T>,
    filters: Record<string, string>,
    size = MAX_ITEMS_ON_PAGE,
    signal?: AbortSignal,
  ): AsyncGenerator<Page<T>> {
    let seen = 0;
    for (let number = 1; ; number += 1) {
      const { items, filtered } = await this.page(operation, resource, schema, filters, number, size, signal);
      seen += items.length;
      const last = isLastPage(items.length, size, seen, filtered, number);
      yield { items, last };
      if (last) return;
    }
  }

  /**
   * Every record of a filtered list. A plain loop rather than `pages()`: most lists (a member by
   * id, the tiers) are one page, and an async generator costs several promises a page on every
   * request.
   */
  async all<T>(operation: string, resource: ListResource, schema: ListSchema<T>, filters: Record<string, string>, signal?: AbortSignal): Promise<T[]> {
    const records: T[] = [];
    let seen = 0;
    for (let number = 1; ; number += 1) {
      const { items, filtered } = await this.page(operation, resource, schema, filters, number, MAX_ITEMS_ON_PAGE, signal);
      for (const record of items) records.push(record);
      seen += items.length;
      if (isLastPage(items.length, MAX_ITEMS_ON_PAGE, seen, filtered, number)) return records;
    }
  }
}

/**
 * Whether page `number`, which came with `size` items when `asked` were asked, ends a list of
 * `filtered` records of which `seen` came.
 */
function isLastPage(size: number, asked: number, seen: number, filtered: number, number: number): boolean {
  return size < asked || seen >= filtered || number === MAX_PAGE;
}

/**
 * A value loaded once at a time and kept until it goes stale: concurrent callers share one load
 * (one login for a burst of calls, one tier list), and a failed load is not kept.
 */
class SharedLoad<T> {
  private current: { value: T; freshUntilMs: number } | null = null;
  private loading: Promise<T> | null = null;

  constructor(
    private readonly load: () => Promise<{ value: T; freshUntilMs: number }>,
    private readonly now: () => number,
  ) {}

  get(): Promise<T> {
    if (this.current && this.now() < this.current.freshUntilMs) return Promise.resolve(this.current.value);
    this.loading ??= this.load().then(
      (loaded) => {
        this.current = loaded;
        this.loading = null;
        return loaded.value;
      },
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
  }

  /** Forgets `value` (a token the API refused), unless a newer one has replaced it already. */
  drop(value: T): void {
    if (this.current?.value === value) this.current = null;
  }
}

/**
 * When to log in again: a little before the token expires. The lifetime comes from the token's
 * own `iat` and `exp`, both from the server's clock, so a client clock that is off neither
 * makes every call log in nor keeps a dead token (and a 401 renews it anyway).
 */
function renewAt(token: string, nowMs: number): number {
  const claims = readJwtClaims(token);
  const exp = claims?.exp;
  const iat = claims?.iat;
  const lifetimeMs =
    typeof exp !== 'number'
      ? UNKNOWN_TOKEN_LIFETIME_MS
      : typeof iat === 'number'
        ? (exp - iat) * 1000
        : exp * 1000 - nowMs;
  return nowMs + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 10);
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * Splits filter values into batches that each fit one `[in]` filter. A value that holds the
 * separator cannot be listed, so it goes alone, as an equality filter.
 */
function inBatches(values: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const value of values) {
    if (value.includes(IN_SEPARATOR)) {
      batches.push([value]);
      continue;
    }
    if (current.length > 0 && (current.length === MAX_IN_VALUES || chars + value.length > MAX_IN_CHARS)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(value);
    chars += value.length + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function isLookupType(type: IdentifierType): type is LookupType {
  return type in LOOKUP_FIELDS;
}

/**
 * The asked identifiers by the value Open Loyalty's filter compares (`field|value`): each one's
 * spellings (see {@link emailSpellings} and {@link phoneSpellings}), emails without case or
 * surrounding spaces (its Limits page), card numbers, phones and ids exactly.
 */
function findersBySpelling(identifiers: readonly Identifier[]): Map<string, Identifier[]> {
  const finders = new Map<string, Identifier[]>();
  const add = (key: string, identifier: Identifier) => {
    const list = finders.get(key);
    if (!list) finders.set(key, [identifier]);
    else if (!list.includes(identifier)) list.push(identifier);
  };
  for (const identifier of identifiers) {
    const { type, value } = identifier;
    if (type === 'email') for (const spelling of emailSpellings(value)) add(`email|${foldEmail(spelling)}`, identifier);
    else if (type === 'phone') for (const spelling of phoneSpellings(value)) add(`phone|${spelling}`, identifier);
    else if (type === 'card' || type === 'loyalty') add(`${type}|${value}`, identifier);
  }
  return finders;
}

/**
 * The asked identifiers whose filter matches the member. A member found in the same call by
 * another identifier may carry one of them in a spelling no filter sent (an invisible character
 * inside an email): it is not that identifier's record.
 */
function matchedBy(member: MemberView, finders: ReadonlyMap<string, Identifier[]>): Identifier[] {
  const keys = [
    `loyalty|${member.id}`,
    member.cardNumber === null ? null : `card|${member.cardNumber}`,
    member.email === null ? null : `email|${foldEmail(member.email)}`,
    member.phone === null ? null : `phone|${member.phone}`,
  ];
  return [...new Set(keys.flatMap((key) => (key === null ? [] : (finders.get(key) ?? []))))];
}

function foldEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The spellings of a canonical mailbox a member may be stored with. Open Loyalty stores emails as
 * typed, without validation, and its filters compare them exactly (ignoring case): so the mailbox
 * is also searched with a trailing dot after the domain (`lea1966@gmail.com.`), on the provider's
 * alias domain (googlemail.com for gmail.com; see mailboxSpellings), and with the
 * invisible character copy-paste most often leaves after an address (a zero-width space, U+200B).
 * Tagged spellings (`name+tag@gmail.com`) cannot be listed: see README.md.
 */
function emailSpellings(mailbox: string): string[] {
  return [...mailboxSpellings(mailbox), `${mailbox}\u200b`];
}

/**
 * The spellings of an E.164 phone a member may be stored with, as Open Loyalty stores phones as
 * typed and its filter is exact: `+393331234567`, and the same without its `+` (`393331234567`).
 * A national form ("06 12 34 56 78") is not searched: its spacings are endless.
 */
function phoneSpellings(e164: string): string[] {
  return [e164, e164.replace(/^\+/, '')];
}
