/**
 * A small Nelder-Mead simplex minimizer (pure), for the maximum-likelihood fits of BG/NBD and
 * Gamma-Gamma over their log-parameters (3 or 4 dimensions, smooth objectives). The standard
 * method with the usual coefficients, reflection 1, expansion 2, contraction 1/2, shrink 1/2, as
 * stated in Lagarias, Reeds, Wright & Wright, "Convergence properties of the Nelder-Mead simplex
 * method in low dimensions", SIAM J. Optim. 9(1), 1998, section 2.
 */

/** How the search starts and when it stops. */
export interface NelderMeadOptions {
  /** The initial simplex: the start plus `step` along each axis. Default 0.5. */
  step?: number;
  /** Stop when every vertex's value is within this of the best one's... Default 1e-10. */
  valueTolerance?: number;
  /** ...and every vertex is within this of the best one on every axis. Default 1e-9. */
  pointTolerance?: number;
  /** Give up after this many iterations (converged is then false). Default 5,000. */
  maxIterations?: number;
  /**
   * Stop early, `stalled`, when the best value has gained less than `tolerance` over the last
   * `iterations` iterations. Off by default. A simplex on a ridge where the objective changes by
   * less than its own rounding noise (a sum of 20,000 log-likelihoods near 1e5 has an ulp near
   * 1e-11) can neither meet the tolerances nor gain: without this it runs to maxIterations.
   */
  stall?: { iterations: number; tolerance: number };
}

/** Where the search ended. */
export interface NelderMeadResult {
  /** The best point found. */
  point: number[];
  /** The objective there. */
  value: number;
  /** Iterations made. */
  iterations: number;
  /** True when both tolerances were met before maxIterations. */
  converged: boolean;
  /** True when the search stopped because the best value no longer gained (options.stall). */
  stalled: boolean;
}

/**
 * Minimizes `objective` from `start`. A value that is NaN or infinite counts as +Infinity, so the
 * simplex moves away from where the objective is undefined.
 *
 * @throws RangeError when start is empty or holds a value that is not finite.
 * @example nelderMead(([x, y]) => (x! - 1) ** 2 + (y! + 2) ** 2, [0, 0]).point // ≈ [1, -2]
 */
export function nelderMead(objective: (point: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const n = start.length;
  if (n === 0 || start.some((value) => !Number.isFinite(value))) throw new RangeError('nelderMead needs a start of finite numbers, at least one');
  const step = options.step ?? 0.5;
  const valueTolerance = options.valueTolerance ?? 1e-10;
  const pointTolerance = options.pointTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 5_000;
  const f = (point: readonly number[]): number => {
    const value = objective(point);
    return Number.isFinite(value) ? value : Infinity;
  };

  const points: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const point = start.slice();
    point[i]! += step;
    points.push(point);
  }
  let values = points.map(f);
  const along = (from: readonly number[], to: readonly number[], t: number): number[] => from.map((value, i) => value + t * (to[i]! - value));

  // The best value at each of the last `stall.iterations` iterations, in a ring.
  const stall = options.stall;
  const bestBefore = stall ? new Float64Array(stall.iterations) : null;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const sortedPoints = order.map((i) => points[i]!);
    values = order.map((i) => values[i]!);
    points.splice(0, points.length, ...sortedPoints);

    const best = points[0]!;
    const spread = Math.max(...values.map((value) => Math.abs(value - values[0]!)));
    const size = Math.max(...points.map((point) => Math.max(...point.map((value, i) => Math.abs(value - best[i]!)))));
    if (spread <= valueTolerance && size <= pointTolerance) return { point: best.slice(), value: values[0]!, iterations, converged: true, stalled: false };
    if (stall && bestBefore) {
      const slot = iterations % stall.iterations;
      if (iterations >= stall.iterations && bestBefore[slot]! - values[0]! < stall.tolerance) {
        return { point: best.slice(), value: values[0]!, iterations, converged: false, stalled: true };
      }
      bestBefore[slot] = values[0]!;
    }

    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += points[k]![i]! / n;
    const worst = points[n]!;
    const reflected = along(centroid, worst, -1);
    const fr = f(reflected);
    if (fr < values[0]!) {
      const expanded = along(centroid, worst, -2);
      const fe = f(expanded);
      if (fe < fr) [points[n], values[n]] = [expanded, fe];
      else [points[n], values[n]] = [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
      continue;
    }
    // Contract outside (towards the reflected point) or inside (towards the worst one).
    const outside = fr < values[n]!;
    const contracted = along(centroid, outside ? reflected : worst, 0.5);
    const fc = f(contracted);
    if (fc < (outside ? fr : values[n]!)) {
      [points[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let k = 1; k <= n; k++) {
      points[k] = along(best, points[k]!, 0.5);
      values[k] = f(points[k]!);
    }
  }
  const bestIndex = values.indexOf(Math.min(...values));
  return { point: points[bestIndex]!.slice(), value: values[bestIndex]!, iterations, converged: false, stalled: false };
}

/** The box {@link maximizePositive} searches each parameter in: e^±18.42 = 1e-8 .. 1e8. */
const LOG_PARAMETER_BOUND = Math.log(1e8);

/**
 * When a search of {@link maximizePositive} stops gaining: its best log-likelihood has risen by
 * less than 1e-9 in 100 iterations. A likelihood that is flat along a ridge (BG/NBD's a and b
 * growing together at a fixed a/(a+b) when few customers drop out) moves there by less than its
 * rounding noise: the simplex would crawl to the iteration limit, 60,000 evaluations of a
 * 20,000-customer sample, for nothing. The restart that follows checks the stop (a gain under 1e-7).
 */
const STALL = { iterations: 100, tolerance: 1e-9 };

/**
 * Maximum-likelihood search of `dimensions` positive parameters, as both CLV fits do it:
 * Nelder-Mead over their logarithms from all parameters at 1 (a fixed start: the same sample
 * always gives the same parameters), restarted from its own optimum until a restart gains less
 * than 1e-7 (a simplex can stall before the optimum; the restart is the usual cure). Each
 * parameter stays within 1e-8..1e8: a likelihood still rising as parameters grow together (BG/NBD
 * with almost no dropout, Gamma-Gamma with almost equal spends) is maximized at that edge, its
 * limit, or as far along the ridge as the likelihood still gains: each search stops when its best
 * value has gained less than 1e-9 in 100 iterations (STALL), and a simplex that uses up its
 * iterations without shrinking while the likelihood no longer moves is converged in value too,
 * which is what a fit is for.
 *
 * @returns the parameters and the log-likelihood there.
 * @throws RangeError `the <what> fit did not converge (10,000 iterations)` when it is still improving.
 */
export function maximizePositive(logLikelihood: (params: readonly number[]) => number, dimensions: number, what: string): { params: number[]; logLikelihood: number } {
  const objective = (theta: readonly number[]): number =>
    theta.some((t) => Math.abs(t) > LOG_PARAMETER_BOUND) ? Infinity : -logLikelihood(theta.map(Math.exp));
  let result = nelderMead(objective, new Array<number>(dimensions).fill(0), { maxIterations: 10_000, stall: STALL });
  let gain = Infinity;
  for (let restart = 0; restart < 5; restart++) {
    const again = nelderMead(objective, result.point, { step: 0.1, maxIterations: 10_000, stall: STALL });
    gain = result.value - again.value;
    result = again;
    if (gain < 1e-7) break;
  }
  if (!result.converged && !(gain < 1e-7)) throw new RangeError(`the ${what} fit did not converge (10,000 iterations)`);
  return { params: result.point.map(Math.exp), logLikelihood: -result.value };
}
