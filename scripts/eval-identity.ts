/**
 * `npm run eval:identity -- [--population FILE | --seed S --size N] [--json FILE] [--batch N]
 *                            [--no-batch-check] [--min-precision P] [--min-recall R] [--min-linkable-recall R]`
 *
 * How well the gateway resolves who is who, measured against a population's truth through the
 * real thing: the four silo simulators and the gateway on loopback (demo/stack.ts, as the
 * integration tests start them), every person looked up over HTTP with `customers(ids:)` in
 * batches of up to 100, from each of their identifiers: every source record key, every merged-away
 * CRM id, every email, phone and card number their records carry (placeholders the gateway's
 * normalizer refuses are counted and skipped). scripts/identity-scoring.ts defines the starts
 * and the figures precisely: pairwise precision, recall and F1 over record pairs, one answer per
 * start (not deduplicated per person), plus answers over-merged, split, households merged,
 * AMBIGUOUS_IDENTIFIER answers (expected for a shared landline) and other errors, and timing.
 *
 * Every start resolves from a cold identity-link cache: the cache is emptied before each batch.
 * `customers(ids:)` consults the cache once for the whole list before it resolves the cold ids
 * together, so emptying it before each request makes every start of the batch cold, even two
 * starts of the same person (a warm hit would measure the cache, not resolution from that
 * identifier). Batches run one after another so no request can warm another. What one request's
 * ids still share is its per-request lookup DataLoaders: they deduplicate silo calls, and an
 * identifier's lookup must answer the same whichever start asked, so that each start gets the
 * cluster it would get alone. That is checked, not assumed: with `--batch` above 1 every start is
 * resolved a second time alone (batch 1, cold), the figures of both runs are printed, and every
 * start whose answer differs is a batch disagreement (`--no-batch-check` skips the second run).
 *
 * Gateway settings come from the environment as for `npm start` (IDENTITY_LIMITS,
 * IDENTITY_PRIORITY... see src/server/config.ts), so a rule change can be evaluated without editing
 * code; the port and host are always a free loopback port.
 *
 * A truth may hold pairs of records that nothing in the silos ties together (in generated
 * populations, by design and rarely: a household member's loyalty member with only the shared
 * landline; docs/population.md, "Links between a person's records"), so the script also prints
 * the recall ceiling and the recall over the pairs that can be found at all
 * (--min-linkable-recall): on generated populations the ceiling is about 99.9%.
 *
 * Exit code: 0, or 1 when --min-precision, --min-recall or --min-linkable-recall is given and
 * not met (by either run), or (with any of them) when a household was merged, a lookup failed
 * (figures from a run where a silo failed are not trustworthy) or a batch answer differed from
 * the answer alone. 2 for a usage error.
 */
import { writeFile } from 'node:fs/promises';
import { startDemoStack, type DemoStack, type GraphQLBody } from '../demo/stack.js';
import { hashApiKey, mintApiKey } from '../src/access/credentials.js';
import { SCOPES } from '../src/access/scopes.js';
import { parseGatewaySettings } from '../src/server/config.js';
import { isMobilePhone, normalizeIdentifier } from '../src/identity/normalize.js';
import { createLogger, type LogLevel } from '../src/shared/logger.js';
import type { Population } from '../connectors/population.js';
import type { Identifier } from '../connectors/types.js';
import { generatePopulation, startOfUtcDay } from '../demo/population/generate.js';
import { loadPopulationFile } from '../demo/population/load.js';
import { linkableGroups, score, START_KINDS, startsOf, type Outcome, type Scores, type Start } from './identity-scoring.js';

const USAGE = `Usage: npm run eval:identity -- [--population FILE | --seed S --size N [--now YYYY-MM-DD]] [options]

Starts the demo silos and the gateway on loopback, resolves every person of the population's truth
from each of their identifiers (cold identity-link cache), and prints pairwise precision, recall
and F1, over-merged and split answers, households merged, ambiguous answers, errors and timing.

  --population FILE        a population file (docs/population.md); its truth is the reference
  --seed S, --size N       generate the population in process instead (default: seed 1, size 2000)
  --now YYYY-MM-DD         the day the population is generated on (default: today, as npm run population)
  --json FILE              also write the figures as JSON
  --min-precision P        exit 1 when precision < P (also when a household is merged or a lookup failed)
  --min-recall R           exit 1 when recall < R (idem)
  --min-linkable-recall R  exit 1 when the recall over the pairs some identifier links is < R (idem)
  --batch N                ids per customers(ids:) request, 1 to 100 (default 100); above 1, every
                           start is also resolved alone and the answers compared
  --no-batch-check         do not resolve the starts alone a second time
  --timeout-ms N           the connectors' per-call timeout (default 5000)
  --examples N             mistakes of each kind to print (default 3)
  --help, -h               this text

Example: npm run eval:identity -- --seed 1 --size 2000 --min-precision 0.999 --min-linkable-recall 0.985`;

interface EvalOptions {
  populationFile?: string;
  seed: number;
  size: number;
  now?: Date;
  json?: string;
  minPrecision?: number;
  minRecall?: number;
  minLinkableRecall?: number;
  batch: number;
  /** With batch > 1, also resolve every start alone and compare. */
  batchCheck: boolean;
  timeoutMs: number;
  examples: number;
}

type Parsed = { kind: 'run'; options: EvalOptions } | { kind: 'help' } | { kind: 'error'; message: string };

function parseEvalArgs(argv: readonly string[]): Parsed {
  const options: EvalOptions = { seed: 1, size: 2000, batch: 100, batchCheck: true, timeoutMs: 5000, examples: 3 };
  let generated = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--no-batch-check') {
      options.batchCheck = false;
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i += 1;
    if (value === undefined) return { kind: 'error', message: `${flag} needs a value.` };
    const number = (min: number, max: number, integer: boolean): number | string => {
      const n = Number(value);
      const ok = value.trim() !== '' && Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n));
      return ok ? n : `${flag} takes ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${value}".`;
    };
    let result: number | string | undefined;
    switch (flag) {
      case '--population':
        options.populationFile = value;
        break;
      case '--seed':
        result = number(0, 0xffff_ffff, true);
        if (typeof result === 'number') options.seed = result;
        generated = true;
        break;
      case '--size':
        result = number(1, 200_000, true);
        if (typeof result === 'number') options.size = result;
        generated = true;
        break;
      case '--now': {
        const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
        if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
          return { kind: 'error', message: `--now takes a date YYYY-MM-DD, got "${value}".` };
        }
        options.now = day;
        generated = true;
        break;
      }
      case '--json':
        options.json = value;
        break;
      case '--min-precision':
        result = number(0, 1, false);
        if (typeof result === 'number') options.minPrecision = result;
        break;
      case '--min-recall':
        result = number(0, 1, false);
        if (typeof result === 'number') options.minRecall = result;
        break;
      case '--min-linkable-recall':
        result = number(0, 1, false);
        if (typeof result === 'number') options.minLinkableRecall = result;
        break;
      case '--batch':
        result = number(1, 100, true);
        if (typeof result === 'number') options.batch = result;
        break;
      case '--timeout-ms':
        result = number(1, 600_000, true);
        if (typeof result === 'number') options.timeoutMs = result;
        break;
      case '--examples':
        result = number(0, 1_000_000, true);
        if (typeof result === 'number') options.examples = result;
        break;
      default:
        return { kind: 'error', message: `Unknown argument "${arg}".` };
    }
    if (typeof result === 'string') return { kind: 'error', message: result };
  }
  if (options.populationFile !== undefined && generated) {
    return { kind: 'error', message: '--population reads a file; --seed, --size and --now generate one. Give one or the other.' };
  }
  return { kind: 'run', options };
}

const QUERY = 'query EvalIdentity($ids: [ID!]!) { customers(ids: $ids) { id sourceRecords { source id: recordId } } }';

/** The outcome of each id of one batch, from the response. */
function outcomesOf(body: GraphQLBody, status: number, size: number): Outcome[] {
  const slots = body.data?.customers as Array<{ id: string; sourceRecords: Array<{ source: string; id: string }> } | null> | undefined;
  const codeAt = new Map<number, string>();
  let whole: string | undefined;
  for (const error of body.errors ?? []) {
    const code = String(error.extensions?.code ?? 'UNKNOWN');
    const index = error.path?.[0] === 'customers' ? error.path[1] : undefined;
    if (typeof index === 'number') codeAt.set(index, code);
    else whole ??= code;
  }
  if (!Array.isArray(slots)) {
    return Array.from({ length: size }, () => ({ kind: 'error', code: whole ?? `HTTP_${status}` }));
  }
  return Array.from({ length: size }, (_, i): Outcome => {
    const code = codeAt.get(i);
    if (code) return { kind: 'error', code };
    const customer = slots[i];
    if (!customer) return { kind: 'null' };
    return { kind: 'answer', goldenId: customer.id, records: customer.sourceRecords };
  });
}

interface Timing {
  populationMs: number;
  stackStartMs: number;
  resolveMs: number;
  batches: number;
  batchP50Ms: number;
  batchP95Ms: number;
  batchMaxMs: number;
  startsPerSecond: number;
}

async function resolveAll(stack: DemoStack, starts: readonly Start[], batch: number): Promise<{ outcomes: Outcome[]; batchMs: number[] }> {
  const outcomes: Outcome[] = [];
  const batchMs: number[] = [];
  for (let from = 0; from < starts.length; from += batch) {
    const ids = starts.slice(from, from + batch).map((s) => s.id);
    // Cold: see the header comment.
    stack.gateway.services.identity.cache.clear();
    const t0 = performance.now();
    const { status, body } = await stack.query(QUERY, { ids });
    batchMs.push(performance.now() - t0);
    outcomes.push(...outcomesOf(body, status, ids.length));
    if (process.stderr.isTTY) process.stderr.write(`\r${Math.min(from + batch, starts.length)}/${starts.length} starts`);
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  return { outcomes, batchMs };
}

/** An outcome as comparable text: the answer's golden id and records (in any order), null, or the error code. */
function outcomeKey(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'answer':
      return `${outcome.goldenId} ${outcome.records.map((r) => `${r.source}:${r.id}`).sort().join(' ')}`;
    case 'null':
      return 'null';
    case 'error':
      return `error ${outcome.code}`;
    default:
      throw new Error(`Unexpected outcome ${JSON.stringify(outcome)}`);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(3)}%`;
}

function report(scores: Scores, refused: Record<string, number>, timing: Timing, label: string): string {
  const lines: string[] = [];
  const refusedTotal = Object.values(refused).reduce((a, b) => a + b, 0);
  lines.push(`Identity resolution, ${label}`);
  lines.push(`  starts             ${scores.starts} (placeholders skipped: ${refusedTotal}${refusedTotal ? ` — ${Object.entries(refused).map(([t, n]) => `${t} ${n}`).join(', ')}` : ''})`);
  lines.push(`  answers            ${scores.answers}, not found ${scores.notFound}`);
  lines.push(`  precision          ${pct(scores.precision)}  (${scores.pairs.correct} of ${scores.pairs.predicted} predicted pairs)`);
  lines.push(`  recall             ${pct(scores.recall)}  (${scores.pairs.found} of ${scores.pairs.expected} expected pairs)`);
  lines.push(`  F1                 ${pct(scores.f1)}`);
  lines.push(`  recall ceiling     ${pct(scores.recallCeiling)}  (${scores.pairs.linkable} expected pairs some identifier unique to the person links; the rest no resolver can find)`);
  lines.push(`  linkable recall    ${pct(scores.linkableRecall)}  (${scores.pairs.found} of those ${scores.pairs.linkable})`);
  lines.push(`  over-merged        ${scores.overMerged}`);
  lines.push(`  split              ${scores.split}${Object.keys(scores.missingRecords).length ? `  (missing records by source: ${Object.entries(scores.missingRecords).map(([s, n]) => `${s} ${n}`).join(', ')})` : ''}`);
  lines.push(`  households merged  ${scores.householdsMerged}`);
  lines.push(`  ambiguous          ${scores.ambiguous.total} (shared landline: ${scores.ambiguous.expected}, unexpected: ${scores.ambiguous.unexpected}); shared values answered: ${scores.sharedAnswered}`);
  const errors = Object.entries(scores.errors);
  lines.push(`  other errors       ${errors.length ? errors.map(([c, n]) => `${c} ${n}`).join(', ') : 0}`);
  lines.push(`  golden id differs  ${scores.personsWithSeveralIds} persons (answers from one person's starts with different ids)`);
  if (scores.unknownRecords) lines.push(`  unknown records    ${scores.unknownRecords} (in answers, in no truth entry)`);
  lines.push(
    `  time               ${(timing.resolveMs / 1000).toFixed(2)} s resolving (${timing.batches} batches, p50 ${timing.batchP50Ms.toFixed(0)} ms, ` +
      `p95 ${timing.batchP95Ms.toFixed(0)} ms, max ${timing.batchMaxMs.toFixed(0)} ms, ${timing.startsPerSecond.toFixed(0)} starts/s); ` +
      `population ${(timing.populationMs / 1000).toFixed(2)} s, stack start ${(timing.stackStartMs / 1000).toFixed(2)} s`,
  );
  lines.push('  by start kind      starts  answers  notFound  ambiguous  errors  split  overMerged');
  for (const kind of START_KINDS) {
    const k = scores.byKind[kind];
    if (k.starts === 0) continue;
    lines.push(
      `    ${kind.padEnd(17)}${String(k.starts).padStart(6)}${String(k.answers).padStart(9)}${String(k.notFound).padStart(10)}` +
        `${String(k.ambiguous).padStart(11)}${String(k.errors).padStart(8)}${String(k.split).padStart(7)}${String(k.overMerged).padStart(12)}`,
    );
  }
  for (const [name, list] of Object.entries(scores.examples)) {
    for (const e of list) {
      lines.push(`  e.g. ${name}: ${e.start} of ${e.person} [${e.expected.join(', ')}] -> ${e.got.length ? `[${e.got.join(', ')}]` : '(no answer)'}`);
    }
  }
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseEvalArgs(argv);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    console.error(`eval:identity: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const options = parsed.options;
  const configured = parseGatewaySettings({ env: process.env });
  if (!configured.ok) {
    console.error(`eval:identity: the configuration is not valid:\n- ${configured.errors.join('\n- ')}`);
    return 2;
  }
  // The gateway's own logs only matter when something goes wrong; LOG_LEVEL still wins when set.
  const logLevel: LogLevel = process.env.LOG_LEVEL ? configured.config.logLevel : 'error';
  // A key of this run only: the stack's gateway needs credentials, as in production.
  const apiKey = mintApiKey();
  const settings = {
    ...configured.config,
    port: 0,
    host: '127.0.0.1',
    logLevel,
    sandbox: false,
    introspection: false,
    auth: { ...configured.config.auth, apiKeys: [{ name: 'eval-identity', sha256: hashApiKey(apiKey), scopes: SCOPES }] },
    // One client asking every start, thousands in seconds: the per-client rate limit is for
    // production traffic, not for the evaluation's own key (unless set in the environment).
    traffic: { ...configured.config.traffic, rateLimitRequests: process.env.GATEWAY_RATE_LIMIT_REQUESTS ? configured.config.traffic.rateLimitRequests : 0 },
  };

  const t0 = performance.now();
  let population: Population;
  let label: string;
  if (options.populationFile !== undefined) {
    try {
      population = await loadPopulationFile(options.populationFile);
    } catch (error) {
      console.error(`eval:identity: ${(error as Error).message}`);
      return 2;
    }
    label = `${options.populationFile} (${population.truth.length} persons)`;
  } else {
    const now = options.now ?? startOfUtcDay(new Date());
    population = generatePopulation({ seed: options.seed, size: options.size, now });
    label = `seed ${options.seed}, size ${options.size}, now ${now.toISOString().slice(0, 10)}`;
  }
  const populationMs = performance.now() - t0;
  if (population.truth.length === 0) {
    console.error('eval:identity: the population has no truth: there is nothing to compare with.');
    return 2;
  }

  const normalize = (identifier: Identifier) => normalizeIdentifier(identifier, { defaultCountry: settings.defaultCountry });
  const { starts, refused } = startsOf(population, normalize);
  // The ceiling follows the gateway's own policy on fixed lines.
  const groups = linkableGroups(population, normalize, (identifier) => settings.identity.rules.linkFixedLines || identifier.type !== 'phone' || isMobilePhone(identifier));
  const refusedByType: Record<string, number> = {};
  for (const r of refused) refusedByType[r.type] = (refusedByType[r.type] ?? 0) + 1;

  const t1 = performance.now();
  const stack = await startDemoStack({ population, settings, logger: createLogger(logLevel), timeoutMs: options.timeoutMs, credential: apiKey });
  const stackStartMs = performance.now() - t1;
  let outcomes: Outcome[];
  let batchMs: number[];
  let alone: { outcomes: Outcome[]; batchMs: number[]; resolveMs: number } | undefined;
  const t2 = performance.now();
  let resolveMs: number;
  try {
    ({ outcomes, batchMs } = await resolveAll(stack, starts, options.batch));
    resolveMs = performance.now() - t2;
    if (options.batch > 1 && options.batchCheck) {
      const t3 = performance.now();
      alone = { ...(await resolveAll(stack, starts, 1)), resolveMs: 0 };
      alone.resolveMs = performance.now() - t3;
    }
  } finally {
    await stack.close();
  }
  // Starts whose answer in a batch differs from their answer alone.
  const disagreements = alone
    ? starts.flatMap((start, i) => {
        const inBatch = outcomeKey(outcomes[i]!);
        const single = outcomeKey(alone.outcomes[i]!);
        return inBatch === single ? [] : [{ start: start.id, batch: inBatch, alone: single }];
      })
    : [];

  const scores = score(population.truth, starts, outcomes, { maxExamples: options.examples, groups });
  const timingOf = (ms: readonly number[], totalMs: number): Timing => {
    const sorted = [...ms].sort((a, b) => a - b);
    return {
      populationMs,
      stackStartMs,
      resolveMs: totalMs,
      batches: ms.length,
      batchP50Ms: percentile(sorted, 50),
      batchP95Ms: percentile(sorted, 95),
      batchMaxMs: sorted.at(-1) ?? 0,
      startsPerSecond: starts.length / (totalMs / 1000),
    };
  };
  const timing = timingOf(batchMs, resolveMs);
  const aloneScores = alone ? score(population.truth, starts, alone.outcomes, { maxExamples: options.examples, groups }) : undefined;
  const aloneTiming = alone ? timingOf(alone.batchMs, alone.resolveMs) : undefined;

  const failures: string[] = [];
  if (options.minPrecision !== undefined || options.minRecall !== undefined || options.minLinkableRecall !== undefined) {
    const runs: Array<[string, Scores]> = [[`batch ${options.batch}`, scores]];
    if (aloneScores) runs.push(['batch 1', aloneScores]);
    for (const [run, s] of runs) {
      if (options.minPrecision !== undefined && s.precision < options.minPrecision) {
        failures.push(`${run}: precision ${pct(s.precision)} is below ${pct(options.minPrecision)}`);
      }
      if (options.minRecall !== undefined && s.recall < options.minRecall) failures.push(`${run}: recall ${pct(s.recall)} is below ${pct(options.minRecall)}`);
      if (options.minLinkableRecall !== undefined && s.linkableRecall < options.minLinkableRecall) {
        failures.push(`${run}: recall over linkable pairs ${pct(s.linkableRecall)} is below ${pct(options.minLinkableRecall)}`);
      }
      if (s.householdsMerged > 0) failures.push(`${run}: ${s.householdsMerged} answers merged members of a household`);
      const errorCount = Object.values(s.errors).reduce((a, b) => a + b, 0);
      if (errorCount > 0) failures.push(`${run}: ${errorCount} lookups failed (${Object.keys(s.errors).join(', ')}): the figures are not trustworthy`);
    }
    if (disagreements.length > 0) failures.push(`${disagreements.length} starts answered differently in a batch of ${options.batch} and alone`);
  }

  console.log(report(scores, refusedByType, timing, `${label}, batch ${options.batch}`));
  if (aloneScores && aloneTiming) {
    console.log(`\n${report(aloneScores, refusedByType, aloneTiming, `${label}, batch 1`)}`);
    console.log(`\nBatch ${options.batch} vs batch 1: ${disagreements.length} of ${starts.length} starts answered differently`);
    for (const d of disagreements.slice(0, options.examples)) console.log(`  e.g. ${d.start}\n    batch ${options.batch}: ${d.batch}\n    alone: ${d.alone}`);
  }
  if (options.json !== undefined) {
    const document = {
      population: options.populationFile !== undefined
        ? { file: options.populationFile, seed: population.seed, persons: population.truth.length }
        : { seed: options.seed, size: options.size, now: population.generatedAt, persons: population.truth.length },
      settings: { defaultCountry: settings.defaultCountry, identity: { ...settings.identity, rules: { ...settings.identity.rules, blocked: Object.fromEntries(Object.entries(settings.identity.rules.blocked).map(([t, res]) => [t, (res ?? []).map(String)])) } } },
      placeholdersSkipped: refusedByType,
      batch: options.batch,
      ...scores,
      timing,
      alone: aloneScores ? { ...aloneScores, timing: aloneTiming } : null,
      batchDisagreements: alone ? disagreements : null,
      thresholds: { minPrecision: options.minPrecision ?? null, minRecall: options.minRecall ?? null },
      passed: failures.length === 0,
      failures,
    };
    await writeFile(options.json, JSON.stringify(document, null, 2) + '\n');
  }
  if (failures.length > 0) {
    console.error(`\neval:identity: FAILED: ${failures.join('; ')}.`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`eval:identity: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
