/**
 * Email addresses that reach the same mailbox, as the providers document them. Pure: shared by
 * the gateway's normalizer (which matches on the canonical mailbox) and the connectors (which must
 * search the silos for every spelling of it).
 *
 * Rules:
 * - Every domain: case does not matter in practice, and a trailing dot after the domain
 *   (`lea@gmail.com.`) is the DNS root, the same domain (RFC 1034 §3.1).
 * - Sub-addressing (RFC 5233): `name+tag@domain` is delivered to `name@domain` for providers
 *   that document it: Gmail ("add a plus sign and any word", Gmail Help), Outlook.com, Hotmail,
 *   Live and MSN ("plus addressing", Microsoft), iCloud, me.com and mac.com (Apple's iCloud Mail
 *   "plus addressing"), Fastmail ("plus addressing"), Proton ("+aliases", Proton Mail). Yahoo's
 *   "-keyword" disposable addresses are separate mailboxes a user creates, and a hyphen is a
 *   common part of a name: not folded. Other domains: the tag is kept (a company's server may
 *   route `sales+eu@` elsewhere).
 * - Gmail: `googlemail.com` is the same as `gmail.com` (Google). Gmail also ignores dots in the
 *   name ("dots don't matter in Gmail addresses"), but no silo's search can find an address by
 *   its name without dots, so dots are NOT folded: see the README.
 */

/** Domains whose mailboxes ignore a `+tag`, with the domain they are the same as. */
const SUB_ADDRESSING: ReadonlyMap<string, string> = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
  ['outlook.com', 'outlook.com'],
  ['hotmail.com', 'hotmail.com'],
  ['hotmail.fr', 'hotmail.fr'],
  ['hotmail.co.uk', 'hotmail.co.uk'],
  ['hotmail.de', 'hotmail.de'],
  ['hotmail.es', 'hotmail.es'],
  ['hotmail.it', 'hotmail.it'],
  ['outlook.fr', 'outlook.fr'],
  ['outlook.de', 'outlook.de'],
  ['outlook.es', 'outlook.es'],
  ['outlook.it', 'outlook.it'],
  ['live.com', 'live.com'],
  ['live.fr', 'live.fr'],
  ['live.co.uk', 'live.co.uk'],
  ['live.de', 'live.de'],
  ['live.it', 'live.it'],
  ['live.be', 'live.be'],
  ['msn.com', 'msn.com'],
  ['icloud.com', 'icloud.com'],
  ['me.com', 'me.com'],
  ['mac.com', 'mac.com'],
  ['fastmail.com', 'fastmail.com'],
  ['fastmail.fm', 'fastmail.fm'],
  ['proton.me', 'proton.me'],
  ['protonmail.com', 'protonmail.com'],
  ['protonmail.ch', 'protonmail.ch'],
  ['pm.me', 'pm.me'],
]);

/** The other domains a canonical domain is written as (googlemail.com for gmail.com). */
const ALIASES: ReadonlyMap<string, readonly string[]> = new Map([['gmail.com', ['googlemail.com']]]);

/**
 * The mailbox an address reaches: lower-cased, trailing dots of the domain dropped, the
 * provider's domain alias resolved and a `+tag` dropped where the provider documents both.
 * Surrounding spaces are dropped; the last `@` separates the domain; text without one comes
 * back lower-cased.
 */
export function canonicalMailbox(address: string): string {
  const email = address.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1).replace(/\.+$/, '');
  const canonicalDomain = SUB_ADDRESSING.get(domain);
  if (canonicalDomain !== undefined) {
    domain = canonicalDomain;
    const plus = local.indexOf('+');
    if (plus > 0) local = local.slice(0, plus);
  }
  return `${local}@${domain}`;
}

/** Whether the provider of a canonical mailbox documents `+tag` sub-addressing. */
export function hasSubAddressing(mailbox: string): boolean {
  return SUB_ADDRESSING.has(mailbox.slice(mailbox.lastIndexOf('@') + 1));
}

/**
 * The exact spellings a silo may store for a canonical mailbox, other than tagged ones: the
 * mailbox itself, with a trailing dot, and on the provider's alias domains (`x@googlemail.com`).
 */
export function mailboxSpellings(mailbox: string): string[] {
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) return [mailbox];
  const local = mailbox.slice(0, at);
  const domains = [mailbox.slice(at + 1), ...(ALIASES.get(mailbox.slice(at + 1)) ?? [])];
  return domains.flatMap((domain) => [`${local}@${domain}`, `${local}@${domain}.`]);
}

/**
 * The prefix every tagged spelling of a canonical mailbox starts with (`name+`), or null when the
 * provider has no sub-addressing. A silo searched by prefix returns addresses of other domains
 * too: keep those whose {@link canonicalMailbox} is the one asked.
 */
export function taggedPrefix(mailbox: string): string | null {
  return hasSubAddressing(mailbox) ? `${mailbox.slice(0, mailbox.lastIndexOf('@'))}+` : null;
}
