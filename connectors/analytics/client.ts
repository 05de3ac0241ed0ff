/**
 * The analytics connector: Matomo's Live API (the visits log), read-only. Visitors are found by
 * their visitorId or by the login userId the site sends (the shop's customer id), and fetched
 * with their visits, through OR-ed segments on `Live.getLastVisitsDetails`; see README.md for
 * the calls, the mapping and the limits.
 */
import type { Dispatcher } from 'undici';
import { SourceError } from '../../src/shared/errors.js';
import { readBody, type ComplainAboutBody } from '../shared/body-schema.js';
import { chunk, isPresent, unique } from '../shared/collections.js';
import { compareJourneyPoints, isAtOrAfter } from '../shared/journey-order.js';
import { SiloHttp, probeHealth, type SiloHttpOptions } from '../shared/silo-http.js';
import type {
  AnalyticsSiloConnector,
  AnalyticsVisitorRecord,
  Identifier,
  IdentifierType,
  JourneyPoint,
  JourneyRead,
  SiloEndpoint,
  SiloHealth,
  VisitRecord,
  VisitWindow,
} from '../types.js';
import {
  API_PATH,
  METHODS,
  VISITOR_ID,
  classifyMatomoError,
  encodeSegmentValue,
  satisfies,
  type SegmentCondition as Condition,
} from './matomo.js';
import {
  MAX_VISITS_PER_VISITOR,
  firstLoginsOf,
  groupByVisitor,
  loginsAnswer,
  matomoErrorAnswer,
  toFoundRecords,
  toLoginVisit,
  toMatomoVisit,
  toRecord,
  toVisit,
  toVisitKey,
  versionAnswer,
  visitKeysAnswer,
  visitsAnswer,
  type LoginVisit,
  type MatomoVisit,
  type Sites,
  type VisitKey,
} from './mapping.js';

export { MAX_VISITS_PER_VISITOR };
import { assertNever } from '../shared/exhaustive.js';

export type AnalyticsConfig = SiloEndpoint & {
  /** The Matomo site (`idSite`) of the website, whose visits are read. */
  siteId: number;
  /**
   * The Matomo site (a measurable of type `mobileapp`) of the mobile app, read with the
   * website's; its visits are `inApp`. Absent or null: the app is not tracked.
   */
  appSiteId?: number | null;
  /** A Matomo `token_auth` of a user with view access to the site. Only ever sent in a POST body. */
  tokenAuth: string;
  /** Tuning; the defaults suit a Matomo that answers a page of visits within a second or two. */
  limits?: Partial<AnalyticsLimits>;
};

export interface AnalyticsLimits {
  /** `filter_limit` of one call: how many visits a page holds. */
  visitsPerPage: number;
  /** How many `visitorId==` / `userId=@` conditions one segment ORs together. */
  conditionsPerCall: number;
  /**
   * Visits a journey read asks for beyond the `limit` it needs: room for the visits after the
   * read's upper bound on its last days (Matomo's date range is whole days) and for ties.
   */
  historyMargin: number;
  /** The most login ids whose first login is read for a device whose visits were not all read. */
  loginIdsPerDevice: number;
}

export const DEFAULT_LIMITS: AnalyticsLimits = { visitsPerPage: 500, conditionsPerCall: 100, historyMargin: 30, loginIdsPerDevice: 20 };

/** A paging loop that reaches this many pages is not going to end: the answer cannot be trusted. */
const MAX_PAGES = 200;

export type AnalyticsConnector = AnalyticsSiloConnector;

const LOOKUP_TYPES = ['analytics', 'commerce'] as const satisfies readonly IdentifierType[];

/**
 * The connector. `deps.now` (ms since the epoch) is the clock journey reads compare their
 * bounds with (a date range that reaches today is not sent); `Date.now` by default.
 */
export function createAnalyticsConnector(config: AnalyticsConfig, deps: { dispatcher?: Dispatcher; now?: () => number; onBreakerChange?: SiloHttpOptions['onBreakerChange'] } = {}): AnalyticsConnector {
  const http = new SiloHttp({ ...config, source: 'analytics', label: 'analytics tool', dispatcher: deps.dispatcher, onBreakerChange: deps.onBreakerChange });
  const sites: Sites = { appSiteId: config.appSiteId ?? null };
  const allSites = unique([config.siteId, ...(sites.appSiteId === null ? [] : [sites.appSiteId])]);
  const api = new LiveApi(http, allSites, config.tokenAuth);
  const limits: AnalyticsLimits = { ...DEFAULT_LIMITS, ...config.limits };
  const now = deps.now ?? Date.now;

  /** Reads every chunk of conditions at once; each chunk is one segment, paged on its own. */
  const readChunks = <T extends VisitKey>(conditions: Condition[], shape: RowShape<T>, signal: AbortSignal | undefined, keepPerVisitor?: number) =>
    Promise.all(chunk(conditions, limits.conditionsPerCall).map((c) => readVisits(api, c, shape, limits.visitsPerPage, signal, keepPerVisitor)));

  return {
    source: 'analytics',
    lookupTypes: LOOKUP_TYPES,

    async lookup(identifiers, signal) {
      const conditions = uniqueConditions(identifiers.flatMap(toCondition));
      const reads = await readChunks(conditions, KEY_SHAPE, signal);
      const visits = reads.flatMap((read) => read.visits);
      // A segment on userId returns only the visits sent with that userId: a device found so
      // would carry only part of its logins, and what the gateway links would depend on which
      // identifier found it. Its whole visit log is read by visitorId, so that a device carries
      // every userId, whatever found it.
      const asked = new Set(conditions.filter((c) => c.name === 'visitorId').map((c) => c.value));
      const partial = unique(visits.map((visit) => visit.visitorId).filter((visitorId) => !asked.has(visitorId)));
      const rest = await readChunks(partial.map(visitorIdCondition), KEY_SHAPE, signal);
      return toFoundRecords([...visits, ...rest.flatMap((read) => read.visits)]);
    },

    async fetchRecords(ids, signal) {
      const wanted = unique(ids.map(toVisitorId).filter(isPresent));
      const reads = await readChunks(wanted.map(visitorIdCondition), VISIT_SHAPE, signal, MAX_VISITS_PER_VISITOR);
      // A device whose older visits were left unread may have logged in first among them: its
      // first logins are read apart (a few calls per such device, see readFirstLogins).
      const cut = new Set(reads.flatMap((read) => [...read.cut]));
      const logins = new Map(await Promise.all([...cut].map(async (visitorId) => [visitorId, await readFirstLogins(api, visitorId, sites, limits, signal)] as const)));
      const records = new Map<string, AnalyticsVisitorRecord>();
      for (const { visits } of reads) {
        for (const [visitorId, own] of groupByVisitor(visits)) {
          records.set(visitorId, cut.has(visitorId) ? toRecord(own, true, sites, logins.get(visitorId)) : toRecord(own, false, sites));
        }
      }
      return ids.map((id) => records.get(toVisitorId(id) ?? '') ?? null);
    },

    async visitHistory(visitorIds, window, signal) {
      const wanted = unique(visitorIds.map(toVisitorId).filter(isPresent));
      const idSites = window.site === undefined ? allSites : window.site === 'web' ? [config.siteId] : sites.appSiteId === null ? [] : [sites.appSiteId];
      const upper = upperBound(window);
      const empty = wanted.length === 0 || idSites.length === 0 || (upper !== undefined && window.since !== undefined && upper < window.since);
      if (empty) return { items: [], exhausted: true };
      const reads = await Promise.all(
        chunk(wanted, limits.conditionsPerCall).map((ids) => readHistory(api, ids, idSites, window, { sites, margin: limits.historyMargin, now: now() }, signal)),
      );
      return mergeHistories(reads);
    },

    health: (): Promise<SiloHealth> => probeHealth(() => api.version()),

    close: () => http.close(),
    calls: http,
  };
}

// ---------------------------------------------------------------------------------------------
// Segments.

/** `analytics` identifiers are visitor ids; `commerce` ones are what the site sends as userId. */
function toCondition(identifier: Identifier): Condition[] {
  if (identifier.type === 'analytics') {
    const visitorId = toVisitorId(identifier.value);
    return visitorId ? [visitorIdCondition(visitorId)] : [];
  }
  // `=@` (contains), not `==`: sites send the shop id as they print it, with spaces or leading
  // zeros now and then (" 7010012916537", "007010012916537"), and Matomo compares exactly. What
  // the contains finds beyond the id (a longer id holding it) carries another canonical id, which
  // the gateway matches to nothing it asked.
  if (identifier.type === 'commerce' && identifier.value !== '') return [{ name: 'userId', operator: '=@', value: identifier.value }];
  return [];
}

function visitorIdCondition(value: string): Condition {
  return { name: 'visitorId', operator: '==', value };
}

/** Matomo's visitor ids are lower-case hex; anything that cannot be one would fail the whole segment. */
function toVisitorId(id: string): string | null {
  const lower = id.trim().toLowerCase();
  return VISITOR_ID.test(lower) ? lower : null;
}

function conditionKey(c: Condition): string {
  return `${c.name}${c.operator}${c.value}`;
}

function uniqueConditions(conditions: Condition[]): Condition[] {
  return [...new Map(conditions.map((c) => [conditionKey(c), c])).values()];
}

/** The OR of the conditions (`,` is Matomo's OR), each value encoded as Matomo decodes it. */
function segmentOf(conditions: readonly Condition[]): string {
  return conditions.map(conditionText).join(',');
}

/** The AND of the conditions (`;` is Matomo's AND). */
function andOf(conditions: readonly Condition[]): string {
  return conditions.map(conditionText).join(';');
}

function conditionText(c: Condition): string {
  return `${c.name}${c.operator}${encodeSegmentValue(c.value)}`;
}

/** A visit that came from a campaign: core Matomo's referrer type (plugins/Referrers). */
const CAMPAIGN: Condition = { name: 'referrerType', operator: '==', value: 'campaign' };

/** How many of the visits match any of the conditions. */
function countMatching(visits: Iterable<VisitKey>, conditions: readonly Condition[]): number {
  let count = 0;
  for (const visit of visits) {
    if (conditions.some((c) => satisfies(c, c.name === 'visitorId' ? visit.visitorId : visit.userId))) count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Paging.

/** Visits read for a chunk of conditions, and the visitors whose older visits were left unread. */
interface VisitsRead<T> {
  visits: T[];
  cut: Set<string>;
}

/**
 * Every visit matching any of `conditions`, newest first.
 *
 * `filter_limit` caps the visits of the whole segment, not those of each visitor: one page of an
 * OR of 100 visitors can be all one visitor's, with the others' visits further down. So pages are
 * read (`filter_offset`) until one comes back short, which is the only sign Matomo gives that the
 * segment is exhausted; a visitor is never silently cut short.
 *
 * With `keepPerVisitor`, a visitorId condition whose visitor already has that many visits is
 * dropped from the segment and its visitor reported in `cut`: a bot with 50,000 visits then costs
 * one page instead of a hundred. The offset for the smaller segment is the number of its visits
 * already read, as Matomo keeps the same newest-first order for any segment.
 */
async function readVisits<T extends VisitKey>(
  api: LiveApi,
  conditions: Condition[],
  shape: RowShape<T>,
  limit: number,
  signal: AbortSignal | undefined,
  keepPerVisitor?: number,
): Promise<VisitsRead<T>> {
  const read = new Map<string, T>();
  const perVisitor = new Map<string, number>();
  const cut = new Set<string>();
  let pending = conditions;
  let offset = 0;
  for (let pages = 1; pending.length > 0; pages++) {
    // Each filter_offset page is a call of its own: none once the request is stopped (silo-http.ts).
    const page = await api.lastVisits(segmentOf(pending), { limit, offset }, shape, {}, signal);
    const fresh = page.filter((visit) => !read.has(visit.idVisit));
    for (const visit of fresh) {
      read.set(visit.idVisit, visit);
      perVisitor.set(visit.visitorId, (perVisitor.get(visit.visitorId) ?? 0) + 1);
    }
    if (page.length < limit) break;
    if (fresh.length === 0 || pages === MAX_PAGES) throw api.pagingFailed(pages, fresh.length === 0);
    const full = (c: Condition) => keepPerVisitor !== undefined && c.name === 'visitorId' && (perVisitor.get(c.value) ?? 0) >= keepPerVisitor;
    if (!pending.some(full)) {
      offset += page.length;
      continue;
    }
    for (const c of pending.filter(full)) cut.add(c.value);
    pending = pending.filter((c) => !full(c));
    offset = countMatching(read.values(), pending);
  }
  return { visits: [...read.values()], cut };
}

// ---------------------------------------------------------------------------------------------
// First logins of a device whose older visits were not read.

/**
 * A device's first login per userId, by as many calls as it has login ids, plus one: each asks
 * Matomo for the oldest logged-in visit (`filter_sort_order=asc`, `filter_limit=1`) whose userId
 * is none of those found so far (`visitorId==X;userId!=;userId!=<found>...`): that visit is the
 * first login of a new userId, as any earlier visit with it would have come first. An answer
 * without one ends it. The cost does not grow with the device's visits; at most
 * `loginIdsPerDevice` ids are read (a kiosk many customers log in on stops there).
 */
async function readFirstLogins(
  api: LiveApi,
  visitorId: string,
  sites: Sites,
  limits: AnalyticsLimits,
  signal: AbortSignal | undefined,
): Promise<AnalyticsVisitorRecord['firstLogins']> {
  const found: LoginVisit[] = [];
  while (found.length < limits.loginIdsPerDevice) {
    const conditions: Condition[] = [visitorIdCondition(visitorId), { name: 'userId', operator: '!=', value: '' }];
    for (const login of found) conditions.push({ name: 'userId', operator: '!=', value: login.userId! });
    const [first] = await api.lastVisits(andOf(conditions), { limit: 1, offset: 0 }, LOGIN_SHAPE, { filter_sort_order: 'asc' }, signal);
    if (first === undefined) break;
    if (first.userId === null || found.some((login) => login.userId === first.userId)) {
      throw api.badResponse('a first-login read answered a visit its segment excludes');
    }
    found.push(first);
  }
  return firstLoginsOf(found, sites);
}

// ---------------------------------------------------------------------------------------------
// Journey reads: the visits of a few devices in journey order, a page at a time.

const DAY_MS = 86_400_000;

/**
 * The first day of any date range. Matomo refuses dates before 1991-08-06 (core/Date.php
 * FIRST_WEBSITE_TIMESTAMP); no Matomo holds visits this old, so an earlier bound is this day.
 */
const EARLIEST_DAY = '1992-01-01';

/** The read's newest instant: `until`, or `from` when it comes first (ms), if any. */
function upperBound(window: VisitWindow): number | undefined {
  const bounds = [window.until, window.from?.at].filter((b): b is number => b !== undefined);
  return bounds.length === 0 ? undefined : Math.min(...bounds);
}

/** The later of two days, `YYYY-MM-DD` (years 1000 to 9999; any other text counts as earlier). */
function latestDay(a: string, b: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(b) && b > a ? b : a;
}

/** `YYYY-MM-DD` of an instant in UTC. */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The time parameters of a journey read. `since` is exact with `minTimestamp` (Matomo: last
 * action `>` it, in Unix seconds). The upper bound can only be a day: `period=range&date=a,b`
 * keeps the visits whose last action falls from the start of day a to the end of day b, in the
 * site's time zone for one site and in Matomo's default time zone for several
 * (plugins/Live/Model.php, getStartAndEndDate); neither is known here, so the range reaches a
 * day beyond the bounds' UTC days, which holds them in every zone (UTC-12 to UTC+14), and the
 * exact bounds are applied to the rows. A range that would reach today is not sent: Matomo
 * drops the end of a range that ends today, and refuses none of the newest visits anyway.
 */
export function historyParams(window: VisitWindow, nowMs: number): Record<string, string> {
  const params: Record<string, string> = {};
  if (window.since !== undefined) {
    const after = Math.ceil(window.since / 1000) - 1;
    if (after > 0) params.minTimestamp = String(after);
  }
  const upper = upperBound(window);
  if (upper !== undefined && upper + 2 * DAY_MS < nowMs) {
    // Days as YYYY-MM-DD compare as text; an earlier one (or a year before 1000) is EARLIEST_DAY.
    const start = latestDay(EARLIEST_DAY, window.since === undefined ? EARLIEST_DAY : utcDay(window.since - DAY_MS));
    params.period = 'range';
    params.date = `${start},${latestDay(start, utcDay(upper + DAY_MS))}`;
  }
  return params;
}

/** Whether a visit is inside the window: within since..until, at or after `from` (journey order). */
function inWindow(visit: MatomoVisit, window: VisitWindow): boolean {
  const at = visit.lastActionTimestamp * 1000;
  if (window.since !== undefined && at < window.since) return false;
  if (window.until !== undefined && at > window.until) return false;
  return isAtOrAfter({ at, id: visit.idVisit }, window.from);
}

function pointOf(visit: MatomoVisit): JourneyPoint {
  return { at: visit.lastActionTimestamp * 1000, id: visit.idVisit };
}

type HistoryItem = VisitRecord & { recordId: string };

/**
 * One segment's part of a journey read: one call asking for `limit + margin` visits, more
 * (`filter_offset`) only when the rows after the upper bound or ties left fewer than `limit`.
 * Matomo lists visits by last action time, newest first, ties by idVisit descending: a time
 * is complete only once an older one was read (or the visits ended), so only the visits newer
 * than the last row read are returned, sorted in journey order (ties by idVisit ascending).
 */
async function readHistory(
  api: LiveApi,
  visitorIds: readonly string[],
  idSites: readonly number[],
  window: VisitWindow,
  options: { sites: Sites; margin: number; now: number },
  signal: AbortSignal | undefined,
): Promise<JourneyRead<VisitRecord>> {
  const conditions = [segmentOf(visitorIds.map(visitorIdCondition))];
  if (window.campaign === 'only') conditions.push(segmentOf([CAMPAIGN]));
  if (window.campaign === 'exclude') conditions.push(segmentOf([Object.assign({}, CAMPAIGN, { operator: '!=' as const })]));
  const segment = conditions.join(';');
  // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
  // spread gets a hidden class of its own each time (docs/hidden-classes.md).
  const params = Object.assign(historyParams(window, options.now), { idSite: idSites.join(',') });
  const seen = new Set<string>();
  const kept: MatomoVisit[] = [];
  const answer = (visits: MatomoVisit[], exhausted: boolean): JourneyRead<VisitRecord> => ({
    items: visits.sort((a, b) => compareJourneyPoints(pointOf(a), pointOf(b))).map((v): HistoryItem => ({ recordId: v.visitorId, ...toVisit(v, options.sites) })),
    exhausted,
  });
  let offset = 0;
  let size = window.limit + options.margin;
  for (let pages = 1; ; pages++) {
    const page = await api.lastVisits(segment, { limit: size, offset }, VISIT_SHAPE, params, signal);
    const fresh = page.filter((visit) => !seen.has(visit.idVisit));
    for (const visit of fresh) {
      seen.add(visit.idVisit);
      if (inWindow(visit, window)) kept.push(visit);
    }
    if (page.length < size) return answer(kept, true);
    if (fresh.length === 0 || pages === MAX_PAGES) throw api.pagingFailed(pages, fresh.length === 0);
    // A loop, not Math.min(...page): a silo's page may hold more items than a call takes arguments.
    const oldest = page.reduce((min, visit) => Math.min(min, visit.lastActionTimestamp), Infinity);
    const complete = kept.filter((visit) => visit.lastActionTimestamp > oldest);
    if (complete.length >= window.limit) return answer(complete, false);
    offset += page.length;
    size = window.limit - complete.length + options.margin;
  }
}

/**
 * Reads of several segments (more visitors than one segment holds) as one: every item up to the
 * first (in journey order) last item of a read that is not exhausted, beyond which that read may
 * hold items not yet read. That read gave at least `limit` items before it, so the answer too.
 */
function mergeHistories(reads: ReadonlyArray<JourneyRead<VisitRecord>>): JourneyRead<VisitRecord> {
  if (reads.length === 1) return reads[0]!;
  const items = reads.flatMap((read) => read.items).sort((a, b) => compareJourneyPoints(itemPoint(a), itemPoint(b)));
  const ends = reads.filter((read) => !read.exhausted).map((read) => itemPoint(read.items[read.items.length - 1]!));
  if (ends.length === 0) return { items, exhausted: true };
  const end = ends.sort(compareJourneyPoints)[0]!;
  return { items: items.filter((item) => compareJourneyPoints(itemPoint(item), end) <= 0), exhausted: false };
}

function itemPoint(item: VisitRecord): JourneyPoint {
  return { at: Date.parse(item.endedAt), id: item.id };
}

// ---------------------------------------------------------------------------------------------
// The Matomo calls.

/** How one kind of call asks for visits and reads the answer. */
interface RowShape<T> {
  /** Extra parameters of Live.getLastVisitsDetails. */
  params: Record<string, string>;
  /** Checks the answer against its documented shape (mapping.ts) and normalizes its rows. */
  read(body: unknown, complain: ComplainAboutBody): T[];
}

class LiveApi {
  constructor(
    private readonly http: SiloHttp,
    /** The website's and the app's sites: Matomo 4.? and later read a list (`idSite=1,2`) in one call. */
    private readonly idSites: readonly number[],
    private readonly tokenAuth: string,
  ) {}

  /**
   * One page of the visits in `segment`, newest first (Matomo's order by last action time),
   * on every site unless `extra.idSite` says which; `extra` adds or overrides parameters.
   * `signal`: the gateway request's stop, after which the call is not sent (silo-http.ts).
   */
  async lastVisits<T>(
    segment: string,
    page: { limit: number; offset: number },
    shape: RowShape<T>,
    extra: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<T[]> {
    const operation = METHODS.lastVisits;
    const body = await this.call(operation, {
      idSite: this.idSites.join(','),
      segment,
      filter_limit: String(page.limit),
      filter_offset: String(page.offset),
      ...shape.params,
      ...extra,
    }, signal);
    return shape.read(body, (problem) => this.badResponse(problem));
  }

  badResponse(problem: string): SourceError {
    return this.http.badResponse(METHODS.lastVisits, problem);
  }

  /** The cheapest call that needs a valid token: the version of Matomo. */
  async version(): Promise<string> {
    const operation = METHODS.version;
    const body = await this.call(operation, {});
    return readBody(versionAnswer, body, (problem) => this.http.badResponse(operation, problem)).value;
  }

  pagingFailed(pages: number, repeated: boolean): SourceError {
    const problem = repeated
      ? `page ${pages} held only visits already read: filter_offset was ignored`
      : `the visits did not end after ${pages} pages`;
    return this.http.badResponse(METHODS.lastVisits, problem);
  }

  /**
   * One API call. Everything but the method goes in the POST body: Matomo reads GET and POST
   * parameters alike, and a body keeps the token (and the customers' ids) out of URLs and the
   * access logs on the way; Matomo 5's tokens even refuse to work in a URL by default.
   */
  private async call(method: string, params: Record<string, string>, signal?: AbortSignal): Promise<unknown> {
    const res = await this.http.request({
      operation: method,
      method: 'POST',
      path: API_PATH,
      query: { module: 'API', method, format: 'JSON' },
      form: Object.assign({}, params, { token_auth: this.tokenAuth }),
      // Since 5.7 Matomo answers a request it cannot serve with 400 and its error body; before,
      // with 200 and the same body. Either way the body says what went wrong.
      acceptStatus: [400],
      signal,
    });
    const error = matomoErrorAnswer.safeParse(res.body);
    if (error.success) throw this.failure(method, res.status, error.data.message);
    if (res.status !== 200) throw this.http.badResponse(method, `HTTP ${res.status} without Matomo's error body`);
    return res.body;
  }

  /** The gateway's error for Matomo's `{"result":"error"}`; its message is not repeated (it may echo a segment). */
  private failure(operation: string, status: number, message: string): SourceError {
    const kind = classifyMatomoError(message);
    const detail = { operation, status, matomoError: kind };
    const unavailable = (why: string) =>
      new SourceError('SOURCE_UNAVAILABLE', this.http.source, `The ${this.http.label} (${this.http.source}) is unavailable: ${why}.`, detail);
    switch (kind) {
      case 'credentials':
        return unavailable("it refused the gateway's credentials (token_auth unknown, expired, or without view access to the site)");
      case 'visits-log-disabled':
        return unavailable('its visits log, which the Live API reads, is deactivated for the site');
      case 'other':
        return new SourceError(
          'SOURCE_BAD_RESPONSE',
          this.http.source,
          `The ${this.http.label} (${this.http.source}) answered the gateway's request with an error.`,
          detail,
        );
      default:
        return assertNever(kind, 'Matomo error kind');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The two ways of asking for visits.

/** Lookups ask Matomo for three columns and no actions: a tenth of the bytes, and no action queries. */
const KEY_SHAPE: RowShape<VisitKey> = {
  params: { doNotFetchActions: '1', showColumns: 'idVisit,visitorId,userId' },
  read: (body, complain) => readBody(visitKeysAnswer, body, complain).map(toVisitKey),
};

/** First-login reads: whose, on which site and when, no actions. */
const LOGIN_SHAPE: RowShape<LoginVisit> = {
  params: { doNotFetchActions: '1', showColumns: 'idVisit,visitorId,userId,idSite,lastActionTimestamp' },
  read: (body, complain) => readBody(loginsAnswer, body, complain).map(toLoginVisit),
};

const VISIT_SHAPE: RowShape<MatomoVisit> = {
  params: {},
  read: (body, complain) => readBody(visitsAnswer, body, complain).map(toMatomoVisit),
};

