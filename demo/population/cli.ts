/**
 * `npm run population -- --seed S --size N --out FILE [--now YYYY-MM-DD]`: writes a generated
 * population as compact JSON and prints a one-line summary. docs/population.md describes the file.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { Population } from '../../connectors/population.js';
import { generatePopulation } from './generate.js';
import { assertNever } from '../../connectors/shared/exhaustive.js';

/** The largest --size: beyond it the population no longer fits a default Node heap. */
export const MAX_SIZE = 200_000;
const MAX_SEED = 0xffff_ffff;

export const USAGE = `Usage: npm run population -- --seed <S> --size <N> --out <FILE> [--now <YYYY-MM-DD>]

Writes a seeded population (every silo's records and the truth of who is who) as compact JSON.

  --seed <S>          integer from 0 to ${MAX_SEED}; the same seed, size and now give the same file
  --size <N>          number of persons, from 1 to ${MAX_SIZE}
  --out <FILE>        where to write the JSON (overwritten)
  --now <YYYY-MM-DD>  the day the population is generated on (UTC midnight); default: today
  --help, -h          this text

Example: npm run population -- --seed 42 --size 2000 --out population.json`;

export interface GenerateCommand {
  kind: 'generate';
  seed: number;
  size: number;
  out: string;
  now: Date | undefined;
}

export type CliCommand = GenerateCommand | { kind: 'help' } | { kind: 'error'; message: string };

type Flag = 'seed' | 'size' | 'out' | 'now';
const FLAGS: readonly Flag[] = ['seed', 'size', 'out', 'now'];

/** What each flag accepts, for error messages. */
const ACCEPTS: Record<Flag, string> = {
  seed: `an integer from 0 to ${MAX_SEED}`,
  size: `an integer from 1 to ${MAX_SIZE}`,
  out: 'a file path',
  now: 'a date YYYY-MM-DD',
};

function isFlag(name: string): name is Flag {
  return (FLAGS as readonly string[]).includes(name);
}

function parseInteger(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** A calendar date that exists (not 2025-02-30), as UTC midnight. */
function parseDay(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? date : undefined;
}

function invalid(flag: Flag, value: string): CliCommand {
  return { kind: 'error', message: `--${flag} must be ${ACCEPTS[flag]}, but got: ${JSON.stringify(value)}` };
}

/** Splits `--flag value` and `--flag=value` into pairs; the first problem found is returned as a string. */
function collectFlags(argv: readonly string[]): Map<Flag, string> | string {
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) return `unexpected argument ${JSON.stringify(arg)}; flags are --seed, --size, --out, --now, --help`;
    const name = match[1] as string;
    if (!isFlag(name)) return `unknown flag --${name}; flags are --seed, --size, --out, --now, --help`;
    if (values.has(name)) return `--${name} is given twice`;
    let value = match[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) return `--${name} needs a value: ${ACCEPTS[name]}`;
      value = next;
      i++;
    }
    values.set(name, value);
  }
  return values;
}

/**
 * Reads the command line (without `node` and the script). Pure: returns what to do, or an error
 * whose message names the bad flag and what it accepts.
 */
export function parseArgs(argv: readonly string[]): CliCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const values = collectFlags(argv);
  if (typeof values === 'string') return { kind: 'error', message: values };
  for (const flag of ['seed', 'size', 'out'] as const) {
    if (!values.has(flag)) return { kind: 'error', message: `--${flag} is required: ${ACCEPTS[flag]}` };
  }
  const seedText = values.get('seed') ?? '';
  const sizeText = values.get('size') ?? '';
  const out = values.get('out') ?? '';
  const nowText = values.get('now');
  const seed = parseInteger(seedText, 0, MAX_SEED);
  if (seed === undefined) return invalid('seed', seedText);
  const size = parseInteger(sizeText, 1, MAX_SIZE);
  if (size === undefined) return invalid('size', sizeText);
  if (out.trim() === '') return invalid('out', out);
  const now = nowText === undefined ? undefined : parseDay(nowText);
  if (nowText !== undefined && now === undefined) return invalid('now', nowText);
  return { kind: 'generate', seed, size, out, now };
}

/**
 * The compact JSON of `value` in pieces, the same text as `JSON.stringify(value)`: objects and
 * arrays are opened `depth` levels down, deeper values are stringified whole. A large population
 * is longer than the longest string V8 can hold, so it is written piece by piece.
 */
export function* jsonChunks(value: unknown, depth: number): Generator<string> {
  if (depth <= 0 || value === null || typeof value !== 'object') {
    // JSON.stringify gives undefined for undefined; inside an array that is written as null.
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      yield* jsonChunks(value[i], depth - 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    // JSON.stringify leaves out properties whose value is undefined.
    if (item === undefined) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    yield* jsonChunks(item, depth - 1);
    first = false;
  }
  yield '}';
}

/** Groups small pieces into blocks of about `size` characters: one write per record would crawl. */
function* blocks(pieces: Iterable<string>, size: number): Generator<string> {
  let block = '';
  for (const piece of pieces) {
    block += piece;
    if (block.length >= size) {
      yield block;
      block = '';
    }
  }
  if (block.length > 0) yield block;
}

/** Population, silo, record array: records are the pieces. */
const RECORD_DEPTH = 3;

export async function writePopulation(population: Population, path: string): Promise<void> {
  await pipeline(Readable.from(blocks(jsonChunks(population, RECORD_DEPTH), 1 << 20)), createWriteStream(path));
}

/** The one-line summary printed after writing. */
export function summarize(population: Population): string {
  const visitors = new Set(population.analytics.visits.map((v) => v.visitorId)).size;
  const appSite = population.analytics.appSiteId;
  const inApp = appSite === undefined ? 0 : population.analytics.visits.filter((v) => v.idSite === appSite).length;
  return [
    `${population.truth.length} persons`,
    `crm ${population.crm.contacts.length} contacts`,
    `loyalty ${population.loyalty.members.length} members, ${population.loyalty.transactions.length} transactions, ${population.loyalty.redemptions?.length ?? 0} redemptions`,
    `commerce ${population.commerce.customers.length} customers, ${population.commerce.orders.length} orders, ${population.commerce.products.length} products`,
    `analytics ${visitors} visitors, ${population.analytics.visits.length} visits (${inApp} in the app)`,
  ].join('; ');
}

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs the command line; resolves to the exit code (2 for a usage error, 1 when writing fails). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'help':
      io.stdout.write(`${USAGE}\n`);
      return 0;
    case 'error':
      io.stderr.write(`population: ${command.message}\n\n${USAGE}\n`);
      return 2;
    case 'generate': {
      const started = performance.now();
      const population = generatePopulation({ seed: command.seed, size: command.size, now: command.now });
      try {
        await writePopulation(population, command.out);
      } catch (error) {
        io.stderr.write(`population: cannot write --out ${command.out}: ${(error as Error).message}\n`);
        return 1;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.stdout.write(`${command.out}: ${summarize(population)} (seed ${command.seed}, ${seconds} s)\n`);
      return 0;
    }
    default:
      return assertNever(command, 'population command');
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main(process.argv.slice(2), process);
}
