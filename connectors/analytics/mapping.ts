/**
 * What Matomo's Reporting API answers, as zod schemas of the documented shape, and the pure
 * mapping from those parsed answers to the gateway's records. No I/O: client.ts reads each body
 * through `readBody(schema, body, complain)`, then normalizes the checked rows with `toVisitKey`
 * or `toMatomoVisit` and maps them with `toRecord` or `toFoundRecords`.
 *
 * The shapes are those of Matomo's own output for `Live.getLastVisitsDetails` (the fields of
 * plugins/Live/VisitorDetails.php, plugins/CoreHome/VisitorDetails.php and
 * plugins/Ecommerce/VisitorDetails.php in matomo-org/matomo; the fixtures in fixtures/ hold
 * documented examples). Only the fields the gateway reads are declared; zod drops the others.
 */
import type { Visit } from '../../src/generated/graphql.js';
import { z } from '../shared/body-schema.js';
import type { AnalyticsVisitorRecord, FoundRecord, Identifier } from '../types.js';

/** The most visits a record carries: the schema's maximum for `AnalyticsVisitor.visits(limit)`. */
export const MAX_VISITS_PER_VISITOR = 100;

// ---------------------------------------------------------------------------------------------
// The documented shapes. Built once at module level, and checks only: the gateway reads thousands
// of bodies a second, and a zod transform costs about twenty times the check it follows, so the
// values are normalized by the plain functions below (toVisitKey, toMatomoVisit).

const WHOLE_NUMBER = 'expected a whole number (a number or a string of digits)';

/**
 * A whole number as Matomo sends it: a JSON number with PHP 8.1 and later (PDO gives native
 * integers), a string of digits before (MySQL's values come as strings), e.g. `"visitDuration":"120"`.
 */
const integer = z.union([z.int(WHOLE_NUMBER).min(0, WHOLE_NUMBER), z.string().regex(/^\d{1,15}$/, WHOLE_NUMBER)], { error: WHOLE_NUMBER });

/** A text field, absent or null when Matomo has nothing (`""` too: `"referrerName":""` for a direct visit). */
const text = z.string().nullish();

/** Matomo's visitor id: 16 hexadecimal characters (Matomo writes them in lower case, other tools in upper case). */
const visitorId = z.string().regex(/^[0-9a-fA-F]{16}$/, 'expected 16 hexadecimal characters');

/** The login id the site sent: a string, though a shop id tracked without quotes arrives as a number. */
const userId = z.union([z.string(), z.int()], { error: 'expected a string or a whole number' }).nullish();

/**
 * One entry of a visit's `actionDetails`: a page view (`type: "action"`), an event, an outlink,
 * a download, an e-commerce order... Product views add `productViewSku`, `productViewName` and
 * (Matomo 4+) `productViewCategories`, an array; Matomo 3 sent one `productViewCategory`.
 */
const actionRow = z.object({
  type: z.string(),
  url: text,
  pageTitle: text,
  timestamp: integer.nullish(),
  productViewSku: text,
  productViewName: text,
  productViewCategories: z.array(z.string()).nullish(),
  productViewCategory: text,
});

/** What says whose a visit is: all a lookup asks for (`showColumns=idVisit,visitorId,userId`). */
const visitKeyRow = z.object({ idVisit: integer, visitorId, userId });

/**
 * A logged-in visit as a first-login read asks for it (`showColumns=idVisit,visitorId,userId,idSite,lastActionTimestamp`):
 * whose it is, on which site, and when.
 */
const loginRow = z.object({ idVisit: integer, visitorId, userId, idSite: integer.nullish(), lastActionTimestamp: integer });

/** A visit of `Live.getLastVisitsDetails` with the fields the gateway maps (README, "Mapping"). */
const visitRow = z.object({
  /** The site (measurable) of the visit: the website's or the app's `idSite` (plugins/Live/VisitorDetails.php). */
  idSite: integer.nullish(),
  idVisit: integer,
  visitorId,
  userId,
  firstActionTimestamp: integer,
  lastActionTimestamp: integer,
  visitDuration: integer.nullish(),
  deviceType: text,
  operatingSystem: text,
  browserName: text,
  referrerType: text,
  referrerName: text,
  /**
   * The MarketingCampaignsReporting plugin's fields (not core Matomo): `''` when the visit came
   * from no campaign, absent without the plugin (its VisitorDetails.php).
   */
  campaignName: text,
  campaignMedium: text,
  /** Matomo's count of the visitor's visits up to this one (`visitor_count_visits`); absent when the visit is not profilable. */
  visitCount: integer.nullish(),
  /** Seconds from the visitor's first visit to this one. */
  secondsSinceFirstVisit: integer.nullish(),
  /** `[]` with `doNotFetchActions=1`; absent when `showColumns` leaves it out. */
  actionDetails: z.array(actionRow).nullish(),
});

/** `Live.getLastVisitsDetails` answered with three columns per visit, for lookups. */
export const visitKeysAnswer = z.array(visitKeyRow);

/** `Live.getLastVisitsDetails` answered with the columns of a first-login read. */
export const loginsAnswer = z.array(loginRow);

/** `Live.getLastVisitsDetails` answered with whole visits: newest first, `filter_limit` at most. */
export const visitsAnswer = z.array(visitRow);

/**
 * `API.getMatomoVersion`: Matomo's JSON renderer wraps a method's single value as `{"value": ...}`
 * (core/DataTable/Renderer/Json.php), e.g. `{"value":"5.3.2"}`.
 */
export const versionAnswer = z.object({ value: z.string() });

/**
 * Matomo's error body, whatever the method: `{"result":"error","message":"..."}`, with HTTP 200
 * (Matomo 4) or 400/401 (Matomo 5); e.g. matomo-org/matomo issue #22572.
 */
export const matomoErrorAnswer = z.object({ result: z.literal('error'), message: z.string() });

/** A key row as checked: integers still as Matomo sent them (number or string), ids as sent. */
export type VisitKeyRow = z.output<typeof visitKeyRow>;
/** A visit row as checked, before {@link toMatomoVisit} normalizes it. */
export type VisitRow = z.output<typeof visitRow>;
/** A first-login row as checked. */
export type LoginRow = z.output<typeof loginRow>;
type ActionRow = z.output<typeof actionRow>;

// ---------------------------------------------------------------------------------------------
// The rows, normalized: ids as text, visitor ids in lower case, "" as null, integers as numbers.

/** Whose a visit is. */
export interface VisitKey {
  /** Matomo's `idVisit`, as text (the gateway's ids are strings). */
  idVisit: string;
  /** Lower case. */
  visitorId: string;
  userId: string | null;
}

/** A logged-in visit: whose, on which site, when (what a first login needs). */
export interface LoginVisit extends VisitKey {
  /** The visit's `idSite`, or null when Matomo sent none. */
  idSite: number | null;
  /** Unix seconds: the visit's time in the journey. */
  lastActionTimestamp: number;
}

export interface MatomoVisit extends LoginVisit {
  /** Unix seconds. */
  firstActionTimestamp: number;
  /** Seconds; 0 when Matomo sends none. */
  visitDuration: number;
  /** Lower case (Matomo says `Smartphone`, the schema's values are `smartphone`). */
  deviceType: string | null;
  operatingSystem: string | null;
  browserName: string | null;
  referrerType: string | null;
  referrerName: string | null;
  /** MarketingCampaignsReporting's `campaignName` and `campaignMedium`; `''` became null. */
  campaignName: string | null;
  campaignMedium: string | null;
  visitCount: number | null;
  secondsSinceFirstVisit: number | null;
  actions: MatomoAction[];
}

export interface MatomoAction {
  type: string;
  url: string | null;
  pageTitle: string | null;
  /** Unix seconds. */
  timestamp: number | null;
  productViewSku: string | null;
  productViewName: string | null;
  /** The first of `productViewCategories` (Matomo 4+), else `productViewCategory` (Matomo 3). */
  productViewCategory: string | null;
}

/** A checked key row, normalized. */
export function toVisitKey(row: VisitKeyRow): VisitKey {
  return { idVisit: String(Number(row.idVisit)), visitorId: row.visitorId.toLowerCase(), userId: idText(row.userId) };
}

/** A checked first-login row, normalized. */
export function toLoginVisit(row: LoginRow): LoginVisit {
  // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
  // spread gets a hidden class of its own each time (docs/hidden-classes.md).
  return { idSite: numberOrNull(row.idSite), lastActionTimestamp: Number(row.lastActionTimestamp), ...toVisitKey(row) };
}

/** A checked visit row, normalized. */
export function toMatomoVisit(row: VisitRow): MatomoVisit {
  // The key's fields come last: a literal that begins with a spread gets hidden classes of its
  // own on Node 20 (docs/hidden-classes.md), some 13 for each visit read.
  return {
    idSite: numberOrNull(row.idSite),
    firstActionTimestamp: Number(row.firstActionTimestamp),
    lastActionTimestamp: Number(row.lastActionTimestamp),
    visitDuration: numberOrNull(row.visitDuration) ?? 0,
    deviceType: textOrNull(row.deviceType)?.toLowerCase() ?? null,
    operatingSystem: textOrNull(row.operatingSystem),
    browserName: textOrNull(row.browserName),
    referrerType: textOrNull(row.referrerType),
    referrerName: textOrNull(row.referrerName),
    campaignName: textOrNull(row.campaignName),
    campaignMedium: textOrNull(row.campaignMedium),
    visitCount: numberOrNull(row.visitCount),
    secondsSinceFirstVisit: numberOrNull(row.secondsSinceFirstVisit),
    actions: (row.actionDetails ?? []).map(toMatomoAction),
    ...toVisitKey(row),
  };
}

function toMatomoAction(action: ActionRow): MatomoAction {
  return {
    type: action.type,
    url: textOrNull(action.url),
    pageTitle: textOrNull(action.pageTitle),
    timestamp: numberOrNull(action.timestamp),
    productViewSku: textOrNull(action.productViewSku),
    productViewName: textOrNull(action.productViewName),
    productViewCategory: action.productViewCategories ? textOrNull(action.productViewCategories[0]) : textOrNull(action.productViewCategory),
  };
}

function numberOrNull(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function textOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

function idText(value: string | number | null | undefined): string | null {
  return typeof value === 'number' ? String(value) : textOrNull(value);
}

// ---------------------------------------------------------------------------------------------
// Mapping to the gateway's types (README lists every field).

/** Which Matomo site is the app: a visit on it is `inApp`. Null when the app is not tracked. */
export interface Sites {
  appSiteId: number | null;
}

/**
 * The record of one visitor from its visits (at least one, any order): newest first, at most
 * {@link MAX_VISITS_PER_VISITOR}. `cut` says the visitor's older visits were left unread, so
 * its count and first visit come from Matomo's counters on its latest visit instead, and its
 * first logins must be given (`firstLogins`, read apart); otherwise they come from `visits`.
 */
export function toRecord(
  visits: readonly MatomoVisit[],
  cut: boolean,
  sites: Sites,
  firstLogins: AnalyticsVisitorRecord['firstLogins'] = firstLoginsOf(visits, sites),
): AnalyticsVisitorRecord {
  const newestFirst = [...visits].sort(byNewest);
  const newest = newestFirst[0]!;
  const oldest = newestFirst[newestFirst.length - 1]!;
  return {
    id: newest.visitorId,
    userId: newestFirst.find((visit) => visit.userId !== null)?.userId ?? null,
    firstVisitAt: cut ? firstVisitByCounters(newest) : isoTime(oldest.firstActionTimestamp),
    lastVisitAt: isoTime(newest.lastActionTimestamp),
    visitCount: cut ? Math.max(visits.length, newest.visitCount ?? 0) : visits.length,
    visits: newestFirst.slice(0, MAX_VISITS_PER_VISITOR).map((visit) => toVisit(visit, sites)),
    firstLogins,
  };
}

/**
 * A device's first logins from its logged-in visits (all of them, any order; anonymous ones are
 * skipped): per userId, its earliest visit in Matomo's ascending order (last action time, then
 * idVisit), oldest login first. The userId is as the site sent it.
 */
export function firstLoginsOf(visits: readonly LoginVisit[], sites: Sites): AnalyticsVisitorRecord['firstLogins'] {
  const first = new Map<string, LoginVisit>();
  for (const visit of [...visits].sort((a, b) => byNewest(b, a))) {
    if (visit.userId !== null && !first.has(visit.userId)) first.set(visit.userId, visit);
  }
  return [...first.values()].map((visit) => ({
    userId: visit.userId!,
    visitId: visit.idVisit,
    at: isoTime(visit.lastActionTimestamp),
    inApp: isApp(visit, sites),
  }));
}

function isApp(visit: { idSite: number | null }, sites: Sites): boolean {
  return sites.appSiteId !== null && visit.idSite === sites.appSiteId;
}

function firstVisitByCounters(visit: MatomoVisit): string | null {
  return visit.secondsSinceFirstVisit === null ? null : isoTime(visit.firstActionTimestamp - visit.secondsSinceFirstVisit);
}

/**
 * One visit: its page views (`type: "action"` with a url) and, among them, its product views;
 * `inApp` when it was on the app's site; its campaign: MarketingCampaignsReporting's
 * `campaignName`, else core Matomo's `referrerName` of a `campaign` visit (core Matomo names
 * the campaign there: plugins/Referrers/VisitorDetails.php).
 */
export function toVisit(visit: MatomoVisit, sites: Sites): Visit {
  // A page view without a time cannot be placed in the journey: it is left out.
  const views = visit.actions.filter((action): action is MatomoAction & { timestamp: number } => action.type === 'action' && action.timestamp !== null);
  return {
    id: visit.idVisit,
    startedAt: isoTime(visit.firstActionTimestamp),
    endedAt: isoTime(visit.lastActionTimestamp),
    inApp: isApp(visit, sites),
    campaign: visit.campaignName ?? (visit.referrerType === 'campaign' ? visit.referrerName : null),
    campaignMedium: visit.campaignMedium,
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
 * many visits each userId was sent with (a family tablet's logins decide whose it is). A visit
 * read twice counts once.
 */
export function toFoundRecords(visits: readonly VisitKey[]): FoundRecord[] {
  // Newest visit first, however the visits were read: a record reads the same whatever found it.
  const byId = new Map(visits.map((visit) => [visit.idVisit, visit]));
  const newestFirst = [...byId.values()].sort((a, b) => Number(b.idVisit) - Number(a.idVisit));
  return [...groupByVisitor(newestFirst)].map(([id, own]) => {
    const loginVisits = new Map<string, number>();
    for (const visit of own) if (visit.userId !== null) loginVisits.set(visit.userId, (loginVisits.get(visit.userId) ?? 0) + 1);
    return {
      source: 'analytics',
      id,
      identifiers: [{ type: 'analytics', value: id }, ...[...loginVisits.keys()].map((value): Identifier => ({ type: 'commerce', value }))],
      loginVisits,
    };
  });
}

/** Matomo's order: latest last action first; the later visit id first on a tie. */
function byNewest(a: LoginVisit, b: LoginVisit): number {
  return b.lastActionTimestamp - a.lastActionTimestamp || Number(b.idVisit) - Number(a.idVisit);
}

/** The visits grouped by visitor, each group in the order given, the groups in order of first appearance. */
export function groupByVisitor<T extends VisitKey>(visits: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const visit of visits) {
    const group = groups.get(visit.visitorId);
    if (group) group.push(visit);
    else groups.set(visit.visitorId, [visit]);
  }
  return groups;
}

/** Matomo's timestamps are Unix seconds. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
