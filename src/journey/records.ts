/**
 * Which records a stream's position stands for. A position in the cursor says how far a silo's
 * history was given for the customer's records known when the cursor was made; the records
 * known can change between pages (a duplicate membership linked only through a CRM phone is not
 * found while the CRM is down; a record is linked, or unlinked, in between). So a cursor carries
 * a digest of each silo's record ids, and the next page compares them with the records it knows:
 *
 * - **grown** (a record is known now that was not then): the silo's streams read from the newest
 *   again, skipping the touchpoints of the records known before up to where they were given
 *   (an {@link AlreadyGiven} per stream, kept in the cursor until the stream is past it). The new
 *   record's touchpoints newer than the cursor come on that page, as a silo back after a failure
 *   gives its newer ones: none is lost, none repeated;
 * - **shrunk while the resolution is incomplete** (a record known then is missing now, and a
 *   silo failed while the customer was resolved): the missing record may be linked only through
 *   the silo that failed, so the silo's streams fail with that failure and keep their positions
 *   (and the cursor keeps the records it knew) until the record is found again;
 * - a device's first logins are the visitor's first visits as one of the customer's shop ids,
 *   and its logged-in visits are the customer's only as one of them: the analytics streams
 *   follow the shop's records as well as the analytics ones;
 * - shrunk with the resolution complete: the record is no longer the customer's; the streams go
 *   on with the records known now.
 *
 * A silo whose records are unknown now (it failed during the resolution) keeps the digests the
 * cursor had; one unknown when the cursor was made (absent) is compared with nothing: its
 * streams then had no position, and start from the newest anyway.
 */
import type { Source } from '../generated/graphql.js';
import type { JourneyCursorState, StreamPositions } from './cursor.js';
import { compareKeys, SOURCE_ORDER, type TouchpointKey } from './order.js';
import { JOURNEY_STREAMS, STREAM_SOURCE, type JourneyStream, type TouchpointRecord } from './touchpoint.js';

/**
 * What a stream's position stands for: the records of its silo, and for the analytics streams
 * the shop's records too (`analyticsShops`: the shop ids their logins and logged-in visits were
 * matched against). The analytics streams keep a shop basis of their own, apart from the shop's
 * streams, because the two can fare differently on one page (one group failing, the other
 * going on).
 */
export type RecordBasis = Source | 'analyticsShops';

/** Every basis, in the cursor's order. */
export const RECORD_BASES: readonly RecordBasis[] = ['crm', 'loyalty', 'commerce', 'analytics', 'analyticsShops'];

/**
 * The digests ({@link recordDigest}) of the customer's record ids for each basis, as a page knew
 * them; a basis absent: its records were unknown (its silo, or a silo linking to it, failed
 * during the resolution).
 */
export type RecordDigests = { readonly [B in RecordBasis]?: readonly number[] };

/**
 * What a stream gave before its silo's records grew: the touchpoints of the records `records`
 * (digests) up to `through` (included, in journey order), or all of them when `through` is null
 * (the stream had ended for them). The stream, read from the newest again, skips those. The
 * analytics streams depend on the shop records too (a first login, or a logged-in visit, is the
 * customer's only as one of their shop ids): for them `loggedInAs` holds the shop records'
 * digests known then, and a logged-in touchpoint was given only if both its device and the shop
 * id it was made as were known (an anonymous visit, if its device was).
 */
export interface AlreadyGiven {
  records: readonly number[];
  loggedInAs?: readonly number[] | undefined;
  through: TouchpointKey | null;
}

/** Each stream's {@link AlreadyGiven}, oldest growth first; a stream absent skips nothing. */
export type StreamsGiven = { readonly [S in JourneyStream]?: readonly AlreadyGiven[] };

/**
 * A record id's digest: FNV-1a (32 bits) over its UTF-16 code units. A cursor only has to tell
 * one customer's few records in one silo apart (two of them colliding: about 1 in 4 billion),
 * and 6 characters a record keep every edge's cursor short.
 */
export function recordDigest(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The digests of each silo's record ids known now; a silo absent from `idsBySource` stays absent
 * (unknown). The analytics streams' shop basis is the shop's records.
 */
export function recordDigests(idsBySource: { readonly [S in Source]?: readonly string[] }): RecordDigests {
  const digests: { [B in RecordBasis]?: number[] } = {};
  for (const source of SOURCE_ORDER) {
    const ids = idsBySource[source];
    if (ids !== undefined) digests[source] = ids.map(recordDigest);
  }
  if (digests.commerce !== undefined) digests.analyticsShops = digests.commerce;
  return digests;
}

/** The positions a page starts from, once the records known now are compared with the cursor's. */
export interface ReconciledPositions {
  /** Each stream's position; a stream whose records grew has none (it reads from the newest). */
  positions: StreamPositions | undefined;
  /** What each stream gave already, to skip: the cursor's, and a grown stream's records. */
  given: StreamsGiven;
  /**
   * Streams that fail on this page, positions kept: a record they read (in their silo, or a
   * shop record for the analytics streams) known then is missing while the resolution is incomplete.
   */
  failing: JourneyStream[];
  /** The digests the page's cursors carry: those known now, or the cursor's for a silo unknown or shrunk now. */
  records: RecordDigests;
}

/** How a basis's records known now differ from a cursor's (absent from `changes`: the same, or not comparable). */
type RecordChange = 'grown' | 'shrunk';

/** The bases a stream's position stands for (see {@link RecordBasis}). */
function basesOf(stream: JourneyStream): readonly RecordBasis[] {
  return BASES_OF_SOURCE[STREAM_SOURCE[stream]];
}
const BASES_OF_SOURCE: Readonly<Record<Source, readonly RecordBasis[]>> = { crm: ['crm'], loyalty: ['loyalty'], commerce: ['commerce'], analytics: ['analytics', 'analyticsShops'] };

/**
 * Compares the records a page knows (`now`) with those its cursor was made for (see the module's
 * comment). Without a cursor, the page starts from the newest with `now`. A cursor of an earlier
 * gateway (no digests) is compared with nothing: its positions are taken as they are.
 *
 * @param resolutionComplete whether every silo answered while the customer was resolved
 *   (`Customer.resolution.complete`).
 */
export function reconcileRecords(after: JourneyCursorState | undefined, now: RecordDigests, resolutionComplete: boolean): ReconciledPositions {
  if (after === undefined) return { positions: undefined, given: NOTHING_GIVEN, failing: [], records: now };
  const before = after.records;
  // Copied on the first change only: the usual page changes nothing. Object.assign, not a
  // literal beginning with a spread (a hidden class each time on Node 20: docs/hidden-classes.md).
  let records: { -readonly [B in RecordBasis]?: readonly number[] } | undefined;
  let changes: { [B in RecordBasis]?: RecordChange } | undefined;
  for (const basis of RECORD_BASES) {
    const then = before?.[basis];
    const current = now[basis];
    if (current === undefined) {
      if (then !== undefined) (records ??= copyOf(now))[basis] = then;
      continue;
    }
    if (then === undefined) continue;
    if (!resolutionComplete && then.some((digest) => !current.includes(digest))) (changes ??= {})[basis] = 'shrunk';
    else if (current.some((digest) => !then.includes(digest))) (changes ??= {})[basis] = 'grown';
  }
  if (changes === undefined) return { positions: after.positions, given: after.given ?? NOTHING_GIVEN, failing: [], records: records ?? now };
  let given: { -readonly [S in JourneyStream]?: readonly AlreadyGiven[] } | undefined;
  let positions: { -readonly [S in JourneyStream]?: StreamPositions[S] } | undefined;
  const failing: JourneyStream[] = [];
  for (const stream of JOURNEY_STREAMS) {
    const bases = basesOf(stream);
    if (bases.some((basis) => changes![basis] === 'shrunk')) {
      failing.push(stream);
      // Its positions stand for the records known then: so does the cursor, for all its bases.
      for (const basis of bases) if (before![basis] !== undefined) (records ??= copyOf(now))[basis] = before![basis];
      continue;
    }
    const position = after.positions[stream];
    if (position === undefined || !bases.some((basis) => changes![basis] === 'grown')) continue;
    positions ??= Object.assign({}, after.positions);
    given ??= Object.assign({}, after.given);
    // At its end, the stream gave every touchpoint of those records (the page that ended it may
    // have gone past every other stream's key, so no key of the cursor bounds them).
    const entry: AlreadyGiven = { records: before![STREAM_SOURCE[stream]] ?? [], through: position.kind === 'end' ? null : position.key };
    if (STREAM_SOURCE[stream] === 'analytics') {
      // Without a shop record then, no first login was given, and every visit of the devices was.
      const shops = before!.analyticsShops ?? [];
      if (stream === 'analytics.logins' || shops.length > 0) entry.loggedInAs = shops;
    }
    given[stream] = [...(given[stream] ?? []), entry];
    delete positions[stream];
  }
  return { positions: positions ?? after.positions, given: given ?? after.given ?? NOTHING_GIVEN, failing, records: records ?? now };
}

const NOTHING_GIVEN: StreamsGiven = Object.freeze({});

function copyOf(digests: RecordDigests): { -readonly [B in RecordBasis]?: readonly number[] } {
  return Object.assign({}, digests);
}

/** Whether two sets of digests share a record in one silo (different customers have none in common, once resolved completely). */
export function sharesRecord(a: RecordDigests, b: RecordDigests): boolean {
  return SOURCE_ORDER.some((source) => a[source]?.some((digest) => b[source]?.includes(digest)) ?? false);
}

/** Whether every record of `inner` is in `outer`, in each silo known in both (a silo absent from either is not compared). */
export function recordsWithin(inner: RecordDigests, outer: RecordDigests): boolean {
  return SOURCE_ORDER.every((source) => {
    const within = outer[source];
    return within === undefined || (inner[source]?.every((digest) => within.includes(digest)) ?? true);
  });
}

/**
 * Whether a touchpoint at `key` was given already (`given`, a stream's list): one of the records
 * known then (and, for a first login, as a shop id known then), at or before where they were given.
 */
export function wasGiven(given: readonly AlreadyGiven[], touchpoint: Pick<TouchpointRecord, 'recordId' | 'loggedInAs'>, key: TouchpointKey): boolean {
  let digest: number | undefined;
  for (const entry of given) {
    if (entry.through !== null && compareKeys(key, entry.through) > 0) continue;
    digest ??= recordDigest(touchpoint.recordId);
    if (!entry.records.includes(digest)) continue;
    // An anonymous visit is the device's alone; a logged-in one needs its shop id known then too.
    if (entry.loggedInAs === undefined || touchpoint.loggedInAs === undefined || entry.loggedInAs.includes(recordDigest(touchpoint.loggedInAs))) return true;
  }
  return false;
}

/**
 * What a stream still has to skip once it stands at `key` (its new position's key, or null at
 * its end): an entry whose `through` is not beyond `key` is passed, the stream reads after it.
 */
export function givenAfter(given: readonly AlreadyGiven[] | undefined, key: TouchpointKey | null): readonly AlreadyGiven[] | undefined {
  if (given === undefined || key === null) return undefined;
  const left = given.filter((entry) => entry.through === null || compareKeys(entry.through, key) > 0);
  return left.length === 0 ? undefined : left.length === given.length ? given : left;
}
