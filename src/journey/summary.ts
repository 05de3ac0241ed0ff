/**
 * The journey summary (pure): a customer's whole history in figures (`Customer.journeySummary`),
 * as a fold over touchpoints. The caller feeds the touchpoints of every stream as its pages come,
 * in any order, each once; the fold keeps counters only (per channel, device, currency, category
 * and store), never the touchpoints, so that a 5,000-purchase history costs the memory of a
 * 50-purchase one. The lifecycle and value work (RFM, segments) builds on the same figures.
 *
 * What the figures mean (schema/journey.graphql, `JourneySummary`):
 * - purchases: store purchases plus online orders (a voided one is none: isVoidedOrder); returns:
 *   store returns plus online orders with a refund (full or partial).
 * - totalSpend: store purchases minus store returns plus online orders' totals minus what was
 *   refunded on them, in one currency (the shop's); amounts in another are not converted but
 *   counted in `otherCurrencyTouchpoints`. Summed in thousandths, so that no float drift shows.
 * - favouriteCategories: units bought minus units returned per category (a weighed good's line
 *   one unit: itemsOnLine), top 5 with more than 0 units, most first, ties by name. A fully
 *   refunded online order's units count as returned; a partly refunded one's are kept (Shopify's
 *   order total does not say which lines went back).
 * - favouriteStore: the store with the most store purchases, ties by name.
 * - partial and unavailableSources are the caller's to fill: it knows which silos failed.
 */
import { assertNever } from '../../connectors/shared/exhaustive.js';
import { compareEventIds } from '../../connectors/shared/journey-order.js';
import { parseInstant } from '../../connectors/shared/time.js';
import type { PurchaseLineRecord } from '../../connectors/types.js';
import type { CategoryCount, Channel, ChannelActivity, Device, DeviceActivity, JourneySummary, Source } from '../generated/graphql.js';
import { isVoidedOrder, itemsOnLine, type TouchpointRecord } from './touchpoint.js';

/** What a summary needs besides the touchpoints. */
export interface JourneySummaryOptions {
  /**
   * The currency of `totalSpend` (ISO 4217, any case): the shop's. Null when unknown: the
   * currency most purchases, returns and orders were in is taken (ties by code).
   */
  currency: string | null;
  /**
   * The category of a shop product, or null when it has none or is unknown. An online order's
   * lines carry the product (Shopify keeps `product_type` on the product, read separately), so
   * without it their units count in no category; loyalty lines carry their own category.
   */
  categoryOf?: (productId: string) => string | null;
}

/**
 * The figures of a journey: the schema's `JourneySummary` but for `partial` and
 * `unavailableSources`, which only the caller knows, and with the touchpoints as the journey
 * computes them.
 */
export type JourneyFigures = Omit<JourneySummary, '__typename' | 'firstTouchpoint' | 'lastTouchpoint' | 'partial' | 'unavailableSources'> & {
  firstTouchpoint: TouchpointRecord | null;
  lastTouchpoint: TouchpointRecord | null;
};

/** The most categories `favouriteCategories` lists (schema: "at most 5"). */
export const FAVOURITE_CATEGORIES = 5;

/**
 * The figures of a whole journey at once: {@link JourneySummaryFold} over every touchpoint.
 *
 * @example
 *   summarizeJourney(touchpoints, { currency: 'EUR', categoryOf: (id) => categories.get(id) ?? null })
 *   // { touchpoints: 12, purchases: 3, returns: 1, totalSpend: 182.3, currency: 'EUR', … }
 */
export function summarizeJourney(touchpoints: Iterable<TouchpointRecord>, options: JourneySummaryOptions): JourneyFigures {
  const fold = new JourneySummaryFold(options);
  for (const touchpoint of touchpoints) fold.add(touchpoint);
  return fold.result();
}

/**
 * A journey summary being built: `add` each touchpoint once, in any order (pages as they come),
 * then read `result()` (as often as wanted; adding more afterwards is fine).
 */
export class JourneySummaryFold {
  readonly #currency: string | null;
  readonly #categoryOf: ((productId: string) => string | null) | undefined;
  #touchpoints = 0;
  #newest: Placed | null = null;
  #oldest: Placed | null = null;
  readonly #channels = new Map<Channel, { count: number; last: number; lastAt: string }>();
  readonly #devices = new Map<string, DeviceTally>();
  #purchases = 0;
  #returns = 0;
  /** Per currency (upper case; '' for none): net spend in thousandths, and how many purchases, returns and orders. */
  readonly #money = new Map<string, { thousandths: number; touchpoints: number }>();
  readonly #categoryUnits = new Map<string, number>();
  readonly #storePurchases = new Map<string, number>();

  constructor(options: JourneySummaryOptions) {
    this.#currency = options.currency?.trim() ? options.currency.trim().toUpperCase() : null;
    this.#categoryOf = options.categoryOf;
  }

  /**
   * Counts one touchpoint in. `at` is its time in ms since the epoch, when the caller has already
   * parsed `occurredAt` (a fold inside another pass over the touchpoints: the segments' journey
   * features): it is then not parsed again.
   */
  add(touchpoint: TouchpointRecord, at: number = parseInstant(touchpoint.occurredAt)): void {
    const placed: Placed = { touchpoint, at };
    this.#touchpoints += 1;
    if (this.#newest === null || journeyOrder(placed, this.#newest) < 0) this.#newest = placed;
    if (this.#oldest === null || journeyOrder(placed, this.#oldest) > 0) this.#oldest = placed;

    const channel = this.#channels.get(touchpoint.channel);
    if (channel === undefined) this.#channels.set(touchpoint.channel, { count: 1, last: placed.at, lastAt: touchpoint.occurredAt });
    else {
      channel.count += 1;
      if (placed.at > channel.last) {
        channel.last = placed.at;
        channel.lastAt = touchpoint.occurredAt;
      }
    }

    switch (touchpoint.kind) {
      case 'storePurchase': {
        this.#purchases += 1;
        this.#spend(touchpoint, touchpoint.amount ?? 0);
        this.#countUnits(touchpoint.items, 1);
        if (touchpoint.store?.trim()) this.#storePurchases.set(touchpoint.store, (this.#storePurchases.get(touchpoint.store) ?? 0) + 1);
        return;
      }
      case 'storeReturn': {
        this.#returns += 1;
        this.#spend(touchpoint, -(touchpoint.amount ?? 0));
        this.#countUnits(touchpoint.items, -1);
        return;
      }
      case 'onlineOrder': {
        if (isVoidedOrder(touchpoint)) return;
        const total = touchpoint.amount ?? 0;
        const refunded = touchpoint.refunded ?? 0;
        this.#purchases += 1;
        if (refunded > 0) this.#returns += 1;
        this.#spend(touchpoint, total - refunded);
        if (!(refunded > 0 && refunded >= total)) this.#countUnits(touchpoint.items, 1);
        return;
      }
      case 'webVisit':
      case 'appVisit':
      case 'campaignVisit':
        if (touchpoint.device) this.#seeDevice(touchpoint.device, placed);
        return;
      case 'accountCreated':
      case 'membershipCreated':
      case 'discountCodeUsed':
      case 'rewardRedeemed':
      // A first login's visit is a visit touchpoint of its own, which counts the device.
      case 'deviceFirstLogin':
        return;
      default:
        return assertNever(touchpoint.kind, 'touchpoint kind');
    }
  }

  /** The figures of what was added so far. */
  result(): JourneyFigures {
    const currency = this.#currency ?? this.#mostUsedCurrency();
    let otherCurrencyTouchpoints = 0;
    for (const [code, money] of this.#money) if (code !== currency) otherCurrencyTouchpoints += money.touchpoints;

    const channels: ChannelActivity[] = [...this.#channels]
      .sort(([a], [b]) => CHANNEL_ORDER[a] - CHANNEL_ORDER[b])
      .map(([channel, { count, lastAt }]) => ({ channel, count, lastAt }));

    const devices: DeviceActivity[] = [...this.#devices.values()]
      .sort((a, b) => b.last.at - a.last.at || byText(a.device.visitorId, b.device.visitorId))
      .map(({ device, visits, first, last }) => ({ device, visits, firstSeenAt: first.touchpoint.occurredAt, lastSeenAt: last.touchpoint.occurredAt }));

    const favouriteCategories: CategoryCount[] = [...this.#categoryUnits]
      .filter(([, units]) => units > 0)
      .sort(([a, unitsA], [b, unitsB]) => unitsB - unitsA || byText(a, b))
      .slice(0, FAVOURITE_CATEGORIES)
      .map(([category, units]) => ({ category, units }));

    let favouriteStore: string | null = null;
    let most = 0;
    for (const [store, purchases] of this.#storePurchases) {
      if (purchases > most || (purchases === most && favouriteStore !== null && byText(store, favouriteStore) < 0)) {
        favouriteStore = store;
        most = purchases;
      }
    }

    return {
      firstTouchpoint: this.#oldest?.touchpoint ?? null,
      lastTouchpoint: this.#newest?.touchpoint ?? null,
      touchpoints: this.#touchpoints,
      channels,
      devices,
      purchases: this.#purchases,
      returns: this.#returns,
      totalSpend: (currency === null ? 0 : (this.#money.get(currency)?.thousandths ?? 0)) / 1000,
      currency,
      otherCurrencyTouchpoints,
      favouriteCategories,
      favouriteStore,
    };
  }

  #spend(touchpoint: TouchpointRecord, amount: number): void {
    const code = touchpoint.currency?.trim().toUpperCase() ?? '';
    const money = this.#money.get(code);
    const thousandths = Math.round(amount * 1000);
    if (money === undefined) this.#money.set(code, { thousandths, touchpoints: 1 });
    else {
      money.thousandths += thousandths;
      money.touchpoints += 1;
    }
  }

  #countUnits(lines: readonly PurchaseLineRecord[], sign: 1 | -1): void {
    for (const line of lines) {
      const category = 'productId' in line ? (line.productId !== null && this.#categoryOf ? this.#categoryOf(line.productId) : null) : line.category;
      if (!category?.trim()) continue;
      this.#categoryUnits.set(category, (this.#categoryUnits.get(category) ?? 0) + sign * itemsOnLine(line));
    }
  }

  #seeDevice(device: Device, visit: Placed): void {
    const tally = this.#devices.get(device.visitorId);
    if (tally === undefined) {
      this.#devices.set(device.visitorId, { device: deviceOf(device), visits: 1, first: visit, last: visit });
      return;
    }
    tally.visits += 1;
    if (journeyOrder(visit, tally.first) > 0) tally.first = visit;
    // The newest visit says what the device is now (an OS or browser update shows there first).
    if (journeyOrder(visit, tally.last) < 0) {
      tally.last = visit;
      tally.device = deviceOf(device);
    }
  }

  #mostUsedCurrency(): string | null {
    return mostUsedCurrency(Array.from(this.#money, ([code, { touchpoints }]) => [code, touchpoints]));
  }
}

/**
 * The currency a history's money is counted in when the shop's is unknown: the one most money
 * touchpoints were in, ties by code (UTF-16 order); null when none had one. `counts` pairs a code
 * (ISO 4217 as the silo wrote it, '' for none, which never wins) with its touchpoints. The
 * summary and the insights' purchase history (src/insights/purchase-history.ts) follow this one rule.
 */
export function mostUsedCurrency(counts: Iterable<readonly [code: string, touchpoints: number]>): string | null {
  let chosen: string | null = null;
  let most = 0;
  for (const [code, touchpoints] of counts) {
    if (code === '') continue;
    if (touchpoints > most || (touchpoints === most && chosen !== null && byText(code, chosen) < 0)) {
      chosen = code;
      most = touchpoints;
    }
  }
  return chosen;
}

/** A touchpoint with its time in milliseconds, parsed once. */
interface Placed {
  touchpoint: TouchpointRecord;
  at: number;
}

interface DeviceTally {
  device: Device;
  visits: number;
  first: Placed;
  last: Placed;
}

/** The schema's order of channels (`enum Channel`), for `channels`; a new channel fails to compile here. */
const CHANNEL_ORDER: { readonly [C in Channel]: number } = { store: 0, web: 1, app: 2, email: 3, campaign: 4 };

/** The journey's order of silos at the same instant (schema: crm, loyalty, commerce, analytics). */
const SOURCE_ORDER: { readonly [S in Source]: number } = { crm: 0, loyalty: 1, commerce: 2, analytics: 3 };

/**
 * The journey's total order (schema/journey.graphql, `Customer.journey`): newest first, then the
 * silo, then the event's id in its silo (compareEventIds), then the touchpoint's id. Negative
 * when `a` comes first (is newer).
 */
function journeyOrder(a: Placed, b: Placed): number {
  return (
    b.at - a.at ||
    SOURCE_ORDER[a.touchpoint.source] - SOURCE_ORDER[b.touchpoint.source] ||
    compareEventIds(a.touchpoint.sourceId, b.touchpoint.sourceId) ||
    byText(a.touchpoint.id, b.touchpoint.id)
  );
}

/** By UTF-16 code units: the same answer in every locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function deviceOf(device: Device): Device {
  return { visitorId: device.visitorId, type: device.type ?? null, operatingSystem: device.operatingSystem ?? null, browser: device.browser ?? null };
}

/**
 * The preferred channel of a journey (`Customer.preferences`): the channel with the most
 * touchpoints of its `channels`; ties go to the one used most recently. Null without any.
 */
export function preferredChannel(channels: readonly Pick<ChannelActivity, 'channel' | 'count' | 'lastAt'>[]): ChannelActivity['channel'] | null {
  let best: Pick<ChannelActivity, 'channel' | 'count' | 'lastAt'> | null = null;
  for (const c of channels) {
    if (best === null || c.count > best.count || (c.count === best.count && Date.parse(c.lastAt) > Date.parse(best.lastAt))) best = c;
  }
  return best?.channel ?? null;
}

/**
 * The shop's currency, that a customer's money figures are in: the currency of their online
 * orders (Shopify's `Order.currency` is the shop's currency; what a customer of a multi-currency
 * shop paid in is the order's `presentment_currency`), the one most of them are in (ties by
 * code); without an order, `recordCurrency`: the shop account's `currency` (Shopify's
 * `Customer.currency` is the currency of the customer's last payment, the shop's by default, so
 * it is not the shop's for a customer who last paid in another). Upper case; null when neither.
 */
export function shopCurrencyOf(touchpoints: Iterable<TouchpointRecord>, recordCurrency: string | null): string | null {
  const orders = new Map<string, number>();
  for (const touchpoint of touchpoints) {
    const code = touchpoint.kind === 'onlineOrder' ? touchpoint.currency?.trim().toUpperCase() : undefined;
    if (code) orders.set(code, (orders.get(code) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [code, count] of orders) if (best === null || count > orders.get(best)! || (count === orders.get(best) && code < best)) best = code;
  return best ?? (recordCurrency?.trim() ? recordCurrency.trim().toUpperCase() : null);
}
