/**
 * The golden id: an opaque, reversible encoding of a cluster's anchor record (its
 * highest-priority source record key). Any replica decodes it and resolves from the anchor, so no
 * shared store is needed. It holds a record id, never an email or phone, because ids end up in
 * URLs and logs. Pure: no I/O.
 *
 * Format: `cus_` + base64url(`1|<source>|<record id>`). The leading `1` is the format version, so
 * that a later encoding can be told apart. Clients must treat the id as opaque.
 */
import type { Source } from '../generated/graphql.js';
import type { SourceRecordKey } from '../customer.js';

export const GOLDEN_ID_PREFIX = 'cus_';
const VERSION = '1';
const SOURCES: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

/**
 * Which record anchors a cluster: the first source in this order that the cluster has a record
 * in, then the smallest id. The CRM comes first because its contact id is the one the business
 * already treats as "the customer", and it survives most changes in the other silos.
 */
export const ANCHOR_PRIORITY: readonly Source[] = ['crm', 'commerce', 'loyalty', 'analytics'];

export function encodeGoldenId(anchor: SourceRecordKey): string {
  return GOLDEN_ID_PREFIX + Buffer.from(`${VERSION}|${anchor.source}|${anchor.id}`, 'utf8').toString('base64url');
}

/** The anchor a golden id names, or null when the text is not a golden id of a known version. */
export function decodeGoldenId(goldenId: string): SourceRecordKey | null {
  if (!goldenId.startsWith(GOLDEN_ID_PREFIX)) return null;
  const body = goldenId.slice(GOLDEN_ID_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const [version, source, ...rest] = Buffer.from(body, 'base64url').toString('utf8').split('|');
  const id = rest.join('|');
  if (version !== VERSION || !SOURCES.includes(source as Source) || id === '') return null;
  return { source: source as Source, id };
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
