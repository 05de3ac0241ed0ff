/**
 * Identity resolution: from identifiers, find every record of the same person across the silos.
 * Each round asks every silo that can look up the new identifiers, collects the records found and
 * the identifiers they carry, and repeats until nothing new appears or a bound is hit. Records
 * join a customer under the guards of rules.ts.
 *
 * Several customers resolve in lockstep: every round issues all their lookups in the same tick,
 * so the `lookup` passed in (a DataLoader per silo) sends one call per silo per round for a whole
 * `customers(ids:)` list. The I/O is passed in, so the logic is tested with plain data.
 */
import { SourceError } from '../shared/errors.js';
import type { Identity, Source } from '../generated/graphql.js';
import type { FoundRecord, Identifier, IdentifierType } from '../../connectors/types.js';
import type { SourceRecordKey } from './resolved-customer.js';
import { ANCHOR_PRIORITY } from './golden-id.js';
import {
  applyLimits,
  compatible,
  deviceOwner,
  evidentlyDifferent,
  foldedName,
  isBlocked,
  nameVerdict,
  type FoldedName,
  type IdentityRules,
  type PersonEvidence,
  type ValuesByType,
} from './rules.js';

export interface ResolveDeps {
  /** The silos and the identifier types each can look up. */
  silos: ReadonlyArray<{ source: Source; lookupTypes: readonly IdentifierType[] }>;
  /** Records of `source` matching `identifier`. Rejects with a SourceError when the silo fails. */
  lookup(source: Source, identifier: Identifier): Promise<FoundRecord[]>;
  /** The normalized form of an identifier a record carries, or null when it is unusable or blocked. */
  normalize(identifier: Identifier): Identifier | null;
  /**
   * Whether a normalized phone is one the numbering plan types as a mobile. Any other may be a
   * household's line (see IdentityRules.linkFixedLines).
   */
  isMobile(identifier: Identifier): boolean;
  rules: IdentityRules;
  /** Rounds of lookups, the first included, before the cluster is taken as it is. */
  maxRounds: number;
  /** Records in one cluster before expansion stops. */
  maxRecords: number;
}

export interface ResolvedCluster {
  records: SourceRecordKey[];
  identities: Identity[];
  /** Silos whose lookups failed: the cluster may be missing their records. */
  failures: Map<Source, SourceError>;
  /** False when a bound stopped the expansion or a silo failed: such a cluster is not cached. */
  complete: boolean;
  /** True when a bound (maxRounds, maxRecords) stopped the expansion with identifiers left to look up. */
  truncated: boolean;
  /**
   * The start identifier's records belong to several people: a household line, or a value
   * records of evidently different people hold.
   */
  ambiguous: boolean;
  /** Keys (`type:value`) of values that records of evidently different people hold: they link nothing. */
  shared: ReadonlySet<string>;
}

interface ClusterState {
  records: Map<string, FoundRecord>;
  values: ValuesByType;
  /**
   * The values the limits count: {@link values} without aliases, the other ids by which a silo
   * knows one of its records (a HubSpot contact's merged-away ids). The crm limit is about
   * contacts: a contact that absorbed two others is one contact, not three.
   */
  counted: ValuesByType;
  /**
   * Records a fixed-line start found that stayed out (see {@link absorb}): unless other links
   * bring them in, the line is shared and the start is ambiguous.
   */
  mustJoin: Set<string>;
  /** The distinct folded names of the records in, which confirm or refuse weak links. */
  names: FoldedName[];
  identities: Map<string, Identity>;
  /** Identifier keys already looked up or queued. */
  seen: Set<string>;
  frontier: Identifier[];
  failures: Map<Source, SourceError>;
  bounded: boolean;
  ambiguous: boolean;
  shared: Set<string>;
}

interface LookupResult {
  via: Identifier;
  records: FoundRecord[];
}

/** A record found this round, as the rules see it. */
interface Candidate {
  record: FoundRecord;
  /** Its normalized, unblocked identifiers: what it links and what the limits count. */
  values: ValuesByType;
  /** Keys of every normalized identifier it holds, blocked ones included: what may find it. */
  carried: ReadonlySet<string>;
  name: FoldedName | null;
  evidence: PersonEvidence;
}

export async function resolveCluster(start: Identifier, deps: ResolveDeps): Promise<ResolvedCluster> {
  const [cluster] = await resolveClusters([start], deps);
  return cluster!;
}

/** Resolves every start at once, one result per start, in order. */
export async function resolveClusters(starts: readonly Identifier[], deps: ResolveDeps): Promise<ResolvedCluster[]> {
  const states = starts.map((start): ClusterState => ({
    records: new Map(),
    values: new Map(),
    counted: new Map(),
    mustJoin: new Set(),
    names: [],
    identities: new Map(),
    seen: new Set([identifierKey(start)]),
    frontier: [start],
    failures: new Map(),
    bounded: false,
    ambiguous: false,
    shared: new Set(),
  }));

  for (let round = 0; ; round += 1) {
    // Only identifiers some silo would still be asked for count as work left: a cluster whose
    // frontier holds nothing else is complete, not cut short by the round bound.
    for (const state of states) state.frontier = state.frontier.filter((via) => silosToAsk(state, via, deps, round === 0).length > 0);
    if (!states.some(isExpanding)) break;
    if (round >= deps.maxRounds) {
      for (const state of states.filter(isExpanding)) state.bounded = true;
      break;
    }
    const active = states.filter(isExpanding);
    const results = await Promise.all(active.map((state) => lookupRound(state, deps, round === 0)));
    active.forEach((state, i) => absorb(state, results[i]!, round === 0, deps));
  }

  // Records and identities in a canonical order, not the order they joined in: the same
  // customer reached from another identifier reads the same.
  const rank = (type: IdentifierType): number => deps.rules.priority.indexOf(type);
  return states.map((state) => ({
    records: uniqueRecords([...state.records.values()]).map(({ source, id }) => ({ source, id })),
    identities: [...state.identities.values()].sort(
      (a, b) =>
        rank(a.type) - rank(b.type) ||
        compareText(a.value, b.value) ||
        ANCHOR_PRIORITY.indexOf(a.source) - ANCHOR_PRIORITY.indexOf(b.source),
    ),
    failures: state.failures,
    complete: !state.bounded && state.failures.size === 0,
    truncated: state.bounded,
    ambiguous: state.ambiguous || [...state.mustJoin].some((key) => !state.records.has(key)),
    shared: state.shared,
  }));
}

function isExpanding(state: ClusterState): boolean {
  return state.frontier.length > 0 && !state.bounded && !state.ambiguous;
}

/**
 * Identifier types that at most one record of a silo holds: its own record id, and the loyalty
 * card number. Once the record that carries one is in the cluster, asking its silo again can only
 * find that record, so the call is skipped.
 */
export const UNIQUE_IN_SILO: Readonly<Record<Source, readonly IdentifierType[]>> = {
  crm: ['crm'],
  loyalty: ['loyalty', 'card'],
  commerce: ['commerce'],
  analytics: ['analytics'],
};

/** The silos worth asking for an identifier: those that can look it up and may find something new. */
function silosToAsk(state: ClusterState, via: Identifier, deps: ResolveDeps, isStart: boolean): Source[] {
  // A landline that may not link anything is not worth a call (it is still an identity).
  if (!isStart && !linksRecords(via, deps)) return [];
  return deps.silos
    .filter((silo) => silo.lookupTypes.includes(via.type))
    .filter((silo) => !(UNIQUE_IN_SILO[silo.source].includes(via.type) && state.identities.has(`${identifierKey(via)}|${silo.source}`)))
    .map((silo) => silo.source);
}

/** Every frontier identifier to every silo worth asking, all issued in this tick. */
async function lookupRound(state: ClusterState, deps: ResolveDeps, isStart: boolean): Promise<LookupResult[]> {
  const frontier = state.frontier;
  state.frontier = [];
  const calls: Array<Promise<LookupResult>> = [];
  for (const via of frontier) {
    for (const source of silosToAsk(state, via, deps, isStart)) {
      calls.push(
        deps.lookup(source, via).then(
          (records) => ({ via, records }),
          (error: unknown) => {
            if (!(error instanceof SourceError)) throw error;
            if (!state.failures.has(source)) state.failures.set(source, error);
            return { via, records: [] };
          },
        ),
      );
    }
  }
  return Promise.all(calls);
}

/** Adds the records found this round, strongest link first, under the rules. */
function absorb(state: ClusterState, results: LookupResult[], isStart: boolean, deps: ResolveDeps): void {
  const byVia = new Map<string, LookupResult>();
  for (const result of results) {
    const key = identifierKey(result.via);
    const entry = byVia.get(key) ?? { via: result.via, records: [] };
    for (const record of result.records) entry.records.push(record);
    byVia.set(key, entry);
  }
  const rank = (type: IdentifierType): number => deps.rules.priority.indexOf(type);
  const vias = [...byVia.values()].sort(
    (a, b) => rank(a.via.type) - rank(b.via.type) || compareText(a.via.value, b.via.value),
  );

  for (const { via, records } of vias) {
    const viaKey = identifierKey(via);
    // Only records that hold the value link through it: a device holds only its owner's userId.
    const holders = uniqueRecords(records)
      .map((record) => describe(record, deps))
      .filter((candidate) => candidate.carried.has(viaKey));
    if (isShareable(via.type) && holdersDiffer(holders)) {
      // Records of evidently different people hold this value (a family's address, a
      // placeholder a clerk typed): it links nothing, whatever the customer holds. Asked for
      // directly, the answer would be a guess: say so instead.
      state.shared.add(viaKey);
      if (isStart) state.ambiguous = true;
      continue;
    }
    let candidates = holders.filter(({ record }) => !state.records.has(recordKey(record)));
    if (candidates.length === 0) continue;

    if (deps.rules.weakTypes.includes(via.type)) {
      if (!isStart && !linksRecords(via, deps)) continue;
      if (!allCompatible(state, candidates)) {
        // A weak identifier held by records of different people is shared: it links nothing.
        // When it is what the client asked for, the answer would be a guess: say so instead.
        if (isStart) state.ambiguous = true;
        continue;
      }
      if (isStart && !linksRecords(via, deps) && candidates.length > 1) {
        // A landline asked for links nothing either: records of two household members in
        // different silos (a CRM contact, a loyalty member without email) look compatible only
        // because they hold nothing to contradict each other. Resolve from the first record; the
        // others must join through other links (an email, a card), or the line is shared.
        for (const { record } of candidates.slice(1)) state.mustJoin.add(recordKey(record));
        candidates = candidates.slice(0, 1);
      }
    }

    for (const candidate of candidates) {
      if (state.records.size >= deps.maxRecords) {
        state.bounded = true;
        return;
      }
      const counted = withoutAliases(candidate.record, candidate.values, deps);
      const decision = applyLimits(deps.rules, state.counted, counted, via.type);
      if (decision.kind === 'refuse') continue;
      admit(state, candidate, counted, decision.drop);
    }
  }
}

/** Whether records found through this identifier may join (phones other than mobiles, unless configured, may not). */
function linksRecords(via: Identifier, deps: ResolveDeps): boolean {
  return deps.rules.linkFixedLines || via.type !== 'phone' || deps.isMobile(via);
}

/** Types that records of different people can hold: not a silo's own record ids. */
function isShareable(type: IdentifierType): boolean {
  return type === 'email' || type === 'phone' || type === 'card';
}

/** Whether two of the records holding one value are evidently of different people. */
function holdersDiffer(holders: readonly Candidate[]): boolean {
  for (let i = 0; i < holders.length; i++) {
    for (let j = i + 1; j < holders.length; j++) {
      if (evidentlyDifferent(holders[i]!.evidence, holders[j]!.evidence)) return true;
    }
  }
  return false;
}

function admit(state: ClusterState, { record, values, name }: Candidate, counted: ValuesByType, drop: ReadonlySet<string>): void {
  state.records.set(recordKey(record), record);
  addName(state.names, name);
  for (const [type, set] of counted) {
    for (const value of set) {
      if (drop.has(`${type}:${value}`)) continue;
      let held = state.counted.get(type);
      if (!held) state.counted.set(type, (held = new Set()));
      held.add(value);
    }
  }
  for (const [type, set] of values) {
    for (const value of set) {
      const key = `${type}:${value}`;
      if (drop.has(key)) continue;
      let held = state.values.get(type);
      if (!held) state.values.set(type, (held = new Set()));
      held.add(value);
      state.identities.set(`${key}|${record.source}`, { type, value, source: record.source });
      if (!state.seen.has(key)) {
        state.seen.add(key);
        state.frontier.push({ type, value });
      }
    }
  }
}

/** Whether all candidates could be one person together with the customer. */
function allCompatible(state: ClusterState, candidates: readonly Candidate[]): boolean {
  const together: ValuesByType = cloneValues(state.values);
  const names = [...state.names];
  for (const { values, name } of candidates) {
    if (!compatible(together, values, nameVerdict(names, name))) return false;
    for (const [type, set] of values) {
      const held = together.get(type) ?? new Set<string>();
      for (const value of set) held.add(value);
      together.set(type, held);
    }
    addName(names, name);
  }
  return true;
}

function addName(names: FoldedName[], name: FoldedName | null): void {
  if (name && !names.some((n) => n.first === name.first && n.last === name.last)) names.push(name);
}

/**
 * A record as the rules see it: its normalized identifiers (a device keeping only its owner's
 * userId, see deviceOwner), those not blocked, its name and its mobiles.
 */
function describe(record: FoundRecord, deps: ResolveDeps): Candidate {
  const identifiers = record.identifiers.map((identifier) => deps.normalize(identifier)).filter((i): i is Identifier => i !== null);
  const owner = record.loginVisits ? ownerOf(record.loginVisits, deps) : undefined;
  const values: ValuesByType = new Map();
  const carried = new Set<string>();
  const mobiles = new Set<string>();
  for (const identifier of identifiers) {
    if (owner !== undefined && identifier.type === 'commerce' && identifier.value !== owner) continue;
    carried.add(identifierKey(identifier));
    if (isBlocked(deps.rules, identifier.type, identifier.value)) continue;
    const set = values.get(identifier.type) ?? new Set<string>();
    set.add(identifier.value);
    values.set(identifier.type, set);
    if (identifier.type === 'phone' && deps.isMobile(identifier)) mobiles.add(identifier.value);
  }
  const name = foldedName(record.name);
  return { record, values, carried, name, evidence: { name, mobiles } };
}

/** The normalized userId a device belongs to, or null when nobody's (see deviceOwner). */
function ownerOf(loginVisits: ReadonlyMap<string, number>, deps: ResolveDeps): string | null {
  const byValue = new Map<string, number>();
  for (const [userId, visits] of loginVisits) {
    const value = deps.normalize({ type: 'commerce', value: userId })?.value;
    if (value !== undefined) byValue.set(value, (byValue.get(value) ?? 0) + visits);
  }
  return deviceOwner(byValue);
}

/**
 * The values of a record the limits count: ids of the record's own silo other than its own are
 * aliases of it (merged-away contacts HubSpot still answers for), not further records.
 */
function withoutAliases(record: FoundRecord, values: ValuesByType, deps: ResolveDeps): ValuesByType {
  const own = values.get(record.source);
  if (!own || own.size <= 1) return values;
  const id = deps.normalize({ type: record.source, value: record.id })?.value ?? record.id;
  const counted = cloneValues(values);
  counted.set(record.source, new Set(own.has(id) ? [id] : []));
  return counted;
}

function cloneValues(values: ValuesByType): ValuesByType {
  return new Map([...values].map(([type, set]) => [type, new Set(set)]));
}

/** Records found by several silos' answers appear once, in a stable order. */
function uniqueRecords(records: readonly FoundRecord[]): FoundRecord[] {
  const byKey = new Map(records.map((record) => [recordKey(record), record]));
  return [...byKey.values()].sort(
    (a, b) => ANCHOR_PRIORITY.indexOf(a.source) - ANCHOR_PRIORITY.indexOf(b.source) || compareText(a.id, b.id),
  );
}

function recordKey(record: { source: Source; id: string }): string {
  return `${record.source}:${record.id}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}
