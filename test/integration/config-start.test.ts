/**
 * A typo in a setting, as `npm start` meets it: a real process that refuses to start and says
 * which variable it did not know and which setting was meant.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('a misspelt setting', () => {
  it('stops npm start with exit code 2, naming the variable and the setting meant, without a stack', async () => {
    // The start script's command (package.json), with the typo in the environment.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEFAULT_COUNTY: 'GB' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toBe('The configuration is not valid:\n- Unknown setting "DEFAULT_COUNTY" in the environment. Did you mean DEFAULT_COUNTRY?\n');
  });
});
