/**
 * The golden id: an opaque, reversible encoding of a cluster's anchor record (its
 * highest-priority source record key). Any replica decodes it and resolves from the anchor, so no
 * shared store is needed. It holds a record id, never an email or phone, because ids end up in
 * URLs and logs. Pure: no I/O.
 *
 * Format: `cus_` + base64url(`<version>|<source>|<record id>`). The version field is the format
 * version `1`, so that a later encoding can be told apart, followed by its flags: `1` for a
 * durable id, `1p` for a provisional one, minted from a cluster that a silo failure left
 * incomplete (see {@link encodeGoldenId}). Clients must treat the id as opaque; the schema tells
 * them which ids are provisional (`Customer.resolution.complete`).
 */
import type { Source } from '../generated/graphql.js';
import type { SourceRecordKey } from './resolved-customer.js';

export const GOLDEN_ID_PREFIX = 'cus_';
const VERSION = '1';
/** The flag of a provisional id, after the version. */
const PROVISIONAL = 'p';
const SOURCES: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

/**
 * Which record anchors a cluster: the first source in this order that the cluster has a record
 * in, then the smallest id. The CRM comes first because its contact id is the one the business
 * already treats as "the customer", and it survives most changes in the other silos.
 */
export const ANCHOR_PRIORITY: readonly Source[] = ['crm', 'commerce', 'loyalty', 'analytics'];

export interface GoldenIdOptions {
  /**
   * True when the cluster is incomplete because a silo failed during resolution: its anchor may
   * not be the one the whole cluster has, so the id is marked, and differs from the durable id of
   * the same anchor. It still decodes to its anchor, so it keeps resolving.
   */
  provisional?: boolean;
}

/** The golden id of a cluster whose anchor is `anchor` (see {@link chooseAnchor}). */
export function encodeGoldenId(anchor: SourceRecordKey, options: GoldenIdOptions = {}): string {
  const version = options.provisional ? VERSION + PROVISIONAL : VERSION;
  return GOLDEN_ID_PREFIX + Buffer.from(`${version}|${anchor.source}|${anchor.id}`, 'utf8').toString('base64url');
}

/** The anchor a golden id names (durable or provisional), or null when the text is not a golden id of a known version. */
export function decodeGoldenId(goldenId: string): SourceRecordKey | null {
  return decode(goldenId)?.anchor ?? null;
}

/** Whether a golden id was minted from an incomplete cluster; false for a durable id and for text that is no golden id. */
export function isProvisionalGoldenId(goldenId: string): boolean {
  return decode(goldenId)?.provisional ?? false;
}

function decode(goldenId: string): { anchor: SourceRecordKey; provisional: boolean } | null {
  if (!goldenId.startsWith(GOLDEN_ID_PREFIX)) return null;
  const body = goldenId.slice(GOLDEN_ID_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const [version, source, ...rest] = Buffer.from(body, 'base64url').toString('utf8').split('|');
  const id = rest.join('|');
  if (version !== VERSION && version !== VERSION + PROVISIONAL) return null;
  const known = SOURCES.find((s) => s === source);
  if (!known || id === '') return null;
  return { anchor: { source: known, id }, provisional: version !== VERSION };
}

/** The anchor of a cluster's records (see {@link ANCHOR_PRIORITY}), or null for no records. */
export function chooseAnchor(records: readonly SourceRecordKey[]): SourceRecordKey | null {
  for (const source of ANCHOR_PRIORITY) {
    const ids = records.filter((r) => r.source === source).map((r) => r.id);
    if (ids.length > 0) return { source, id: ids.sort(compareIds)[0]! };
  }
  return null;
}

/** Numeric ids compare as numbers (HubSpot, Shopify), others as text. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
