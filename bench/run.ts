/**
 * `npm run bench` (about 20 minutes), `npm run bench -- --quick` (about 7 minutes on two cores),
 * `--smoke` (seconds; what test/bench.smoke.test.ts runs). See bench/README.md for what each
 * figure means and how it is measured.
 *
 * Processes: this one drives the load (autocannon) and reports; one child runs the four silo
 * simulators; one child per contender runs that server alone (the gateway warm, the gateway cold,
 * the floor, the usual approach), and a fresh gateway child is used for the memory phase. With
 * taskset and two cores or more, the load generator runs on core 0, every server on core 1, the
 * simulators on cores 2+ (on core 0 with the load generator when there are only two).
 *
 * Options: --quick, --smoke, --out FILE (default bench/results.json for a full run,
 * bench/results-quick.json or results-smoke.json otherwise), --no-pin, --profile (CPU
 * profiles of the saturation runs, in bench/profiles/), --gateway-env KEY=VALUE (a gateway setting
 * to try), --saturation-only (phase 1 alone), --journey-tax-only (the journey question's latency
 * tax alone, after the answer checks: for working on its tail), --journey-tax-control=floor|gateway
 * (the same phase with a second copy of the floor or of the gateway in the gateway's place: what
 * the method reads as a tax between two servers running the same code; with --control-cpu-ms=N the
 * floor's copy spends N ms more CPU on each answer), --graphql-floor (with --journey-tax-only: a
 * third server, the floor's answer through Apollo Server and graphql-js, journey-floor-graphql.ts,
 * the three sharing the rate), --memory-only (phase 5 alone),
 * --server-node-flags="F" (Node
 * flags for every contender instead of the bench:in-process script's). Targets are reported, not
 * enforced: the exit code is 0 whatever the figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixedRate, fixedRateTogether, percentile, saturate, type RequestShape, type RunResult } from './load.js';
import { compareProfiles, summarize, type Profile } from './profile-summary.js';
import { Random } from '../demo/population/random.js';
import { formatModelFile } from '../src/insights/clv/model-file.js';
import { fitLiveClvModel } from '../src/server/clv-sample.js';
import { parseGatewaySettings } from '../src/server/config.js';
import { createGatewayCore } from '../src/server/server.js';
import { closeSiloConnectors, createSiloConnectors } from '../src/server/silos.js';
import { createLogger } from '../src/shared/logger.js';
import { slowestCaught } from './gc-tail.js';
import { BENCH_DIR, REPO_DIR, gcPausesBetween, hasTaskset, observeGc, pin as pinProcess, spawnChild, usage as ownUsage, type Child, type GcKind, type GcPauses, type Usage } from './rpc.js';
import type { ChildUsage, ContenderKind, StartArgs } from './server-child.js';
import { compileForBench } from './compiled.js';
import {
  BENCH_HEADERS,
  IDS_ONLY_QUERY,
  JOURNEY_PAGE_QUERY,
  JOURNEY_QUERY,
  PERSONALIZATION_QUERY,
  PROFILE_QUERY,
  PROFILES_QUERY,
  withJitter,
  type BenchPerson,
  type LookupTrace,
  type SiloLatency,
  type SiloStats,
  type SilosReady,
} from './shared.js';

// ---------------------------------------------------------------------------------------------
// Modes

interface Mode {
  name: 'full' | 'quick' | 'smoke';
  /**
   * People served during the load phases. Kept small (the load asks for a few thousand): the
   * silos share a core with the load generator, and a multi-gigabyte heap of simulated records
   * makes their garbage collector a visible neighbour.
   */
  populationSize: number;
  /** People served during the memory phase (a fresh silos process, started for it alone). */
  memoryPopulationSize: number;
  /** Customers the warm load cycles over (all resolved before the first measured run). */
  warmPersons: number;
  /** Measured runs per contender per phase, alternated A B A B. */
  rounds: number;
  runS: number;
  warmupS: number;
  connections: number;
  /** Ids in the customers(ids:) call-count request, and how many of them are distinct. */
  batchIds: number;
  batchDistinct: number;
  /** Distinct customers resolved before the two memory readings. */
  memoryCheckpoints: [number, number];
  /** Whether the cold gateway also runs at a light rate with silo latency (its p50 there). */
  coldAtLatency: boolean;
  /** Saturation rounds of the cold gateway (it only informs the identity-cache figures). */
  coldRounds: number;
  /** Store receipts of the long-history customer the journey's RSS check pages through. */
  longHistory: number;
  /** Customers whose journey question's upstream calls are counted (one request each). */
  journeyCallSample: number;
  /** Most customers the journey load cycles over (the first of those the profile check kept). */
  journeyPersons: number;
  /**
   * Connections of the journey's closed-loop runs (saturation, and the floor's maximum with
   * latency). Fewer than the profile's: a journey request costs some 30 times more, and 64 or
   * 128 of them in flight queue silo calls past their deadlines (1.5-2 s), which fails them.
   */
  journeyConnections: number;
  /** Rounds and seconds per round of the journey's fixed-rate runs (its p99 needs more requests than one 10 s round has). */
  journeyTaxRounds: number;
  journeyTaxRunS: number;
  /** Customers per personalization request (the issue's `customers(ids: 50)`). */
  personalizationBatch: number;
  /** Distinct batches the personalization load cycles over. */
  personalizationBatches: number;
  /** Connections of the personalization saturation runs (a request asks for 50 customers). */
  personalizationConnections: number;
  /** Customers of the live CLV fit that makes the personalization question's model. */
  clvFitSample: number;
}

const MODES: Record<Mode['name'], Mode> = {
  full: {
    name: 'full',
    populationSize: 30_000,
    memoryPopulationSize: 100_000,
    warmPersons: 4_000,
    rounds: 4,
    runS: 10,
    warmupS: 3,
    connections: 64,
    batchIds: 100,
    batchDistinct: 80,
    memoryCheckpoints: [50_000, 100_000],
    coldAtLatency: true,
    coldRounds: 4,
    longHistory: 5_000,
    journeyCallSample: 20,
    journeyPersons: 1_000,
    journeyConnections: 16,
    journeyTaxRounds: 8,
    journeyTaxRunS: 20,
    personalizationBatch: 50,
    personalizationBatches: 20,
    personalizationConnections: 4,
    clvFitSample: 1000,
  },
  quick: {
    name: 'quick',
    populationSize: 16_000,
    memoryPopulationSize: 40_000,
    warmPersons: 2_000,
    rounds: 4,
    runS: 3,
    warmupS: 1.5,
    connections: 64,
    batchIds: 100,
    batchDistinct: 80,
    memoryCheckpoints: [20_000, 40_000],
    coldAtLatency: true,
    coldRounds: 2,
    longHistory: 5_000,
    journeyCallSample: 20,
    journeyPersons: 1_000,
    journeyConnections: 16,
    journeyTaxRounds: 4,
    journeyTaxRunS: 3,
    personalizationBatch: 50,
    personalizationBatches: 20,
    personalizationConnections: 4,
    clvFitSample: 1000,
  },
  smoke: {
    name: 'smoke',
    populationSize: 400,
    memoryPopulationSize: 400,
    warmPersons: 20,
    rounds: 1,
    // autocannon ends runs on its one-second tick: a shorter run lasts a second anyway.
    runS: 1,
    warmupS: 0,
    connections: 8,
    batchIds: 10,
    batchDistinct: 8,
    memoryCheckpoints: [100, 200],
    // Seconds count in a smoke test; the cold gateway's latency is the slowest part of phase 2.
    coldAtLatency: false,
    coldRounds: 1,
    // Three pages of 100: enough to check that paging goes through; its RSS means nothing here.
    longHistory: 250,
    journeyCallSample: 3,
    journeyPersons: 20,
    journeyConnections: 4,
    journeyTaxRounds: 1,
    journeyTaxRunS: 1,
    personalizationBatch: 5,
    personalizationBatches: 2,
    personalizationConnections: 2,
    clvFitSample: 100,
  },
};

/** How much the gateway's RSS may grow while one client pages through the long history ("flat"). */
const JOURNEY_RSS_BOUND_MIB = 20;
const SOURCES = ['crm', 'loyalty', 'commerce', 'analytics'] as const;

/** Silo latency of the latency-tax phase (ms), each with 25% jitter. */
const LATENCY_MS = { crm: 20, loyalty: 30, commerce: 40, analytics: 60 } as const;
const SEED = 42;

// ---------------------------------------------------------------------------------------------
// Helpers

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** value / by, or 0 when `by` is 0 (so that results.json holds numbers only). */
function ratio(value: number, by: number): number {
  return by === 0 || !Number.isFinite(by) || !Number.isFinite(value) ? 0 : value / by;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

async function inParallel<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/** True when a GraphQL answer has no error but CONSENT_REQUIRED ones (personalization withheld by consent). */
function onlyConsentErrors(errors: unknown): boolean {
  return errors === undefined || (Array.isArray(errors) && errors.every((e: { extensions?: { code?: unknown } }) => e?.extensions?.code === 'CONSENT_REQUIRED'));
}

/** JSON with object keys sorted, to compare two answers whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

function sumCalls(before: SiloStats, after: SiloStats): { total: number; bySilo: Record<string, number>; byRoute: Record<string, number> } {
  const bySilo: Record<string, number> = {};
  const byRoute: Record<string, number> = {};
  let total = 0;
  for (const source of Object.keys(after) as Array<keyof SiloStats>) {
    const calls = after[source].requests - before[source].requests;
    bySilo[source] = calls;
    total += calls;
    for (const [route, n] of Object.entries(after[source].byRoute)) {
      const d = n - (before[source].byRoute[route] ?? 0);
      if (d > 0) byRoute[`${source} ${route}`] = d;
    }
  }
  return { total, bySilo, byRoute };
}

// ---------------------------------------------------------------------------------------------
// Contenders

interface Contender {
  kind: ContenderKind;
  child: Child;
  url: string;
  ask(id: string): { method: 'GET' | 'POST'; path: string; body?: string };
}

function contenderAsk(kind: ContenderKind, url: string, query = PROFILE_QUERY): Contender['ask'] {
  const path = new URL(url).pathname;
  if (isFloor(kind)) return (id) => ({ method: 'GET', path: `${path}?id=${encodeURIComponent(id)}` });
  return (id) => ({ method: 'POST', path, body: JSON.stringify({ query, variables: { id } }) });
}

/** The floor, its second copy and the floor through GraphQL take their customer ids in the query string. */
function isFloor(kind: ContenderKind): boolean {
  return kind === 'floor' || kind === 'floor-b' || kind === 'floor-graphql';
}

/**
 * A contender asked a question about many customers at once: its `id` is their ids joined with
 * commas (the floor takes them so; the gateway gets them as the `ids` variable).
 */
function batchAsk(kind: ContenderKind, url: string, query: string): Contender['ask'] {
  const path = new URL(url).pathname;
  if (isFloor(kind)) return (ids) => ({ method: 'GET', path: `${path}?ids=${encodeURIComponent(ids)}` });
  return (ids) => ({ method: 'POST', path, body: JSON.stringify({ query, variables: { ids: ids.split(',') } }) });
}

/** The request shape of a load run: the i-th request asks for ids[i mod n]. */
function shapeFor(contender: Contender, ids: readonly string[]): RequestShape {
  const asks = ids.map((id) => contender.ask(id));
  return {
    method: asks[0]!.method,
    path: (i) => asks[i % asks.length]!.path,
    body: (i) => asks[i % asks.length]!.body,
  };
}

async function ask(contender: Contender, id: string): Promise<{ status: number; body: any }> {
  const { method, path, body } = contender.ask(id);
  const res = await fetch(new URL(path, contender.url), { method, headers: BENCH_HEADERS, body });
  return { status: res.status, body: await res.json() };
}

async function graphql(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: BENCH_HEADERS, body: JSON.stringify({ query, variables }) });
  return res.json();
}

// ---------------------------------------------------------------------------------------------
// Measured runs

interface RunSummary {
  kind: ContenderKind;
  durationS: number;
  ok: number;
  failed: number;
  rps: number;
  /** Share of one core the server, the silos and the load generator used during the run. */
  serverCpu: number;
  silosCpu: number;
  loadCpu: number;
  serverCpuMicros: number;
  /** Upstream calls the simulators received, and lookups the gateway made, during the run. */
  siloCalls: number;
  lookups: number;
  problems: number;
  /** Longest GC pause in the server and in the silos during the run, in ms. */
  serverGcMaxMs: number;
  /** The server's GC pauses during the run, summed, as a share of the run's wall time. */
  serverGcShare: number;
  /** The server's V8 heap in use at the end of the run, in bytes. */
  serverHeapUsedBytes: number;
  /** The server's GC pauses during the run by kind: how many, summed and longest, in ms. */
  serverGcByKind: Record<GcKind, GcPauses>;
  silosGcMaxMs: number;
  /**
   * The longest event-loop stall during the run, GC or not, in ms: of the server, of the silos'
   * process, and of this one (the load generator, which times every answer). A stall of the load
   * generator or of the silos delays every contender's answers alike.
   */
  serverStallMaxMs: number;
  silosStallMaxMs: number;
  loadStallMaxMs: number;
  /**
   * Of the run's slowest 1% of requests (`of`), how many were in flight during the final pause
   * of one of their server's own mark-compacts (gc-tail.ts; `of` is 0 for a run of no answers).
   */
  slowestInOwnMarkCompact: { caught: number; of: number };
  latencies: number[];
}

interface Harness {
  silos: Child;
  silosReady: SilosReady;
}

/**
 * Waits until the simulators have received no call for 100 ms: the requests a server still had
 * in flight when the previous run stopped would otherwise be counted against the next one.
 */
async function quiesce(h: Harness): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i += 1) {
    const stats = await h.silos.call<SiloStats>('stats');
    const total = Object.values(stats).reduce((n, s) => n + s.requests, 0);
    if (total === last) return;
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measure(h: Harness, contender: Contender, run: () => Promise<RunResult>): Promise<RunSummary> {
  const [summary] = await measureTogether(h, [contender], async () => [await run()]);
  return summary!;
}

/**
 * Runs `run`, which loads the contenders at the same time and answers one result per contender in
 * their order, and measures each: its server's CPU and GC pauses are its own; the silos' CPU, GC
 * and calls are shared, so each summary carries the calls of all, split by the requests each
 * answered.
 */
async function measureTogether(h: Harness, contenders: readonly Contender[], run: () => Promise<RunResult[]>): Promise<RunSummary[]> {
  await quiesce(h);
  await h.silos.call('gc');
  const usage = () => Promise.all(contenders.map((c) => c.child.call<ChildUsage>('usage')));
  const [s0, u0, c0] = await Promise.all([usage(), h.silos.call<Usage>('usage'), h.silos.call<SiloStats>('stats')]);
  const p0 = process.cpuUsage();
  ownUsage(); // resets this process's longest stall
  const results = await run();
  const p1 = process.cpuUsage(p0);
  const loadStallMaxMs = ownUsage().loopDelayMaxMs;
  const [s1, u1, c1] = await Promise.all([usage(), h.silos.call<Usage>('usage'), h.silos.call<SiloStats>('stats')]);
  const answered = results.reduce((n, r) => n + r.ok + r.failed, 0);
  const calls = sumCalls(c0, c1).total;
  return contenders.map((contender, i) => {
    const result = results[i]!;
    const wall = result.durationS * 1e6;
    return {
      kind: contender.kind,
      durationS: result.durationS,
      ok: result.ok,
      failed: result.failed,
      rps: result.ok / result.durationS,
      serverCpu: (s1[i]!.cpuMicros - s0[i]!.cpuMicros) / wall,
      silosCpu: (u1.cpuMicros - u0.cpuMicros) / wall,
      loadCpu: (p1.user + p1.system) / wall,
      serverCpuMicros: s1[i]!.cpuMicros - s0[i]!.cpuMicros,
      siloCalls: contenders.length === 1 ? calls : Math.round((calls * (result.ok + result.failed)) / Math.max(1, answered)),
      lookups: s1[i]!.lookups - s0[i]!.lookups,
      problems: s1[i]!.problems - s0[i]!.problems,
      serverGcMaxMs: s1[i]!.gcMaxMs,
      serverGcShare: (s1[i]!.gcTotalMs - s0[i]!.gcTotalMs) / (wall / 1000),
      serverHeapUsedBytes: s1[i]!.heapUsedBytes,
      serverGcByKind: gcPausesBetween(s0[i]!, s1[i]!),
      silosGcMaxMs: u1.gcMaxMs,
      serverStallMaxMs: s1[i]!.loopDelayMaxMs,
      silosStallMaxMs: u1.loopDelayMaxMs,
      loadStallMaxMs,
      slowestInOwnMarkCompact: slowestCaught(result.latencies, result.starts, s1[i]!.majorPauses),
      latencies: result.latencies,
    };
  });
}

interface RunBrief {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  serverCpu: number;
  silosCpu: number;
  siloCallsPerRequest: number;
  lookupsPerRequest: number;
  failed: number;
  serverGcShare: number;
  serverHeapUsedMiB: number;
}

interface Aggregate {
  runs: number;
  /** Each run, in the order they ran. */
  perRun: RunBrief[];
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  cpuMsPerRequest: number;
  serverCpu: number;
  silosCpu: number;
  loadCpu: number;
  siloCallsPerRequest: number;
  lookupsPerRequest: number;
  problems: number;
  serverGcMaxMs: number;
  silosGcMaxMs: number;
}

function aggregate(runs: readonly RunSummary[]): Aggregate {
  const latencies = runs.flatMap((r) => r.latencies);
  const ok = runs.reduce((n, r) => n + r.ok, 0);
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  return {
    runs: runs.length,
    perRun: runs.map((r) => ({
      rps: round(r.rps, 1),
      p50Ms: round(percentile(r.latencies, 50)),
      p99Ms: round(percentile(r.latencies, 99)),
      serverCpu: round(r.serverCpu),
      silosCpu: round(r.silosCpu),
      siloCallsPerRequest: round(ratio(r.siloCalls, r.ok + r.failed)),
      lookupsPerRequest: round(ratio(r.lookups, r.ok + r.failed), 3),
      failed: r.failed,
      serverGcShare: round(r.serverGcShare, 3),
      serverHeapUsedMiB: round(r.serverHeapUsedBytes / 2 ** 20, 1),
    })),
    rps: round(mean(runs.map((r) => r.rps)), 1),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    ok,
    failed,
    cpuMsPerRequest: round(ratio(runs.reduce((n, r) => n + r.serverCpuMicros, 0) / 1000, ok), 3),
    serverCpu: round(mean(runs.map((r) => r.serverCpu))),
    silosCpu: round(mean(runs.map((r) => r.silosCpu))),
    loadCpu: round(mean(runs.map((r) => r.loadCpu))),
    siloCallsPerRequest: round(ratio(runs.reduce((n, r) => n + r.siloCalls, 0), ok + failed)),
    lookupsPerRequest: round(ratio(runs.reduce((n, r) => n + r.lookups, 0), ok + failed)),
    problems: runs.reduce((n, r) => n + r.problems, 0),
    serverGcMaxMs: round(Math.max(0, ...runs.map((r) => r.serverGcMaxMs))),
    silosGcMaxMs: round(Math.max(0, ...runs.map((r) => r.silosGcMaxMs))),
  };
}

/**
 * Runs every contender `rounds` times, alternating (A B C, B C A, ...), after one unmeasured
 * warm-up each, and pools each contender's runs.
 */
async function alternate(
  h: Harness,
  mode: Mode,
  contenders: readonly Contender[],
  ids: readonly string[],
  load: (contender: Contender, shape: RequestShape, counter: { next: number }, durationS: number) => Promise<RunResult>,
  label: string,
  hooks: {
    beforeRounds?: () => Promise<void>;
    afterRounds?: (runs: Map<ContenderKind, RunSummary[]>) => Promise<void>;
    /** Fewer rounds for some contenders: they sit out the last ones. */
    maxRounds?: Partial<Record<ContenderKind, number>>;
  } = {},
): Promise<{ aggregates: Record<string, Aggregate>; runs: Map<ContenderKind, RunSummary[]> }> {
  const counters = new Map(contenders.map((c) => [c.kind, { next: 0 }]));
  for (const contender of contenders) {
    if (mode.warmupS > 0) await load(contender, shapeFor(contender, ids), counters.get(contender.kind)!, mode.warmupS);
  }
  const runs = new Map<ContenderKind, RunSummary[]>(contenders.map((c) => [c.kind, []]));
  await hooks.beforeRounds?.();
  for (let r = 0; r < mode.rounds; r += 1) {
    for (let k = 0; k < contenders.length; k += 1) {
      const contender = contenders[(r + k) % contenders.length]!;
      if (r >= (hooks.maxRounds?.[contender.kind] ?? mode.rounds)) continue;
      const summary = await measure(h, contender, () => load(contender, shapeFor(contender, ids), counters.get(contender.kind)!, mode.runS));
      runs.get(contender.kind)!.push(summary);
      logRound(`${label} round ${r + 1}/${mode.rounds}`, summary);
    }
  }
  await hooks.afterRounds?.(runs);
  return { aggregates: Object.fromEntries([...runs].map(([kind, list]) => [kind, aggregate(list)])), runs };
}

/** "minor 41 x 0.9 ms, max 4 ms; major 2, max 31 ms; ...": a run's GC pauses of each kind that occurred. */
function gcKindsLine(byKind: Record<GcKind, GcPauses>): string {
  return (Object.entries(byKind) as Array<[GcKind, GcPauses]>)
    .filter(([, p]) => p.count > 0)
    .map(([kind, p]) => `${kind} ${p.count} x ${(p.totalMs / p.count).toFixed(1)} ms, max ${p.maxMs.toFixed(0)} ms`)
    .join('; ');
}

/** One round's line: req/s, p50 and p99, CPU shares and the longest GC pauses. */
function logRound(round: string, summary: RunSummary): void {
  log(
    `${round} ${summary.kind.padEnd(12)} ${summary.rps.toFixed(0).padStart(6)} req/s  ` +
      `p50 ${percentile(summary.latencies, 50).toFixed(2)} ms  p99 ${percentile(summary.latencies, 99).toFixed(2)} ms  ` +
      `cpu server ${(summary.serverCpu * 100).toFixed(0)}% silos ${(summary.silosCpu * 100).toFixed(0)}% load ${(summary.loadCpu * 100).toFixed(0)}%` +
      `  gc max server ${summary.serverGcMaxMs.toFixed(0)} ms silos ${summary.silosGcMaxMs.toFixed(0)} ms` +
      `  stall max server ${summary.serverStallMaxMs.toFixed(0)} ms silos ${summary.silosStallMaxMs.toFixed(0)} ms load ${summary.loadStallMaxMs.toFixed(0)} ms` +
      `  gc server ${(summary.serverGcShare * 100).toFixed(1)}% of the time (${gcKindsLine(summary.serverGcByKind)}), heap ${(summary.serverHeapUsedBytes / 2 ** 20).toFixed(0)} MiB` +
      (summary.slowestInOwnMarkCompact.of > 0 ? `  slowest 1%: ${summary.slowestInOwnMarkCompact.caught} of ${summary.slowestInOwnMarkCompact.of} in its own mark-compact` : '') +
      (summary.failed > 0 ? `  failed ${summary.failed}` : ''),
  );
}

/**
 * Fixed-rate rounds in which the contenders are loaded at the same time, their requests
 * interleaved ({@link fixedRateTogether}), each at `ratePerContender`: a pause of the silos or of
 * the machine then falls on both alike, where alternating rounds gave it to one contender and
 * made its round's p99 (bench/README.md, "The journey question"). Same result shape as
 * {@link alternate}; the contenders' servers share core 1, as they do not in alternating rounds.
 */
async function interleaved(
  h: Harness,
  mode: Pick<Mode, 'rounds' | 'runS' | 'warmupS'>,
  contenders: readonly Contender[],
  ids: readonly string[],
  ratePerContender: number,
  label: string,
): Promise<{ aggregates: Record<string, Aggregate>; runs: Map<ContenderKind, RunSummary[]> }> {
  const targets = contenders.map((c) => ({ url: c.url, shape: shapeFor(c, ids), counter: { next: 0 } }));
  // Whole seconds: each connection of a fixed-rate load sends once a second.
  const seconds = (s: number) => Math.max(1, Math.round(s));
  if (mode.warmupS > 0) await fixedRateTogether(targets, ratePerContender, seconds(mode.warmupS));
  const runs = new Map<ContenderKind, RunSummary[]>(contenders.map((c) => [c.kind, []]));
  for (let r = 0; r < mode.rounds; r += 1) {
    const summaries = await measureTogether(h, contenders, () => fixedRateTogether(targets, ratePerContender, seconds(mode.runS)));
    for (const summary of summaries) {
      runs.get(summary.kind)!.push(summary);
      logRound(`${label} round ${r + 1}/${mode.rounds}`, summary);
    }
  }
  return { aggregates: Object.fromEntries([...runs].map(([kind, list]) => [kind, aggregate(list)])), runs };
}

/**
 * The journey question's latency tax (phase 6): with the silos at `latency`, the journey floor's
 * maximum (closed loop, twice the journey's connections), then half of it as a fixed rate for
 * gateway and floor together, interleaved, in `journeyTaxRounds` rounds of twice
 * `journeyTaxRunS` s. Sets the silos back to 0 ms after.
 */
async function journeyLatencyTax(
  h: Harness,
  mode: Mode,
  gateway: Contender,
  floor: Contender,
  ids: readonly string[],
  latency: SiloLatency,
  /**
   * The servers loaded together, when not the gateway and the floor: two copies of one
   * (--journey-tax-control), or the gateway, the floor through GraphQL and the floor
   * (--graphql-floor). They share the fixed rate equally.
   */
  measured: readonly Contender[] = [gateway, floor],
): Promise<{ floorMax: RunSummary; rate: number; ratePerContender: number; phase: Awaited<ReturnType<typeof interleaved>> }> {
  await h.silos.call('setLatency', latency);
  // With latency a request waits on the silos: twice the connections keep the floor busy.
  const floorMax = await measure(h, floor, () => saturate(floor.url, shapeFor(floor, ids), { next: 0 }, 2 * mode.journeyConnections, Math.max(mode.runS, 1)));
  const rate = Math.max(1, Math.round(floorMax.rps / 2));
  const ratePerContender = Math.max(1, Math.round(rate / measured.length));
  log(
    `journey: the floor's maximum with latency ${floorMax.rps.toFixed(0)} req/s` +
      (floorMax.failed > 0 ? ` (${floorMax.failed} failed)` : '') +
      `; fixed rate ${rate} req/s, ${ratePerContender} each, interleaved`,
  );
  // More and longer rounds than the other phases: at this rate a 10 s round has about 800
  // requests, whose p99 is their eighth-slowest (bench/README.md, "The journey question").
  // Interleaved, each contender at half the rate: rounds twice as long hold as many requests
  // of each as an alternating round did.
  const phase = await interleaved(h, { ...mode, rounds: mode.journeyTaxRounds, runS: 2 * mode.journeyTaxRunS }, measured, ids, ratePerContender, 'journey fixed rate');
  await h.silos.call('setLatency', {});
  return { floorMax, rate, ratePerContender, phase };
}

/**
 * The latency tax at percentile `p` of an interleaved phase ({@link interleaved}): the gateway's
 * percentile over every request of every round, minus the floor's. Interleaving already gives a
 * pause of the silos or the machine to both, so the rounds need not be paired, and the pooled
 * percentile rests on all the requests (p99 of ~15,000 is their 150th slowest, where a round's
 * is its 19th and swung by tens of ms from round to round).
 */
function pooledTax(phase: { runs: Map<ContenderKind, RunSummary[]> }, p: number, [taxed, base]: readonly [ContenderKind, ContenderKind] = ['gateway', 'floor']): number {
  const all = (kind: ContenderKind) => runsOf(phase, kind).flatMap((run) => run.latencies);
  return percentile(all(taxed), p) - percentile(all(base), p);
}

/**
 * `--journey-tax-only --graphql-floor`: the journey's fixed-rate rounds with three servers
 * interleaved, sharing the rate (a sixth of the floor's maximum each): the gateway, the floor
 * through GraphQL (its answer through Apollo Server and graphql-js, journey-floor-graphql.ts) and
 * the floor. Prints the p99 and p50 taxes of each pair: what the GraphQL layer alone costs over
 * the hand-written handler, and what the gateway's own code costs over that layer. The floor
 * through GraphQL is asked every load customer first (warming it as the answer checks warmed
 * the others), and its answers are compared with the floor's; customers on whom they differ
 * are left out of the load.
 */
async function journeyTaxWithGraphqlFloor(
  h: Harness,
  mode: Mode,
  gateway: Contender,
  floor: Contender,
  floorGraphql: Contender,
  ids: readonly string[],
  journeyOf: (customer: unknown) => string,
  latency: SiloLatency,
): Promise<void> {
  const same = new Set<string>();
  await inParallel(ids, 8, async (id) => {
    const [q, f] = await Promise.all([ask(floorGraphql, id), ask(floor, id)]);
    if (q.status === 200 && !q.body?.errors && journeyOf(q.body?.data?.customer) === journeyOf(f.body?.data?.customer)) same.add(id);
  });
  log(`journey: floor through GraphQL = floor for ${same.size}/${ids.length} customers`);
  if (same.size < Math.max(3, ids.length / 2)) throw new Error('The floor through GraphQL and the floor disagree on most customers: the comparison would not be the same question.');
  const kept = ids.filter((id) => same.has(id));
  const tax = await journeyLatencyTax(h, mode, gateway, floor, kept, latency, [gateway, floorGraphql, floor]);
  const line = (pair: readonly [ContenderKind, ContenderKind]): string =>
    `${pair[0]} over ${pair[1]}: p99 tax ${pooledTax(tax.phase, 99, pair).toFixed(2)} ms pooled (median of the rounds ${roundsTax(tax.phase, 99, pair).toFixed(2)} ms), p50 tax ${pooledTax(tax.phase, 50, pair).toFixed(2)} ms`;
  log(`journey tax only, three servers at ${tax.ratePerContender} req/s each (${tax.rate} in all):`);
  for (const pair of [['gateway', 'floor'], ['floor-graphql', 'floor'], ['gateway', 'floor-graphql']] as const) log(`  ${line(pair)}`);
}

/** The median over rounds of the round's gateway percentile minus the floor's (printed beside the pooled tax). */
function roundsTax(phase: { runs: Map<ContenderKind, RunSummary[]> }, p: number, [taxed, base]: readonly [ContenderKind, ContenderKind] = ['gateway', 'floor']): number {
  return pairedMedian(runsOf(phase, taxed), runsOf(phase, base), (x, y) => percentile(x.latencies, p) - percentile(y.latencies, p));
}

/**
 * The median, over rounds, of `f(a's run, b's run)` in the same round: runs of one round are
 * next to each other in time, so a burst of outside load on the machine spoils one pair, not the
 * figure. NaN when there are no pairs.
 */
function pairedMedian(a: readonly RunSummary[], b: readonly RunSummary[], f: (x: RunSummary, y: RunSummary) => number): number {
  const values = a.slice(0, b.length).map((x, i) => f(x, b[i]!)).sort((p, q) => p - q);
  if (values.length === 0) return NaN;
  const mid = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------
// Calls per request

interface Rounds {
  /** Resolution rounds the gateway needed. */
  rounds: number;
  /** Calls per silo in each round (index = round). */
  perRound: Array<Record<string, number>>;
  maxPerSiloPerRound: number;
  meanPerSiloPerRound: number;
  lookupCalls: number;
  lookups: number;
}

/**
 * Groups lookups into resolution rounds: the lookups of one round are issued together, and the
 * next round's are issued only after every lookup of the previous one has finished.
 */
function groupRounds(traces: readonly LookupTrace[]): Rounds {
  const sorted = [...traces].sort((a, b) => a.issuedMs - b.issuedMs);
  const perRound: Array<Record<string, number>> = [];
  let roundEnd = -Infinity;
  for (const trace of sorted) {
    if (trace.issuedMs > roundEnd) perRound.push({});
    const current = perRound[perRound.length - 1]!;
    current[trace.source] = (current[trace.source] ?? 0) + trace.calls;
    roundEnd = Math.max(roundEnd, trace.endMs);
  }
  const cells = perRound.flatMap((r) => Object.values(r));
  return {
    rounds: perRound.length,
    perRound,
    maxPerSiloPerRound: cells.length === 0 ? 0 : Math.max(...cells),
    meanPerSiloPerRound: round(mean(cells)),
    lookupCalls: traces.reduce((n, t) => n + t.calls, 0),
    lookups: traces.length,
  };
}

function runsOf(phase: { runs: Map<ContenderKind, RunSummary[]> }, kind: ContenderKind): RunSummary[] {
  return phase.runs.get(kind) ?? [];
}

/** Gateway req/s over `other`'s, the median over rounds of the runs' ratios. */
function throughputVs(phase: { runs: Map<ContenderKind, RunSummary[]> }, other: ContenderKind): number {
  return pairedMedian(runsOf(phase, 'gateway'), runsOf(phase, other), (x, y) => ratio(x.rps, y.rps));
}

async function countCalls(h: Harness, contender: Contender, query: string, variables: Record<string, unknown>) {
  const traced = contender.kind === 'gateway' || contender.kind === 'gateway-cold';
  await quiesce(h);
  if (traced) await contender.child.call('trace', true);
  const before = await h.silos.call<SiloStats>('stats');
  const body =
    contender.kind === 'floor'
      ? (await ask(contender, (variables.id as string | undefined) ?? (variables.ids as string[]).join(','))).body
      : await graphql(contender.url, query, variables);
  const after = await h.silos.call<SiloStats>('stats');
  const traces = traced ? await contender.child.call<LookupTrace[]>('trace', false) : [];
  const errors = Array.isArray(body?.errors) ? body.errors.length : 0;
  return { calls: sumCalls(before, after), rounds: groupRounds(traces), errors };
}

/**
 * The personalization question's model: fitted live on `size` customers of the bench's population
 * through the gateway's own services (what `npm run clv -- fit --sample N --seed 1` does), written
 * to a temporary model file; with the demo's segments file, what the gateway and the floor load.
 */
async function fitBenchModel(silos: SilosReady['silos'], size: number): Promise<{ segmentsFile: string; modelFile: string }> {
  const parsed = parseGatewaySettings({ env: {} });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const settings = { ...parsed.config, silos };
  const connectors = createSiloConnectors(silos);
  try {
    const started = performance.now();
    const { services, apollo } = await createGatewayCore({ settings, connectors, logger: createLogger('warn', (line) => process.stderr.write(`${line}\n`)) });
    const drawn = new Random(1).fork('clv sample');
    const { model, sample } = await fitLiveClvModel(services, { size, rfmWindowDays: settings.insights.rfmWindowDays, random: (max) => drawn.int(0, max - 1) });
    await apollo.stop();
    const modelFile = join(mkdtempSync(join(tmpdir(), 'bench-clv-')), 'clv-model.json');
    writeFileSync(modelFile, formatModelFile(model));
    log(
      `CLV model fitted live on ${sample.customers} customers (${sample.rows.length} buyers) in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `r ${model.bgnbd.r.toPrecision(3)}, alpha ${model.bgnbd.alpha.toPrecision(3)} days, a ${model.bgnbd.a.toPrecision(3)}, b ${model.bgnbd.b.toPrecision(3)}`,
    );
    return { segmentsFile: join(REPO_DIR, 'demo', 'segments.json'), modelFile };
  } finally {
    await closeSiloConnectors(connectors);
  }
}

/** What the memory phase measured: the fresh gateway's usage after a full GC at each point. */
interface MemoryPhase {
  memBase: ChildUsage;
  memA: ChildUsage;
  memB: ChildUsage;
  memAfter: ChildUsage;
  resolved: number;
  unresolved: number;
  /** GraphQL errors in the answers, and silo failures the gateway logged (warn and above). */
  memErrors: number;
  memSiloFailures: number;
  resolveS: number;
}

/**
 * Phase 5: a fresh gateway resolves `mode.memoryCheckpoints` distinct customers (batches of 100,
 * 6 in flight), its RSS read after a full GC at each checkpoint and after asking the first ones
 * again. `deps.silos` is the load phases' silos when the population is the same size, else null
 * and a population of `mode.memoryPopulationSize` is generated for it.
 */
async function memoryPhase(
  mode: Mode,
  deps: {
    silos: Harness | null;
    spawnSilos: (name: string) => Child;
    spawnServer: (name: string) => Child;
    startArgs: Omit<StartArgs, 'silos' | 'controlUrl'>;
    cpu: { servers: string; silos: string } | null;
  },
): Promise<MemoryPhase> {
  const { cpu } = deps;
  const [checkpointA, checkpointB] = mode.memoryCheckpoints;
  log(`phase 5: memory, ${checkpointA.toLocaleString('en')} then ${checkpointB.toLocaleString('en')} distinct customers through a fresh gateway`);
  let memorySilos = deps.silos;
  if (memorySilos === null) {
    const child = deps.spawnSilos('silos-memory');
    const ready = await child.call<SilosReady>('start', { size: mode.memoryPopulationSize, seed: SEED }, 300_000);
    if (cpu) pinProcess(child.pid, cpu.silos);
    memorySilos = { silos: child, silosReady: ready };
    log(`population of ${ready.populationSize} generated in ${ready.generateMs} ms`);
  }
  const memoryChild = deps.spawnServer('gateway-memory');
  const { url: memoryUrl } = await memoryChild.call<{ url: string }>(
    'start',
    { ...deps.startArgs, silos: memorySilos.silosReady.silos, controlUrl: memorySilos.silosReady.controlUrl },
    60_000,
  );
  if (cpu) pinProcess(memoryChild.pid, cpu.servers);
  const silosOf = memorySilos.silos;
  const starts = await silosOf.call<string[]>('memoryStarts', { count: checkpointB });
  if (starts.length < checkpointB) throw new Error(`The memory phase needs ${checkpointB} people; the population has ${starts.length}.`);
  const readMemory = async (): Promise<ChildUsage> => {
    await memoryChild.call('gc');
    return memoryChild.call<ChildUsage>('usage');
  };
  const memBase = await readMemory();
  let resolved = 0;
  let unresolved = 0;
  let memErrors = 0;
  // Each pass's line: its answers and the gateway's GC pauses meanwhile, so that failures can be
  // told from the gateway's own pauses.
  const resolveAll = async (pass: string, list: readonly string[]): Promise<void> => {
    const before = await memoryChild.call<ChildUsage>('usage');
    await silosOf.call<Usage>('usage'); // resets the silos' longest GC pause and stall
    const [resolvedBefore, unresolvedBefore, errorsBefore] = [resolved, unresolved, memErrors];
    const passStarted = performance.now();
    const batches: string[][] = [];
    for (let i = 0; i < list.length; i += 100) batches.push(list.slice(i, i + 100));
    await inParallel(batches, 6, async (ids) => {
      const body = await graphql(memoryUrl, IDS_ONLY_QUERY, { ids });
      if (body.errors) memErrors += body.errors.length;
      for (const c of (body.data?.customers ?? []) as Array<{ id: string } | null>) {
        if (c) resolved += 1;
        else unresolved += 1;
      }
    });
    const after = await memoryChild.call<ChildUsage>('usage');
    const silosAfter = await silosOf.call<Usage>('usage');
    const gcByKind = gcPausesBetween(before, after);
    log(
      `memory ${pass}: ${list.length} customers in ${((performance.now() - passStarted) / 1000).toFixed(1)} s: ${resolved - resolvedBefore} resolved, ` +
        `${unresolved - unresolvedBefore} unknown, ${memErrors - errorsBefore} errors, gateway silo failures logged ${after.problems - before.problems}; ` +
        `gc ${gcKindsLine(gcByKind)}, heap ${(after.heapUsedBytes / 2 ** 20).toFixed(0)} MiB, RSS ${(after.rssBytes / 2 ** 20).toFixed(0)} MiB; ` +
        `longest event-loop stall: gateway ${after.loopDelayMaxMs.toFixed(0)} ms, silos ${silosAfter.loopDelayMaxMs.toFixed(0)} ms (GC ${silosAfter.gcMaxMs.toFixed(0)} ms)`,
    );
  };
  const memStarted = performance.now();
  await resolveAll(`1 to ${checkpointA}`, starts.slice(0, checkpointA));
  const memA = await readMemory();
  await resolveAll(`${checkpointA + 1} to ${checkpointB}`, starts.slice(checkpointA, checkpointB));
  const memB = await readMemory();
  const resolveS = (performance.now() - memStarted) / 1000;
  // After: the first ones asked again. The capped cache has evicted most of them for the later
  // ones by now, so they resolve again: RSS must not grow.
  await resolveAll(`1 to ${checkpointA} again`, starts.slice(0, checkpointA));
  const memAfter = await readMemory();
  const memSiloFailures = memAfter.problems - memBase.problems;
  log(
    (memSiloFailures > 0 ? `memory: the gateway logged ${memSiloFailures} silo failures: some customers were not cached. ` : '') +
      `memory: RSS ${(memBase.rssBytes / 2 ** 20).toFixed(0)} MiB at start, ${(memA.rssBytes / 2 ** 20).toFixed(0)} MiB after ${checkpointA}, ` +
      `${(memB.rssBytes / 2 ** 20).toFixed(0)} MiB after ${checkpointB}, ${(memAfter.rssBytes / 2 ** 20).toFixed(0)} MiB after asking the first ${checkpointA} again; ` +
      `cache ${memB.cacheKeys} keys; ${resolved} resolved, ${unresolved} unknown, ${memErrors} errors in ${resolveS.toFixed(1)} s`,
  );
  return { memBase, memA, memB, memAfter, resolved, unresolved, memErrors, memSiloFailures, resolveS };
}

// ---------------------------------------------------------------------------------------------
// Main

/** A command-line option the bench cannot take: what was wrong and what it accepts, printed alone (exit code 2). */
class OptionError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'saturation-only': { type: 'boolean', default: false },
      'journey-tax-only': { type: 'boolean', default: false },
      'journey-tax-control': { type: 'string' },
      'control-cpu-ms': { type: 'string' },
      'graphql-floor': { type: 'boolean', default: false },
      'memory-only': { type: 'boolean', default: false },
      'personalization-only': { type: 'boolean', default: false },
      'server-node-flags': { type: 'string' },
      'gateway-env': { type: 'string', multiple: true },
    },
  });
  // Gateway settings to try (e.g. IDENTITY_MAX_ROUNDS=5), applied to every gateway child.
  const gatewayEnv: Record<string, string> = {};
  for (const pair of values['gateway-env'] ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new OptionError(`--gateway-env takes KEY=VALUE, got "${pair}".`);
    gatewayEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const mode = MODES[values.smoke ? 'smoke' : values.quick ? 'quick' : 'full'];
  const controlGiven = values['journey-tax-control'];
  if (controlGiven !== undefined && controlGiven !== 'floor' && controlGiven !== 'gateway') {
    throw new OptionError(`--journey-tax-control takes floor or gateway (which server to measure against a second copy of itself), got "${controlGiven}".`);
  }
  const control = controlGiven === undefined ? null : ({ original: controlGiven, copy: `${controlGiven}-b` } as const);
  const controlCpuGiven = values['control-cpu-ms'];
  const controlCpuMs = controlCpuGiven === undefined ? 0 : Number(controlCpuGiven);
  if (controlCpuGiven !== undefined && (control?.original !== 'floor' || !Number.isFinite(controlCpuMs) || controlCpuMs < 0 || controlCpuMs > 1000)) {
    throw new OptionError(`--control-cpu-ms takes a number of milliseconds from 0 to 1000, with --journey-tax-control=floor (the floor's copy spends them on each journey answer), got "${controlCpuGiven}".`);
  }
  const graphqlFloor = values['graphql-floor'];
  if (graphqlFloor && (!values['journey-tax-only'] || control)) {
    throw new OptionError('--graphql-floor goes with --journey-tax-only, without --journey-tax-control (it adds the floor through Apollo Server and graphql-js to the gateway and the floor).');
  }
  const onlyFlags = (['saturation-only', 'journey-tax-only', 'memory-only', 'personalization-only'] as const).filter((flag) => values[flag]);
  if (onlyFlags.length > 1) throw new OptionError(`--${onlyFlags.join(' and --')} cannot go together: each runs one phase alone; give one.`);
  // bench/results.json is the full run's, kept in the repository; a quick or smoke run writes
  // beside it (untracked) rather than over it.
  const out = values.out ?? join(BENCH_DIR, mode.name === 'full' ? 'results.json' : `results-${mode.name}.json`);
  const started = performance.now();
  // This process's event-loop stalls, printed with each fixed-rate round (the load generator's own).
  observeGc();
  const cores = availableParallelism();
  const pin = !values['no-pin'] && cores >= 2 && hasTaskset();
  const cpu = pin ? { load: '0', servers: '1', silos: cores >= 3 ? `2-${cores - 1}` : '0' } : null;
  log(
    `mode ${mode.name}: ${cores} cores, ${pin ? `load generator on core ${cpu!.load}, servers on core ${cpu!.servers}, silos on ${cpu!.silos}` : 'not pinned' + (values['no-pin'] ? ' (--no-pin)' : cores < 2 ? ' (one core)' : ' (no taskset)')}`,
  );

  // Every contender runs with the Node flags `npm start` runs the gateway with: a hand-written
  // server would be tuned the same way, and the gateway is measured as users run it.
  const flagsGiven = values['server-node-flags'];
  const serverNodeFlags = flagsGiven === undefined ? benchNodeFlags() : flagsGiven.split(/\s+/).filter((flag) => flag !== '');
  log(`server Node flags (${flagsGiven === undefined ? 'from the bench:in-process script' : '--server-node-flags'}): ${serverNodeFlags.join(' ') || 'none'}`);
  const profileDir = join(BENCH_DIR, 'profiles', `${mode.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  // The children run compiled by tsc, as `npm run start:prod` runs the gateway (compiled.ts).
  const compiled = compileForBench();
  log(`compiled with tsc (tsconfig.bench.json) in ${compiled.ms} ms: every server and the silos run ${compiled.dir} with plain node, as production runs dist/`);
  const children: Child[] = [];
  const spawnServer = (name: string): Child => {
    const child = spawnChild({ name, script: 'server-child.ts', nodeArgs: ['--expose-gc', ...serverNodeFlags], compiledDir: compiled.dir });
    children.push(child);
    return child;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.stop().catch(() => undefined)));
  };
  process.once('SIGINT', () => {
    for (const c of children) c.process.kill('SIGKILL');
    process.exit(130);
  });

  try {
    // The silos first: generating the population is the slow part, the servers start meanwhile.
    const spawnSilos = (name: string): Child => {
      // A larger young generation: fewer request-lived objects reach the old generation, where
      // collecting means marking every simulated record. No memory reducer: about 100 s after its
      // last mark-compact (its watchdog), or when the silos go quiet, V8 collects the whole heap
      // to shrink it, and on the core the silos share with the load that marking of the memory
      // phase's 1.2 GB population took 3 to 6 s, in which none of the four simulators answered:
      // the gateway's calls timed out and its circuit breakers opened (50,735 errors in a run at
      // c6224e9, 0 without it). Real silos are four services and do not stop together.
      // A heap growing factor of 3: after the full collections the harness asks for before each
      // round, the old generation may triple before V8 marks it again. With V8's own factor, the
      // request data the simulators promote filled the headroom about 30 s into a 40 s fixed-rate
      // round at 110-120 journey requests a second, and marking the 30,000-person population held
      // all four simulators 0.35-0.6 s: every contender's p99 read 420-1,100 ms, both alike, and
      // the journey's p99 tax read that noise (bench/README.md, "The journey question (phase 6)").
      const child = spawnChild({
        name,
        script: 'silos-child.ts',
        nodeArgs: ['--expose-gc', '--max-old-space-size=8192', '--max-semi-space-size=64', '--no-memory-reducer', '--heap-growing-percent=200'],
        compiledDir: compiled.dir,
      });
      children.push(child);
      return child;
    };
    if (values['memory-only']) {
      if (cpu) pinProcess(process.pid, cpu.load);
      await memoryPhase(mode, { silos: null, spawnSilos, spawnServer, startArgs: { kind: 'gateway', persons: [], gatewayEnv, insights: null }, cpu });
      return;
    }
    const silos = spawnSilos('silos');

    const kinds: ContenderKind[] = ['gateway', 'floor', 'usual', 'gateway-cold', ...(control ? [control.copy] : []), ...(graphqlFloor ? (['floor-graphql'] as const) : [])];
    const serverChildren = new Map(kinds.map((kind) => [kind, spawnServer(kind)]));
    // Children inherit their parent's CPU affinity when spawned: pin this process only now.
    if (cpu) pinProcess(process.pid, cpu.load);
    const silosReady = await silos.call<SilosReady>('start', { size: mode.populationSize, seed: SEED, longHistory: mode.longHistory }, 300_000);
    const h: Harness = { silos, silosReady };
    log(`population of ${silosReady.populationSize} generated in ${silosReady.generateMs} ms; ${silosReady.persons.length} people with one CRM, loyalty and shop record each`);

    // The personalization question's model: fitted live on a sample of this population, as the
    // demo fits one at start (`npm run clv -- fit --sample N`), and loaded by the gateway and the floor.
    const insights = await fitBenchModel(silosReady.silos, mode.clvFitSample);

    const needed = mode.warmPersons + mode.batchDistinct + 2;
    if (silosReady.persons.length < needed) throw new Error(`The population has ${silosReady.persons.length} usable people; the ${mode.name} mode needs ${needed}.`);
    const warmSet = silosReady.persons.slice(0, mode.warmPersons);
    const coldSet = silosReady.persons.slice(mode.warmPersons, needed);

    const startArgs = (kind: ContenderKind): StartArgs => ({
      kind,
      silos: silosReady.silos,
      controlUrl: silosReady.controlUrl,
      persons: warmSet.concat(coldSet),
      gatewayEnv,
      insights,
      ...(kind === 'floor-b' ? { journeyExtraCpuMs: controlCpuMs } : {}),
    });
    const contenders = new Map<ContenderKind, Contender>();
    // The same servers asked the journey question and the personalization question (the floor on its own paths).
    const journeyContenders = new Map<ContenderKind, Contender>();
    const personalizationContenders = new Map<ContenderKind, Contender>();
    await Promise.all(
      kinds.map(async (kind) => {
        const child = serverChildren.get(kind)!;
        const { url, journeyUrl, personalizationUrl } = await child.call<{ url: string; journeyUrl: string; personalizationUrl: string }>('start', startArgs(kind), 60_000);
        contenders.set(kind, { kind, child, url, ask: contenderAsk(kind, url) });
        journeyContenders.set(kind, { kind, child, url: journeyUrl, ask: contenderAsk(kind, journeyUrl, JOURNEY_QUERY) });
        personalizationContenders.set(kind, { kind, child, url: personalizationUrl, ask: batchAsk(kind, personalizationUrl, PERSONALIZATION_QUERY) });
      }),
    );
    if (cpu) {
      pinProcess(silos.pid, cpu.silos);
      for (const child of serverChildren.values()) pinProcess(child.pid, cpu.servers);
    }
    const C = (kind: ContenderKind): Contender => contenders.get(kind)!;
    log(`servers up: ${kinds.map((k) => `${k} ${C(k).url}`).join(', ')}`);

    // --- Same question, same answer: every warm-set customer through the three, compared. ---
    // The gateway answers in batches of 100 (which also warms its cache), the floor one by one,
    // the usual approach for a sample (it is the slowest, and only informs).
    const gatewayAnswers = new Map<string, unknown>();
    let gatewayErrors = 0;
    const chunks: BenchPerson[][] = [];
    for (let i = 0; i < warmSet.length; i += 100) chunks.push(warmSet.slice(i, i + 100));
    await inParallel(chunks, 4, async (chunk) => {
      const body = await graphql(C('gateway').url, PROFILES_QUERY, { ids: chunk.map((p) => `crm:${p.crm}`) });
      if (body.errors) gatewayErrors += body.errors.length;
      chunk.forEach((p, i) => gatewayAnswers.set(p.crm, body.data?.customers?.[i] ?? null));
    });
    const sameAsFloor: BenchPerson[] = [];
    await inParallel(warmSet, 32, async (person) => {
      const f = await ask(C('floor'), `crm:${person.crm}`);
      const g = gatewayAnswers.get(person.crm);
      if (g && canonical(g) === canonical(f.body?.data?.customer)) sameAsFloor.push(person);
    });
    const usualSample = warmSet.slice(0, Math.min(warmSet.length, 200));
    let usualAgrees = 0;
    await inParallel(usualSample, 16, async (person) => {
      const u = await ask(C('usual'), `crm:${person.crm}`);
      const { id: _g, ...gRest } = (gatewayAnswers.get(person.crm) ?? {}) as Record<string, unknown>;
      const { id: _u, ...uRest } = u.body?.data?.customer ?? {};
      if (canonical(gRest) === canonical(uRest)) usualAgrees += 1;
    });
    // Keep the truth order, so that runs of the same mode ask for the same customers.
    const order = new Map(warmSet.map((p, i) => [p.crm, i]));
    sameAsFloor.sort((a, b) => order.get(a.crm)! - order.get(b.crm)!);
    log(
      `answers: gateway = floor for ${sameAsFloor.length}/${warmSet.length} customers, gateway = usual approach (all but id) for ${usualAgrees}/${usualSample.length}` +
        (gatewayErrors > 0 ? `, gateway errors ${gatewayErrors}` : ''),
    );
    if (sameAsFloor.length < Math.max(5, warmSet.length / 2)) throw new Error('The gateway and the floor disagree on most customers: the comparison would not be the same question.');
    const loadIds = sameAsFloor.map((p) => `crm:${p.crm}`);

    // --- 7: the personalization question: customers(ids: 50) { lifecycle clv segments }, gateway against its floor. ---
    // A function, so that --personalization-only can run it alone, right after the answers check.
    const personalizationQuestion = async () => {
      const PG = personalizationContenders.get('gateway')!;
      const PF = personalizationContenders.get('floor')!;
      const batchSize = mode.personalizationBatch;
      const personalizationPeople = sameAsFloor.slice(0, batchSize * mode.personalizationBatches);
      const personalizationAsked: string[] = [];
      for (let i = 0; i + batchSize <= personalizationPeople.length; i += batchSize) {
        personalizationAsked.push(personalizationPeople.slice(i, i + batchSize).map((p) => `crm:${p.crm}`).join(','));
      }
      // Same question, same answer, customer by customer (the links are warm since the profile phase).
      const personalizationSame: string[] = [];
      let personalizationCustomersSame = 0;
      let personalizationGatewayErrors = 0;
      const stages: Record<string, number> = {};
      const segmentMembers: Record<string, number> = {};
      await inParallel(personalizationAsked, 2, async (batch) => {
        const [g, f] = await Promise.all([ask(PG, batch), ask(PF, batch)]);
        if (g.body?.errors) personalizationGatewayErrors += g.body.errors.length;
        const fromGateway: any[] = g.body?.data?.customers ?? [];
        const fromFloor: any[] = f.status === 200 ? (f.body?.data?.customers ?? []) : [];
        let same = 0;
        batch.split(',').forEach((_id, i) => {
          if (fromGateway[i] && canonical(fromGateway[i]) === canonical(fromFloor[i])) same += 1;
          const stage = fromGateway[i]?.lifecycle?.stage ?? 'none';
          stages[stage] = (stages[stage] ?? 0) + 1;
          for (const { name } of fromGateway[i]?.segments ?? []) segmentMembers[name] = (segmentMembers[name] ?? 0) + 1;
        });
        personalizationCustomersSame += same;
        // A customer who refused profiling is null with CONSENT_REQUIRED in both answers (the floor
        // applies the same rule): the batch is the same question all the same.
        if (same === batchSize && onlyConsentErrors(g.body?.errors)) personalizationSame.push(batch);
      });
      personalizationSame.sort((a, b) => personalizationAsked.indexOf(a) - personalizationAsked.indexOf(b));
      log(
        `phase 7: the personalization question, customers(ids: ${batchSize}); answers: gateway = floor for ${personalizationCustomersSame}/${personalizationAsked.length * batchSize} customers, ` +
          `${personalizationSame.length}/${personalizationAsked.length} whole batches` +
          (personalizationGatewayErrors > 0 ? `, gateway errors ${personalizationGatewayErrors}` : '') +
          `; stages ${JSON.stringify(stages)}; segment members ${JSON.stringify(segmentMembers)}`,
      );
      if (personalizationSame.length < Math.max(1, personalizationAsked.length / 2)) {
        throw new Error('The gateway and the personalization floor disagree on most batches: the comparison would not be the same question.');
      }
      const personalizationPhase = await alternate(
        h,
        mode,
        [PG, PF],
        personalizationSame,
        (c, shape, counter, s) => saturate(c.url, shape, counter, mode.personalizationConnections, s),
        'personalization saturation',
      );
      const personalizationThroughputVsFloor = throughputVs(personalizationPhase, 'floor');
      const personalizationCalls: Record<'gateway' | 'floor', Record<string, number>> = { gateway: {}, floor: {} };
      const personalizationCallBatches = personalizationSame.slice(0, Math.min(3, personalizationSame.length));
      for (const batch of personalizationCallBatches) {
        for (const [side, contender] of [['gateway', PG], ['floor', PF]] as const) {
          const counted = await countCalls(h, contender, PERSONALIZATION_QUERY, { ids: batch.split(',') });
          for (const [route, n] of Object.entries(counted.calls.byRoute)) personalizationCalls[side][route] = (personalizationCalls[side][route] ?? 0) + n;
        }
      }
      const perBatch = (calls: Record<string, number>): Record<string, number> =>
        Object.fromEntries(Object.entries(calls).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => [k, round(ratio(n, personalizationCallBatches.length), 2)]));
      const personalizationCallsPerRequest = { gateway: perBatch(personalizationCalls.gateway), floor: perBatch(personalizationCalls.floor) };
      log(`personalization calls per request by route: gateway ${JSON.stringify(personalizationCallsPerRequest.gateway)}, floor ${JSON.stringify(personalizationCallsPerRequest.floor)}`);
      return { batchSize, personalizationAsked, personalizationSame, personalizationCustomersSame, stages, segmentMembers, personalizationPhase, personalizationThroughputVsFloor, personalizationCallBatches, personalizationCallsPerRequest };
    };
    if (values['personalization-only']) {
      const { personalizationPhase: phase, batchSize: size } = await personalizationQuestion();
      const line = (kind: 'gateway' | 'floor'): string => `${kind} ${phase.aggregates[kind]!.rps} req/s, ${round(phase.aggregates[kind]!.cpuMsPerRequest / size, 3)} ms CPU/customer`;
      log(`personalization only: ${line('gateway')}; ${line('floor')}; gateway/floor ${round(throughputVs(phase, 'floor'), 3)}`);
      return;
    }


    const latency: SiloLatency = {
      crm: withJitter(LATENCY_MS.crm),
      loyalty: withJitter(LATENCY_MS.loyalty),
      commerce: withJitter(LATENCY_MS.commerce),
      analytics: withJitter(LATENCY_MS.analytics),
    };

    // The journey question (phase 6) asked of both first, for its customers: those on whom they agree.
    const JG = journeyContenders.get('gateway')!;
    const JF = journeyContenders.get('floor')!;
    // Same question, same answer: the touchpoints (every selected field but the cursors, which
    // each signs its own way), whether more follow, and the summary's figures.
    const journeyOf = (customer: any): string =>
      canonical({
        nodes: (customer?.journey?.edges ?? []).map((e: { node: unknown }) => e.node),
        hasNextPage: customer?.journey?.pageInfo?.hasNextPage ?? null,
        summary: customer?.journeySummary ?? null,
      });
    const journeySame: BenchPerson[] = [];
    let journeyGatewayErrors = 0;
    const journeyAsked = sameAsFloor.slice(0, mode.journeyPersons);
    await inParallel(journeyAsked, 8, async (person) => {
      const [g, f] = await Promise.all([ask(JG, `crm:${person.crm}`), ask(JF, `crm:${person.crm}`)]);
      if (g.body?.errors) journeyGatewayErrors += 1;
      if (!g.body?.errors && f.status === 200 && journeyOf(g.body?.data?.customer) === journeyOf(f.body?.data?.customer)) journeySame.push(person);
    });
    journeySame.sort((a, b) => order.get(a.crm)! - order.get(b.crm)!);
    log(
      `phase 6: the journey question; answers: gateway = floor for ${journeySame.length}/${journeyAsked.length} customers` +
        (journeyGatewayErrors > 0 ? `, gateway errors on ${journeyGatewayErrors}` : ''),
    );
    if (journeySame.length < Math.max(3, journeyAsked.length / 2)) throw new Error('The gateway and the journey floor disagree on most customers: the comparison would not be the same question.');
    const journeyIds = journeySame.map((p) => `crm:${p.crm}`);
    if (values['journey-tax-only'] || control) {
      // The control: the copy warmed as the original was by the answer checks (its identity
      // cache filled with the same customers), then measured in the gateway's place.
      const pair: readonly [ContenderKind, ContenderKind] = control ? [control.copy, control.original] : ['gateway', 'floor'];
      if (control) await inParallel(journeyIds, 8, async (id) => void (await ask(journeyContenders.get(control.copy)!, id)));
      if (graphqlFloor) {
        await journeyTaxWithGraphqlFloor(h, mode, JG, JF, journeyContenders.get('floor-graphql')!, journeyIds, journeyOf, latency);
        return;
      }
      const tax = await journeyLatencyTax(h, mode, JG, JF, journeyIds, latency, [journeyContenders.get(pair[0])!, journeyContenders.get(pair[1])!]);
      log(
        `journey tax only${control ? ` (control: ${pair[0]} over ${pair[1]}, the same code${controlCpuMs > 0 ? ` but ${controlCpuMs} ms more CPU per answer` : ''})` : ''}: p99 tax ${pooledTax(tax.phase, 99, pair).toFixed(2)} ms pooled (median of the rounds ${roundsTax(tax.phase, 99, pair).toFixed(2)} ms), ` +
          `p50 tax ${pooledTax(tax.phase, 50, pair).toFixed(2)} ms, at ${tax.rate} req/s`,
      );
      return;
    }

    // --- 1 and 4: throughput at saturation, silos at 0 ms, warm and cold. ---
    log(`phase 1: saturation, silos at 0 ms, ${mode.connections} connections, ${mode.rounds} x ${mode.runS} s per contender`);
    // --profile: V8's CPU profile of the gateway, the floor and the usual approach over the
    // measured saturation runs, so that CPU time can be divided by the requests answered.
    const profiled: ContenderKind[] = values.profile ? ['gateway', 'floor', 'usual'] : [];
    let profileReport = '';
    const phase1 = await alternate(
      h,
      mode,
      [C('gateway'), C('floor'), C('usual'), C('gateway-cold')],
      loadIds,
      (c, shape, counter, s) => saturate(c.url, shape, counter, mode.connections, s),
      'saturation',
      {
        maxRounds: { 'gateway-cold': mode.coldRounds },
        beforeRounds: async () => {
          for (const kind of profiled) await C(kind).child.call('profile', true);
        },
        afterRounds: async (runs) => {
          if (profiled.length === 0) return;
          mkdirSync(profileDir, { recursive: true });
          const profiles = [];
          for (const kind of profiled) {
            const profile = await C(kind).child.call<Profile>('profile', false);
            writeFileSync(join(profileDir, `${kind}.cpuprofile`), JSON.stringify(profile));
            const requests = (runs.get(kind) ?? []).reduce((n, r) => n + r.ok + r.failed, 0);
            profiles.push({ name: kind, profile, requests });
          }
          profileReport =
            `CPU profiles of the saturation runs (silos 0 ms), written to ${profileDir}:\n` +
            `${compareProfiles(profiles, 18)}\n\nThe gateway's profile:\n${summarize(profiles[0]!.profile, 30)}\n`;
        },
      },
    );
    const saturation = phase1.aggregates;
    if (values['saturation-only']) {
      const line = (kind: ContenderKind): string => {
        const a = saturation[kind]!;
        return `${kind} ${a.rps} req/s, ${a.cpuMsPerRequest} ms CPU/request`;
      };
      log(
        `saturation only: ${(['gateway', 'floor', 'usual', 'gateway-cold'] as const).map(line).join('; ')}; ` +
          `gateway/floor ${round(throughputVs(phase1, 'floor'), 3)}, gateway/usual ${round(throughputVs(phase1, 'usual'), 3)}`,
      );
      if (profileReport) process.stdout.write(profileReport);
      return;
    }

    // --- 2: latency tax at a fixed rate, silos at 20/30/40/60 ms with jitter. ---
    await silos.call('setLatency', latency);
    log(`phase 2: silos at ${Object.values(LATENCY_MS).join('/')} ms (+25% jitter); the floor's maximum first`);
    const floorMaxRun = await measure(h, C('floor'), () =>
      saturate(C('floor').url, shapeFor(C('floor'), loadIds), { next: 0 }, Math.max(mode.connections, 128), Math.max(mode.runS, 1)),
    );
    const rate = Math.max(1, Math.round(floorMaxRun.rps / 2));
    // The gateway's own maximum with the same latency: there, both are bound by the 32
    // connections per silo rather than by CPU.
    const gatewayMaxRun = await measure(h, C('gateway'), () =>
      saturate(C('gateway').url, shapeFor(C('gateway'), loadIds), { next: 0 }, Math.max(mode.connections, 128), Math.max(mode.runS, 1)),
    );
    // Gateway and floor interleaved in the same rounds, each at half the rate, so that together
    // they load the silos at half the floor's maximum; rounds twice as long as an alternating
    // round, so that each contender's round holds as many requests as it did alone.
    const ratePerContender = Math.max(1, Math.round(rate / 2));
    log(`maximum with latency: floor ${floorMaxRun.rps.toFixed(0)} req/s, gateway ${gatewayMaxRun.rps.toFixed(0)} req/s; fixed rate ${rate} req/s, ${ratePerContender} each, interleaved`);
    const phase2 = await interleaved(h, { ...mode, runS: 2 * mode.runS }, [C('gateway'), C('floor')], loadIds, ratePerContender, 'fixed rate');
    const fixed = phase2.aggregates;
    // 4: what the cache saves per request, warm against cold at a light rate. At the fixed rate
    // above, the cold gateway's lookups overrun its 32 connections per silo and it queues.
    const lightRate = Math.max(2, Math.round(rate / 6));
    const light: Partial<Record<ContenderKind, Aggregate>> = {};
    if (mode.coldAtLatency) {
      for (const kind of ['gateway', 'gateway-cold'] as const) {
        const c = C(kind);
        const run = await measure(h, c, () => fixedRate(c.url, shapeFor(c, loadIds), { next: 0 }, lightRate, Math.max(2, Math.round(mode.runS / 2))));
        light[kind] = aggregate([run]);
        log(`light rate ${lightRate} req/s ${kind.padEnd(12)} p50 ${percentile(run.latencies, 50).toFixed(2)} ms  p99 ${percentile(run.latencies, 99).toFixed(2)} ms`);
      }
    }
    await silos.call('setLatency', {});

    // --- 3: calls per request, counted at the simulators. ---
    log('phase 3: calls per request');
    const warmId = loadIds[0]!;
    // One unmeasured ask each first: a 5-minute tier-list refresh belongs to no request.
    for (const kind of ['gateway', 'floor', 'usual'] as const) await ask(C(kind), warmId);
    const warmGateway = await countCalls(h, C('gateway'), PROFILE_QUERY, { id: warmId });
    const warmFloor = await countCalls(h, C('floor'), PROFILE_QUERY, { id: warmId });
    const usualOne = await countCalls(h, C('usual'), PROFILE_QUERY, { id: warmId });
    const coldId = `crm:${coldSet[0]!.crm}`;
    const coldGateway = await countCalls(h, C('gateway'), PROFILE_QUERY, { id: coldId });
    const distinct = coldSet.slice(1, 1 + mode.batchDistinct).map((p) => `crm:${p.crm}`);
    // 20% duplicates, spread through the list (every fifth id repeats an earlier one).
    const batch: string[] = [];
    for (let i = 0, d = 0; batch.length < mode.batchIds; i += 1) {
      batch.push((i + 1) % 5 === 0 && batch.length > 0 ? batch[Math.floor(batch.length / 2)]! : distinct[d++ % distinct.length]!);
    }
    const batchGateway = await countCalls(h, C('gateway'), PROFILES_QUERY, { ids: batch });
    const batchGatewayWarm = await countCalls(h, C('gateway'), PROFILES_QUERY, { ids: batch });
    const batchUsual = await countCalls(h, C('usual'), PROFILES_QUERY, { ids: batch });
    const usualLookupRoutes = ['crm contacts.batchRead', 'loyalty member.list', 'commerce customers.search'];
    const usualLookupPerSilo = usualLookupRoutes.map((route) => batchUsual.calls.byRoute[route] ?? 0);
    const batchCallsPerSiloPerRound = batchGateway.rounds.maxPerSiloPerRound;
    const batchCallsVsUsual = ratio(batchCallsPerSiloPerRound, mean(usualLookupPerSilo));
    log(
      `customers(ids: ${batch.length}, ${new Set(batch).size} distinct): gateway ${batchGateway.calls.total} calls ` +
        `(${batchGateway.rounds.lookupCalls} in ${batchGateway.rounds.rounds} resolution rounds, at most ${batchCallsPerSiloPerRound} per silo per round), ` +
        `usual approach ${batchUsual.calls.total} calls`,
    );

    // --- 6: the journey question (answers compared before phase 1), gateway against its floor. ---
    const journeyPhase1 = await alternate(h, mode, [JG, JF], journeyIds, (c, shape, counter, s) => saturate(c.url, shape, counter, mode.journeyConnections, s), 'journey saturation');
    const { floorMax: journeyFloorMax, rate: journeyRate, ratePerContender: journeyRatePerContender, phase: journeyPhase2 } = await journeyLatencyTax(h, mode, JG, JF, journeyIds, latency);
    const journeyThroughputVsFloor = throughputVs(journeyPhase1, 'floor');
    const journeyP50TaxMs = pooledTax(journeyPhase2, 50);
    const journeyP99TaxMs = pooledTax(journeyPhase2, 99);
    const journeyP99TaxPairedMs = roundsTax(journeyPhase2, 99);
    // Upstream calls of one question, per silo, counted at the simulators over a sample of customers.
    const callSample = journeySame.slice(0, mode.journeyCallSample);
    const journeyCalls = { gateway: Object.fromEntries(SOURCES.map((s) => [s, 0])), floor: Object.fromEntries(SOURCES.map((s) => [s, 0])) };
    const journeyRoutes: Record<'gateway' | 'floor', Record<string, number>> = { gateway: {}, floor: {} };
    let journeyCallErrors = 0;
    for (const person of callSample) {
      for (const [side, contender] of [['gateway', JG], ['floor', JF]] as const) {
        const counted = await countCalls(h, contender, JOURNEY_QUERY, { id: `crm:${person.crm}` });
        journeyCallErrors += counted.errors;
        for (const source of SOURCES) journeyCalls[side][source]! += counted.calls.bySilo[source] ?? 0;
        for (const [route, n] of Object.entries(counted.calls.byRoute)) journeyRoutes[side][route] = (journeyRoutes[side][route] ?? 0) + n;
      }
    }
    const perRequest = (calls: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(calls).map(([k, n]) => [k, round(ratio(n, callSample.length), 2)]));
    const journeyCallsPerSilo = { gateway: perRequest(journeyCalls.gateway), floor: perRequest(journeyCalls.floor) };
    // Every person of the sample has a record in the CRM, the loyalty program and the shop; most have analytics devices.
    const journeyCallsPerSiloMax = Math.max(...SOURCES.map((s) => journeyCallsPerSilo.gateway[s]!));
    // The target: no call beyond the hand-written handler's (README, "The journey question": one
    // read per history and the records the profile reads anyway; the issue's "at most 1 per silo"
    // holds for later pages, which journey-cost.test.ts counts).
    const journeyExtraCallsVsFloor = round(Math.max(...SOURCES.map((s) => journeyCallsPerSilo.gateway[s]! - journeyCallsPerSilo.floor[s]!)), 2);
    log(`journey calls per request (mean of ${callSample.length} customers): gateway ${JSON.stringify(journeyCallsPerSilo.gateway)}, floor ${JSON.stringify(journeyCallsPerSilo.floor)}`);

    // RSS of the gateway while one client pages through the long-history customer to the end.
    const longHistory = silosReady.longHistory!;
    const longId = `loyalty:${longHistory.memberId}`;
    const readGatewayMemory = async (): Promise<ChildUsage> => {
      await JG.child.call('gc');
      return JG.child.call<ChildUsage>('usage');
    };
    const pageSamples: Array<{ page: number; rssBytes: number; heapUsedBytes: number }> = [];
    const expectedPages = Math.ceil((longHistory.transactions + 1) / 100);
    const seenIds = new Set<string>();
    let pages = 0;
    let pagingErrors = 0;
    let after: string | null = null;
    const pagingStarted = performance.now();
    for (;;) {
      const body = await graphql(JG.url, JOURNEY_PAGE_QUERY, { id: longId, after });
      if (body.errors) pagingErrors += body.errors.length;
      const connection = body.data?.customer?.journey;
      if (!connection) break;
      pages += 1;
      for (const edge of connection.edges as Array<{ node: { id: string } }>) seenIds.add(edge.node.id);
      if (pages === 1 || pages === Math.ceil(expectedPages / 2) || !connection.pageInfo.hasNextPage) {
        const u = await readGatewayMemory();
        pageSamples.push({ page: pages, rssBytes: u.rssBytes, heapUsedBytes: u.heapUsedBytes });
      }
      if (!connection.pageInfo.hasNextPage || pages > expectedPages * 2) break;
      after = connection.pageInfo.endCursor;
    }
    const pagingS = (performance.now() - pagingStarted) / 1000;
    const firstSample = pageSamples[0];
    const lastSample = pageSamples.at(-1);
    const journeyRssGrowthMiB = firstSample && lastSample ? (lastSample.rssBytes - firstSample.rssBytes) / 2 ** 20 : NaN;
    log(
      `journey paging: ${longId} (${longHistory.transactions} receipts): ${pages} pages of 100, ${seenIds.size} distinct touchpoints, ${pagingErrors} errors in ${pagingS.toFixed(1)} s; ` +
        `gateway RSS after a full GC ${pageSamples.map((x) => `page ${x.page} ${(x.rssBytes / 2 ** 20).toFixed(0)} MiB`).join(', ')}`,
    );

    // --- 7: the personalization question (personalizationQuestion above). ---
    const { batchSize, personalizationAsked, personalizationSame, personalizationCustomersSame, stages, segmentMembers, personalizationPhase, personalizationThroughputVsFloor, personalizationCallBatches, personalizationCallsPerRequest } =
      await personalizationQuestion();

    // --- 5: memory of a fresh gateway resolving many distinct customers. ---
    // The load phases are over: their servers go, and a population as large as the phase needs
    // replaces theirs.
    if (mode.memoryPopulationSize !== mode.populationSize) await Promise.all([...serverChildren.values(), silos].map((c) => c.stop()));
    const memory = await memoryPhase(mode, {
      silos: mode.memoryPopulationSize === mode.populationSize ? h : null,
      spawnSilos,
      spawnServer,
      startArgs: { ...startArgs('gateway'), persons: [] },
      cpu,
    });
    const [checkpointA, checkpointB] = mode.memoryCheckpoints;
    const { memBase, memA, memB, memAfter, resolved, unresolved, memErrors, memSiloFailures } = memory;

    // --- Results ---
    const g = saturation.gateway!;
    const f = saturation.floor!;
    const u = saturation.usual!;
    const gc = saturation['gateway-cold']!;
    const fg = fixed.gateway!;
    const ff = fixed.floor!;
    const lw = light.gateway ?? aggregate([]);
    const lc = light['gateway-cold'] ?? aggregate([]);
    const throughputVsFloor = throughputVs(phase1, 'floor');
    const throughputVsUsual = throughputVs(phase1, 'usual');
    const p50TaxMs = pooledTax(phase2, 50);
    const p99TaxMs = pooledTax(phase2, 99);
    const p99TaxPairedMs = roundsTax(phase2, 99);
    const targets = [
      { key: 'throughputVsFloor', what: 'Throughput at saturation, gateway / floor (silos 0 ms)', target: '>= 0.70', value: throughputVsFloor, pass: throughputVsFloor >= 0.7 },
      { key: 'throughputVsUsual', what: 'Throughput at saturation, gateway / usual approach', target: '>= 2', value: throughputVsUsual, pass: throughputVsUsual >= 2 },
      { key: 'p99TaxMs', what: `p99 latency tax over the floor at ${rate} req/s, interleaved (silos 20/30/40/60 ms)`, target: '<= 2 ms', value: p99TaxMs, pass: p99TaxMs <= 2 },
      {
        key: 'batchCallsPerSiloPerRound',
        what: `customers(ids: ${batch.length}): calls per silo per resolution round (max)`,
        target: '<= 1',
        value: batchCallsPerSiloPerRound,
        pass: batchCallsPerSiloPerRound <= 1,
      },
      { key: 'batchCallsVsUsual', what: 'customers(ids:): that, over the usual approach\'s calls per silo', target: '<= 0.01', value: batchCallsVsUsual, pass: batchCallsVsUsual <= 0.01 },
      { key: 'warmLookupCalls', what: 'Warm customer(id): lookup calls', target: '= 0', value: warmGateway.rounds.lookupCalls + warmGateway.rounds.lookups, pass: warmGateway.rounds.lookups === 0 },
      {
        key: 'memoryGrowth',
        what: `Memory: RSS after ${checkpointB.toLocaleString('en')} / after ${checkpointA.toLocaleString('en')} customers`,
        target: '<= 1.10',
        value: ratio(memB.rssBytes, memA.rssBytes),
        pass: ratio(memB.rssBytes, memA.rssBytes) <= 1.1,
      },
      {
        key: 'journeyThroughputVsFloor',
        what: 'Journey (first 20 + summary): throughput at saturation, gateway / floor',
        target: '>= 0.70',
        value: journeyThroughputVsFloor,
        pass: journeyThroughputVsFloor >= 0.7,
      },
      { key: 'journeyP99TaxMs', what: `Journey: p99 latency tax over the floor at ${journeyRate} req/s, interleaved (silo latency)`, target: '<= 2 ms', value: journeyP99TaxMs, pass: journeyP99TaxMs <= 2 },
      {
        key: 'journeyExtraCallsVsFloor',
        what: `Journey: upstream calls per request beyond the floor's, per silo (max; gateway's own max ${journeyCallsPerSiloMax})`,
        target: '<= 0',
        value: journeyExtraCallsVsFloor,
        pass: journeyExtraCallsVsFloor <= 0,
      },
      {
        key: 'personalizationThroughputVsFloor',
        what: `Personalization (customers(ids: ${batchSize}) lifecycle, clv, segments): throughput, gateway / floor`,
        target: '>= 0.70',
        value: personalizationThroughputVsFloor,
        pass: personalizationThroughputVsFloor >= 0.7,
      },
      {
        key: 'journeyRssGrowthMiB',
        what: `Journey: gateway RSS growth paging ${longHistory.transactions.toLocaleString('en')} receipts by 100 (MiB)`,
        target: `<= ${JOURNEY_RSS_BOUND_MIB}`,
        value: journeyRssGrowthMiB,
        pass: journeyRssGrowthMiB <= JOURNEY_RSS_BOUND_MIB,
      },
    ];
    const results = {
      throughputVsFloor: round(throughputVsFloor, 3),
      throughputVsUsual: round(throughputVsUsual, 3),
      p50TaxMs: round(p50TaxMs, 2),
      p99TaxMs: round(p99TaxMs, 2),
      batchCallsPerSiloPerRound,
      batchCallsVsUsual: round(batchCallsVsUsual, 4),
      warmLookupCalls: warmGateway.rounds.lookupCalls + warmGateway.rounds.lookups,
      memoryGrowth: round(ratio(memB.rssBytes, memA.rssBytes), 3),
      cacheWarmVsColdThroughput: round(ratio(g.rps, gc.rps), 2),
      cacheColdVsWarmP50AtLatency: round(ratio(lc.p50Ms, lw.p50Ms), 2),
      journeyThroughputVsFloor: round(journeyThroughputVsFloor, 3),
      journeyP99TaxMs: round(journeyP99TaxMs, 2),
      journeyCallsPerSiloMax,
      journeyExtraCallsVsFloor,
      journeyRssGrowthMiB: round(journeyRssGrowthMiB, 1),
      personalizationThroughputVsFloor: round(personalizationThroughputVsFloor, 3),
      machine: {
        cores,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        date: new Date().toISOString(),
        pinned: pin ? cpu : false,
        commit: gitCommit(),
      },
      mode: mode.name,
      population: { seed: SEED, loadPhases: silosReady.populationSize, memoryPhase: mode.memoryPopulationSize, loadCustomers: loadIds.length },
      durationS: 0,
      targets: targets.map((t) => ({ ...t, value: round(t.value, 4) })),
      throughput: {
        note: 'req/s at saturation with silos at 0 ms; mean of the runs; cpu = share of one core; cpuMsPerRequest = server CPU time per answered request',
        connections: mode.connections,
        gateway: g,
        floor: f,
        usual: u,
        gatewayCold: gc,
        pooledVsFloor: round(ratio(g.rps, f.rps), 3),
        pooledVsUsual: round(ratio(g.rps, u.rps), 3),
        cpuPerRequestFloorOverGateway: round(ratio(f.cpuMsPerRequest, g.cpuMsPerRequest), 3),
        cpuPerRequestUsualOverGateway: round(ratio(u.cpuMsPerRequest, g.cpuMsPerRequest), 3),
      },
      latencyTax: {
        note: 'pooled latencies at a fixed arrival rate of half the floor\'s maximum with the same silo latency, gateway and floor interleaved in the same rounds, each at half of it',
        siloLatencyMs: latency,
        floorMaxRps: round(floorMaxRun.rps, 1),
        gatewayMaxRps: round(gatewayMaxRun.rps, 1),
        maxVsFloor: round(ratio(gatewayMaxRun.rps, floorMaxRun.rps), 3),
        rateRps: rate,
        ratePerContenderRps: ratePerContender,
        pooledP50TaxMs: round(fg.p50Ms - ff.p50Ms, 2),
        pooledP99TaxMs: round(fg.p99Ms - ff.p99Ms, 2),
        roundsMedianP99TaxMs: round(p99TaxPairedMs, 2),
        gateway: fg,
        floor: ff,
      },
      calls: {
        note: 'upstream calls counted at the simulators; lookups traced in the gateway (see README)',
        warmCustomer: { gateway: warmGateway, floor: warmFloor, usual: usualOne },
        coldCustomer: { gateway: coldGateway },
        batch: {
          ids: batch.length,
          distinct: new Set(batch).size,
          gateway: batchGateway,
          gatewayWarm: batchGatewayWarm,
          usual: batchUsual,
          usualLookupCallsPerSilo: Object.fromEntries(usualLookupRoutes.map((r, i) => [r, usualLookupPerSilo[i]])),
          totalCallsVsUsual: round(ratio(batchGateway.calls.total, batchUsual.calls.total), 4),
        },
      },
      identityCache: {
        warmRps: g.rps,
        coldRps: gc.rps,
        warmP50MsAtSaturation: g.p50Ms,
        coldP50MsAtSaturation: gc.p50Ms,
        note: 'p50 at a light fixed rate with the same silo latency, one run each',
        lightRateRps: lightRate,
        warmP50MsAtLatency: lw.p50Ms,
        coldP50MsAtLatency: lc.p50Ms,
        warmAtLightRate: lw,
        coldAtLightRate: lc,
      },
      memory: {
        customers: [checkpointA, checkpointB],
        startRssBytes: memBase.rssBytes,
        rssBytesAtA: memA.rssBytes,
        rssBytesAtB: memB.rssBytes,
        rssBytesAfter: memAfter.rssBytes,
        heapUsedBytesAtA: memA.heapUsedBytes,
        heapUsedBytesAtB: memB.heapUsedBytes,
        heapTotalBytesAtA: memA.heapTotalBytes,
        heapTotalBytesAtB: memB.heapTotalBytes,
        externalBytesAtA: memA.externalBytes,
        externalBytesAtB: memB.externalBytes,
        heapUsedGrowth: round(ratio(memB.heapUsedBytes, memA.heapUsedBytes), 3),
        peakRssBytes: memAfter.peakRssBytes,
        cacheKeysAtA: memA.cacheKeys,
        cacheKeysAtB: memB.cacheKeys,
        afterOverB: round(ratio(memAfter.rssBytes, memB.rssBytes), 3),
        resolved,
        unresolved,
        errors: memErrors,
        siloFailuresLogged: memSiloFailures,
      },
      journey: {
        note: 'the journey question (bench/shared.ts JOURNEY_QUERY) against its floor (bench/journey-floor.ts); see bench/README.md, "The journey question"',
        answers: { compared: journeyAsked.length, gatewayEqualsFloor: journeySame.length },
        throughput: {
          connections: mode.journeyConnections,
          gateway: journeyPhase1.aggregates.gateway,
          floor: journeyPhase1.aggregates.floor,
          pooledVsFloor: round(ratio(journeyPhase1.aggregates.gateway!.rps, journeyPhase1.aggregates.floor!.rps), 3),
        },
        latencyTax: {
          siloLatencyMs: latency,
          floorMaxRps: round(journeyFloorMax.rps, 1),
          floorMaxConnections: 2 * mode.journeyConnections,
          floorMaxFailed: journeyFloorMax.failed,
          rateRps: journeyRate,
          ratePerContenderRps: journeyRatePerContender,
          p50TaxMs: round(journeyP50TaxMs, 2),
          p99TaxMs: round(journeyP99TaxMs, 2),
          roundsMedianP99TaxMs: round(journeyP99TaxPairedMs, 2),
          gateway: journeyPhase2.aggregates.gateway,
          floor: journeyPhase2.aggregates.floor,
        },
        calls: { customers: callSample.length, perRequestPerSilo: journeyCallsPerSilo, byRoute: journeyRoutes, errors: journeyCallErrors },
        paging: {
          id: longId,
          transactions: longHistory.transactions,
          pageSize: 100,
          pages,
          distinctTouchpoints: seenIds.size,
          errors: pagingErrors,
          seconds: round(pagingS, 1),
          note: 'gateway RSS and heap used after full GCs, at the first, the middle and the last page',
          samples: pageSamples,
          boundMiB: JOURNEY_RSS_BOUND_MIB,
        },
      },
      personalization: {
        note: 'the personalization question (bench/shared.ts PERSONALIZATION_QUERY) against its floor (bench/personalization-floor.ts); see bench/README.md, "The personalization question"',
        batchSize,
        clvFitSample: mode.clvFitSample,
        answers: { batches: personalizationAsked.length, wholeBatchesSame: personalizationSame.length, customers: personalizationAsked.length * batchSize, customersSame: personalizationCustomersSame, stages, segmentMembers },
        throughput: {
          connections: mode.personalizationConnections,
          gateway: personalizationPhase.aggregates.gateway,
          floor: personalizationPhase.aggregates.floor,
          pooledVsFloor: round(ratio(personalizationPhase.aggregates.gateway!.rps, personalizationPhase.aggregates.floor!.rps), 3),
          gatewayCpuMsPerCustomer: round(personalizationPhase.aggregates.gateway!.cpuMsPerRequest / batchSize, 3),
          floorCpuMsPerCustomer: round(personalizationPhase.aggregates.floor!.cpuMsPerRequest / batchSize, 3),
        },
        calls: { batches: personalizationCallBatches.length, perRequestByRoute: personalizationCallsPerRequest },
      },
      answers: { compared: warmSet.length, gatewayEqualsFloor: sameAsFloor.length, usualCompared: usualSample.length, gatewayEqualsUsualButId: usualAgrees },
      gatewayEnv,
      serverNodeFlags,
    };
    results.durationS = round((performance.now() - started) / 1000, 1);
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
    printTable(results, targets, mode);
    if (profileReport) process.stdout.write(`${profileReport}\n`);
    log(`results written to ${out} in ${results.durationS} s`);
  } finally {
    await stopAll();
  }
}

/**
 * The V8 flags tuned for a server pinned to one core (README, "Performance"), as package.json's
 * bench:in-process script gives them (`node --flag ... --import tsx bench/in-process.ts`): one
 * place for both benchmarks. `npm start` and `npm run start:prod` do not set them.
 */
function benchNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8')) as { scripts: { 'bench:in-process': string } };
  const words = pkg.scripts['bench:in-process'].split(/\s+/);
  if (words[0] !== 'node') return [];
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('--') || word === '--import') break;
    flags.push(word);
  }
  return flags;
}

/** The commit measured, and whether src/ or connectors/ had changes not committed yet. */
function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: join(BENCH_DIR, '..'), encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'connectors', 'schema'], { cwd: join(BENCH_DIR, '..'), encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

function printTable(results: any, targets: Array<{ what: string; target: string; value: number; pass: boolean }>, mode: Mode): void {
  const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) < 0.1 ? v.toFixed(4) : v.toFixed(2));
  const rows = targets.map((t) => [t.what, t.target, fmt(t.value), t.pass ? 'PASS' : 'FAIL']);
  const header = ['target', 'wanted', 'measured', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const t = results.throughput;
  const l = results.latencyTax;
  const m = results.memory;
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const j = results.journey;
  const perSilo = (calls: Record<string, number>): string => Object.entries(calls).map(([source, n]) => `${source} ${n}`).join(', ');
  const out = [
    '',
    `Customer gateway benchmark (${mode.name}${mode.name === 'quick' ? `: memory at ${mode.memoryCheckpoints[0].toLocaleString('en')}/${mode.memoryCheckpoints[1].toLocaleString('en')} customers, not 50,000/100,000` : ''}) - ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date}, commit ${results.machine.commit}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `throughput (req/s, silos 0 ms): gateway ${t.gateway.rps}, floor ${t.floor.rps}, usual ${t.usual.rps}, gateway cold ${t.gatewayCold.rps}`,
    `server CPU per request (ms):    gateway ${t.gateway.cpuMsPerRequest}, floor ${t.floor.cpuMsPerRequest}, usual ${t.usual.cpuMsPerRequest}, gateway cold ${t.gatewayCold.cpuMsPerRequest}`,
    `CPU during saturation (core share, server/silos/load): gateway ${t.gateway.serverCpu}/${t.gateway.silosCpu}/${t.gateway.loadCpu}, floor ${t.floor.serverCpu}/${t.floor.silosCpu}/${t.floor.loadCpu}, usual ${t.usual.serverCpu}/${t.usual.silosCpu}/${t.usual.loadCpu}`,
    `with silo latency: maximum gateway ${l.gatewayMaxRps}, floor ${l.floorMaxRps} req/s (${l.maxVsFloor}); at ${l.rateRps} req/s (${l.ratePerContenderRps} each, interleaved), pooled: gateway p50 ${l.gateway.p50Ms} p99 ${l.gateway.p99Ms} ms, floor p50 ${l.floor.p50Ms} p99 ${l.floor.p99Ms} ms (median of the rounds' p99 taxes ${l.roundsMedianP99TaxMs} ms)`,
    `  longest GC pause meanwhile (ms): gateway ${l.gateway.serverGcMaxMs}, floor ${l.floor.serverGcMaxMs}, silos ${Math.max(l.gateway.silosGcMaxMs, l.floor.silosGcMaxMs)}; warm gateway lookups per request ${l.gateway.lookupsPerRequest}`,
    `identity cache: warm/cold throughput ${results.cacheWarmVsColdThroughput}x; ` +
      (results.identityCache.warmAtLightRate.runs > 0
        ? `p50 at ${results.identityCache.lightRateRps} req/s with latency: warm ${results.identityCache.warmP50MsAtLatency} ms, cold ${results.identityCache.coldP50MsAtLatency} ms (${results.cacheColdVsWarmP50AtLatency}x)`
        : 'p50 with latency not measured in this mode'),
    `calls per request: warm gateway ${results.calls.warmCustomer.gateway.calls.total}, floor ${results.calls.warmCustomer.floor.calls.total}, usual ${results.calls.warmCustomer.usual.calls.total}, cold gateway ${results.calls.coldCustomer.gateway.calls.total} (${results.calls.coldCustomer.gateway.rounds.rounds} rounds)`,
    `customers(ids: ${results.calls.batch.ids}): gateway ${results.calls.batch.gateway.calls.total} calls (${results.calls.batch.gateway.rounds.rounds} rounds, per silo per round ${JSON.stringify(results.calls.batch.gateway.rounds.perRound)}), usual ${results.calls.batch.usual.calls.total}`,
    `memory: RSS ${mib(m.startRssBytes)} at start, ${mib(m.rssBytesAtA)} / ${mib(m.rssBytesAtB)} after ${m.customers[0]} / ${m.customers[1]} customers, ${mib(m.rssBytesAfter)} after asking the first ${m.customers[0]} again (peak ${mib(m.peakRssBytes)}, cache ${m.cacheKeysAtA} / ${m.cacheKeysAtB} keys)`,
    `  after a full GC, at ${m.customers[0]} / ${m.customers[1]}: heap used ${mib(m.heapUsedBytesAtA)} / ${mib(m.heapUsedBytesAtB)}, heap reserved ${mib(m.heapTotalBytesAtA)} / ${mib(m.heapTotalBytesAtB)}, external ${mib(m.externalBytesAtA)} / ${mib(m.externalBytesAtB)}`,
    `journey (first 20 + summary), same answer for ${j.answers.gatewayEqualsFloor}/${j.answers.compared} customers: req/s at saturation gateway ${j.throughput.gateway.rps}, floor ${j.throughput.floor.rps}; CPU per request gateway ${j.throughput.gateway.cpuMsPerRequest} ms, floor ${j.throughput.floor.cpuMsPerRequest} ms`,
    `  with silo latency: floor maximum ${j.latencyTax.floorMaxRps} req/s; at ${j.latencyTax.rateRps} req/s (${j.latencyTax.ratePerContenderRps} each, interleaved), pooled: gateway p50 ${j.latencyTax.gateway.p50Ms} p99 ${j.latencyTax.gateway.p99Ms} ms, floor p50 ${j.latencyTax.floor.p50Ms} p99 ${j.latencyTax.floor.p99Ms} ms (median of the rounds' p99 taxes ${j.latencyTax.roundsMedianP99TaxMs} ms)`,
    `  upstream calls per request per silo (mean of ${j.calls.customers}): gateway ${perSilo(j.calls.perRequestPerSilo.gateway)}; floor ${perSilo(j.calls.perRequestPerSilo.floor)}`,
    `personalization (customers(ids: ${results.personalization.batchSize})), same answer for ${results.personalization.answers.customersSame}/${results.personalization.answers.customers} customers: req/s at saturation gateway ${results.personalization.throughput.gateway.rps}, floor ${results.personalization.throughput.floor.rps}; CPU per customer gateway ${results.personalization.throughput.gatewayCpuMsPerCustomer} ms, floor ${results.personalization.throughput.floorCpuMsPerCustomer} ms`,
    `  upstream calls per request: gateway ${perSilo(results.personalization.calls.perRequestByRoute.gateway)}; floor ${perSilo(results.personalization.calls.perRequestByRoute.floor)}`,
    `  paging ${j.paging.id} (${j.paging.transactions} receipts) by ${j.paging.pageSize}: ${j.paging.pages} pages, ${j.paging.distinctTouchpoints} distinct touchpoints, ${j.paging.errors} errors; gateway RSS after a full GC ${j.paging.samples.map((x: { page: number; rssBytes: number }) => `page ${x.page} ${mib(x.rssBytes)}`).join(', ')} (bound +${j.paging.boundMiB} MiB)`,
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((error: unknown) => {
  // An option given wrong is the user's to mend: its message alone. Anything else is the bench's own failure.
  if (error instanceof OptionError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`The benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof OptionError ? 2 : 1);
});
