/**
 * Reading Open Loyalty's answers: the shapes the API documents, as zod schemas read through
 * `readBody` (connectors/shared/body-schema.ts), and the pure mapping of the parsed values to the
 * gateway's records. No I/O.
 *
 * The schemas are built once, here, at module level: the gateway reads thousands of bodies a
 * second. A body without the documented shape becomes the client's SOURCE_BAD_RESPONSE, naming
 * the field by its path (`items[3].activePoints`) and what was expected, never the value.
 *
 * Sources (README.md, "Contract fixtures", lists the fixture files and what each showed):
 * - the current reference, help.openloyalty.io: the admin login (`{ token, refresh_token }`),
 *   "Add Transaction" (a transaction's `header { documentType, documentNumber, purchasePlace,
 *   purchasedAt }`, `purchasedAt` without a zone, `items[] { sku, name, quantity, grossValue,
 *   category }` with `sku` a string), "Pagination" and "How to Query" (`_page`, `_itemsOnPage`,
 *   a list's `items`);
 * - the 4.x reference, docs.openloyalty.io: whole example lists of members, transactions and
 *   levels (`total` a count, transactions with their document fields at the top level, currency
 *   `eur`); the schemas read both forms where they differ;
 * - modelled, not documented in what could be read: `total: { all, filtered }`, `activePoints`.
 */
import { z } from '../shared/body-schema.js';
import { calendarDate, zoneOffsetAt } from '../shared/time.js';
import type { FoundRecord, Identifier, LoyaltyMemberRecord, LoyaltyRedemptionRecord, LoyaltyTransactionRecord } from '../types.js';
import type { PurchaseLine } from '../../src/generated/graphql.js';

/**
 * The forms the schemas accept, checked by zod's own regex check (a refinement per field costs
 * several times more, and the gateway reads thousands of bodies a second): a calendar date that
 * does not exist (30 February) passes the shape and rolls over when read.
 */
const DATE_TIME_SHAPE = /^\s*\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;
const DATE_OR_DATE_TIME_SHAPE = /^\s*\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$/i;

/** A text field Open Loyalty may leave out or send as null. */
const maybeText = z.string().nullish();

/** `YYYY-MM-DD`, or a date-time with or without a zone (how Open Loyalty serializes a birth date). */
const dateText = z.string().regex(DATE_OR_DATE_TIME_SHAPE, 'expected a date (YYYY-MM-DD) or an ISO 8601 date-time');

/** An ISO 8601 date-time, with a zone or without one (then on the instance's wall clocks). */
const dateTimeText = z.string().regex(DATE_TIME_SHAPE, 'expected an ISO 8601 date-time');

/** A line's `sku`: a string, or `{ code }` with a string or null code. */
function isSku(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const code = (value as { code?: unknown }).code;
  return code === undefined || code === null || typeof code === 'string';
}

/** The admin login answer: `{ token, refresh_token }`; only the token is used. */
export const loginAnswer = z.object({ token: z.string().min(1), refresh_token: z.string().optional() });

/** A count of records. */
const count = z.number().int().nonnegative();

/**
 * A list's `total`: `{ all, filtered }` as the current API is modelled here (`filtered` counts
 * the records matching the filters over every page), or a plain count as the 4.x reference
 * documents it (`"total": 2`).
 */
const listTotal = z.union([z.object({ filtered: count }), count], { error: 'expected an object with a whole "filtered" count, or a whole count' });

/** A list answer read with `_page` paging, as `{ items, filtered }`. */
function listAnswer<T extends z.ZodType>(item: T) {
  return z
    .object({ items: z.array(item), total: listTotal })
    .transform(({ items, total }) => ({ items, filtered: typeof total === 'number' ? total : total.filtered }));
}

/** A member as `GET /api/{storeCode}/member` lists it (the fields the gateway reads). */
export const memberItem = z.object({
  customerId: z.string().min(1),
  loyaltyCardNumber: maybeText,
  email: maybeText,
  phone: maybeText,
  firstName: maybeText,
  lastName: maybeText,
  birthDate: dateText.nullish(),
  // The 4.x reference shows an empty object for a member without an address.
  address: z.object({ street: maybeText, postal: maybeText, city: maybeText, country: maybeText }).nullish(),
  levelId: maybeText,
  activePoints: z.number().nullish(),
  active: z.boolean(),
  agreement2: z.boolean().nullish(),
  agreement3: z.boolean().nullish(),
  createdAt: dateTimeText.nullish(),
  updatedAt: dateTimeText.nullish(),
});

/**
 * A transaction's line. `sku` is a string in the current reference's transaction ("Add
 * Transaction": `"sku": "12AB"`) and `{ code }` in the 4.x reference's list: both read.
 */
const transactionLine = z.object({
  sku: z.custom<string | { code?: string | null }>(isSku, 'expected a string or an object with a string code').nullish(),
  name: z.string(),
  category: maybeText,
  quantity: z.number(),
  grossValue: z.number(),
});

/**
 * A transaction as `GET /api/{storeCode}/transaction` lists it. The current reference groups the
 * document's fields in a `header` (`documentNumber`, `documentType`, `purchasedAt`,
 * `purchasePlace`, as "Add Transaction" writes it); the 4.x reference lists them at the top
 * level, the purchase time as `purchaseDate`. Either form reads.
 */
export const transactionItem = z
  .object({
    transactionId: z.string().min(1),
    customerId: z.string().min(1),
    header: z.object({ documentNumber: maybeText, documentType: z.string(), purchasedAt: dateTimeText, purchasePlace: maybeText }).optional(),
    documentNumber: maybeText,
    documentType: z.string().optional(),
    purchaseDate: dateTimeText.optional(),
    purchasePlace: maybeText,
    grossValue: z.number(),
    currency: maybeText,
    items: z.array(transactionLine).nullish(),
  })
  .refine((t) => t.header !== undefined || (t.documentType !== undefined && t.purchaseDate !== undefined), {
    path: ['header'],
    message: 'expected object (or the 4.x documentType and purchaseDate)',
  });

/**
 * A tier as the (deprecated) `GET /api/{storeCode}/tier` lists it, named by `levelId` as a
 * member's `levelId` names it (the 4.x level list too; its legacy `id` is deprecated there).
 */
export const tierItem = z.object({ levelId: z.string().min(1), name: z.string() });

/** `GET /api/{storeCode}/member`, read as `{ items, filtered }`. */
export const memberListAnswer = listAnswer(memberItem);
/**
 * The transaction list; the 4.x reference names its array `transactions` (`{ transactions,
 * total }`) where the current API is modelled with `items`.
 */
export const transactionListAnswer = z
  .object({ items: z.array(transactionItem).optional(), transactions: z.array(transactionItem).optional(), total: listTotal })
  .refine((body) => body.items !== undefined || body.transactions !== undefined, { path: ['items'], message: 'expected array (or the 4.x transactions)' })
  .transform(({ items, transactions, total }) => ({ items: items ?? transactions ?? [], filtered: typeof total === 'number' ? total : total.filtered }));
/** `GET /api/{storeCode}/tier`, read as `{ items, filtered }`. */
export const tierListAnswer = listAnswer(tierItem);
/**
 * A redeemed reward as `GET /api/{storeCode}/redemption` lists it. The current reference's
 * example could not be read: the keys are those of the "Rewards Redemption" export
 * (issuedRewardId, name, costInPoints, redemptionDate, status, issuedCoupon), the member as
 * `customerId` (the API's name for a member id elsewhere) or `memberId` (the export's), the
 * coupon as a code or `{ code }`, and the store as `purchasePlace` (modelled, as a transaction's).
 */
export const redemptionItem = z
  .object({
    issuedRewardId: z.string().min(1),
    customerId: z.string().min(1).optional(),
    memberId: z.string().min(1).optional(),
    name: z.string(),
    costInPoints: z.number(),
    redemptionDate: dateTimeText,
    status: maybeText,
    issuedCoupon: z.union([z.string(), z.object({ code: maybeText })], { error: 'expected a string or an object with a string code' }).nullish(),
    purchasePlace: maybeText,
  })
  .refine((r) => r.customerId !== undefined || r.memberId !== undefined, { path: ['customerId'], message: 'expected string (or the export\'s memberId)' });

/** `GET /api/{storeCode}/redemption`, read as `{ items, filtered }`. */
export const redemptionListAnswer = listAnswer(redemptionItem);

/**
 * A page of `GET /api/{storeCode}/member?_scroll` ("Scroll Mechanism for Pages",
 * https://help.openloyalty.io/technical-guide/api-fundamentals/scroll-mechanism-for-pages):
 * `{ items, scroll: { next } }`, and at the end `{ items: [], scroll: {} }`. Only each member's
 * `customerId` is read. An empty `scroll` is also read when it comes as `[]`, the way PHP's JSON
 * encoder writes an empty array (the documentation writes `{}`). Read as `{ ids, next }`, `next`
 * null when the page carries no token.
 */
export const memberScrollAnswer = z
  .object({
    items: z.array(z.object({ customerId: z.string().min(1) })),
    scroll: z.union([z.object({ next: z.string().min(1).nullish() }), z.array(z.never()).length(0)], {
      error: 'expected an object with an optional "next" token',
    }),
  })
  .transform(({ items, scroll }) => ({ ids: items.map((item) => item.customerId), next: Array.isArray(scroll) ? null : (scroll.next ?? null) }));

/** A list answer whose items are not read (the health probe). */
export const anyListAnswer = listAnswer(z.unknown());


/** A member, a transaction and a tier as their schemas read them. */
export type MemberItem = z.output<typeof memberItem>;
export type TransactionItem = z.output<typeof transactionItem>;
export type TierItem = z.output<typeof tierItem>;
export type RedemptionItem = z.output<typeof redemptionItem>;

/** A member as read from the API, before its level id is turned into a tier name. */
export type MemberView = Required<Omit<LoyaltyMemberRecord, 'tier'>> & { levelId: string | null };

export interface TransactionView {
  /** The member the transaction is matched to. */
  customerId: string;
  record: LoyaltyTransactionRecord;
}

/**
 * A member as the gateway reads it. `timeZone` (IANA) is where the instance keeps its dates:
 * a birth date sent as an instant (`1990-04-14T22:00:00+00:00`) is read on its wall clocks, and
 * so is a date-time written without a zone.
 */
export function toMemberView(m: MemberItem, timeZone = 'UTC'): MemberView {
  const a = m.address;
  return {
    id: m.customerId,
    cardNumber: m.loyaltyCardNumber ?? null,
    email: m.email ?? null,
    phone: m.phone ?? null,
    firstName: m.firstName ?? null,
    lastName: m.lastName ?? null,
    birthDate: m.birthDate == null ? null : calendarDate(m.birthDate, timeZone),
    address: a == null ? null : { street: a.street ?? null, postalCode: a.postal ?? null, city: a.city ?? null, country: a.country ?? null },
    levelId: m.levelId ?? null,
    activePoints: m.activePoints ?? null,
    active: m.active,
    marketingConsent: m.agreement2 ?? null,
    dataProcessingConsent: m.agreement3 ?? null,
    createdAt: m.createdAt == null ? null : instantIn(m.createdAt, timeZone),
    updatedAt: m.updatedAt == null ? null : instantIn(m.updatedAt, timeZone),
  };
}

/** The member with its tier named; a level missing from `tierNames` leaves the tier unknown. */
export function toMemberRecord(member: MemberView, tierNames: ReadonlyMap<string, string>): LoyaltyMemberRecord {
  const { levelId, ...record } = member;
  // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
  // spread gets a hidden class of its own each time (docs/hidden-classes.md).
  return { tier: levelId === null ? null : (tierNames.get(levelId) ?? null), ...record };
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

/**
 * A transaction as the gateway reads it; a `purchasedAt` without a zone (as "Add Transaction"
 * writes it) is a time on the wall clocks of `timeZone`, the instance's zone.
 */
export function toTransactionView(t: TransactionItem, timeZone = 'UTC'): TransactionView {
  // The schema has checked that one of the two forms is there.
  const header = t.header ?? { documentNumber: t.documentNumber, documentType: t.documentType!, purchasedAt: t.purchaseDate!, purchasePlace: t.purchasePlace };
  return {
    customerId: t.customerId,
    record: {
      id: t.transactionId,
      documentNumber: header.documentNumber ?? null,
      documentType: header.documentType,
      purchasedAt: instantIn(header.purchasedAt, timeZone),
      store: header.purchasePlace ?? null,
      grossValue: t.grossValue,
      // ISO 4217 codes are upper case (the schema's `currency`); the 4.x reference writes "eur".
      currency: t.currency == null ? null : t.currency.toUpperCase(),
      lines: (t.items ?? []).map(toPurchaseLine),
    },
  };
}

/** A redemption as the gateway reads it, with the member it belongs to. */
export interface RedemptionView {
  customerId: string;
  /** Cancelled: the reward was not given and its points went back (see {@link isCancelled}). */
  cancelled: boolean;
  record: LoyaltyRedemptionRecord;
}

/**
 * Whether a redemption's status says it was cancelled. The current status vocabulary is not
 * documented; the 3.x reference spells it `canceled` (delivery statuses), the population
 * `cancelled`: both, in any case.
 */
export function isCancelled(status: string | null | undefined): boolean {
  return status != null && /^cancell?ed$/i.test(status.trim());
}

/**
 * A redemption as the gateway reads it: `redemptionDate` as an ISO 8601 instant in UTC (without
 * a zone, on the wall clocks of `timeZone`), the coupon code from `issuedCoupon`, the points as a
 * whole number (the schema's `Int`).
 */
export function toRedemptionView(r: RedemptionItem, timeZone = 'UTC'): RedemptionView {
  const coupon = r.issuedCoupon == null ? null : typeof r.issuedCoupon === 'string' ? r.issuedCoupon : (r.issuedCoupon.code ?? null);
  return {
    // The schema has checked that one of the two is there.
    customerId: (r.customerId ?? r.memberId)!,
    cancelled: isCancelled(r.status),
    record: {
      id: r.issuedRewardId,
      redeemedAt: instantIn(r.redemptionDate, timeZone),
      reward: { name: r.name, costInPoints: Math.round(r.costInPoints), couponCode: coupon === '' ? null : coupon },
      store: r.purchasePlace ?? null,
    },
  };
}

/** Newest first; equal times by id, so that the order is stable. */
export function newestFirst(a: LoyaltyTransactionRecord, b: LoyaltyTransactionRecord): number {
  if (a.purchasedAt !== b.purchasedAt) return a.purchasedAt < b.purchasedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function toPurchaseLine(item: z.output<typeof transactionLine>): PurchaseLine {
  const { grossValue } = item;
  const measure = Math.abs(item.quantity);
  const sku = item.sku == null ? null : typeof item.sku === 'string' ? item.sku : (item.sku.code ?? null);
  return {
    sku,
    name: item.name,
    category: item.category ?? null,
    // Open Loyalty also records weighed goods (1.5 kg): the measure as recorded, so that quantity
    // times unit price stays the line's value. Positive, as a return's lines may come negative
    // from a POS (the price keeps the value's sign); a line of no quantity is one unit of its value.
    quantity: measure > 0 ? measure : 1,
    unitPrice: measure > 0 ? Math.round((grossValue / measure) * 100) / 100 : grossValue,
  };
}

/**
 * A date-time as the silos write it: `YYYY-MM-DD`, `T` or a space, hours and minutes, optional
 * seconds and fraction, and an optional zone (`Z`, `+02:00`, `+0200`, `+02`).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The form `toISOString` writes, which needs no conversion. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The fields of a date-time text: its wall-clock time as if in UTC (epoch ms) and its zone's
 * offset in ms, null when written without a zone. Null when the text is not a date-time. A date
 * that does not exist (30 February) rolls over, as `Date.parse` does.
 */
function wallClock(text: string): { wallMs: number; offsetMs: number | null } | null {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), s === undefined ? 0 : Number(s), millis);
  return { wallMs, offsetMs: zone === undefined ? null : zoneOffsetMs(zone) };
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return (zone.startsWith('-') ? -minutes : minutes) * 60_000;
}

/**
 * A date-time text (one the schemas accepted) as an ISO 8601 instant in UTC with milliseconds.
 * With a zone, that instant; without one, the time on the wall clocks of `timeZone` (in a
 * daylight-saving gap or overlap, one of the two readings). `Date.parse` would read a
 * zoneless text in the gateway host's zone, which is nobody's. Throws a RangeError for a text
 * that is not a date-time.
 */
export function instantIn(text: string, timeZone: string): string {
  if (CANONICAL_UTC.test(text)) return text;
  const clock = wallClock(text);
  if (clock === null) throw new RangeError('instantIn takes an ISO 8601 date-time (YYYY-MM-DDTHH:MM[:SS[.fff]][zone])');
  const { wallMs, offsetMs } = clock;
  if (offsetMs !== null) return new Date(wallMs - offsetMs).toISOString();
  const first = wallMs - offsetOf(wallMs, timeZone);
  return new Date(wallMs - offsetOf(first, timeZone)).toISOString();
}

const offsetOf = zoneOffsetAt;
