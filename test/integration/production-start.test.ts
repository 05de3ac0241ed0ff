/**
 * The production start as an operator runs it: `npm run build` (scripts/build.ts) into a folder
 * of its own, then the compiled entry under plain `node`, without tsx, against silos it is
 * configured for (the demo's simulators, started here, stand in for the real products).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSilos } from '../../demo/silos.js';
import { hashApiKey } from '../../src/access/credentials.js';
import { siloEnv } from '../support/silo-env.js';
import { generatePopulation } from '../../demo/population/generate.js';

/** The API key the compiled gateway is started with (its hash in AUTH_API_KEYS). */
const KEY = 'cgw_production-start-test-key';
const ROOT = new URL('../..', import.meta.url).pathname;
// Inside the project (tmp/ is ignored by git), so that the build finds node_modules as dist/ does.
mkdirSync(join(ROOT, 'tmp'), { recursive: true });
const OUT = mkdtempSync(join(ROOT, 'tmp', 'build-'));

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return { child, output: () => ({ stdout, stderr }) };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(OUT, join(entry.parentPath, entry.name)))
    .sort();
}

describe('npm run build, then npm run start:prod', () => {
  beforeAll(async () => {
    // The same script as `npm run build`, into OUT instead of dist/.
    const build = run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out', relative(ROOT, OUT)]);
    const [code] = await once(build.child, 'exit');
    expect(code, JSON.stringify(build.output())).toBe(0);
  }, 180_000);

  afterAll(() => rmSync(OUT, { recursive: true, force: true }));

  it('builds the production entry and the SDL, and no demo code: no simulator, population generator or demo stack', () => {
    const files = filesUnder(OUT);
    expect(files).toEqual(expect.arrayContaining(['src/main.js', 'src/server/server.js', 'connectors/crm/client.js', 'schema/customer.graphql', 'schema/sources.graphql']));
    expect(files.filter((file) => /simulator|population|(^|\/)demo\/|\.test\.js$/.test(file))).toEqual([]);
  });

  it('serves a customer from the configured silos with the compiled gateway under plain node', async () => {
    const demo = await startDemoSilos({ population: generatePopulation({ seed: 3, size: 40 }) });
    const apiKeys = JSON.stringify([{ name: 'prod-test', sha256: hashApiKey(KEY), scopes: ['profile:read', 'pii:read'] }]);
    const gateway = run(process.execPath, [join(OUT, 'src', 'main.js')], { ...siloEnv(demo), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', AUTH_API_KEYS: apiKeys });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${JSON.stringify(gateway.output())}`)), 20_000);
        gateway.child.stdout.on('data', () => {
          const found = /ready at (http:\/\/\S+\/graphql)/.exec(gateway.output().stdout)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      const query = JSON.stringify({ query: '{ customer(id: "crm:110") { sourceRecords { key } } }' });
      const anonymous = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
      expect(anonymous.status).toBe(401);
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: query });
      const body = (await res.json()) as { data: { customer: { sourceRecords: Array<{ key: string }> } } };
      expect(body.data.customer.sourceRecords.map((r) => r.key).sort()).toEqual([
        'analytics:0edf238332863ab5',
        'analytics:cf4ffd7ac9c3c768',
        'commerce:7010000365139',
        'crm:110',
        'loyalty:e3299693-fe77-4c2c-86cc-e6ed86ea7d30',
      ]);
    } finally {
      gateway.child.kill('SIGTERM');
      await once(gateway.child, 'exit');
      await demo.close();
    }
  });

  it('refuses to start with silos but no way in (no JWT key set, API key or anonymous scopes), saying what to set', async () => {
    const demo = await startDemoSilos({ population: generatePopulation({ seed: 3, size: 20 }) });
    try {
      const { child, output } = run(process.execPath, [join(OUT, 'src', 'main.js')], { ...siloEnv(demo), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', AUTH_API_KEYS: '' });
      const [code] = await once(child, 'exit');
      expect(code).toBe(2);
      expect(output().stderr).toContain('No way in: every request would get 401. Set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE (JWT bearer tokens), AUTH_API_KEYS');
      expect(output().stderr).not.toMatch(/^\s+at /m);
    } finally {
      await demo.close();
    }
  });

  it('refuses to start without the silo settings, pointing to the demo, with exit code 2 and no stack', async () => {
    const env = Object.fromEntries(Object.keys(process.env).filter((k) => /^(CRM|LOYALTY|COMMERCE|ANALYTICS)_/.test(k)).map((k) => [k, '']));
    const { child, output } = run(process.execPath, [join(OUT, 'src', 'main.js')], env);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    const { stderr } = output();
    expect(stderr).toContain('No silo is configured');
    expect(stderr).toContain('The demo, with simulated silos, is `npm start`.');
    expect(stderr).toContain('- Missing setting CRM_BASE_URL: Base URL of the CRM (HubSpot) API, e.g. `https://api.hubapi.com`.');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
