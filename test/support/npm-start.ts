/**
 * `npm start` as a user runs it, for tests: a real process of the demo entry (package.json's
 * start script: `node --import tsx demo/main.ts`) on a free port, its output captured.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface StartedProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string };
}

/**
 * Spawns `npm start -- <args>` with PORT=0, HOST=127.0.0.1, LOG_LEVEL=warn and `env` on top of
 * this process's environment.
 */
export function npmStart(args: string[], env: Record<string, string> = {}): StartedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/main.ts', ...args], {
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
