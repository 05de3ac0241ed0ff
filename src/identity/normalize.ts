/**
 * Identifier normalization, in one place: what makes two spellings of the same identifier equal.
 * Pure: no I/O.
 *
 * - email: trimmed and lower-cased. Real mailboxes are case-insensitive in practice, and every
 *   silo we model compares them so.
 * - phone: E.164 through libphonenumber-js, national numbers read in the default country.
 * - card: digits and letters only, upper-cased (cards are printed and typed with spaces).
 * - record ids: trimmed, otherwise as the silo gives them.
 *
 * Placeholder values that data-entry staff type when a customer gives nothing ("noemail@…",
 * "0000000000", "n/a") are refused as blocked: they would join strangers into one customer.
 *
 * Names are not identifiers, but they are folded here too (see {@link foldName}): they confirm or
 * refuse a weak link (rules.ts).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Identifier } from '../../connectors/types.js';
import { visibleText } from './unicode.js';

export interface NormalizeOptions {
  /** ISO 3166-1 alpha-2 country used to read phone numbers written without a country code. */
  defaultCountry: CountryCode;
}

/**
 * A refusal says why; `blocked` marks a placeholder (as opposed to a value that does not parse),
 * so that the golden record can tell "n/a" from a typo in its provenance.
 */
export type NormalizeResult = { ok: true; identifier: Identifier } | { ok: false; reason: string; blocked?: true };

const BLOCKED_EMAIL_LOCAL_PARTS = /^(no-?e?mail|none|no|nobody|test|unknown|na|n\/a|null|noreply|no-reply)$/;
const BLOCKED_TEXT = /^(n\/?a|none|null|unknown|-+|\.+|0+)$/i;

export function normalizeIdentifier(input: Identifier, options: NormalizeOptions): NormalizeResult {
  const value = input.value.trim();
  if (value === '') return { ok: false, reason: 'the value is empty' };
  if (isPlaceholderText(value)) return { ok: false, reason: `"${value}" is a placeholder, not a real value`, blocked: true };
  switch (input.type) {
    case 'email':
      return normalizeEmail(value);
    case 'phone':
      return normalizePhone(value, options.defaultCountry);
    case 'card': {
      const card = value.replace(/[\s-]/g, '').toUpperCase();
      return /^[0-9A-Z]+$/.test(card)
        ? { ok: true, identifier: { type: 'card', value: card } }
        : { ok: false, reason: 'a card number has only digits and letters' };
    }
    case 'crm':
    case 'loyalty':
    case 'commerce':
    case 'analytics':
      return { ok: true, identifier: { type: input.type, value } };
    default:
      return assertNever(input.type);
  }
}

/** True for what staff type when a customer gives nothing ("n/a", "-", "unknown"), in any field. */
export function isPlaceholderText(value: string): boolean {
  return BLOCKED_TEXT.test(value.trim());
}

function normalizeEmail(value: string): NormalizeResult {
  const email = value.toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || /\s/.test(email) || !email.slice(at + 1).includes('.')) {
    return { ok: false, reason: 'expected an address like anna@example.com' };
  }
  if (BLOCKED_EMAIL_LOCAL_PARTS.test(email.slice(0, at)) || email === 'none@none.com') {
    return { ok: false, reason: `"${value}" is a placeholder address`, blocked: true };
  }
  return { ok: true, identifier: { type: 'email', value: email } };
}

function normalizePhone(value: string, defaultCountry: CountryCode): NormalizeResult {
  // "0033…" is how many Europeans type the international prefix; libphonenumber reads it only
  // when the default country's exit code is 00, so make it explicit.
  const text = value.replace(/^\s*00(?=[1-9])/, '+').replace(/\(0\)/, '');
  const digits = text.replace(/\D/g, '');
  if (/^(\d)\1+$/.test(digits)) return { ok: false, reason: `"${value}" is a placeholder number`, blocked: true };
  const phone = parsePhoneNumberFromString(text, defaultCountry);
  if (!phone || !phone.isValid()) {
    return { ok: false, reason: `expected a phone number valid in international form (+33612345678) or in ${defaultCountry}` };
  }
  if (/^(\d)\1+$/.test(phone.nationalNumber)) return { ok: false, reason: `"${value}" is a placeholder number`, blocked: true };
  return { ok: true, identifier: { type: 'phone', value: phone.number } };
}

function assertNever(value: never): never {
  throw new Error(`Unhandled identifier type: ${String(value)}`);
}

/**
 * Letters that neither Unicode decomposition nor lower-casing bring to the Latin letters people
 * type for them on a keyboard without them: the dotless ı of Turkish, the German ß ("Strauß" is
 * "STRAUSS" in capitals), the ligatures æ and œ, and the Scandinavian, Polish, Croatian and
 * Icelandic letters that are letters of their own rather than a base letter with a mark.
 */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ħ: 'h', ŧ: 't',
};
const FOLDED_LETTERS = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

/**
 * Text folded for comparison, letter by letter: invisible characters dropped, compatibility
 * forms decomposed (NFKD: "ﬁ" is "fi", a full-width "Ａ" is "A"), marks and diacritics removed
 * (é, ç, ñ, the dot of Turkish İ, a modifier apostrophe ʼ), lower-cased without a locale, then the letters of {@link LETTER_FOLDS} spelt as
 * their keyboard equivalents. So "İLKNUR" and "Ilknur", "ÇELİK" and "Celik", "Strauß" and
 * "STRAUSS", "Søren" and "Soren", "Łukasz" and "Lukasz" fold alike. Spaces and punctuation stay.
 */
export function foldLetters(text: string): string {
  return visibleText(text)
    .normalize('NFKD')
    .replace(/[\p{M}\p{Diacritic}]/gu, '')
    .toLowerCase()
    .replace(FOLDED_LETTERS, (letter) => LETTER_FOLDS[letter]!);
}

/**
 * A first or last name folded for comparison ({@link foldLetters}), spaces and punctuation
 * removed, so that "Hélène", "HELENE" and " helene " are equal, and so are "Le Gall" and
 * "LEGALL", "N'Diaye" and "NDIAYE", "İLKNUR" and "Ilknur", "Strauß" and "STRAUSS". Null for a
 * missing or blank name, and for a placeholder ("n/a", "-").
 */
export function foldName(name: string | null | undefined): string | null {
  if (name === null || name === undefined || isPlaceholderText(name)) return null;
  const folded = foldLetters(name).replace(/[^\p{L}\p{N}]+/gu, '');
  return folded === '' ? null : folded;
}

/**
 * True for a normalized phone that the numbering plan types as a mobile (libphonenumber's
 * `MOBILE`). Everything else may be a household's line: a landline, and every number whose type
 * the plan cannot tell (`FIXED_LINE_OR_MOBILE`: all US and Canadian numbers; `VOIP`,
 * `SHARED_COST`, `UAN`, `PERSONAL_NUMBER`, unknown). No guard rests on a type the plan leaves open.
 */
export function isMobilePhone(identifier: Identifier): boolean {
  if (identifier.type !== 'phone') return false;
  return parsePhoneNumberFromString(identifier.value)?.getType() === 'MOBILE';
}
