/**
 * `npm run api-key` end to end: the real command (tsx, as `npm run api-key` starts it) prints a
 * new key once and the AUTH_API_KEYS entry holding its SHA-256, which the configuration accepts;
 * bad options exit 2 with the reason and the usage.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findApiKey, hashApiKey } from '../src/access/credentials.js';
import { parseGatewaySettings } from '../src/server/config.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function apiKey(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/api-key.ts', ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('npm run api-key', () => {
  it('prints a new key once and the entry with its hash, which AUTH_API_KEYS accepts and matches to the key', async () => {
    const { code, stdout } = await apiKey('--name', 'crm-sync', '--scopes', 'pii:read,profile:read');
    expect(code).toBe(0);
    const key = /^ {2}(cgw_[A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1];
    expect(key).toBeDefined();
    expect(stdout.split(key!).length - 1).toBe(2); // the key, and the header line showing it sent
    const entryLine = stdout.trim().split('\n').at(-1)!.trim();
    expect(JSON.parse(entryLine)).toEqual({ name: 'crm-sync', sha256: hashApiKey(key!), scopes: ['pii:read', 'profile:read'] });
    const settings = parseGatewaySettings({ env: { AUTH_API_KEYS: `[${entryLine}]` } });
    expect(settings.ok && findApiKey(key!, settings.config.auth.apiKeys)?.name).toBe('crm-sync');
  });

  it('refuses an unknown scope, no scope and a missing name with exit code 2, the reason and the usage', async () => {
    const cases: Array<[string[], string]> = [
      [['--name', 'x', '--scopes', 'pii:read,everything'], '--scopes: unknown scope "everything"; scopes are profile:read, pii:read, journey:read, insights:read, admin.'],
      [['--name', 'x', '--scopes', ','], '--scopes: name at least one scope.'],
      [['--scopes', 'admin'], '--name is required.'],
    ];
    for (const [args, reason] of cases) {
      const { code, stdout, stderr } = await apiKey(...args);
      expect(code, reason).toBe(2);
      expect(stderr.split('\n')[0], reason).toBe(reason);
      expect(stderr, reason).toContain('Usage: npm run api-key -- --name NAME --scopes SCOPE[,SCOPE...]');
      expect(stdout, reason).toBe('');
    }
  });
});
