/**
 * `npm start` as a user runs it: a real process, its output, its exit codes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return { child, output: () => ({ stdout, stderr }) };
}

describe('npm start', () => {
  it('starts the demo silos and the gateway, prints the URL and a query that works', async () => {
    const { child, output } = start(['--size', '150', '--seed', '3']);
    try {
      const [url, example] = await new Promise<[string, string]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL and example printed: ${JSON.stringify(output())}`)), 25_000);
        child.stdout.on('data', () => {
          const { stdout } = output();
          const url = /ready at (http:\/\/\S+\/graphql)/.exec(stdout)?.[1];
          const example = /customer\(id: \\"([^\\]+)\\"\)/.exec(stdout)?.[1];
          if (url && example) {
            clearTimeout(timer);
            resolve([url, example]);
          }
        });
      });
      expect(example).toMatch(/^crm:\d+$/);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ customer(id: "${example}") { id crm { id } loyalty { id } commerce { id } analytics { id } } }` }),
      });
      const body = (await res.json()) as { data: { customer: Record<string, unknown[]> } };
      // The example is a person known to every silo, so every section answers.
      for (const section of ['crm', 'loyalty', 'commerce', 'analytics']) expect(body.data.customer[section]!.length, section).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
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
});
