/**
 * The Gamma-Gamma model of spend per transaction (pure): Fader & Hardie, "The Gamma-Gamma Model of
 * Monetary Value", 2013 (brucehardie.com/notes/025, note 025), after Colombo & Jiang (1999).
 *
 * A customer's transaction values are Gamma(p, nu) around their own mean p/nu, and nu ~ Gamma(q,
 * gamma) across customers. What is observed of a customer is x, the number of transactions whose
 * values are averaged, and zbar, that average (in the model's currency). As in the CDNOW analyses,
 * x is the number of REPEAT purchases and zbar their mean, the same x as BG/NBD's; customers with
 * x = 0 say nothing about spend and are left out of the fit. The model assumes spend independent
 * of the purchase process.
 */
import { maximizePositive } from './nelder-mead.js';
import { logGamma } from './special.js';

/** The three Gamma-Gamma parameters (p and q have no unit, gamma is in the model's currency). */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** One customer's spend: x transactions (a whole number >= 1) of mean value zbar (above 0). */
export interface SpendHistory {
  readonly x: number;
  readonly zbar: number;
}

function checkParams(params: GammaGammaParams): void {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0 && p < Infinity && q < Infinity && gamma < Infinity)) {
    throw new RangeError('Gamma-Gamma parameters p, q and gamma must be finite numbers above 0');
  }
}

function checkSpend(x: number, zbar: number): void {
  if (!Number.isInteger(x) || x < 1) throw new RangeError('x (transactions averaged) must be a whole number >= 1');
  if (!(zbar > 0 && zbar < Infinity)) throw new RangeError('zbar (mean transaction value) must be a finite number above 0');
}

/**
 * One customer's log-likelihood: the log density of zbar given x (note 025),
 * f(zbar | p, q, gamma; x) = Gamma(px+q) / (Gamma(px) Gamma(q)) * gamma^q zbar^(px-1) x^(px) / (gamma + x zbar)^(px+q).
 *
 * @throws RangeError when a parameter is not a finite number above 0, x is not a whole number
 *   >= 1 or zbar is not above 0.
 * @example gammaGammaLogLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 22.35) // -3.5513
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, zbar: number): number {
  checkParams(params);
  checkSpend(x, zbar);
  const { p, q, gamma } = params;
  const px = p * x;
  return logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(zbar) + px * Math.log(x) - (px + q) * Math.log(gamma + x * zbar);
}

/** Spend histories prepared for fitting: columns, and the distinct x (log-gamma terms once per x). */
export interface GammaGammaSample {
  readonly size: number;
  readonly x: Float64Array;
  readonly zbar: Float64Array;
  /** ln x and ln zbar of each customer, computed once for every evaluation. */
  readonly logX: Float64Array;
  readonly logZbar: Float64Array;
  readonly xIndex: Int32Array;
  readonly distinctX: Float64Array;
}

/**
 * Prepares spend histories for {@link gammaGammaSampleLogLikelihood} and {@link fitGammaGamma}.
 *
 * @throws RangeError when a history is invalid, naming its index (0-based).
 */
export function prepareGammaGammaSample(histories: readonly SpendHistory[]): GammaGammaSample {
  const size = histories.length;
  const x = new Float64Array(size);
  const zbar = new Float64Array(size);
  const logX = new Float64Array(size);
  const logZbar = new Float64Array(size);
  const xIndex = new Int32Array(size);
  const indexOfX = new Map<number, number>();
  histories.forEach((history, i) => {
    try {
      checkSpend(history.x, history.zbar);
    } catch (error) {
      throw new RangeError(`history ${i}: ${(error as Error).message}`);
    }
    x[i] = history.x;
    zbar[i] = history.zbar;
    logX[i] = Math.log(history.x);
    logZbar[i] = Math.log(history.zbar);
    let index = indexOfX.get(history.x);
    if (index === undefined) indexOfX.set(history.x, (index = indexOfX.size));
    xIndex[i] = index;
  });
  return { size, x, zbar, logX, logZbar, xIndex, distinctX: Float64Array.from(indexOfX.keys()) };
}

/**
 * The sample log-likelihood: the sum of {@link gammaGammaLogLikelihood} over the sample.
 *
 * @throws RangeError when a parameter is not a finite number above 0.
 */
export function gammaGammaSampleLogLikelihood(params: GammaGammaParams, sample: GammaGammaSample): number {
  checkParams(params);
  const { p, q, gamma } = params;
  const k = sample.distinctX.length;
  const constant = new Float64Array(k);
  const base = -logGamma(q) + q * Math.log(gamma);
  for (let j = 0; j < k; j++) {
    const px = p * sample.distinctX[j]!;
    constant[j] = base + logGamma(px + q) - logGamma(px);
  }
  let sum = 0;
  for (let i = 0; i < sample.size; i++) {
    const x = sample.x[i]!;
    const px = p * x;
    sum += constant[sample.xIndex[i]!]! + (px - 1) * sample.logZbar[i]! + px * sample.logX[i]! - (px + q) * Math.log(gamma + x * sample.zbar[i]!);
  }
  return sum;
}

/** A fitted Gamma-Gamma model and how the fit went. */
export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  /** The sample log-likelihood at `params`. */
  readonly logLikelihood: number;
  /** Customers fitted on (those with x >= 1). */
  readonly sampleSize: number;
}

/**
 * Maximum-likelihood fit of p, q and gamma by {@link maximizePositive} (Nelder-Mead over the
 * log-parameters from 1, restarted, within 1e-8..1e8). On the CDNOW repeat buyers it gives note 025's p = 6.25, q = 3.74, gamma = 15.44.
 *
 * @throws RangeError when the sample is empty, when the optimizer does not converge, or when the
 *   fitted q is not above 1: the population's mean spend p gamma / (q - 1) is then infinite
 *   (spend too heavy-tailed for this model) and a customer without repeat purchases cannot be
 *   given an expected spend.
 */
export function fitGammaGamma(sample: GammaGammaSample): GammaGammaFit {
  if (sample.size === 0) throw new RangeError('Gamma-Gamma needs at least one customer with a repeat purchase (x >= 1) to fit');
  // The box of maximizePositive also holds a sample whose spends hardly differ between customers:
  // its likelihood rises for ever as q and gamma grow together.
  const fit = maximizePositive(([p, q, gamma]) => gammaGammaSampleLogLikelihood({ p: p!, q: q!, gamma: gamma! }, sample), 3, 'Gamma-Gamma');
  const [p, q, gamma] = fit.params as [number, number, number];
  if (!(q > 1)) throw new RangeError('the Gamma-Gamma fit gave q <= 1: the mean spend would be infinite, so the model does not suit this spend');
  return { params: { p, q, gamma }, logLikelihood: fit.logLikelihood, sampleSize: sample.size };
}

/**
 * The expected average transaction value of a customer, E(M | p, q, gamma, x, zbar) =
 * p (gamma + x zbar) / (p x + q - 1) (note 025: a weighted mean of the population mean
 * p gamma / (q - 1) and the customer's own zbar, the weight of zbar growing with x). For x = 0
 * (zbar unused) it is the population mean p gamma / (q - 1). In the model's currency.
 *
 * @throws RangeError when a parameter is not a finite number above 0, q is not above 1, x is not a
 *   whole number >= 0, or zbar (for x >= 1) is not a finite number above 0.
 * @example expectedAverageSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 22.35) // 24.664
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, zbar: number): number {
  checkParams(params);
  const { p, q, gamma } = params;
  if (!(q > 1)) throw new RangeError('the expected spend needs q above 1');
  if (x === 0) return (p * gamma) / (q - 1);
  checkSpend(x, zbar);
  return (p * (gamma + x * zbar)) / (p * x + q - 1);
}
