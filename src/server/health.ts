/**
 * The probes a platform polls (Kubernetes' liveness and readiness probes, a load balancer's
 * health check), split so that polling them never loads the silos:
 *
 * - `/health/live`: the process answers HTTP. No silo call. A failure means "restart me".
 * - `/health/ready`: the schema is loaded (the server only listens once Apollo has started) and
 *   the gateway is not draining for a shutdown. No silo call. 503 {@link DRAINING} while draining,
 *   so that the platform stops routing new requests here. The server keeps accepting connections
 *   while it drains (server.ts `shutdown`), so a probe on a new connection reads that 503, and
 *   `/health/live` still answers 200: a draining gateway is not to be restarted.
 * - `/health/silos` (and `/health`, as before): each silo's probe, with its result shared for
 *   GATEWAY_HEALTH_CACHE_MS and concurrent hits sharing the probe in flight, so probes cost at most
 *   one call per silo per interval whatever the polling rate (3,708 hits in 5 s made 3,728 calls to
 *   each silo when every hit probed).
 *
 * A silo being down is not a reason to restart or unroute the gateway (it answers partial data
 * then), which is why readiness does not include the silos.
 */
import type { ServerResponse } from 'node:http';
import type { SiloConnectors, SiloHealth } from '../../connectors/types.js';
import type { Source } from '../generated/graphql.js';
import { SOURCES } from '../graphql/context.js';

/** The paths of the probes, for the router and the 404 message. */
export const HEALTH_PATHS = { live: '/health/live', ready: '/health/ready', silos: '/health/silos', legacy: '/health' } as const;

/** The body of `/health/ready` while the gateway drains for a shutdown (HTTP 503). */
export const DRAINING = {
  status: 'draining',
  message: 'The gateway is shutting down: it finishes the requests in flight (GATEWAY_SHUTDOWN_GRACE_MS at most), then exits. Route new requests to another replica.',
} as const;

/** What `/health/silos` answers: 200 with `up` when every silo's probe answered, 503 `degraded` otherwise. */
export interface SiloStatus {
  status: 'up' | 'degraded';
  silos: Record<Source, SiloHealth>;
  /** When the probe that this answer reports was sent, ISO 8601. */
  checkedAt: string;
}

/**
 * The silos' probe, shared: {@link status} answers the last probe's result while it is younger
 * than `cacheMs`, and the probe in flight to every hit that comes while it is out.
 */
export class SiloProbe {
  #last: { at: number; status: SiloStatus } | null = null;
  #inFlight: Promise<SiloStatus> | null = null;

  /**
   * @param connectors whose `health()` is called, one call per silo per probe
   * @param cacheMs how long a probe's result answers, in ms (0: until the next hit after it settled)
   * @param now the clock, in ms
   */
  constructor(
    private readonly connectors: SiloConnectors,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The silos' status: cached, shared with the probe in flight, or from a new probe. Never throws (`health()` never does). */
  status(): Promise<SiloStatus> {
    const last = this.#last;
    if (last && this.now() - last.at < this.cacheMs) return Promise.resolve(last.status);
    if (this.#inFlight) return this.#inFlight;
    const at = this.now();
    const probe = (async () => {
      const reports = await Promise.all(SOURCES.map(async (source) => [source, await this.connectors[source].health()] as const));
      const silos = Object.fromEntries(reports) as Record<Source, SiloHealth>;
      const up = reports.every(([, report]) => report.status === 'up');
      const status: SiloStatus = { status: up ? 'up' : 'degraded', silos, checkedAt: new Date(at).toISOString() };
      // The interval counts from when the probe was sent: one call per silo per interval.
      this.#last = { at, status };
      return status;
    })().finally(() => {
      this.#inFlight = null;
    });
    this.#inFlight = probe;
    return probe;
  }
}

/** Whether the gateway takes new work: false from the moment a shutdown starts. */
export class Readiness {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  /** The shutdown started: readiness answers 503 from now on. */
  drain(): void {
    this.#draining = true;
  }
}

/**
 * Answers a probe path ({@link HEALTH_PATHS}); false when `path` is not one. `/health` stays the
 * silo status it always was, for the clients and monitors that poll it.
 */
export async function answerHealth(path: string, res: ServerResponse, probe: SiloProbe, readiness: Readiness): Promise<boolean> {
  switch (path) {
    case HEALTH_PATHS.live:
      send(res, 200, { status: 'up' });
      return true;
    case HEALTH_PATHS.ready:
      if (readiness.draining) send(res, 503, DRAINING);
      else send(res, 200, { status: 'ready' });
      return true;
    case HEALTH_PATHS.silos:
    case HEALTH_PATHS.legacy: {
      const status = await probe.status();
      send(res, status.status === 'up' ? 200 : 503, status);
      return true;
    }
    default:
      return false;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // A probe's answer is about this moment: no cache in between may keep it.
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
