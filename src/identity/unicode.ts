/**
 * Text as silos hand it over, made comparable: one Unicode form, no invisible characters. Pure.
 *
 * A value copied from a web form or a spreadsheet may carry characters nobody sees: a zero-width
 * space (U+200B) at the end of an email, a byte-order mark (U+FEFF) at the start of a name, a
 * soft hyphen (U+00AD) inside it. And one letter may come in two encodings: "é" as one code point
 * (NFC) or as "e" plus a combining accent (NFD, as macOS file names and some exports give it).
 * Two such values look the same to a person and differ to a computer: they must be the same here.
 */

/**
 * Invisible characters to drop: every format character (Unicode category Cf: zero-width space,
 * joiners, directional marks, the byte-order mark, the soft hyphen, word joiner...), plus the few
 * invisible ones outside Cf that editors insert (the Hangul fillers and the Braille blank, which
 * phishing kits and copy-paste also leave). Zero-width joiners (U+200D) matter in some scripts'
 * names and emoji, never in an identifier or a name a retailer stores in Latin or Cyrillic text.
 */
const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** The text in NFC with invisible characters removed (not trimmed: callers decide about spaces). */
export function visibleText(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE, '');
}
