/**
 * Survivorship: which of the values a customer's records hold for one field becomes the golden
 * value, and why each other value lost. Pure: no I/O.
 *
 * Before any rule ranks anything, values that cannot win are set aside: empty ones (null, '',
 * whitespace, an object whose parts are all empty) and the ones the field's `clean` refuses
 * (placeholders such as "n/a" are `blocked`, values that do not parse are `invalid`). This is
 * always on: a placeholder that wins would hide a real value another silo holds.
 *
 * Ranking, with ties broken until one order remains, so that the same records always give the
 * same answer whatever order the silos answered in:
 * - `sourcePriority`: the silo's place in `order` (silos the order leaves out come after it, in
 *   the tie-break order, so that a field is never empty while some silo holds a value), then the
 *   most recently updated record (two contacts in one CRM), then the record id.
 * - `mostRecent`: the latest `updatedAt` (a record without one counts as the oldest), then the
 *   tie-break order of silos, then the record id.
 * - `firstSeen`: the earliest `createdAt` (a record without one counts as the newest), then the
 *   tie-break order of silos, then the record id.
 * - `mostFrequent`: the value the most records hold, compared by `key` (normalized); equal
 *   counts go to the value whose best holder ranks first by the tie-break order of silos, then
 *   by record id.
 * Last of all, for values of one record: the order the caller listed them in (a caller lists a
 * record's values best first, e.g. a mobile before a landline).
 * Record ids compare numerically when both are numbers (HubSpot, Shopify number records in
 * sequence, so the smaller is the older), else as text.
 */
import type { Source } from '../generated/graphql.js';
import { ANCHOR_PRIORITY, compareIds } from '../identity/golden-id.js';
import { assertNever } from '../../connectors/shared/exhaustive.js';

export type Rule =
  | { kind: 'sourcePriority'; order: readonly Source[] }
  | { kind: 'mostRecent' }
  | { kind: 'mostFrequent' }
  | { kind: 'firstSeen' };

export type RuleKind = Rule['kind'];

export const RULE_KINDS: readonly RuleKind[] = ['sourcePriority', 'mostRecent', 'mostFrequent', 'firstSeen'];

/**
 * Silos in the order that breaks ties under rules other than `sourcePriority`: the golden id's
 * anchor order, so the record a customer is named by also wins its ties.
 */
export const DEFAULT_TIE_BREAK: readonly Source[] = ANCHOR_PRIORITY;

/**
 * What a record tells of how its text is written, for cleaning that depends on it (the casing
 * of a Turkish name). Either part may be unknown.
 */
export interface RecordContext {
  /** The record's language, as a BCP 47 tag (`tr`, `fr-BE`). */
  language?: string | null;
  /** The record's country (its address), as ISO 3166-1 alpha-2 or as the silo wrote it. */
  country?: string | null;
}

/** One value a record holds for the field, as the silo holds it, with the record's times. */
export interface Candidate<R> {
  source: Source;
  recordId: string;
  value: R | null | undefined;
  /** When the record last changed (ISO 8601); null when the silo does not say. */
  updatedAt?: string | null;
  /** When the record was created (ISO 8601); null when the silo does not say. */
  createdAt?: string | null;
  /** The record's language and country, when the silo tells them. */
  context?: RecordContext;
}

/** A value made ready to compare and return, or why it cannot take part. */
export type Cleaned<V> = { ok: true; value: V } | { ok: false; reason: 'blocked' | 'invalid'; detail: string };

export type LossReason =
  | 'empty'
  | 'blocked'
  | 'invalid'
  | 'duplicate'
  | 'lowerPriority'
  | 'older'
  | 'newer'
  | 'lessFrequent'
  | 'tieBreak';

export interface Winner {
  source: Source;
  recordId: string;
  updatedAt: string | null;
}

export interface Loser<R> extends Winner {
  /** The value as the silo holds it. */
  value: R | null;
  reason: LossReason;
  /** The reason in words, for people reading the provenance. */
  detail: string;
}

export interface FieldDecision<V, R = V> {
  field: string;
  /** The golden value, cleaned; null when no record holds a usable one. */
  value: V | null;
  winner: Winner | null;
  rule: Rule;
  /** Candidates that lost: usable ones in rank order first, then the unusable ones. */
  losers: Array<Loser<R>>;
  /** A silo that could have supplied the field failed: the value may not be the one it would be. */
  partial: boolean;
}

export interface SurviveOptions<R, V> {
  /**
   * Makes a value ready (normalized, cased) or refuses it as blocked or invalid; `context` is
   * the candidate's, when it has one.
   */
  clean: (value: R, context?: RecordContext) => Cleaned<V>;
  /** Two values with the same key are the same value. Default: strings lower-cased, others as JSON. */
  key?: (value: V) => string;
  /** Silos in the order that breaks ties. Default: {@link DEFAULT_TIE_BREAK}. */
  tieBreak?: readonly Source[];
  /** Silos that could have supplied this field but failed: the decision is then partial. */
  unavailable?: readonly Source[];
}

/** A candidate that can take part, with what ranking needs. */
interface Entry<R, V> {
  candidate: Candidate<R>;
  position: number;
  value: V;
  key: string;
  updated: number;
  created: number;
  /** How many records hold this entry's value. */
  count: number;
}

/** One step of a ranking: negative when `a` ranks first; the reason a loser lost at this step. */
interface Criterion<R, V> {
  reason: LossReason;
  compare: (a: Entry<R, V>, b: Entry<R, V>) => number;
  explain: (loser: Entry<R, V>, winner: Entry<R, V>) => string;
}

export function survive<R, V>(field: string, candidates: ReadonlyArray<Candidate<R>>, rule: Rule, options: SurviveOptions<R, V>): FieldDecision<V, R> {
  const key = options.key ?? defaultKey;
  const unusable: Array<Loser<R>> = [];
  const entries: Array<Entry<R, V>> = [];
  candidates.forEach((candidate, position) => {
    if (isEmpty(candidate.value)) {
      unusable.push(lose(candidate, 'empty', 'no value'));
      return;
    }
    const cleaned = options.clean(candidate.value as R, candidate.context);
    if (!cleaned.ok) {
      unusable.push(lose(candidate, cleaned.reason, cleaned.detail));
      return;
    }
    const k = key(cleaned.value);
    entries.push({ candidate, position, value: cleaned.value, key: k, updated: time(candidate.updatedAt, -Infinity), created: time(candidate.createdAt, Infinity), count: 0 });
  });
  // Records, not candidates: a contact holding one address as primary and additional counts once.
  for (const entry of entries) {
    entry.count = new Set(entries.filter((other) => other.key === entry.key).map((other) => `${other.candidate.source}:${other.candidate.recordId}`)).size;
  }

  const criteria = criteriaFor(rule, options.tieBreak ?? DEFAULT_TIE_BREAK);
  const ranked = entries.slice().sort((a, b) => compareBy(criteria, a, b));
  const [best, ...rest] = ranked;
  const losers = rest.map((entry) => {
    if (entry.key === best!.key) return lose(entry.candidate, 'duplicate', 'the same value as the winner');
    const decisive = criteria.find((c) => c.compare(entry, best!) !== 0) ?? criteria[criteria.length - 1]!;
    return lose(entry.candidate, decisive.reason, decisive.explain(entry, best!));
  });
  return {
    field,
    value: best ? best.value : null,
    winner: best ? stamp(best.candidate) : null,
    rule,
    losers: [...losers, ...unusable],
    partial: (options.unavailable?.length ?? 0) > 0,
  };
}

/**
 * Every distinct usable value of a decision, the golden one first, then in rank order: for
 * list fields such as all of a customer's emails. `options` must be those the decision was made with.
 */
export function distinctValues<R, V>(decision: FieldDecision<V, R>, options: Pick<SurviveOptions<R, V>, 'clean' | 'key'>): V[] {
  if (decision.value === null) return [];
  const key = options.key ?? defaultKey;
  const values: V[] = [decision.value];
  const seen = new Set([key(decision.value)]);
  for (const loser of decision.losers) {
    if (loser.reason === 'empty' || loser.reason === 'blocked' || loser.reason === 'invalid' || loser.value === null) continue;
    const cleaned = options.clean(loser.value);
    if (!cleaned.ok || seen.has(key(cleaned.value))) continue;
    seen.add(key(cleaned.value));
    values.push(cleaned.value);
  }
  return values;
}

/** Empty: nothing, blank text, or a list or object whose every part is empty. */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === 'object') return Object.entries(value).every(([k, v]) => k === '__typename' || isEmpty(v));
  return false;
}

function criteriaFor<R, V>(rule: Rule, tieBreak: readonly Source[]): Array<Criterion<R, V>> {
  const bySilo = (order: readonly Source[]): Criterion<R, V> => ({
    reason: 'lowerPriority',
    compare: (a, b) => rank(order, tieBreak, a.candidate.source) - rank(order, tieBreak, b.candidate.source),
    explain: (l, w) =>
      order.includes(l.candidate.source)
        ? `${l.candidate.source} ranks below ${w.candidate.source} in ${order.join(' > ')}`
        : `${l.candidate.source} is not in ${order.join(' > ')}, so it comes after ${w.candidate.source}`,
  });
  const newestFirst: Criterion<R, V> = {
    reason: 'older',
    compare: (a, b) => compareNumbers(b.updated, a.updated),
    explain: (l, w) => `updated ${l.candidate.updatedAt ?? 'at an unknown time'}, before ${w.candidate.updatedAt}`,
  };
  const last: Array<Criterion<R, V>> = [
    {
      reason: 'tieBreak',
      compare: (a, b) => compareIds(a.candidate.recordId, b.candidate.recordId) || a.position - b.position,
      explain: (l, w) =>
        l.candidate.recordId === w.candidate.recordId
          ? 'listed after the winning value in the same record'
          : `a tie: record ${l.candidate.recordId} comes after record ${w.candidate.recordId}`,
    },
  ];
  switch (rule.kind) {
    case 'sourcePriority':
      return [bySilo(rule.order), newestFirst, ...last];
    case 'mostRecent':
      return [newestFirst, bySilo(tieBreak), ...last];
    case 'firstSeen':
      return [
        {
          reason: 'newer',
          compare: (a, b) => compareNumbers(a.created, b.created),
          explain: (l, w) => `created ${l.candidate.createdAt ?? 'at an unknown time'}, after ${w.candidate.createdAt}`,
        },
        bySilo(tieBreak),
        ...last,
      ];
    case 'mostFrequent':
      return [
        {
          reason: 'lessFrequent',
          compare: (a, b) => b.count - a.count,
          explain: (l, w) => `held by ${l.count} record(s), the winner by ${w.count}`,
        },
        bySilo(tieBreak),
        ...last,
      ];
    default:
      return assertNever(rule, 'survivorship rule');
  }
}

/** A silo's place: its index in `order`, else after the order, in the tie-break order. */
function rank(order: readonly Source[], tieBreak: readonly Source[], source: Source): number {
  const at = order.indexOf(source);
  return at >= 0 ? at : order.length + tieBreak.indexOf(source);
}

function compareBy<R, V>(criteria: ReadonlyArray<Criterion<R, V>>, a: Entry<R, V>, b: Entry<R, V>): number {
  for (const criterion of criteria) {
    const order = criterion.compare(a, b);
    if (order !== 0) return order;
  }
  return 0;
}

/** Not a subtraction: two missing times are both infinite, and Infinity - Infinity is NaN. */
function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function time(text: string | null | undefined, missing: number): number {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? missing : ms;
}

function stamp(candidate: Candidate<unknown>): Winner {
  return { source: candidate.source, recordId: candidate.recordId, updatedAt: candidate.updatedAt ?? null };
}

function lose<R>(candidate: Candidate<R>, reason: LossReason, detail: string): Loser<R> {
  // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
  // spread gets a hidden class of its own each time (docs/hidden-classes.md).
  return { value: candidate.value ?? null, reason, detail, ...stamp(candidate) };
}

function defaultKey(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : JSON.stringify(value);
}
