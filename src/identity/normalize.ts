/**
 * Identifier normalization, in one place: what makes two spellings of the same identifier equal.
 * Pure: no I/O.
 *
 * Every value first goes through {@link visibleText} (NFC, invisible format characters such as a
 * zero-width space dropped) and is trimmed. Then, by type:
 * - email: the canonical mailbox (connectors/shared/mailbox.ts): lower-cased, trailing dot of the
 *   domain dropped, `+tag` dropped for the providers that document sub-addressing, googlemail.com
 *   read as gmail.com. An identity's value is this canonical mailbox; the golden `email` keeps
 *   the address a silo holds.
 * - phone: E.164 through libphonenumber-js. A national number is read in the record's own
 *   country (the identifier's `country` hint, a country name in any of several languages or an
 *   ISO code), then in the default country; one valid in neither but valid with a `+` in front
 *   (`33652947840`) is read as international.
 * - card: digits and letters only, upper-cased (cards are printed and typed with spaces).
 * - record ids, by each silo's documented form (see {@link RECORD_ID_FORMS}): HubSpot contact ids
 *   and Shopify customer ids are integers (leading zeros dropped; a Shopify `gid://` read as its
 *   number), Open Loyalty member ids are UUIDs and Matomo visitor ids 16 hexadecimal characters
 *   (both lower-cased). A record id not in its silo's form is kept as given: a silo's answer is
 *   matched leniently, only a client's input is refused ({@link recordIdProblem}).
 *
 * Placeholder values that data-entry staff type when a customer gives nothing ("noemail@…",
 * "pas.de.mail@…", "0000000000", "n/a") are refused as blocked: they would join strangers into
 * one customer.
 *
 * Names are not identifiers, but they are folded here too (see {@link foldName}): they confirm or
 * refuse a weak link (rules.ts).
 */
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import type { Identifier, IdentifierType } from '../../connectors/types.js';
import { canonicalMailbox } from '../../connectors/shared/mailbox.js';
import { visibleText } from './unicode.js';
import { countryCodeOf } from './country.js';
import { assertNever } from '../../connectors/shared/exhaustive.js';
import { inputPrefix } from '../shared/errors.js';

export interface NormalizeOptions {
  /** ISO 3166-1 alpha-2 country used to read phone numbers written without a country code. */
  defaultCountry: CountryCode;
}

/**
 * A refusal says why; `blocked` marks a placeholder (as opposed to a value that does not parse),
 * so that the golden record can tell "n/a" from a typo in its provenance.
 */
export type NormalizeResult = { ok: true; identifier: Identifier } | { ok: false; reason: string; blocked?: true };

/** "mail", "email", "e-mail", "e.mail", "e_mail". */
/** "mail" and the words for an address in the stores' languages: email, e-mail, courriel, adresse, correo... */
const MAIL = '(?:(?:e[._-]?)?mail|courriel|adresse?|address|adres|correo|indirizzo|direccion)';
/**
 * Local parts that clerks type when a customer gives no email, whatever the domain (the
 * retailer's own `no.email@maison-cassel.fr` as much as `noemail@gmail.com`). Each entry is a
 * run of words that may be written with `.`, `-`, `_`, `'` or nothing between them.
 */
const PLACEHOLDER_LOCAL_PARTS: readonly (readonly string[])[] = [
  // English (UK, US)
  ['no'], ['no', MAIL], ['none'], ['nobody'], ['no', 'reply'], ['do', 'not', 'reply'], ['test'], ['unknown'],
  ['na'], ['n/a'], ['null'], ['not', 'provided'], ['no', MAIL, 'address'], ['declined'],
  // French (France, Belgium)
  ['pas', 'de?', MAIL], ['sans', MAIL], ['aucun(?:e)?'], ['aucun(?:e)?', MAIL], ['inconnu(?:e)?'], ['rien'], ['neant'],
  // German
  ['kein(?:e)?'], ['kein(?:e)?', MAIL], ['ohne', MAIL], ['unbekannt'], ['kein(?:e)?', 'angabe'], ['k', 'a'],
  // Spanish
  ['sin', MAIL], ['ningun[oa]'], ['desconocid[oa]'], ['no', 'tiene'],
  // Italian
  ['nessun[oa]'], ['nessun[oa]', MAIL], ['senza', MAIL], ['sconosciut[oa]'], ['niente'],
  // Dutch (Belgium)
  ['geen'], ['geen', MAIL], ['onbekend'], ['n', 'v', 't'],
];
const BLOCKED_EMAIL_LOCAL_PARTS = new RegExp(`^(?:${PLACEHOLDER_LOCAL_PARTS.map((words) => words.join("[._'-]?")).join('|')})$`);
/** Whole addresses that are placeholders although their local part is not. */
const BLOCKED_EMAILS = new Set(['none@none.com']);
const BLOCKED_TEXT = /^(n\/?a|none|null|unknown|-+|\.+|0+)$/i;

/**
 * Each silo's documented form of its record ids, and how two spellings of one id are made equal.
 * `canonical` returns null when the value is not in the form.
 */
export const RECORD_ID_FORMS: Record<'crm' | 'loyalty' | 'commerce' | 'analytics', { accepted: string; canonical(value: string): string | null }> = {
  // HubSpot: "hs_object_id", a number (CRM API, object ids are 64-bit integers sent as strings).
  crm: { accepted: 'a HubSpot contact id is a whole number, like 667', canonical: (v) => integerId(v) },
  // Open Loyalty: member ids are UUIDs (`customerId`, format uuid); UUIDs compare without case (RFC 9562 §4).
  loyalty: {
    accepted: 'an Open Loyalty member id is a UUID, like 9b2f4c1e-0d3a-4e5b-8c7d-6a5f4e3d2c1b',
    canonical: (v) => (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? v.toLowerCase() : null),
  },
  // Shopify: customer ids are integers; the GraphQL Admin API writes them gid://shopify/Customer/<id>.
  commerce: {
    accepted: 'a Shopify customer id is a whole number, like 7000000001, or its gid://shopify/Customer/7000000001 form',
    canonical: (v) => integerId(/^gid:\/\/shopify\/Customer\/(\d+)$/i.exec(v)?.[1] ?? v),
  },
  // Matomo: idvisitor is 8 bytes, written as 16 hexadecimal characters (Live API `visitorId`).
  analytics: {
    accepted: 'a Matomo visitor id is 16 hexadecimal characters, like 77917fedb71ec127',
    canonical: (v) => (/^[0-9a-f]{16}$/i.test(v) ? v.toLowerCase() : null),
  },
};

function integerId(value: string): string | null {
  return /^\d{1,20}$/.test(value) ? value.replace(/^0+(?=\d)/, '') : null;
}

/**
 * Normalizes one identifier (see the module's comment for the rules by type). Never throws: a
 * value that cannot be used comes back as a refusal saying what is accepted.
 */
export function normalizeIdentifier(input: Identifier, options: NormalizeOptions): NormalizeResult {
  const value = visibleText(input.value).trim();
  if (value === '') return { ok: false, reason: 'the value is empty' };
  if (isPlaceholderText(value)) return { ok: false, reason: `"${inputPrefix(value)}" is a placeholder, not a real value`, blocked: true };
  switch (input.type) {
    case 'email':
      return normalizeEmail(value);
    case 'phone':
      return normalizePhone(value, input.country, options.defaultCountry);
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
      return { ok: true, identifier: { type: input.type, value: RECORD_ID_FORMS[input.type].canonical(value) ?? value } };
    default:
      return assertNever(input.type, 'identifier type');
  }
}

/**
 * What is wrong with a record id a client sent, or null when it is in its silo's form (see
 * {@link RECORD_ID_FORMS}); null for the other identifier types. The value is read as
 * {@link normalizeIdentifier} reads it (invisible characters and surrounding spaces ignored).
 */
export function recordIdProblem(type: IdentifierType, value: string): string | null {
  if (type !== 'crm' && type !== 'loyalty' && type !== 'commerce' && type !== 'analytics') return null;
  const form = RECORD_ID_FORMS[type];
  return form.canonical(visibleText(value).trim()) === null ? form.accepted : null;
}

/** True for what staff type when a customer gives nothing ("n/a", "-", "unknown"), in any field. */
export function isPlaceholderText(value: string): boolean {
  return BLOCKED_TEXT.test(value.trim());
}

/** True for an address whose local part is a placeholder clerks type (see PLACEHOLDER_LOCAL_PARTS). */
export function isPlaceholderEmail(address: string): boolean {
  const email = visibleText(address).trim().toLowerCase();
  const at = email.lastIndexOf('@');
  const local = (at < 0 ? email : email.slice(0, at)).normalize('NFD').replace(/\p{Diacritic}/gu, '');
  return BLOCKED_EMAIL_LOCAL_PARTS.test(local) || BLOCKED_EMAILS.has(canonicalMailbox(email)) || KEYBOARD_FILLER.test(email);
}

/** One character repeated on both sides of the `@` (`x@x.fr`, `aaa@aaa.com`): a clerk filling a required field. */
const KEYBOARD_FILLER = /^([a-z0-9])\1*@\1+\./;

function normalizeEmail(value: string): NormalizeResult {
  const email = value.toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || /\s/.test(email) || !email.slice(at + 1).replace(/\.+$/, '').includes('.')) {
    return { ok: false, reason: 'expected an address like anna@example.com' };
  }
  if (isPlaceholderEmail(email)) return { ok: false, reason: `"${inputPrefix(value)}" is a placeholder address`, blocked: true };
  return { ok: true, identifier: { type: 'email', value: canonicalMailbox(email) } };
}

/** The number as libphonenumber reads it (in `country` when national), or undefined unless valid. */
function validPhone(text: string, country?: CountryCode): PhoneNumber | undefined {
  const phone = parsePhoneNumberFromString(text, country);
  return phone?.isValid() ? phone : undefined;
}

/**
 * A number written without `+`: read in the record's country, then the default one, then as an
 * international number whose "+" was left out (33652947840). Parsed one reading at a time, the
 * first valid one wins: a parse is the costly part, and most numbers are valid at the first.
 */
function nationalReading(text: string, digits: string, own: CountryCode | null, defaultCountry: CountryCode): PhoneNumber | undefined {
  return (
    (own !== null && own !== defaultCountry ? validPhone(text, own) : undefined) ??
    validPhone(text, defaultCountry) ??
    validPhone(`+${digits}`)
  );
}

function normalizePhone(value: string, country: string | undefined, defaultCountry: CountryCode): NormalizeResult {
  // "0033…" is how many Europeans type the international prefix; libphonenumber reads it only
  // when the default country's exit code is 00, so make it explicit.
  const text = value.replace(/^\s*00(?=[1-9])/, '+').replace(/\(0\)/, '');
  const digits = text.replace(/\D/g, '');
  if (/^(\d)\1+$/.test(digits)) return { ok: false, reason: `"${inputPrefix(value)}" is a placeholder number`, blocked: true };
  const own = country === undefined ? null : countryCodeOf(country);
  const phone = text.trim().startsWith('+') ? validPhone(text) : nationalReading(text, digits, own, defaultCountry);
  if (!phone) {
    const where = own && own !== defaultCountry ? `${own} or ${defaultCountry}` : defaultCountry;
    return { ok: false, reason: `expected a phone number valid in international form (+33612345678) or in ${where}` };
  }
  if (/^(\d)\1+$/.test(phone.nationalNumber)) return { ok: false, reason: `"${inputPrefix(value)}" is a placeholder number`, blocked: true };
  return { ok: true, identifier: { type: 'phone', value: phone.number } };
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
 * The one rule by which person names compare, everywhere: identity resolution (a name confirms
 * or refuses a weak link, rules.ts) and the golden record (which values of `firstName` and
 * `lastName` are one value, golden/clean.ts nameKey). The letters are folded
 * ({@link foldLetters}: no case, accents, invisible characters; the letters a keyboard lacks
 * spelt as typed) and everything that is not a letter or a digit is removed: spaces, hyphens,
 * apostrophes and dots. People write one name with and without them, and a clerk's form or a
 * till may drop them: "Le Gall", "LeGall", "le-gall" and "LE GALL" are `legall`; "Jean-Pierre"
 * and "Jean Pierre" are `jeanpierre`; "N'Diaye" is `ndiaye`. The cost, two names that differ
 * only by a space ("Anne Marie" and "Annemarie"), is one name in practice.
 * Null for a missing or blank name, and for a placeholder ("n/a", "-").
 * Free text whose word boundaries carry meaning (an address) compares with golden/clean.ts `fold`,
 * which keeps them.
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
