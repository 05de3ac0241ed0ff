/**
 * The `journey` features of a customer (pure), from the touchpoints of the merged history: the
 * journey summary's figures (src/journey/summary.ts, whose definitions of a purchase, a return
 * and net spend they reuse through {@link JourneySummaryFold}), counts per kind, and the windowed
 * methods a rule calls (`journey.purchasesInLast(30)`), which read arrays sorted once here, so
 * that a call costs a binary search or a map lookup, not a pass over the history.
 */
import { isVoidedOrder, JOURNEY_STREAMS, type JourneyStream, type TouchpointRecord } from '../../journey/touchpoint.js';
import { assertNever } from '../../../connectors/shared/exhaustive.js';
import { parseInstant } from '../../../connectors/shared/time.js';
import { JourneySummaryFold, type JourneyFigures } from '../../journey/summary.js';
import { FEATURES, WINDOW_DAYS } from './catalogue.js';
import { whole } from './values.js';

/** Milliseconds in a day: windows and "days since" count 24-hour days back from `now`. */
export const DAY_MS = 86_400_000;

/** What the journey features need besides the touchpoints. */
export interface JourneyFeatureOptions {
  /** The instant "now" that windows and "days since" count back from, in ms since the epoch. */
  now: number;
  /**
   * The streams whose touchpoints were all read (a failed silo's streams are left out). A
   * feature whose streams are not all here is unknown (catalogue.ts gives each one's streams).
   */
  streams: Iterable<JourneyStream>;
  /** The shop's currency (ISO 4217), or null: as {@link JourneySummaryFold} takes it. */
  currency: string | null;
  /**
   * The category of a shop product, as the journey summary takes it. Without it, the features
   * that need categories (`favouriteCategories`, `boughtCategory`) are unknown when an online
   * order has a line with a product.
   */
  categoryOf?: (productId: string) => string | null;
  /**
   * The journey summary of the same touchpoints, when the caller already has it (the query also
   * selected `journeySummary`): it is then not computed again.
   */
  figures?: JourneyFigures;
}

/**
 * The `journey` group of a rule. Its fields are the figures; its methods answer windowed
 * questions. A field that is unknown is absent; a method whose streams were not read throws
 * (an error the rule's evaluation absorbs). Construct it with {@link journeyFeatures}; `new
 * JourneyFeatures()` has every feature unknown.
 */
export class JourneyFeatures {
  touchpoints?: bigint;
  channels?: string[];
  devices?: bigint;
  purchases?: bigint;
  returns?: bigint;
  totalSpend?: number;
  currency?: string;
  storePurchases?: bigint;
  onlineOrders?: bigint;
  webVisits?: bigint;
  appVisits?: bigint;
  campaignVisits?: bigint;
  favouriteStore?: string;
  favouriteCategories?: string[];
  daysSinceFirstPurchase?: bigint;
  daysSinceLastVisit?: bigint;
  readonly #history: History | null;

  constructor(history: History | null = null) {
    this.#history = history;
  }

  /** Store purchases plus online orders in the last `days` days. Throws a RangeError for days outside 1–3650. */
  purchasesInLast(days: bigint): bigint {
    const history = this.#read('purchasesInLast');
    return BigInt(countAfter(history.purchases, cutoff(history.now, days, 'purchasesInLast')));
  }

  /** Store purchases in the last `days` days. */
  storePurchasesInLast(days: bigint): bigint {
    const history = this.#read('storePurchasesInLast');
    return BigInt(countAfter(history.storePurchases, cutoff(history.now, days, 'storePurchasesInLast')));
  }

  /** Online orders in the last `days` days. */
  onlineOrdersInLast(days: bigint): bigint {
    const history = this.#read('onlineOrdersInLast');
    return BigInt(countAfter(history.onlineOrders, cutoff(history.now, days, 'onlineOrdersInLast')));
  }

  /** Net spend (purchases minus returns and refunds, in the summary's currency) of the last `days` days. */
  spendInLast(days: bigint): number {
    const history = this.#read('spendInLast');
    const from = firstAfter(history.money.at, cutoff(history.now, days, 'spendInLast'));
    return (history.money.suffixThousandths[from] ?? 0) / 1000;
  }

  /** Visits (web, app, campaign) in the last `days` days. */
  visitsInLast(days: bigint): bigint {
    const history = this.#read('visitsInLast');
    return BigInt(countAfter(history.visits, cutoff(history.now, days, 'visitsInLast')));
  }

  /** Visits a campaign brought in the last `days` days. */
  campaignVisitsInLast(days: bigint): bigint {
    const history = this.#read('campaignVisitsInLast');
    return BigInt(countAfter(history.campaignVisits, cutoff(history.now, days, 'campaignVisitsInLast')));
  }

  /** Whether a visit came from `campaign` (any case) in the last `days` days. */
  visitedFromCampaign(campaign: string, days: bigint): boolean {
    const history = this.#read('visitedFromCampaign');
    return (history.campaigns.get(foldName(campaign)) ?? -Infinity) > cutoff(history.now, days, 'visitedFromCampaign');
  }

  /** Whether a purchase (not a fully refunded order) had a line of `category` (any case) in the last `days` days. */
  boughtCategory(category: string, days: bigint): boolean {
    const history = this.#read('boughtCategory');
    return (history.bought.get(foldName(category)) ?? -Infinity) > cutoff(history.now, days, 'boughtCategory');
  }

  /** Whether a product of `category` (any case) was viewed in the last `days` days. */
  viewedCategory(category: string, days: bigint): boolean {
    const history = this.#read('viewedCategory');
    return (history.viewed.get(foldName(category)) ?? -Infinity) > cutoff(history.now, days, 'viewedCategory');
  }

  #read(method: string): History {
    const history = this.#history;
    // The message names the feature only: a rule's evaluation absorbs it (compile.ts).
    const mask = FEATURE_MASK[method]!;
    if (history === null || (history.readMask & mask) !== mask) throw new Error(`journey.${method} is unknown: the silos it needs were not read.`);
    return history;
  }
}

/** What the methods read: times in ms since the epoch, ascending. */
interface History {
  now: number;
  /** The bits of the streams read (and of the categories, when known): see {@link FEATURE_MASK}. */
  readMask: number;
  purchases: readonly number[];
  storePurchases: readonly number[];
  onlineOrders: readonly number[];
  visits: readonly number[];
  campaignVisits: readonly number[];
  /** Purchases, returns and orders in the summary's currency: their times, and the net spend from each one to the newest, in thousandths. */
  money: { at: readonly number[]; suffixThousandths: readonly number[] };
  /** Per category (folded name): the newest purchase of it; per campaign: the newest visit from it; per category: the newest view. */
  bought: Map<string, number>;
  campaigns: Map<string, number>;
  viewed: Map<string, number>;
}

/**
 * The `journey` features of a customer from the touchpoints of their merged history (every
 * stream's, each touchpoint once, in any order).
 *
 * @example
 *   journeyFeatures(touchpoints, { now: Date.now(), streams: JOURNEY_STREAMS, currency: 'EUR', categoryOf })
 *   // JourneyFeatures { purchases: 3n, totalSpend: 182.3, channels: ['store', 'web'], … }
 */
export function journeyFeatures(touchpoints: Iterable<TouchpointRecord>, options: JourneyFeatureOptions): JourneyFeatures {
  const fold = options.figures === undefined ? new JourneySummaryFold({ currency: options.currency, categoryOf: options.categoryOf }) : null;
  const purchases: number[] = [];
  const storePurchases: number[] = [];
  const onlineOrders: number[] = [];
  const visits: number[] = [];
  const campaignVisits: number[] = [];
  const money: Array<{ at: number; thousandths: number; currency: string }> = [];
  const bought = new Map<string, number>();
  const campaigns = new Map<string, number>();
  const viewed = new Map<string, number>();
  let webVisits = 0;
  let appVisits = 0;
  let productLines = false;

  for (const touchpoint of touchpoints) {
    const at = parseInstant(touchpoint.occurredAt);
    fold?.add(touchpoint, at);
    // A DateTime the schema let through always parses; a time that does not is in no window.
    if (Number.isNaN(at)) continue;
    switch (touchpoint.kind) {
      case 'storePurchase':
        purchases.push(at);
        storePurchases.push(at);
        money.push({ at, thousandths: Math.round((touchpoint.amount ?? 0) * 1000), currency: currencyOf(touchpoint) });
        for (const line of touchpoint.items) if (!('productId' in line)) newest(bought, line.category, at);
        break;
      case 'storeReturn':
        money.push({ at, thousandths: -Math.round((touchpoint.amount ?? 0) * 1000), currency: currencyOf(touchpoint) });
        break;
      case 'onlineOrder': {
        // No money moved: no purchase (as the journey summary counts).
        if (isVoidedOrder(touchpoint)) break;
        const total = touchpoint.amount ?? 0;
        const refunded = touchpoint.refunded ?? 0;
        purchases.push(at);
        onlineOrders.push(at);
        // As the journey summary counts it: the total minus what was refunded, in thousandths.
        money.push({ at, thousandths: Math.round((total - refunded) * 1000), currency: currencyOf(touchpoint) });
        const fullyRefunded = refunded > 0 && refunded >= total;
        for (const line of touchpoint.items) {
          if (!('productId' in line) || line.productId === null) continue;
          productLines = true;
          if (!fullyRefunded && options.categoryOf) newest(bought, options.categoryOf(line.productId), at);
        }
        break;
      }
      case 'webVisit':
      case 'appVisit':
      case 'campaignVisit':
        visits.push(at);
        if (touchpoint.kind === 'webVisit') webVisits += 1;
        else if (touchpoint.kind === 'appVisit') appVisits += 1;
        else {
          campaignVisits.push(at);
          newest(campaigns, touchpoint.campaign, at);
        }
        for (const view of touchpoint.productsViewed) {
          const viewedAt = parseInstant(view.viewedAt);
          newest(viewed, view.category, Number.isNaN(viewedAt) ? at : viewedAt);
        }
        break;
      case 'accountCreated':
      case 'membershipCreated':
      case 'discountCodeUsed':
      case 'rewardRedeemed':
      case 'deviceFirstLogin':
        // In `touchpoints` and `channels` only (through the summary).
        break;
      default:
        return assertNever(touchpoint.kind, 'touchpoint kind');
    }
  }

  const summary = options.figures ?? fold!.result();
  let readMask = 0;
  for (const stream of options.streams) readMask |= STREAM_BIT[stream];
  // Categories are known when the shop's can be looked up, or no online order needs them.
  if (options.categoryOf !== undefined || !productLines) readMask |= CATEGORIES_BIT;
  const summaryCurrency = summary.currency ?? '';
  const spent = money.filter((m) => m.currency === summaryCurrency).sort((a, b) => a.at - b.at);
  const suffix = new Array<number>(spent.length + 1);
  suffix[spent.length] = 0;
  for (let i = spent.length - 1; i >= 0; i -= 1) suffix[i] = suffix[i + 1]! + spent[i]!.thousandths;

  const purchaseTimes = purchases.sort(byNumber);
  const visitTimes = visits.sort(byNumber);
  const features = new JourneyFeatures({
    now: options.now,
    readMask,
    purchases: purchaseTimes,
    storePurchases: storePurchases.sort(byNumber),
    onlineOrders: onlineOrders.sort(byNumber),
    visits: visitTimes,
    campaignVisits: campaignVisits.sort(byNumber),
    money: { at: spent.map((m) => m.at), suffixThousandths: suffix },
    bought,
    campaigns,
    viewed,
  });
  const firstPurchase = purchaseTimes[0];
  const lastVisit = visitTimes[visitTimes.length - 1];
  if (isKnown('touchpoints', readMask)) features.touchpoints = BigInt(summary.touchpoints);
  if (isKnown('channels', readMask)) features.channels = summary.channels.map((c) => c.channel);
  if (isKnown('devices', readMask)) features.devices = BigInt(summary.devices.length);
  if (isKnown('purchases', readMask)) features.purchases = BigInt(summary.purchases);
  if (isKnown('returns', readMask)) features.returns = BigInt(summary.returns);
  if (isKnown('totalSpend', readMask)) features.totalSpend = summary.totalSpend;
  if (isKnown('currency', readMask)) features.currency = summaryCurrency;
  if (isKnown('storePurchases', readMask)) features.storePurchases = BigInt(storePurchases.length);
  if (isKnown('onlineOrders', readMask)) features.onlineOrders = BigInt(onlineOrders.length);
  if (isKnown('webVisits', readMask)) features.webVisits = BigInt(webVisits);
  if (isKnown('appVisits', readMask)) features.appVisits = BigInt(appVisits);
  if (isKnown('campaignVisits', readMask)) features.campaignVisits = BigInt(campaignVisits.length);
  if (isKnown('favouriteStore', readMask)) features.favouriteStore = summary.favouriteStore ?? '';
  if (isKnown('favouriteCategories', readMask)) features.favouriteCategories = summary.favouriteCategories.map((c) => c.category);
  if (isKnown('daysSinceFirstPurchase', readMask) && firstPurchase !== undefined) features.daysSinceFirstPurchase = whole(daysBetween(firstPurchase, options.now));
  if (isKnown('daysSinceLastVisit', readMask) && lastVisit !== undefined) features.daysSinceLastVisit = whole(daysBetween(lastVisit, options.now));
  return features;
}

/** The names of the journey's fields (its non-method properties). */
type FieldName = {
  [K in keyof JourneyFeatures]-?: JourneyFeatures[K] extends (...args: never[]) => unknown ? never : K;
}[keyof JourneyFeatures];

/** One bit per stream, and one for the shop's product categories: a feature is known when all its bits were read. */
const STREAM_BIT = Object.fromEntries(JOURNEY_STREAMS.map((stream, i) => [stream, 1 << i])) as { readonly [S in JourneyStream]: number };
const CATEGORIES_BIT = 1 << JOURNEY_STREAMS.length;

/** Each journey feature's bits (catalogue.ts gives its streams), computed once. */
const FEATURE_MASK: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(FEATURES.journey).map(([name, feature]) => [
    name,
    feature.streams.reduce((mask, stream) => mask | STREAM_BIT[stream], feature.productCategories ? CATEGORIES_BIT : 0),
  ]),
);

/** Keeps in `map` the newest time of each name (folded), names empty or absent left out. */
function newest(map: Map<string, number>, name: string | null | undefined, at: number): void {
  if (!name?.trim()) return;
  const key = foldName(name);
  if (at > (map.get(key) ?? -Infinity)) map.set(key, at);
}

/** Whether every stream (and the categories) a field needs is in `readMask`. */
function isKnown(name: FieldName, readMask: number): boolean {
  return (FEATURE_MASK[name]! & readMask) === FEATURE_MASK[name];
}

function byNumber(a: number, b: number): number {
  return a - b;
}

/** Whole days from `from` to `to` (ms), 0 for a time after `to` (a clock ahead of ours). */
function daysBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / DAY_MS));
}

/**
 * The instant a window of `days` days before `now` starts: events strictly after it are in.
 * Throws a RangeError naming the method when `days` is not from 1 to 3650.
 */
function cutoff(now: number, days: bigint, method: string): number {
  if (days < BigInt(WINDOW_DAYS.min) || days > BigInt(WINDOW_DAYS.max)) {
    throw new RangeError(`journey.${method}: days must be from ${WINDOW_DAYS.min} to ${WINDOW_DAYS.max}, got ${days}.`);
  }
  return now - Number(days) * DAY_MS;
}

/** The index of the first time after `instant` in ascending `times` (its length when none). */
function firstAfter(times: readonly number[], instant: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! > instant) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** How many of ascending `times` are after `instant`. */
function countAfter(times: readonly number[], instant: number): number {
  return times.length - firstAfter(times, instant);
}

/** A touchpoint's currency as the journey summary compares it: upper case, '' for none. */
function currencyOf(touchpoint: TouchpointRecord): string {
  return touchpoint.currency?.trim().toUpperCase() ?? '';
}

/** A category's or a campaign's name as rules match it: trimmed, any case. */
function foldName(name: string): string {
  return name.trim().toLowerCase();
}
