/**
 * From a silo's events to the journey's touchpoints (pure): one touchpoint per event, except an
 * online order, which also gives one `discountCodeUsed` touchpoint per code it used. Each stream
 * keeps to the kinds and channels STREAM_KINDS (touchpoint.ts) gives it, so that the journey can
 * skip a stream a filter rules out.
 *
 * A touchpoint's `summary` is one English line a store clerk reads at the counter: what happened,
 * where, for how much. It is built from the event's own facts only (store, reward, code, campaign,
 * device), never from the record's contact details: no email, phone or name ever gets into it.
 */
import { assertNever } from '../../connectors/shared/exhaustive.js';
import type {
  CommerceCustomerRecord,
  CrmContactRecord,
  LoyaltyMemberRecord,
  PurchaseLineRecord,
} from '../../connectors/types.js';
import type { Device, Source } from '../generated/graphql.js';
import { visibleText } from '../identity/unicode.js';
import { itemsOnLine, type JourneyStream, type StreamEvents, type TouchpointRecord } from './touchpoint.js';

/** One stream's event with its stream: the union a `switch` can narrow (a generic `S` cannot be). */
type StreamEvent = { [S in JourneyStream]: { stream: S; event: StreamEvents[S] } }[JourneyStream];

/**
 * The touchpoints of one event of a journey stream, in journey order (an online order before its
 * discount codes): none for a record without a creation date, two or more for an online order
 * with discount codes, else one.
 *
 * @example
 *   touchpointsOf('loyalty.transactions', { ...transaction, recordId: member.id })
 *   // [{ id: 'loyalty:transaction:8f2c…', kind: 'storePurchase', channel: 'store',
 *   //    summary: 'Bought 2 items in Lyon Part-Dieu for 111.90 EUR', … }]
 */
export function touchpointsOf<S extends JourneyStream>(stream: S, event: StreamEvents[S]): TouchpointRecord[] {
  // `stream` and `event` go together (StreamEvents[S]); the cast only restates that as a union,
  // which a switch over the destructured stream narrows.
  const { stream: which, event: item } = { stream, event } as StreamEvent;
  switch (which) {
    case 'crm.contacts':
      return contactTouchpoints(item);
    case 'loyalty.members':
      return memberTouchpoints(item);
    case 'loyalty.transactions':
      return [transactionTouchpoint(item)];
    case 'loyalty.redemptions':
      return [redemptionTouchpoint(item)];
    case 'commerce.customers':
      return shopAccountTouchpoints(item);
    case 'commerce.orders':
      return orderTouchpoints(item);
    case 'analytics.visits':
      return [visitTouchpoint(item)];
    case 'analytics.logins':
      return [firstLoginTouchpoint(item)];
    default:
      // The stream alone names what came (never the event, which can hold personal data).
      return assertNever(which, 'journey stream');
  }
}

/** `accountCreated` (email channel) at the contact's creation in the CRM; none without `createdAt`. */
export function contactTouchpoints(contact: CrmContactRecord): TouchpointRecord[] {
  return recordCreated('crm', 'contact', contact, { kind: 'accountCreated', channel: 'email', summary: 'Became a CRM contact' });
}

/** `membershipCreated` (store channel) when the member joined the loyalty program; none without `createdAt`. */
export function memberTouchpoints(member: LoyaltyMemberRecord): TouchpointRecord[] {
  return recordCreated('loyalty', 'member', member, { kind: 'membershipCreated', channel: 'store', summary: 'Joined the loyalty program' });
}

/** `accountCreated` (web channel) when the shop account was created; none without `createdAt`. */
export function shopAccountTouchpoints(customer: CommerceCustomerRecord): TouchpointRecord[] {
  return recordCreated('commerce', 'customer', customer, { kind: 'accountCreated', channel: 'web', summary: 'Created a shop account' });
}

/**
 * A till receipt: `storeReturn` when its Open Loyalty `documentType` is `return` (any case), else
 * `storePurchase` (`sell`), at `purchasedAt`, for its gross value (positive whatever sign the POS
 * sent), with its lines and store.
 */
export function transactionTouchpoint(transaction: StreamEvents['loyalty.transactions']): TouchpointRecord {
  const isReturn = transaction.documentType.toLowerCase() === 'return';
  const amount = Math.abs(transaction.grossValue);
  const currency = transaction.currency ?? null;
  const store = storeName(transaction.store);
  const units = unitsOf(transaction.lines);
  const what = isReturn ? (units > 0 ? `Returned ${count(units, 'item')}` : 'Made a return') : units > 0 ? `Bought ${count(units, 'item')}` : 'Made a purchase';
  return touchpoint({
    id: eventId('loyalty', 'transaction', transaction.id),
    occurredAt: transaction.purchasedAt,
    kind: isReturn ? 'storeReturn' : 'storePurchase',
    channel: 'store',
    source: 'loyalty',
    sourceId: transaction.id,
    recordId: transaction.recordId,
    summary: `${what}${place(store)} for ${money(amount, currency)}`,
    amount,
    currency,
    items: transaction.lines,
    store,
  });
}

/**
 * A loyalty reward redeemed with points (Open Loyalty redemption), at its redemption date, where it
 * was redeemed: channel `store` when the program recorded a point of sale (`purchasePlace`), else
 * `app` (a redemption with no till behind it is made by the member in the program's app or portal).
 */
export function redemptionTouchpoint(redemption: StreamEvents['loyalty.redemptions']): TouchpointRecord {
  const { reward } = redemption;
  const store = storeName(redemption.store);
  return touchpoint({
    id: eventId('loyalty', 'redemption', redemption.id),
    occurredAt: redemption.redeemedAt,
    kind: 'rewardRedeemed',
    channel: store === null ? 'app' : 'store',
    source: 'loyalty',
    sourceId: redemption.id,
    recordId: redemption.recordId,
    summary: `Redeemed ${reward.name} for ${count(reward.costInPoints, 'point')}${place(store)}`,
    reward,
    store,
  });
}

/**
 * An online order (`onlineOrder`, web, at `created_at`, for its total price, with its lines,
 * financial status and codes), then one `discountCodeUsed` per distinct code it used (Shopify
 * `discount_codes[].code`), at the same time, with what the code took off (its `amount`). The
 * order carries its refunded amount for the summary ({@link TouchpointRecord.refunded}).
 */
export function orderTouchpoints(order: StreamEvents['commerce.orders']): TouchpointRecord[] {
  const id = eventId('commerce', 'order', order.id);
  const amount = Math.abs(order.totalPrice);
  const units = unitsOf(order.lines);
  // A code the shop lists twice was used once: listed once, one discountCodeUsed.
  const distinctCodes = [...new Set(order.discountCodes)];
  const what = units > 0 ? `Ordered ${count(units, 'item')} online` : 'Placed an order online';
  // Shopify's statuses are snake_case (`partially_refunded`): a clerk reads words.
  const status = order.financialStatus ? ` (${order.financialStatus.replaceAll('_', ' ')})` : '';
  const placed = touchpoint({
    id,
    occurredAt: order.createdAt,
    kind: 'onlineOrder',
    channel: 'web',
    source: 'commerce',
    sourceId: order.id,
    recordId: order.recordId,
    summary: `${what} for ${money(amount, order.currency)}${status}`,
    amount,
    currency: order.currency,
    items: order.lines,
    financialStatus: order.financialStatus ?? null,
    discountCodes: distinctCodes,
    refunded: Math.abs(order.totalRefunded),
  });
  const onOrder = order.name.trim() === '' ? 'on an online order' : `on order ${order.name}`;
  const codes = distinctCodes.map((code) => {
    const off = amountOff(order.discounts, code);
    return touchpoint({
      // A code is merchant text: encoded, a `:` in it cannot make two ids equal.
      id: `${id}:code:${encodeURIComponent(code)}`,
      occurredAt: order.createdAt,
      kind: 'discountCodeUsed',
      channel: 'web',
      source: 'commerce',
      sourceId: order.id,
      recordId: order.recordId,
      summary: `Used code ${code} ${onOrder}${off === null ? '' : `, ${money(off, order.currency)} off`}`,
      ...(off === null ? {} : { amount: off, currency: order.currency }),
      discountCodes: [code],
    });
  });
  return [placed, ...codes];
}

/**
 * What a code took off an order: the sum of its `discount_codes[].amount` (Shopify gives the money
 * taken off whatever the code's type), or null when the shop gives no amount for it.
 */
function amountOff(discounts: StreamEvents['commerce.orders']['discounts'], code: string): number | null {
  let thousandths: number | null = null;
  for (const discount of discounts) {
    if (discount.code !== code || discount.amount === null || discount.amount === undefined) continue;
    thousandths = (thousandths ?? 0) + Math.round(Math.abs(discount.amount) * 1000);
  }
  return thousandths === null ? null : thousandths / 1000;
}

/**
 * A visit, at its last action (Matomo lists visits by last action): `campaignVisit` when a
 * campaign brought it (channel `email` when the campaign's medium is `email`, any case, else
 * `campaign`), else `appVisit` in the app and `webVisit` on the website. The device is the
 * visit's visitor (`recordId`).
 */
export function visitTouchpoint(visit: StreamEvents['analytics.visits']): TouchpointRecord {
  const campaign = visit.campaign?.trim() ? visit.campaign : null;
  const medium = visit.campaignMedium?.trim().toLowerCase() || null;
  const device: Device = { visitorId: visit.recordId, type: visit.deviceType ?? null, operatingSystem: visit.operatingSystem ?? null, browser: visit.browser ?? null };
  let summary: string;
  if (campaign !== null) {
    summary = `Came to the ${visit.inApp ? 'app' : 'website'} from the ${medium === null ? '' : `${medium} `}campaign ${campaign}`;
  } else if (visit.inApp) {
    // In the app, Matomo's "browser" is the app itself: the OS says enough.
    summary = `Opened the app${onDevice(device.type, [device.operatingSystem])}${activity(visit.pages.length, 'screen', visit.productViews.length)}`;
  } else {
    summary = `Visited the website${onDevice(device.type, [device.operatingSystem, device.browser])}${activity(visit.pages.length, 'page', visit.productViews.length)}`;
  }
  return touchpoint({
    id: eventId('analytics', 'visit', visit.id),
    occurredAt: visit.endedAt,
    kind: campaign !== null ? 'campaignVisit' : visit.inApp ? 'appVisit' : 'webVisit',
    channel: campaign !== null ? (medium === 'email' ? 'email' : 'campaign') : visit.inApp ? 'app' : 'web',
    source: 'analytics',
    sourceId: visit.id,
    recordId: visit.recordId,
    summary,
    device,
    campaign,
    referrer: visit.referrer ?? null,
    pagesViewed: visit.pages,
    productsViewed: visit.productViews,
  });
}

/**
 * The first visit a device (analytics visitor) made logged in as one of the customer's shop ids:
 * the moment the anonymous device became this customer, at that visit's last action, in the app
 * or on the website. The device's type, OS and browser are those of the visitor's newest visit
 * (all a device record has); `sourceId` is the login visit's id.
 */
export function firstLoginTouchpoint({ visitor, login }: StreamEvents['analytics.logins']): TouchpointRecord {
  let newest: (typeof visitor.visits)[number] | undefined;
  for (const visit of visitor.visits) if (newest === undefined || Date.parse(visit.endedAt) > Date.parse(newest.endedAt)) newest = visit;
  const device: Device = { visitorId: visitor.id, type: newest?.deviceType ?? null, operatingSystem: newest?.operatingSystem ?? null, browser: newest?.browser ?? null };
  const where = login.inApp ? ` in the app${onDevice(device.type, [device.operatingSystem])}` : onDevice(device.type, [device.operatingSystem, device.browser]);
  return touchpoint({
    id: eventId('analytics', 'login', login.visitId),
    occurredAt: login.at,
    kind: 'deviceFirstLogin',
    channel: login.inApp ? 'app' : 'web',
    source: 'analytics',
    sourceId: login.visitId,
    recordId: visitor.id,
    summary: `Logged in for the first time${where}`,
    device,
    loggedInAs: login.userId,
  });
}

// ---------------------------------------------------------------------------------------------

/** What every touchpoint states; the rest defaults to "nothing of that kind". */
export type TouchpointEssentials = Pick<TouchpointRecord, 'id' | 'occurredAt' | 'kind' | 'channel' | 'source' | 'sourceId' | 'recordId' | 'summary'>;

/** A touchpoint of `fields`: no amount, items, store, device, campaign... unless given. */
export function touchpoint(fields: TouchpointEssentials & Partial<TouchpointRecord>): TouchpointRecord {
  return {
    amount: null,
    currency: null,
    items: [],
    store: null,
    financialStatus: null,
    discountCodes: [],
    reward: null,
    device: null,
    campaign: null,
    referrer: null,
    pagesViewed: [],
    productsViewed: [],
    ...fields,
  };
}

/**
 * `<source>:<kind of event>:<id in the silo>`. The silo's id is URI-encoded (ids of digits, hex
 * or UUIDs are unchanged) so that no id can end in what another id's suffix (`:code:…`,
 * `:created`) looks like.
 */
function eventId(source: Source, event: string, sourceId: string): string {
  return `${source}:${event}:${encodeURIComponent(sourceId)}`;
}

function recordCreated(
  source: Source,
  event: string,
  record: { id: string; createdAt?: string | null },
  what: Pick<TouchpointRecord, 'kind' | 'channel' | 'summary'>,
): TouchpointRecord[] {
  if (!record.createdAt) return [];
  // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
  // spread gets a hidden class of its own each time (docs/hidden-classes.md).
  return [touchpoint({ id: `${eventId(source, event, record.id)}:created`, occurredAt: record.createdAt, source, sourceId: record.id, recordId: record.id, ...what })];
}

/** Items on the lines, as a clerk counts them (itemsOnLine). */
function unitsOf(lines: readonly PurchaseLineRecord[]): number {
  return lines.reduce((sum, line) => sum + itemsOnLine(line), 0);
}

/** `1 item`, `2 items`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * `111.90 EUR`, `1500 JPY`, `12.345 KWD`: the figure with its currency's minor units (ISO 4217,
 * as Intl knows them; 2 for a code it does not know); without a currency, with 2 decimals.
 */
function money(amount: number, currency: string | null): string {
  return currency ? `${amount.toFixed(minorUnits(currency))} ${currency}` : amount.toFixed(2);
}

/** The decimals of a currency's minor unit (ISO 4217): 2 for EUR, 0 for JPY, 3 for KWD; 2 for a code Intl does not know. */
function minorUnits(currency: string): number {
  let digits = MINOR_UNITS.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    // Currencies are the silos' to send: the memo is bounded, and starts over when full.
    if (MINOR_UNITS.size >= 256) MINOR_UNITS.clear();
    MINOR_UNITS.set(currency, digits);
  }
  return digits;
}
const MINOR_UNITS = new Map<string, number>();

/** The longest store name a summary line repeats; a longer one is cut there with an ellipsis. */
const SUMMARY_STORE_LENGTH = 80;

function place(store: string | null): string {
  if (store === null) return '';
  return ` in ${store.length > SUMMARY_STORE_LENGTH ? `${store.slice(0, SUMMARY_STORE_LENGTH - 1)}…` : store}`;
}

/**
 * A store's name as one clerk would write it: visible characters only (no directional overrides
 * or zero-width marks, which could make a summary read other than it is), spaces collapsed and
 * trimmed, so that `Paris Opéra ` and `Paris Opéra` count as one store; null when nothing is left.
 */
function storeName(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const name = visibleText(raw).replace(/\s+/g, ' ').trim();
  return name === '' ? null : name;
}

/** ` on a smartphone (iOS, Safari Mobile)`, leaving out what is unknown. */
function onDevice(type: string | null | undefined, details: ReadonlyArray<string | null | undefined>): string {
  const known = details.filter((detail): detail is string => !!detail?.trim());
  const what = type?.trim() ? `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}` : known.length > 0 ? 'a device' : '';
  return (what ? ` on ${what}` : '') + (known.length > 0 ? ` (${known.join(', ')})` : '');
}

/** `: 5 pages, 2 products viewed`; nothing when the visit saw neither. */
function activity(pages: number, pageNoun: string, products: number): string {
  const parts = [pages > 0 ? count(pages, pageNoun) : '', products > 0 ? `${count(products, 'product')} viewed` : ''].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}
