/**
 * The lifetime-value model file (pure: a string in, a validated model out, and the reverse).
 * `npm run clv -- fit` writes it; the gateway reads it at start. It holds population-level
 * figures only, never a customer's data: the parameters, when and on how many customers they were
 * fitted, their log-likelihoods, the time unit, the currency and the RFM breakpoints. Any other
 * field is refused, so that nothing personal can ride along.
 *
 * ```json
 * { "format": "customer-gateway/clv-model", "version": 1, "fittedAt": "2026-11-30T09:00:00.000Z",
 *   "timeUnit": "weeks", "sampleSize": 2357, "source": "csv",
 *   "bgnbd": { "r": 0.2426, "alpha": 4.414, "a": 0.7929, "b": 2.426, "logLikelihood": -9582.43 },
 *   "gammaGamma": { "p": 6.249, "q": 3.745, "gamma": 15.45, "logLikelihood": -4055.92, "sampleSize": 946 },
 *   "currency": "USD", "rfm": null }
 * ```
 */
import type { RfmBreakpoints } from '../rfm-breakpoints.js';
import { TIME_UNITS, isTimeUnit, type TimeUnit } from './time-unit.js';

/** The `format` every model file carries. */
export const MODEL_FILE_FORMAT = 'customer-gateway/clv-model';
/** The version this code reads and writes. */
export const MODEL_FILE_VERSION = 1;

/** A fitted lifetime-value model: the model file's content. */
export interface ClvModel {
  readonly format: typeof MODEL_FILE_FORMAT;
  readonly version: typeof MODEL_FILE_VERSION;
  /** When the model was fitted: ISO 8601 in UTC (`2026-11-30T09:00:00.000Z`). */
  readonly fittedAt: string;
  /** The unit of alpha and of every time the model takes or gives. */
  readonly timeUnit: TimeUnit;
  /** Customers the BG/NBD part was fitted on. */
  readonly sampleSize: number;
  /** Where the sample came from: a lower-case word, `csv` (a summary file) or `live` (the silos). */
  readonly source: string;
  /** BG/NBD parameters (bgnbd.ts) and the sample log-likelihood at them. */
  readonly bgnbd: { readonly r: number; readonly alpha: number; readonly a: number; readonly b: number; readonly logLikelihood: number };
  /** Gamma-Gamma parameters (gamma-gamma.ts), or null when the sample had no spend. */
  readonly gammaGamma: { readonly p: number; readonly q: number; readonly gamma: number; readonly logLikelihood: number; readonly sampleSize: number } | null;
  /** The currency of spend (ISO 4217, upper case), or null when unknown. */
  readonly currency: string | null;
  /** The population's RFM breakpoints, or null when not fitted (a CSV summary has no RFM window). */
  readonly rfm: RfmBreakpoints | null;
}

/** A model file that cannot be used: `field` names the wrong field (dotted path), or is null for the file as a whole. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  readonly code = 'CLV_MODEL_FILE_INVALID';
  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseOtherKeys(object: Json, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      const where = path === '' ? 'the model' : path;
      throw new ModelFileError(`${where} has an unknown field "${key}": a model file holds only ${allowed.join(', ')}`, path === '' ? key : `${path}.${key}`);
    }
  }
}

function objectAt(parent: Json, key: string, path: string, allowed: readonly string[]): Json {
  const value = parent[key];
  if (!isObject(value)) throw new ModelFileError(`${path} must be an object with ${allowed.join(', ')}`, path);
  refuseOtherKeys(value, allowed, path);
  return value;
}

function positive(object: Json, key: string, path: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) throw new ModelFileError(`${path}.${key} must be a finite number above 0`, `${path}.${key}`);
  return value;
}

function finite(object: Json, key: string, path: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ModelFileError(`${path}.${key} must be a finite number`, `${path}.${key}`);
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ModelFileError(`${path} must be a whole number >= 1`, path);
  return value;
}

const CURRENCY = /^[A-Z]{3}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const SOURCE = /^[a-z][a-z0-9-]{0,31}$/;
const TOP_KEYS = ['format', 'version', 'fittedAt', 'timeUnit', 'sampleSize', 'source', 'bgnbd', 'gammaGamma', 'currency', 'rfm'] as const;
const BGNBD_KEYS = ['r', 'alpha', 'a', 'b', 'logLikelihood'] as const;
const GAMMA_GAMMA_KEYS = ['p', 'q', 'gamma', 'logLikelihood', 'sampleSize'] as const;
const RFM_KEYS = ['recencyDays', 'frequency', 'monetary', 'windowDays', 'currency'] as const;

function quartet(object: Json, key: string, path: string): readonly [number, number, number, number] {
  const value = object[key];
  const where = `${path}.${key}`;
  if (!Array.isArray(value) || value.length !== 4 || !value.every((v) => typeof v === 'number' && v >= 0 && v < Infinity)) {
    throw new ModelFileError(`${where} must be 4 finite numbers >= 0 (the 20th, 40th, 60th and 80th percentiles)`, where);
  }
  const numbers = value as number[];
  if (numbers.some((v, i) => i > 0 && v < numbers[i - 1]!)) throw new ModelFileError(`${where} must be in ascending order`, where);
  return [numbers[0]!, numbers[1]!, numbers[2]!, numbers[3]!];
}

/**
 * Checks a parsed model file's content and returns it as a {@link ClvModel} (a new object, in
 * the canonical field order).
 *
 * @throws ModelFileError naming the first wrong field and what it accepts: another `format` (not a
 *   model file) or `version` (written by another version of the gateway), a missing or unknown
 *   field, a parameter that is not a finite number above 0 (Gamma-Gamma's q must be above 1, for a
 *   finite mean spend), a date that is not ISO 8601 UTC, a currency that is not three upper-case
 *   letters, RFM breakpoints that are not 4 ascending numbers >= 0, or an RFM currency other
 *   than the model's.
 */
export function validateModel(content: unknown): ClvModel {
  if (!isObject(content)) throw new ModelFileError('a model file must hold a JSON object', null);
  if (content.format !== MODEL_FILE_FORMAT) {
    throw new ModelFileError(`this is not a lifetime-value model file: "format" must be "${MODEL_FILE_FORMAT}"`, 'format');
  }
  if (content.version !== MODEL_FILE_VERSION) {
    const version = typeof content.version === 'number' && Number.isFinite(content.version) ? `version ${content.version}` : 'a missing or malformed version';
    throw new ModelFileError(
      `the model file has ${version}; this gateway reads version ${MODEL_FILE_VERSION} only: fit a new model with \`npm run clv -- fit\``,
      'version',
    );
  }
  refuseOtherKeys(content, TOP_KEYS, '');
  for (const key of TOP_KEYS) if (!(key in content)) throw new ModelFileError(`the model has no "${key}" field`, key);

  const fittedAt = content.fittedAt;
  if (typeof fittedAt !== 'string' || !ISO_UTC.test(fittedAt) || Number.isNaN(Date.parse(fittedAt)) || !new Date(fittedAt).toISOString().startsWith(fittedAt.slice(0, 19))) {
    throw new ModelFileError('fittedAt must be an ISO 8601 date and time in UTC, like 2026-11-30T09:00:00.000Z', 'fittedAt');
  }
  if (!isTimeUnit(content.timeUnit)) throw new ModelFileError(`timeUnit must be one of ${TIME_UNITS.join(', ')}`, 'timeUnit');
  const sampleSize = count(content.sampleSize, 'sampleSize');
  if (typeof content.source !== 'string' || !SOURCE.test(content.source)) {
    throw new ModelFileError('source must be a lower-case word of at most 32 letters, digits or hyphens, such as csv or live', 'source');
  }

  const bgnbdJson = objectAt(content, 'bgnbd', 'bgnbd', BGNBD_KEYS);
  const bgnbd = {
    r: positive(bgnbdJson, 'r', 'bgnbd'),
    alpha: positive(bgnbdJson, 'alpha', 'bgnbd'),
    a: positive(bgnbdJson, 'a', 'bgnbd'),
    b: positive(bgnbdJson, 'b', 'bgnbd'),
    logLikelihood: finite(bgnbdJson, 'logLikelihood', 'bgnbd'),
  };

  let gammaGamma: ClvModel['gammaGamma'] = null;
  if (content.gammaGamma !== null) {
    const json = objectAt(content, 'gammaGamma', 'gammaGamma', GAMMA_GAMMA_KEYS);
    const q = positive(json, 'q', 'gammaGamma');
    if (!(q > 1)) throw new ModelFileError('gammaGamma.q must be above 1 (the mean spend is finite only then)', 'gammaGamma.q');
    const ggSize = count(json.sampleSize, 'gammaGamma.sampleSize');
    if (ggSize > sampleSize) throw new ModelFileError('gammaGamma.sampleSize must be at most sampleSize (it counts the repeat buyers of the same sample)', 'gammaGamma.sampleSize');
    gammaGamma = { p: positive(json, 'p', 'gammaGamma'), q, gamma: positive(json, 'gamma', 'gammaGamma'), logLikelihood: finite(json, 'logLikelihood', 'gammaGamma'), sampleSize: ggSize };
  }

  const currency = content.currency;
  if (currency !== null && (typeof currency !== 'string' || !CURRENCY.test(currency))) {
    throw new ModelFileError('currency must be an ISO 4217 code in upper case (USD, EUR) or null', 'currency');
  }

  let rfm: RfmBreakpoints | null = null;
  if (content.rfm !== null) {
    const json = objectAt(content, 'rfm', 'rfm', RFM_KEYS);
    const windowDays = positive(json, 'windowDays', 'rfm');
    if (typeof json.currency !== 'string' || !CURRENCY.test(json.currency)) {
      throw new ModelFileError('rfm.currency must be an ISO 4217 code in upper case (USD, EUR)', 'rfm.currency');
    }
    if (currency !== null && json.currency !== currency) throw new ModelFileError('rfm.currency must be the model\'s currency', 'rfm.currency');
    rfm = {
      recencyDays: quartet(json, 'recencyDays', 'rfm'),
      frequency: quartet(json, 'frequency', 'rfm'),
      monetary: quartet(json, 'monetary', 'rfm'),
      windowDays,
      currency: json.currency,
    };
  }

  return {
    format: MODEL_FILE_FORMAT,
    version: MODEL_FILE_VERSION,
    fittedAt,
    timeUnit: content.timeUnit,
    sampleSize,
    source: content.source,
    bgnbd,
    gammaGamma,
    currency,
    rfm,
  };
}

/**
 * Reads a model file's text.
 *
 * @throws ModelFileError when the text is not JSON (with the position where parsing stopped, never
 *   the text itself: a wrong file could hold personal data) or not a valid model ({@link validateModel}).
 */
export function parseModelFile(text: string): ClvModel {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new ModelFileError(`the model file is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`, null);
  }
  return validateModel(content);
}

/**
 * A model's file text: JSON, 2-space indented, fields in the canonical order, a final newline.
 *
 * @throws ModelFileError when the model is not valid ({@link validateModel}): a file that cannot
 *   be read back is never written.
 */
export function formatModelFile(model: ClvModel): string {
  return `${JSON.stringify(validateModel(model), null, 2)}\n`;
}
