/**
 * The kit every silo simulator is built on: a real node:http server with a small router, the
 * product's authentication check, per-route call counting, and fault injection (latency with
 * jitter, down, hang, slow, error statuses, rate limiting with Retry-After, malformed and oversized
 * bodies, flaky) so that tests and
 * benchmarks exercise failures through real HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Source } from '../../src/generated/graphql.js';

/** How a simulator misbehaves. `none` serves normally. */
export type FaultMode =
  | { kind: 'none' }
  /** The listener is closed: connections are refused. */
  | { kind: 'down' }
  /** Requests are read but never answered. */
  | { kind: 'hang' }
  /** Every answer is delayed by `ms` on top of the latency. */
  | { kind: 'slow'; ms: number }
  /** Every request gets this status with the product's error body (a 429 with `Retry-After: 1`). */
  | { kind: 'error'; status: number }
  /**
   * Every request gets 429 with the product's rate-limit body and `Retry-After: <seconds>` (RFC
   * 9110 section 10.2.3, delay-seconds), as a product's rate limiter answers.
   */
  | { kind: 'ratelimit'; seconds: number }
  /**
   * 200 with a valid JSON body of about `bytes` bytes (one long string), streamed in chunks
   * without Content-Length: an answer larger than a connector accepts.
   */
  | { kind: 'oversized'; bytes: number }
  /** 200 with a JSON content type and a truncated body. */
  | { kind: 'malformed' }
  /** A share `rate` (0..1) of requests get `status`; the rest are served. */
  | { kind: 'flaky'; rate: number; status: number };

/** A fault one route can have on its own: any but `down`. */
export type RouteFault = Exclude<FaultMode, { kind: 'down' }>;

export interface Latency {
  /** Added to every answer, in milliseconds. */
  fixedMs: number;
  /** Up to this many milliseconds more, uniformly drawn. */
  jitterMs: number;
}

export const FAULT_MODES_HELP = 'none, down, hang, slow:<ms>, error:<status>, ratelimit:<seconds>, malformed, oversized:<bytes>, flaky:<rate>[:<status>]';

/** Parses `down`, `hang`, `slow:300`, `error:503`, `ratelimit:30`, `malformed`, `oversized:20000000`, `flaky:0.2:500`, `none`. */
export function parseFault(text: string): FaultMode {
  const [kind, a, b] = text.trim().split(':');
  const int = (v: string | undefined, min: number, max: number): number | undefined => {
    if (v === undefined || !/^\d+$/.test(v)) return undefined;
    const n = Number(v);
    return n >= min && n <= max ? n : undefined;
  };
  switch (kind) {
    case 'none':
    case 'down':
    case 'hang':
    case 'malformed':
      if (a === undefined) return { kind };
      break;
    case 'slow': {
      const ms = int(a, 0, 600_000);
      if (ms !== undefined && b === undefined) return { kind, ms };
      break;
    }
    case 'error': {
      const status = int(a, 400, 599);
      if (status !== undefined && b === undefined) return { kind, status };
      break;
    }
    case 'ratelimit': {
      const seconds = int(a, 0, 86_400);
      if (seconds !== undefined && b === undefined) return { kind, seconds };
      break;
    }
    case 'oversized': {
      const bytes = int(a, 1, 2_000_000_000);
      if (bytes !== undefined && b === undefined) return { kind, bytes };
      break;
    }
    case 'flaky': {
      const rate = a === undefined ? NaN : Number(a);
      const status = b === undefined ? 500 : int(b, 400, 599);
      if (rate >= 0 && rate <= 1 && status !== undefined) return { kind, rate, status };
      break;
    }
  }
  throw new Error(`Unknown fault "${text}": expected one of ${FAULT_MODES_HELP}.`);
}

export interface SimRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body text ('' when none). */
  body: string;
  /** Path parameters captured by the route's pattern (named groups). */
  params: Record<string, string>;
}

export interface SimResponse {
  status: number;
  /** Serialized as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SimRoute {
  /** Name used in call counts, e.g. `contacts.search`. */
  name: string;
  method: 'GET' | 'POST';
  /** Matched against the path; named groups become `params`. */
  pattern: RegExp;
  handle(req: SimRequest): SimResponse | Promise<SimResponse>;
}

export interface SimulatorSpec {
  source: Source;
  routes: SimRoute[];
  /**
   * Checks the product's credentials. Returns null when they are good, else the product's own
   * 401/403 answer. Called after routing, before the handler.
   */
  authenticate(req: SimRequest): SimResponse | null;
  /** The product's error body for an injected error status. */
  errorBody(status: number): unknown;
  /** The product's answer to a path it does not have. */
  notFound(req: SimRequest): SimResponse;
}

export interface SimulatorStats {
  /** Every request that reached the simulator, routed or not. */
  requests: number;
  /** Requests per route name. */
  byRoute: Record<string, number>;
}

export class Simulator {
  readonly source: Source;
  private readonly spec: SimulatorSpec;
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private fault: FaultMode = { kind: 'none' };
  private readonly routeFaults = new Map<string, RouteFault>();
  private latency: Latency = { fixedMs: 0, jitterMs: 0 };
  private counts: SimulatorStats = { requests: 0, byRoute: {} };
  private random: () => number = Math.random;
  private port = 0;
  private host = '127.0.0.1';
  private listening = false;

  constructor(spec: SimulatorSpec) {
    this.spec = spec;
    this.source = spec.source;
    this.server = this.createHttpServer();
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. Valid after {@link listen}. */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Starts listening; port 0 picks a free one. Resolves with the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.host = host;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.listening = true;
    return this.url;
  }

  /** Switches fault mode. `down` closes the listener; leaving `down` listens again on the same port. */
  async setFault(fault: FaultMode): Promise<void> {
    const wasDown = this.fault.kind === 'down';
    this.fault = fault;
    if (fault.kind !== 'hang') this.releaseHanging();
    if (fault.kind === 'down' && !wasDown && this.listening) {
      await this.stopListening();
    } else if (fault.kind !== 'down' && wasDown) {
      this.server = this.createHttpServer();
      await this.listen(this.port, this.host);
    }
  }

  getFault(): FaultMode {
    return this.fault;
  }

  /**
   * A fault on one route only (by route name, e.g. `products.list`), so that a test can fail one
   * call of a request and not the others; null clears it. It takes precedence over the silo-wide
   * mode on that route. `down` is silo-wide only: a listener cannot refuse one path.
   */
  setRouteFault(route: string, fault: RouteFault | null): void {
    if (!this.spec.routes.some((r) => r.name === route)) {
      throw new Error(`The ${this.source} simulator has no route "${route}"; it has ${this.spec.routes.map((r) => r.name).join(', ')}.`);
    }
    if (fault === null || fault.kind === 'none') this.routeFaults.delete(route);
    else this.routeFaults.set(route, fault);
  }

  /** Clears every route fault (see {@link setRouteFault}). */
  clearRouteFaults(): void {
    this.routeFaults.clear();
    this.releaseHanging();
  }

  setLatency(latency: Latency): void {
    this.latency = { ...latency };
  }

  stats(): SimulatorStats {
    return { requests: this.counts.requests, byRoute: { ...this.counts.byRoute } };
  }

  resetStats(): void {
    this.counts = { requests: 0, byRoute: {} };
  }

  /**
   * The source of randomness of the latency jitter and of the `flaky` mode: a function returning
   * a number in [0, 1), as `Math.random` does (null restores it), so that a test can seed it.
   */
  setRandom(random: (() => number) | null): void {
    this.random = random ?? Math.random;
  }

  async close(): Promise<void> {
    this.releaseHanging();
    if (this.listening) await this.stopListening();
  }

  private createHttpServer(): Server {
    const server = createServer((req, res) => {
      void this.onRequest(req, res);
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private async stopListening(): Promise<void> {
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private releaseHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counts.requests += 1;
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      pathname: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      params: {},
    };
    const route = this.route(simReq);
    if (route) this.counts.byRoute[route.name] = (this.counts.byRoute[route.name] ?? 0) + 1;

    const fault = (route && this.routeFaults.get(route.name)) || this.fault;
    if (fault.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    await sleep(this.latency.fixedMs + this.random() * this.latency.jitterMs);
    if (fault.kind === 'slow') await sleep(fault.ms);
    if (res.destroyed) return;

    if (fault.kind === 'error' || (fault.kind === 'flaky' && this.random() < fault.rate)) {
      // A product's rate limiter says when to come back: Retry-After, one second here.
      const headers: Record<string, string> = fault.status === 429 ? { 'retry-after': '1' } : {};
      return send(res, { status: fault.status, body: this.spec.errorBody(fault.status), headers });
    }
    if (fault.kind === 'ratelimit') {
      return send(res, { status: 429, body: this.spec.errorBody(429), headers: { 'retry-after': String(fault.seconds) } });
    }
    if (fault.kind === 'oversized') return sendOversized(res, fault.bytes);

    let answer: SimResponse;
    if (!route) {
      answer = this.spec.notFound(simReq);
    } else {
      answer = this.spec.authenticate(simReq) ?? (await this.handle(route, simReq));
    }
    if (fault.kind === 'malformed') {
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      return send(res, { status: 200, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) });
    }
    send(res, answer);
  }

  private route(req: SimRequest): SimRoute | undefined {
    for (const route of this.spec.routes) {
      if (route.method !== req.method) continue;
      const match = route.pattern.exec(req.pathname);
      if (match) {
        req.params = { ...match.groups };
        return route;
      }
    }
    return undefined;
  }

  private async handle(route: SimRoute, req: SimRequest): Promise<SimResponse> {
    try {
      return await route.handle(req);
    } catch (error) {
      // The client sees a server error, as it would from a real product's bug; but a crash of the
      // simulator is a bug of ours, not an outage to test against, so it is recorded where the
      // test suite checks after every test (test/support/simulator-crashes.ts) and logged.
      handlerCrashes.push({ source: this.source, route: route.name, error });
      process.stderr.write(`The ${this.source} simulator's handler for ${route.name} crashed: ${describeCrash(error)}\n`);
      return { status: 500, body: this.spec.errorBody(500) };
    }
  }
}

/** A simulator handler that threw: which simulator, which route, what it threw. */
export interface HandlerCrash {
  source: Source;
  route: string;
  error: unknown;
}

const handlerCrashes: HandlerCrash[] = [];

/**
 * The handler crashes of every simulator in this process since the last call, emptied by the
 * call. The test suite fails any test after which this is not empty, so that a simulator bug is
 * never mistaken for the silo being down (the client only sees a 500).
 */
export function takeHandlerCrashes(): HandlerCrash[] {
  return handlerCrashes.splice(0, handlerCrashes.length);
}

function describeCrash(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function send(res: ServerResponse, answer: SimResponse): void {
  const text = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...answer.headers,
  });
  res.end(text);
}

/**
 * A 200 whose JSON body is `{"padding":"xxx..."}` of about `bytes` bytes, written in 64 KiB
 * chunks as the client reads them (never built whole), without Content-Length; stops when the
 * client goes away (a connector that caps the size drops the connection).
 */
function sendOversized(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  const chunk = 'x'.repeat(64 * 1024);
  let left = Math.max(0, bytes - 14);
  res.write('{"padding":"');
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.slice(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  res.on('error', () => {});
  pump();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** A JSON body, or undefined when the text is not JSON (simulators answer 400 then). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
