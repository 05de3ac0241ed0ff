import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood, gammaGammaSampleLogLikelihood, prepareGammaGammaSample, type SpendHistory } from './gamma-gamma.js';

/** Note 025's published CDNOW estimates (US dollars). */
const PUBLISHED = { p: 6.25, q: 3.74, gamma: 15.44 };

/** The 946 CDNOW repeat buyers' x and zbar (test/fixtures/cdnow/README.md). */
function cdnowRepeatBuyers(): SpendHistory[] {
  const text = readFileSync(new URL('../../../test/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number))
    .filter(([, x]) => x! > 0)
    .map(([, x, , , zbar]) => ({ x: x!, zbar: zbar! }));
}

// Reference values: note 025's formulas evaluated independently in mpmath 1.3 at 30 digits.
describe('Gamma-Gamma at the published CDNOW parameters', () => {
  it.each([
    [2, 22.35, -3.5513167597317047],
    [1, 11.77, -3.73770967874084],
    [29, 26.26, -3.5604573876342277],
  ])('log-likelihood of x = %d, zbar = %d is %d', (x, zbar, expected) => {
    expect(Math.abs(gammaGammaLogLikelihood(PUBLISHED, x, zbar) - expected)).toBeLessThan(1e-11);
  });

  it.each([
    [2, 22.35, 24.663713910761155],
    [1, 11.77, 18.916852057842047],
    [29, 26.26, 26.39341812055003],
    [0, 0, 35.218978102189781],
  ])('expected average spend of x = %d, zbar = %d is %d (x = 0: the population mean)', (x, zbar, expected) => {
    expect(Math.abs(expectedAverageSpend(PUBLISHED, x, zbar) - expected)).toBeLessThan(1e-11);
  });
});

describe('Gamma-Gamma on the CDNOW repeat buyers', () => {
  const sample = prepareGammaGammaSample(cdnowRepeatBuyers());

  it('has 946 repeat buyers', () => {
    expect(sample.size).toBe(946);
  });

  it('fits p = 6.25, q = 3.74, gamma = 15.4 (note 025)', () => {
    const fit = fitGammaGamma(sample);
    expect(fit.params.p.toPrecision(3)).toBe('6.25');
    expect(fit.params.q.toPrecision(3)).toBe('3.74');
    expect(fit.params.gamma.toPrecision(3)).toBe('15.4');
    expect(fit.sampleSize).toBe(946);
    // The optimum is at least as likely as the published (rounded) parameters.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaSampleLogLikelihood(PUBLISHED, sample));
    // Not published; an independent fit (scipy 1.17 Nelder-Mead on the same likelihood) gives
    // -4055.92324350286 at p = 6.24880, q = 3.74459, gamma = 15.4477.
    expect(fit.logLikelihood.toFixed(1)).toBe('-4055.9');
  });
});

describe('Gamma-Gamma input checks', () => {
  it('refuses x below 1, zbar not above 0, and parameters not above 0', () => {
    expect(() => gammaGammaLogLikelihood(PUBLISHED, 0, 10)).toThrow(new RangeError('x (transactions averaged) must be a whole number >= 1'));
    expect(() => gammaGammaLogLikelihood(PUBLISHED, 2, 0)).toThrow(new RangeError('zbar (mean transaction value) must be a finite number above 0'));
    expect(() => expectedAverageSpend({ ...PUBLISHED, gamma: -1 }, 2, 10)).toThrow(new RangeError('Gamma-Gamma parameters p, q and gamma must be finite numbers above 0'));
    expect(() => expectedAverageSpend({ ...PUBLISHED, q: 1 }, 0, 0)).toThrow(new RangeError('the expected spend needs q above 1'));
  });

  it('names the history that is wrong when preparing a sample', () => {
    expect(() => prepareGammaGammaSample([{ x: 1, zbar: 3 }, { x: 2, zbar: -3 }])).toThrow(
      new RangeError('history 1: zbar (mean transaction value) must be a finite number above 0'),
    );
  });

  it('refuses to fit an empty sample', () => {
    expect(() => fitGammaGamma(prepareGammaGammaSample([]))).toThrow(RangeError);
  });
});
