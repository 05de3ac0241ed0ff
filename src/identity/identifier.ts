/**
 * What `customer(id:)` accepts, parsed into a typed identifier. Pure: no I/O.
 *
 * Accepted forms: `crm:<contact id>`, `loyalty:<member id>`, `commerce:<customer id>`,
 * `analytics:<visitor id>`, `email:<address>`, `phone:<number>`, `card:<loyalty card number>`,
 * and a golden id (see golden-id.ts).
 */
import type { Identifier, IdentifierType } from '../../connectors/types.js';
import { decodeGoldenId, GOLDEN_ID_PREFIX } from './golden-id.js';
import { normalizeIdentifier, recordIdProblem, type NormalizeOptions } from './normalize.js';
import { visibleText } from './unicode.js';
import type { SourceRecordKey } from './resolved-customer.js';
import { inputPrefix } from '../shared/errors.js';

export const IDENTIFIER_TYPES: readonly IdentifierType[] = ['crm', 'loyalty', 'commerce', 'analytics', 'email', 'phone', 'card'];

export const ACCEPTED_FORMS =
  '`crm:<HubSpot contact id>`, `loyalty:<Open Loyalty member id>`, `commerce:<Shopify customer id>`, ' +
  '`analytics:<Matomo visitor id>`, `email:<address>`, `phone:<number, international or national>`, ' +
  '`card:<loyalty card number>`, or a golden id (`' + GOLDEN_ID_PREFIX + '…`) returned in `Customer.id`';

/**
 * The longest value each identifier type takes, in characters after its `type:` prefix (a golden
 * id: the whole id), checked before anything else, so that no longer value reaches a silo (it
 * went out as a 1 MB URL and the silo was blamed). Why each:
 * - email 254: RFC 5321 section 4.5.3.1.3 caps a path at 256 octets, angle brackets included
 *   (RFC 3696 errata 1690);
 * - phone 40: E.164 numbers have at most 15 digits (ITU-T E.164 section 6.1); the rest is room for
 *   `+`, spaces, dots, dashes, parentheses and a national "(0)";
 * - card 40: ISO/IEC 7812 card numbers have at most 19 digits; loyalty programs' numbers are shorter,
 *   written with spaces or dashes;
 * - crm, loyalty, commerce, analytics 64: their forms (normalize.ts, RECORD_ID_FORMS) are at most 43
 *   characters (`gid://shopify/Customer/` and 20 digits), with room for spaces;
 * - golden 128: `cus_` and the base64url of `1p|<source>|<record id>` of a record id of up to 64
 *   characters (golden-id.ts).
 */
export const IDENTIFIER_MAX_LENGTHS: Readonly<Record<IdentifierType | 'golden', number>> = {
  email: 254,
  phone: 40,
  card: 40,
  crm: 64,
  loyalty: 64,
  commerce: 64,
  analytics: 64,
  golden: 128,
};

/** A parsed customer id: where resolution starts. */
export type CustomerIdInput =
  | { kind: 'identifier'; identifier: Identifier }
  | { kind: 'golden'; goldenId: string; anchor: SourceRecordKey };

export type ParseResult = { ok: true; value: CustomerIdInput } | { ok: false; message: string };

/**
 * Parses `customer(id:)`'s argument. Invisible format characters and surrounding spaces are
 * ignored; a record id must be in its silo's form (a Matomo visitor id is 16 hexadecimal
 * characters...), and the message of a refusal names the accepted form.
 */
export function parseCustomerId(raw: string, options: NormalizeOptions): ParseResult {
  const tooLong = lengthProblem(raw);
  if (tooLong) return { ok: false, message: tooLong };
  const text = visibleText(raw).trim();
  if (text.startsWith(GOLDEN_ID_PREFIX)) {
    const anchor = decodeGoldenId(text);
    if (!anchor) return { ok: false, message: `"${clip(raw)}" is not a valid golden id. Accepted: ${ACCEPTED_FORMS}.` };
    return { ok: true, value: { kind: 'golden', goldenId: text, anchor } };
  }
  const colon = text.indexOf(':');
  const type = colon > 0 ? text.slice(0, colon) : '';
  const value = colon > 0 ? text.slice(colon + 1) : '';
  if (!isIdentifierType(type)) {
    const what = colon > 0 ? `has an unknown type "${clip(type)}"` : 'has no type prefix';
    return { ok: false, message: `The id "${clip(raw)}" ${what}. Accepted: ${ACCEPTED_FORMS}.` };
  }
  if (value.trim() === '') {
    return { ok: false, message: `The id "${clip(raw)}" has an empty ${type} value. Accepted: ${ACCEPTED_FORMS}.` };
  }
  const problem = recordIdProblem(type, value);
  if (problem !== null) {
    return { ok: false, message: `The id "${clip(raw)}" is not a usable ${type} id: ${problem}. Accepted: ${ACCEPTED_FORMS}.` };
  }
  const normalized = normalizeIdentifier({ type, value }, options);
  if (!normalized.ok) {
    return { ok: false, message: `The id "${clip(raw)}" is not a usable ${type}: ${normalized.reason}. Accepted: ${ACCEPTED_FORMS}.` };
  }
  return { ok: true, value: { kind: 'identifier', identifier: normalized.identifier } };
}

export function isIdentifierType(type: string): type is IdentifierType {
  return (IDENTIFIER_TYPES as readonly string[]).includes(type);
}

/**
 * Why `raw` is too long for its type ({@link IDENTIFIER_MAX_LENGTHS}), or null. On the raw text,
 * before the invisible characters are dropped: no work grows with what a client sends. An id with
 * no known type is bounded by the longest type's maximum.
 */
function lengthProblem(raw: string): string | null {
  const start = raw.trimStart();
  const colon = start.indexOf(':');
  const type = colon > 0 ? start.slice(0, colon) : '';
  const [what, length, max] = start.startsWith(GOLDEN_ID_PREFIX)
    ? ['golden id', start.trimEnd().length, IDENTIFIER_MAX_LENGTHS.golden]
    : isIdentifierType(type)
      ? [`${type} value`, start.length - colon - 1, IDENTIFIER_MAX_LENGTHS[type]]
      : ['id', raw.length, MAX_ANY_ID];
  if (length <= max) return null;
  return `The id "${clip(raw)}" is too long: the ${what} has ${length.toLocaleString('en-US')} characters, over the ${max.toLocaleString('en-US')} allowed. Accepted: ${ACCEPTED_FORMS}.`;
}

/** The longest text of any id: the longest type's value and its prefix. */
const MAX_ANY_ID = Math.max(...Object.values(IDENTIFIER_MAX_LENGTHS)) + 'analytics:'.length;

/** Keeps a client's oversized input from flooding an error message: a short prefix. */
function clip(text: string): string {
  return inputPrefix(text);
}
