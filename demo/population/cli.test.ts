import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SIZE, jsonChunks, main, parseArgs, summarize } from './cli.js';
import { generatePopulation } from './generate.js';

const REQUIRED = ['--seed', '42', '--size', '100', '--out', 'p.json'];

describe('parseArgs', () => {
  it('reads --flag value and --flag=value', () => {
    expect(parseArgs(['--seed', '42', '--size=100', '--out', 'p.json', '--now=2025-06-01'])).toEqual({
      kind: 'generate',
      seed: 42,
      size: 100,
      out: 'p.json',
      now: new Date('2025-06-01T00:00:00.000Z'),
    });
  });

  it('leaves now to the generator when --now is not given', () => {
    expect(parseArgs(REQUIRED)).toMatchObject({ kind: 'generate', now: undefined });
  });

  it.each([[['--help']], [['-h']], [[...REQUIRED, '--help']]])('answers help for %j', (argv) => {
    expect(parseArgs(argv)).toEqual({ kind: 'help' });
  });

  it.each([
    [['--size', '10', '--out', 'p.json'], '--seed is required: an integer from 0 to 4294967295'],
    [['--seed', '1', '--out', 'p.json'], `--size is required: an integer from 1 to ${MAX_SIZE}`],
    [['--seed', '1', '--size', '10'], '--out is required: a file path'],
    [['--seed', 'abc', '--size', '10', '--out', 'p.json'], '--seed must be an integer from 0 to 4294967295, but got: "abc"'],
    [['--seed', '-1', '--size', '10', '--out', 'p.json'], '--seed must be an integer from 0 to 4294967295, but got: "-1"'],
    [['--seed', '4294967296', '--size', '10', '--out', 'p.json'], '--seed must be an integer from 0 to 4294967295, but got: "4294967296"'],
    [['--seed', '1', '--size', '0', '--out', 'p.json'], `--size must be an integer from 1 to ${MAX_SIZE}, but got: "0"`],
    [['--seed', '1', '--size', '2.5', '--out', 'p.json'], `--size must be an integer from 1 to ${MAX_SIZE}, but got: "2.5"`],
    [['--seed', '1', '--size', String(MAX_SIZE + 1), '--out', 'p.json'], `--size must be an integer from 1 to ${MAX_SIZE}, but got: "${MAX_SIZE + 1}"`],
    [['--seed', '1', '--size', '10', '--out='], '--out must be a file path, but got: ""'],
    [[...REQUIRED, '--now', '2025-02-30'], '--now must be a date YYYY-MM-DD, but got: "2025-02-30"'],
    [[...REQUIRED, '--now', '01/06/2025'], '--now must be a date YYYY-MM-DD, but got: "01/06/2025"'],
    [[...REQUIRED, '--now'], '--now needs a value: a date YYYY-MM-DD'],
    [['--seed', '--size', '10', '--out', 'p.json'], '--seed needs a value: an integer from 0 to 4294967295'],
    [[...REQUIRED, '--seed', '7'], '--seed is given twice'],
    [[...REQUIRED, '--count', '3'], 'unknown flag --count; flags are --seed, --size, --out, --now, --help'],
    [[...REQUIRED, 'extra'], 'unexpected argument "extra"; flags are --seed, --size, --out, --now, --help'],
  ])('rejects %j: %s', (argv, message) => {
    expect(parseArgs(argv)).toEqual({ kind: 'error', message });
  });
});

describe('jsonChunks', () => {
  it('writes the same text as JSON.stringify, at any depth', () => {
    const population = generatePopulation({ seed: 5, size: 30, now: new Date('2025-06-01T00:00:00.000Z') });
    for (const depth of [0, 1, 3, 10]) {
      expect([...jsonChunks(population, depth)].join('')).toBe(JSON.stringify(population));
    }
  });

  it('leaves out undefined properties and writes undefined array slots as null, like JSON.stringify', () => {
    const value = { a: undefined, b: [1, undefined, { c: undefined, d: 'x' }], e: null };
    expect([...jsonChunks(value, 5)].join('')).toBe(JSON.stringify(value));
  });
});

describe('main', () => {
  let dir: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } } };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'population-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the population as compact JSON and prints a one-line summary', async () => {
    const file = join(dir, 'p.json');
    const { out, err, io: streams } = io();
    const code = await main(['--seed', '9', '--size', '50', '--out', file, '--now', '2025-06-01'], streams);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    const expected = generatePopulation({ seed: 9, size: 50, now: new Date('2025-06-01T00:00:00.000Z') });
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify(expected));
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(summarize(expected));
    expect(out[0]?.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 with the message and the usage on a bad flag', async () => {
    const { out, err, io: streams } = io();
    expect(await main(['--seed', 'x', '--size', '5', '--out', 'p.json'], streams)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toMatch(/^population: --seed must be an integer from 0 to 4294967295, but got: "x"\n\nUsage:/);
  });

  it('exits 1 naming --out when the file cannot be written', async () => {
    const { err, io: streams } = io();
    expect(await main(['--seed', '1', '--size', '5', '--out', join(dir, 'missing', 'p.json')], streams)).toBe(1);
    expect(err.join('')).toMatch(/^population: cannot write --out .*missing/);
  });

  it('prints the usage on --help', async () => {
    const { out, io: streams } = io();
    expect(await main(['--help'], streams)).toBe(0);
    expect(out.join('')).toMatch(/^Usage: npm run population -- --seed <S> --size <N> --out <FILE>/);
  });
});

describe('summarize', () => {
  it('counts persons and the records of each silo', () => {
    const population = generatePopulation({ seed: 2, size: 40, now: new Date('2025-06-01T00:00:00.000Z') });
    const line = summarize(population);
    expect(line).toMatch(/^40 persons; crm \d+ contacts; loyalty \d+ members, \d+ transactions, \d+ redemptions; commerce \d+ customers, \d+ orders, \d+ products; analytics \d+ visitors, \d+ visits \(\d+ in the app\)$/);
    expect(line).toContain(`crm ${population.crm.contacts.length} contacts`);
    expect(line).toContain(`${population.loyalty.redemptions!.length} redemptions`);
    expect(line).toContain(`(${population.analytics.visits.filter((v) => v.idSite === 2).length} in the app)`);
  });
});
