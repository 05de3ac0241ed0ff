/**
 * The population's RFM score breakpoints: for each of recency, frequency and monetary, the 20th,
 * 40th, 60th and 80th percentiles of the fitted sample, ascending. A customer's score 1–5 on a
 * dimension is the quintile their value falls in (recency reversed: fewer days is better). They are
 * fitted with the lifetime-value model (`npm run clv -- fit`) and stored in its model file, so that
 * scores are against the population, not against the customer alone (Hughes, "Strategic Database
 * Marketing", the quintile RFM method).
 */
export interface RfmBreakpoints {
  /** Days since the last purchase: 20th, 40th, 60th and 80th percentiles, ascending. */
  readonly recencyDays: readonly [number, number, number, number];
  /** Purchases in the RFM window: 20th, 40th, 60th and 80th percentiles, ascending. */
  readonly frequency: readonly [number, number, number, number];
  /** Net spend in the RFM window, in the model's currency: 20th…80th percentiles, ascending. */
  readonly monetary: readonly [number, number, number, number];
  /** The RFM window the frequency and monetary breakpoints were computed over, in days. */
  readonly windowDays: number;
  /** The currency of `monetary` (ISO 4217, upper case). */
  readonly currency: string;
}
