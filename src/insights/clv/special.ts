/**
 * Special functions for the lifetime-value models (pure): the log-gamma and log-beta functions and
 * the Gauss hypergeometric function 2F1 in log form, as BG/NBD (bgnbd.ts) and Gamma-Gamma
 * (gamma-gamma.ts) need them. Each is written for the arguments those models give (positive
 * parameters, 0 <= z < 1), checks them, and throws a RangeError naming the accepted range otherwise.
 */

/** ln(sqrt(2 pi)): the constant term of Stirling's and Lanczos' formulas. */
const LN_SQRT_2PI = 0.9189385332046728;

/**
 * Lanczos' coefficients for g = 7, n = 9 (Godfrey's set, as tabulated with the Lanczos
 * approximation in Press et al., "Numerical Recipes", 3rd ed., section 6.1, and on Wikipedia's
 * "Lanczos approximation" page): about 15 correct digits of Gamma(x) for x >= 0.5.
 */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/**
 * ln Gamma(x) for x > 0, by the Lanczos approximation (g = 7, n = 9; see {@link LANCZOS}) for
 * x >= 0.5 and the reflection formula Gamma(x) Gamma(1 - x) = pi / sin(pi x) below (DLMF 5.5.3).
 * Absolute error about 1e-14 for x up to 1e3, relative error about 1e-15 beyond.
 *
 * @throws RangeError when x is not a finite number above 0.
 * @example logGamma(10) // 12.801827480081469 (= ln 9!)
 */
export function logGamma(x: number): number {
  if (!(x > 0) || x === Infinity) throw new RangeError('logGamma needs a finite number above 0');
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum: number = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b), for a, b > 0 (DLMF 5.12.1).
 *
 * @throws RangeError when a or b is not a finite number above 0.
 */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** The series stops when what is left is below this fraction of the sum (about double precision). */
const SERIES_TOLERANCE = 1e-16;
/** A series that has not converged after this many terms is refused (z is then within ~4e-5 of 1). */
const SERIES_MAX_TERMS = 1_000_000;
/** The running sum is rescaled above this, its scale kept as a logarithm, so that it cannot overflow. */
const RESCALE_ABOVE = 1e250;

/**
 * ln 2F1(a, b; c; z), the Gauss hypergeometric function, for a, b, c > 0 and 0 <= z < 1, summed
 * from its defining series sum_n (a)_n (b)_n / ((c)_n n!) z^n (DLMF 15.2.1).
 *
 * Why the plain series is stable here: with a, b, c > 0 and z >= 0 every term is positive, so the
 * sum has no cancellation. Its two hazards are overflow (as z nears 1 the terms first grow, like
 * n^(a+b-c-1) z^n, and the sum is of order (1 - z)^(c-a-b): with BG/NBD's a = r + x, b = b + x,
 * c = a + b + x - 1 that is (1 - z)^-(x + r + 1 - a), about 1e29 for x = 29 and z = 0.9), which
 * the running sum avoids by rescaling and returning the logarithm; and slow convergence as z
 * nears 1 (terms shrink like z^n once past their peak, so about ln(1e-16) / ln(z) terms: 360 at
 * z = 0.9, 3,700 at z = 0.99). BG/NBD's argument z = t / (alpha + T + t) is always in [0, 1),
 * near 1 only for a horizon t long against the customer's age T plus alpha. The Pfaff
 * transformation 2F1(a, b; c; z) = (1 - z)^-a 2F1(a, c - b; c; z / (z - 1)) (DLMF 15.8.1), which
 * the BG/NBD literature mentions, would map z < 0 into this range; it is not needed for z >= 0,
 * where z / (z - 1) is negative and beyond -1 for z > 1/2, so the series there would diverge.
 *
 * Stops when the remaining tail, bounded by the last term times rho / (1 - rho) with rho the
 * larger of the current term ratio and z, is below 1e-16 of the sum.
 *
 * @throws RangeError when a, b or c is not a finite number above 0, when z is not in [0, 1), or
 *   when the series has not converged after 1,000,000 terms (z within about 4e-5 of 1).
 * @example Math.exp(logHyp2f1(1, 1, 2, 0.5)) // 1.3862943611198906 (= -ln(1 - z) / z)
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(a > 0 && b > 0 && c > 0) || a === Infinity || b === Infinity || c === Infinity) {
    throw new RangeError('logHyp2f1 needs parameters a, b and c that are finite numbers above 0');
  }
  if (!(z >= 0 && z < 1)) throw new RangeError('logHyp2f1 needs 0 <= z < 1');
  if (z === 0) return 0;
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let n = 0; n < SERIES_MAX_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (sum > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE;
      term /= RESCALE_ABOVE;
      logScale += Math.log(RESCALE_ABOVE);
    }
    if (ratio < 1) {
      const rho = ratio > z ? ratio : z;
      if (term * (rho / (1 - rho)) <= SERIES_TOLERANCE * sum) return logScale + Math.log(sum);
    }
  }
  throw new RangeError(`logHyp2f1 did not converge in ${SERIES_MAX_TERMS} terms: z is too close to 1 (at most about 0.99996 is accepted)`);
}
