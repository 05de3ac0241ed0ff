/**
 * `npm run clv -- fit --sample N`: the lifetime-value model fitted on a live sample of the
 * population, read from real silos (the simulators, started here) through the gateway's
 * connectors and identity resolution, configured as an operator configures the gateway. What it
 * writes holds population figures only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSilos, type DemoSilos } from '../../demo/silos.js';
import { siloEnv } from '../support/silo-env.js';
import { generatePopulation } from '../../demo/population/generate.js';
import { parseModelFile } from '../../src/insights/clv/model-file.js';
import { Random } from '../../demo/population/random.js';
import { sampleClvPopulation } from '../../src/server/clv-sample.js';
import { parseConfig } from '../../src/server/config.js';
import { createGatewayCore } from '../../src/server/server.js';
import { closeSiloConnectors, createSiloConnectors } from '../../src/server/silos.js';
import { createLogger } from '../../src/shared/logger.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function clv(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/clv.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run clv -- fit --sample N', () => {
  let demo: DemoSilos;
  let dir: string;
  let env: Record<string, string>;
  const population = generatePopulation({ seed: 5, size: 400, now: new Date('2026-11-01T00:00:00Z') });

  beforeAll(async () => {
    demo = await startDemoSilos({ population });
    dir = mkdtempSync(join(tmpdir(), 'clv-live-'));
    env = { ...siloEnv(demo), LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await demo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fits BG/NBD, Gamma-Gamma and the RFM breakpoints on customers drawn live, and writes figures only', async () => {
    const out = join(dir, 'model.json');
    const { code, stdout, stderr } = await clv(['fit', '--sample', '150', '--seed', '3', '--out', out], env);
    expect(stderr).toMatch(/^Sampled 150 customers live in \d+ ms: \d+ buyers fitted/);
    expect(code).toBe(0);
    expect(stdout.split('\n').map((line) => line.split(' ')[0])).toEqual(['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma', 'log_likelihood', 'gamma_gamma_log_likelihood', '']);
    const text = readFileSync(out, 'utf8');
    const model = parseModelFile(text);
    expect([model.source, model.timeUnit, model.currency, model.rfm?.windowDays, model.rfm?.currency]).toEqual(['live', 'days', 'EUR', 365, 'EUR']);
    expect(model.sampleSize).toBeGreaterThan(50);
    expect(model.sampleSize).toBeLessThanOrEqual(150);
    // No personal data: no address, name or id of anyone in the population.
    expect(text).not.toMatch(/@/);
    const names = population.loyalty.members.slice(0, 50).flatMap((m) => [m.lastName, m.customerId]).filter((v): v is string => !!v);
    for (const name of names) expect(text).not.toContain(name);
  });

  it('keeps the customers in the order they were drawn: one batch at a time or four at once, a seed gives the same sample', async () => {
    const parsed = parseConfig({ env: { ...siloEnv(demo), LOG_LEVEL: 'warn' } });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const sampleWith = async (concurrency: number) => {
      // Fresh connectors and identity cache each time: the second sample reads everything again.
      const connectors = createSiloConnectors(parsed.config.silos, {}, parsed.config.timeZones);
      try {
        const { services } = await createGatewayCore({ settings: parsed.config, connectors, logger: createLogger('warn', () => undefined) });
        const random = new Random(11).fork('clv sample');
        return await sampleClvPopulation(services, { size: 120, rfmWindowDays: 365, concurrency, random: (max) => random.int(0, max - 1) });
      } finally {
        await closeSiloConnectors(connectors);
      }
    };
    const one = await sampleWith(1);
    const four = await sampleWith(4);
    expect([one.customers, one.skippedForFailures, four.customers, four.skippedForFailures]).toEqual([120, 0, 120, 0]);
    expect(one.rows.length).toBeGreaterThan(60);
    expect(four.rows).toEqual(one.rows);
  });

  it('says what is wrong with the command line, and what the live fit needs', async () => {
    const both = await clv(['fit', '--sample', '100', '--csv', 'x.csv'], env);
    expect([both.code, both.stderr.trim()]).toEqual([2, 'clv: fit needs one of --csv FILE (a customer summary CSV) or --sample N (customers read live from the configured silos); see --help']);
    const small = await clv(['fit', '--sample', '5'], env);
    expect([small.code, small.stderr.trim()]).toEqual([2, 'clv: --sample must be a whole number of customers from 10 to 1000000, got "5"']);
    const unconfigured = await clv(['fit', '--sample', '100'], { ...Object.fromEntries(Object.keys(env).map((k) => [k, ''])) });
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('fit --sample reads the silos as the gateway does');
    expect(unconfigured.stderr).toContain('Missing setting CRM_BASE_URL');
  });
});
