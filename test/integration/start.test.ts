/**
 * `npm start` as a user runs it: a real process, its output, its exit codes.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startDemoSilos, type DemoSilos } from '../../demo/silos.js';
import type { Population } from '../../connectors/population.js';
import { generatePopulation } from '../../demo/population/generate.js';
import { npmStart as start } from '../support/npm-start.js';
import { PopulationEdit } from '../support/population-edit.js';
import { hashApiKey } from '../../src/access/credentials.js';

/** The demo's API key, as its banner prints it. */
function printedKey(stdout: string): string | undefined {
  return /API key of this start[^\n]*\n\s+(cgw_[\w-]+)/.exec(stdout)?.[1];
}

/** The URL of the "ready at" line, once printed; rejects after 25 s or if the process exits. */
function readyUrl(child: ChildProcess, output: () => { stdout: string; stderr: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${JSON.stringify(output())}`)), 25_000);
    const check = (): void => {
      const url = /ready at (http:\/\/\S+\/graphql)/.exec(output().stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve(url);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the ready line: ${JSON.stringify(output())}`));
    });
    check();
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function post(url: string, query: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  expect(res.status).toBe(200);
  return res.json();
}

/** A small population holding one person the generator never makes, so an answer shows which population is served. */
function populationWithAnnaig(): Population {
  const edit = new PopulationEdit(generatePopulation({ seed: 5, size: 20, now: new Date('2026-11-01T00:00:00Z') }));
  edit.person([
    edit.contact({ email: 'annaig.le.goff@example.org', firstname: 'Annaïg', lastname: 'Le Goff' }, { id: '50001' }),
    edit.shopCustomer({ id: 550001, email: 'annaig.le.goff@example.org', first_name: 'Annaïg', last_name: 'Le Goff' }),
  ]);
  return edit.population;
}

const ANNAIG = `{ customer(id: "email:annaig.le.goff@example.org") { sourceRecords { key } crm { firstName } } }`;
const ANNAIG_ANSWER = { data: { customer: { sourceRecords: [{ key: 'crm:50001' }, { key: 'commerce:550001' }], crm: [{ firstName: 'Annaïg' }] } } };

describe('npm start', () => {
  it('starts the demo silos and the gateway, prints the URL, an API key with every scope and a query that works with it', async () => {
    const { child, output } = start(['--size', '150', '--seed', '3']);
    try {
      const [url, example, key] = await new Promise<[string, string, string]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL, key and example printed: ${JSON.stringify(output())}`)), 25_000);
        child.stdout.on('data', () => {
          const { stdout } = output();
          const url = /ready at (http:\/\/\S+\/graphql)/.exec(stdout)?.[1];
          const example = /customer\(id: \\"([^\\]+)\\"\)/.exec(stdout)?.[1];
          const key = printedKey(stdout);
          if (url && example && key) {
            clearTimeout(timer);
            resolve([url, example, key]);
          }
        });
      });
      expect(example).toMatch(/^crm:\d+$/);
      // The curl example carries the key.
      expect(output().stdout).toContain(`-H 'authorization: Bearer ${key}'`);
      const query = JSON.stringify({ query: `{ customer(id: "${example}") { id crm { id } loyalty { id } commerce { id } analytics { id } } }` });
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: query });
      const body = (await res.json()) as { data: { customer: Record<string, unknown[]> } };
      // The example is a person known to every silo, so every section answers.
      for (const section of ['crm', 'loyalty', 'commerce', 'analytics']) expect(body.data.customer[section]!.length, section).toBeGreaterThan(0);
      // Every scope, admin included.
      const evict = await post(url, 'mutation { evictCustomer(id: "crm:1") { evictedIdentifiers } }', { authorization: `Bearer ${key}` });
      expect(evict.errors).toBeUndefined();
      // Without it, 401, as in production.
      const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
      expect(refused.status).toBe(401);
      // Sandbox's page sends it, and the embedded Sandbox's origin may call.
      const page = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain(`"authorization":"Bearer ${key}"`);
      // Not to a page reaching it by another name (DNS rebinding): that Host gets 403 without the key.
      const rebound = await getWithHost(url, 'attacker.example:80');
      expect(rebound.status).toBe(403);
      expect(rebound.text).not.toContain(key);
      expect(JSON.parse(rebound.text).errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
      expect((await getWithHost(url, `[::1]:${new URL(url).port}`)).status).toBe(200);
      const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://sandbox.embed.apollographql.com', 'access-control-request-method': 'POST' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://sandbox.embed.apollographql.com');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('stops on SIGTERM with exit code 0 after closing everything, logging the stop, also under NODE_ENV=production', async () => {
    // Under NODE_ENV=test (vitest's) Apollo leaves signals alone; elsewhere it used to stop itself and
    // re-raise the signal, killing the process (exit 143) before the gateway's own stop had run.
    const { child, output } = start(['--size', '30'], { NODE_ENV: 'production', LOG_LEVEL: 'info' });
    await readyUrl(child, output);
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const messages = output().stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line).message);
    expect(messages).toEqual(['journey cursor key made at start', 'authentication', 'insights ready', 'gateway started', 'gateway stopping', 'gateway stopped']);
  });

  it('refuses a bad option with exit code 2, the reason and the usage', async () => {
    const { child, output } = start(['--fault', 'crm=explode']);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(output().stderr).toContain('--fault crm: Unknown fault "explode"');
    expect(output().stderr).toContain('Usage: npm start');
  });

  it('refuses a bad configuration naming every bad key, without echoing secrets', async () => {
    const { child, output } = start([], { CRM_BASE_URL: 'ftp://crm', CRM_ACCESS_TOKEN: 'pat-secret-value', LOYALTY_TIMEOUT_MS: 'soon' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    const { stderr } = output();
    expect(stderr).toContain('Bad setting CRM_BASE_URL: expected an http(s) URL, got "ftp://crm".');
    expect(stderr).toContain('Bad setting LOYALTY_TIMEOUT_MS');
    expect(stderr).toContain('Missing setting COMMERCE_ACCESS_TOKEN');
    expect(stderr).not.toContain('pat-secret-value');
  });

  describe('with files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'gateway-start-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('--population FILE serves the population of the file to the demo silos', async () => {
      const file = join(dir, 'population.json');
      await writeFile(file, JSON.stringify(populationWithAnnaig()));
      const { child, output } = start(['--population', file]);
      try {
        const url = await readyUrl(child, output);
        expect(await post(url, ANNAIG, { authorization: `Bearer ${printedKey(output().stdout)}` })).toEqual(ANNAIG_ANSWER);
      } finally {
        await stop(child);
      }
    });

    describe('--config FILE naming silos started by the test', () => {
      let silos: DemoSilos;
      beforeAll(async () => {
        silos = await startDemoSilos({ population: populationWithAnnaig() });
      });
      afterAll(async () => {
        await silos?.close();
      });

      it('runs the gateway alone against those silos, the environment winning over the file, printing no key', async () => {
        const s = silos.silos;
        const config = {
          CRM_BASE_URL: s.crm.baseUrl,
          CRM_ACCESS_TOKEN: DEMO_CREDENTIALS.crmAccessToken,
          LOYALTY_BASE_URL: s.loyalty.baseUrl,
          LOYALTY_STORE_CODE: s.loyalty.storeCode,
          LOYALTY_USERNAME: DEMO_CREDENTIALS.loyaltyUsername,
          LOYALTY_PASSWORD: DEMO_CREDENTIALS.loyaltyPassword,
          COMMERCE_BASE_URL: s.commerce.baseUrl,
          COMMERCE_ACCESS_TOKEN: DEMO_CREDENTIALS.commerceAccessToken,
          ANALYTICS_BASE_URL: s.analytics.baseUrl,
          ANALYTICS_SITE_ID: String(s.analytics.siteId),
          ANALYTICS_APP_SITE_ID: String(s.analytics.appSiteId),
          ANALYTICS_TOKEN_AUTH: DEMO_CREDENTIALS.analyticsTokenAuth,
          // The file holds the array itself; the environment, its JSON text.
          AUTH_API_KEYS: [{ name: 'from-the-file', sha256: hashApiKey('cgw_key-from-the-file'), scopes: ['profile:read', 'pii:read', 'admin'] }],
        };
        const file = join(dir, 'config.json');
        await writeFile(file, JSON.stringify(config, null, 2));
        const fromEnv = [{ name: 'from-the-environment', sha256: hashApiKey('cgw_key-from-the-environment'), scopes: ['profile:read', 'pii:read', 'admin'] }];
        const { child, output } = start(['--config', file], { AUTH_API_KEYS: JSON.stringify(fromEnv) });
        try {
          const url = await readyUrl(child, output);
          // Alone: no demo, so no example query and no key printed.
          expect(output().stdout).not.toContain('Try it');
          expect(output().stdout).not.toContain('cgw_');
          const withEnvKey = { authorization: 'Bearer cgw_key-from-the-environment' };
          expect(await post(url, ANNAIG, withEnvKey)).toEqual(ANNAIG_ANSWER);
          for (const source of ['crm', 'commerce'] as const) expect(silos.simulators[source].stats().requests, source).toBeGreaterThan(0);

          const evict = JSON.stringify({ query: 'mutation { evictCustomer(id: "crm:50001") { evictedIdentifiers } }' });
          const withFileKey = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer cgw_key-from-the-file' }, body: evict });
          expect(withFileKey.status).toBe(401);
          expect((await post(url, 'mutation { evictCustomer(id: "crm:50001") { evictedIdentifiers } }', withEnvKey)).errors).toBeUndefined();
          // Sandbox and introspection are off with silo settings.
          const introspection = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...withEnvKey }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
          expect(introspection.status).toBe(400);
        } finally {
          await stop(child);
        }
      });
    });
  });
});

/** A browser-like GET of the page with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, headers: { host, accept: 'text/html' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}
