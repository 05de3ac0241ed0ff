import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitClvModel, type ClvFitOptions } from './fit.js';
import { scoreCustomer } from './score.js';
import { parseSummaryCsv } from './summary-csv.js';

const OPTIONS: ClvFitOptions = { timeUnit: 'weeks', source: 'csv', currency: 'USD', rfm: null, fittedAt: new Date('2026-11-30T09:00:00Z') };

function cdnow() {
  return parseSummaryCsv(readFileSync(new URL('../../../test/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv', import.meta.url), 'utf8')).rows;
}

describe('fitClvModel on CDNOW', () => {
  const rows = cdnow();
  const model = fitClvModel(rows, OPTIONS);

  it('fits both models to the published figures and records the sample', () => {
    expect(model.bgnbd.r.toPrecision(3)).toBe('0.243');
    expect(model.bgnbd.alpha.toPrecision(3)).toBe('4.41');
    expect(model.bgnbd.a.toPrecision(3)).toBe('0.793');
    expect(model.bgnbd.b.toPrecision(3)).toBe('2.43');
    expect(model.bgnbd.logLikelihood.toFixed(1)).toBe('-9582.4');
    expect(model.gammaGamma?.p.toPrecision(3)).toBe('6.25');
    expect(model.gammaGamma?.q.toPrecision(3)).toBe('3.74');
    expect(model.gammaGamma?.gamma.toPrecision(3)).toBe('15.4');
    expect(model.gammaGamma?.sampleSize).toBe(946);
    expect(model).toMatchObject({ format: 'customer-gateway/clv-model', version: 1, fittedAt: '2026-11-30T09:00:00.000Z', timeUnit: 'weeks', sampleSize: 2357, source: 'csv', currency: 'USD', rfm: null });
  });

  it('scores ID 1 over 39 weeks: 1.226 expected purchases', () => {
    const score = scoreCustomer(model, 2, 30.43, 38.86, 22.35, 39);
    expect(score.expectedPurchases.toFixed(3)).toBe('1.226');
    expect(score.pAlive.toFixed(3)).toBe('0.727');
    expect(score.pNoPurchase.toFixed(3)).toBe('0.445');
    expect(score.expectedAverageSpend?.toFixed(2)).toBe('24.66');
  });

  it('gives a customer without repeat purchases the population mean spend (6.25 * 15.45 / 2.745 = 35.2)', () => {
    expect(scoreCustomer(model, 0, 0, 38.86, null, 39).expectedAverageSpend?.toFixed(1)).toBe('35.2');
  });

  it('has no spend model without zbar, and no spend score then', () => {
    const noSpend = fitClvModel(rows.map((row) => ({ ...row, zbar: null })), { ...OPTIONS, currency: null });
    expect(noSpend.gammaGamma).toBeNull();
    expect(scoreCustomer(noSpend, 2, 30.43, 38.86, 22.35, 39).expectedAverageSpend).toBeNull();
  });

  it('refuses a sample where only some repeat buyers have a zbar', () => {
    const partial = rows.map((row, i) => (i === 0 ? { ...row, zbar: null } : row));
    expect(() => fitClvModel(partial, OPTIONS)).toThrow(new RangeError('1 of 946 repeat buyers have no zbar: give every repeat buyer\'s spend, or none'));
  });
});
