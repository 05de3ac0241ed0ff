/**
 * The analytics connector: Matomo's Live API (the visits log), read-only. Visitors are found by
 * their visitorId or by the login userId the site sends (the shop's customer id), and fetched
 * with their visits, through OR-ed segments on `Live.getLastVisitsDetails`; see README.md for
 * the calls, the mapping and the limits.
 */
import type { Dispatcher } from 'undici';
import { SourceError } from '../../src/errors.js';
import type { Visit } from '../../src/generated/graphql.js';
import { chunk, isObject, isPresent, unique } from '../shared/collections.js';
import { SiloHttp, probeHealth } from '../shared/silo-http.js';
import type {
  AnalyticsVisitorRecord,
  Connector,
  FoundRecord,
  Identifier,
  IdentifierType,
  SiloEndpoint,
  SiloHealth,
} from '../types.js';
import {
  API_PATH,
  METHODS,
  VISITOR_ID,
  classifyMatomoError,
  encodeSegmentValue,
  isMatomoError,
  satisfies,
  type SegmentCondition as Condition,
} from './matomo.js';
import { assertNever } from '../shared/exhaustive.js';

export type AnalyticsConfig = SiloEndpoint & {
  /** The Matomo site (`idSite`) whose visits are read. */
  siteId: number;
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
}

export const DEFAULT_LIMITS: AnalyticsLimits = { visitsPerPage: 500, conditionsPerCall: 100 };

/** The most visits a record carries: the schema's maximum for `AnalyticsVisitor.visits(limit)`. */
export const MAX_VISITS_PER_VISITOR = 100;

/** A paging loop that reaches this many pages is not going to end: the answer cannot be trusted. */
const MAX_PAGES = 200;

export type AnalyticsConnector = Connector<AnalyticsVisitorRecord>;

const LOOKUP_TYPES = ['analytics', 'commerce'] as const satisfies readonly IdentifierType[];

export function createAnalyticsConnector(config: AnalyticsConfig, deps: { dispatcher?: Dispatcher } = {}): AnalyticsConnector {
  const http = new SiloHttp({ ...config, source: 'analytics', label: 'analytics tool', dispatcher: deps.dispatcher });
  const api = new LiveApi(http, config.siteId, config.tokenAuth);
  const limits: AnalyticsLimits = { ...DEFAULT_LIMITS, ...config.limits };

  /** Reads every chunk of conditions at once; each chunk is one segment, paged on its own. */
  const readChunks = <T extends VisitKey>(conditions: Condition[], shape: RowShape<T>, keepPerVisitor?: number) =>
    Promise.all(chunk(conditions, limits.conditionsPerCall).map((c) => readVisits(api, c, shape, limits.visitsPerPage, keepPerVisitor)));

  return {
    source: 'analytics',
    lookupTypes: LOOKUP_TYPES,

    async lookup(identifiers) {
      const conditions = uniqueConditions(identifiers.flatMap(toCondition));
      const reads = await readChunks(conditions, KEY_SHAPE);
      const visits = reads.flatMap((read) => read.visits);
      // A segment on userId returns only the visits sent with that userId: a device found so
      // would carry only part of its logins, and what the gateway links would depend on which
      // identifier found it. Its whole visit log is read by visitorId, so that a device carries
      // every userId, whatever found it.
      const asked = new Set(conditions.filter((c) => c.name === 'visitorId').map((c) => c.value));
      const partial = unique(visits.map((visit) => visit.visitorId).filter((visitorId) => !asked.has(visitorId)));
      const rest = await readChunks(partial.map(visitorIdCondition), KEY_SHAPE);
      return toFoundRecords([...visits, ...rest.flatMap((read) => read.visits)]);
    },

    async fetchRecords(ids) {
      const wanted = unique(ids.map(toVisitorId).filter(isPresent));
      const reads = await readChunks(wanted.map(visitorIdCondition), VISIT_SHAPE, MAX_VISITS_PER_VISITOR);
      const records = new Map<string, AnalyticsVisitorRecord>();
      for (const { visits, cut } of reads) {
        for (const [visitorId, own] of groupByVisitor(visits)) records.set(visitorId, toRecord(own, cut.has(visitorId)));
      }
      return ids.map((id) => records.get(toVisitorId(id) ?? '') ?? null);
    },

    health: (): Promise<SiloHealth> => probeHealth(() => api.version()),

    close: () => http.close(),
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
  return conditions.map((c) => `${c.name}${c.operator}${encodeSegmentValue(c.value)}`).join(',');
}

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
  keepPerVisitor?: number,
): Promise<VisitsRead<T>> {
  const read = new Map<string, T>();
  const perVisitor = new Map<string, number>();
  const cut = new Set<string>();
  let pending = conditions;
  let offset = 0;
  for (let pages = 1; pending.length > 0; pages++) {
    const page = await api.lastVisits(segmentOf(pending), { limit, offset }, shape);
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
// The Matomo calls.

/** How one kind of call asks for visits and reads each row of the answer. */
interface RowShape<T> {
  /** Extra parameters of Live.getLastVisitsDetails. */
  params: Record<string, string>;
  /** The row as the connector uses it; throws {@link Malformed} when a field lacks its documented type. */
  parse(row: unknown): T;
}

/** A row of an answer that does not have the documented shape; becomes SOURCE_BAD_RESPONSE. */
class Malformed extends Error {}

class LiveApi {
  constructor(
    private readonly http: SiloHttp,
    private readonly siteId: number,
    private readonly tokenAuth: string,
  ) {}

  /** One page of the visits in `segment`, newest first (Matomo's order by last action time). */
  async lastVisits<T>(segment: string, page: { limit: number; offset: number }, shape: RowShape<T>): Promise<T[]> {
    const operation = METHODS.lastVisits;
    const body = await this.call(operation, {
      idSite: String(this.siteId),
      segment,
      filter_limit: String(page.limit),
      filter_offset: String(page.offset),
      ...shape.params,
    });
    if (!Array.isArray(body)) throw this.http.badResponse(operation, 'the body is not a JSON array of visits');
    return body.map((row, index) => {
      try {
        return shape.parse(row);
      } catch (error) {
        if (error instanceof Malformed) throw this.http.badResponse(operation, `visit [${index}]: ${error.message}`);
        throw error;
      }
    });
  }

  /** The cheapest call that needs a valid token: the version of Matomo. */
  async version(): Promise<string> {
    const operation = METHODS.version;
    const body = await this.call(operation, {});
    const value = isObject(body) ? body.value : undefined;
    if (typeof value !== 'string') throw this.http.badResponse(operation, 'value is not a version string');
    return value;
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
  private async call(method: string, params: Record<string, string>): Promise<unknown> {
    const res = await this.http.request({
      operation: method,
      method: 'POST',
      path: API_PATH,
      query: { module: 'API', method, format: 'JSON' },
      form: { ...params, token_auth: this.tokenAuth },
      // Since 5.7 Matomo answers a request it cannot serve with 400 and its error body; before,
      // with 200 and the same body. Either way the body says what went wrong.
      acceptStatus: [400],
    });
    if (isMatomoError(res.body)) throw this.failure(method, res.status, res.body.message);
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
// The rows Matomo sends, validated.

/** What says whose a visit is: all a lookup needs. */
interface VisitKey {
  idVisit: string;
  visitorId: string;
  userId: string | null;
}

interface MatomoVisit extends VisitKey {
  firstActionTimestamp: number;
  lastActionTimestamp: number;
  visitDuration: number;
  deviceType: string | null;
  operatingSystem: string | null;
  browserName: string | null;
  referrerType: string | null;
  referrerName: string | null;
  /** Matomo's count of the visitor's visits up to this one (`visitor_count_visits`). */
  visitCount: number | null;
  /** Seconds from the visitor's first visit to this one. */
  secondsSinceFirstVisit: number | null;
  actions: MatomoAction[];
}

interface MatomoAction {
  type: string;
  url: string | null;
  pageTitle: string | null;
  timestamp: number | null;
  productViewSku: string | null;
  productViewName: string | null;
  productViewCategory: string | null;
}

/** Lookups ask Matomo for three columns and no actions: a tenth of the bytes, and no action queries. */
const KEY_SHAPE: RowShape<VisitKey> = {
  params: { doNotFetchActions: '1', showColumns: 'idVisit,visitorId,userId' },
  parse: parseVisitKey,
};

const VISIT_SHAPE: RowShape<MatomoVisit> = { params: {}, parse: parseVisit };

function parseVisitKey(row: unknown): VisitKey {
  if (!isObject(row)) throw new Malformed('is not an object');
  const idVisit = integerOf(row.idVisit);
  if (idVisit === null) throw new Malformed('idVisit is not an integer');
  const visitorId = typeof row.visitorId === 'string' ? row.visitorId.toLowerCase() : '';
  if (!VISITOR_ID.test(visitorId)) throw new Malformed('visitorId is not 16 hexadecimal characters');
  return { idVisit: String(idVisit), visitorId, userId: idText(row.userId) };
}

function parseVisit(row: unknown): MatomoVisit {
  const key = parseVisitKey(row);
  const r = row as Record<string, unknown>;
  return {
    ...key,
    firstActionTimestamp: requiredInteger(r, 'firstActionTimestamp'),
    lastActionTimestamp: requiredInteger(r, 'lastActionTimestamp'),
    visitDuration: integerOf(r.visitDuration) ?? 0,
    deviceType: textOf(r.deviceType)?.toLowerCase() ?? null,
    operatingSystem: textOf(r.operatingSystem),
    browserName: textOf(r.browserName),
    referrerType: textOf(r.referrerType),
    referrerName: textOf(r.referrerName),
    visitCount: integerOf(r.visitCount),
    secondsSinceFirstVisit: integerOf(r.secondsSinceFirstVisit),
    actions: parseActions(r.actionDetails),
  };
}

function parseActions(value: unknown): MatomoAction[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Malformed('actionDetails is not an array');
  return value.map((action, index) => {
    if (!isObject(action) || typeof action.type !== 'string') throw new Malformed(`actionDetails[${index}] has no type`);
    return {
      type: action.type,
      url: textOf(action.url),
      pageTitle: textOf(action.pageTitle),
      timestamp: integerOf(action.timestamp),
      productViewSku: textOf(action.productViewSku),
      productViewName: textOf(action.productViewName),
      productViewCategory: categoryOf(action),
    };
  });
}

/** Matomo 4 and 5 send a product's categories as `productViewCategories`; older ones as `productViewCategory`. */
function categoryOf(action: Record<string, unknown>): string | null {
  const categories = action.productViewCategories;
  if (Array.isArray(categories)) return textOf(categories[0]);
  return textOf(action.productViewCategory);
}

function requiredInteger(row: Record<string, unknown>, field: string): number {
  const value = integerOf(row[field]);
  if (value === null) throw new Malformed(`${field} is not an integer`);
  return value;
}

/** Matomo sends many integers as strings (they come from MySQL that way): both are read. */
function integerOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** A userId: a string, though a number would be read as one (a shop id tracked without quotes). */
function idText(value: unknown): string | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : textOf(value);
}

// ---------------------------------------------------------------------------------------------
// Mapping to the gateway's types (README lists every field).

/** The visits of one visitor, newest first; at least one. */
function toRecord(visits: MatomoVisit[], cut: boolean): AnalyticsVisitorRecord {
  const newestFirst = [...visits].sort(byNewest);
  const newest = newestFirst[0]!;
  const oldest = newestFirst[newestFirst.length - 1]!;
  return {
    id: newest.visitorId,
    userId: newestFirst.find((visit) => visit.userId !== null)?.userId ?? null,
    // A visitor read only in part: Matomo's own counters still say how many visits and since when.
    firstVisitAt: cut ? firstVisitByCounters(newest) : isoTime(oldest.firstActionTimestamp),
    lastVisitAt: isoTime(newest.lastActionTimestamp),
    visitCount: cut ? Math.max(visits.length, newest.visitCount ?? 0) : visits.length,
    visits: newestFirst.slice(0, MAX_VISITS_PER_VISITOR).map(toVisit),
  };
}

function firstVisitByCounters(visit: MatomoVisit): string | null {
  return visit.secondsSinceFirstVisit === null ? null : isoTime(visit.firstActionTimestamp - visit.secondsSinceFirstVisit);
}

function toVisit(visit: MatomoVisit): Visit {
  // A page view without a time cannot be placed in the journey: it is left out.
  const views = visit.actions.filter((action): action is MatomoAction & { timestamp: number } => action.type === 'action' && action.timestamp !== null);
  return {
    id: visit.idVisit,
    startedAt: isoTime(visit.firstActionTimestamp),
    durationSeconds: visit.visitDuration,
    channel: visit.referrerType,
    referrer: visit.referrerName,
    deviceType: visit.deviceType,
    operatingSystem: visit.operatingSystem,
    browser: visit.browserName,
    userId: visit.userId,
    pages: views.flatMap((a) => (a.url === null ? [] : [{ url: a.url, title: a.pageTitle, viewedAt: isoTime(a.timestamp) }])),
    productViews: views.flatMap((a) =>
      a.productViewSku === null
        ? []
        : [{ sku: a.productViewSku, name: a.productViewName, category: a.productViewCategory, viewedAt: isoTime(a.timestamp) }],
    ),
  };
}

/**
 * One record per visitor, carrying its id and every userId its visits were sent with, and how
 * many visits each userId was sent with (a family tablet's logins decide whose it is).
 */
function toFoundRecords(visits: VisitKey[]): FoundRecord[] {
  // Newest visit first, however the visits were read: a record reads the same whatever found it.
  const byId = new Map(visits.map((visit) => [visit.idVisit, visit]));
  const newestFirst = [...byId.values()].sort((a, b) => Number(b.idVisit) - Number(a.idVisit));
  return [...groupByVisitor(newestFirst)].map(([visitorId, own]) => {
    const loginVisits = new Map<string, number>();
    for (const { userId } of own) if (userId !== null) loginVisits.set(userId, (loginVisits.get(userId) ?? 0) + 1);
    return {
      source: 'analytics',
      id: visitorId,
      identifiers: [
        { type: 'analytics', value: visitorId },
        ...[...loginVisits.keys()].map((value): Identifier => ({ type: 'commerce', value })),
      ],
      loginVisits,
    };
  });
}

/** Matomo's order: latest last action first; the later visit id first on a tie. */
function byNewest(a: MatomoVisit, b: MatomoVisit): number {
  return b.lastActionTimestamp - a.lastActionTimestamp || Number(b.idVisit) - Number(a.idVisit);
}

function groupByVisitor<T extends VisitKey>(visits: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const visit of visits) {
    const group = groups.get(visit.visitorId);
    if (group) group.push(visit);
    else groups.set(visit.visitorId, [visit]);
  }
  return groups;
}

/** Matomo's timestamps are Unix seconds. */
function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
