/**
 * One server under test, alone in its process (so that its CPU time and RSS are its own, and it
 * can be pinned to a core): the gateway (`startGateway`, wired as `npm start` wires it, default
 * settings), the gateway with its identity-link cache made useless (entries live 1 ms: every
 * request resolves cold), the floor, or the usual approach.
 *
 * For the gateway, each connector's `lookup` is wrapped to count lookups (always: a warm request
 * must make none) and, when the parent asks, to trace each lookup with the number of HTTP calls
 * its silo received meanwhile, read from the silos' control endpoint. That trace is how calls
 * per silo per resolution round are counted at the simulators (README, "Calls per request").
 */
import { Session } from 'node:inspector/promises';
import { parseGatewaySettings, type GatewayConfig } from '../src/server/config.js';
import type { Source } from '../src/generated/graphql.js';
import { createLogger } from '../src/shared/logger.js';
import { loadClvModel } from '../src/server/clv-model-file.js';
import { loadSegments } from '../src/server/segments-file.js';
import { startGateway } from '../src/server/server.js';
import { closeSiloConnectors, createSiloConnectors } from '../src/server/silos.js';
import { startFloor } from './floor.js';
import { personalizationSettings, type PersonalizationSettings } from './personalization-floor.js';
import { serveRpc, usage, type Usage } from './rpc.js';
import type { BenchPerson, LookupTrace, SiloStats } from './shared.js';
import { BENCH_AUTH_API_KEYS } from './shared.js';
import { startUsual } from './usual.js';

/**
 * The servers a run can start. `gateway-b` and `floor-b` are second copies of the gateway and the
 * floor, started only for `--journey-tax-control`: the same code measured against itself.
 * `floor-graphql` is the floor answering the journey through Apollo Server and graphql-js
 * (journey-floor-graphql.ts), started only for `--graphql-floor`.
 */
export type ContenderKind = 'gateway' | 'gateway-b' | 'gateway-cold' | 'floor' | 'floor-b' | 'floor-graphql' | 'usual';

export interface StartArgs {
  kind: ContenderKind;
  silos: GatewayConfig['silos'];
  controlUrl: string;
  persons: BenchPerson[];
  /** Gateway settings on top of the defaults, as environment variables (--gateway-env). */
  gatewayEnv: Record<string, string>;
  /**
   * The personalization question's segments file and lifetime-value model file, loaded by the
   * gateway as `npm start` loads them (SEGMENTS_FILE, CLV_MODEL_FILE) and by the floor.
   */
  insights: { segmentsFile: string; modelFile: string } | null;
  /** For `floor-b`: ms of CPU added to each journey answer (--control-cpu-ms; floor.ts, journeyExtraCpuMs). */
  journeyExtraCpuMs?: number;
}

/** The segments and model of the files, or an error naming the problem (as a gateway's start would). */
async function loadInsights(files: { segmentsFile: string | null; modelFile: string | null }) {
  const [segments, model] = await Promise.all([loadSegments(files.segmentsFile), loadClvModel(files.modelFile)]);
  if (!segments.ok) throw new Error(segments.message);
  if (!model.ok) throw new Error(model.message);
  return { segments: segments.segments, clvModel: model.model };
}

export interface ChildUsage extends Usage {
  /** Requests that failed or log lines at warn and above. */
  problems: number;
  /** Lookups the gateway's connectors made (0 for other kinds). */
  lookups: number;
  /** Identifiers held by the identity-link cache (gateway only). */
  cacheKeys: number | null;
}

let close: (() => Promise<void>) | null = null;
let problems: () => number = () => 0;
let lookups = 0;
let cacheSize: () => number | null = () => null;
let tracing = false;
let traces: LookupTrace[] = [];
let controlUrl = '';
let profiler: Session | null = null;

async function siloCalls(): Promise<SiloStats> {
  const res = await fetch(`${controlUrl}/stats`);
  return (await res.json()) as SiloStats;
}

serveRpc({
  /**
   * `url` answers the profile question; `journeyUrl` the journey question and `personalizationUrl`
   * the personalization question (the same endpoint but for the floor).
   */
  async start(args: StartArgs): Promise<{ url: string; journeyUrl: string; personalizationUrl: string }> {
    controlUrl = args.controlUrl;
    switch (args.kind) {
      case 'gateway':
      case 'gateway-b':
      case 'gateway-cold': {
        const insightEnv = args.insights ? { SEGMENTS_FILE: args.insights.segmentsFile, CLV_MODEL_FILE: args.insights.modelFile } : {};
        // The load comes from one client (one API key) at hundreds of requests per second: the
        // per-client rate limit (default 1000 per 10 s) is off here, as the floor has none; a
        // --gateway-env GATEWAY_RATE_LIMIT_REQUESTS=N puts it back to measure its cost.
        const parsed = parseGatewaySettings({
          env: { ...insightEnv, AUTH_API_KEYS: BENCH_AUTH_API_KEYS, GATEWAY_RATE_LIMIT_REQUESTS: '0', ...args.gatewayEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
        });
        if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
        const settings = parsed.config;
        // Cold: every cached cluster expires after 1 ms, so each request resolves live. Warm: the
        // links made when the run starts last the whole run (a full run takes some 20 minutes;
        // with the default 15 minutes, the personalization phase re-resolved its customers
        // half-way, about 3 lookups a request in one round), unless --gateway-env sets a TTL.
        if (args.kind === 'gateway-cold') settings.identity.cache = { ...settings.identity.cache, ttlMs: 1 };
        else if (args.gatewayEnv['IDENTITY_CACHE_TTL_MS'] === undefined) settings.identity.cache = { ...settings.identity.cache, ttlMs: 2 * 3_600_000 };
        let logged = 0;
        let shown = 0;
        const logger = createLogger('warn', (line) => {
          logged += 1;
          // The first lines, and every change of a silo's circuit breaker (rare, and it explains a run's failures).
          if (shown++ < 3 || line.includes('circuit breaker')) process.stderr.write(`[${args.kind}] ${line}\n`);
        });
        const connectors = createSiloConnectors(args.silos, { logger });
        for (const source of ['crm', 'loyalty', 'commerce', 'analytics'] as const satisfies readonly Source[]) {
          const connector = connectors[source];
          const lookup = connector.lookup.bind(connector);
          connector.lookup = async (identifiers, signal) => {
            lookups += 1;
            if (!tracing) return lookup(identifiers, signal);
            const issuedMs = performance.now();
            const before = (await siloCalls())[source].requests;
            try {
              return await lookup(identifiers, signal);
            } finally {
              const endMs = performance.now();
              const after = (await siloCalls())[source].requests;
              traces.push({ source, issuedMs, endMs, identifiers: identifiers.length, calls: after - before });
            }
          };
        }
        const insights = await loadInsights({ segmentsFile: settings.segmentsFile, modelFile: settings.insights.clv.modelFile });
        const gateway = await startGateway({ settings, connectors, logger, ...insights });
        problems = () => logged;
        cacheSize = () => gateway.services.identity.cache.size;
        close = async () => {
          await gateway.close();
          await closeSiloConnectors(connectors);
        };
        const url = `http://127.0.0.1:${gateway.port}/graphql`;
        return { url, journeyUrl: url, personalizationUrl: url };
      }
      case 'floor':
      case 'floor-b':
      case 'floor-graphql': {
        let personalization: PersonalizationSettings | null = null;
        if (args.insights) {
          const { segments, clvModel } = await loadInsights(args.insights);
          const parsed = parseGatewaySettings({ env: {} });
          if (!parsed.ok || clvModel === null) throw new Error('The floor needs the default settings and a model.');
          personalization = personalizationSettings(parsed.config, clvModel, segments);
        }
        const floor = await startFloor({ silos: args.silos, persons: args.persons, personalization, journeyExtraCpuMs: args.journeyExtraCpuMs ?? 0, journeyThroughGraphql: args.kind === 'floor-graphql' });
        problems = floor.failures;
        close = floor.close;
        return { url: floor.url, journeyUrl: floor.journeyUrl, personalizationUrl: floor.personalizationUrl };
      }
      case 'usual': {
        const usual = await startUsual({ silos: args.silos });
        problems = usual.failures;
        close = usual.close;
        return { url: usual.url, journeyUrl: usual.url, personalizationUrl: usual.url };
      }
      default:
        throw new Error(`Unknown contender kind ${String(args.kind satisfies never)}`);
    }
  },

  usage(): ChildUsage {
    return { ...usage(), problems: problems(), lookups, cacheKeys: cacheSize() };
  },

  /**
   * Full collections (the child runs with --expose-gc), so that RSS is read without garbage.
   * Several, a tick apart: V8 compacts and gives pages back over more than one.
   */
  async gc(): Promise<void> {
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 3 && gc; i += 1) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  },

  /**
   * Starts or stops V8's CPU profiler on this (main) thread, through the inspector: the same
   * profiler as `node --cpu-prof`, but scoped to the runs the parent wants profiled.
   */
  async profile(on: boolean): Promise<unknown> {
    if (on) {
      profiler ??= new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return null;
    }
    if (!profiler) throw new Error('The profiler was not started.');
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    profiler = null;
    return profile;
  },

  trace(on: boolean): LookupTrace[] {
    const done = traces;
    tracing = on;
    traces = [];
    return done;
  },

  async shutdown(): Promise<void> {
    await close?.();
    // Exit on the next tick, after the answer went out; --cpu-prof writes its profile on exit.
    setImmediate(() => process.exit(0));
  },
});
