/**
 * Cleaning of golden values: what a silo's text becomes before survivorship compares it, and
 * which texts are refused. Placeholders are recognized by identity/normalize.ts, the one place
 * that knows them, so that a value refused as an identifier is refused here too. Pure: no I/O.
 */
import { foldLetters, foldName, isPlaceholderText, normalizeIdentifier, type NormalizeOptions } from '../identity/normalize.js';
import { visibleText } from '../identity/unicode.js';
import type { Cleaned, RecordContext } from './survivorship.js';
import { utcFromFields } from '../shared/utc-date.js';

/**
 * Text as it is shown: one Unicode form (NFC: a decomposed "E\u0301lodie" is "Élodie"),
 * invisible format characters dropped ("Anna\u200B" is "Anna"), trimmed, inner runs of spaces
 * made one; placeholders ("n/a", "-", "unknown") blocked, and text of invisible characters only
 * refused. Every golden text value goes through it.
 */
export function cleanText(raw: string): Cleaned<string> {
  const text = visibleText(raw).trim().replace(/\s+/g, ' ');
  if (text === '' && raw.trim() !== '') return { ok: false, reason: 'invalid', detail: 'only invisible characters' };
  return isPlaceholderText(text) ? { ok: false, reason: 'blocked', detail: `"${text}" is a placeholder, not a real value` } : { ok: true, value: text };
}

/**
 * A person's name, cleaned and properly cased (see {@link properCase}); `context` is what the
 * record tells of the language it was written in.
 */
export function cleanName(raw: string, context: RecordContext = {}): Cleaned<string> {
  const text = cleanText(raw);
  return text.ok ? { ok: true, value: properCase(text.value, context) } : text;
}

/**
 * Particles of family names written in lower case inside a name ("Pieter van der Berg",
 * "Ludwig van Beethoven", "Charles de Gaulle", "Maria dos Santos", "Ortega y Gasset", "Ahmed
 * bin Saleh", "van 't Hof"): Dutch, German, French, Italian, Spanish, Portuguese and Arabic
 * prepositions and their contractions with an article. Not "le" and "la": in French they are articles that belong to the
 * family name and keep their capital ("Le Gall", "La Fontaine", "Jean de La Fontaine"); so a
 * Spanish "DE LA CRUZ" typed in capitals becomes "de La Cruz" (typed "de la Cruz", it stays so).
 * Italian family names often capitalize their particle ("Di Maio", "De Luca"): typed so, they
 * stay so; typed in capitals, they get the lower case of the other languages.
 */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'ter', 'ten', 'te', 'zu', 'zum', 'zur', 'de', 'des', 'du', 'di', 'da', 'do', 'dos', 'das', 'del', 'della', 'dello', 'dei', 'degli', 'y', 'bin', 'ibn', "'t", '’t']);

/**
 * Scottish and Irish names where "Mac" means "son of" and the root keeps its capital
 * ("MacLeod"). Only these: "Mac" is also the start of many names that are not Gaelic and take no
 * inner capital (Mack, Macey, Machado, Macias, Macaulay, Mackintosh, Macron), and no rule on the
 * letters tells them apart. "Mc" always takes it ("McDonald"): it has no such false friends.
 */
const MAC_ROOTS = new Set([
  'alister', 'allister', 'arthur', 'askill', 'bain', 'bean', 'bride', 'callum', 'coll', 'cormack', 'crae', 'diarmid',
  'donald', 'dermott', 'donnell', 'dougall', 'dowell', 'duff', 'ewan', 'ewen', 'fadyen', 'farlane', 'gill', 'gillivray', 'gowan',
  'gregor', 'guire', 'innes', 'intyre', 'isaac', 'iver', 'kay', 'kenna', 'kenzie', 'kinlay', 'kinnon', 'lachlan',
  'laren', 'lean', 'leish', 'lennan', 'leod', 'mahon', 'manus', 'millan', 'namara', 'naughton', 'neil', 'neill', 'nicol',
  'pherson', 'queen', 'rae', 'ritchie', 'tavish', 'vicar',
]);

/**
 * Names as people write them. A name typed all in capitals ("DUMONT", as clerks do) or all in
 * lower case ("élodie", as people do on phones) carries no casing information, so it is cased
 * the way the field does:
 * - each word and each part after a hyphen or an apostrophe gets a capital ("Jean-Pierre",
 *   "N'Diaye", "D'Angelo", "O'Brien", "Le Gall");
 * - "Mc" and the Gaelic "Mac" of {@link MAC_ROOTS} keep the root's capital ("McDonald",
 *   "MacLeod"; but "Mack", "Machado");
 * - the {@link PARTICLES} are lower case when other words follow them in the name ("van der
 *   Berg", "de Gaulle", "dos Santos"); a particle that is the whole name or its last word is a
 *   name of its own and keeps its capital ("Da", "Costa Da");
 * - Turkish and Azerbaijani names follow their alphabet, where I/ı and İ/i are two pairs of
 *   letters: when the name holds İ or ı ("İLKNUR ÇELİK" is "İlknur Çelik"), or when the record
 *   is Turkish or Azerbaijani (its language, else its address country) and the name shows
 *   letters of that alphabet ("IŞIK" is "Işık"; see casingLocale). Elsewhere an I is the Latin
 *   I. Never a stray combining dot: the lower case of "İ" without a locale is "i" followed by
 *   U+0307, which is why the locale matters.
 * A name in mixed case is left alone: someone chose "McDonald", "Di Maio" or "van der Berg" on
 * purpose. "ß" counts as neither case ("STRAUß" is a name in capitals: German has no capital ß
 * in common use).
 */
export function properCase(name: string, context: RecordContext = {}): string {
  const cased = name.replace(/ß/g, '');
  if (/\p{Lu}/u.test(cased) && /\p{Ll}/u.test(cased)) return name;
  const locale = casingLocale(name, context);
  const words = name.toLocaleLowerCase(locale).split(' ');
  return words
    .map((word, i) => (i < words.length - 1 && PARTICLES.has(word) ? word : capitalizeWord(word, locale)))
    .join(' ');
}

/**
 * "tr" or "az" when the name is written in the Turkish (or Azerbaijani) alphabet, else undefined
 * (no locale). İ and ı exist in no other alphabet. A Turkish record is not enough alone: a name
 * typed "ISMAIL" on a keyboard without İ means İsmail, and Turkish casing would make it
 * "Ismaıl"; only a name that also shows letters of that alphabet (Ç, Ğ, Ö, Ş, Ü) was typed with
 * it, so that its I is a dotless I ("IŞIK" is "Işık").
 */
function casingLocale(name: string, context: RecordContext): string | undefined {
  const language = context.language?.toLowerCase().split(/[-_]/)[0];
  const country = context.country?.toUpperCase();
  const azerbaijani = language === 'az' || (language === undefined && country === 'AZ');
  if (/[İı]/u.test(name)) return azerbaijani ? 'az' : 'tr';
  const turkic = language === 'tr' || language === 'az' || (language === undefined && (country === 'TR' || country === 'AZ'));
  if (turkic && /[ÇĞÖŞÜçğöşü]/u.test(name)) return azerbaijani ? 'az' : 'tr';
  return undefined;
}

/** One word, lower case: a capital for each part after a hyphen or an apostrophe, Mc and Mac. */
function capitalizeWord(word: string, locale: string | undefined): string {
  return word.replace(/(^|['’-])([^'’-]+)/gu, (_, before: string, part: string) => before + capitalizePart(part, locale));
}

function capitalizePart(part: string, locale: string | undefined): string {
  const gaelic = part.startsWith('mc') && part.length > 2 ? 2 : part.startsWith('mac') && MAC_ROOTS.has(part.slice(3)) ? 3 : 0;
  if (gaelic > 0) return capitalize(part.slice(0, gaelic), locale) + capitalize(part.slice(gaelic), locale);
  return capitalize(part, locale);
}

function capitalize(text: string, locale: string | undefined): string {
  // The first letter, not the first code unit: a letter outside the BMP is two of them.
  const [first = ''] = text;
  return first.toLocaleUpperCase(locale) + text.slice(first.length);
}

/**
 * How free text (an address's parts) compares: without case, accents, invisible characters or
 * dots ("St. Denis" is "St Denis"; "Strauß" is "STRAUSS"; see foldLetters in
 * identity/normalize.ts for the letters), words kept apart: "Apt 1, 23 Main St" is not
 * "Apt 12, 3 Main St". Names compare by {@link nameKey} instead.
 */
export function fold(text: string): string {
  return foldLetters(text).replace(/\./g, '').replace(/\s+/g, ' ').trim();
}

/**
 * How a cleaned first or last name compares with another of the same field: by the identity
 * rules' own rule (foldName in identity/normalize.ts), so that the golden record and identity
 * resolution agree on which names are one name: "Le Gall", "LeGall" and "le-gall" are `legall`,
 * and a silo's "LEGALL" is a duplicate of the CRM's "Le Gall", not a conflicting value. A name
 * with no letter or digit (which foldName leaves null) compares by {@link fold}.
 */
export function nameKey(name: string): string {
  return foldName(name) ?? fold(name);
}

/**
 * An email, trimmed and lower-cased, or a phone in E.164 (a national number read in `country`,
 * the record's address country as written or as a code, then in the default country): the same
 * form the identity resolution uses, so that the golden values match it.
 */
export function cleanIdentifier(type: 'email' | 'phone', raw: string, options: NormalizeOptions, country?: string | null): Cleaned<string> {
  const result = normalizeIdentifier({ type, value: visibleText(raw), ...(country ? { country } : {}) }, options);
  if (result.ok) return { ok: true, value: result.identifier.value };
  return { ok: false, reason: result.blocked ? 'blocked' : 'invalid', detail: result.reason };
}

/** A calendar date, `YYYY-MM-DD`, that exists (no 1990-02-31). */
export function cleanDate(raw: string): Cleaned<string> {
  const text = cleanText(raw);
  if (!text.ok) return text;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.value);
  const date = match ? utcFromFields(Number(match[1]), Number(match[2]), Number(match[3])) : null;
  if (!date || date.toISOString().slice(0, 10) !== text.value) {
    return { ok: false, reason: 'invalid', detail: `expected a date like 1988-07-02, got "${text.value}"` };
  }
  return { ok: true, value: text.value };
}

/** An instant, returned as ISO 8601 in UTC so that every silo's times read alike. */
export function cleanTimestamp(raw: string): Cleaned<string> {
  const ms = Date.parse(visibleText(raw));
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
