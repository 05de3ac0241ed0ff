/**
 * Placeholder emails that clerks type to get past a required field when a customer gives no
 * address: "no email" in the words of the store's staff or of the customer, on the retailer's
 * own domain or a made-up one. Many persons share each one: a placeholder is never an identity.
 * Pure: no I/O.
 */
import type { Random } from '../random.js';

/** The well-known placeholders (also in the gateway's default blocked values). */
export const CLASSIC_PLACEHOLDER_EMAILS: readonly string[] = ['none@none.com', 'n/a', 'no@email.com'];

/** "No email" in words, by language: each word list is joined with one separator. */
const WORDS: Record<'fr' | 'en' | 'de' | 'es', ReadonlyArray<readonly [readonly string[], number]>> = {
  // French staff: the stores are in France.
  fr: [[['no', 'email'], 30], [['pas', 'de', 'mail'], 20], [['sans', 'email'], 20], [['aucun'], 15], [['pas', 'de', 'email'], 15]],
  en: [[['no', 'mail'], 40], [['none'], 30], [['no', 'email'], 30]],
  // What a German or Spanish customer answers ("keine", "sin email"), typed as heard.
  de: [[['keine'], 60], [['kein', 'email'], 40]],
  es: [[['sin', 'email'], 60], [['ninguno'], 40]],
};

const SEPARATORS: ReadonlyArray<readonly [string, number]> = [['.', 40], ['', 30], ['-', 15], ['_', 15]];

/** Every local part {@link placeholderEmail} can write, for tests and hand-made populations. */
export const PLACEHOLDER_LOCAL_PARTS: ReadonlySet<string> = new Set(
  Object.values(WORDS).flatMap((entries) => entries.flatMap(([words]) => SEPARATORS.map(([sep]) => words.join(sep)))),
);

/** Made-up domains some clerks prefer to the retailer's own. */
const OTHER_DOMAINS = ['email.com', 'mail.com', 'none.fr'] as const;

/**
 * A placeholder email a clerk types. Habits concentrate on a few values: 45% `noemail@<domain>`
 * (the retailer's own instruction to its stores), 15% one of {@link CLASSIC_PLACEHOLDER_EMAILS};
 * the other 40% "no email" in words (French 70%, English 20%, and for a German or Spanish
 * speaking customer their own word 10%) with one of `.`, none, `-`, `_` between words, on
 * `domain` (80%) or a made-up domain. `language` is the customer's (ISO 639-1).
 */
export function placeholderEmail(rng: Random, domain: string, language: string): string {
  const r = rng.next();
  if (r < 0.45) return `noemail@${domain}`;
  if (r < 0.6) return rng.pick(CLASSIC_PLACEHOLDER_EMAILS);
  const own = language === 'de' || language === 'es' ? language : null;
  const lang = rng.weighted<keyof typeof WORDS>([['fr', 70], ['en', 20], [own ?? 'fr', 10]]);
  const words = rng.weighted(WORDS[lang]);
  const local = words.join(rng.weighted(SEPARATORS));
  return `${local}@${rng.chance(0.8) ? domain : rng.pick(OTHER_DOMAINS)}`;
}

/** Whether a stored email (any case, spaces) is one the generator writes as a placeholder. */
export function isPlaceholderEmail(stored: string): boolean {
  const email = stored.trim().toLowerCase();
  if (CLASSIC_PLACEHOLDER_EMAILS.includes(email)) return true;
  const at = email.indexOf('@');
  return at > 0 && (PLACEHOLDER_LOCAL_PARTS.has(email.slice(0, at)) || email.slice(0, at) === 'noemail');
}
