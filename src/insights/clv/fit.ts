/**
 * Fitting a lifetime-value model from a sample of customers (pure): BG/NBD on every customer,
 * Gamma-Gamma on the repeat buyers when the sample has spend, assembled into the model file's
 * content. Where the rows come from is the caller's business: `npm run clv -- fit --csv` reads a
 * summary file, a live fit turns a sample of resolved customers' journeys into the same rows.
 */
import type { RfmBreakpoints } from '../rfm-breakpoints.js';
import { fitBgNbd, prepareBgNbdSample } from './bgnbd.js';
import { fitGammaGamma, prepareGammaGammaSample } from './gamma-gamma.js';
import { MODEL_FILE_FORMAT, MODEL_FILE_VERSION, validateModel, type ClvModel } from './model-file.js';
import type { TimeUnit } from './time-unit.js';

/** One customer of the sample, times in the fit's time unit (bgnbd.ts, RepeatPurchaseHistory). */
export interface ClvFitRow {
  /** Repeat purchases (a whole number >= 0). */
  readonly x: number;
  /** Time from the first purchase to the last repeat purchase (0 when x = 0). */
  readonly tx: number;
  /** Time from the first purchase to the end of the observation. */
  readonly T: number;
  /** Mean value of the repeat purchases in `currency` (unused when x = 0), or null when unknown. */
  readonly zbar: number | null;
}

/** What the rows do not say. */
export interface ClvFitOptions {
  /** The unit of the rows' times, and so of the model. */
  timeUnit: TimeUnit;
  /** Where the rows came from, written to the model: `csv`, `live`. */
  source: string;
  /** The spend's currency (ISO 4217, upper case), or null when unknown. */
  currency: string | null;
  /** RFM breakpoints fitted on the same sample, or null. */
  rfm: RfmBreakpoints | null;
  /** When the fit is made (the caller's clock, so that this stays a function of its inputs). */
  fittedAt: Date;
}

/**
 * Fits BG/NBD on every row and, when every repeat buyer (x > 0) has a zbar, Gamma-Gamma on the
 * repeat buyers; without any zbar the model's gammaGamma is null.
 *
 * @throws RangeError when a row is invalid (naming its 0-based index), when some repeat buyers
 *   have a zbar and others not (a partial spend sample would bias the fit), or when a fit fails
 *   ({@link fitBgNbd}, {@link fitGammaGamma}).
 * @throws ModelFileError when an option cannot go into a model file (a source or currency of the
 *   wrong form).
 */
export function fitClvModel(rows: readonly ClvFitRow[], options: ClvFitOptions): ClvModel {
  const bgnbd = fitBgNbd(prepareBgNbdSample(rows));
  const repeatBuyers = rows.filter((row) => row.x > 0);
  const withSpend = repeatBuyers.filter((row) => row.zbar !== null);
  if (withSpend.length > 0 && withSpend.length < repeatBuyers.length) {
    throw new RangeError(`${repeatBuyers.length - withSpend.length} of ${repeatBuyers.length} repeat buyers have no zbar: give every repeat buyer's spend, or none`);
  }
  const gammaGamma = withSpend.length > 0 ? fitGammaGamma(prepareGammaGammaSample(withSpend.map((row) => ({ x: row.x, zbar: row.zbar! })))) : null;
  return validateModel({
    format: MODEL_FILE_FORMAT,
    version: MODEL_FILE_VERSION,
    fittedAt: options.fittedAt.toISOString(),
    timeUnit: options.timeUnit,
    sampleSize: rows.length,
    source: options.source,
    bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood },
    gammaGamma: gammaGamma === null ? null : { ...gammaGamma.params, logLikelihood: gammaGamma.logLikelihood, sampleSize: gammaGamma.sampleSize },
    currency: options.currency,
    rfm: options.rfm,
  });
}
