/**
 * The benchmark's children (the silos, the gateway and the servers it is compared with) run as
 * the gateway runs in production (`npm run build`, then `npm run start:prod`: JavaScript compiled
 * by tsc, run by plain node), not through tsx. tsx compiles each module with esbuild's
 * `keepNames`, which sets `name` on every function expression and arrow function each time one
 * is made (a `__name` call that redefines the property): a cost of the loader, paid in proportion
 * to the closures a server makes per request, that no user's gateway pays.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_DIR } from './rpc.js';

/**
 * Compiles src/, connectors/, demo/ and bench/ (no tests) with tsconfig.bench.json into a folder
 * of this run's own under tmp/ (ignored by git; inside the project, so that node_modules is
 * found), and copies schema/ beside them (the gateway reads its SDL from `<dir>/schema` at
 * start). The folder is removed when this process exits. Returns it and how long the compiling
 * took, in ms.
 * @throws Error when tsc reports an error (its output is on stderr).
 */
export function compileForBench(): { dir: string; ms: number } {
  const started = Date.now();
  mkdirSync(join(REPO_DIR, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO_DIR, 'tmp', 'bench-js-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(REPO_DIR, 'tsconfig.bench.json'), '--outDir', dir], { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    throw new Error('Compiling the benchmark with tsc (tsconfig.bench.json) failed: see its errors above.');
  }
  cpSync(join(REPO_DIR, 'schema'), join(dir, 'schema'), { recursive: true });
  return { dir, ms: Date.now() - started };
}
