/**
 * A Matomo Reporting API simulator: `index.php?module=API` with `Live.getLastVisitsDetails` and
 * `API.getMatomoVersion`, serving `population.analytics`: the website's site and, when the
 * population has one, the app's (`idSite=1,2` reads both). It reads parameters from the query
 * string and the form body as Matomo does, checks `token_auth` like a Matomo 5 "secure only"
 * token, filters visits with the segment subset the connector uses (`visitorId==`, `userId==`,
 * `userId=@`, `userId!=`, `referrerType==`/`!=`, `,` for OR, `;` for AND), by last action time
 * with `period=range&date=` (days in `timeZone`) and `minTimestamp` (strictly after), pages with
 * `filter_limit` / `filter_offset`, newest first (or oldest with `filter_sort_order=asc`), and
 * answers errors with Matomo's body and messages. Segments are answered from indexes built once,
 * so a population of hundreds of thousands of visits answers as fast as a small one.
 */
import type { MatomoAction, MatomoVisit, Population } from '../population.js';
import { Simulator, type SimRequest, type SimResponse, type SimRoute } from '../shared/simulator.js';
import { assertNever } from '../shared/exhaustive.js';
import { sameSecret } from '../shared/secrets.js';
import { zoneOffsetAt } from '../shared/time.js';
import {
  API_PATH,
  MESSAGES,
  METHODS,
  VISITOR_ID,
  matomoError,
  satisfies,
  type SegmentCondition as Condition,
  type SegmentName,
} from './matomo.js';

export interface AnalyticsSimulatorOptions {
  population: Population;
  /** The one `token_auth` the simulator accepts. */
  tokenAuth: string;
  /**
   * How errors are answered. `status-codes` (the default) is Matomo 5.7 and later: 401 for a
   * token it does not accept (since 5.0), 400 for a request it cannot serve. `http-200` is
   * Matomo 4 and early 5: HTTP 200 whatever the error. The body is Matomo's error body either way.
   */
  errorStatuses?: 'status-codes' | 'http-200';
  /**
   * Whether the token also works in a URL (GET). Matomo 5 creates tokens restricted to POST
   * ("Only allow secure requests") by default, and so does the simulator.
   */
  tokenInUrl?: boolean;
  /**
   * The time zone of a date range's days (IANA name): Matomo reads them in the site's zone for
   * one site and in its default zone for several (plugins/Live/Model.php); here one zone for both.
   * `UTC` by default.
   */
  timeZone?: string;
  /** The clock (ms since the epoch) that says which day is today; `Date.now` by default. */
  now?: () => number;
}

/** What the simulator says it is; anything from 5.0 behaves alike for the calls used. */
export const SIMULATED_VERSION = '5.3.2';

export function createAnalyticsSimulator(options: AnalyticsSimulatorOptions): Simulator {
  const { siteId, appSiteId } = options.population.analytics;
  const store = new VisitStore(options.population.analytics.visits, siteId);
  const served: Served = {
    sites: new Set([siteId, ...(appSiteId === undefined ? [] : [appSiteId])]),
    timeZone: options.timeZone ?? 'UTC',
    now: options.now ?? Date.now,
  };
  const statuses = options.errorStatuses ?? 'status-codes';
  const handle = (req: SimRequest): SimResponse => {
    const params = paramsOf(req);
    try {
      return { status: 200, body: callMethod(store, served, params) };
    } catch (error) {
      if (error instanceof MatomoFailure) return errorAnswer(statuses, error);
      throw error;
    }
  };
  return new Simulator({
    source: 'analytics',
    routes: [route('GET', handle), route('POST', handle)],
    authenticate: (req) => {
      const failure = authenticationFailure(paramsOf(req), options);
      return failure ? errorAnswer(statuses, failure) : null;
    },
    errorBody: (status) => matomoError(status === 429 ? 'Too Many Requests' : `Simulated HTTP ${status} error.`),
    notFound: (req) => ({ status: 404, body: matomoError(`No such path ${req.pathname}: the Reporting API answers at ${API_PATH}.`) }),
  });
}

/** Matomo answers at `/index.php` and at `/`. */
function route(method: SimRoute['method'], handle: (req: SimRequest) => SimResponse): SimRoute {
  return { name: `index.php ${method}`, method, pattern: /^\/(index\.php)?$/, handle };
}

// ---------------------------------------------------------------------------------------------
// Requests and errors.

/** The request's parameters as Matomo reads them: `$_GET + $_POST`, so GET wins a clash. */
interface Params {
  get(name: string): string | undefined;
  /** Where the token came from, which changes Matomo's message when it is refused. */
  tokenFrom: 'query' | 'body' | 'header' | 'none';
}

const paramsCache = new WeakMap<SimRequest, Params>();

function paramsOf(req: SimRequest): Params {
  const cached = paramsCache.get(req);
  if (cached) return cached;
  const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  const body = new URLSearchParams(req.method === 'POST' && isForm ? req.body : '');
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const get = (name: string) => req.query.get(name) ?? body.get(name) ?? (name === 'token_auth' ? bearer : undefined);
  const tokenFrom = req.query.has('token_auth') ? 'query' : body.has('token_auth') ? 'body' : bearer ? 'header' : 'none';
  const params: Params = { get, tokenFrom };
  paramsCache.set(req, params);
  return params;
}

/** An error Matomo reports in its body; `kind` picks the status in `status-codes` mode. */
class MatomoFailure extends Error {
  constructor(
    readonly kind: 'auth' | 'request',
    message: string,
  ) {
    super(message);
  }
}

type ErrorStatuses = NonNullable<AnalyticsSimulatorOptions['errorStatuses']>;

function errorAnswer(statuses: ErrorStatuses, failure: MatomoFailure): SimResponse {
  const status = statuses === 'http-200' ? 200 : failure.kind === 'auth' ? 401 : 400;
  return { status, body: matomoError(failure.message) };
}

function authenticationFailure(params: Params, options: AnalyticsSimulatorOptions): MatomoFailure | null {
  const inUrl = params.tokenFrom === 'query';
  if (sameSecret(params.get('token_auth') ?? '', options.tokenAuth) && (!inUrl || options.tokenInUrl)) return null;
  if (params.tokenFrom === 'none') {
    // Anonymous: Matomo checks the site access, which the anonymous user does not have.
    return new MatomoFailure('auth', MESSAGES.noViewAccess(params.get('idSite') ?? ''));
  }
  return new MatomoFailure('auth', inUrl ? MESSAGES.tokenRejectedInUrl : MESSAGES.tokenRejected);
}

/** What the simulator serves beyond the visits: its sites, the zone of date ranges, its clock. */
interface Served {
  sites: ReadonlySet<number>;
  timeZone: string;
  now: () => number;
}

function callMethod(store: VisitStore, served: Served, params: Params): unknown {
  if (params.get('module') !== 'API') throw new MatomoFailure('request', 'This simulator serves only the Reporting API (module=API).');
  const format = params.get('format') ?? 'xml';
  if (format.toLowerCase() !== 'json') throw new MatomoFailure('request', `This simulator answers only format=JSON, not ${format}.`);
  const method = params.get('method');
  if (!method) throw new MatomoFailure('request', MESSAGES.missingParameter('method'));
  switch (method) {
    case METHODS.version:
      return { value: SIMULATED_VERSION };
    case METHODS.lastVisits:
      return lastVisitsDetails(store, served, params);
    default: {
      const [module = '', name = ''] = method.split('.');
      throw new MatomoFailure('request', MESSAGES.unknownMethod(module, name));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Live.getLastVisitsDetails.

function lastVisitsDetails(store: VisitStore, served: Served, params: Params): unknown[] {
  const idSite = params.get('idSite');
  if (!idSite) throw new MatomoFailure('request', MESSAGES.missingParameter('idSite'));
  // Matomo 4+ reads a list of sites (Site::getIdSitesFromIdSitesString); each needs view access.
  const sites = new Set<number>();
  for (const id of idSite.split(',').map((part) => part.trim())) {
    if (!/^\d+$/.test(id) || !served.sites.has(Number(id))) throw new MatomoFailure('auth', MESSAGES.noViewAccess(id));
    sites.add(Number(id));
  }
  const window = timeWindow(params, served);
  const selected = store.select(parseSegment(params.get('segment') ?? ''), (visit) => sites.has(visit.idSite ?? store.siteId) && window(visit));
  // Matomo orders by last action time, then idVisit, descending unless filter_sort_order=asc.
  const positions = (params.get('filter_sort_order') ?? '').toLowerCase() === 'asc' ? selected.reverse() : selected;
  // Matomo's defaults: 10 visits from the newest; -1 means all of them.
  const limit = integerParam(params, 'filter_limit', 10);
  const offset = Math.max(0, integerParam(params, 'filter_offset', 0));
  const page = positions.slice(offset, limit < 0 ? undefined : offset + limit);
  const withActions = !isTrue(params.get('doNotFetchActions'));
  const columns = params.get('showColumns')?.split(',').filter(Boolean);
  return page.map((position) => pick(store.render(position, withActions), columns));
}

/**
 * The visits a request's `period`/`date` and `minTimestamp` keep, by last action time as Matomo
 * filters them (plugins/Live/Model.php): a range `date=a,b` from the start of day a to the start
 * of the day after b, both included, in the zone's days, without an end when b is today (and
 * never beyond now); `minTimestamp` strictly after it (Unix seconds). Only `period=range` with
 * two `YYYY-MM-DD` dates is served.
 */
function timeWindow(params: Params, served: Served): (visit: MatomoVisit) => boolean {
  const period = params.get('period');
  const date = params.get('date');
  const minTimestamp = integerParam(params, 'minTimestamp', 0);
  let start = -Infinity;
  let end = Infinity;
  if (period && date) {
    if (period !== 'range') throw new MatomoFailure('request', `This simulator supports only period=range, not period=${period}.`);
    const match = /^(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})$/.exec(date);
    if (!match) throw new MatomoFailure('request', `The date '${date}' is not a correct date range: this simulator reads YYYY-MM-DD,YYYY-MM-DD.`);
    const now = served.now();
    start = Math.min(startOfDay(match[1]!, served.timeZone), now);
    const today = dayIn(now, served.timeZone);
    if (match[2] !== today) end = Math.min(startOfDay(nextDay(match[2]!), served.timeZone), now + 1000);
  }
  return (visit) => {
    const at = visit.lastActionTimestamp * 1000;
    return at >= start && at <= end && (minTimestamp <= 0 || visit.lastActionTimestamp > minTimestamp);
  };
}

/** The instant (ms) a day (`YYYY-MM-DD`) begins on the wall clocks of `timeZone`. */
function startOfDay(day: string, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

const offsetAt = zoneOffsetAt;

/** The day (`YYYY-MM-DD`) of an instant on the wall clocks of `timeZone`. */
function dayIn(ms: number, timeZone: string): string {
  return new Date(ms + offsetAt(ms, timeZone)).toISOString().slice(0, 10);
}


/** Like PHP's `(int)`: what is not a number is the default. */
function integerParam(params: Params, name: string, fallback: number): number {
  const value = Number.parseInt(params.get(name) ?? '', 10);
  return Number.isNaN(value) ? fallback : value;
}

function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

/** `showColumns`: only those columns of each row, as Matomo's ColumnDelete filter does. */
function pick(row: Record<string, unknown>, columns: string[] | undefined): Record<string, unknown> {
  if (!columns || columns.length === 0) return row;
  return Object.fromEntries(columns.filter((column) => column in row).map((column) => [column, row[column]]));
}

// ---------------------------------------------------------------------------------------------
// Segments: the subset the connector sends, parsed as Matomo parses it.

/** An AND (`;`) of ORs (`,`): `a,b;c` is (a OR b) AND c, as in Matomo. */
type Segment = Condition[][];

const SUPPORTED = new Set<string>(['visitorId', 'userId', 'referrerType']);

/**
 * Matomo URL-decodes the segment as a whole, splits it, then decodes each value. A value holding
 * `,` or `;` must therefore reach it encoded twice (the connector does so).
 */
function parseSegment(raw: string): Segment {
  if (raw.trim() === '') return [];
  const decoded = decodeOrFail(raw, raw);
  return decoded.split(';').map((and) => and.split(',').map(parseCondition));
}

function parseCondition(text: string): Condition {
  const match = /^([A-Za-z][A-Za-z0-9_.]*)(==|!=|<=|>=|=@|!@|=\^|=\$|<|>)(.*)$/.exec(text);
  if (!match) throw new MatomoFailure('request', MESSAGES.invalidCondition(text));
  const [, name = '', operator, encodedValue = ''] = match;
  if (!SUPPORTED.has(name)) throw new MatomoFailure('request', MESSAGES.unsupportedSegment(name));
  if (operator !== '==' && operator !== '!=' && operator !== '=@') {
    throw new MatomoFailure('request', `This simulator supports only the ==, != and =@ operators in segments, not '${text}'.`);
  }
  const value = decodeOrFail(encodedValue, text);
  if (name === 'visitorId' && operator === '==' && !VISITOR_ID.test(value)) throw new MatomoFailure('request', MESSAGES.badVisitorId);
  return { name: name as SegmentName, operator, value };
}

function decodeOrFail(text: string, condition: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MatomoFailure('request', MESSAGES.invalidCondition(condition));
  }
}

// ---------------------------------------------------------------------------------------------
// The visits and their indexes.

/** What Matomo's tracker stores with a visit about the visitor's earlier ones. */
interface Counters {
  /** The visitor's visits up to and including this one. */
  visitCount: number;
  secondsSinceFirstVisit: number;
}

class VisitStore {
  /** Newest first, as Matomo lists them: by last action time, the later visit id first on a tie. */
  private readonly visits: MatomoVisit[];
  /** Per visit, at the same positions. */
  private readonly counters: Counters[];
  private readonly byVisitor = new Map<string, number[]>();
  /** By userId; '' holds the visits without one (`userId==` matches those in Matomo). */
  private readonly byUser = new Map<string, number[]>();
  /** Per index, its keys as one searchable text (see containing), built on the first `=@`. */
  private readonly haystacks: Partial<Record<SegmentName, Haystack>> = {};

  constructor(
    visits: readonly MatomoVisit[],
    /** The website's site: a visit without `idSite` is on it. */
    readonly siteId: number,
  ) {
    this.visits = [...visits].sort((a, b) => b.lastActionTimestamp - a.lastActionTimestamp || b.idVisit - a.idVisit);
    this.visits.forEach((visit, position) => {
      push(this.byVisitor, visit.visitorId, position);
      push(this.byUser, visit.userId ?? '', position);
    });
    this.counters = this.computeCounters();
  }

  /**
   * Positions (newest first) of the visits in the segment that `keep` keeps; an empty segment is
   * every visit. ORs of indexed conditions (`visitorId`, `userId` with `==` or `=@`) narrow by
   * the indexes; the others (`!=`, `referrerType`) are checked on what is left.
   */
  select(segment: Segment, keep: (visit: MatomoVisit) => boolean = () => true): number[] {
    const indexed = segment.filter((or) => or.every(isIndexed));
    const checked = segment.filter((or) => !or.every(isIndexed));
    const sets = indexed.map((or) => new Set(or.flatMap((c) => this.matching(c))));
    const [smallest, ...others] = [...sets].sort((a, b) => a.size - b.size);
    const candidates = smallest === undefined ? this.visits.map((_, position) => position) : [...smallest].filter((p) => others.every((set) => set.has(p)));
    return candidates
      .filter((p) => keep(this.visits[p]!) && checked.every((or) => or.some((c) => satisfies(c, fieldOf(this.visits[p]!, c.name)))))
      .sort((a, b) => a - b);
  }

  /** The visit as Live.getLastVisitsDetails shows it (the fields the connector reads, and a few more). */
  render(position: number, withActions: boolean): Record<string, unknown> {
    const visit = this.visits[position]!;
    const counters = this.counters[position]!;
    const { actionDetails, ...fields } = visit;
    return {
      idSite: this.siteId,
      // MarketingCampaignsReporting sends '' for a visit without a campaign.
      campaignName: '',
      campaignSource: '',
      campaignMedium: '',
      ...fields,
      deviceType: DEVICE_TYPE_NAMES[visit.deviceType],
      visitCount: counters.visitCount,
      secondsSinceFirstVisit: counters.secondsSinceFirstVisit,
      daysSinceFirstVisit: Math.floor(counters.secondsSinceFirstVisit / 86_400),
      serverTimestamp: visit.lastActionTimestamp,
      actions: actionDetails.length,
      actionDetails: withActions ? actionDetails.map((action, index) => renderAction(action, actionDetails[index + 1], index + 1)) : [],
    };
  }

  private index(name: SegmentName): Map<string, number[]> {
    return name === 'visitorId' ? this.byVisitor : this.byUser;
  }


  /** Positions of the visits a condition matches: by the index for `==`, by a scan of its keys for `=@` (as LIKE scans). */
  private matching(condition: Condition): number[] {
    const index = this.index(condition.name);
    if (condition.operator === '==') return index.get(condition.value) ?? [];
    return this.containing(condition.name, condition.value.toLowerCase()).flatMap((key) => index.get(key) ?? []);
  }

  /**
   * The keys of an index that contain `needle` (lower case), as LIKE '%needle%' without case.
   * Every key, lower-cased, sits in one text between NUL separators, searched with indexOf: a
   * segment of a hundred `=@` conditions over tens of thousands of userIds stays a few
   * milliseconds, where a scan of the keys per condition blocked the simulators' process.
   */
  private containing(name: SegmentName, needle: string): string[] {
    const haystack = (this.haystacks[name] ??= buildHaystack([...this.index(name).keys()].filter((key) => key !== '')));
    if (needle === '' || needle.includes('\u0000')) return [];
    const found = new Set<string>();
    for (let at = haystack.text.indexOf(needle); at !== -1; at = haystack.text.indexOf(needle, at + 1)) {
      const key = haystack.keyAt(at);
      if (key !== null && satisfies({ name, operator: '=@', value: needle }, key)) found.add(key);
    }
    return [...found];
  }

  /** Each visit's counters, from its visitor's visits in the order they started. */
  private computeCounters(): Counters[] {
    const counters = new Array<Counters>(this.visits.length);
    const startOf = (position: number) => this.visits[position]!.firstActionTimestamp;
    for (const positions of this.byVisitor.values()) {
      const inOrder = [...positions].sort((a, b) => startOf(a) - startOf(b));
      const first = startOf(inOrder[0]!);
      inOrder.forEach((position, index) => {
        counters[position] = { visitCount: index + 1, secondsSinceFirstVisit: startOf(position) - first };
      });
    }
    return counters;
  }
}

/** Conditions answered from an index. */
function isIndexed(condition: Condition): boolean {
  return condition.name !== 'referrerType' && condition.operator !== '!=';
}

/** A visit's value for a segment name. */
function fieldOf(visit: MatomoVisit, name: SegmentName): string | null {
  switch (name) {
    case 'visitorId':
      return visit.visitorId;
    case 'userId':
      return visit.userId;
    case 'referrerType':
      return visit.referrerType;
    default:
      return assertNever(name, 'segment name');
  }
}

/**
 * Matomo's names for device types (DeviceDetector's, capitalized: `"deviceType": "Desktop"` in
 * https://matomo.org/faq/understanding-visits-and-action-levels-in-matomo), where the population
 * holds the lower-case keys.
 */
const DEVICE_TYPE_NAMES: Record<MatomoVisit['deviceType'], string> = {
  desktop: 'Desktop',
  smartphone: 'Smartphone',
  tablet: 'Tablet',
  phablet: 'Phablet',
};

/**
 * An action as Matomo 4 and 5 show it: a product view's categories are an array,
 * `productViewCategories`, where the population (written like Matomo 3's) holds one string;
 * `timeSpent` (seconds until the next action, 0 for the last) and `pageviewPosition` (1 for the
 * first page view), as Matomo's own expected output for this method shows them
 * (plugins/Live/tests/System/expected in matomo-org/matomo).
 */
function renderAction(action: MatomoAction, next: MatomoAction | undefined, position: number): Record<string, unknown> {
  const { productViewCategory, ...rest } = action;
  const timing = { timeSpent: next ? Math.max(0, next.timestamp - action.timestamp) : 0, pageviewPosition: position };
  // Object.assign rather than a literal that begins with a spread: on Node 20 such a literal
  // gets a hidden class of its own each time (docs/hidden-classes.md), one per action rendered.
  return productViewCategory === undefined ? Object.assign({}, rest, timing) : Object.assign({}, rest, timing, { productViewCategories: [productViewCategory] });
}

function push(index: Map<string, number[]>, key: string, position: number): void {
  const positions = index.get(key);
  if (positions) positions.push(position);
  else index.set(key, [position]);
}

/** Keys joined in one lower-case text, and which key an offset falls in. */
interface Haystack {
  text: string;
  keyAt(offset: number): string | null;
}

function buildHaystack(keys: readonly string[]): Haystack {
  const starts: number[] = [];
  let text = '';
  for (const key of keys) {
    starts.push(text.length);
    text += `${key.toLowerCase()}\u0000`;
  }
  return {
    text,
    keyAt(offset) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return keys[lo] ?? null;
    },
  };
}
