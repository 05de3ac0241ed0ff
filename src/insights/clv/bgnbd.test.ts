import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bgnbdLogLikelihood,
  bgnbdSampleLogLikelihood,
  checkHistory,
  expectedPurchases,
  fitBgNbd,
  pAlive,
  pNoPurchase,
  prepareBgNbdSample,
  type RepeatPurchaseHistory,
} from './bgnbd.js';

/** FHL 2005's published CDNOW estimates (weeks). */
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** The CDNOW calibration sample, 2,357 customers (test/fixtures/cdnow/README.md). */
function cdnow(): RepeatPurchaseHistory[] {
  const text = readFileSync(new URL('../../../test/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, x, tx, T] = line.split(',').map(Number);
      return { x: x!, tx: tx!, T: T! };
    });
}

// Reference values: the formulas of FHL 2005 (eq. 6, 10, P(alive)) evaluated independently in
// mpmath 1.3 at 30 digits with the published parameters.
const CASES = [
  { name: 'CDNOW ID 1 (x = 2, t_x = 30.43, T = 38.86)', x: 2, tx: 30.43, T: 38.86, ll: -9.4586063070662712, alive: 0.72657857008067291, e39: 1.2260281747671444, none39: 0.44537286208299557, e1000: 10.120518988765318 },
  { name: 'no repeat purchase (x = 0, T = 38.86)', x: 0, tx: 0, T: 38.86, ll: -0.55471327643815845, alive: 1, e39: 0.19509805201126264, none39: 0.85544945921668155, e1000: 2.1783959555342151 },
  { name: 'a heavy buyer (x = 29, t_x = T = 35.14)', x: 29, tx: 35.14, T: 35.14, ll: -41.833639038502225, alive: 0.9745988020115955, e39: 21.308273655742102, none39: 0.025401199872306399, e1000: 138.39527857617661 },
  { name: 'one early repeat purchase (x = 1, t_x = 1.71, T = 38.86)', x: 1, tx: 1.71, T: 38.86, ll: -4.4690932750325885, alive: 0.21210098537737908, e39: 0.20318698707975406, none39: 0.88333265061704506, e1000: 1.8453484429933649 },
];

describe('BG/NBD at the published CDNOW parameters', () => {
  it.each(CASES)('$name: individual log-likelihood (FHL 2005 eq. 6)', ({ x, tx, T, ll }) => {
    expect(Math.abs(bgnbdLogLikelihood(PUBLISHED, x, tx, T) - ll)).toBeLessThan(1e-11);
  });

  it.each(CASES)('$name: P(alive)', ({ x, tx, T, alive }) => {
    expect(Math.abs(pAlive(PUBLISHED, x, tx, T) - alive)).toBeLessThan(1e-13);
  });

  it.each(CASES)('$name: expected purchases in the next 39 and 1,000 weeks (FHL 2005 eq. 10)', ({ x, tx, T, e39, e1000 }) => {
    expect(Math.abs(expectedPurchases(PUBLISHED, 39, x, tx, T) / e39 - 1)).toBeLessThan(1e-11);
    expect(Math.abs(expectedPurchases(PUBLISHED, 1000, x, tx, T) / e1000 - 1)).toBeLessThan(1e-11);
  });

  it.each(CASES)('$name: P(no purchase in the next 39 weeks)', ({ x, tx, T, none39 }) => {
    expect(Math.abs(pNoPurchase(PUBLISHED, 39, x, tx, T) - none39)).toBeLessThan(1e-13);
  });

  it("gives ID 1 note 004's 1.226 expected purchases in the next 39 weeks", () => {
    expect(expectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86).toFixed(3)).toBe('1.226');
  });

  it('keeps its precision over a very short horizon (0.001 weeks: 3.7660175950157369e-5)', () => {
    expect(Math.abs(expectedPurchases(PUBLISHED, 0.001, 2, 30.43, 38.86) / 3.7660175950157369e-5 - 1)).toBeLessThan(1e-9);
  });

  it('expects nothing and no purchase over a horizon of 0', () => {
    expect(expectedPurchases(PUBLISHED, 0, 2, 30.43, 38.86)).toBe(0);
    expect(pNoPurchase(PUBLISHED, 0, 2, 30.43, 38.86)).toBe(1);
  });

  it('gives the same figures in days as in weeks when alpha and the times are multiplied by 7', () => {
    const days = { ...PUBLISHED, alpha: PUBLISHED.alpha * 7 };
    expect(Math.abs(expectedPurchases(days, 39 * 7, 2, 30.43 * 7, 38.86 * 7) - 1.2260281747671444)).toBeLessThan(1e-11);
    expect(Math.abs(pAlive(days, 2, 30.43 * 7, 38.86 * 7) - 0.72657857008067291)).toBeLessThan(1e-13);
  });
});

describe('BG/NBD on the CDNOW sample', () => {
  const sample = prepareBgNbdSample(cdnow());

  it('has a sample log-likelihood of -9582.4 at the published parameters', () => {
    expect(bgnbdSampleLogLikelihood(PUBLISHED, sample).toFixed(1)).toBe('-9582.4');
  });

  it('fits r = 0.243, alpha = 4.41, a = 0.793, b = 2.43 (FHL 2005) with log-likelihood -9582.4', () => {
    const fit = fitBgNbd(sample);
    expect(fit.params.r.toPrecision(3)).toBe('0.243');
    expect(fit.params.alpha.toPrecision(3)).toBe('4.41');
    expect(fit.params.a.toPrecision(3)).toBe('0.793');
    expect(fit.params.b.toPrecision(3)).toBe('2.43');
    expect(fit.logLikelihood.toFixed(1)).toBe('-9582.4');
  });
});

describe('BG/NBD on the CDNOW sample in days', () => {
  it('fits the same r, a, b and alpha times 7 (30.9), its log-likelihood lower by sum(x) ln 7 (-14363.5)', () => {
    const fit = fitBgNbd(prepareBgNbdSample(cdnow().map(({ x, tx, T }) => ({ x, tx: tx * 7, T: T * 7 }))));
    expect(fit.params.r.toPrecision(3)).toBe('0.243');
    expect(fit.params.alpha.toPrecision(3)).toBe('30.9');
    expect(fit.params.a.toPrecision(3)).toBe('0.793');
    expect(fit.params.b.toPrecision(3)).toBe('2.43');
    // -9582.43 - 2,457 repeat purchases * ln 7: the likelihood is a density in time per purchase.
    expect(fit.logLikelihood.toFixed(1)).toBe('-14363.5');
  });
});

describe('BG/NBD on a population where no one drops out', () => {
  it('converges at the edge of the search, with a dropout probability near 0 and the purchase rate of the sample', () => {
    // 200 customers, each buying every 10 days up to the last day: no silence after a purchase.
    const histories = Array.from({ length: 200 }, (_, i) => {
      const x = 5 + (i % 10);
      return { x, tx: x * 10, T: x * 10 + 1 };
    });
    const fit = fitBgNbd(prepareBgNbdSample(histories));
    const { r, alpha, a, b } = fit.params;
    expect(a / (a + b)).toBeLessThan(0.001);
    expect(Math.max(a, b)).toBeGreaterThan(1e6);
    expect(Math.max(a, b)).toBeLessThanOrEqual(1e8 * 1.0001);
    // One purchase every 10 days: the mean purchase rate r/alpha is about 0.1 a day.
    expect(r / alpha).toBeGreaterThan(0.09);
    expect(r / alpha).toBeLessThan(0.11);
  });
});

describe('BG/NBD on a population where every customer has the same purchase rate and dropout', () => {
  // 300 customers buying every 10 days; one in ten stopped 200 days before the end. Without
  // heterogeneity the likelihood rises for ever, by less than its rounding noise, as r and alpha
  // grow together and as a and b do: a ridge the simplex used to crawl along for 10,000
  // iterations per search, and then failed ("did not converge").
  const histories = Array.from({ length: 300 }, (_, i) => {
    const x = 5 + (i % 10);
    return { x, tx: x * 10, T: i % 10 === 3 ? x * 10 + 200 : x * 10 + 1 };
  });

  it('converges on the ridge in under 5,000 likelihood evaluations, with a dropout probability near 0.0118 and a rate near 0.099 a day', () => {
    const fit = fitBgNbd(prepareBgNbdSample(histories));
    const { r, alpha, a, b } = fit.params;
    expect(fit.evaluations).toBeLessThan(5_000);
    // The likelihood, scanned by hand along the ridge, peaks at a/(a+b) = 0.0117 to 0.0118.
    expect(a / (a + b)).toBeGreaterThan(0.0115);
    expect(a / (a + b)).toBeLessThan(0.012);
    expect(r / alpha).toBeGreaterThan(0.098);
    expect(r / alpha).toBeLessThan(0.1);
    expect(fit.logLikelihood).toBeGreaterThan(-9602.38);
  });
});

describe('BG/NBD input checks', () => {
  it.each([
    [1.5, 1, 2, 'x (repeat purchases) must be a whole number >= 0'],
    [-1, 1, 2, 'x (repeat purchases) must be a whole number >= 0'],
    [1, 3, 2, 't_x (time of the last repeat purchase) must be between 0 and T'],
    [1, -1, 2, 't_x (time of the last repeat purchase) must be between 0 and T'],
    [1, 1, Number.NaN, 'T (time since the first purchase) must be a finite number >= 0'],
  ])('refuses x = %d, t_x = %d, T = %d: %s', (x, tx, T, message) => {
    expect(() => checkHistory(x, tx, T)).toThrow(new RangeError(message));
    expect(() => pAlive(PUBLISHED, x, tx, T)).toThrow(new RangeError(message));
  });

  it('refuses parameters that are not above 0 and a negative horizon', () => {
    expect(() => pAlive({ ...PUBLISHED, a: 0 }, 1, 1, 2)).toThrow(new RangeError('BG/NBD parameters r, alpha, a and b must be finite numbers above 0'));
    expect(() => expectedPurchases(PUBLISHED, -1, 1, 1, 2)).toThrow(new RangeError('the horizon t must be a finite number >= 0'));
    expect(() => pNoPurchase(PUBLISHED, Number.NaN, 1, 1, 2)).toThrow(new RangeError('the horizon t must be a finite number >= 0'));
  });

  it('names the history that is wrong when preparing a sample', () => {
    expect(() => prepareBgNbdSample([{ x: 1, tx: 1, T: 2 }, { x: 1, tx: 3, T: 2 }])).toThrow(
      new RangeError('history 1: t_x (time of the last repeat purchase) must be between 0 and T'),
    );
  });

  it('refuses to fit a sample without any repeat purchase', () => {
    expect(() => fitBgNbd(prepareBgNbdSample([{ x: 0, tx: 0, T: 5 }]))).toThrow(
      new RangeError('BG/NBD needs at least one customer with a repeat purchase (x > 0) to fit'),
    );
  });
});
