/**
 * The configuration as `npm start` meets it: real processes that refuse to start and say what was
 * wrong, or start the demo despite what a platform or a blank value puts in the environment.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmStart } from '../support/npm-start.js';


/** `npm start`'s command (package.json) with `env` added; resolves on the ready line or the exit. */
/** Runs `npm start` until its ready line or its exit, then stops it; resolves with its exit code and output. */
async function runNpmStart(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, output } = npmStart(args, env);
  // 'close': after the last output, which 'exit' may precede.
  const exited = once(child, 'close');
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', () => {
      if (output().stdout.includes('ready at')) resolve();
    });
  });
  try {
    await Promise.race([ready, exited]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  const [code] = await exited;
  return { code, ...output() };
}

describe('the configuration at npm start', () => {
  it('stops npm start with exit code 2, naming the variable and the setting meant, without a stack', async () => {
    const run = await runNpmStart([], { DEFAULT_COUNTY: 'GB' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('The configuration is not valid:\n- Unknown setting "DEFAULT_COUNTY" in the environment. Did you mean DEFAULT_COUNTRY?\n');
  });

  it('says in words that the config file does not exist, naming its path', async () => {
    const run = await runNpmStart(['--config', 'nope.json'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('Cannot read the config file "nope.json": no such file.\n');
  });

  it('stops npm start on a lifetime-value model file that is missing or of another version, naming the file and the problem', async () => {
    const missing = await runNpmStart([], { CLV_MODEL_FILE: 'no-such-model.json' });
    expect([missing.code, missing.stderr]).toEqual([2, 'Cannot read the lifetime-value model file "no-such-model.json" (CLV_MODEL_FILE): no such file.\n']);
    const dir = mkdtempSync(join(tmpdir(), 'clv-model-'));
    try {
      const other = join(dir, 'model.json');
      writeFileSync(other, JSON.stringify({ format: 'customer-gateway/clv-model', version: 2 }));
      const run = await runNpmStart([], { CLV_MODEL_FILE: other });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`The lifetime-value model file "${other}" (CLV_MODEL_FILE) cannot be used: the model file has version 2; this gateway reads version 1 only: fit a new model with \`npm run clv -- fit\`.\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts the demo with a blank silo setting and the variables Azure sets for managed identity', async () => {
    const run = await runNpmStart([], { CRM_BASE_URL: '', IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token', IDENTITY_HEADER: 'x', LOG_LEVEL: 'WARN' });
    expect(run.stdout).toContain('Customer gateway ready at http://127.0.0.1:');
    // The demo prints an example query; the real-silo start does not.
    expect(run.stdout).toContain('Try it:');
    expect(run.stderr).toBe('');
  });
});
