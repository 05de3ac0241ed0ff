/**
 * The golden record: one value per field for a customer, chosen among the records of every silo
 * by a survivorship rule, with its provenance. Pure: no I/O; the caller fetches the records.
 *
 * Which silo can supply which field is the reader table {@link FIELD_READERS}, and nothing else:
 * {@link FIELD_SOURCES}, which callers use to plan which silos a field needs, is computed from it.
 */
import type { AnalyticsVisitorRecord, CommerceCustomerRecord, CrmContactRecord, LoyaltyMemberRecord } from '../../connectors/types.js';
import type { Source } from '../generated/graphql.js';
import type { NormalizeOptions } from '../identity/normalize.js';
import { addressKey, cleanAddress, type AddressInput, type GoldenAddress } from './address.js';
import { countryCodeOf } from '../identity/country.js';
import { cleanDate, cleanIdentifier, cleanLocale, cleanName, cleanTimestamp, nameKey } from './clean.js';
import type { SurvivorshipRules } from './rules-config.js';
import {
  DEFAULT_TIE_BREAK,
  distinctValues,
  survive,
  type Candidate,
  type Cleaned,
  type FieldDecision,
  type RecordContext,
  type SurviveOptions,
} from './survivorship.js';

/** Fields chosen by a survivorship rule. */
export const SURVIVING_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'birthDate', 'address', 'locale', 'createdAt'] as const;
export type SurvivingField = (typeof SURVIVING_FIELDS)[number];

/** Fields computed from surviving fields, and from which: they have no rule of their own. */
export const DERIVED_FROM = {
  displayName: ['firstName', 'lastName'],
  emails: ['email'],
  phones: ['phone'],
} as const satisfies Record<string, readonly SurvivingField[]>;
export type DerivedField = keyof typeof DERIVED_FROM;

export type GoldenField = SurvivingField | DerivedField;

/** Every golden field, in the order a profile shows them. */
export const GOLDEN_FIELDS: readonly GoldenField[] = [
  'firstName', 'lastName', 'displayName', 'email', 'emails', 'phone', 'phones', 'birthDate', 'address', 'locale', 'createdAt',
];

/** A silo that could not be read: its records are unknown, not absent. */
export interface SiloFailure {
  failed: Source;
}

export type SiloRecords<T> = readonly T[] | SiloFailure;

/**
 * The records of one customer's cluster, per silo. A silo that a wanted field does not need
 * (see {@link FIELD_SOURCES}) may be passed as `[]` without being fetched.
 */
export interface ClusterRecords {
  crm: SiloRecords<CrmContactRecord>;
  loyalty: SiloRecords<LoyaltyMemberRecord>;
  commerce: SiloRecords<CommerceCustomerRecord>;
  analytics: SiloRecords<AnalyticsVisitorRecord>;
}

/** What a silo holds for each surviving field (`raw`), and what the golden value is. */
interface FieldTypes {
  firstName: { raw: string; golden: string };
  lastName: { raw: string; golden: string };
  email: { raw: string; golden: string };
  phone: { raw: string; golden: string };
  birthDate: { raw: string; golden: string };
  address: { raw: AddressInput; golden: GoldenAddress };
  locale: { raw: string; golden: string };
  createdAt: { raw: string; golden: string };
}

export type GoldenDecisions = { [F in SurvivingField]: FieldDecision<FieldTypes[F]['golden'], FieldTypes[F]['raw']> };

/** A derived field: its value, the fields it comes from (their decisions are its provenance). */
export interface Derived<T> {
  value: T;
  derivedFrom: readonly SurvivingField[];
  partial: boolean;
}

export interface GoldenRecord extends GoldenDecisions {
  /** "First Last", properly cased; either alone when the other is unknown; null when both are. */
  displayName: Derived<string | null>;
  /** Every distinct usable email, normalized, the golden one first. */
  emails: Derived<string[]>;
  /** Every distinct usable phone in E.164, the golden one first. */
  phones: Derived<string[]>;
}

export interface GoldenRecordOptions extends NormalizeOptions {
  rules: SurvivorshipRules;
  /** Silos in the order that breaks ties. Default: the golden id's anchor order. */
  tieBreak?: readonly Source[];
}

type Values<R> = ReadonlyArray<R | null | undefined>;

/** How to read a field's values from each silo's records that hold it; a silo left out holds none. */
interface Readers<R> {
  crm?: (record: CrmContactRecord) => Values<R>;
  loyalty?: (record: LoyaltyMemberRecord) => Values<R>;
  commerce?: (record: CommerceCustomerRecord) => Values<R>;
  analytics?: (record: AnalyticsVisitorRecord) => Values<R>;
}

interface FieldSpec<R, V> {
  read: Readers<R>;
  /** The cleaning depends on the record's language or country: read them (only then: it costs a lookup). */
  context?: true;
  clean: (raw: R, options: NormalizeOptions, context: RecordContext) => Cleaned<V>;
  key?: (value: V) => string;
}

const personName = (name: 'firstName' | 'lastName'): FieldSpec<string, string> => ({
  read: { crm: (r) => [r[name]], loyalty: (r) => [r[name]], commerce: (r) => [r[name]] },
  clean: (raw, _options, context) => cleanName(raw, context),
  context: true,
  key: nameKey,
});

/** The one table of which silo supplies which field, and how its values are cleaned. */
const FIELD_READERS: { [F in SurvivingField]: FieldSpec<FieldTypes[F]['raw'], FieldTypes[F]['golden']> } = {
  firstName: personName('firstName'),
  lastName: personName('lastName'),
  email: {
    // The contact's primary address before its additional ones: ties in a record go to the first listed.
    read: { crm: (r) => [r.email, ...r.additionalEmails], loyalty: (r) => [r.email], commerce: (r) => [r.email] },
    clean: (raw, options) => cleanIdentifier('email', raw, options),
  },
  phone: {
    // The mobile first: it reaches the person, where the CRM's phone is often the household's landline.
    read: { crm: (r) => [r.mobilePhone, r.phone], loyalty: (r) => [r.phone], commerce: (r) => [r.phone] },
    // A national number is read in the record's own country, as identity resolution reads it.
    clean: (raw, options, context) => cleanIdentifier('phone', raw, options, context.country),
    context: true,
  },
  birthDate: { read: { crm: (r) => [r.birthDate], loyalty: (r) => [r.birthDate] }, clean: cleanDate },
  address: {
    read: { crm: (r) => [r.address], loyalty: (r) => [r.address], commerce: (r) => [r.address] },
    clean: cleanAddress,
    key: addressKey,
  },
  // Only the CRM records a language. Not guessed from the country: Belgium speaks two, and a
  // message in the wrong language does more harm than one in the channel's default.
  locale: { read: { crm: (r) => [r.language] }, clean: cleanLocale },
  createdAt: {
    read: { crm: (r) => [r.createdAt], loyalty: (r) => [r.createdAt], commerce: (r) => [r.createdAt], analytics: (r) => [r.firstVisitAt] },
    clean: cleanTimestamp,
  },
};

interface Times {
  updatedAt: string | null | undefined;
  createdAt: string | null | undefined;
}

/** When each silo's record was created and last changed. */
const TIMES = {
  crm: (r: CrmContactRecord): Times => ({ updatedAt: r.updatedAt, createdAt: r.createdAt }),
  // Open Loyalty gives no update time; a member's details are as given at sign-up, so the
  // sign-up time is when they were last known true.
  loyalty: (r: LoyaltyMemberRecord): Times => ({ updatedAt: r.createdAt, createdAt: r.createdAt }),
  commerce: (r: CommerceCustomerRecord): Times => ({ updatedAt: r.updatedAt, createdAt: r.createdAt }),
  analytics: (r: AnalyticsVisitorRecord): Times => ({ updatedAt: r.lastVisitAt, createdAt: r.firstVisitAt }),
};

/** The language and country each silo's record tells, for the fields whose cleaning needs them (names, phones). */
const CONTEXT = {
  crm: (r: CrmContactRecord): RecordContext => ({ language: r.language, country: countryOf(r.address) }),
  loyalty: (r: LoyaltyMemberRecord): RecordContext => ({ country: countryOf(r.address) }),
  commerce: (r: CommerceCustomerRecord): RecordContext => ({ country: countryOf(r.address) }),
  analytics: (): RecordContext => ({}),
};

/** The ISO code of an address's country ("Türkiye" is TR), or null. */
function countryOf(address: AddressInput | null | undefined): string | null {
  return address?.country ? countryCodeOf(address.country) : null;
}

const sourcesOf = (field: SurvivingField): Source[] => DEFAULT_TIE_BREAK.filter((source) => FIELD_READERS[field].read[source] !== undefined);

/** The silos that can supply each golden field: fetch these (and only these) to compute it. */
export const FIELD_SOURCES: Readonly<Record<GoldenField, readonly Source[]>> = fieldSources();

function fieldSources(): Record<GoldenField, readonly Source[]> {
  const table = {} as Record<GoldenField, readonly Source[]>;
  for (const field of GOLDEN_FIELDS) {
    table[field] = DEFAULT_TIE_BREAK.filter((source) => provenanceFields(field).some((f) => sourcesOf(f).includes(source)));
  }
  return table;
}

/** The surviving fields whose decisions are a field's provenance: itself, or what it derives from. */
export function provenanceFields(field: GoldenField): readonly SurvivingField[] {
  return Object.hasOwn(DERIVED_FROM, field) ? DERIVED_FROM[field as DerivedField] : [field as SurvivingField];
}

export function isSiloFailure<T>(records: SiloRecords<T>): records is SiloFailure {
  return !Array.isArray(records);
}

/** Every golden field of one customer. */
export function buildGoldenRecord(cluster: ClusterRecords, options: GoldenRecordOptions): GoldenRecord {
  const decisions = Object.fromEntries(SURVIVING_FIELDS.map((field) => [field, decideField(cluster, field, options)])) as GoldenDecisions;
  const lookup = <F extends SurvivingField>(field: F): GoldenDecisions[F] => decisions[field];
  return {
    ...decisions,
    displayName: deriveDisplayName(lookup),
    emails: deriveList('emails', lookup('email'), options),
    phones: deriveList('phones', lookup('phone'), options),
  };
}

/** One golden field, computing only the decisions it needs (for a query that selects a few). */
export function goldenField<F extends GoldenField>(cluster: ClusterRecords, field: F, options: GoldenRecordOptions): GoldenRecord[F] {
  const lookup = <S extends SurvivingField>(f: S): GoldenDecisions[S] => decideField(cluster, f, options);
  switch (field) {
    case 'displayName':
      return deriveDisplayName(lookup) as GoldenRecord[F];
    case 'emails':
      return deriveList('emails', lookup('email'), options) as GoldenRecord[F];
    case 'phones':
      return deriveList('phones', lookup('phone'), options) as GoldenRecord[F];
    default:
      return lookup(field as SurvivingField) as GoldenRecord[F];
  }
}

/** The decision for one surviving field under the configured rule. */
export function decideField<F extends SurvivingField>(cluster: ClusterRecords, field: F, options: GoldenRecordOptions): GoldenDecisions[F] {
  const spec = FIELD_READERS[field] as FieldSpec<FieldTypes[F]['raw'], FieldTypes[F]['golden']>;
  const candidates = candidatesOf(cluster, spec.read, spec.context === true);
  const unavailable = FIELD_SOURCES[field].filter((source) => isSiloFailure<unknown>(cluster[source]));
  return survive(field, candidates, options.rules[field], { ...surviveOptions(spec, options), unavailable }) as GoldenDecisions[F];
}

function surviveOptions<R, V>(spec: FieldSpec<R, V>, options: GoldenRecordOptions): SurviveOptions<R, V> {
  return { clean: (raw, context) => spec.clean(raw, options, context ?? {}), key: spec.key, tieBreak: options.tieBreak };
}

function candidatesOf<R>(cluster: ClusterRecords, read: Readers<R>, withContext: boolean): Array<Candidate<R>> {
  return [
    ...fromSilo('crm', cluster.crm, read.crm, TIMES.crm, withContext ? CONTEXT.crm : undefined),
    ...fromSilo('loyalty', cluster.loyalty, read.loyalty, TIMES.loyalty, withContext ? CONTEXT.loyalty : undefined),
    ...fromSilo('commerce', cluster.commerce, read.commerce, TIMES.commerce, withContext ? CONTEXT.commerce : undefined),
    ...fromSilo('analytics', cluster.analytics, read.analytics, TIMES.analytics, withContext ? CONTEXT.analytics : undefined),
  ];
}

function fromSilo<T extends { id: string }, R>(
  source: Source,
  records: SiloRecords<T>,
  read: ((record: T) => Values<R>) | undefined,
  times: (record: T) => Times,
  context: ((record: T) => RecordContext) | undefined,
): Array<Candidate<R>> {
  if (!read || isSiloFailure(records)) return [];
  return records.flatMap((record) => {
    const about = { source, recordId: record.id, ...times(record), context: context?.(record) };
    // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
    // spread gets a hidden class of its own each time (docs/hidden-classes.md).
    return read(record).map((value) => ({ value, ...about }));
  });
}

type Lookup = <F extends SurvivingField>(field: F) => GoldenDecisions[F];

function deriveDisplayName(lookup: Lookup): Derived<string | null> {
  const first = lookup('firstName');
  const last = lookup('lastName');
  const name = [first.value, last.value].filter((part) => part !== null).join(' ');
  return { value: name === '' ? null : name, derivedFrom: DERIVED_FROM.displayName, partial: first.partial || last.partial };
}

function deriveList(field: 'emails' | 'phones', decision: FieldDecision<string>, options: GoldenRecordOptions): Derived<string[]> {
  const [from] = DERIVED_FROM[field];
  return { value: distinctValues(decision, surviveOptions(FIELD_READERS[from], options)), derivedFrom: DERIVED_FROM[field], partial: decision.partial };
}
