/**
 * The `journey` features of a customer (pure), from the touchpoints of the merged history: the
 * journey summary's figures (src/journey/summary.ts, whose definitions of a purchase, a return
 * and net spend they reuse through {@link JourneySummaryFold}), counts per kind, and the windowed
 * methods a rule calls (`journey.purchasesInLast(30)`), which read arrays sorted once here, so
 * that a call costs a binary search or a map lookup, not a pass over the history.
 */
import type { TouchpointRecord } from '../../journey/touchpoint.js';
import type { JourneyStream } from '../../journey/touchpoint.js';
import { JourneySummaryFold } from '../../journey/summary.js';
import { FEATURES, WINDOW_DAYS, type FieldFeature, type MethodFeature } from './catalogue.js';
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
    if (history === null || !history.knownMethods.has(method)) throw new Error(`journey.${method} is unknown: the silos it needs were not read.`);
    return history;
  }
}

/** What the methods read: times in ms since the epoch, ascending. */
interface History {
  now: number;
  knownMethods: ReadonlySet<string>;
  purchases: Float64Array;
  storePurchases: Float64Array;
  onlineOrders: Float64Array;
  visits: Float64Array;
  campaignVisits: Float64Array;
  /** Purchases, returns and orders in the summary's currency: their times, and the net spend from each one to the newest, in thousandths. */
  money: { at: Float64Array; suffixThousandths: Float64Array };
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
  const read = new Set(options.streams);
  const fold = new JourneySummaryFold({ currency: options.currency, categoryOf: options.categoryOf });
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
  const newest = (map: Map<string, number>, name: string | null | undefined, at: number): void => {
    if (!name?.trim()) return;
    const key = foldName(name);
    if (at > (map.get(key) ?? -Infinity)) map.set(key, at);
  };

  for (const touchpoint of touchpoints) {
    fold.add(touchpoint);
    const at = Date.parse(touchpoint.occurredAt);
    // A DateTime the schema let through always parses; a time that does not is in no window.
    if (Number.isNaN(at)) continue;
    const currency = touchpoint.currency?.trim().toUpperCase() ?? '';
    switch (touchpoint.kind) {
      case 'storePurchase':
        purchases.push(at);
        storePurchases.push(at);
        money.push({ at, thousandths: Math.round((touchpoint.amount ?? 0) * 1000), currency });
        for (const line of touchpoint.items) if (!('productId' in line)) newest(bought, line.category, at);
        break;
      case 'storeReturn':
        money.push({ at, thousandths: -Math.round((touchpoint.amount ?? 0) * 1000), currency });
        break;
      case 'onlineOrder': {
        const total = touchpoint.amount ?? 0;
        const refunded = touchpoint.refunded ?? 0;
        purchases.push(at);
        onlineOrders.push(at);
        // As the journey summary counts it: the total minus what was refunded, in thousandths.
        money.push({ at, thousandths: Math.round((total - refunded) * 1000), currency });
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
          const viewedAt = Date.parse(view.viewedAt);
          newest(viewed, view.category, Number.isNaN(viewedAt) ? at : viewedAt);
        }
        break;
      default:
        // Accounts, memberships, codes, rewards, first logins: in `touchpoints` and `channels` only.
        break;
    }
  }

  const summary = fold.result();
  const categoriesKnown = options.categoryOf !== undefined || !productLines;
  const known = (feature: FieldFeature | MethodFeature): boolean => feature.streams.every((s) => read.has(s)) && (!feature.productCategories || categoriesKnown);
  const summaryCurrency = summary.currency ?? '';
  const spent = money.filter((m) => m.currency === summaryCurrency).sort((a, b) => a.at - b.at);
  const suffix = new Float64Array(spent.length + 1);
  for (let i = spent.length - 1; i >= 0; i -= 1) suffix[i] = suffix[i + 1]! + spent[i]!.thousandths;

  const purchaseTimes = ascending(purchases);
  const visitTimes = ascending(visits);
  const knownMethods = new Set<string>();
  const features = new JourneyFeatures({
    now: options.now,
    knownMethods,
    purchases: purchaseTimes,
    storePurchases: ascending(storePurchases),
    onlineOrders: ascending(onlineOrders),
    visits: visitTimes,
    campaignVisits: ascending(campaignVisits),
    money: { at: Float64Array.from(spent, (m) => m.at), suffixThousandths: suffix },
    bought,
    campaigns,
    viewed,
  });
  const firstPurchase = purchaseTimes[0];
  const lastVisit = visitTimes[visitTimes.length - 1];
  const values: { [F in FieldName]: JourneyFeatures[F] } = {
    touchpoints: BigInt(summary.touchpoints),
    channels: summary.channels.map((c) => c.channel),
    devices: BigInt(summary.devices.length),
    purchases: BigInt(summary.purchases),
    returns: BigInt(summary.returns),
    totalSpend: summary.totalSpend,
    currency: summaryCurrency,
    storePurchases: BigInt(storePurchases.length),
    onlineOrders: BigInt(onlineOrders.length),
    webVisits: BigInt(webVisits),
    appVisits: BigInt(appVisits),
    campaignVisits: BigInt(campaignVisits.length),
    favouriteStore: summary.favouriteStore ?? '',
    favouriteCategories: summary.favouriteCategories.map((c) => c.category),
    daysSinceFirstPurchase: firstPurchase === undefined ? undefined : whole(daysBetween(firstPurchase, options.now)),
    daysSinceLastVisit: lastVisit === undefined ? undefined : whole(daysBetween(lastVisit, options.now)),
  };
  for (const [name, feature] of Object.entries(FEATURES.journey)) {
    if (!known(feature)) continue;
    if (feature.kind === 'method') knownMethods.add(name);
    else assign(features, name as FieldName, values);
  }
  return features;
}

/** The names of the journey's fields (its non-method properties). */
type FieldName = {
  [K in keyof JourneyFeatures]-?: JourneyFeatures[K] extends (...args: never[]) => unknown ? never : K;
}[keyof JourneyFeatures];

function assign<F extends FieldName>(features: JourneyFeatures, name: F, values: { [K in FieldName]: JourneyFeatures[K] }): void {
  if (values[name] !== undefined) features[name] = values[name];
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

function ascending(times: number[]): Float64Array {
  return Float64Array.from(times).sort();
}

/** The index of the first time after `instant` in ascending `times` (its length when none). */
function firstAfter(times: Float64Array, instant: number): number {
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
function countAfter(times: Float64Array, instant: number): number {
  return times.length - firstAfter(times, instant);
}

/** A category's or a campaign's name as rules match it: trimmed, any case. */
function foldName(name: string): string {
  return name.trim().toLowerCase();
}
