/**
 * The command line of `npm start`, parsed into options. Pure, so every message is tested.
 */
import { FAULT_MODES_HELP, parseFault, type FaultMode, type Latency } from '../connectors/shared/simulator.js';
import type { Source } from '../src/generated/graphql.js';
import { SOURCES } from '../src/graphql/context.js';

export interface StartOptions {
  help: boolean;
  /** Serve this population file instead of a generated one. */
  populationFile?: string;
  seed: number;
  size: number;
  configFile?: string;
  latency: Partial<Record<Source, Latency>>;
  faults: Partial<Record<Source, FaultMode>>;
}

export const START_USAGE = `Usage: npm start -- [options]

Without configuration, starts the demo: four simulated silos on loopback and the gateway at
http://localhost:4000/graphql (PORT moves it). With silo settings in the environment or in
--config FILE, starts the gateway alone against those silos. In production, run the compiled
gateway instead: \`npm run build\`, then \`npm run start:prod\` (README, "Run in production").

Options:
  --population FILE      serve this population file (see docs/population.md) instead of generating one
  --seed N               seed of the generated demo population (default 42)
  --size N               persons in the generated demo population (default 2000)
  --latency SILO=MS,...  add latency per silo, e.g. crm=20,loyalty=40 (MS~JITTER sets the jitter; default 25%)
  --fault SILO=MODE,...  make a silo misbehave; modes: ${FAULT_MODES_HELP}
  --config FILE          a JSON file of settings (same keys as the environment, see README)
  --help                 this text

Silos: ${SOURCES.join(', ')}.`;

export type ParsedArgs = { ok: true; options: StartOptions } | { ok: false; message: string };

export function parseStartArgs(argv: readonly string[]): ParsedArgs {
  const options: StartOptions = { help: false, seed: 42, size: 2000, latency: {}, faults: {} };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      options.help = true;
      continue;
    }
    const value = argv[i + 1];
    if (!['--population', '--seed', '--size', '--config', '--latency', '--fault'].includes(flag)) {
      return { ok: false, message: `Unknown option "${flag}".` };
    }
    if (value === undefined || value.startsWith('--')) return { ok: false, message: `${flag} needs a value.` };
    i += 1;
    const problem = applyOption(options, flag, value);
    if (problem) return { ok: false, message: problem };
  }
  if (options.populationFile && argv.some((a) => a === '--seed' || a === '--size')) {
    return { ok: false, message: '--seed and --size shape a generated population; they cannot go with --population.' };
  }
  return { ok: true, options };
}

function applyOption(options: StartOptions, flag: string, value: string): string | undefined {
  switch (flag) {
    case '--population':
      options.populationFile = value;
      return undefined;
    case '--config':
      options.configFile = value;
      return undefined;
    case '--seed':
    case '--size': {
      const max = flag === '--seed' ? 2 ** 31 - 1 : 1_000_000;
      const min = flag === '--seed' ? 0 : 1;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        return `${flag} must be a whole number from ${min} to ${max}, got "${value}".`;
      }
      options[flag === '--seed' ? 'seed' : 'size'] = Number(value);
      return undefined;
    }
    case '--latency':
      return eachSilo(flag, value, (source, text) => {
        const match = /^(\d+)(?:~(\d+))?$/.exec(text);
        if (!match) return `latency must be milliseconds like 20 or 20~5 (with 5 ms of jitter), got "${text}"`;
        const fixedMs = Number(match[1]);
        options.latency[source] = { fixedMs, jitterMs: match[2] === undefined ? Math.round(fixedMs / 4) : Number(match[2]) };
        return undefined;
      });
    default:
      return eachSilo(flag, value, (source, text) => {
        try {
          options.faults[source] = parseFault(text);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      });
  }
}

/** Applies `silo=value,silo=value`, naming the silo and the part that is wrong. */
function eachSilo(flag: string, list: string, apply: (source: Source, value: string) => string | undefined): string | undefined {
  for (const part of list.split(',')) {
    const eq = part.indexOf('=');
    const source = part.slice(0, eq).trim();
    if (eq < 0 || !(SOURCES as readonly string[]).includes(source)) {
      return `${flag} takes SILO=VALUE pairs with SILO one of ${SOURCES.join(', ')}; got "${part}".`;
    }
    const problem = apply(source as Source, part.slice(eq + 1).trim());
    if (problem) return `${flag} ${source}: ${problem}`;
  }
  return undefined;
}
