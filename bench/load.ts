/**
 * Load, with autocannon's programmatic API: closed-loop saturation (many connections, each sending
 * as soon as its previous answer came), and a fixed arrival rate. Latencies are collected per
 * response (autocannon's `response` event, in ms with sub-millisecond resolution) so that runs of
 * one contender can be pooled before percentiles are taken.
 *
 * Why the fixed rate is many single-connection instances, started evenly over one second:
 * autocannon's rate limit gives each connection its quota at the top of each second, and all
 * connections of one instance start together, so `overallRate: 120` sends bursts of 120 requests
 * at once every second, and measures burst queueing, not the per-request tax. One connection per
 * instance, with its second offset by i/N, spreads the arrivals evenly.
 */
import autocannon from 'autocannon';
import { build as buildHistogram } from 'hdr-histogram-js';
import { BENCH_HEADERS } from './shared.js';

/** What one request of a run looks like: the contender's way of asking the question. */
export interface RequestShape {
  method: 'GET' | 'POST';
  /** Path (with query) for the i-th request of the run. */
  path(i: number): string;
  /** Body for the i-th request, or undefined. */
  body(i: number): string | undefined;
}

export interface RunResult {
  durationS: number;
  /** 2xx answers without a GraphQL `errors` member, or whose errors are all CONSENT_REQUIRED (a customer's refusal). */
  ok: number;
  /** Non-2xx answers, 2xx answers with `errors`, connection errors and timeouts. */
  failed: number;
  /** Latencies of the ok answers, in ms. */
  latencies: number[];
  /** When each of those requests was sent, on the wall clock (ms since the epoch), in the same order. */
  starts: number[];
}

/** Where a load goes, and how it asks. */
export interface Target {
  url: string;
  shape: RequestShape;
  /** Shared across the connections of a run, so that concurrent requests ask for different customers. */
  counter: { next: number };
}

/**
 * Autocannon's three histograms per instance, which nothing here reads (latencies are collected
 * per response), as small pure-JS ones instead of its defaults. Those live in one WebAssembly
 * memory at about 2 MB each (five significant digits): the ~170 single-connection instances of a
 * fixed-rate run grew that memory by ~200 MB a run until it plateaued near 1 GB, and the page
 * faults and garbage collections that came with it stalled the load generator for up to 280 ms,
 * so that a server answering in 90 ms measured 435-711 ms at p99 (a standalone reproduction:
 * autocannon alone against a 90 ms `node:http` server). Autocannon reads `opts.histograms` in
 * run.js; its README does not list the option, hence the cast.
 */
function lightHistograms(): Record<'latencies' | 'requests' | 'throughput', ReturnType<typeof buildHistogram>> {
  const small = (): ReturnType<typeof buildHistogram> =>
    buildHistogram({ useWebAssembly: false, bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 10_000, numberOfSignificantValueDigits: 1 });
  return { latencies: small(), requests: small(), throughput: small() };
}

function requestOptions(target: Target, extra: Omit<autocannon.Options, 'url'>): autocannon.Options {
  const url = new URL(target.url);
  const { shape, counter } = target;
  return {
    timeout: 10,
    ...({ histograms: lightHistograms() } as object),
    ...extra,
    url: url.origin,
    requests: [
      {
        method: shape.method,
        path: url.pathname,
        headers: { ...BENCH_HEADERS },
        setupRequest: (request) => {
          const i = counter.next++;
          const body = shape.body(i);
          return { ...request, path: shape.path(i), ...(body === undefined ? {} : { body }) };
        },
      },
    ],
  };
}

/** One autocannon instance; resolves with its own ok/failed counts and latencies. */
function runInstance(options: autocannon.Options): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const starts: number[] = [];
    let ok = 0;
    let failed = 0;
    const startedAt = performance.now();
    const instance = autocannon(
      {
        ...options,
        requests: options.requests?.map((r) => ({
          ...r,
          // The body is read only to tell a GraphQL error from an answer.
          onResponse: (status: number, body: string) => {
            if (status >= 200 && status < 300 && (!body.includes('"errors"') || onlyConsentRefusals(body))) ok += 1;
            else failed += 1;
          },
        })),
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        resolve({ durationS: (performance.now() - startedAt) / 1000, ok, failed: failed + result.errors, latencies, starts });
      },
    );
    // autocannon emits (client, statusCode, bytes, responseTime); @types/autocannon omits the client.
    (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      if (statusCode >= 200 && statusCode < 300) {
        latencies.push(ms);
        starts.push(performance.timeOrigin + performance.now() - ms);
      }
    });
  });
}

/** As many requests as `connections` connections can keep in flight, for `durationS` seconds. */
export async function saturate(url: string, shape: RequestShape, counter: { next: number }, connections: number, durationS: number): Promise<RunResult> {
  return runInstance(requestOptions({ url, shape, counter }, { connections, duration: durationS }));
}

/**
 * About `rate` requests a second, evenly spread, for `durationS` seconds: N single-connection
 * instances, instance i starting i/N of a second after the first, each sending `perConnection`
 * requests a second.
 */
export async function fixedRate(url: string, shape: RequestShape, counter: { next: number }, rate: number, durationS: number): Promise<RunResult> {
  const [result] = await fixedRateTogether([{ url, shape, counter }], rate, durationS);
  return result!;
}

/**
 * Each target at about `rate` requests a second, at the same time, their arrivals interleaved:
 * the instances of all targets take turns (instance i goes to target i mod n) and start evenly
 * over one second. A silo's or the machine's pause then delays the requests of every target
 * alike, and a difference of percentiles between targets measures the targets themselves
 * (bench/README.md, "The journey question"). One result per target, in their order.
 */
export async function fixedRateTogether(targets: readonly Target[], rate: number, durationS: number): Promise<RunResult[]> {
  const perConnection = Math.max(1, Math.ceil(rate / 400));
  const perTarget = Math.max(1, Math.round(rate / perConnection));
  const total = perTarget * targets.length;
  const runs: Array<Array<Promise<RunResult>>> = targets.map(() => []);
  for (let i = 0; i < total; i += 1) {
    const t = i % targets.length;
    runs[t]!.push(
      new Promise((resolve, reject) => {
        setTimeout(() => {
          runInstance(requestOptions(targets[t]!, { connections: 1, connectionRate: perConnection, duration: durationS })).then(resolve, reject);
        }, (1000 * i) / total);
      }),
    );
  }
  return Promise.all(
    runs.map(async (instances) => {
      const results = await Promise.all(instances);
      return {
        // Each connection sends `perConnection` requests in each of its `durationS` seconds: the
        // run holds rate x durationS requests, whatever the one-second stagger adds at the ends.
        durationS,
        ok: results.reduce((n, r) => n + r.ok, 0),
        failed: results.reduce((n, r) => n + r.failed, 0),
        latencies: results.flatMap((r) => r.latencies),
        starts: results.flatMap((r) => r.starts),
      };
    }),
  );
}

/** Nearest-rank percentile of unsorted samples (NaN when there are none). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * An answer whose every error is CONSENT_REQUIRED is a whole answer: the customers who refused
 * profiling get null figures with that error, as the question expects (the floor answers nulls).
 */
function onlyConsentRefusals(body: string): boolean {
  try {
    const errors = (JSON.parse(body) as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors ?? [];
    return errors.length > 0 && errors.every((e) => e.extensions?.code === 'CONSENT_REQUIRED');
  } catch {
    return false;
  }
}
