/**
 * Cleaning of golden values: what a silo's text becomes before survivorship compares it, and
 * which texts are refused. Placeholders are recognized by identity/normalize.ts, the one place
 * that knows them, so that a value refused as an identifier is refused here too. Pure: no I/O.
 */
import { isPlaceholderText, normalizeIdentifier, type NormalizeOptions } from '../identity/normalize.js';
import type { Cleaned } from './survivorship.js';

/** Trimmed, inner runs of spaces made one; placeholders ("n/a", "-", "unknown") blocked. */
export function cleanText(raw: string): Cleaned<string> {
  const text = raw.trim().replace(/\s+/g, ' ');
  return isPlaceholderText(text) ? { ok: false, reason: 'blocked', detail: `"${text}" is a placeholder, not a real value` } : { ok: true, value: text };
}

/** A person's name, cleaned and properly cased (see {@link properCase}). */
export function cleanName(raw: string): Cleaned<string> {
  const text = cleanText(raw);
  return text.ok ? { ok: true, value: properCase(text.value) } : text;
}

/**
 * Names as people write them. A name typed all in capitals ("DUMONT", as clerks do) or all in
 * lower case ("élodie", as people do on phones) carries no casing information, so each part gets
 * a capital: after a space, a hyphen or an apostrophe ("Jean-Pierre", "N'Diaye", "Le Gall"). A
 * name in mixed case is left alone: someone chose "McDonald" or "van der Berg" on purpose.
 */
export function properCase(name: string): string {
  if (/\p{Lu}/u.test(name) && /\p{Ll}/u.test(name)) return name;
  return name.toLowerCase().replace(/(^|[\s'’-])(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/**
 * How free text compares: without case, accents or dots ("Elodie", typed on a keyboard without
 * é, is "Élodie"; "St. Denis" is "St Denis").
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ').trim();
}

/**
 * An email, trimmed and lower-cased, or a phone in E.164 (national numbers read in the default
 * country): the same form the identity resolution uses, so that the golden values match it.
 */
export function cleanIdentifier(type: 'email' | 'phone', raw: string, options: NormalizeOptions): Cleaned<string> {
  const result = normalizeIdentifier({ type, value: raw }, options);
  if (result.ok) return { ok: true, value: result.identifier.value };
  return { ok: false, reason: result.blocked ? 'blocked' : 'invalid', detail: result.reason };
}

/** A calendar date, `YYYY-MM-DD`, that exists (no 1990-02-31). */
export function cleanDate(raw: string): Cleaned<string> {
  const text = cleanText(raw);
  if (!text.ok) return text;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== text.value) {
    return { ok: false, reason: 'invalid', detail: `expected a date like 1988-07-02, got "${text.value}"` };
  }
  return { ok: true, value: text.value };
}

/** An instant, returned as ISO 8601 in UTC so that every silo's times read alike. */
export function cleanTimestamp(raw: string): Cleaned<string> {
  const ms = Date.parse(raw);
  return Number.isNaN(ms)
    ? { ok: false, reason: 'invalid', detail: `expected an ISO 8601 date-time, got "${raw}"` }
    : { ok: true, value: new Date(ms).toISOString() };
}

/** A language tag in its canonical form: `en-gb` and `en_GB` become `en-GB`. */
export function cleanLocale(raw: string): Cleaned<string> {
  const text = cleanText(raw);
  if (!text.ok) return text;
  try {
    const [tag] = Intl.getCanonicalLocales(text.value.replace(/_/g, '-'));
    if (tag) return { ok: true, value: tag };
  } catch {
    // Falls through: Intl throws a RangeError on what is not a language tag.
  }
  return { ok: false, reason: 'invalid', detail: `expected a language tag such as fr or en-GB, got "${text.value}"` };
}
