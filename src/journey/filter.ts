/**
 * The journey's arguments: `first` and `filter` checked and put in one canonical form, the test a
 * touchpoint passes, and the plan: which silo histories can hold a touchpoint the filter keeps,
 * and what each can ask its product to leave out (push-down).
 *
 * Push-down only narrows what a silo sends: the page still tests every touchpoint with
 * {@link matchesFilter}, so a push-down that keeps too much costs a little reading, never a wrong
 * answer.
 */
import type { Channel, JourneyFilter, TouchpointKind } from '../generated/graphql.js';
import { badUserInput } from '../shared/errors.js';
import { utcFromFields } from '../shared/utc-date.js';
import { JOURNEY_STREAMS, STREAM_KINDS, type JourneyStream, type TouchpointRecord } from './touchpoint.js';

/** `first` when the query does not give it (the schema's default). */
export const DEFAULT_FIRST = 20;
/** The largest page a query may ask for. */
export const MAX_FIRST = 100;

/**
 * A journey filter, checked and canonical: lists sorted without repeats, `null` for "no condition"
 * (an absent or empty list), instants in milliseconds since the epoch.
 */
export interface JourneyFilterSpec {
  readonly kinds: readonly TouchpointKind[] | null;
  readonly channels: readonly Channel[] | null;
  /** Only touchpoints at or after this instant (ms), or null. */
  readonly since: number | null;
  /** Only touchpoints at or before this instant (ms), or null. */
  readonly until: number | null;
}

/** The journey's arguments, checked. */
export interface JourneyArgs {
  /** How many touchpoints the page holds at most, 1 to {@link MAX_FIRST}. */
  first: number;
  filter: JourneyFilterSpec;
}

/**
 * Checks `Customer.journey`'s `first` and `filter` and gives them in canonical form.
 *
 * `first` absent or null is {@link DEFAULT_FIRST}. `since` and `until` are DateTime text (the
 * scalar checked the form); an instant in another zone is the same instant in UTC.
 *
 * @throws a BAD_USER_INPUT GraphQLError when `first` is not a whole number from 1 to 100, when a
 *   date-time does not exist (`2026-02-30T00:00:00Z`), or when `since` is after `until`.
 */
export function parseJourneyArgs(args: { first?: number | null; filter?: JourneyFilter | null }): JourneyArgs {
  const first = args.first ?? DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    throw badUserInput(`first must be a whole number from 1 to ${MAX_FIRST}, got ${String(first)}.`);
  }
  const filter = args.filter ?? {};
  const since = instant('filter.since', filter.since);
  const until = instant('filter.until', filter.until);
  if (since !== null && until !== null && since > until) {
    throw badUserInput(
      `filter.since (${new Date(since).toISOString()}) is after filter.until (${new Date(until).toISOString()}): since must be at or before until.`,
    );
  }
  return { first, filter: { kinds: canonicalList(filter.kinds), channels: canonicalList(filter.channels), since, until } };
}

const DATE_TIME_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/;

/** Milliseconds of a DateTime argument, or null when absent; throws when the date-time does not exist. */
function instant(name: string, text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const time = Date.parse(text);
  // Date.parse rolls an impossible day over (February 30 is March 2): the written fields must
  // come back as written, in the text's own zone.
  const parts = DATE_TIME_PARTS.exec(text);
  const exists =
    !Number.isNaN(time) &&
    parts !== null &&
    (() => {
      const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [number, number, number, number, number, number];
      const written = utcFromFields(year, month, day, hour, minute, second);
      return (
        written.getUTCFullYear() === year &&
        written.getUTCMonth() === month - 1 &&
        written.getUTCDate() === day &&
        written.getUTCHours() === hour &&
        written.getUTCMinutes() === minute &&
        written.getUTCSeconds() === second
      );
    })();
  if (!exists) {
    throw badUserInput(`${name} is not a date-time that exists: pass an ISO 8601 date-time such as 2026-03-14T09:26:53.000Z.`);
  }
  return time;
}

function canonicalList<T extends string>(list: readonly T[] | null | undefined): readonly T[] | null {
  if (list === null || list === undefined || list.length === 0) return null;
  return [...new Set(list)].sort();
}

/** True when the touchpoint passes every condition of the filter (times inclusive). */
export function matchesFilter(touchpoint: TouchpointRecord, filter: JourneyFilterSpec): boolean {
  if (filter.kinds !== null && !filter.kinds.includes(touchpoint.kind)) return false;
  if (filter.channels !== null && !filter.channels.includes(touchpoint.channel)) return false;
  if (filter.since === null && filter.until === null) return true;
  const at = Date.parse(touchpoint.occurredAt);
  return (filter.since === null || at >= filter.since) && (filter.until === null || at <= filter.until);
}

/**
 * A canonical text of the filter: two filters that keep the same touchpoints written differently
 * (lists in another order or with repeats, an empty list for none, an instant in another zone)
 * have the same key. A cursor is valid only for the filter whose key it holds.
 */
export function filterKey(filter: JourneyFilterSpec): string {
  return JSON.stringify([filter.kinds ?? [], filter.channels ?? [], filter.since, filter.until]);
}

// ---------------------------------------------------------------------------------------------
// The plan: which streams to read, and what each can ask its product to leave out.

/** A loyalty transaction's document type (Open Loyalty `header.documentType`). */
export type LoyaltyDocumentType = 'sell' | 'return';
/** Which analytics site a visit was on: the website or the app (a second Matomo site). */
export type VisitSite = 'web' | 'app';

/** The time bounds every stream's read applies: the filter's `since` and `until`, in ms, inclusive. */
export interface TimePushdown {
  since?: number;
  until?: number;
}

/** What each stream's read can ask its product to leave out. */
export interface StreamPushdowns {
  'crm.contacts': TimePushdown;
  'loyalty.members': TimePushdown;
  /** `documentTypes`: only these document types (absent: every type). */
  'loyalty.transactions': TimePushdown & { documentTypes?: readonly LoyaltyDocumentType[] };
  'loyalty.redemptions': TimePushdown;
  'commerce.customers': TimePushdown;
  'commerce.orders': TimePushdown;
  /**
   * `site`: only visits on that site (absent: both). `campaign`: `only` visits a campaign
   * brought, or `exclude` them (absent: both).
   */
  'analytics.visits': TimePushdown & { site?: VisitSite; campaign?: 'only' | 'exclude' };
  'analytics.logins': TimePushdown;
}

/**
 * The streams a journey reads, each with its push-down: a stream absent from the plan cannot hold
 * a touchpoint the filter keeps, and is not read at all.
 */
export type JourneyPlan = { readonly [S in JourneyStream]?: StreamPushdowns[S] };

/** The touchpoint a transaction of each document type makes (touchpoints.ts keeps to it). */
const TRANSACTION_CLASSES: ReadonlyArray<{ documentType: LoyaltyDocumentType; kind: TouchpointKind; channel: Channel }> = [
  { documentType: 'sell', kind: 'storePurchase', channel: 'store' },
  { documentType: 'return', kind: 'storeReturn', channel: 'store' },
];

/**
 * The touchpoint each sort of visit makes: a visit no campaign brought is a `webVisit` or an
 * `appVisit` in its site's channel; a campaign visit is a `campaignVisit`, in the `email` channel
 * when the campaign's medium is email, else in `campaign` (STREAM_KINDS in touchpoint.ts).
 */
const VISIT_CLASSES: ReadonlyArray<{ site: VisitSite; campaign: boolean; kind: TouchpointKind; channel: Channel }> = [
  { site: 'web', campaign: false, kind: 'webVisit', channel: 'web' },
  { site: 'app', campaign: false, kind: 'appVisit', channel: 'app' },
  { site: 'web', campaign: true, kind: 'campaignVisit', channel: 'email' },
  { site: 'web', campaign: true, kind: 'campaignVisit', channel: 'campaign' },
  { site: 'app', campaign: true, kind: 'campaignVisit', channel: 'email' },
  { site: 'app', campaign: true, kind: 'campaignVisit', channel: 'campaign' },
];

/**
 * Which streams can hold a touchpoint the filter keeps, and per stream the push-down: the time
 * bounds for all; for loyalty transactions the document types (`['sell']` when only store
 * purchases are kept); for visits the site and whether campaign visits are the only ones or
 * left out (kinds `[webVisit]`: site `web`, campaign `exclude`; channels `[email]`: campaign
 * `only`). A stream's kinds and channels are those of STREAM_KINDS (touchpoint.ts).
 */
export function planJourney(filter: JourneyFilterSpec): JourneyPlan {
  const keeps = (c: { kind: TouchpointKind; channel: Channel }): boolean =>
    (filter.kinds === null || filter.kinds.includes(c.kind)) && (filter.channels === null || filter.channels.includes(c.channel));
  const time: TimePushdown = {};
  if (filter.since !== null) time.since = filter.since;
  if (filter.until !== null) time.until = filter.until;

  const plan: { [S in JourneyStream]?: StreamPushdowns[S] } = {};
  for (const stream of JOURNEY_STREAMS) {
    const { kinds, channels } = STREAM_KINDS[stream];
    const possible =
      (filter.kinds === null || kinds.some((k) => filter.kinds!.includes(k))) &&
      (filter.channels === null || channels.some((c) => filter.channels!.includes(c)));
    if (!possible) continue;
    switch (stream) {
      case 'loyalty.transactions': {
        const types = TRANSACTION_CLASSES.filter(keeps).map((c) => c.documentType);
        if (types.length === 0) break;
        // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
        // spread gets a hidden class of its own each time (docs/hidden-classes.md).
        plan[stream] = types.length === TRANSACTION_CLASSES.length ? { ...time } : { documentTypes: types, ...time };
        break;
      }
      case 'analytics.visits': {
        const kept = VISIT_CLASSES.filter(keeps);
        if (kept.length === 0) break;
        const pushdown: StreamPushdowns['analytics.visits'] = Object.assign({}, time);
        const site = kept[0]!.site;
        if (kept.every((c) => c.site === site)) pushdown.site = site;
        if (kept.every((c) => c.campaign)) pushdown.campaign = 'only';
        else if (kept.every((c) => !c.campaign)) pushdown.campaign = 'exclude';
        plan[stream] = pushdown;
        break;
      }
      default:
        plan[stream] = { ...time };
    }
  }
  return plan;
}
