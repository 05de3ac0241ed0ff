/**
 * RFM (pure): a customer's recency, frequency and monetary value from their purchase history
 * (`Customer.rfm`), their 1–5 scores against the population's breakpoints, and those breakpoints
 * from a population sample (Hughes, "Strategic Database Marketing", the quintile RFM method).
 *
 * Purchases, returns and money are the purchase history's (purchase-history.ts): store purchases
 * and online orders not refunded in full, across store and online, net of store returns and
 * refunds, in one currency. Days are the retailer's calendar days.
 */
import type { Rfm } from '../generated/graphql.js';
import { countAsOf, type PurchaseHistory } from './purchase-history.js';
import { retailDay } from './retail-day.js';
import type { RfmBreakpoints } from './rfm-breakpoints.js';

/** The window when the query and the settings give none (RFM_WINDOW_DAYS's default), in days: a year, every season once. */
export const DEFAULT_RFM_WINDOW_DAYS = 365;

/** The schema's `Rfm` but for `partial` and `unavailableSources`, which only the caller knows (which silos failed). */
export type RfmFigures = Required<Omit<Rfm, '__typename' | 'partial' | 'unavailableSources'>>;

/** What RFM needs besides the history. */
export interface RfmOptions {
  /** The window of frequency and monetary, in days ending with the day of `now` (both included): 1 to 3650 (args.ts checks a query's). */
  windowDays: number;
  /** The population's breakpoints (from the lifetime-value model file), or null when there is no model: the scores are then null. */
  breakpoints: RfmBreakpoints | null;
}

/**
 * A customer's RFM as of `now` (ms since the epoch); what happened after `now` is left out.
 *
 * - recencyDays: days from the last purchase's day to today (0: bought today); null when none.
 * - frequency: purchases whose day is in the window (the `windowDays` days ending today), in
 *   any currency. Each purchase counts, several on one day too: an order is an order here (the
 *   average order value divides by it), while BG/NBD and the lifecycle count days.
 * - monetary: the window's purchases net of their refunds, minus the window's store returns, in
 *   `currency`, to the thousandth. Can be negative: a return in the window of a purchase before it.
 * - averageOrderValue: monetary divided by the window's purchases in `currency`, to the
 *   thousandth; null when there is none.
 * - scores: see {@link rfmScores}.
 *
 * @example
 *   customerRfm(history, Date.now(), { windowDays: 365, breakpoints: model.rfm })
 *   // { windowDays: 365, recencyDays: 12, frequency: 4, monetary: 310.5, averageOrderValue: 77.625, recencyScore: 5, … }
 */
export function customerRfm(history: PurchaseHistory, now: number, options: RfmOptions): RfmFigures {
  const today = retailDay(now, history.timeZone);
  const firstDay = today - options.windowDays + 1;
  const purchaseCount = countAsOf(history.purchases, now);
  const last = purchaseCount > 0 ? history.purchases[purchaseCount - 1]! : null;

  let frequency = 0;
  let inCurrency = 0;
  let thousandths = 0;
  let otherCurrencyTouchpoints = 0;
  for (let i = purchaseCount - 1; i >= 0; i -= 1) {
    const purchase = history.purchases[i]!;
    if (purchase.day < firstDay) break;
    frequency += 1;
    if (purchase.amountThousandths === null) otherCurrencyTouchpoints += 1;
    else {
      inCurrency += 1;
      thousandths += purchase.amountThousandths - (purchase.refundedThousandths ?? 0);
    }
  }
  for (let i = countAsOf(history.returns, now) - 1; i >= 0; i -= 1) {
    const storeReturn = history.returns[i]!;
    if (storeReturn.day < firstDay) break;
    if (storeReturn.amountThousandths === null) otherCurrencyTouchpoints += 1;
    else thousandths -= storeReturn.amountThousandths;
  }

  const recencyDays = last === null ? null : today - last.day;
  const monetary = thousandths / 1000;
  const scores = rfmScores({ windowDays: options.windowDays, recencyDays, frequency, monetary, currency: history.currency }, options.breakpoints);
  return {
    windowDays: options.windowDays,
    recencyDays,
    lastPurchaseAt: last === null ? null : new Date(last.at).toISOString(),
    frequency,
    monetary,
    averageOrderValue: inCurrency === 0 ? null : Math.round(thousandths / inCurrency) / 1000,
    currency: history.currency,
    otherCurrencyTouchpoints,
    recencyScore: scores.recencyScore,
    frequencyScore: scores.frequencyScore,
    monetaryScore: scores.monetaryScore,
  };
}

/** The three scores of {@link rfmScores}. */
export type RfmScores = Pick<RfmFigures, 'recencyScore' | 'frequencyScore' | 'monetaryScore'>;

/**
 * The 1–5 scores of a customer's figures against the population's breakpoints: the quintile each
 * value falls in ({@link rfmScore}), recency reversed (fewer days is better). A score is null when
 * it cannot be compared: all three without breakpoints; recency when the customer never bought;
 * frequency and monetary when the breakpoints are of another window; monetary when they are of
 * another currency (a customer who never paid in any currency has spent 0 in every one).
 */
export function rfmScores(
  figures: Pick<RfmFigures, 'windowDays' | 'recencyDays' | 'frequency' | 'monetary' | 'currency'>,
  breakpoints: RfmBreakpoints | null,
): RfmScores {
  if (breakpoints === null) return { recencyScore: null, frequencyScore: null, monetaryScore: null };
  const sameWindow = breakpoints.windowDays === figures.windowDays;
  const sameCurrency = figures.currency === null || figures.currency === breakpoints.currency;
  return {
    recencyScore: figures.recencyDays === null ? null : rfmScore(figures.recencyDays, breakpoints.recencyDays, 'lowerIsBetter'),
    frequencyScore: sameWindow ? rfmScore(figures.frequency, breakpoints.frequency, 'higherIsBetter') : null,
    monetaryScore: sameWindow && sameCurrency ? rfmScore(figures.monetary, breakpoints.monetary, 'higherIsBetter') : null,
  };
}

/**
 * The quintile score 1–5 of a value against the 20th, 40th, 60th and 80th percentiles: 1 at or
 * below the 20th, 2 above it and at or below the 40th, ... 5 above the 80th; reversed (5 at or
 * below the 20th) when lower is better, as for recency. A value on a breakpoint scores with the
 * quintile below it in value, so that many customers tied on a value (frequency 1) share a score.
 *
 * @example rfmScore(3, [1, 1, 2, 4], 'higherIsBetter') // 4
 */
export function rfmScore(value: number, breakpoints: readonly [number, number, number, number], order: 'higherIsBetter' | 'lowerIsBetter'): number {
  let above = 0;
  for (const breakpoint of breakpoints) if (value > breakpoint) above += 1;
  return order === 'higherIsBetter' ? 1 + above : 5 - above;
}

/** One customer of a population sample: their RFM figures ({@link customerRfm}). */
export type RfmSample = Pick<RfmFigures, 'windowDays' | 'recencyDays' | 'frequency' | 'monetary' | 'currency'>;

/**
 * The population's RFM breakpoints from a sample of customers' figures (the live model fit),
 * for the model file: the 20th, 40th, 60th and 80th percentiles of recency, frequency and
 * monetary, to the thousandth. Percentiles by linear interpolation between the closest ranks
 * (Hyndman & Fan 1996, definition 7: the default of R's `quantile`, NumPy's `percentile` and
 * Excel's PERCENTILE.INC). Only customers who bought are in the sample (a customer who never
 * bought has no recency, and a population with many would crowd the low quintiles with zeros),
 * and of those only the ones whose money is in `currency` (or in none).
 *
 * @throws RangeError when a sample's window is not `windowDays` (figures computed for another
 *   window), or when no customer of the sample bought (there is nothing to score against).
 */
export function rfmBreakpoints(samples: Iterable<RfmSample>, options: { windowDays: number; currency: string }): RfmBreakpoints {
  const currency = options.currency.trim().toUpperCase();
  const recency: number[] = [];
  const frequency: number[] = [];
  const monetary: number[] = [];
  for (const sample of samples) {
    if (sample.windowDays !== options.windowDays) {
      throw new RangeError(`RFM breakpoints over a ${options.windowDays}-day window were given a customer's figures over ${sample.windowDays} days: compute every sample with the same window.`);
    }
    if (sample.recencyDays === null || (sample.currency !== null && sample.currency !== currency)) continue;
    recency.push(sample.recencyDays);
    frequency.push(sample.frequency);
    monetary.push(sample.monetary);
  }
  if (recency.length === 0) {
    throw new RangeError(`RFM breakpoints need at least one customer who bought, in ${currency} or in no currency; the sample has none.`);
  }
  return {
    recencyDays: quintileBreakpoints(recency),
    frequency: quintileBreakpoints(frequency),
    monetary: quintileBreakpoints(monetary),
    windowDays: options.windowDays,
    currency,
  };
}

function quintileBreakpoints(values: number[]): [number, number, number, number] {
  values.sort((a, b) => a - b);
  return [percentile(values, 0.2), percentile(values, 0.4), percentile(values, 0.6), percentile(values, 0.8)];
}

/**
 * The q-th quantile (0 to 1) of ascending values, by linear interpolation between the closest
 * ranks (Hyndman & Fan 1996, definition 7), to the thousandth. `sorted` must not be empty.
 *
 * @example percentile([1, 2, 3, 4, 10], 0.8) // 5.2
 */
export function percentile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  const value = sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
  return Math.round(value * 1000) / 1000;
}
