/**
 * The BG/NBD model of repeat buying (pure): Fader, Hardie & Lee, "'Counting Your Customers' the
 * Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005, 275-284
 * (FHL 2005), with Hardie's companion note "Implementing the BG/NBD Model for Customer Base
 * Analysis in Excel" (brucehardie.com/notes/004, note 004).
 *
 * A customer buys at rate lambda while alive (Poisson), and after each purchase drops out with
 * probability p; lambda ~ Gamma(r, alpha) and p ~ Beta(a, b) across customers. A customer's
 * history is summarized by x (the number of REPEAT purchases: the first purchase is not counted),
 * t_x (the time of the last repeat purchase, from the first purchase; 0 when x = 0) and T (the
 * time from the first purchase to the end of the observation), all in the model's time unit
 * (days or weeks: alpha is in that unit, r, a and b have none). The functions take x, t_x and T as
 * numbers, not an object, so that scoring a customer allocates nothing.
 */
import { maximizePositive } from './nelder-mead.js';
import { logGamma, logHyp2f1 } from './special.js';

/** The four BG/NBD parameters: r and alpha (Gamma, alpha in the model's time unit), a and b (Beta). */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** One customer's repeat-purchase history, in the model's time unit. */
export interface RepeatPurchaseHistory {
  /** Repeat purchases (a whole number >= 0; the first purchase is not counted). */
  readonly x: number;
  /** Time from the first purchase to the last repeat purchase (0 when x = 0). */
  readonly tx: number;
  /** Time from the first purchase to the end of the observation, >= tx. */
  readonly T: number;
}

/**
 * Checks a history: x a whole number >= 0, 0 <= t_x <= T, all finite.
 *
 * @throws RangeError naming the field that is wrong and what is accepted.
 */
export function checkHistory(x: number, tx: number, T: number): void {
  if (!Number.isInteger(x) || x < 0) throw new RangeError('x (repeat purchases) must be a whole number >= 0');
  if (!Number.isFinite(T) || T < 0) throw new RangeError('T (time since the first purchase) must be a finite number >= 0');
  if (!(tx >= 0 && tx <= T)) throw new RangeError('t_x (time of the last repeat purchase) must be between 0 and T');
}

function checkParams(params: BgNbdParams): void {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0 && r < Infinity && alpha < Infinity && a < Infinity && b < Infinity)) {
    throw new RangeError('BG/NBD parameters r, alpha, a and b must be finite numbers above 0');
  }
}

/** ln(1 + e^d) without overflow. */
function log1pExp(d: number): number {
  return d > 0 ? d + Math.log1p(Math.exp(-d)) : Math.log1p(Math.exp(d));
}

/**
 * ln of a*(alpha+T)^(r+x) / ((b+x-1)*(alpha+t_x)^(r+x)): the log odds of "dropped out after the
 * last purchase" against "alive", for x > 0 (the two terms of eq. 6; see {@link pAlive}).
 */
function logOddsDead(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/**
 * One customer's log-likelihood, ln L(r, alpha, a, b | x, t_x, T): FHL 2005 equation (6),
 * L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
 *   + [x > 0] B(a+1, b+x-1)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x)),
 * in the log form of note 004 (the two terms added as ln(e^A + e^B), so that neither overflows).
 *
 * @throws RangeError when a parameter is not a finite number above 0 or the history is invalid
 *   ({@link checkHistory}).
 * @example bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 2, 30.43, 38.86) // -9.4586
 */
export function bgnbdLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
  checkParams(params);
  checkHistory(x, tx, T);
  const { r, alpha, a, b } = params;
  const common =
    logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b) - logGamma(a + b + x) + logGamma(b + x) - (r + x) * Math.log(alpha + T);
  return x > 0 ? common + log1pExp(logOddsDead(params, x, tx, T)) : common;
}

/**
 * A sample of histories prepared for fitting: columns of numbers and the distinct values of x, so
 * that each likelihood evaluation computes the log-gamma terms once per distinct x, not once per
 * customer (a 20,000-customer sample has a few dozen distinct x).
 */
export interface BgNbdSample {
  readonly size: number;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Index of each customer's x in `distinctX`. */
  readonly xIndex: Int32Array;
  readonly distinctX: Float64Array;
}

/**
 * Prepares histories for {@link bgnbdSampleLogLikelihood} and {@link fitBgNbd}.
 *
 * @throws RangeError when a history is invalid ({@link checkHistory}), naming its index (0-based).
 */
export function prepareBgNbdSample(histories: readonly RepeatPurchaseHistory[]): BgNbdSample {
  const size = histories.length;
  const tx = new Float64Array(size);
  const T = new Float64Array(size);
  const xIndex = new Int32Array(size);
  const indexOfX = new Map<number, number>();
  histories.forEach((history, i) => {
    try {
      checkHistory(history.x, history.tx, history.T);
    } catch (error) {
      throw new RangeError(`history ${i}: ${(error as Error).message}`);
    }
    tx[i] = history.tx;
    T[i] = history.T;
    let index = indexOfX.get(history.x);
    if (index === undefined) indexOfX.set(history.x, (index = indexOfX.size));
    xIndex[i] = index;
  });
  return { size, tx, T, xIndex, distinctX: Float64Array.from(indexOfX.keys()) };
}

/**
 * The sample log-likelihood: the sum of {@link bgnbdLogLikelihood} over the sample (FHL 2005,
 * section 3, the function maximized to estimate the parameters).
 *
 * @throws RangeError when a parameter is not a finite number above 0.
 */
export function bgnbdSampleLogLikelihood(params: BgNbdParams, sample: BgNbdSample): number {
  checkParams(params);
  const { r, alpha, a, b } = params;
  const k = sample.distinctX.length;
  const constant = new Float64Array(k);
  const logOddsBase = new Float64Array(k);
  const base = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
  for (let j = 0; j < k; j++) {
    const x = sample.distinctX[j]!;
    constant[j] = base + logGamma(r + x) - logGamma(a + b + x) + logGamma(b + x);
    logOddsBase[j] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
  }
  let sum = 0;
  for (let i = 0; i < sample.size; i++) {
    const j = sample.xIndex[i]!;
    const x = sample.distinctX[j]!;
    const logAlphaT = Math.log(alpha + sample.T[i]!);
    sum += constant[j]! - (r + x) * logAlphaT;
    if (x > 0) sum += log1pExp(logOddsBase[j]! + (r + x) * (logAlphaT - Math.log(alpha + sample.tx[i]!)));
  }
  return sum;
}

/** A fitted BG/NBD model and how the fit went. */
export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** The sample log-likelihood at `params`. */
  readonly logLikelihood: number;
  /** Likelihood evaluations made. */
  readonly evaluations: number;
}

/**
 * Maximum-likelihood fit of the BG/NBD parameters (FHL 2005, section 3), by {@link maximizePositive}
 * (Nelder-Mead over the log-parameters from 1, restarted, within 1e-8..1e8): a population where
 * almost no one drops out (the likelihood still rising as a and b grow) is fitted at that edge,
 * which keeps its dropout probability a/(a+b) and its purchase rate. On the CDNOW sample (weeks) it gives FHL 2005's r = 0.243,
 * alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4.
 *
 * @throws RangeError when the sample is empty or has no repeat purchase (nothing to fit), or
 *   when the optimizer does not converge.
 */
export function fitBgNbd(sample: BgNbdSample): BgNbdFit {
  if (sample.size === 0) throw new RangeError('BG/NBD needs at least one customer to fit');
  if (sample.distinctX.every((x) => x === 0)) throw new RangeError('BG/NBD needs at least one customer with a repeat purchase (x > 0) to fit');
  let evaluations = 0;
  const fit = maximizePositive(
    ([r, alpha, a, b]) => {
      evaluations++;
      return bgnbdSampleLogLikelihood({ r: r!, alpha: alpha!, a: a!, b: b! }, sample);
    },
    4,
    'BG/NBD',
  );
  const [r, alpha, a, b] = fit.params as [number, number, number, number];
  return { params: { r, alpha, a, b }, logLikelihood: fit.logLikelihood, evaluations };
}

/**
 * P(alive | x, t_x, T): the probability that the customer has not dropped out by T (Fader, Hardie
 * & Lee, "Computing P(alive) Using the BG/NBD Model", brucehardie.com/notes/021):
 * 1 / (1 + [x > 0] a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)).
 * It is 1 for x = 0: in BG/NBD a customer can drop out only right after a repeat purchase.
 *
 * @throws RangeError when a parameter or the history is invalid.
 * @example pAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 2, 30.43, 38.86) // 0.7266
 */
export function pAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  checkParams(params);
  checkHistory(x, tx, T);
  return x > 0 ? 1 / (1 + Math.exp(logOddsDead(params, x, tx, T))) : 1;
}

/**
 * The expected number of purchases in (T, T+t] of a customer with history (x, t_x, T): FHL 2005
 * equation (10),
 * E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
 *   * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
 *   / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),
 * the last line being 1/P(alive). The power and 2F1 are combined in logs (the 2F1 alone reaches
 * 1e58 for large x and long horizons) and 1 - e^u taken as -expm1(u), exact for short horizons.
 * t in the model's time unit.
 *
 * @throws RangeError when a parameter, the history or t (a finite number >= 0) is invalid; when
 *   a + b + x <= 1 (only possible for x = 0 and a + b <= 1: the 2F1 parameter c is then not
 *   positive, outside what {@link logHyp2f1} sums) or a = 1 (the formula is 0/0 there); or when
 *   t is so long against alpha + T that the 2F1 series does not converge (t/(alpha+T+t) above
 *   about 0.99996).
 * @example expectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 2, 30.43, 38.86) // 1.2260
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const alive = pAlive(params, x, tx, T);
  if (!(t >= 0 && t < Infinity)) throw new RangeError('the horizon t must be a finite number >= 0');
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  if (a + b + x <= 1) throw new RangeError('expected purchases need a + b + x above 1 (a model with a + b <= 1 cannot score a customer without repeat purchases)');
  if (a === 1) throw new RangeError('expected purchases need a different from 1');
  const z = t / (alpha + T + t);
  const logPowerTimes2f1 = (r + x) * Math.log((alpha + T) / (alpha + T + t)) + logHyp2f1(r + x, b + x, a + b + x - 1, z);
  return ((alive * (a + b + x - 1)) / (a - 1)) * -Math.expm1(logPowerTimes2f1);
}

/**
 * P(no purchase in (T, T+t] | x, t_x, T). Derivation (ours, from the model's assumptions): a
 * customer who has dropped out buys nothing; one who is alive at T makes their next purchase
 * after an exponential wait of rate lambda (the Poisson process is memoryless, and dropping out
 * happens only right after a purchase), so buys nothing in the next t with probability e^(-lambda t).
 * Given the history and alive at T, lambda ~ Gamma(r+x, alpha+T) (the likelihood of an alive
 * customer is lambda^x e^(-lambda T) (1-p)^x, FHL 2005 section 3), and the mean of e^(-lambda t)
 * under it is ((alpha+T)/(alpha+T+t))^(r+x) (the Gamma's Laplace transform). Hence
 * P = 1 - P(alive) + P(alive) * ((alpha+T)/(alpha+T+t))^(r+x). t in the model's time unit.
 *
 * @throws RangeError when a parameter, the history or t (a finite number >= 0) is invalid.
 * @example pNoPurchase({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 2, 30.43, 38.86) // 0.4454
 */
export function pNoPurchase(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const alive = pAlive(params, x, tx, T);
  if (!(t >= 0 && t < Infinity)) throw new RangeError('the horizon t must be a finite number >= 0');
  const { r, alpha } = params;
  return 1 - alive + alive * Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)));
}
