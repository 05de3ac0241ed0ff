/**
 * Scoring identity resolution against a population's truth, for scripts/eval-identity.ts. Pure:
 * no I/O, so the definitions below are unit-tested with plain data (test/unit/identity-scoring.test.ts).
 *
 * Starts: for every truth person, every identifier a user could come with. Each source record key
 * the truth lists (`crm:<id>`, `loyalty:<id>`, `commerce:<id>`, `analytics:<id>`), each id in a
 * CRM contact's `hs_merged_object_ids` (kind `crm-merged`: HubSpot answers it with the survivor),
 * and each email, phone and card number the person's records carry. Emails, phones and cards are
 * taken once per person per normalized value (two spellings of one address are one start, sent
 * as the first spelling met, CRM first, so national phone formats are exercised); values the
 * gateway's normalizer refuses are placeholders and are counted, not sent. A value several
 * persons carry (a household's landline) is a start of each of them, marked `shared`.
 *
 * Outcomes: one per start, the answer to `customers(ids:)` in that start's slot: the customer's
 * `sourceRecords`, null, or an error code.
 *
 * Pairwise figures, over every answer (one per start; answers are NOT deduplicated per person, so
 * each entry point counts as one lookup a user could make, and a person with more identifiers
 * weighs more, as they are looked up more ways):
 * - predicted pairs of an answer: the unordered pairs of records in its `sourceRecords`;
 * - correct pairs: predicted pairs whose two records belong to the same truth person (any person);
 * - expected pairs: the unordered pairs of the start's person's records (from the truth);
 * - found pairs: expected pairs present in the answer.
 * precision = Σ correct / Σ predicted, recall = Σ found / Σ expected, F1 their harmonic mean
 * (precision is 1 when nothing is predicted, recall 1 when nothing is expected).
 * A null answer counts its expected pairs as missed (the identifier is in a silo: null is a miss).
 * With {@link linkableGroups}, also the recall ceiling (expected pairs some identifier unique to
 * the person links, over expected pairs) and the recall over those linkable pairs: the truth
 * holds pairs nothing in the silos ties together, which no resolver can find.
 * Error answers, AMBIGUOUS_IDENTIFIER included, are left out of the pairs and counted apart:
 * ambiguity is the right answer for a value several persons share, and is "unexpected" otherwise.
 *
 * Per answer, also: over-merged (records of more than one truth person), split (some record of
 * the start's person is missing; null answers are counted as not found instead), households
 * merged (records of two persons with the same `household`: must never happen), and per person
 * whether every answer had the same golden id.
 */
import type { Identifier, IdentifierType } from '../connectors/types.js';
import type { NormalizeResult } from '../src/identity/normalize.js';
import type { Population, SourceName, TruthEntry } from '../connectors/population.js';

export type StartKind = SourceName | 'crm-merged' | 'email' | 'phone' | 'card';
export const START_KINDS: readonly StartKind[] = ['crm', 'crm-merged', 'loyalty', 'commerce', 'analytics', 'email', 'phone', 'card'];

export interface Start {
  person: string;
  kind: StartKind;
  /** What is sent as a `customers(ids:)` entry, e.g. `phone:06 12 34 56 78`. */
  id: string;
  /** The normalized identifier, `type:value`. */
  key: string;
  /** Several truth persons carry this value (a household's landline). */
  shared: boolean;
}

export interface RefusedValue {
  person: string;
  type: 'email' | 'phone' | 'card';
  value: string;
}

export interface PopulationStarts {
  starts: Start[];
  /** Values the normalizer refused (placeholders): never sent. */
  refused: RefusedValue[];
}

/** One identifier a record carries, as stored, and what kind of start it makes. */
interface Carried {
  kind: StartKind;
  type: IdentifierType;
  raw: string;
  /** For a phone, the record's address country as its silo writes it (how the gateway reads a national number). */
  country?: string;
}

/**
 * Every identifier a truth record carries, as its silo stores it: its own key, the merged-away
 * ids of a CRM contact, emails, phones, the card number, and an analytics visitor's login
 * userIds (a shop customer id). Unknown records carry only their key.
 */
function carriedBy(population: Population): (record: { source: SourceName; id: string }) => Carried[] {
  const contacts = new Map(population.crm.contacts.map((c) => [c.id, c]));
  const members = new Map(population.loyalty.members.map((m) => [m.customerId, m]));
  const shoppers = new Map(population.commerce.customers.map((c) => [String(c.id), c]));
  // A device links only its owner, the shop customer with strictly the most logged-in visits on
  // it (the gateway's rule for a family tablet, README "Guard"); the others' logins link nothing.
  // Logins count per Shopify id, however the site spelled it (spaces, leading zeros).
  const logins = new Map<string, Map<string, { count: number; raws: Set<string> }>>();
  for (const visit of population.analytics.visits) {
    if (visit.userId === null) continue;
    const byUser = logins.get(visit.visitorId) ?? new Map<string, { count: number; raws: Set<string> }>();
    const shopId = visit.userId.trim().replace(/^0+(?=\d)/, '');
    const entry = byUser.get(shopId) ?? { count: 0, raws: new Set<string>() };
    entry.count += 1;
    entry.raws.add(visit.userId);
    byUser.set(shopId, entry);
    logins.set(visit.visitorId, byUser);
  }
  const userIds = new Map<string, Set<string>>();
  for (const [visitorId, byUser] of logins) {
    const ranked = [...byUser.values()].sort((a, b) => b.count - a.count);
    if (ranked.length > 1 && ranked[0]!.count === ranked[1]!.count) continue;
    userIds.set(visitorId, ranked[0]!.raws);
  }
  return (record) => {
    const out: Carried[] = [{ kind: record.source, type: record.source, raw: record.id }];
    const add = (kind: StartKind, type: IdentifierType, raw: string | null | undefined, country?: string | null): void => {
      if (raw !== null && raw !== undefined && raw.trim() !== '') out.push({ kind, type, raw, ...(country ? { country } : {}) });
    };
    switch (record.source) {
      case 'crm': {
        const p = contacts.get(record.id)?.properties;
        if (!p) break;
        for (const merged of splitList(p.hs_merged_object_ids)) add('crm-merged', 'crm', merged);
        for (const email of [p.email, ...splitList(p.hs_additional_emails)]) add('email', 'email', email);
        add('phone', 'phone', p.phone, p.country);
        add('phone', 'phone', p.mobilephone, p.country);
        break;
      }
      case 'loyalty': {
        const member = members.get(record.id);
        if (!member) break;
        add('card', 'card', member.loyaltyCardNumber);
        add('email', 'email', member.email);
        add('phone', 'phone', member.phone, member.address?.country);
        break;
      }
      case 'commerce': {
        const shopper = shoppers.get(record.id);
        if (!shopper) break;
        add('email', 'email', shopper.email);
        add('phone', 'phone', shopper.phone, shopper.default_address?.country_code);
        break;
      }
      case 'analytics':
        // The userId is the shop customer's id: a link, not a start of its own (the shop
        // customer's key already is one).
        for (const userId of userIds.get(record.id) ?? []) add('commerce', 'commerce', userId);
        break;
    }
    return out;
  };
}

/** Every start of every truth person, in truth order. `normalize` is the gateway's normalizer. */
export function startsOf(population: Population, normalize: (identifier: Identifier) => NormalizeResult): PopulationStarts {
  const carried = carriedBy(population);
  const starts: Start[] = [];
  const refused: RefusedValue[] = [];
  const personsByKey = new Map<string, Set<string>>();

  for (const entry of population.truth) {
    const seen = new Set<string>();
    const add = ({ kind, type, raw, country }: Carried): void => {
      const result = normalize({ type, value: raw, ...(country ? { country } : {}) });
      if (!result.ok) {
        if (type === 'email' || type === 'phone' || type === 'card') refused.push({ person: entry.person, type, value: raw });
        return;
      }
      const key = `${result.identifier.type}:${result.identifier.value}`;
      const persons = personsByKey.get(key) ?? new Set<string>();
      persons.add(entry.person);
      personsByKey.set(key, persons);
      if (seen.has(key)) return;
      seen.add(key);
      // A national number that only the record's country makes sense of is asked for as a client
      // would, who knows that country: in international form.
      const id = country && type === 'phone' ? `phone:${result.identifier.value}` : `${type}:${raw}`;
      starts.push({ person: entry.person, kind, id, key, shared: false });
    };
    // Record keys first, then contact details, so a person's starts read in a stable order.
    const all = entry.records.map(carried);
    for (const list of all) add(list[0]!);
    for (const list of all) for (const c of list.slice(1)) if (!(c.kind === 'commerce' && c.type === 'commerce')) add(c);
  }
  for (const start of starts) start.shared = (personsByKey.get(start.key)?.size ?? 0) > 1;
  return { starts, refused };
}

/**
 * The best any resolver that follows identifiers could do: per truth person, the groups of their
 * records that identifiers link, an identifier linking the records that carry it when it is
 * unique to the person (not a placeholder, not a household's line) and `links` allows it (the
 * gateway does not link fixed lines by default). Returns, per normalized identifier key of a
 * person's records, how many of that person's records its group holds: a start from that key can
 * find at most those. Records no identifier links (a household member's loyalty member with only
 * the shared landline; in a real export, a CRM contact with only a mobile and a loyalty member with
 * only an email) are what keeps recall below 1 whatever the rules.
 */
export function linkableGroups(
  population: Population,
  normalize: (identifier: Identifier) => NormalizeResult,
  links: (identifier: Identifier) => boolean,
): Map<string, Map<string, number>> {
  const carried = carriedBy(population);
  const keysOf = new Map<string, Identifier[]>();
  const personsByKey = new Map<string, Set<string>>();
  for (const entry of population.truth) {
    for (const record of entry.records) {
      const ids: Identifier[] = [];
      for (const { type, raw, country } of carried(record)) {
        const result = normalize({ type, value: raw, ...(country ? { country } : {}) });
        if (!result.ok) continue;
        ids.push(result.identifier);
        const key = `${result.identifier.type}:${result.identifier.value}`;
        const persons = personsByKey.get(key) ?? new Set<string>();
        persons.add(entry.person);
        personsByKey.set(key, persons);
      }
      keysOf.set(`${record.source}:${record.id}`, ids);
    }
  }
  const groups = new Map<string, Map<string, number>>();
  for (const entry of population.truth) {
    const records = entry.records.map((r) => `${r.source}:${r.id}`);
    const parent = new Map(records.map((r) => [r, r]));
    const find = (r: string): string => {
      let root = r;
      while (parent.get(root) !== root) root = parent.get(root)!;
      parent.set(r, root);
      return root;
    };
    const byKey = new Map<string, string>();
    for (const record of records) {
      for (const identifier of keysOf.get(record) ?? []) {
        const key = `${identifier.type}:${identifier.value}`;
        const linking = (personsByKey.get(key)?.size ?? 0) <= 1 && links(identifier);
        const other = byKey.get(key);
        if (other === undefined) byKey.set(key, record);
        else if (linking) parent.set(find(record), find(other));
      }
    }
    const size = new Map<string, number>();
    for (const record of records) size.set(find(record), (size.get(find(record)) ?? 0) + 1);
    const perKey = new Map<string, number>();
    for (const record of records) {
      for (const identifier of keysOf.get(record) ?? []) {
        const key = `${identifier.type}:${identifier.value}`;
        perKey.set(key, Math.max(perKey.get(key) ?? 0, size.get(find(record))!));
      }
    }
    groups.set(entry.person, perKey);
  }
  return groups;
}

function splitList(value: string | null | undefined): string[] {
  return (value ?? '').split(';').map((v) => v.trim()).filter((v) => v !== '');
}

export type Outcome =
  | { kind: 'answer'; goldenId: string; records: ReadonlyArray<{ source: string; id: string }> }
  | { kind: 'null' }
  | { kind: 'error'; code: string };

export interface KindFigures {
  starts: number;
  answers: number;
  notFound: number;
  ambiguous: number;
  errors: number;
  split: number;
  overMerged: number;
}

export interface Example {
  start: string;
  person: string;
  /** The person's records, `source:id`. */
  expected: string[];
  /** The answer's records, `source:id (person)`. */
  got: string[];
}

export interface Scores {
  starts: number;
  answers: number;
  notFound: number;
  ambiguous: { total: number; expected: number; unexpected: number };
  /** Error answers other than AMBIGUOUS_IDENTIFIER, by `extensions.code`. */
  errors: Record<string, number>;
  /** `linkable`: expected pairs a start could find at best (see {@link linkableGroups}); equals `expected` without groups. */
  pairs: { predicted: number; correct: number; expected: number; found: number; linkable: number };
  precision: number;
  recall: number;
  /** linkable / expected: the recall no resolver following identifiers can beat on this population. */
  recallCeiling: number;
  /** found / linkable: recall over the pairs that can be found at all, the resolver's own share of the misses. */
  linkableRecall: number;
  f1: number;
  overMerged: number;
  split: number;
  householdsMerged: number;
  /** Records in answers that no truth person has. */
  unknownRecords: number;
  /** Records of the start's person missing from its answers, by source (null answers included). */
  missingRecords: Record<string, number>;
  /** Shared starts (a household's landline) that got an answer instead of AMBIGUOUS_IDENTIFIER. */
  sharedAnswered: number;
  /** Persons whose answers did not all have the same golden id. */
  personsWithSeveralIds: number;
  byKind: Record<StartKind, KindFigures>;
  examples: { split: Example[]; overMerged: Example[]; notFound: Example[]; unexpectedAmbiguous: Example[] };
}

export const AMBIGUOUS = 'AMBIGUOUS_IDENTIFIER';

/** Scores one outcome per start (same order as `starts`). `maxExamples` per kind of mistake. */
export function score(
  truth: readonly TruthEntry[],
  starts: readonly Start[],
  outcomes: readonly Outcome[],
  options: { maxExamples?: number; groups?: Map<string, Map<string, number>> } = {},
): Scores {
  const maxExamples = options.maxExamples ?? 5;
  if (outcomes.length !== starts.length) throw new Error(`score() needs one outcome per start: ${starts.length} starts, got ${outcomes.length} outcomes.`);
  const personOf = new Map<string, TruthEntry>();
  const byPerson = new Map<string, TruthEntry>();
  for (const entry of truth) {
    byPerson.set(entry.person, entry);
    for (const r of entry.records) personOf.set(`${r.source}:${r.id}`, entry);
  }
  const emptyKind = (): KindFigures => ({ starts: 0, answers: 0, notFound: 0, ambiguous: 0, errors: 0, split: 0, overMerged: 0 });
  const s: Scores = {
    starts: starts.length,
    answers: 0,
    notFound: 0,
    ambiguous: { total: 0, expected: 0, unexpected: 0 },
    errors: {},
    pairs: { predicted: 0, correct: 0, expected: 0, found: 0, linkable: 0 },
    precision: 1,
    recall: 1,
    recallCeiling: 1,
    linkableRecall: 1,
    f1: 1,
    overMerged: 0,
    split: 0,
    householdsMerged: 0,
    unknownRecords: 0,
    missingRecords: {},
    sharedAnswered: 0,
    personsWithSeveralIds: 0,
    byKind: Object.fromEntries(START_KINDS.map((k) => [k, emptyKind()])) as Record<StartKind, KindFigures>,
    examples: { split: [], overMerged: [], notFound: [], unexpectedAmbiguous: [] },
  };
  const goldenIds = new Map<string, Set<string>>();

  starts.forEach((start, i) => {
    const outcome = outcomes[i]!;
    const person = byPerson.get(start.person);
    if (!person) throw new Error(`Start ${start.id} names person ${start.person}, who is not in the truth.`);
    const mine = person.records.map((r) => `${r.source}:${r.id}`);
    const kind = s.byKind[start.kind];
    kind.starts += 1;
    const example = (got: string[]): Example => ({ start: start.id, person: start.person, expected: mine, got });
    const push = (list: Example[], got: string[]): void => {
      if (list.length < maxExamples) list.push(example(got));
    };

    if (outcome.kind === 'error') {
      if (outcome.code === AMBIGUOUS) {
        s.ambiguous.total += 1;
        kind.ambiguous += 1;
        if (start.shared) s.ambiguous.expected += 1;
        else {
          s.ambiguous.unexpected += 1;
          push(s.examples.unexpectedAmbiguous, []);
        }
      } else {
        s.errors[outcome.code] = (s.errors[outcome.code] ?? 0) + 1;
        kind.errors += 1;
      }
      return;
    }

    s.pairs.expected += pairCount(mine.length);
    const reachable = options.groups?.get(start.person)?.get(start.key) ?? mine.length;
    s.pairs.linkable += pairCount(Math.min(reachable, mine.length));
    if (outcome.kind === 'null') {
      s.notFound += 1;
      kind.notFound += 1;
      for (const key of mine) bump(s.missingRecords, key.slice(0, key.indexOf(':')));
      push(s.examples.notFound, []);
      return;
    }

    s.answers += 1;
    kind.answers += 1;
    if (start.shared) s.sharedAnswered += 1;
    const ids = goldenIds.get(start.person) ?? new Set<string>();
    ids.add(outcome.goldenId);
    goldenIds.set(start.person, ids);

    const keys = [...new Set(outcome.records.map((r) => `${r.source}:${r.id}`))];
    const countByPerson = new Map<string, number>();
    for (const key of keys) {
      const owner = personOf.get(key);
      if (!owner) s.unknownRecords += 1;
      else countByPerson.set(owner.person, (countByPerson.get(owner.person) ?? 0) + 1);
    }
    s.pairs.predicted += pairCount(keys.length);
    for (const n of countByPerson.values()) s.pairs.correct += pairCount(n);
    const found = countByPerson.get(start.person) ?? 0;
    s.pairs.found += pairCount(found);

    const got = (): string[] => keys.map((key) => `${key} (${personOf.get(key)?.person ?? '?'})`);
    if (countByPerson.size > 1) {
      s.overMerged += 1;
      kind.overMerged += 1;
      push(s.examples.overMerged, got());
      const households = new Set<string>();
      let sameHousehold = false;
      for (const p of countByPerson.keys()) {
        const household = byPerson.get(p)?.household;
        if (household === undefined) continue;
        if (households.has(household)) sameHousehold = true;
        households.add(household);
      }
      if (sameHousehold) s.householdsMerged += 1;
    }
    if (found < mine.length) {
      s.split += 1;
      kind.split += 1;
      const present = new Set(keys);
      for (const key of mine) if (!present.has(key)) bump(s.missingRecords, key.slice(0, key.indexOf(':')));
      push(s.examples.split, got());
    }
  });

  for (const ids of goldenIds.values()) if (ids.size > 1) s.personsWithSeveralIds += 1;
  const { predicted, correct, expected, found, linkable } = s.pairs;
  s.recallCeiling = expected === 0 ? 1 : linkable / expected;
  s.linkableRecall = linkable === 0 ? 1 : found / linkable;
  s.precision = predicted === 0 ? 1 : correct / predicted;
  s.recall = expected === 0 ? 1 : found / expected;
  s.f1 = s.precision + s.recall === 0 ? 0 : (2 * s.precision * s.recall) / (s.precision + s.recall);
  return s;
}

function pairCount(n: number): number {
  return (n * (n - 1)) / 2;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
