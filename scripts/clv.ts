/**
 * `npm run clv -- <command>`: fit a lifetime-value model (BG/NBD and Gamma-Gamma) and score
 * customers with it, so that analysts can check the model as they would with lifetimes or BTYD.
 * The maths is in src/insights/clv/ (pure); this file reads and writes files and the terminal.
 *
 *   fit   --csv FILE --time-unit days|weeks [--currency CODE] [--out MODEL]
 *   fit   --sample N [--config FILE] [--time-unit days|weeks] [--out MODEL]
 *         The same fit on a uniform random sample of the live population (src/server/clv-sample.ts),
 *         with the RFM breakpoints of the sample; the silos are configured as for the gateway.
 *         Fits on a customer summary CSV and prints the parameters, one `name value` per line
 *         (r, alpha, a, b, then p, q, gamma when the file has spend), then the log-likelihoods;
 *         writes the model file to MODEL when given.
 *   score --model MODEL --csv FILE --horizon T
 *         Writes CSV to stdout: ID,expected_purchases,p_alive,p_no_purchase,expected_average_spend,
 *         over the next T (in the model's time unit; the file's times must be in it too).
 *
 * Exit codes: 0 done, 2 usage error (a missing or unknown option), 1 data error (a file that
 * cannot be read, a bad CSV row, an invalid model, a fit that fails). Errors are one line on
 * stderr, never a stack trace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fitClvModel, type ClvFitOptions } from '../src/insights/clv/fit.js';
import { formatModelFile, ModelFileError, parseModelFile, type ClvModel } from '../src/insights/clv/model-file.js';
import { scoreCustomer } from '../src/insights/clv/score.js';
import { Random } from '../demo/population/random.js';
import { fitLiveClvModel } from '../src/server/clv-sample.js';
import { parseConfig } from '../src/server/config.js';
import { createGatewayCore } from '../src/server/server.js';
import { closeSiloConnectors, createSiloConnectors } from '../src/server/silos.js';
import { SourceError } from '../src/shared/errors.js';
import { createLogger } from '../src/shared/logger.js';
import { parseSummaryCsv, SummaryCsvError, type SummaryCsv } from '../src/insights/clv/summary-csv.js';
import { DAYS_PER_UNIT, isTimeUnit, TIME_UNITS } from '../src/insights/clv/time-unit.js';
import { INSIGHT_ARG_RANGES } from '../src/insights/args.js';

const HELP = `Usage:
  npm run clv -- fit --csv FILE --time-unit days|weeks [--currency CODE] [--out MODEL]
  npm run clv -- fit --sample N [--seed S] [--config FILE] [--time-unit days|weeks] [--out MODEL]
  npm run clv -- score --model MODEL --csv FILE --horizon T
  npm run clv -- --help

fit     Fits BG/NBD (and Gamma-Gamma when the file has spend) by maximum likelihood on a
        customer summary CSV; prints r, alpha, a, b (p, q, gamma), one "name value" per line,
        then log_likelihood (and gamma_gamma_log_likelihood); writes the model file to MODEL.
          --csv FILE         the summary CSV (columns below)
          --sample N         or: N customers drawn at random from the configured silos (the
                             gateway's settings, environment or --config FILE), resolved and
                             read live; only figures leave the silos. Days unless --time-unit.
          --seed S           with --sample: draw the same sample every time (same silos)
          --time-unit UNIT   the unit of the file's t_x and T: days or weeks
          --currency CODE    the spend's ISO 4217 currency (USD), written to the model;
                             required when the file has spend
          --out MODEL        where to write the model file (JSON)
score   Scores every row of a summary CSV with a model file; writes CSV to stdout:
        ID,expected_purchases,p_alive,p_no_purchase,expected_average_spend
          --model MODEL      a model file written by fit
          --csv FILE         the summary CSV, its times in the model's time unit
          --horizon T        the horizon of expected_purchases and p_no_purchase, in the
                             model's time unit (39 = 39 weeks for a model in weeks), at
                             most ten years

The summary CSV has a header; columns in any order: ID, x or frequency (repeat purchases),
t_x or recency (time of the last repeat purchase since the first purchase), T (time since
the first purchase), and optionally zbar or monetary_value (mean value of the repeat purchases).

Exit codes: 0 done, 2 usage error, 1 data error (unreadable file, bad row, invalid model).
`;

/** A mistake in the command line: exit code 2. */
class UsageError extends Error {}
/** A file or its data cannot be used: exit code 1. */
class DataError extends Error {}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`cannot read the ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
  }
}

/** The longest horizon `score` takes, in days: the gateway's `expectedPurchases(days:)` range. */
const MAX_HORIZON_DAYS = INSIGHT_ARG_RANGES.days.max;

function readSummary(path: string): SummaryCsv {
  const text = readText(path, 'CSV file');
  try {
    return parseSummaryCsv(text);
  } catch (error) {
    if (error instanceof SummaryCsvError) throw new DataError(`${path}: ${error.message}`);
    throw error;
  }
}

/** CPU time (user and system) of this process since it started, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A number with 6 significant digits, without trailing zeros (1.22603, 0.5, 2.1e-7). */
function figure(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The sources of a fit's rows: a customer summary CSV (`--csv`), or a live sample of the
 * population through the gateway's connectors and identity resolution (`--sample N`, the silos
 * configured as for the gateway: environment or `--config FILE`). The fit itself
 * ({@link fitClvModel}) does not know where the rows came from.
 */
function fitFromCsv(path: string, timeUnit: ClvFitOptions['timeUnit'], currency: string | null): { model: ClvModel; hasSpend: boolean } {
  const summary = readSummary(path);
  // Spend without a currency would be valued as any shop's money (README, "Lifetime value").
  if (summary.hasSpend && currency === null) throw new UsageError(`${path} has spend (zbar or monetary_value): give its currency with --currency CODE, such as USD`);
  try {
    return { model: fitClvModel(summary.rows, { timeUnit, source: 'csv', currency, rfm: null, fittedAt: new Date() }), hasSpend: summary.hasSpend };
  } catch (error) {
    if (error instanceof RangeError || error instanceof ModelFileError) throw new DataError(`the fit failed: ${error.message}`);
    throw error;
  }
}

async function fitFromSample(size: number, timeUnit: ClvFitOptions['timeUnit'], configFile: string | undefined, seed: number | undefined): Promise<{ model: ClvModel; hasSpend: boolean }> {
  let file: unknown;
  if (configFile !== undefined) {
    try {
      file = JSON.parse(readText(configFile, 'config file'));
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError(`the config file ${configFile} is not valid JSON`);
    }
  }
  const config = parseConfig({ env: process.env, file });
  if (!config.ok) throw new UsageError(`fit --sample reads the silos as the gateway does (README, "Configuration"):\n- ${config.errors.join('\n- ')}`);
  const connectors = createSiloConnectors(config.config.silos, {}, config.config.timeZones);
  const started = performance.now();
  try {
    const { services } = await createGatewayCore({ settings: config.config, connectors, logger: createLogger('warn', (line) => process.stderr.write(`${line}\n`)) });
    const drawn = seed === undefined ? undefined : new Random(seed).fork('clv sample');
    const { model, sample, fitMs } = await fitLiveClvModel(services, {
      size,
      rfmWindowDays: config.config.insights.rfmWindowDays,
      timeUnit,
      ...(drawn ? { random: (max: number) => drawn.int(0, max - 1) } : {}),
    });
    process.stderr.write(
      `Sampled ${sample.customers} customers live in ${Math.round(performance.now() - started)} ms: ${sample.rows.length} buyers fitted` +
        (sample.skippedForFailures + sample.skippedForCurrency > 0 ? `, ${sample.skippedForFailures} left out for a silo failure, ${sample.skippedForCurrency} for another currency` : '') +
        '.\n' +
        `Time: frame listing ${Math.round(sample.timings.frameMs)} ms, sampling reads ${Math.round(sample.timings.readMs)} ms, fit maths ${Math.round(fitMs)} ms; ` +
        `this process's CPU ${Math.round(cpuMs())} ms.\n`,
    );
    return { model, hasSpend: model.gammaGamma !== null };
  } catch (error) {
    if (error instanceof SourceError) throw new DataError(`the ${error.source} silo failed while sampling (${error.code}); try again when it answers`);
    if (error instanceof RangeError || error instanceof ModelFileError) throw new DataError(`the fit failed: ${error.message}`);
    throw error;
  } finally {
    await closeSiloConnectors(connectors);
  }
}

async function fit(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      csv: { type: 'string' },
      sample: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      'time-unit': { type: 'string' },
      currency: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if ((values.csv === undefined) === (values.sample === undefined)) {
    throw new UsageError('fit needs one of --csv FILE (a customer summary CSV) or --sample N (customers read live from the configured silos); see --help');
  }
  const unit = values['time-unit'] ?? (values.sample !== undefined ? 'days' : undefined);
  if (unit === undefined || !isTimeUnit(unit)) throw new UsageError(`fit needs --time-unit, one of ${TIME_UNITS.join(', ')}: the unit of the file's t_x and T`);
  const currency = values.currency ?? null;
  if (currency !== null && !/^[A-Z]{3}$/.test(currency)) throw new UsageError('--currency must be an ISO 4217 code in upper case, such as USD or EUR');

  let fitted: { model: ClvModel; hasSpend: boolean };
  if (values.sample !== undefined) {
    const size = Number(values.sample);
    if (!/^\d+$/.test(values.sample) || size < 10 || size > 1_000_000) throw new UsageError(`--sample must be a whole number of customers from 10 to 1000000, got "${values.sample.slice(0, 20)}"`);
    if (currency !== null) throw new UsageError("--currency is for --csv: a live sample's currency is the shop's");
    if (values.seed !== undefined && !/^\d{1,9}$/.test(values.seed)) throw new UsageError(`--seed must be a whole number from 0 to 999999999, got "${values.seed.slice(0, 20)}"`);
    fitted = await fitFromSample(size, unit, values.config, values.seed === undefined ? undefined : Number(values.seed));
  } else {
    fitted = fitFromCsv(values.csv!, unit, currency);
  }
  const { model, hasSpend } = fitted;

  const lines = [`r ${figure(model.bgnbd.r)}`, `alpha ${figure(model.bgnbd.alpha)}`, `a ${figure(model.bgnbd.a)}`, `b ${figure(model.bgnbd.b)}`];
  if (model.gammaGamma !== null) lines.push(`p ${figure(model.gammaGamma.p)}`, `q ${figure(model.gammaGamma.q)}`, `gamma ${figure(model.gammaGamma.gamma)}`);
  lines.push(`log_likelihood ${model.bgnbd.logLikelihood.toFixed(1)}`);
  if (model.gammaGamma !== null) lines.push(`gamma_gamma_log_likelihood ${model.gammaGamma.logLikelihood.toFixed(1)}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  if (values.out !== undefined) {
    try {
      writeFileSync(values.out, formatModelFile(model));
    } catch (error) {
      throw new DataError(`cannot write the model file ${values.out}: ${(error as NodeJS.ErrnoException).code ?? 'unwritable'}`);
    }
    const spend = hasSpend ? `, Gamma-Gamma on ${model.gammaGamma?.sampleSize ?? 0} repeat buyers` : ', no spend column: no Gamma-Gamma';
    process.stderr.write(`Wrote ${values.out}: BG/NBD on ${model.sampleSize} customers${spend}, time unit ${model.timeUnit}.\n`);
  }
}

function score(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: { model: { type: 'string' }, csv: { type: 'string' }, horizon: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.model === undefined) throw new UsageError('score needs --model MODEL (a model file written by fit); see --help');
  if (values.csv === undefined) throw new UsageError('score needs --csv FILE (a customer summary CSV); see --help');
  const horizon = values.horizon === undefined ? Number.NaN : Number(values.horizon);
  if (values.horizon === undefined || values.horizon.trim() === '' || !(horizon >= 0 && horizon < Infinity)) {
    throw new UsageError("score needs --horizon T, a number >= 0 in the model's time unit (39 for 39 weeks)");
  }

  let model: ClvModel;
  try {
    model = parseModelFile(readText(values.model, 'model file'));
  } catch (error) {
    if (error instanceof ModelFileError) throw new DataError(`${values.model}: ${error.message}`);
    throw error;
  }
  // Ten years, as the gateway's `expectedPurchases(days:)` allows: past it the expectation's
  // series converges too slowly to be worth waiting for, and no retailer plans that far.
  const longest = MAX_HORIZON_DAYS / DAYS_PER_UNIT[model.timeUnit];
  if (horizon > longest) throw new UsageError(`--horizon is at most ${Number(longest.toPrecision(4))} ${model.timeUnit} (ten years) for this model, got ${values.horizon}`);
  const { rows } = readSummary(values.csv);
  const out: string[] = ['ID,expected_purchases,p_alive,p_no_purchase,expected_average_spend'];
  rows.forEach((row, index) => {
    let line: string;
    try {
      const s = scoreCustomer(model, row.x, row.tx, row.T, row.zbar, horizon);
      line = `${csvField(row.id)},${figure(s.expectedPurchases)},${figure(s.pAlive)},${figure(s.pNoPurchase)},${s.expectedAverageSpend === null ? '' : figure(s.expectedAverageSpend)}`;
    } catch (error) {
      if (error instanceof RangeError) throw new DataError(`${values.csv}: row ${index + 1}: ${error.message}`);
      throw error;
    }
    out.push(line);
  });
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? process.stderr : process.stdout).write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    if (command === 'fit') await fit(rest);
    else if (command === 'score') score(rest);
    else throw new UsageError(`unknown command "${command}": the commands are fit and score; see --help`);
    return 0;
  } catch (error) {
    if (error instanceof DataError) {
      process.stderr.write(`clv: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`clv: ${(error as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`clv: unexpected error: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

// A reader that stops early (`npm run clv -- score ... | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
