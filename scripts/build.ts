/**
 * `npm run build [-- --out DIR]`: compiles the production entry (src/main.ts) and what it
 * imports to JavaScript in DIR (default dist/) with tsconfig.build.json, and copies schema/
 * beside it (the gateway reads its SDL at start from `<out>/schema`). DIR is emptied first, so
 * no file of an earlier build stays behind. Then `npm run start:prod` runs `dist/src/main.js`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
if (args.length > 0 && (args.length !== 2 || args[0] !== '--out')) {
  console.error('Usage: npm run build [-- --out DIR]   (DIR defaults to dist/)');
  process.exit(2);
}
const out = resolve(ROOT, args[1] ?? 'dist');
if (out === ROOT || !out.startsWith(ROOT)) {
  // Emptying it first, so it must be a folder of its own inside the project.
  console.error(`--out must be a folder inside ${ROOT}, other than the project itself (node_modules is found from there); got ${out}.`);
  process.exit(2);
}

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, stdio: 'inherit' });
} catch {
  console.error('The build failed: tsc reported the errors above.');
  process.exit(1);
}
cpSync(join(ROOT, 'schema'), join(out, 'schema'), { recursive: true });
console.log(`Built ${out}: run it with \`npm run start:prod\` (node ${join(out, 'src', 'serve.js')}).`);
