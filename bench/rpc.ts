/**
 * The harness's processes talk over Node's IPC channel: the parent calls a named command in a
 * child and awaits its answer. One tiny request/answer protocol, so that every child (the silos,
 * each contender) is driven the same way, and a child that dies fails the call instead of hanging
 * the run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay, type IntervalHistogram, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Pause } from './gc-tail.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = join(BENCH_DIR, '..');

interface Call {
  rpc: number;
  cmd: string;
  args?: unknown;
}

interface Answer {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

type Handler = (args: any) => unknown;

/**
 * In a child: answers the parent's calls with `handlers`, and exits when the parent goes away
 * (so that an interrupted run leaves no server behind).
 */
export function serveRpc(handlers: Record<string, Handler>): void {
  if (!process.send) throw new Error('This module runs as a child of bench/run.ts (it needs an IPC channel).');
  observeGc();
  process.on('message', (message: Call) => {
    if (!message || typeof message.rpc !== 'number') return;
    const handler = handlers[message.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`Unknown command "${message.cmd}"; this child knows ${Object.keys(handlers).join(', ')}.`);
        return handler(message.args);
      })
      .then(
        (result) => process.send?.({ rpc: message.rpc, ok: true, result } satisfies Answer),
        (error: unknown) => process.send?.({ rpc: message.rpc, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Answer),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to exit, then waits for it (killing it after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** A .ts file in bench/: run with tsx, or its compiled .js in `compiledDir`. */
  script: string;
  /** The folder compileForBench (compiled.ts) wrote: the script's JavaScript there runs with plain node. */
  compiledDir?: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
}

/** Whether `taskset` (util-linux) is on the PATH. */
export function hasTaskset(): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, 'taskset')));
}

/**
 * Pins every thread of process `pid` to `cpus` (taskset -a -p). Threads the process starts later
 * (libuv's pool, V8's) inherit the pinning from the thread that creates them.
 */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/**
 * Starts a child node process running `script`: its compiled JavaScript with plain node when
 * `compiledDir` is given, else the .ts through tsx. It is not pinned here: starting is
 * mostly compiling and loading modules, which goes faster on every core; the harness pins each
 * child ({@link pin}) once it has started, before anything is measured.
 */
export function spawnChild(options: SpawnOptions): Child {
  const command = process.execPath;
  const args =
    options.compiledDir === undefined
      ? [...(options.nodeArgs ?? []), '--import', 'tsx', join(BENCH_DIR, options.script)]
      : [...(options.nodeArgs ?? []), join(options.compiledDir, 'bench', options.script.replace(/\.ts$/, '.js'))];
  const child = spawn(command, args, {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  if (child.pid === undefined) throw new Error(`Could not start the ${options.name} process (${command}).`);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let next = 1;
  let exited: string | null = null;
  child.on('message', (message: Answer) => {
    const waiting = pending.get(message?.rpc);
    if (!waiting) return;
    pending.delete(message.rpc);
    clearTimeout(waiting.timer);
    if (message.ok) waiting.resolve(message.result);
    else waiting.reject(new Error(`${options.name}: ${message.error ?? 'failed'}`));
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `exited (code ${code}, signal ${signal})`;
      for (const [, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error(`The ${options.name} process ${exited}.`));
      }
      pending.clear();
      resolve();
    });
  });
  return {
    name: options.name,
    process: child,
    pid: child.pid,
    call<T>(cmd: string, callArgs?: unknown, timeoutMs = 120_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`The ${options.name} process ${exited}.`));
      const rpc = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(rpc);
          reject(new Error(`${options.name} did not answer "${cmd}" within ${timeoutMs} ms.`));
        }, timeoutMs);
        pending.set(rpc, { resolve: resolve as (value: unknown) => void, reject, timer });
        child.send({ rpc, cmd, args: callArgs } satisfies Call);
      });
    },
    async stop(graceMs = 5_000) {
      if (exited) return;
      try {
        await this.call('shutdown', undefined, graceMs);
      } catch {
        // It may exit before answering; the wait below decides.
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/** VmRSS and VmHWM (peak RSS) of this process in bytes, from /proc; null where there is no /proc. */
export function procMemory(): { vmRssBytes: number; vmHwmBytes: number } | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  const vmRssBytes = kb('VmRSS');
  const vmHwmBytes = kb('VmHWM');
  return Number.isFinite(vmRssBytes) && Number.isFinite(vmHwmBytes) ? { vmRssBytes, vmHwmBytes } : null;
}

/** The kinds of GC pause V8 reports (`PerformanceEntry.detail.kind`). */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';
const GC_KINDS: ReadonlyArray<[number, GcKind]> = [
  [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
];
/** Pauses of one kind: count and total (ms) since start, longest (ms) since the previous `usage`. */
export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}
const newPauses = (): GcPauses => ({ count: 0, totalMs: 0, maxMs: 0 });

/** Garbage-collection pauses of this process, as V8 reports them, in all and by kind. */
const gcPauses = newPauses();
const gcPausesByKind: Record<GcKind, GcPauses> = { minor: newPauses(), major: newPauses(), incremental: newPauses(), weakcb: newPauses() };
let gcObserver: PerformanceObserver | null = null;

/** The final pauses of this process's mark-compacts since the previous {@link usage} call. */
let majorPauses: Pause[] = [];

/** The event loop's delays (libuv timer lateness, sampled every 10 ms), reset at each `usage`. */
let loopDelay: IntervalHistogram | null = null;

/** Starts counting this process's GC pauses and event-loop delays (see {@link usage}). */
export function observeGc(): void {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
  }
  gcObserver ??= new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const code = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      const kind = GC_KINDS.find(([c]) => c === code)?.[1];
      // Bounded: a caller that never reads them does not grow the list past a run's worth.
      if (kind === 'major' && majorPauses.length < 100_000) majorPauses.push([performance.timeOrigin + entry.startTime, entry.duration]);
      for (const pauses of kind ? [gcPauses, gcPausesByKind[kind]] : [gcPauses]) {
        pauses.count += 1;
        pauses.totalMs += entry.duration;
        pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
      }
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/** What every child answers to `usage`: its own CPU time and memory. */
export interface Usage {
  /** User + system CPU time since start, in microseconds. */
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8's heap as reserved, and memory held outside it (Buffers, native). */
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Peak RSS (VmHWM) when /proc is there, else the current RSS. */
  peakRssBytes: number;
  /** GC pauses since start; `gcMaxMs` is the longest since the previous call. */
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** The same by kind of pause (a scavenge is `minor`, a mark-compact's final pause `major`). */
  gcByKind: Record<GcKind, GcPauses>;
  /** The longest the event loop was blocked since the previous call, GC or not, in ms (0 when not observed). */
  loopDelayMaxMs: number;
  /**
   * The final pauses of the mark-compacts since the previous call (start on the wall clock, ms
   * since the epoch; length, ms): a round's slowest requests are matched against them (gc-tail.ts).
   */
  majorPauses: Pause[];
}

export function usage(): Usage {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const proc = procMemory();
  return {
    cpuMicros: cpu.user + cpu.system,
    rssBytes: proc?.vmRssBytes ?? memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    arrayBuffersBytes: memory.arrayBuffers,
    peakRssBytes: proc?.vmHwmBytes ?? memory.rss,
    gcCount: gcPauses.count,
    gcTotalMs: gcPauses.totalMs,
    gcMaxMs: takeMax(gcPauses),
    gcByKind: Object.fromEntries(Object.entries(gcPausesByKind).map(([kind, p]) => [kind, { count: p.count, totalMs: p.totalMs, maxMs: takeMax(p) }])) as Record<GcKind, GcPauses>,
    loopDelayMaxMs: takeLoopDelayMax(),
    majorPauses: takeMajorPauses(),
  };
}

function takeMajorPauses(): Pause[] {
  const taken = majorPauses;
  majorPauses = [];
  return taken;
}

/** A process's GC pauses by kind between two `usage` readings: counts and totals of the interval, the longest in it. */
export function gcPausesBetween(before: Usage, after: Usage): Record<GcKind, GcPauses> {
  return Object.fromEntries(
    (Object.keys(after.gcByKind) as GcKind[]).map((kind) => {
      const [a, b] = [before.gcByKind[kind], after.gcByKind[kind]];
      return [kind, { count: b.count - a.count, totalMs: b.totalMs - a.totalMs, maxMs: b.maxMs }];
    }),
  ) as Record<GcKind, GcPauses>;
}

function takeLoopDelayMax(): number {
  if (!loopDelay) return 0;
  const max = loopDelay.max / 1e6;
  loopDelay.reset();
  return max;
}

function takeMax(pauses: GcPauses): number {
  const max = pauses.maxMs;
  pauses.maxMs = 0;
  return max;
}
