import { describe, expect, it } from 'vitest';
import { cdnowModel } from './clv/fixtures/cdnow-model.js';
import { clvExpectedAverageSpend, clvMoneyUnavailable, clvPAlive, clvValue, customerClv } from './customer-clv.js';

const VALUATION = { monthlyDiscountRate: 0.01, margin: 1 };
/** CDNOW's ID 1 in days: 2 repeat days, the last 213 days after the first, 272 days old, 22.35 a day. */
const ID_1 = { x: 2, t_x: 213, T: 272, zbar: 22.35, zbarDays: 2 };

describe('clvMoneyUnavailable', () => {
  it('is null when the money is known, and the spend is the Gamma-Gamma figure', () => {
    const clv = customerClv(cdnowModel({}), ID_1, 'eur', VALUATION);
    expect(clvMoneyUnavailable(clv)).toBeNull();
    expect(clvExpectedAverageSpend(clv)).toBeCloseTo(24.66, 2);
  });

  it('is null for a customer who never bought: null money is the answer, not a fault', () => {
    const clv = customerClv(cdnowModel({}), null, 'EUR', VALUATION);
    expect(clvMoneyUnavailable(clv)).toBeNull();
    expect(clvValue(clv, 12)).toBeNull();
  });

  it.each([
    ['noSpendModel', cdnowModel({ gammaGamma: null }), 'EUR'],
    ['modelWithoutCurrency', cdnowModel({ currency: null }), 'EUR'],
    ['otherCurrency', cdnowModel({}), 'USD'],
    ['otherCurrency', cdnowModel({}), null],
  ] as const)('says %s when the money figures are null for a buyer (model currency and spend as given, purchases in %s)', (reason, model, currency) => {
    const clv = customerClv(model, ID_1, currency, VALUATION);
    expect(clvMoneyUnavailable(clv)).toBe(reason);
    expect(clvValue(clv, 12)).toBeNull();
    // The purchase figures stand.
    expect(clvPAlive(clv)).toBeGreaterThan(0);
  });
});
