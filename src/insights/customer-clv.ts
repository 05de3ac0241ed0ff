/**
 * One customer's lifetime-value figures (pure): the fitted model (src/insights/clv) applied to the
 * BG/NBD and Gamma-Gamma inputs of their live purchase history (purchase-history.ts
 * `bgNbdInputs`, in days). What `Customer.clv` answers and the segments' `clv` group reads.
 *
 * A customer who never bought is outside what the models describe (BG/NBD starts at the first
 * purchase, Fader, Hardie & Lee 2005 §2): their figures are null. Money is in the model's
 * currency; when the customer's purchases are in another one, the spend and the value are null
 * (nothing is converted), while P(alive) and the expected purchases, which count days, stand.
 */
import { expectedPurchases, pAlive } from './clv/bgnbd.js';
import { expectedAverageSpend } from './clv/gamma-gamma.js';
import type { ClvModel } from './clv/model-file.js';
import { daysToModelTime } from './clv/time-unit.js';
import { customerLifetimeValue } from './clv/value.js';
import type { Source } from '../generated/graphql.js';
import type { BgNbdInputs } from './purchase-history.js';

/** How `value(months)` is reckoned: the gateway's CLV_MONTHLY_DISCOUNT_RATE and CLV_MARGIN. */
export interface ClvValuation {
  /** Monthly discount rate of future spend, from 0 up to (not including) 1. */
  readonly monthlyDiscountRate: number;
  /** Gross margin on expected spend, above 0 and at most 1. */
  readonly margin: number;
}

/**
 * A customer's model inputs, ready to answer `Customer.clv`'s fields (codegen.yml maps the
 * schema's `Clv` to it). `history` is in the model's time unit, null when they never bought.
 */
export interface CustomerClv {
  readonly model: ClvModel;
  readonly history: { readonly x: number; readonly tx: number; readonly T: number; readonly zbar: number | null; readonly zbarDays: number } | null;
  /** Whether the history's money is in the model's currency (both known and the same). */
  readonly sameCurrency: boolean;
  readonly valuation: ClvValuation;
  /** The silos whose purchases are missing (failed), as on every figure built from the history. */
  readonly partial: boolean;
  readonly unavailableSources: Source[];
}

/**
 * The customer's CLV inputs: `inputs` in days (null when they never bought) converted to the
 * model's time unit; `currency` is the history's (null when unknown).
 */
export function customerClv(
  model: ClvModel,
  inputs: BgNbdInputs | null,
  currency: string | null,
  valuation: ClvValuation,
  unavailableSources: Source[] = [],
): CustomerClv {
  const unit = model.timeUnit;
  return {
    model,
    history:
      inputs === null
        ? null
        : {
            x: inputs.x,
            tx: daysToModelTime(inputs.t_x, unit),
            T: daysToModelTime(inputs.T, unit),
            zbar: inputs.zbarDays > 0 ? inputs.zbar : null,
            zbarDays: inputs.zbarDays,
          },
    // Money of unknown currency is never mixed with money of a known one: a model fitted without a
    // currency (`fit --csv` without `--currency`) values no one.
    sameCurrency: model.currency !== null && currency !== null && model.currency.toUpperCase() === currency.toUpperCase(),
    valuation,
    partial: unavailableSources.length > 0,
    unavailableSources,
  };
}

/** P(alive) now, 0 to 1 (BG/NBD; 1 for a customer with no repeat purchase yet, by the model's construction); null when they never bought. */
export function clvPAlive(clv: CustomerClv): number | null {
  const h = clv.history;
  return h === null ? null : pAlive(clv.model.bgnbd, h.x, h.tx, h.T);
}

/** Purchase days expected in the next `days` days (FHL 2005 eq. 10); null when they never bought. */
export function clvExpectedPurchases(clv: CustomerClv, days: number): number | null {
  const h = clv.history;
  return h === null ? null : expectedPurchases(clv.model.bgnbd, daysToModelTime(days, clv.model.timeUnit), h.x, h.tx, h.T);
}

/**
 * Expected spend of a future purchase day in the model's currency (Gamma-Gamma, Fader & Hardie
 * 2013): weighted over the repeat days whose spend is known (`zbarDays`; none: the population
 * mean). Null when they never bought, the model has no spend part, or the money is not known to be
 * in the model's currency (another currency, or a model fitted without one).
 */
export function clvExpectedAverageSpend(clv: CustomerClv): number | null {
  const h = clv.history;
  const spend = clv.model.gammaGamma;
  if (h === null || spend === null || !clv.sameCurrency) return null;
  return h.zbar === null ? expectedAverageSpend(spend, 0, 0) : expectedAverageSpend(spend, h.zbarDays, h.zbar);
}

/**
 * Why a buyer's money figures ({@link clvExpectedAverageSpend}, {@link clvValue}) are null:
 * `noSpendModel` (the model has no Gamma-Gamma part: fitted on a CSV without spend),
 * `modelWithoutCurrency` (fitted without a currency: money of unknown currency values no one),
 * `otherCurrency` (the customer's purchases are in another currency than the model's); null when
 * they are known, or when the customer never bought (nothing to value: null is the answer).
 */
export function clvMoneyUnavailable(clv: CustomerClv): 'noSpendModel' | 'modelWithoutCurrency' | 'otherCurrency' | null {
  if (clv.history === null) return null;
  if (clv.model.gammaGamma === null) return 'noSpendModel';
  if (clv.model.currency === null) return 'modelWithoutCurrency';
  return clv.sameCurrency ? null : 'otherCurrency';
}

/**
 * Lifetime value over the next `months` months in the model's currency (value.ts: monthly
 * expected purchase days × expected spend × margin, discounted monthly); null when the spend is.
 * @throws RangeError when months is outside 1..120 (the resolver checks it first).
 */
export function clvValue(clv: CustomerClv, months: number): number | null {
  const h = clv.history;
  const spend = clvExpectedAverageSpend(clv);
  if (h === null || spend === null) return null;
  return customerLifetimeValue(clv.model.bgnbd, clv.model.timeUnit, h.x, h.tx, h.T, spend, { months, ...clv.valuation });
}
