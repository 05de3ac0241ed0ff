import { describe, expect, it } from 'vitest';
import { ModelFileError, formatModelFile, parseModelFile, validateModel, type ClvModel } from './model-file.js';

const MODEL: ClvModel = {
  format: 'customer-gateway/clv-model',
  version: 1,
  fittedAt: '2026-11-30T09:00:00.000Z',
  timeUnit: 'weeks',
  sampleSize: 2357,
  source: 'csv',
  bgnbd: { r: 0.2426, alpha: 4.414, a: 0.7929, b: 2.426, logLikelihood: -9582.43 },
  gammaGamma: { p: 6.249, q: 3.745, gamma: 15.45, logLikelihood: -4055.92, sampleSize: 946 },
  currency: 'USD',
  rfm: { recencyDays: [10, 30, 60, 120], frequency: [1, 1, 2, 4], monetary: [20, 45.5, 80, 150], windowDays: 365, currency: 'USD' },
};

/** The model with one field replaced (a dotted path), as parsed JSON would have it. */
function withField(path: string, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(MODEL)) as Record<string, Record<string, unknown>>;
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) (copy as Record<string, unknown>)[head] = value;
  else copy[head]![tail] = value;
  return copy;
}

function errorOf(action: () => unknown): ModelFileError {
  try {
    action();
  } catch (error) {
    if (error instanceof ModelFileError) return error;
    throw error;
  }
  throw new Error('expected a ModelFileError');
}

describe('the model file', () => {
  it('round-trips: formatted, then parsed, gives the same model', () => {
    expect(parseModelFile(formatModelFile(MODEL))).toEqual(MODEL);
  });

  it('writes indented JSON in the canonical field order with a final newline', () => {
    const text = formatModelFile({ ...MODEL, gammaGamma: null, rfm: null, currency: null });
    expect(text).toBe(
      '{\n  "format": "customer-gateway/clv-model",\n  "version": 1,\n  "fittedAt": "2026-11-30T09:00:00.000Z",\n  "timeUnit": "weeks",\n' +
        '  "sampleSize": 2357,\n  "source": "csv",\n  "bgnbd": {\n    "r": 0.2426,\n    "alpha": 4.414,\n    "a": 0.7929,\n    "b": 2.426,\n' +
        '    "logLikelihood": -9582.43\n  },\n  "gammaGamma": null,\n  "currency": null,\n  "rfm": null\n}\n',
    );
  });

  it('refuses a file that is not JSON, saying where parsing stopped but not what it read', () => {
    const error = errorOf(() => parseModelFile('{"format": "customer-gateway/clv-model", anna@example.com'));
    expect(error.message).toMatch(/^the model file is not valid JSON( \(at character \d+\))?$/);
    expect(error.message).not.toContain('anna');
    expect(error.field).toBeNull();
  });

  it('refuses another format', () => {
    const error = errorOf(() => validateModel(withField('format', 'lifetimes')));
    expect(error.message).toBe('this is not a lifetime-value model file: "format" must be "customer-gateway/clv-model"');
    expect(error.field).toBe('format');
  });

  it('refuses another version, saying which it reads and how to get one', () => {
    expect(errorOf(() => validateModel(withField('version', 2))).message).toBe(
      'the model file has version 2; this gateway reads version 1 only: fit a new model with `npm run clv -- fit`',
    );
  });

  it.each([
    ['fittedAt', '2026-11-30', 'fittedAt must be an ISO 8601 date and time in UTC, like 2026-11-30T09:00:00.000Z'],
    ['fittedAt', '2026-02-30T09:00:00Z', 'fittedAt must be an ISO 8601 date and time in UTC, like 2026-11-30T09:00:00.000Z'],
    ['timeUnit', 'months', 'timeUnit must be one of days, weeks'],
    ['sampleSize', 0, 'sampleSize must be a whole number >= 1'],
    ['source', '/home/anna/customers.csv', 'source must be a lower-case word of at most 32 letters, digits or hyphens, such as csv or live'],
    ['bgnbd.r', -1, 'bgnbd.r must be a finite number above 0'],
    ['bgnbd.alpha', '4.4', 'bgnbd.alpha must be a finite number above 0'],
    ['bgnbd.logLikelihood', null, 'bgnbd.logLikelihood must be a finite number'],
    ['bgnbd.email', 'anna@example.com', 'bgnbd has an unknown field "email": a model file holds only r, alpha, a, b, logLikelihood'],
    ['bgnbd', [1, 2], 'bgnbd must be an object with r, alpha, a, b, logLikelihood'],
    ['gammaGamma.q', 0.9, 'gammaGamma.q must be above 1 (the mean spend is finite only then)'],
    ['gammaGamma.sampleSize', 3000, 'gammaGamma.sampleSize must be at most sampleSize (it counts the repeat buyers of the same sample)'],
    ['currency', 'usd', 'currency must be an ISO 4217 code in upper case (USD, EUR) or null'],
    ['rfm.frequency', [1, 2, 3], 'rfm.frequency must be 4 finite numbers >= 0 (the 20th, 40th, 60th and 80th percentiles)'],
    ['rfm.monetary', [20, 10, 30, 40], 'rfm.monetary must be in ascending order'],
    ['rfm.windowDays', 0, 'rfm.windowDays must be a finite number above 0'],
    ['rfm.currency', 'EUR', "rfm.currency must be the model's currency"],
    ['customers', [{ email: 'anna@example.com' }], 'the model has an unknown field "customers": a model file holds only format, version, fittedAt, timeUnit, sampleSize, source, bgnbd, gammaGamma, currency, rfm'],
  ])('refuses %s = %j: %s', (field, value, message) => {
    const error = errorOf(() => validateModel(withField(field, value)));
    expect(error.message).toBe(message);
    expect(error.field).toBe(field);
    expect(error.message).not.toContain('anna');
  });

  it('refuses a model without one of its fields, naming it', () => {
    const { currency: _currency, ...rest } = MODEL;
    const error = errorOf(() => validateModel(rest));
    expect(error.message).toBe('the model has no "currency" field');
    expect(error.field).toBe('currency');
  });

  it('has a stable code and name for the gateway to report', () => {
    const error = errorOf(() => validateModel([]));
    expect(error.code).toBe('CLV_MODEL_FILE_INVALID');
    expect(error.name).toBe('ModelFileError');
    expect(error.message).toBe('a model file must hold a JSON object');
  });

  it('refuses to write a model that could not be read back', () => {
    expect(() => formatModelFile({ ...MODEL, sampleSize: -3 })).toThrow(new ModelFileError('sampleSize must be a whole number >= 1', 'sampleSize'));
  });
});
