/**
 * Scoring one customer with a fitted model (pure): what `npm run clv -- score` writes per row,
 * and what `Customer.clv` shows. Times in the model's time unit.
 */
import { expectedPurchases, pAlive, pNoPurchase } from './bgnbd.js';
import { expectedAverageSpend } from './gamma-gamma.js';
import type { ClvModel } from './model-file.js';

/** A customer's figures over a horizon. */
export interface ClvScore {
  /** Expected purchases in the horizon (FHL 2005 eq. 10). */
  readonly expectedPurchases: number;
  /** Probability of being alive now. */
  readonly pAlive: number;
  /** Probability of no purchase in the horizon. */
  readonly pNoPurchase: number;
  /**
   * Expected average spend per purchase in the model's currency (Gamma-Gamma), or null when the
   * model has no spend part or the customer has repeat purchases but no zbar.
   */
  readonly expectedAverageSpend: number | null;
}

/**
 * Scores a customer with history (x, t_x, T) and mean repeat spend zbar (null when unknown; unused
 * when x = 0, who gets the population's mean) over `horizon` (model's time unit, >= 0).
 *
 * @throws RangeError when the history, zbar or horizon is invalid (bgnbd.ts, gamma-gamma.ts).
 * @example scoreCustomer(cdnowModel, 2, 30.43, 38.86, 22.35, 39)
 *   // { expectedPurchases: 1.226, pAlive: 0.7266, pNoPurchase: 0.4454, expectedAverageSpend: 24.66 }
 */
export function scoreCustomer(model: ClvModel, x: number, tx: number, T: number, zbar: number | null, horizon: number): ClvScore {
  const { bgnbd, gammaGamma } = model;
  return {
    expectedPurchases: expectedPurchases(bgnbd, horizon, x, tx, T),
    pAlive: pAlive(bgnbd, x, tx, T),
    pNoPurchase: pNoPurchase(bgnbd, horizon, x, tx, T),
    expectedAverageSpend: gammaGamma === null || (x > 0 && zbar === null) ? null : expectedAverageSpend(gammaGamma, x, zbar ?? 0),
  };
}
