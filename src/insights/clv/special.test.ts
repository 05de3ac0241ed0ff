import { describe, expect, it } from 'vitest';
import { logBeta, logGamma, logHyp2f1 } from './special.js';

// Reference values: mpmath 1.3 at 30 digits (loggamma, log(beta), log(hyp2f1)).
describe('logGamma', () => {
  it.each([
    [1e-8, 18.420680738180208884],
    [0.1, 2.252712651734205902],
    [0.5, 0.57236494292470008707],
    [1, 0],
    [1.5, -0.12078223763524522235],
    [2, 0],
    [10, 12.801827480081469611],
    [100, 359.13420536957539878],
    [1000, 5905.2204232091812118],
  ])('ln Gamma(%d) is %d to 1e-12', (x, expected) => {
    expect(Math.abs(logGamma(x) - expected)).toBeLessThan(1e-12);
  });

  it('ln Gamma(1e6) is 12815504.56914761166 to 1e-14 relative', () => {
    expect(Math.abs(logGamma(1e6) / 12815504.56914761166 - 1)).toBeLessThan(1e-14);
  });

  it.each([0, -1, Number.NaN, Infinity])('refuses %d, naming the accepted range', (x) => {
    expect(() => logGamma(x)).toThrow(new RangeError('logGamma needs a finite number above 0'));
  });
});

describe('logBeta', () => {
  it('ln B(0.793, 2.426) is -0.51156928859370334 (the CDNOW BG/NBD a and b)', () => {
    expect(Math.abs(logBeta(0.793, 2.426) - -0.51156928859370334287)).toBeLessThan(1e-13);
  });

  it('ln B(3.5, 40) is -11.816840683354368', () => {
    expect(Math.abs(logBeta(3.5, 40) - -11.816840683354367918)).toBeLessThan(1e-12);
  });
});

describe('logHyp2f1', () => {
  it.each([
    ['z = 1/2, the closed form -ln(1 - z) / z', 1, 1, 2, 0.5, 0.3266342599782809824],
    ['small BG/NBD parameters (x = 0)', 0.243, 2.426, 2.219, 0.3, 0.095781462447278533389],
    ['CDNOW ID 1 over 39 weeks', 2.243, 4.426, 4.219, 39 / (4.414 + 38.86 + 39), 1.5206757450090225587],
    ['large x (29 repeat purchases), z = 0.9, terms that grow before they shrink', 31.243, 31.426, 31.219, 0.9, 72.416445985333885438],
    ['large x and z close to 1 (0.99): a sum of order 1e58', 29.243, 31.426, 31.219, 0.99, 135.60869185951697712],
    ['z very close to 1 (0.999)', 0.243, 2.426, 2.219, 0.999, 2.4066301297700501144],
    ['a large c', 5, 5, 100, 0.5, 0.12848605081606236618],
    ['term ratios that dip below 1 and rise above it again', 0.5, 10, 7, 0.99, 10.603051046425657078],
  ])('%s', (_name, a, b, c, z, expected) => {
    expect(Math.abs(logHyp2f1(a, b, c, z) / expected - 1)).toBeLessThan(1e-12);
  });

  it('is 0 at z = 0', () => {
    expect(logHyp2f1(2, 3, 4, 0)).toBe(0);
  });

  it('refuses z outside [0, 1) and parameters that are not above 0', () => {
    expect(() => logHyp2f1(1, 1, 2, 1)).toThrow(new RangeError('logHyp2f1 needs 0 <= z < 1'));
    expect(() => logHyp2f1(1, 1, 2, -0.5)).toThrow(new RangeError('logHyp2f1 needs 0 <= z < 1'));
    expect(() => logHyp2f1(1, 0, 2, 0.5)).toThrow(RangeError);
    expect(() => logHyp2f1(1, 1, Number.NaN, 0.5)).toThrow(RangeError);
  });

  it('refuses a z so close to 1 that the series would need more than a million terms', () => {
    expect(() => logHyp2f1(1, 1, 2, 1 - 1e-7)).toThrow(/did not converge in 1000000 terms/);
  });
});
