/**
 * `npm run bench:clv-fit`: how long the live lifetime-value fit takes on a large population, the
 * way a user runs it. One child process serves the four silo simulators (silos-child.ts, the
 * population generated there, seed 42); then the real CLI runs against them as another child,
 * `npm run clv -- fit --sample N --seed 1 --config FILE`, FILE naming the simulators as an
 * operator names their silos. Both run on the same machine, unpinned, as a user would run them.
 *
 * Printed: the setup (generating the population, starting the silos: not in the figure), then the
 * fit's wall time (from starting `npm run clv` to its exit, module loading included), the customers
 * read, the fitted parameters, the split the CLI reports (frame listing, sampling reads, fit
 * maths), the CPU time of the CLI and of the silos process, the machine's load average (other
 * work on the same cores slows the fit down), and the calls each silo answered.
 *
 * Options: --sample N (customers to draw, default 20,000), --population N (people generated,
 * default 25,000; the run stops when fewer than N of them have a loyalty or shop record).
 * See bench/README.md ("The live CLV fit").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CREDENTIALS } from '../demo/silos.js';
import { REPO_DIR, spawnChild, type Usage } from './rpc.js';
import type { SiloStats, SilosReady } from './shared.js';

const POPULATION_SEED = 42;
const SAMPLE_SEED = 1;

function log(message: string): void {
  process.stderr.write(`[bench:clv-fit ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function wholeNumber(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new Error(`--${name} must be a whole number of at least ${min}, got "${text.slice(0, 20)}"`);
  return Number(text);
}

/** The gateway's settings (the environment's names, as a `--config` file takes them) for the simulators. */
function configFor(silos: SilosReady['silos']): Record<string, string> {
  const c = DEMO_CREDENTIALS;
  return {
    CRM_BASE_URL: silos.crm.baseUrl,
    CRM_ACCESS_TOKEN: c.crmAccessToken,
    LOYALTY_BASE_URL: silos.loyalty.baseUrl,
    LOYALTY_USERNAME: c.loyaltyUsername,
    LOYALTY_PASSWORD: c.loyaltyPassword,
    COMMERCE_BASE_URL: silos.commerce.baseUrl,
    COMMERCE_ACCESS_TOKEN: c.commerceAccessToken,
    ANALYTICS_BASE_URL: silos.analytics.baseUrl,
    ANALYTICS_TOKEN_AUTH: c.analyticsTokenAuth,
    ...(silos.analytics.appSiteId === null ? {} : { ANALYTICS_APP_SITE_ID: String(silos.analytics.appSiteId) }),
    LOG_LEVEL: 'warn',
  };
}

/** Runs the CLI to its end; its output is collected, and echoed to this process's stderr. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }> {
  const started = performance.now();
  // Through npm, as the README says to run it: the script's node flags are part of what is measured.
  const child = spawn('npm', ['run', '--silent', 'clv', '--', ...args], {
    cwd: REPO_DIR,
    // The settings come from the file alone: silo settings in this shell's environment would win.
    env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(CRM|LOYALTY|COMMERCE|ANALYTICS)_/.test(key))),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - started }));
  });
}

function callsOf(before: SiloStats, after: SiloStats): Array<[string, number]> {
  const routes: Array<[string, number]> = [];
  for (const source of Object.keys(after) as Array<keyof SiloStats>) {
    for (const [route, count] of Object.entries(after[source].byRoute)) {
      const calls = count - (before[source].byRoute[route] ?? 0);
      if (calls > 0) routes.push([`${source} ${route}`, calls]);
    }
  }
  return routes.sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sample: { type: 'string' }, population: { type: 'string' } }, strict: true, allowPositionals: false });
  const sample = wholeNumber('sample', values.sample, 20_000, 10);
  const populationSize = wholeNumber('population', values.population, 25_000, 10);

  const setupStarted = performance.now();
  // As bench/run.ts starts its silos: a large young generation keeps request-lived objects out of
  // the old one, where collecting means marking every simulated record.
  const silos = spawnChild({ name: 'silos', script: 'silos-child.ts', nodeArgs: ['--expose-gc', '--max-old-space-size=8192', '--max-semi-space-size=64'] });
  const dir = mkdtempSync(join(tmpdir(), 'bench-clv-fit-'));
  try {
    const ready = await silos.call<SilosReady>('start', { size: populationSize, seed: POPULATION_SEED }, 600_000);
    const drawable = await silos.call<{ customers: number; loyaltyRecords: number; commerceRecords: number }>('purchaseCustomers');
    const setupMs = performance.now() - setupStarted;
    log(
      `setup (not in the figure): population of ${ready.populationSize} generated in ${ready.generateMs} ms, silos up after ${Math.round(setupMs)} ms; ` +
        `${drawable.customers} people with a loyalty or shop record (${drawable.loyaltyRecords} loyalty members, ${drawable.commerceRecords} shop customers)`,
    );
    if (drawable.customers < sample) throw new Error(`The population has ${drawable.customers} people with a loyalty or shop record, fewer than --sample ${sample}: give a larger --population.`);

    const config = join(dir, 'silos.json');
    writeFileSync(config, JSON.stringify(configFor(ready.silos), null, 2));
    const model = join(dir, 'model.json');
    const args = ['fit', '--sample', String(sample), '--seed', String(SAMPLE_SEED), '--config', config, '--out', model];

    const loadBefore = loadavg();
    const statsBefore = await silos.call<SiloStats>('stats');
    const usageBefore = await silos.call<Usage>('usage');
    log(`running: npm run clv -- ${args.join(' ').replaceAll(dir, '<tmp>')}`);
    const run = await runCli(args);
    const usageAfter = await silos.call<Usage>('usage');
    const statsAfter = await silos.call<SiloStats>('stats');
    if (run.code !== 0) throw new Error(`The fit exited with code ${run.code}.`);

    const sampled = /Sampled (\d+) customers live in (\d+) ms: (\d+) buyers fitted/.exec(run.stderr);
    const split = /Time: frame listing (\d+) ms, sampling reads (\d+) ms, fit maths (\d+) ms; this process's CPU (\d+) ms/.exec(run.stderr);
    const parameters = run.stdout.trim().split('\n');
    const written = JSON.parse(readFileSync(model, 'utf8')) as { sampleSize?: number };
    const calls = callsOf(statsBefore, statsAfter);
    const totalCalls = calls.reduce((sum, [, n]) => sum + n, 0);
    const silosCpuS = (usageAfter.cpuMicros - usageBefore.cpuMicros) / 1e6;
    const wallS = run.wallMs / 1000;

    const lines = [
      '',
      `Live CLV fit: --sample ${sample} --seed ${SAMPLE_SEED}, population ${ready.populationSize} (seed ${POPULATION_SEED})`,
      `  wall time           ${wallS.toFixed(1)} s   (target: under 60 s; from starting the CLI to its exit)`,
      `  customers read      ${sampled?.[1] ?? '?'} (${sampled?.[3] ?? '?'} buyers fitted; model sampleSize ${written.sampleSize ?? '?'})`,
      `  frame listing       ${split ? (Number(split[1]) / 1000).toFixed(1) : '?'} s`,
      `  sampling reads      ${split ? (Number(split[2]) / 1000).toFixed(1) : '?'} s`,
      `  fit maths           ${split ? (Number(split[3]) / 1000).toFixed(1) : '?'} s`,
      `  the rest            ${split ? (wallS - (Number(split[1]) + Number(split[2]) + Number(split[3])) / 1000).toFixed(1) : '?'} s (loading modules, connecting, writing the model)`,
      `  CLI's CPU           ${split ? (Number(split[4]) / 1000).toFixed(1) : '?'} s (user and system, module loading included)`,
      `  silos' CPU          ${silosCpuS.toFixed(1)} s (${Math.round((100 * silosCpuS) / wallS)}% of a core over the fit)`,
      `  machine             ${availableParallelism()} cores; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before the fit, ${loadavg().map((l) => l.toFixed(2)).join(' ')} after (other processes than these two share the cores)`,
      `  silo calls          ${totalCalls} (${(totalCalls / Math.max(1, Number(sampled?.[1] ?? 1))).toFixed(2)} per customer read)`,
      ...calls.map(([route, n]) => `    ${route.padEnd(40)} ${n}`),
      '  parameters',
      ...parameters.map((line) => `    ${line}`),
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    await silos.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
