/**
 * What keeps the gateway from hammering a silo that is failing: a circuit breaker (cockatiel's
 * CircuitBreakerPolicy with a ConsecutiveBreaker, https://github.com/connor4312/cockatiel#circuitbreaker)
 * and the silo's own `Retry-After` after a 429 (RFC 9110 section 10.2.3, RFC 6585 section 4).
 * One guard per silo, shared by every call of its connector (SiloHttp).
 *
 * The policy:
 * - a call that times out or finds the silo unavailable (connection refused or reset, HTTP 5xx,
 *   429, 401/403: SOURCE_TIMEOUT and SOURCE_UNAVAILABLE) is a failure; a call that answers is a
 *   success; an answer the gateway cannot read (SOURCE_BAD_RESPONSE) is neither, as it is about
 *   that call's content, not about the silo being up; nor is a call cut because its gateway
 *   request stopped (REQUEST_ABORTED, DEADLINE_EXCEEDED: silo-http.ts cancels it);
 * - `failureThreshold` consecutive failures open the breaker: for `cooldownMs` no call is sent,
 *   each answers at once with SOURCE_UNAVAILABLE saying when the next try is;
 * - after the cool-down, one call goes through (half-open); calls meanwhile still answer at once.
 *   Its success closes the breaker, its failure opens it for another cool-down;
 * - a 429 with `Retry-After` (delta-seconds or an HTTP-date) holds every call until that time
 *   (at most {@link MAX_RETRY_AFTER_MS}), each answering at once with SOURCE_UNAVAILABLE; the 429
 *   also counts as a failure of the breaker.
 * Every change of the breaker's state is reported once to `onStateChange` (the gateway logs it).
 */
import { BrokenCircuitError, CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { SourceError } from '../../src/shared/errors.js';
import { isRequestStop } from '../../src/shared/request-stop.js';
import type { Source } from '../../src/generated/graphql.js';

/** The breaker's thresholds (settings `<SILO>_BREAKER_FAILURES`, `<SILO>_BREAKER_COOLDOWN_MS`). */
export interface BreakerOptions {
  /** Consecutive failed calls that open the breaker, 1 or more. */
  failureThreshold: number;
  /** How long an open breaker sends no call, in ms, before one probe call. */
  cooldownMs: number;
}

/**
 * 50 failures in a row: a silo that is down fails every call and gets there at once under load,
 * a hung one within a few call timeouts (20 clients waiting on it: 50 / 20 timeouts), while an overloaded gateway's sporadic timeouts (a burst of a batch's calls
 * queued past their deadline) are broken up by the successes between them. With 5, a full
 * bench's memory phase (600 identities resolving at once against a 100,000-customer population)
 * opened the loyalty breaker on a handful of timeouts and answered 48,214 errors where it had
 * answered 2,708 without a breaker.
 */
export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 50, cooldownMs: 10_000 };

/** The longest a silo's Retry-After holds its calls, in ms: a mistaken header must not silence it for a day. */
export const MAX_RETRY_AFTER_MS = 300_000;

/** A change of a silo breaker's state, as logged: `open` with when the probe call may go. */
export type BreakerChange =
  | { source: Source; state: 'open'; retryAt: string; failures: number; cause: string }
  | { source: Source; state: 'halfOpen' }
  | { source: Source; state: 'closed' };

export interface SiloGuardOptions {
  source: Source;
  /** Human name of the silo for messages, e.g. "CRM". */
  label: string;
  breaker?: BreakerOptions;
  onStateChange?: (change: BreakerChange) => void;
  /** The clock, ms since the epoch (tests). */
  now?: () => number;
}

export class SiloGuard {
  readonly source: Source;
  private readonly label: string;
  private readonly options: BreakerOptions;
  private readonly onStateChange: (change: BreakerChange) => void;
  private readonly now: () => number;
  private policy!: CircuitBreakerPolicy;
  /** When the open breaker lets its probe call go, ms since the epoch. */
  private retryAt = 0;
  /** No call before this time (a 429's Retry-After), ms since the epoch; 0: none. */
  private holdUntil = 0;

  constructor(options: SiloGuardOptions) {
    this.source = options.source;
    this.label = options.label;
    this.options = options.breaker ?? DEFAULT_BREAKER;
    if (!Number.isInteger(this.options.failureThreshold) || this.options.failureThreshold < 1) {
      throw new RangeError(`The ${options.label} breaker's failureThreshold must be a whole number of 1 or more, got ${this.options.failureThreshold}.`);
    }
    this.onStateChange = options.onStateChange ?? (() => {});
    this.now = options.now ?? Date.now;
    this.reset();
  }

  /** The breaker's state: `closed` (calls go), `open` (none until the cool-down ends), `halfOpen` (one probe in flight). */
  get state(): 'closed' | 'open' | 'halfOpen' {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'halfOpen';
      default:
        return 'open';
    }
  }

  /** Closes the breaker and forgets any Retry-After, as at start (tests between cases). */
  reset(): void {
    const policy = circuitBreaker(
      // A call cut by its gateway request's stop (client gone, request deadline) says nothing of the silo.
      handleWhen((error) => error instanceof SourceError && error.code !== 'SOURCE_BAD_RESPONSE' && !isRequestStop(error)),
      { halfOpenAfter: this.options.cooldownMs, breaker: new ConsecutiveBreaker(this.options.failureThreshold) },
    );
    policy.onBreak((reason) => {
      if (this.policy !== policy) return;
      this.retryAt = this.now() + this.options.cooldownMs;
      const error = 'error' in reason ? reason.error : undefined;
      const cause = error instanceof SourceError ? error.code : 'isolated';
      this.onStateChange({ source: this.source, state: 'open', retryAt: new Date(this.retryAt).toISOString(), failures: this.options.failureThreshold, cause });
    });
    policy.onHalfOpen(() => {
      if (this.policy === policy) this.onStateChange({ source: this.source, state: 'halfOpen' });
    });
    policy.onReset(() => {
      if (this.policy === policy) this.onStateChange({ source: this.source, state: 'closed' });
    });
    this.policy = policy;
    this.retryAt = 0;
    this.holdUntil = 0;
  }

  /**
   * Runs one call of the silo under the guard. Throws, without calling, a SourceError
   * SOURCE_UNAVAILABLE when the breaker is open or half-open (its probe in flight) or a
   * Retry-After holds the silo; else what `call` returns or throws.
   */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const now = this.now();
    if (now < this.holdUntil) throw this.rateLimited(operation, this.holdUntil);
    // cockatiel lets calls that arrive while the probe is in flight wait for its outcome (up to a
    // whole call deadline on a hung silo): here they answer at once, so only the probe waits.
    if (this.policy.state === CircuitState.HalfOpen) throw this.open(operation);
    try {
      return await this.policy.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw this.open(operation);
      throw error;
    }
  }

  /**
   * Records a 429's `Retry-After` (the header's value as received): no call before that time.
   * A value that is neither delta-seconds nor an HTTP-date is ignored (RFC 9110 section 10.2.3).
   */
  holdFor(retryAfter: string | string[] | undefined): number | null {
    const until = retryAfterTime(retryAfter, this.now());
    if (until === null) return null;
    this.holdUntil = Math.max(this.holdUntil, until);
    return this.holdUntil;
  }

  private open(operation: string): SourceError {
    const retryAt = new Date(Math.max(this.retryAt, this.now())).toISOString();
    return new SourceError(
      'SOURCE_UNAVAILABLE',
      this.source,
      `The ${this.label} (${this.source}) is unavailable: its circuit breaker is open after ${this.options.failureThreshold} failed calls in a row; the gateway tries it again at ${retryAt}.`,
      { operation, breaker: 'open', retryAt },
    );
  }

  private rateLimited(operation: string, until: number): SourceError {
    const retryAt = new Date(until).toISOString();
    return new SourceError(
      'SOURCE_UNAVAILABLE',
      this.source,
      `The ${this.label} (${this.source}) is unavailable: it rate-limited the gateway (HTTP 429) and asked for no call before ${retryAt} (Retry-After).`,
      { operation, rateLimited: 'retry-after', retryAt },
    );
  }
}

/**
 * The time a `Retry-After` value names, ms since the epoch, capped at `now` + {@link MAX_RETRY_AFTER_MS};
 * null when absent or unreadable. RFC 9110 section 10.2.3: `Retry-After = HTTP-date / delay-seconds`,
 * delay-seconds a non-negative decimal integer; an HTTP-date as `Date.parse` reads the IMF-fixdate
 * and the obsolete forms (section 5.6.7).
 */
export function retryAfterTime(value: string | string[] | undefined, now: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  let until: number;
  if (/^\d+$/.test(text)) {
    until = now + Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    // A date is only read when it names a weekday or a month, as HTTP-dates do: Date.parse also
    // reads "1.5" or "-3", which are not Retry-After values.
    if (Number.isNaN(date) || !/[A-Za-z]{3}/.test(text)) return null;
    until = date;
  }
  return Math.min(until, now + MAX_RETRY_AFTER_MS);
}
