/**
 * `npm run clv` end to end: the real command (tsx, as `npm run clv` starts it) on the CDNOW files
 * (test/fixtures/cdnow), asserting FHL 2005's and note 025's published figures to 3 significant
 * digits, the log-likelihood -9582.4, note 004's 1.226 expected purchases for ID 1, the model file
 * it writes, and what it says about bad input.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatModelFile, parseModelFile } from '../src/insights/clv/model-file.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WITH_SPEND = 'test/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv';
const WITHOUT_SPEND = 'test/fixtures/cdnow/cdnow_customers_summary.csv';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function clv(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/clv.ts', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** The `name value` lines of fit's output. */
function figures(stdout: string): Map<string, string> {
  return new Map(stdout.trim().split('\n').map((line) => line.split(' ') as [string, string]));
}

let dir: string;
let fitRun: Run;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clv-cli-'));
  model = join(dir, 'model.json');
  fitRun = await clv('fit', '--csv', WITH_SPEND, '--time-unit', 'weeks', '--currency', 'USD', '--out', model);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run clv -- fit on CDNOW', () => {
  it('exits 0 and prints r, alpha, a, b, p, q, gamma, then the log-likelihoods, one per line', () => {
    expect(fitRun.code).toBe(0);
    expect([...figures(fitRun.stdout).keys()]).toEqual(['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma', 'log_likelihood', 'gamma_gamma_log_likelihood']);
  });

  it.each([
    ['r', '0.243'],
    ['alpha', '4.41'],
    ['a', '0.793'],
    ['b', '2.43'],
    ['p', '6.25'],
    ['q', '3.74'],
    ['gamma', '15.4'],
  ])('prints %s equal to the published %s to 3 significant digits', (name, published) => {
    expect(Number(figures(fitRun.stdout).get(name)).toPrecision(3)).toBe(published);
  });

  it('prints the BG/NBD log-likelihood -9582.4', () => {
    expect(figures(fitRun.stdout).get('log_likelihood')).toBe('-9582.4');
  });

  it('writes a model file that reads back to the printed figures and formats to the same text', () => {
    const text = readFileSync(model, 'utf8');
    const read = parseModelFile(text);
    expect(formatModelFile(read)).toBe(text);
    expect(read).toMatchObject({ timeUnit: 'weeks', sampleSize: 2357, source: 'csv', currency: 'USD', rfm: null });
    expect(read.gammaGamma?.sampleSize).toBe(946);
    expect(String(Number(read.bgnbd.r.toPrecision(6)))).toBe(figures(fitRun.stdout).get('r'));
    expect(String(Number(read.gammaGamma!.gamma.toPrecision(6)))).toBe(figures(fitRun.stdout).get('gamma'));
  });

  it('prints r, alpha, a, b and the log-likelihood only for a file without spend', async () => {
    const run = await clv('fit', '--csv', WITHOUT_SPEND, '--time-unit', 'weeks');
    expect(run.code).toBe(0);
    expect([...figures(run.stdout).keys()]).toEqual(['r', 'alpha', 'a', 'b', 'log_likelihood']);
    expect(figures(run.stdout).get('log_likelihood')).toBe('-9582.4');
  });
});

describe('npm run clv -- score on CDNOW', () => {
  it('writes the CSV header and one line per customer, ID 1 expecting 1.226 purchases in 39 weeks', async () => {
    const run = await clv('score', '--model', model, '--csv', WITH_SPEND, '--horizon', '39');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('ID,expected_purchases,p_alive,p_no_purchase,expected_average_spend');
    expect(lines).toHaveLength(2358);
    const [id, expected, alive, none, spend] = lines[1]!.split(',');
    expect(id).toBe('1');
    expect(Number(expected).toFixed(3)).toBe('1.226');
    expect(Number(alive).toFixed(3)).toBe('0.727');
    expect(Number(none).toFixed(3)).toBe('0.445');
    expect(Number(spend).toFixed(2)).toBe('24.66');
  });
});

describe('npm run clv: bad input', () => {
  it('asks for the currency of a file with spend, exit code 2', async () => {
    const run = await clv('fit', '--csv', WITH_SPEND, '--time-unit', 'weeks');
    expect([run.code, run.stderr]).toEqual([2, `clv: ${WITH_SPEND} has spend (zbar or monetary_value): give its currency with --currency CODE, such as USD\n`]);
  });

  it('stops on a bad row, naming its row and line and what is accepted, exit code 1, no stack trace', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'ID,x,t_x,T\n1,2,30.43,38.86\n2,1,40,38.86\n');
    const run = await clv('fit', '--csv', csv, '--time-unit', 'weeks');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`clv: ${csv}: row 2 (line 3): t_x/recency (time of the last repeat purchase) must be between 0 and T\n`);
    expect(run.stdout).toBe('');
  });

  it('asks for --csv FILE or --sample N when fit has no source, exit code 2', async () => {
    const run = await clv('fit', '--time-unit', 'weeks');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('clv: fit needs one of --csv FILE (a customer summary CSV) or --sample N (customers read live from the configured silos); see --help\n');
  });

  it('refuses a model file of another version, naming the file, exit code 1', async () => {
    const old = join(dir, 'v2.json');
    writeFileSync(old, readFileSync(model, 'utf8').replace('"version": 1', '"version": 2'));
    const run = await clv('score', '--model', old, '--csv', WITH_SPEND, '--horizon', '39');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`clv: ${old}: the model file has version 2; this gateway reads version 1 only: fit a new model with \`npm run clv -- fit\`\n`);
  });

  it('refuses a horizon past ten years in the model\'s time unit, exit code 2', async () => {
    const run = await clv('score', '--model', model, '--csv', WITH_SPEND, '--horizon', '1e9');
    expect([run.code, run.stderr]).toEqual([2, 'clv: --horizon is at most 521.4 weeks (ten years) for this model, got 1e9\n']);
  });

  it('refuses a horizon that is not a number, exit code 2', async () => {
    const run = await clv('score', '--model', model, '--csv', WITH_SPEND, '--horizon', 'soon');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("clv: score needs --horizon T, a number >= 0 in the model's time unit (39 for 39 weeks)\n");
  });

  it('prints the usage with --help, exit code 0', async () => {
    const run = await clv('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage:\n {2}npm run clv -- fit --csv FILE --time-unit days\|weeks/);
  });
});
