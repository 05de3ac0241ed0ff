/**
 * The same mailbox written differently, as silos hold it: invisible characters a copy-paste
 * leaves, a trailing dot after the domain, a sub-addressing tag, Gmail's dots moved. And the
 * canonical mailbox they all stand for, as the gateway matches them. Pure: no I/O.
 *
 * Sources of the rules: RFC 5321 (a domain written with its root dot is the same domain); RFC
 * 5233 and the providers' help pages for sub-addressing ("+tag": Gmail, Outlook.com, iCloud Mail,
 * Fastmail, Proton); Gmail's help ("dots don't matter in Gmail addresses").
 */
import type { Random } from '../random.js';

/** Zero-width space: web pages and word processors put it where a line may break. */
export const ZERO_WIDTH_SPACE = '\u200b';
/** Byte order mark: the start of a text file, kept by a copy from a CSV export's first cell. */
export const BYTE_ORDER_MARK = '\ufeff';

/** Providers whose mailboxes ignore a `+tag` (the domains the generator writes tags on). */
export const PLUS_TAG_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com',
  'fastmail.com', 'proton.me', 'protonmail.com',
]);
const GMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);

/** Tags people use to sort a shop's mail. */
const TAGS = ['shop', 'maisoncassel', 'cassel', 'achats', 'promo', 'newsletter'] as const;

function split(email: string): { local: string; domain: string } {
  const at = email.lastIndexOf('@');
  return { local: email.slice(0, at), domain: email.slice(at + 1) };
}

/**
 * `text` with an invisible character from a copy-paste: a zero-width space at the end (50%) or
 * inside (before the `@` for an email, else after the first letter; 25%), or a byte order mark in
 * front (25%).
 */
export function withInvisible(rng: Random, text: string): string {
  const r = rng.next();
  if (r < 0.5) return text + ZERO_WIDTH_SPACE;
  if (r < 0.75) {
    const at = text.indexOf('@');
    const cut = at > 0 ? at : Math.min(1, text.length);
    return text.slice(0, cut) + ZERO_WIDTH_SPACE + text.slice(cut);
  }
  return BYTE_ORDER_MARK + text;
}

/** A name in decomposed Unicode (NFD: `e` + U+0301 for `é`), as macOS and some PDFs give it; null when the name has nothing to decompose. */
export function decomposed(name: string): string | null {
  const nfd = name.normalize('NFD');
  return nfd === name ? null : nfd;
}

/** `anna@gmail.com.`: the domain with its root dot, as some autocompletes and forms leave it. */
export function withTrailingDot(email: string): string {
  return `${email}.`;
}

/** Whether the address's provider ignores `+tags` ({@link PLUS_TAG_DOMAINS}). */
export function takesPlusTag(email: string): boolean {
  return PLUS_TAG_DOMAINS.has(split(email).domain);
}

/** `anna+shop@gmail.com`: a sub-addressing tag to sort the shop's mail. Only for {@link takesPlusTag} addresses. */
export function withPlusTag(rng: Random, email: string): string {
  const { local, domain } = split(email);
  return `${local}+${rng.pick(TAGS)}@${domain}`;
}

export function isGmail(email: string): boolean {
  return GMAIL_DOMAINS.has(split(email).domain);
}

/**
 * A Gmail address with its dots moved (`francoismasson19@gmail.com` for
 * `francois.masson19@gmail.com`, or `f.rancois.masson19@...`): Gmail delivers it to the same
 * mailbox. Always different from `email`.
 */
export function withGmailDots(rng: Random, email: string): string {
  const { local, domain } = split(email);
  const bare = local.replaceAll('.', '');
  if (bare !== local && rng.chance(0.6)) return `${bare}@${domain}`;
  // One dot somewhere inside the bare local part (never first, last or where the old one was).
  for (let i = 0; i < 8; i++) {
    const cut = rng.int(1, Math.max(1, bare.length - 1));
    const candidate = `${bare.slice(0, cut)}.${bare.slice(cut)}`;
    if (candidate !== local && cut < bare.length) return `${candidate}@${domain}`;
  }
  return bare !== local ? `${bare}@${domain}` : `${bare.charAt(0)}.${bare.slice(1)}@${domain}`;
}

/**
 * The mailbox an address delivers to, as the gateway matches emails: Unicode NFC, invisible format
 * characters (Unicode category Cf: U+200B, U+FEFF, soft hyphen, bidi marks) dropped, trimmed,
 * lower-cased, the domain's trailing dot dropped, a `+tag` dropped for {@link PLUS_TAG_DOMAINS},
 * and dots ignored for Gmail.
 */
export function canonicalMailbox(stored: string): string {
  const email = stored.normalize('NFC').replace(/\p{Cf}/gu, '').trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  let local = email.slice(0, at);
  const domain = email.slice(at + 1).replace(/\.$/, '');
  if (PLUS_TAG_DOMAINS.has(domain)) local = local.replace(/\+.*$/, '');
  if (GMAIL_DOMAINS.has(domain)) local = local.replaceAll('.', '');
  return `${local}@${domain}`;
}
