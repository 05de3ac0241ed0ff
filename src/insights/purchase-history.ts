/**
 * A customer's purchase history (pure): from the merged journey's touchpoints, what RFM, the
 * lifecycle stage and the lifetime-value model read, and nothing else: when the customer became
 * known, each purchase (time, retailer's day, amount, refunded part) and each store return.
 *
 * The definitions are the journey summary's (src/journey/summary.ts), so that the figures agree:
 * - a purchase is a store purchase or an online order; money is net of store returns and of what
 *   was refunded on an online order, in one currency (the shop's), summed in thousandths; amounts
 *   in another currency (or in none) are not converted but counted in `otherCurrencyTouchpoints`.
 * - One difference, on purpose: an online order refunded in full is not a purchase here (it is
 *   counted in `fullyRefundedOrders`). The customer kept nothing, its net amount is 0, and
 *   counting it would make a buyer of someone who returned everything: a repeat purchase for
 *   BG/NBD, one more order in RFM's frequency that lowers the average order value, a step in the
 *   lifecycle. A partly refunded order stays a purchase, with its refund netted out.
 *
 * A purchase in another currency is still a purchase (it counts in frequency and in the
 * lifecycle); only its amount is unknown in the history's currency (`amount` null).
 */
import { assertNever } from '../../connectors/shared/exhaustive.js';
import { parseInstant } from '../../connectors/shared/time.js';
import type { TouchpointKind } from '../generated/graphql.js';
import { mostUsedCurrency } from '../journey/summary.js';
import { isVoidedOrder, type TouchpointRecord } from '../journey/touchpoint.js';
import { retailDay } from './retail-day.js';

/** One purchase: a store purchase, or an online order not refunded in full. */
export interface Purchase {
  /** When it happened, in ms since the epoch. */
  readonly at: number;
  /** The retailer's calendar day it happened on (days since 1970-01-01 in the history's time zone, retail-day.ts). */
  readonly day: number;
  readonly kind: 'storePurchase' | 'onlineOrder';
  /** What was paid, in the history's currency, in thousandths (integer); null when in another currency or in none. */
  readonly amountThousandths: number | null;
  /** What was refunded on it (an online order's partial refund), in thousandths; 0 for a store purchase; null with `amountThousandths`. */
  readonly refundedThousandths: number | null;
}

/** One store return (the loyalty program does not say which purchase it returns). */
export interface StoreReturn {
  /** When it happened, in ms since the epoch. */
  readonly at: number;
  /** The retailer's calendar day it happened on. */
  readonly day: number;
  /** What was given back, in the history's currency, in thousandths; null when in another currency or in none. */
  readonly amountThousandths: number | null;
}

/** A customer's purchase history, in time order. */
export interface PurchaseHistory {
  /** ISO 4217, upper case: the currency of every amount; null when unknown and nothing was bought in any. */
  readonly currency: string | null;
  /** The IANA zone the days are counted in. */
  readonly timeZone: string;
  /**
   * When the customer became known, in ms since the epoch: their first account or membership
   * created (CRM contact, shop account, loyalty membership), or their first purchase when that
   * came earlier (a guest order before the account); with neither, their first touchpoint of any
   * kind. Null when there is no touchpoint at all.
   */
  readonly knownSince: number | null;
  /** Purchases, oldest first (same instant: in the order they were added). */
  readonly purchases: readonly Purchase[];
  /** Store returns, oldest first. */
  readonly returns: readonly StoreReturn[];
  /** Online orders refunded in full: not purchases (see the module's notes). */
  readonly fullyRefundedOrders: number;
  /** Store purchases, returns and online orders in another currency than `currency`, or in none (as the journey summary counts them). */
  readonly otherCurrencyTouchpoints: number;
}

/** What a purchase history needs besides the touchpoints. */
export interface PurchaseHistoryOptions {
  /**
   * The currency of the amounts (ISO 4217, any case): the shop's. Null when unknown: the
   * currency most purchases, returns and orders were in is taken (ties by code), as the journey
   * summary does.
   */
  currency: string | null;
  /** The retailer's IANA time zone (TIME_ZONE), in which purchases are placed on days. Default `UTC`. */
  timeZone?: string;
}

/**
 * The purchase history of a whole journey at once: {@link PurchaseHistoryFold} over every touchpoint.
 *
 * @throws RangeError (from Intl) when `timeZone` is not a zone the runtime knows; TIME_ZONE is checked at start.
 *
 * @example
 *   purchaseHistory(touchpoints, { currency: 'EUR', timeZone: 'Europe/Paris' })
 *   // { currency: 'EUR', knownSince: 1741775400000, purchases: [{ at, day: 20160, kind: 'storePurchase', amountThousandths: 42500, … }], … }
 */
export function purchaseHistory(touchpoints: Iterable<TouchpointRecord>, options: PurchaseHistoryOptions): PurchaseHistory {
  const fold = new PurchaseHistoryFold(options);
  for (const touchpoint of touchpoints) fold.add(touchpoint);
  return fold.result();
}

/** A money event before the currency is settled: its own currency and amount in thousandths. */
interface Pending {
  at: number;
  kind: 'storePurchase' | 'onlineOrder' | 'storeReturn';
  currency: string;
  thousandths: number;
  refundedThousandths: number;
  /** An online order refunded in full: counted as a money touchpoint, not a purchase. */
  fullyRefunded: boolean;
}

/**
 * A purchase history being built: `add` each touchpoint once, in any order (the journey's pages
 * as they come), then read `result()`. Keeps the money touchpoints only, a few numbers each.
 */
export class PurchaseHistoryFold {
  readonly #currency: string | null;
  readonly #timeZone: string;
  readonly #events: Pending[] = [];
  #firstCreated: number | null = null;
  #firstTouchpoint: string | null = null;
  #fullyRefunded = 0;

  constructor(options: PurchaseHistoryOptions) {
    this.#currency = options.currency?.trim() ? options.currency.trim().toUpperCase() : null;
    this.#timeZone = options.timeZone ?? 'UTC';
  }

  /** Counts one touchpoint in. */
  add(touchpoint: TouchpointRecord): void {
    // Most touchpoints are visits, needed only for the first touchpoint's time: compared as text,
    // which orders DateTime values as time does (the schema's form, UTC with milliseconds), and
    // parsed once in result().
    if (this.#firstTouchpoint === null || touchpoint.occurredAt < this.#firstTouchpoint) this.#firstTouchpoint = touchpoint.occurredAt;
    if (!MONEY_OR_CREATION.has(touchpoint.kind)) return;
    const at = parseInstant(touchpoint.occurredAt);
    const currency = touchpoint.currency?.trim().toUpperCase() ?? '';
    switch (touchpoint.kind) {
      case 'accountCreated':
      case 'membershipCreated':
        if (this.#firstCreated === null || at < this.#firstCreated) this.#firstCreated = at;
        return;
      case 'storePurchase':
      case 'storeReturn':
        this.#events.push({ at, kind: touchpoint.kind, currency, thousandths: thousandths(touchpoint.amount ?? 0), refundedThousandths: 0, fullyRefunded: false });
        return;
      case 'onlineOrder': {
        // No money moved: no purchase (as the journey summary counts).
        if (isVoidedOrder(touchpoint)) return;
        const total = touchpoint.amount ?? 0;
        const refunded = touchpoint.refunded ?? 0;
        // The summary's test of a full refund (its units count as returned).
        const fullyRefunded = refunded > 0 && refunded >= total;
        if (fullyRefunded) this.#fullyRefunded += 1;
        this.#events.push({ at, kind: 'onlineOrder', currency, thousandths: thousandths(total), refundedThousandths: thousandths(refunded), fullyRefunded });
        return;
      }
      case 'discountCodeUsed':
      case 'rewardRedeemed':
      case 'webVisit':
      case 'appVisit':
      case 'campaignVisit':
      case 'deviceFirstLogin':
        return;
      default:
        return assertNever(touchpoint.kind, 'touchpoint kind');
    }
  }

  /** The history of what was added so far. */
  result(): PurchaseHistory {
    const currency = this.#currency ?? this.#mostUsedCurrency();
    const events = [...this.#events].sort((a, b) => a.at - b.at);
    const purchases: Purchase[] = [];
    const returns: StoreReturn[] = [];
    let otherCurrencyTouchpoints = 0;
    for (const event of events) {
      const inCurrency = currency !== null && event.currency === currency;
      if (!inCurrency) otherCurrencyTouchpoints += 1;
      if (event.fullyRefunded) continue;
      const day = retailDay(event.at, this.#timeZone);
      if (event.kind === 'storeReturn') {
        returns.push({ at: event.at, day, amountThousandths: inCurrency ? event.thousandths : null });
      } else {
        purchases.push({
          at: event.at,
          day,
          kind: event.kind,
          amountThousandths: inCurrency ? event.thousandths : null,
          refundedThousandths: inCurrency ? event.refundedThousandths : null,
        });
      }
    }
    const firstPurchase = purchases[0]?.at ?? null;
    let knownSince = this.#firstCreated;
    if (firstPurchase !== null && (knownSince === null || firstPurchase < knownSince)) knownSince = firstPurchase;
    return {
      currency,
      timeZone: this.#timeZone,
      knownSince: knownSince ?? (this.#firstTouchpoint === null ? null : parseInstant(this.#firstTouchpoint)),
      purchases,
      returns,
      fullyRefundedOrders: this.#fullyRefunded,
      otherCurrencyTouchpoints,
    };
  }

  /** The currency most money touchpoints were in, ties by code (the summary's rule); null when none had one. */
  #mostUsedCurrency(): string | null {
    const counts = new Map<string, number>();
    for (const { currency } of this.#events) counts.set(currency, (counts.get(currency) ?? 0) + 1);
    return mostUsedCurrency(counts);
  }
}

/** The kinds the history keeps something of besides the first touchpoint's time. */
const MONEY_OR_CREATION: ReadonlySet<TouchpointKind> = new Set<TouchpointKind>(['accountCreated', 'membershipCreated', 'storePurchase', 'storeReturn', 'onlineOrder']);

/** An amount in thousandths of its currency unit, so that sums do not drift (as the summary sums). */
function thousandths(amount: number): number {
  return Math.round(amount * 1000);
}

/** How many of the (time-ordered) events happened at or before `now`: the history as of that instant. */
export function countAsOf(events: readonly { readonly at: number }[], now: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.at <= now) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The inputs of the BG/NBD and Gamma-Gamma models for one customer, in DAYS (the retailer's
 * calendar days), as of an instant. As lifetimes' `summary_data_from_transaction_data` with
 * `freq='D'` computes them (lifetimes.readthedocs.io, "Quickstart"): purchases are counted per
 * day, several on one day being one, and the first day's purchases are not repeat purchases.
 */
export interface BgNbdInputs {
  /** Repeat purchases: days with a purchase, after the first one (Fader, Hardie & Lee 2005, `x`). */
  readonly x: number;
  /** Days from the first purchase day to the last (`t_x`, the recency of BG/NBD; 0 when x = 0). */
  readonly t_x: number;
  /** Days from the first purchase day to the day of `now` (`T`, the customer's age). */
  readonly T: number;
  /**
   * Mean spend of a repeat purchase day (Gamma-Gamma's `zbar`, Fader & Hardie 2013): each day's
   * purchases net of their refunds, in the history's currency, to the thousandth; 0 when none
   * (x = 0), as in lifetimes and the CDNOW files. Store returns are not netted out: the loyalty
   * program does not say which purchase they return, and netting them on the day they happen
   * would make a day's spend 0 or negative, which Gamma-Gamma's spend distribution cannot hold.
   * A day with a purchase in another currency is left out of the mean (its spend is unknown).
   */
  readonly zbar: number;
  /** How many repeat days `zbar` is the mean of: `x`, less the days left out for their currency. */
  readonly zbarDays: number;
}

/**
 * The BG/NBD and Gamma-Gamma inputs of a history as of `now` (ms since the epoch): purchases
 * after `now` are left out. Null when the customer has no purchase by then: the models describe
 * customers from their first purchase on.
 *
 * @example
 *   // Purchases on days 100, 100 (twice the same day), 130 and 160; now on day 200.
 *   bgNbdInputs(history, now) // { x: 2, t_x: 60, T: 100, zbar: …, zbarDays: 2 }
 */
export function bgNbdInputs(history: PurchaseHistory, now: number): BgNbdInputs | null {
  const count = countAsOf(history.purchases, now);
  if (count === 0) return null;
  const purchases = history.purchases;
  const firstDay = purchases[0]!.day;
  let x = 0;
  let lastDay = firstDay;
  let spendDays = 0;
  let spendThousandths = 0;
  // One pass over the repeat days: each day's net spend, or unknown when a purchase is in another currency.
  let day = firstDay;
  let dayThousandths = 0;
  let dayKnown = true;
  const closeDay = (): void => {
    if (day === firstDay) return;
    x += 1;
    if (dayKnown) {
      spendDays += 1;
      spendThousandths += dayThousandths;
    }
  };
  for (let i = 0; i < count; i += 1) {
    const purchase = purchases[i]!;
    if (purchase.day !== day) {
      closeDay();
      day = purchase.day;
      dayThousandths = 0;
      dayKnown = true;
    }
    if (purchase.amountThousandths === null) dayKnown = false;
    else dayThousandths += purchase.amountThousandths - (purchase.refundedThousandths ?? 0);
    lastDay = purchase.day;
  }
  closeDay();
  return {
    x,
    t_x: lastDay - firstDay,
    T: retailDay(now, history.timeZone) - firstDay,
    zbar: spendDays === 0 ? 0 : Math.round(spendThousandths / spendDays) / 1000,
    zbarDays: spendDays,
  };
}
