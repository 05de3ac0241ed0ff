/**
 * The customer life cycle (pure): which stage a customer is in (`Customer.lifecycle`), why in
 * words a marketer reads, and since when, from their purchase history and, when a lifetime-value
 * model is loaded, their probability of being alive.
 *
 * Purchases are counted in purchase days, on the retailer's calendar (purchase-history.ts, an
 * online order refunded in full is not a purchase): two orders the same day are one visit to
 * the shop, as BG/NBD counts them, and a gap between purchases is a whole number of days.
 *
 * The stages, the first that holds winning (T = {@link LifecycleThresholds}, defaults in brackets):
 * 1. lapsed: bought, but not for T.lapsedDays (365) days or more.
 * 2. slowingDown: a frequent buyer (3.) whose current gap is at least T.slowingGapRatio (2) times
 *    their usual gap (the median gap between their purchase days in the frequent window up to
 *    their last purchase) and at least T.slowingMinGapDays (30) days; or whose P(alive) is below
 *    T.slowingPAlive (0.5).
 * 3. frequent: bought on at least T.frequentPurchases (4) days in the T.frequentWindowDays (365)
 *    days up to their last purchase. Up to the last one, not up to today: a frequent buyer who
 *    stops buying stays one, slowing down, until they lapse, instead of fading into `repeat` as
 *    their purchases leave a window that ends today.
 * 4. repeat: bought on two days or more.
 * 5. firstPurchase: bought on one day.
 * 6. registered: known, never bought.
 */
import type { Lifecycle } from '../generated/graphql.js';
import { assertNever } from '../../connectors/shared/exhaustive.js';
import { countAsOf, type PurchaseHistory } from './purchase-history.js';
import { retailDate, retailDay, startOfRetailDay } from './retail-day.js';

/**
 * The thresholds of the stages, from the LIFECYCLE_* settings. Days are the retailer's calendar days.
 */
export interface LifecycleThresholds {
  /** `frequent`: at least this many purchase days in {@link frequentWindowDays} (2 or more). */
  readonly frequentPurchases: number;
  /** `frequent`: the window, in days ending with the day of the last purchase (both included). */
  readonly frequentWindowDays: number;
  /** `slowingDown`: the current gap is at least this many times the usual (median) gap (1 or more). */
  readonly slowingGapRatio: number;
  /** `slowingDown`: and at least this many days. */
  readonly slowingMinGapDays: number;
  /** `slowingDown`: or P(alive) is below this probability (0 to 1; 0 never). */
  readonly slowingPAlive: number;
  /** `lapsed`: no purchase for this many days or more. */
  readonly lapsedDays: number;
}

/**
 * The defaults, for general retail (fashion, beauty, home, sport):
 * - frequent, 4 purchase days in 365: a customer back every season or more often. A year holds
 *   each season once, so a summer-and-Christmas shopper is judged on a whole cycle.
 * - slowing down, a gap of 2 times their usual one: one skipped purchase cycle of their own rhythm
 *   (the median, which one long break does not move).
 * - and of 30 days at least: a gap under a month is ordinary for anyone (a holiday), so a weekly
 *   shopper is not flagged after two weeks away.
 * - or P(alive) below 0.5: the model finds them more likely gone than still buying.
 * - lapsed, 365 days without a purchase: they skipped every season; the usual retail definition
 *   of a lapsed customer (12 months).
 */
export const DEFAULT_LIFECYCLE_THRESHOLDS: LifecycleThresholds = {
  frequentPurchases: 4,
  frequentWindowDays: 365,
  slowingGapRatio: 2,
  slowingMinGapDays: 30,
  slowingPAlive: 0.5,
  lapsedDays: 365,
};

/** The schema's `Lifecycle` but for `partial` and `unavailableSources`, which only the caller knows. */
export type LifecycleFigures = Required<Omit<Lifecycle, '__typename' | 'partial' | 'unavailableSources'>>;

/** What the stage needs besides the history. */
export interface LifecycleOptions {
  thresholds: LifecycleThresholds;
  /** The customer's probability of being alive now (BG/NBD, 0 to 1), or null without a model. */
  pAlive: number | null;
}

/**
 * The customer's stage as of `now` (ms since the epoch; what happened after it is left out),
 * with the reason and since when (ISO 8601): see the module's notes and `Lifecycle.since` in
 * schema/insights.graphql.
 *
 * @throws RangeError when `pAlive` is not a probability from 0 to 1 (nor null).
 * @example
 *   customerLifecycle(history, Date.now(), { thresholds: DEFAULT_LIFECYCLE_THRESHOLDS, pAlive: null })
 *   // { stage: 'slowingDown', reason: '4 purchases in 12 months; none for 96 days, 2.7 times their usual gap of 35 days.', since: '2026-07-16T22:00:00.000Z' }
 */
export function customerLifecycle(history: PurchaseHistory, now: number, options: LifecycleOptions): LifecycleFigures {
  const { pAlive } = options;
  if (pAlive !== null && !(pAlive >= 0 && pAlive <= 1)) {
    throw new RangeError(`pAlive must be a probability from 0 to 1, or null without a model; got ${String(pAlive)}.`);
  }
  const t = options.thresholds;
  const zone = history.timeZone;
  const today = retailDay(now, zone);
  const { days, firstAt } = purchaseDays(history, now);
  const n = days.length;

  if (n === 0) {
    const known = history.knownSince;
    const reason = known === null ? 'No purchase yet.' : `Known ${sinceWords(today - retailDay(known, zone))}, no purchase yet.`;
    return { stage: 'registered', reason, since: known === null ? null : iso(known) };
  }

  const last = n - 1;
  const gap = today - days[last]!;
  const all = count(n, 'purchase');
  if (gap >= t.lapsedDays) {
    return {
      stage: 'lapsed',
      reason: `No purchase for ${count(gap, 'day')} (the last on ${retailDate(days[last]!)}); ${all} in all.`,
      since: iso(startOfRetailDay(days[last]! + t.lapsedDays, zone)),
    };
  }

  const rhythm = new Rhythm(days, t);
  const inWindow = rhythm.windowCount(last);
  const window = windowWords(t.frequentWindowDays);
  if (inWindow >= t.frequentPurchases) {
    const usual = rhythm.medianGap(last);
    const threshold = rhythm.slowingGap(last);
    if (gap >= threshold) {
      return {
        stage: 'slowingDown',
        reason: `${count(inWindow, 'purchase')} in ${window}; none for ${count(gap, 'day')}, ${decimal(gap / usual)} times their usual gap of ${count(usual, 'day')}.`,
        since: iso(startOfRetailDay(days[last]! + threshold, zone)),
      };
    }
    if (pAlive !== null && pAlive < t.slowingPAlive) {
      return {
        stage: 'slowingDown',
        reason: `${count(inWindow, 'purchase')} in ${window}, the last ${agoWords(gap)}; a ${percent(pAlive)} chance they are still buying (below ${percent(t.slowingPAlive)}).`,
        since: null,
      };
    }
  }

  const stage = rhythm.stageAfter(last);
  // Back to the purchase that began the stage: the earliest of a run of purchases after each of
  // which the customer was in it, with no slowing down or lapse in between.
  let start = last;
  while (start >= 1 && rhythm.stageAfter(start - 1) === stage && !rhythm.interrupted(start)) start -= 1;
  return { stage, reason: stageReason(stage, { n, inWindow, gap, window, usual: n > 1 ? rhythm.medianGap(last) : 0, t }), since: iso(firstAt[start]!) };
}

/** The reason of a stage reached by a purchase. */
function stageReason(
  stage: 'firstPurchase' | 'repeat' | 'frequent',
  f: { n: number; inWindow: number; gap: number; window: string; usual: number; t: LifecycleThresholds },
): string {
  switch (stage) {
    case 'firstPurchase':
      return `First purchase ${agoWords(f.gap)}, none since.`;
    case 'repeat':
      return `${count(f.n, 'purchase')}, the last ${agoWords(f.gap)}; ${f.inWindow} in ${f.window} (${f.t.frequentPurchases} make a frequent buyer).`;
    case 'frequent':
      return `${count(f.inWindow, 'purchase')} in ${f.window}, usually every ${count(f.usual, 'day')}; the last ${agoWords(f.gap)}.`;
    default:
      return assertNever(stage, 'lifecycle stage');
  }
}

/** The customer's purchase days as of `now`, ascending, each with its first purchase's time. */
function purchaseDays(history: PurchaseHistory, now: number): { days: number[]; firstAt: number[] } {
  const days: number[] = [];
  const firstAt: number[] = [];
  const upTo = countAsOf(history.purchases, now);
  for (let i = 0; i < upTo; i += 1) {
    const purchase = history.purchases[i]!;
    // Purchases are in time order, so a day's first purchase comes first; a later one of an earlier day (a clock going back over midnight) joins the last day.
    if (days.length === 0 || purchase.day > days[days.length - 1]!) {
      days.push(purchase.day);
      firstAt.push(purchase.at);
    }
  }
  return { days, firstAt };
}

/** A customer's buying rhythm: window counts and usual gaps after each purchase day. */
class Rhythm {
  constructor(
    readonly days: readonly number[],
    readonly t: LifecycleThresholds,
  ) {}

  /** The index of the first purchase day in the frequent window ending with day `k`. */
  windowStart(k: number): number {
    const from = this.days[k]! - this.t.frequentWindowDays + 1;
    let low = 0;
    let high = k;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.days[mid]! < from) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Purchase days in the frequent window ending with day `k`. */
  windowCount(k: number): number {
    return k - this.windowStart(k) + 1;
  }

  /** The stage just after the purchase of day `k`. */
  stageAfter(k: number): 'firstPurchase' | 'repeat' | 'frequent' {
    if (k === 0) return 'firstPurchase';
    return this.windowCount(k) >= this.t.frequentPurchases ? 'frequent' : 'repeat';
  }

  /** The median gap in days between the purchase days of the frequent window ending with day `k`; NaN with one day. */
  medianGap(k: number): number {
    let median = this.#medians.get(k);
    if (median === undefined) {
      median = this.#median(k);
      this.#medians.set(k, median);
    }
    return median;
  }

  readonly #medians = new Map<number, number>();

  #median(k: number): number {
    const gaps: number[] = [];
    for (let i = this.windowStart(k) + 1; i <= k; i += 1) gaps.push(this.days[i]! - this.days[i - 1]!);
    if (gaps.length === 0) return Number.NaN;
    gaps.sort((a, b) => a - b);
    const middle = gaps.length >> 1;
    return gaps.length % 2 === 1 ? gaps[middle]! : (gaps[middle - 1]! + gaps[middle]!) / 2;
  }

  /** The whole days of gap after day `k` from which a frequent buyer is slowing down; Infinity without a usual gap. */
  slowingGap(k: number): number {
    const usual = this.medianGap(k);
    if (Number.isNaN(usual)) return Number.POSITIVE_INFINITY;
    // A gap is whole days: at least ratio × usual means at least its ceiling (the epsilon keeps 2 × 17.5 = 35 at 35).
    return Math.max(Math.ceil(this.t.slowingGapRatio * usual - 1e-9), this.t.slowingMinGapDays);
  }

  /** True when, between purchase days `k - 1` and `k`, the customer lapsed or (frequent then) slowed down. */
  interrupted(k: number): boolean {
    const gap = this.days[k]! - this.days[k - 1]!;
    if (gap >= this.t.lapsedDays) return true;
    if (gap < this.t.slowingMinGapDays || this.windowCount(k - 1) < this.t.frequentPurchases) return false;
    // A quick no without the median, for the usual case of a gap like the others: the median is
    // at most gap / ratio only when at least half the gaps are (the epsilon errs towards the exact test).
    const from = this.windowStart(k - 1);
    const limit = (gap + 1e-9) / this.t.slowingGapRatio;
    let small = 0;
    for (let i = from + 1; i <= k - 1; i += 1) if (this.days[i]! - this.days[i - 1]! <= limit) small += 1;
    if (small < Math.ceil((k - 1 - from) / 2)) return false;
    return gap >= this.slowingGap(k - 1);
  }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** `1 purchase`, `3 purchases`, `2.5 days`. */
function count(n: number, noun: string): string {
  return `${decimal(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A number to one decimal, without a trailing `.0`. */
function decimal(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** `today`, `yesterday`, `12 days ago`. */
function agoWords(days: number): string {
  return days === 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

/** `since today`, `for 1 day`, `for 40 days`. */
function sinceWords(days: number): string {
  return days <= 0 ? 'since today' : `for ${count(days, 'day')}`;
}

/** `12 months` for a year, `24 months` for two, else `N days`. */
function windowWords(days: number): string {
  return days % 365 === 0 ? `${(days / 365) * 12} months` : count(days, 'day');
}

function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

