/**
 * The journey's cursor: where each silo history stands after an edge, for one customer and one
 * filter, signed so that a client can neither forge a position nor reuse a cursor for another
 * customer or another filter.
 *
 * Text: `base64url(payload JSON) + "." + base64url(HMAC-SHA256(secret, the first part))`. The
 * payload is compact, since a cursor travels in every edge:
 * `{"v":2,"g":"<golden id>","f":"<filter hash>","k":[[at,"<source>","<sourceId>","<id>"],…],"p":{"<stream>":<index in k, or -1 for the end>},"n":{"<stream>":[at,"<sourceId>"]}}`.
 * `p` holds every stream's position: after a key, or at its end. `n` (absent when empty) names
 * the streams of `p` that wait, and where the next touchpoint each waits for is (its time and
 * its event's id in the silo). After an edge every stream stands at that edge's key, so a
 * cursor usually holds one key; a waiting stream adds a point, not a key of its own (version 1
 * kept each waiting stream's next touchpoint as a key: its cursors took some 700 characters on
 * the benchmark's journey question, where version 2 takes some 500).
 *
 * Two optional parts say which records the positions stand for (records.ts): `r`, the digests
 * of the customer's record ids for each basis (`[crm, loyalty, commerce, analytics, the shop ids
 * the analytics streams matched]`, each a string of 6-character base64url digests, or null when
 * those records were unknown), and
 * `b`, what a stream whose silo's records grew gave already: `{"<stream>":[[<index in k, or -1
 * for all>,"<digests>"(,"<shop digests>" for the first logins)],…]}`. A cursor without them (made before they existed) is read as before.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { assertNever } from '../../connectors/shared/exhaustive.js';
import type { JourneyPoint } from '../../connectors/types.js';
import type { Source } from '../generated/graphql.js';
import { badUserInput } from '../shared/errors.js';
import type { TouchpointKey } from './order.js';
import { RECORD_BASES, type AlreadyGiven, type RecordBasis, type RecordDigests, type StreamsGiven } from './records.js';
import { JOURNEY_STREAMS, type JourneyStream } from './touchpoint.js';

/**
 * Where one stream stands:
 * - `after` a key: the next read returns what comes after it in journey order;
 * - `waiting` after a key for its next touchpoint, known from a read that reached the stream's
 *   end: what follows `key` in the stream starts with that touchpoint, at `next` (its time in ms
 *   and its event's id in the silo, `sourceId`). The stream is read again (after `key`, as
 *   `after` would) only on a page that touchpoint can be on, so that a stream read whole (a
 *   record's creation, a device's first login) costs no call on the pages before its
 *   touchpoints. The point places the touchpoint in journey order but for its `id`, which
 *   only orders touchpoints of one event (page.ts treats such a tie as reachable);
 * - at its `end`: every touchpoint it holds for this filter was emitted; it is not read again.
 *
 * A stream without a position starts at the newest.
 */
export type StreamPosition = { kind: 'after'; key: TouchpointKey } | { kind: 'waiting'; key: TouchpointKey; next: JourneyPoint } | { kind: 'end' };

/** Each stream's position; a stream absent starts at the newest. */
export type StreamPositions = { readonly [S in JourneyStream]?: StreamPosition };

/** What a cursor holds. */
export interface JourneyCursorState {
  /** The customer's golden id (`Customer.id`). */
  goldenId: string;
  /** The filter's canonical key (filterKey in filter.ts). */
  filterKey: string;
  positions: StreamPositions;
  /** The digests of the customer's records each silo's positions stand for (records.ts); absent in a cursor made before they existed. */
  records?: RecordDigests | undefined;
  /** What streams whose silo's records grew gave already (records.ts); absent or empty: none. */
  given?: StreamsGiven | undefined;
}

/** The key cursors are signed with (the gateway's setting): text or bytes, not empty. */
export type CursorSecret = string | Uint8Array;

const VERSION = 2;
/** A cursor of version 1 (a waiting stream kept its next touchpoint's whole key), from before an upgrade. */
const OUTDATED_VERSION = 1;
/**
 * Longer text is no cursor of ours (8 positions, and the digests of at most some hundred records
 * a few times over); checked before any work.
 */
const MAX_CURSOR_LENGTH = 16_384;
/** base64url of an HMAC-SHA256 (32 bytes), without padding. */
const SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

const STREAM_CODES: Readonly<Record<JourneyStream, string>> = {
  'crm.contacts': 'cc',
  'loyalty.members': 'lm',
  'loyalty.transactions': 'lt',
  'loyalty.redemptions': 'lr',
  'commerce.customers': 'sc',
  'commerce.orders': 'so',
  'analytics.visits': 'av',
  'analytics.logins': 'al',
};
const STREAM_OF_CODE = new Map(Object.entries(STREAM_CODES).map(([stream, code]) => [code, stream as JourneyStream]));
const SOURCE_CODES: Readonly<Record<Source, string>> = { crm: 'c', loyalty: 'l', commerce: 's', analytics: 'a' };
const SOURCE_OF_CODE = new Map(Object.entries(SOURCE_CODES).map(([source, code]) => [code, source as Source]));

const MALFORMED = 'after is not a journey cursor: pass an endCursor or cursor this API returned.';
const TAMPERED =
  'after is not valid here: its signature does not match (it was altered, or signed by a gateway with another GATEWAY_CURSOR_SECRET, or before a restart without one): pass a cursor exactly as this gateway returned it, or ask again without after.';
const OUTDATED = 'after was made by an earlier version of this gateway, whose cursors this one no longer reads: ask again without after.';
const ELSEWHERE = 'after belongs to another customer or another filter: ask again without after, with the same filter.';

type WireKey = [number, string, string, string];
interface Wire {
  v: number;
  g: string;
  f: string;
  k: WireKey[];
  p: Record<string, number>;
  n?: Record<string, [number, string]>;
  r?: Array<string | null>;
  b?: Record<string, GivenWire[]>;
}
/** What a stream gave already: its key's index (-1: all), its records' digests, and for first logins the shop records'. */
type GivenWire = [number, string] | [number, string, string];

/**
 * The cursor text of a state, signed with `secret`. Deterministic: the same state and secret
 * give the same text.
 * @throws Error when the secret is empty (a configuration mistake, not a client's).
 */
export function encodeCursor(state: JourneyCursorState, secret: CursorSecret): string {
  const keys: WireKey[] = [];
  const p: Record<string, number> = {};
  let n: Record<string, [number, string]> | undefined;
  // Streams share a key (after an edge, every stream read part way is at it): a scan of the few
  // keys so far finds it, without serializing each key for a Map (a cursor took 7.2 µs with the
  // Map and a hash per cursor, 4.3 µs now).
  const keyIndex = ({ at, source, sourceId, id }: TouchpointKey): number => {
    const code = SOURCE_CODES[source];
    for (let i = 0; i < keys.length; i++) {
      const known = keys[i]!;
      if (known[0] === at && known[1] === code && known[2] === sourceId && known[3] === id) return i;
    }
    return keys.push([at, code, sourceId, id]) - 1;
  };
  for (const stream of JOURNEY_STREAMS) {
    const position = state.positions[stream];
    if (position === undefined) continue;
    switch (position.kind) {
      case 'end':
        p[STREAM_CODES[stream]] = -1;
        break;
      case 'after':
        p[STREAM_CODES[stream]] = keyIndex(position.key);
        break;
      case 'waiting':
        p[STREAM_CODES[stream]] = keyIndex(position.key);
        (n ??= {})[STREAM_CODES[stream]] = [position.next.at, position.next.id];
        break;
      default:
        assertNever(position, 'stream position');
    }
  }
  let b: Record<string, GivenWire[]> | undefined;
  if (state.given !== undefined) {
    for (const stream of JOURNEY_STREAMS) {
      const given = state.given[stream];
      if (given === undefined || given.length === 0) continue;
      (b ??= {})[STREAM_CODES[stream]] = given.map((entry): GivenWire => {
        const wire: GivenWire = [entry.through === null ? -1 : keyIndex(entry.through), digestsText(entry.records)];
        if (entry.loggedInAs !== undefined) wire.push(digestsText(entry.loggedInAs));
        return wire;
      });
    }
  }
  const wire: Wire = { v: VERSION, g: state.goldenId, f: filterHash(state.filterKey), k: keys, p };
  if (n !== undefined) wire.n = n;
  if (state.records !== undefined) wire.r = recordsWire(state.records);
  if (b !== undefined) wire.b = b;
  const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${payload}.${signature(payload, secret)}`;
}

/**
 * The state a cursor holds, once its signature, its customer and its filter are checked.
 *
 * @throws a BAD_USER_INPUT GraphQLError when the text is no journey cursor (malformed), was
 *   altered (its signature does not match `secret`: forged, edited, or signed with another
 *   secret), was made for another customer or another filter, or by an earlier version of the
 *   gateway (version 1). The message never repeats the cursor.
 */
export function decodeCursor(
  text: string,
  scope: {
    goldenId: string;
    filterKey: string;
    secret: CursorSecret;
    /**
     * Whether a cursor made for another golden id is this customer's all the same (a
     * provisional id minted while a silo was down, and the durable one once it is back, name
     * the same customer), given the record digests the cursor carries (absent in a cursor made
     * before they existed). Absent: only `goldenId` is.
     */
    sameCustomer?: (goldenId: string, records: RecordDigests | undefined) => boolean;
  },
): JourneyCursorState {
  const match = typeof text === 'string' && text.length <= MAX_CURSOR_LENGTH ? SHAPE.exec(text) : null;
  if (match === null) throw badUserInput(MALFORMED);
  const [, payload, given] = match as unknown as [string, string, string];
  const expected = signature(payload, scope.secret);
  if (!timingSafeEqual(Buffer.from(given, 'latin1'), Buffer.from(expected, 'latin1'))) throw badUserInput(TAMPERED);
  const wire = parseWire(payload);
  if (wire === 'outdated') throw badUserInput(OUTDATED);
  if (wire === null) throw badUserInput(MALFORMED);
  const records = wire.r === undefined ? undefined : recordsOf(wire.r);
  const customer = wire.g === scope.goldenId || (scope.sameCustomer?.(wire.g, records) ?? false);
  if (!customer || wire.f !== filterHash(scope.filterKey)) throw badUserInput(ELSEWHERE);
  // Streams after one key share one object, as on the page that made the cursor.
  const keys = wire.k.map(([at, sourceCode, sourceId, id]): TouchpointKey => ({ at, source: SOURCE_OF_CODE.get(sourceCode)!, sourceId, id }));
  const positions: { [S in JourneyStream]?: StreamPosition } = {};
  for (const [code, i] of Object.entries(wire.p)) {
    const next = wire.n?.[code];
    positions[STREAM_OF_CODE.get(code)!] = i === -1 ? AT_END : next === undefined ? { kind: 'after', key: keys[i]! } : { kind: 'waiting', key: keys[i]!, next: { at: next[0], id: next[1] } };
  }
  const state: JourneyCursorState = { goldenId: wire.g, filterKey: scope.filterKey, positions };
  if (records !== undefined) state.records = records;
  if (wire.b !== undefined) {
    const given: { [S in JourneyStream]?: readonly AlreadyGiven[] } = {};
    for (const [code, entries] of Object.entries(wire.b)) {
      given[STREAM_OF_CODE.get(code)!] = entries.map(([i, text, loggedInAs]) => {
        const entry: AlreadyGiven = { records: digestsOf(text), through: i === -1 ? null : keys[i]! };
        if (loggedInAs !== undefined) entry.loggedInAs = digestsOf(loggedInAs);
        return entry;
      });
    }
    state.given = given;
  }
  return state;
}

function recordsOf(wire: ReadonlyArray<string | null>): RecordDigests {
  const records: { [B in RecordBasis]?: readonly number[] } = {};
  wire.forEach((text, i) => {
    if (text !== null) records[RECORD_BASES[i]!] = digestsOf(text);
  });
  return records;
}
/** A string of digests: 6 base64url characters each (4 bytes, big-endian). */
const DIGESTS = /^(?:[A-Za-z0-9_-]{6})*$/;

function digestsText(digests: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(4);
  let text = '';
  for (const digest of digests) {
    bytes.writeUInt32BE(digest >>> 0, 0);
    text += bytes.toString('base64url');
  }
  return text;
}

function digestsOf(text: string): number[] {
  const digests: number[] = [];
  for (let i = 0; i < text.length; i += 6) digests.push(Buffer.from(text.slice(i, i + 6), 'base64url').readUInt32BE(0));
  return digests;
}

/**
 * The wire's `r` of a page's digests: every cursor of a page carries the same, so the text is
 * made once per digests object.
 */
function recordsWire(records: RecordDigests): Array<string | null> {
  let wire = RECORDS_WIRE.get(records);
  if (wire === undefined) {
    wire = RECORD_BASES.map((basis) => {
      const digests = records[basis];
      return digests === undefined ? null : digestsText(digests);
    });
    RECORDS_WIRE.set(records, wire);
  }
  return wire;
}
const RECORDS_WIRE = new WeakMap<RecordDigests, Array<string | null>>();

/** The payload, checked in every part; 'outdated' for a cursor of version 1; else null. Only a payload we signed gets here. */
function parseWire(payload: string): Wire | 'outdated' | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const wire = value as Partial<Wire>;
  if (wire.v === OUTDATED_VERSION) return 'outdated';
  if (wire.v !== VERSION || typeof wire.g !== 'string' || typeof wire.f !== 'string') return null;
  if (!Array.isArray(wire.k) || !isPlainRecord(wire.p)) return null;
  const keys = wire.k as unknown[];
  const keysOk = keys.every(
    (key) =>
      Array.isArray(key) &&
      key.length === 4 &&
      Number.isSafeInteger(key[0]) &&
      SOURCE_OF_CODE.has(key[1]) &&
      typeof key[2] === 'string' &&
      typeof key[3] === 'string',
  );
  const positionsOk = Object.entries(wire.p).every(
    ([code, i]) => STREAM_OF_CODE.has(code) && Number.isInteger(i) && (i === -1 || (i >= 0 && i < keys.length)),
  );
  if (wire.n !== undefined && !isPlainRecord(wire.n)) return null;
  // A waiting stream stands after a key in `p` (not at its end) and waits for a point.
  const waitingOk = Object.entries(wire.n ?? {}).every(
    ([code, point]) => Object.hasOwn(wire.p!, code) && wire.p![code] !== -1 && Array.isArray(point) && point.length === 2 && Number.isSafeInteger(point[0]) && typeof point[1] === 'string',
  );
  const recordsOk =
    wire.r === undefined || (Array.isArray(wire.r) && wire.r.length === RECORD_BASES.length && wire.r.every((text) => text === null || (typeof text === 'string' && DIGESTS.test(text))));
  const givenOk =
    wire.b === undefined ||
    (isPlainRecord(wire.b) &&
      Object.entries(wire.b).every(
        ([code, entries]) =>
          STREAM_OF_CODE.has(code) &&
          Array.isArray(entries) &&
          entries.every(
            (entry) =>
              Array.isArray(entry) &&
              (entry.length === 2 || (entry.length === 3 && typeof entry[2] === 'string' && DIGESTS.test(entry[2]))) &&
              Number.isInteger(entry[0]) &&
              entry[0] >= -1 &&
              entry[0] < keys.length &&
              typeof entry[1] === 'string' &&
              DIGESTS.test(entry[1]),
          ),
      ));
  return keysOk && positionsOk && waitingOk && recordsOk && givenOk ? (wire as Wire) : null;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The position of a stream with nothing left for the filter: one object for every cursor. */
export const AT_END: StreamPosition = Object.freeze({ kind: 'end' });

function signature(payload: string, secret: CursorSecret): string {
  if (secret.length === 0) throw new Error('The journey cursor secret is empty: cursors cannot be signed.');
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** A short digest of the filter key: the cursor only has to tell filters apart, not hold one. */
function filterHash(filterKey: string): string {
  let hash = FILTER_HASHES.get(filterKey);
  if (hash === undefined) {
    hash = createHash('sha256').update(filterKey).digest('base64url').slice(0, 16);
    // Filters are the clients' to choose: the memo is bounded, and starts over when full.
    if (FILTER_HASHES.size >= MAX_FILTER_HASHES) FILTER_HASHES.clear();
    FILTER_HASHES.set(filterKey, hash);
  }
  return hash;
}

/**
 * filterHash's memo: every edge of a page carries its filter's digest, and a page's 20 to 100
 * cursors would each hash the same key again (0.7 µs of the 7.2 a cursor took).
 */
const FILTER_HASHES = new Map<string, string>();
const MAX_FILTER_HASHES = 1024;
