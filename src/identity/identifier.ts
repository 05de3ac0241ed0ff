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

export const IDENTIFIER_TYPES: readonly IdentifierType[] = ['crm', 'loyalty', 'commerce', 'analytics', 'email', 'phone', 'card'];

export const ACCEPTED_FORMS =
  '`crm:<HubSpot contact id>`, `loyalty:<Open Loyalty member id>`, `commerce:<Shopify customer id>`, ' +
  '`analytics:<Matomo visitor id>`, `email:<address>`, `phone:<number, international or national>`, ' +
  '`card:<loyalty card number>`, or a golden id (`' + GOLDEN_ID_PREFIX + '…`) returned in `Customer.id`';

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

/** Keeps a client's oversized input from flooding an error message. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
