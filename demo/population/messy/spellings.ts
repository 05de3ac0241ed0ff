/**
 * Messy case: how people and clerks type emails and names (case, spaces, Gmail dots, `+tags`,
 * trailing dots, invisible characters, decomposed Unicode), per silo.
 */
import { decomposed, isGmail, takesPlusTag, withGmailDots, withInvisible, withPlusTag, withTrailingDot } from './mailbox.js';
import { type Random } from '../random.js';
import { RATES } from '../rates.js';

/** The clean email written differently: capitalized, shouted, or with stray spaces from a copy-paste. */
function emailVariant(rng: Random, email: string, spaces: boolean): string {
  const at = email.indexOf('@');
  const capitalized =
    email.slice(0, at).replace(/(^|[._-])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase()) +
    '@' +
    email.charAt(at + 1).toUpperCase() +
    email.slice(at + 2);
  const styles: Array<readonly [() => string, number]> = [
    [() => capitalized, 45],
    [() => email.slice(0, at).toUpperCase() + email.slice(at), 15],
    [() => email.toUpperCase(), 10],
  ];
  if (spaces) {
    styles.push([() => ` ${email} `, 10], [() => `${email} `, 10], [() => ` ${capitalized}`, 10]);
  }
  return rng.weighted(styles)();
}

/** The email as a silo stores it: {@link RATES.emailVariant} of the time not quite the clean one. */
export function storedEmail(rng: Random, email: string, spaces: boolean): string {
  return rng.chance(RATES.emailVariant) ? emailVariant(rng, email, spaces) : email;
}

type EmailSilo = 'crm' | 'loyalty' | 'commerce';

/**
 * The person's own email as a silo stores it at sign-up: the same mailbox written differently
 * now and then. Gmail's dots moved ({@link RATES.gmailDots}) anywhere; in the shop a `+tag`
 * ({@link RATES.plusTagEmail}, online sign-ups); in the CRM and loyalty, which store what they
 * get, a trailing dot after the domain ({@link RATES.trailingDotEmail}) and an invisible
 * character ({@link RATES.invisibleInEmail}) in loyalty only (HubSpot validates addresses); then
 * case and spaces as {@link storedEmail}.
 */
export function ownEmail(rng: Random, email: string, silo: EmailSilo): string {
  let mailbox = email;
  if (isGmail(mailbox) && rng.chance(RATES.gmailDots)) mailbox = withGmailDots(rng, mailbox);
  if (silo === 'commerce') {
    if (takesPlusTag(mailbox) && rng.chance(RATES.plusTagEmail)) mailbox = withPlusTag(rng, mailbox);
    return storedEmail(rng, mailbox, false);
  }
  // HubSpot validates an address on every create and update (developers.hubspot.com/docs/faq/
  // how-does-hubspot-validate-email-addresses), so only Open Loyalty, which stores what the
  // till sends, holds these spellings. The CRM draws them too and drops them, so that the rest
  // of a seed's population stays what it was.
  const stores = silo === 'loyalty';
  if (rng.chance(RATES.trailingDotEmail) && stores) mailbox = withTrailingDot(mailbox);
  const stored = storedEmail(rng, mailbox, true);
  if (!rng.chance(RATES.invisibleInEmail)) return stored;
  const invisible = withInvisible(rng, stored);
  return stores ? invisible : stored;
}

/**
 * A record's first and last names as typed: in decomposed Unicode ({@link RATES.decomposedName},
 * when they have accents) in any silo, and in the CRM and loyalty ({@link RATES.invisibleInName})
 * one of them with an invisible character from a copy-paste.
 */
export function typedNames(rng: Random, first: string, last: string, invisible: boolean): [string, string] {
  let names: [string, string] = [first, last];
  const nfd: [string | null, string | null] = [decomposed(first), decomposed(last)];
  if ((nfd[0] !== null || nfd[1] !== null) && rng.chance(RATES.decomposedName)) names = [nfd[0] ?? first, nfd[1] ?? last];
  if (invisible && rng.chance(RATES.invisibleInName)) {
    const which = rng.chance(0.5) ? 0 : 1;
    names[which] = withInvisible(rng, names[which]);
  }
  return names;
}

/** The same address written differently from `other`, for the second record of a duplicate pair. */
export function otherSpelling(rng: Random, email: string, other: string): string {
  for (let i = 0; i < 4; i++) {
    const candidate = rng.chance(0.3) ? email : emailVariant(rng, email, true);
    if (candidate !== other) return candidate;
  }
  return other === email ? ` ${email}` : email;
}
