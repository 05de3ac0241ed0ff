/**
 * The command line of the production start (`npm run start:prod`, `node dist/src/main.js`).
 * Pure, so every message is tested. It imports nothing of the demo (demo/args.ts reads the demo's
 * fault modes from the simulators).
 */

export interface ServeArgs {
  help: boolean;
  configFile?: string;
}

export const SERVE_USAGE = `Usage: npm run start:prod -- [--config FILE]     (or: node dist/src/main.js [--config FILE])

Runs the gateway compiled by \`npm run build\` against the four silos its configuration names:
settings in the environment, or in --config FILE (a JSON object with the same keys; the
environment wins). See README.md, "Configuration" and "Run in production". No demo code is
loaded: no simulated silo, no population generator. The demo is \`npm start\`.

Options:
  --config FILE   a JSON file of settings
  --help          this text`;

/** Options that only the demo (`npm start`) takes. */
const DEMO_OPTIONS = ['--population', '--seed', '--size', '--latency', '--fault'];

export type ParsedServeArgs = { ok: true; options: ServeArgs } | { ok: false; message: string };

export function parseServeArgs(argv: readonly string[]): ParsedServeArgs {
  const options: ServeArgs = { help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      options.help = true;
      continue;
    }
    if (DEMO_OPTIONS.includes(flag)) return { ok: false, message: `${flag} is an option of the demo (npm start), which simulates the silos; the production start takes --config FILE.` };
    if (flag !== '--config') return { ok: false, message: `Unknown option "${flag}"; the production start takes --config FILE and --help.` };
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) return { ok: false, message: '--config needs a value: the path of a JSON file of settings.' };
    if (options.configFile !== undefined) return { ok: false, message: '--config is given twice; give one file.' };
    options.configFile = value;
    i += 1;
  }
  return { ok: true, options };
}
