/**
 * The HTTP layer every connector uses: one undici Pool per silo with keep-alive, a deadline on
 * every call, JSON in and out, and the one place where transport failures and HTTP statuses
 * become the gateway's error codes.
 */
import { EventEmitter } from 'node:events';
import { Pool, type Dispatcher } from 'undici';
import { SourceError } from '../../src/shared/errors.js';
import { stoppedError, whenStopped } from '../../src/shared/request-stop.js';
import { SiloGuard, defaultBreaker, type BreakerChange } from './silo-guard.js';
import type { Source } from '../../src/generated/graphql.js';
import type { SiloCalls, SiloEndpoint, SiloHealth } from '../types.js';

export interface SiloHttpOptions extends SiloEndpoint {
  source: Source;
  /** Human name of the silo for messages, e.g. "CRM". */
  label: string;
  /** Injected dispatcher (tests, benchmarks); by default a keep-alive Pool on baseUrl. */
  dispatcher?: Dispatcher;
  /** Told of each change of the silo's circuit breaker (the gateway logs it). */
  onBreakerChange?: (change: BreakerChange) => void;
}

/** A silo answer's largest body when the connector's settings give none, in bytes (8 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface SiloRequest {
  /** Short name of the API operation, for errors and logs, e.g. `contacts.batchRead`. */
  operation: string;
  method: 'GET' | 'POST';
  /** Path relative to the base URL's origin, including the base URL's own path prefix if any. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (Matomo takes token_auth this way). */
  form?: Record<string, string>;
  /**
   * Statuses the caller handles itself (the body is parsed and returned). Every other non-2xx
   * status becomes a SourceError. 404 is common here: "no such record" is not a failure.
   */
  acceptStatus?: readonly number[];
  /**
   * The stop of the gateway request this call is for (client gone, request deadline passed;
   * src/graphql/request-signal.ts). Once it is aborted the call is not sent; aborted while the
   * call is out, the call is cancelled (undici drops it). Either way it throws the request's
   * REQUEST_ABORTED or DEADLINE_EXCEEDED, which the circuit breaker does not count. None: the
   * call is nobody's to stop (a login or a tier list shared by requests, a health probe).
   */
  signal?: AbortSignal;
}

export interface SiloResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined for an empty body). */
  body: unknown;
}

export class SiloHttp implements SiloCalls {
  readonly source: Source;
  readonly label: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  /** Deadline of one call, in ms. */
  readonly timeoutMs: number;
  /** The largest body read from the silo, in bytes; a larger one is SOURCE_BAD_RESPONSE. */
  readonly maxResponseBytes: number;
  /** The silo's circuit breaker and Retry-After hold (silo-guard.ts). */
  readonly guard: SiloGuard;
  private readonly pathPrefix: string;

  constructor(options: SiloHttpOptions) {
    this.source = options.source;
    this.label = options.label;
    this.timeoutMs = options.timeoutMs;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.guard = new SiloGuard({ source: options.source, label: options.label, breaker: options.breaker ?? defaultBreaker(options.timeoutMs), onStateChange: options.onBreakerChange });
    const base = new URL(options.baseUrl);
    this.pathPrefix = base.pathname.replace(/\/$/, '');
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Pool(base.origin, {
        connections: options.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connectTimeout: options.timeoutMs,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
  }

  #typicalLatencyMs: number | null = null;

  get typicalLatencyMs(): number | null {
    return this.#typicalLatencyMs;
  }

  get breakerState(): SiloCalls['breakerState'] {
    return this.guard.state;
  }

  resetGuard(): void {
    this.guard.reset();
  }

  /**
   * Sends one request and parses the JSON answer; throws a SourceError on any failure. Goes
   * through the silo's guard: while its breaker is open or a Retry-After holds it, throws
   * SOURCE_UNAVAILABLE at once without calling. With `req.signal` already aborted, throws the
   * request's REQUEST_ABORTED or DEADLINE_EXCEEDED without calling: this is the check that stops
   * a connector's follow-up calls (the next page, the search after a login) for a request that
   * is gone.
   */
  request(req: SiloRequest): Promise<SiloResponse> {
    if (req.signal?.aborted) return Promise.reject(stoppedError(req.signal.reason, this.source));
    return this.guard.run(req.operation, () => this.send(req));
  }

  private async send(req: SiloRequest): Promise<SiloResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    const deadline = new CallDeadline(this.timeoutMs);
    // The request's stop cancels the call as its deadline does, except the half-open breaker's
    // probe call: its answer is what closes or reopens the breaker, so it runs to its end.
    const stop = req.signal && this.guard.state === 'closed' ? deadline.follow(req.signal) : undefined;
    let status: number;
    let responseHeaders: SiloResponse['headers'];
    let text: string;
    const started = performance.now();
    try {
      const res = await this.dispatcher.request({
        path: this.pathPrefix + req.path + queryString(req.query),
        method: req.method,
        headers,
        body,
        signal: deadline,
      });
      status = res.statusCode;
      responseHeaders = res.headers;
      text = await this.readText(req.operation, res);
    } catch (error) {
      if (stop?.aborted) throw stoppedError(stop.reason, this.source);
      if (error instanceof SourceError) throw error;
      throw this.transportError(req.operation, error, deadline.aborted);
    } finally {
      deadline.clear();
    }
    // Answered calls only: a failure's time (a refused connection, a deadline) is no silo's pace.
    const took = performance.now() - started;
    this.#typicalLatencyMs = this.#typicalLatencyMs === null ? took : this.#typicalLatencyMs + LATENCY_WEIGHT * (took - this.#typicalLatencyMs);
    const accepted = req.acceptStatus?.includes(status) ?? false;
    if ((status < 200 || status >= 300) && !accepted) {
      const retryAt = status === 429 ? this.guard.holdFor(responseHeaders['retry-after']) : null;
      throw this.statusError(req.operation, status, retryAt);
    }
    if (text.trim() === '') return { status, headers: responseHeaders, body: undefined };
    try {
      return { status, headers: responseHeaders, body: JSON.parse(text) };
    } catch {
      throw this.badResponse(req.operation, 'the body is not valid JSON');
    }
  }

  /**
   * The error to throw when a body parsed but does not have the documented shape. `what` names
   * the field and what was expected, never a value (see body-schema.ts); it is in the message.
   */
  badResponse(operation: string, what: string): SourceError {
    return new SourceError(
      'SOURCE_BAD_RESPONSE',
      this.source,
      `The ${this.label} (${this.source}) sent a response the gateway could not read: ${what}.`,
      { operation, problem: what },
    );
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /**
   * The body as text, read up to {@link maxResponseBytes}: a larger one (by its Content-Length,
   * or as it streams in) is dropped at the cap, never buffered whole, and is SOURCE_BAD_RESPONSE
   * naming the cap (never the body).
   */
  private async readText(operation: string, res: Dispatcher.ResponseData): Promise<string> {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxResponseBytes) {
      res.body.destroy();
      throw this.tooLarge(operation, `its Content-Length is ${declared} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > this.maxResponseBytes) {
        res.body.destroy();
        throw this.tooLarge(operation, `more than ${this.maxResponseBytes} bytes came`);
      }
      chunks.push(buffer);
    }
    return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
  }

  private tooLarge(operation: string, what: string): SourceError {
    return new SourceError(
      'SOURCE_BAD_RESPONSE',
      this.source,
      `The ${this.label} (${this.source}) sent a response larger than the gateway accepts: ${what}, over the cap of ${this.maxResponseBytes} bytes (${this.source.toUpperCase()}_MAX_RESPONSE_MB).`,
      { operation, problem: 'too large', maxBytes: this.maxResponseBytes },
    );
  }

  private statusError(operation: string, status: number, retryAt: number | null = null): SourceError {
    if (status === 429 || status >= 500 || status === 401 || status === 403) {
      const why =
        status === 429
          ? `it is rate-limiting the gateway (HTTP 429)${retryAt === null ? '' : `; no call before ${new Date(retryAt).toISOString()} (Retry-After)`}`
          : status === 401 || status === 403
            ? `it refused the gateway's credentials (HTTP ${status})`
            : `it answered HTTP ${status}`;
      return new SourceError('SOURCE_UNAVAILABLE', this.source, `The ${this.label} (${this.source}) is unavailable: ${why}.`, {
        operation,
        status,
      });
    }
    return new SourceError(
      'SOURCE_BAD_RESPONSE',
      this.source,
      `The ${this.label} (${this.source}) answered with an unexpected HTTP ${status}.`,
      { operation, status },
    );
  }

  private transportError(operation: string, error: unknown, timedOut: boolean): SourceError {
    const code = errorCode(error);
    if (timedOut || TIMEOUT_CODES.has(code)) {
      return new SourceError(
        'SOURCE_TIMEOUT',
        this.source,
        `The ${this.label} (${this.source}) did not answer within ${this.timeoutMs} ms.`,
        { operation, cause: code || 'deadline' },
      );
    }
    return new SourceError(
      'SOURCE_UNAVAILABLE',
      this.source,
      `The ${this.label} (${this.source}) is unavailable: the connection failed.`,
      { operation, cause: code || 'unknown' },
    );
  }
}

/**
 * One call's deadline, over all of it: waiting in the pool's queue, connecting, headers and body
 * (undici's own timeouts each cover one of these, and none the queue). It is given to undici as
 * the EventEmitter its `signal` option accepts beside AbortSignal: an AbortController per call,
 * with the EventTarget Node builds for its signal, took ~5% of the gateway's CPU in an in-process
 * profile. Not AbortSignal.timeout either: this timer is cleared as soon as the call ends.
 */
export class CallDeadline extends EventEmitter {
  /** The deadline passed (not set by a followed signal's abort). */
  aborted = false;
  readonly #timer: NodeJS.Timeout;
  #stopFollowing: (() => void) | null = null;

  constructor(ms: number) {
    super();
    this.#timer = setTimeout(() => {
      this.aborted = true;
      this.emit('abort');
    }, ms);
  }

  /**
   * Cancels the call also when `signal` aborts (the gateway request's stop), until {@link clear}.
   * Returns `signal`, whose `aborted` then tells the caller which of the two cut the call.
   */
  follow(signal: AbortSignal): AbortSignal {
    this.#stopFollowing = whenStopped(signal, () => {
      this.emit('abort');
    });
    return signal;
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#stopFollowing?.();
    this.#stopFollowing = null;
  }
}

/**
 * Runs a connector's health probe (a cheap authenticated call) and times it. Never throws: a
 * probe that fails makes the silo `down`.
 */
export async function probeHealth(probe: () => Promise<unknown>): Promise<SiloHealth> {
  const started = performance.now();
  try {
    await probe();
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Only a SourceError's message is written to be shown (it names the silo, never a credential
    // or a customer's data); any other error's message may hold anything, so it is not passed on.
    return { status: 'down', reason: error instanceof SourceError ? error.message : 'the health probe failed' };
  }
}

/** The weight of the latest call in {@link SiloHttp.typicalLatencyMs}: the last 10 or so calls count most. */
const LATENCY_WEIGHT = 0.1;

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'TimeoutError',
]);

function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.name === 'string') return e.name;
  }
  return '';
}

function queryString(query: SiloRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
