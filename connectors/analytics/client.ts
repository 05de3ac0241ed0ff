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
import { SiloHttp, probeHealth } from '../shared/silo-http.js';
import type { AnalyticsVisitorRecord, Connector, Identifier, IdentifierType, SiloEndpoint, SiloHealth } from '../types.js';
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
  groupByVisitor,
  matomoErrorAnswer,
  toFoundRecords,
  toMatomoVisit,
  toRecord,
  toVisitKey,
  versionAnswer,
  visitKeysAnswer,
  visitsAnswer,
  type MatomoVisit,
  type VisitKey,
} from './mapping.js';

export { MAX_VISITS_PER_VISITOR };
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
    return shape.read(body, (problem) => this.http.badResponse(operation, problem));
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

const VISIT_SHAPE: RowShape<MatomoVisit> = {
  params: {},
  read: (body, complain) => readBody(visitsAnswer, body, complain).map(toMatomoVisit),
};

