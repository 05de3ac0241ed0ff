/**
 * The guards against over-merging, in the spirit of Segment's identity settings: per identifier
 * type, a limit and a priority, plus which types are weak and which values are blocked.
 * Pure data and pure checks; resolve.ts applies them.
 */
import type { FoundRecord, IdentifierType } from '../../connectors/types.js';
import { foldName } from './normalize.js';

export interface IdentityRules {
  /**
   * At most this many distinct values of a type in one customer. A record's aliases (the
   * merged-away ids a HubSpot contact answers for) count as the record: `crm` counts contacts.
   */
  limits: Record<IdentifierType, number>;
  /**
   * Strongest first. When a record would take a customer over a limit, the record stays out if
   * the type over the limit ranks above the identifier that found it; otherwise it joins and its
   * surplus values of that type are dropped.
   */
  priority: readonly IdentifierType[];
  /**
   * Types that many people can share (a household's phone). A record found only through one
   * joins only if it is compatible with the customer (see {@link compatible}), which the names
   * of the records may confirm or refuse (see {@link nameVerdict}).
   */
  weakTypes: readonly IdentifierType[];
  /**
   * Whether phone numbers that may be fixed lines link records: every number the numbering plan
   * does not type as a mobile, so landlines and the numbers whose type it cannot tell (US and
   * Canadian numbers, VoIP, shared-cost...). Off by default: in retail data a landline is a
   * household's, not a person's, and nothing in the record tells whose it is.
   */
  linkFixedLines: boolean;
  /** Extra blocked values per type, as regular expressions on the normalized value. */
  blocked: Partial<Record<IdentifierType, readonly RegExp[]>>;
}

/**
 * Defaults, and why:
 * - crm 3: a person often has two CRM contacts (a duplicate or a merge HubSpot has not done);
 *   more than three is a shared inbox or a data-entry accident.
 * - loyalty 3, card 3: an old and a new membership when a card is reissued.
 * - commerce 2: shops rarely hold more than one account per person.
 * - analytics 20: one visitor per browser or app install; people have several devices.
 * - email 3: a person may use a work and a private address.
 * - phone 4: mobile, landline, an old number.
 * Priority: record ids first (a silo's own id is the most certain), then card and email, which
 * people keep to themselves, then devices, and phones last, which households share.
 */
export const DEFAULT_IDENTITY_RULES: IdentityRules = {
  limits: { crm: 3, loyalty: 3, commerce: 2, analytics: 20, email: 3, phone: 4, card: 3 },
  priority: ['crm', 'commerce', 'loyalty', 'card', 'email', 'analytics', 'phone'],
  weakTypes: ['phone'],
  linkFixedLines: false,
  blocked: {},
};

/**
 * Types a weak link may not add a second, different value of. Devices and phones are excluded:
 * a person has several of them.
 */
const EXCLUSIVE_FOR_WEAK_LINKS: readonly IdentifierType[] = ['crm', 'commerce', 'loyalty', 'card', 'email'];

/** Distinct values per type, as a customer or a candidate record holds them. */
export type ValuesByType = Map<IdentifierType, Set<string>>;

/** True when `a` ranks above `b` in the rules' priority. */
export function ranksAbove(rules: IdentityRules, a: IdentifierType, b: IdentifierType): boolean {
  return rules.priority.indexOf(a) < rules.priority.indexOf(b);
}

/** A record's first and last names folded for comparison (see foldName); either may be unknown. */
export interface FoldedName {
  first: string | null;
  last: string | null;
}

/** The folded name a record gives, or null when it gives neither a first nor a last name. */
export function foldedName(name: FoundRecord['name']): FoldedName | null {
  const first = foldName(name?.first);
  const last = foldName(name?.last);
  return first === null && last === null ? null : { first, last };
}

/**
 * What names say of a record found only through a weak identifier, against the names of the
 * customer's records:
 * - `confirms`: its first and last names are those of one of the customer's records. One phone
 *   and one full name: the same person, who gave another email or got a new card;
 * - `refuses`: its first name is none of the customer's first names. One phone, another person:
 *   a household's members often share the last name, never the first;
 * - `silent`: a name is missing on either side, or the first names match and the last ones do not
 *   (a married name, a typo): the identifiers decide alone.
 * Names never link records by themselves: many people share one.
 */
export type NameVerdict = 'confirms' | 'refuses' | 'silent';

/** What the name of `record` says against the names of the customer's records (see {@link NameVerdict}). */
export function nameVerdict(customer: readonly FoldedName[], record: FoldedName | null): NameVerdict {
  if (record === null || record.first === null) return 'silent';
  const firsts = customer.flatMap((name) => (name.first === null ? [] : [name.first]));
  if (firsts.length === 0) return 'silent';
  if (record.last !== null && customer.some((name) => name.first === record.first && name.last === record.last)) return 'confirms';
  return firsts.includes(record.first) ? 'silent' : 'refuses';
}

/**
 * Whether a record found only through a weak identifier may join. It may when it shares a value
 * of an exclusive type (email, record id, card) with the customer: it is linked by that value
 * anyway (an old and a new loyalty membership with the same email, found together through their
 * phone); what the phone adds is no evidence. Otherwise its names decide first (see
 * {@link nameVerdict}): a different first name keeps it out, the same first and last names let it
 * in despite another email, contact, card or member id (the limits still apply). With names
 * silent, it must not hold a different value of a type the customer already has a value of: a
 * shared phone proves nothing against a different email, CRM contact or card.
 */
export function compatible(customer: ValuesByType, record: ValuesByType, names: NameVerdict = 'silent'): boolean {
  const shares = (type: IdentifierType): boolean => [...(record.get(type) ?? [])].some((value) => customer.get(type)?.has(value));
  if (EXCLUSIVE_FOR_WEAK_LINKS.some(shares)) return true;
  if (names !== 'silent') return names === 'confirms';
  for (const type of EXCLUSIVE_FOR_WEAK_LINKS) {
    const mine = customer.get(type);
    const theirs = record.get(type);
    if (!mine?.size || !theirs?.size) continue;
    if (![...theirs].some((value) => mine.has(value))) return false;
  }
  return true;
}

export type LimitDecision =
  | { kind: 'join'; drop: ReadonlySet<string> }
  | { kind: 'refuse'; type: IdentifierType };

/**
 * Applies the limits to a record found through an identifier of type `via`. `drop` holds the
 * `type:value` keys of surplus values the record joins without.
 */
export function applyLimits(rules: IdentityRules, customer: ValuesByType, record: ValuesByType, via: IdentifierType): LimitDecision {
  const drop = new Set<string>();
  for (const [type, values] of record) {
    const held = customer.get(type) ?? new Set<string>();
    const fresh = [...values].filter((value) => !held.has(value)).sort();
    const room = Math.max(0, rules.limits[type] - held.size);
    if (fresh.length <= room) continue;
    if (ranksAbove(rules, type, via)) return { kind: 'refuse', type };
    for (const value of fresh.slice(room)) drop.add(`${type}:${value}`);
  }
  return { kind: 'join', drop };
}

/** True when a user-supplied pattern blocks this normalized value. */
export function isBlocked(rules: IdentityRules, type: IdentifierType, value: string): boolean {
  return (rules.blocked[type] ?? []).some((pattern) => pattern.test(value));
}

/**
 * What tells two people apart in a record: its folded name and the mobile numbers it holds
 * (E.164; numbers the numbering plan types as mobile, which one person keeps to themselves).
 */
export interface PersonEvidence {
  name: FoldedName | null;
  mobiles: ReadonlySet<string>;
}

/**
 * True when two records that hold one identifier value are evidently of different people, so
 * that the value is shared and links nothing (see README, "Guard"):
 * - both give a first name and the folded first names differ (an initial, `J.`, matches the
 *   first names it starts: `John`): one email, two first names is a family's or a shop's address,
 *   or a placeholder a clerk typed;
 * - or, their first and last names not being the same, both hold mobile numbers and none in
 *   common: two people with their own phones.
 * Not evidence: different record ids or card numbers (a CRM duplicate, an old and a new card),
 * different emails or landlines (a person has several), a missing name, and different last names
 * with the same first name (a married name, a typo) unless the mobiles differ too.
 */
export function evidentlyDifferent(a: PersonEvidence, b: PersonEvidence): boolean {
  const firstA = a.name?.first ?? null;
  const firstB = b.name?.first ?? null;
  if (firstA !== null && firstB !== null && !sameFirstName(firstA, firstB)) return true;
  if (firstA !== null && firstA === firstB && a.name?.last != null && a.name.last === b.name?.last) return false;
  return a.mobiles.size > 0 && b.mobiles.size > 0 && ![...a.mobiles].some((mobile) => b.mobiles.has(mobile));
}

/** Folded first names that can be one person's: equal, or an initial and a name it starts. */
function sameFirstName(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length === 1 && long.startsWith(short);
}

/**
 * Whose a device is when several shop customers logged in on it (a family tablet): the userId
 * with strictly the most logged-in visits; on a tie, nobody's (the device is then a customer of
 * its own). `loginVisits` maps each normalized userId to its count of visits. The device links
 * only its owner: the other customers' visits on it never join them to it or to each other.
 */
export function deviceOwner(loginVisits: ReadonlyMap<string, number>): string | null {
  let owner: string | null = null;
  let most = 0;
  let tied = false;
  for (const [userId, visits] of loginVisits) {
    if (visits > most) {
      owner = userId;
      most = visits;
      tied = false;
    } else if (visits === most) {
      tied = true;
    }
  }
  return tied ? null : owner;
}
