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
import { JOURNEY_STREAMS, STREAM_SOURCE, type JourneyStream } from './touchpoint.js';

/**
 * The digests ({@link recordDigest}) of the customer's record ids in each silo, as a page knew
 * them; a silo absent: its records were unknown (it, or a silo linking to it, failed during the
 * resolution).
 */
export type RecordDigests = { readonly [S in Source]?: readonly number[] };

/**
 * What a stream gave before its silo's records grew: the touchpoints of the records `records`
 * (digests) up to `through` (included, in journey order), or all of them when `through` is null
 * (the stream had ended for them). The stream, read from the newest again, skips those.
 */
export interface AlreadyGiven {
  records: readonly number[];
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

/** The digests of each silo's record ids; a silo absent from `idsBySource` stays absent (unknown). */
export function recordDigests(idsBySource: { readonly [S in Source]?: readonly string[] }): RecordDigests {
  const digests: { [S in Source]?: number[] } = {};
  for (const source of SOURCE_ORDER) {
    const ids = idsBySource[source];
    if (ids !== undefined) digests[source] = ids.map(recordDigest);
  }
  return digests;
}

/** The positions a page starts from, once the records known now are compared with the cursor's. */
export interface ReconciledPositions {
  /** Each stream's position; a grown silo's streams have none (they read from the newest). */
  positions: StreamPositions | undefined;
  /** What each stream gave already, to skip: the cursor's, and a grown silo's records. */
  given: StreamsGiven;
  /** Silos whose streams fail on this page: a record known then is missing while the resolution is incomplete. */
  shrunk: Source[];
  /** The digests the page's cursors carry: those known now, or the cursor's for a silo unknown or shrunk now. */
  records: RecordDigests;
}

/**
 * Compares the records a page knows (`now`) with those its cursor was made for (see the module's
 * comment). Without a cursor, the page starts from the newest with `now`. A cursor of an earlier
 * gateway (no digests) is compared with nothing: its positions are taken as they are.
 *
 * @param resolutionComplete whether every silo answered while the customer was resolved
 *   (`Customer.resolution.complete`).
 */
export function reconcileRecords(after: JourneyCursorState | undefined, now: RecordDigests, resolutionComplete: boolean): ReconciledPositions {
  if (after === undefined) return { positions: undefined, given: NOTHING_GIVEN, shrunk: [], records: now };
  const before = after.records;
  // Copied on the first change only: the usual page changes nothing. Object.assign, not a
  // literal beginning with a spread (a hidden class each time on Node 20: docs/hidden-classes.md).
  let given: { -readonly [S in JourneyStream]?: readonly AlreadyGiven[] } | undefined;
  let records: { -readonly [S in Source]?: readonly number[] } | undefined;
  let positions: { -readonly [S in JourneyStream]?: StreamPositions[S] } | undefined;
  const shrunk: Source[] = [];
  for (const source of SOURCE_ORDER) {
    const then = before?.[source];
    const current = now[source];
    if (current === undefined) {
      if (then !== undefined) (records ??= copyOf(now))[source] = then;
      continue;
    }
    if (then === undefined) continue;
    if (!resolutionComplete && then.some((digest) => !current.includes(digest))) {
      shrunk.push(source);
      (records ??= copyOf(now))[source] = then;
      continue;
    }
    if (!current.some((digest) => !then.includes(digest))) continue;
    for (const stream of JOURNEY_STREAMS) {
      const position = after.positions[stream];
      if (STREAM_SOURCE[stream] !== source || position === undefined) continue;
      positions ??= Object.assign({}, after.positions);
      given ??= Object.assign({}, after.given);
      // At its end, the stream gave every touchpoint of those records (the page that ended it may
      // have gone past every other stream's key, so no key of the cursor bounds them).
      const through = position.kind === 'end' ? null : position.key;
      given[stream] = [...(given[stream] ?? []), { records: then, through }];
      delete positions[stream];
    }
  }
  return { positions: positions ?? after.positions, given: given ?? after.given ?? NOTHING_GIVEN, shrunk, records: records ?? now };
}

const NOTHING_GIVEN: StreamsGiven = Object.freeze({});

function copyOf(digests: RecordDigests): { -readonly [S in Source]?: readonly number[] } {
  return Object.assign({}, digests);
}

/**
 * Whether two sets of digests share a record in one silo: a cursor made for another golden id
 * is this customer's when they do (a durable id's anchor in a silo that failed during this
 * resolution is not among the records known now, but the others are). Different customers
 * have no record in common.
 */
export function sharesRecord(a: RecordDigests | undefined, b: RecordDigests): boolean {
  if (a === undefined) return false;
  return SOURCE_ORDER.some((source) => a[source]?.some((digest) => b[source]?.includes(digest)) ?? false);
}

/**
 * Whether a touchpoint of the record `recordId` at `key` was given already (`given`, a stream's
 * list): it is skipped.
 */
export function wasGiven(given: readonly AlreadyGiven[], recordId: string, key: TouchpointKey): boolean {
  let digest: number | undefined;
  for (const entry of given) {
    if (entry.through !== null && compareKeys(key, entry.through) > 0) continue;
    digest ??= recordDigest(recordId);
    if (entry.records.includes(digest)) return true;
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
