/**
 * Reading Open Loyalty's answers: checks that a body has the shape the API documents and maps
 * members, transactions and tiers to the gateway's records. Pure: no I/O.
 *
 * A body that does not fit throws a {@link ShapeError}; the client turns it into a
 * SOURCE_BAD_RESPONSE. Its message names the field and the kind of value found, never the value:
 * these are people's personal data and the message goes to the log.
 */
import type { FoundRecord, Identifier, LoyaltyMemberRecord, LoyaltyTransactionRecord } from '../types.js';
import type { PurchaseLine } from '../../src/generated/graphql.js';
import { isObject } from '../shared/collections.js';
import { calendarDate, utcDateTime } from '../shared/time.js';

export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

type Json = Record<string, unknown>;

/** A member as read from the API, before its level id is turned into a tier name. */
export type MemberView = Required<Omit<LoyaltyMemberRecord, 'tier'>> & { levelId: string | null };

export interface TransactionView {
  /** The member the transaction is matched to. */
  customerId: string;
  record: LoyaltyTransactionRecord;
}

export interface ListView {
  items: unknown[];
  /** How many records match the filters, over all pages. */
  filtered: number;
}

export function readList(body: unknown): ListView {
  const list = object(body, 'body');
  const total = object(list.total, 'body.total');
  return { items: array(list.items, 'body.items'), filtered: required(total, 'filtered', 'number', 'body.total') };
}

/** The admin token of a login answer. */
export function readLoginToken(body: unknown): string {
  return required(object(body, 'body'), 'token', 'string', 'body');
}

/**
 * A member as the gateway reads it. `timeZone` (IANA) is where the instance keeps its dates:
 * a birth date sent as an instant (`1990-04-14T22:00:00+00:00`) is read on its wall clocks.
 */
export function readMember(value: unknown, timeZone = 'UTC'): MemberView {
  const m = object(value, 'member');
  return {
    id: required(m, 'customerId', 'string', 'member'),
    cardNumber: optional(m, 'loyaltyCardNumber', 'string', 'member'),
    email: optional(m, 'email', 'string', 'member'),
    phone: optional(m, 'phone', 'string', 'member'),
    firstName: optional(m, 'firstName', 'string', 'member'),
    lastName: optional(m, 'lastName', 'string', 'member'),
    birthDate: birthDate(optional(m, 'birthDate', 'string', 'member'), timeZone),
    address: readAddress(m.address),
    levelId: optional(m, 'levelId', 'string', 'member'),
    activePoints: optional(m, 'activePoints', 'number', 'member'),
    active: required(m, 'active', 'boolean', 'member'),
    marketingConsent: optional(m, 'agreement2', 'boolean', 'member'),
    createdAt: instant(optional(m, 'createdAt', 'string', 'member'), 'member.createdAt'),
  };
}

/** The member with its tier named; a level missing from `tierNames` leaves the tier unknown. */
export function toMemberRecord(member: MemberView, tierNames: ReadonlyMap<string, string>): LoyaltyMemberRecord {
  const { levelId, ...record } = member;
  return { ...record, tier: levelId === null ? null : (tierNames.get(levelId) ?? null) };
}

/** What a lookup found: the member's id and every identifier it carries, raw as stored. */
export function toFoundRecord(member: MemberView): FoundRecord {
  const identifiers: Identifier[] = [{ type: 'loyalty', value: member.id }];
  if (member.cardNumber !== null) identifiers.push({ type: 'card', value: member.cardNumber });
  if (member.email !== null) identifiers.push({ type: 'email', value: member.email });
  // A national number is read in the country of the member's address.
  const country = member.address?.country;
  if (member.phone !== null) identifiers.push({ type: 'phone', value: member.phone, ...(country ? { country } : {}) });
  return { source: 'loyalty', id: member.id, identifiers, name: { first: member.firstName, last: member.lastName } };
}

export function readTier(value: unknown): { levelId: string; name: string } {
  const tier = object(value, 'tier');
  return { levelId: required(tier, 'levelId', 'string', 'tier'), name: required(tier, 'name', 'string', 'tier') };
}

export function readTransaction(value: unknown): TransactionView {
  const t = object(value, 'transaction');
  const header = object(t.header, 'transaction.header');
  const where = 'transaction.header';
  return {
    customerId: required(t, 'customerId', 'string', 'transaction'),
    record: {
      id: required(t, 'transactionId', 'string', 'transaction'),
      documentNumber: optional(header, 'documentNumber', 'string', where),
      documentType: required(header, 'documentType', 'string', where),
      purchasedAt: instant(required(header, 'purchasedAt', 'string', where), `${where}.purchasedAt`),
      store: optional(header, 'purchasePlace', 'string', where),
      grossValue: required(t, 'grossValue', 'number', 'transaction'),
      currency: optional(t, 'currency', 'string', 'transaction'),
      lines: array(t.items ?? [], 'transaction.items').map(readLine),
    },
  };
}

/** Newest first; equal times by id, so that the order is stable. */
export function newestFirst(a: LoyaltyTransactionRecord, b: LoyaltyTransactionRecord): number {
  if (a.purchasedAt !== b.purchasedAt) return a.purchasedAt < b.purchasedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function readLine(value: unknown): PurchaseLine {
  const item = object(value, 'transaction.items[]');
  const where = 'transaction.items[]';
  const sku = item.sku === null || item.sku === undefined ? null : object(item.sku, `${where}.sku`);
  const quantity = required(item, 'quantity', 'number', where);
  const gross = required(item, 'grossValue', 'number', where);
  return {
    sku: sku === null ? null : optional(sku, 'code', 'string', `${where}.sku`),
    name: required(item, 'name', 'string', where),
    category: optional(item, 'category', 'string', where),
    // The schema counts whole units; Open Loyalty also records weighed goods (1.5 kg). The price
    // of one unit comes from the exact quantity, so the line total stays right.
    quantity: Math.max(1, Math.round(quantity)),
    unitPrice: quantity > 0 ? Math.round((gross / quantity) * 100) / 100 : gross,
  };
}

function readAddress(value: unknown): MemberView['address'] {
  if (value === null || value === undefined) return null;
  const a = object(value, 'member.address');
  const where = 'member.address';
  return {
    street: optional(a, 'street', 'string', where),
    postalCode: optional(a, 'postal', 'string', where),
    city: optional(a, 'city', 'string', where),
    country: optional(a, 'country', 'string', where),
  };
}

/**
 * `YYYY-MM-DD`. Open Loyalty serializes a birth date as a date-time in its server's zone
 * (`1990-09-11T02:00:00+0200` in its reference); read in `timeZone` (see calendarDate).
 */
function birthDate(text: string | null, timeZone: string): string | null {
  if (text === null) return null;
  const date = calendarDate(text, timeZone);
  if (date === null) throw new ShapeError('member.birthDate should be a date (YYYY-MM-DD) or an ISO 8601 date-time');
  return date;
}

/** An ISO 8601 date-time in UTC, whatever zone the API wrote it in. */
function instant<T extends string | null>(text: T, where: string): T {
  if (text === null) return text;
  const utc = utcDateTime(text);
  if (utc === null) throw new ShapeError(`${where} should be an ISO 8601 date-time`);
  return utc as T;
}

interface Kinds {
  string: string;
  number: number;
  boolean: boolean;
}

function isKind<K extends keyof Kinds>(value: unknown, kind: K): value is Kinds[K] {
  return kind === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === kind;
}

function optional<K extends keyof Kinds>(o: Json, key: string, kind: K, where: string): Kinds[K] | null {
  const value = o[key];
  if (value === undefined || value === null) return null;
  if (isKind(value, kind)) return value;
  throw new ShapeError(`${where}.${key} should be a ${kind}, but is ${kindOf(value)}`);
}

function required<K extends keyof Kinds>(o: Json, key: string, kind: K, where: string): Kinds[K] {
  const value = optional(o, key, kind, where);
  if (value === null) throw new ShapeError(`${where}.${key} is missing`);
  return value;
}

function object(value: unknown, where: string): Json {
  if (isObject(value)) return value;
  throw new ShapeError(`${where} should be an object, but is ${kindOf(value)}`);
}

function array(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new ShapeError(`${where} should be an array, but is ${kindOf(value)}`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
