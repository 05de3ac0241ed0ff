/**
 * What keeps the gateway from hammering a silo that is failing: a circuit breaker (cockatiel's
 * CircuitBreakerPolicy, https://github.com/connor4312/cockatiel#circuitbreaker, deciding with our
 * {@link FailureRateBreaker}) and the silo's own `Retry-After` after a 429 (RFC 9110 section
 * 10.2.3, RFC 6585 section 4). One guard per silo, shared by every call of its connector (SiloHttp).
 *
 * The policy:
 * - a call that times out or finds the silo unavailable (connection refused or reset, HTTP 5xx,
 *   429, 401/403: SOURCE_TIMEOUT and SOURCE_UNAVAILABLE) is a failure; a call that answers is a
 *   success; an answer the gateway cannot read (SOURCE_BAD_RESPONSE) is neither, as it is about
 *   that call's content, not about the silo being up; nor is a call cut because its gateway
 *   request stopped (REQUEST_ABORTED, DEADLINE_EXCEEDED: silo-http.ts cancels it);
 * - the breaker opens when, over the last `windowMs`, at least `failureRate` of the calls failed
 *   and at least `minCalls` calls ended; with fewer calls than that, when `lowTrafficFailures`
 *   calls failed in a row. Open, for `cooldownMs` no call is sent, each
 *   answers at once with SOURCE_UNAVAILABLE saying why and when the next try is;
 * - after the cool-down, one call goes through (half-open); calls meanwhile still answer at once.
 *   Its success closes the breaker (and forgets the window), its failure opens it for another cool-down;
 * - a 429 with `Retry-After` (delta-seconds or an HTTP-date) holds every call until that time
 *   (at most {@link MAX_RETRY_AFTER_MS}), each answering at once with SOURCE_UNAVAILABLE; the 429
 *   also counts as a failure of the breaker.
 * Every change of the breaker's state is reported once to `onStateChange` (the gateway logs it).
 */
import { BrokenCircuitError, CircuitBreakerPolicy, CircuitState, circuitBreaker, handleWhen, type IBreaker } from 'cockatiel';
import { SourceError } from '../../src/shared/errors.js';
import { isRequestStop } from '../../src/shared/request-stop.js';
import { assertNever } from './exhaustive.js';
import type { Source } from '../../src/generated/graphql.js';

/**
 * The breaker's thresholds (settings `<SILO>_BREAKER_FAILURE_RATE`, `<SILO>_BREAKER_WINDOW_MS`,
 * `<SILO>_BREAKER_MIN_CALLS`, `<SILO>_BREAKER_LOW_TRAFFIC_FAILURES`, `<SILO>_BREAKER_COOLDOWN_MS`).
 */
export interface BreakerOptions {
  /** Share of the window's calls that failed at or above which the breaker opens, above 0 and at most 1. */
  failureRate: number;
  /** The sliding window the failure rate is measured over, in ms, above 0. */
  windowMs: number;
  /**
   * Calls that ended within the window (successes and failures), below which the rate is not
   * used: too few calls to measure one. A count rather than calls a second, so that a short
   * window (a silo with a short deadline) does not measure a rate on 4 calls. 0: the rate is always used.
   */
  minCalls: number;
  /** With fewer than `minCalls` calls in the window, failed calls in a row that open the breaker, 1 or more. */
  lowTrafficFailures: number;
  /** How long an open breaker sends no call, in ms, before one probe call. */
  cooldownMs: number;
}

/**
 * The defaults, for a silo whose call deadline is `timeoutMs` (each `<SILO>_BREAKER_*` setting's default).
 *
 * - Half the calls over a window as long as one call's deadline. A window at least a call's
 *   deadline long holds the successes that went out while a timed-out call waited, so sporadic
 *   timeouts among answered calls do not open it; no longer than that, so that a hung silo opens
 *   it with its first wave of timeouts: the window then holds none of the successes from before
 *   it hung (with one twice as long, 20 clients need two waves, 3 s).
 * - 20 calls within the window (13 a second over 1.5 s; cockatiel's SamplingBreaker asks 10 a
 *   second for a 50% rate): below it, a few calls decide nothing by their ratio (2 of 4 failing
 *   opened a 400 ms window's breaker in a test of a silo failing 30% of its calls).
 * - Below it, 5 failures in a row. A silo that gets few calls must be protected too (a down silo
 *   answering every request's field after its deadline). A hung silo's first wave of timeouts
 *   also opens it this way, as no call ended within the window before it (`npm run attack`: 20
 *   clients, opened after 1.6 s where 50 in a row took 7.7 s).
 * - 10 s of cool-down, cockatiel's default.
 *
 * Measured on the bench's memory phase (150,000 resolutions, 6 requests of 100 ids in flight):
 * no opening and no error. Its earlier openings (and likely the 2,708 errors of a run before the breaker)
 * came from the bench's simulators, not from load: V8's memory reducer stalled their process for
 * 3 to 6 s, no silo answered, and every call out timed out. A silo that answers nothing for
 * longer than its deadline opens the breaker, as it should.
 */
export function defaultBreaker(timeoutMs: number): BreakerOptions {
  return { failureRate: 0.5, windowMs: timeoutMs, minCalls: 20, lowTrafficFailures: 5, cooldownMs: 10_000 };
}

/** The defaults for the default call deadline (1500 ms). */
export const DEFAULT_BREAKER: BreakerOptions = defaultBreaker(1500);

/** Why a breaker opened: the rate over the window, failures in a row at low traffic, or its probe call failing. */
export type BreakerTrip =
  | { kind: 'rate'; failed: number; calls: number; windowMs: number; failureRate: number }
  | { kind: 'inARow'; failed: number; minCalls: number; windowMs: number }
  | { kind: 'probe' };

/** Buckets of the window: the window is measured to within a tenth of its length. */
const BUCKETS = 10;

/**
 * cockatiel's breaker contract (IBreaker: `success`/`failure` called by its CircuitBreakerPolicy
 * with the policy's state; `failure` returning true opens it) over a failure rate with a floor.
 *
 * Not cockatiel 3.2.1's SamplingBreaker, which measures the same ratio, because it moves its
 * window by one bucket per recorded call, however long since the last: after a lull its old
 * buckets still count. A hung silo makes exactly such lulls (nothing is recorded until the calls'
 * deadline), so its successes from before it hung kept counting: with a 2 s window, 20 clients
 * and a 1.5 s deadline it opened after 6 s (four waves of timeouts) where this one opens at the
 * second (3 s), at the first with the default window. cockatiel 4 needs Node 22.
 * It has no floor either: below its minimum rate it never opens, and a silo with little traffic
 * would be called forever; here `lowTrafficFailures` in a row open it then.
 */
export class FailureRateBreaker implements IBreaker {
  /** Why it last said to open (calls in flight may fail after it opened, and update it); null before. */
  lastTrip: BreakerTrip | null = null;
  private readonly bucketMs: number;
  /** Per bucket: its number (time / bucketMs), and its counts. */
  private readonly buckets: Array<{ id: number; failures: number; successes: number }>;
  private inARow = 0;

  constructor(
    private readonly options: Omit<BreakerOptions, 'cooldownMs'>,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = options.windowMs / BUCKETS;
    this.buckets = Array.from({ length: BUCKETS }, () => ({ id: -1, failures: 0, successes: 0 }));
  }

  /** For cockatiel's `toJSON` (not used by the gateway): the counts and the run of failures. */
  get state(): unknown {
    return { buckets: this.buckets.map((b) => ({ ...b })), inARow: this.inARow };
  }

  set state(value: unknown) {
    const saved = value as { buckets: Array<{ id: number; failures: number; successes: number }>; inARow: number };
    saved.buckets.forEach((b, i) => Object.assign(this.buckets[i]!, b));
    this.inARow = saved.inARow;
  }

  success(state: CircuitState): void {
    // A probe that succeeded closes the breaker: what failed before it is no longer news.
    if (state === CircuitState.HalfOpen) this.forget();
    this.bucket().successes += 1;
    this.inARow = 0;
  }

  failure(state: CircuitState): boolean {
    this.bucket().failures += 1;
    this.inARow += 1;
    if (state === CircuitState.HalfOpen) {
      this.lastTrip = { kind: 'probe' };
      return true;
    }
    const { failures, successes } = this.counts();
    const calls = failures + successes;
    const minCalls = this.options.minCalls;
    if (calls >= minCalls) {
      if (failures < this.options.failureRate * calls) return false;
      this.lastTrip = { kind: 'rate', failed: failures, calls, windowMs: this.options.windowMs, failureRate: this.options.failureRate };
      return true;
    }
    if (this.inARow < this.options.lowTrafficFailures) return false;
    this.lastTrip = { kind: 'inARow', failed: this.inARow, minCalls, windowMs: this.options.windowMs };
    return true;
  }

  /** The current bucket, emptied first when it last held an older time. */
  private bucket(): { id: number; failures: number; successes: number } {
    const id = Math.floor(this.now() / this.bucketMs);
    const bucket = this.buckets[id % BUCKETS]!;
    if (bucket.id !== id) Object.assign(bucket, { id, failures: 0, successes: 0 });
    return bucket;
  }

  /** The counts of the buckets within the window (the current one and the nine before it). */
  private counts(): { failures: number; successes: number } {
    const current = Math.floor(this.now() / this.bucketMs);
    let failures = 0;
    let successes = 0;
    for (const bucket of this.buckets) {
      if (bucket.id > current - BUCKETS) {
        failures += bucket.failures;
        successes += bucket.successes;
      }
    }
    return { failures, successes };
  }

  private forget(): void {
    for (const bucket of this.buckets) Object.assign(bucket, { id: -1, failures: 0, successes: 0 });
    this.inARow = 0;
  }
}

/** The longest a silo's Retry-After holds its calls, in ms: a mistaken header must not silence it for a day. */
export const MAX_RETRY_AFTER_MS = 300_000;

/** A change of a silo breaker's state, as logged: `open` with when the probe call may go and why it opened. */
export type BreakerChange =
  | { source: Source; state: 'open'; retryAt: string; trip: BreakerTrip; cause: string }
  | { source: Source; state: 'halfOpen' }
  | { source: Source; state: 'closed' };

export interface SiloGuardOptions {
  source: Source;
  /** Human name of the silo for messages, e.g. "CRM". */
  label: string;
  /** Default {@link DEFAULT_BREAKER} (SiloHttp gives `defaultBreaker` of its call deadline). */
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
  /**
   * Why the breaker last opened, as it was then: calls in flight when it opened may still fail
   * after, and the breaker's own record moves on with them.
   */
  private openedBy: BreakerTrip = { kind: 'probe' };
  /** When the open breaker lets its probe call go, ms since the epoch. */
  private retryAt = 0;
  /** No call before this time (a 429's Retry-After), ms since the epoch; 0: none. */
  private holdUntil = 0;

  constructor(options: SiloGuardOptions) {
    this.source = options.source;
    this.label = options.label;
    this.options = options.breaker ?? DEFAULT_BREAKER;
    checkBreaker(options.label, this.options);
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
    const breaker = new FailureRateBreaker(this.options, this.now);
    const policy = circuitBreaker(
      // A call cut by its gateway request's stop (client gone, request deadline) says nothing of the silo.
      handleWhen((error) => error instanceof SourceError && error.code !== 'SOURCE_BAD_RESPONSE' && !isRequestStop(error)),
      { halfOpenAfter: this.options.cooldownMs, breaker },
    );
    policy.onBreak((reason) => {
      if (this.policy !== policy) return;
      this.retryAt = this.now() + this.options.cooldownMs;
      const error = 'error' in reason ? reason.error : undefined;
      const cause = error instanceof SourceError ? error.code : 'isolated';
      this.openedBy = breaker.lastTrip ?? { kind: 'probe' };
      this.onStateChange({ source: this.source, state: 'open', retryAt: new Date(this.retryAt).toISOString(), trip: this.openedBy, cause });
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
      `The ${this.label} (${this.source}) is unavailable: its circuit breaker is open ${tripText(this.openedBy)}; the gateway tries it again at ${retryAt}.`,
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
 * Why a breaker opened, as the messages and the log say it: "after 15 of 20 calls (75%) failed
 * within 1.5 s, at least the 50% that opens it", "after 5 failed calls in a row, with fewer than
 * the 20 calls within 1.5 s that measure a failure rate", "after its probe call failed".
 */
export function tripText(trip: BreakerTrip): string {
  switch (trip.kind) {
    case 'rate':
      return `after ${trip.failed} of ${trip.calls} calls (${percent(trip.failed / trip.calls)}) failed within ${seconds(trip.windowMs)}, at least the ${percent(trip.failureRate)} that opens it`;
    case 'inARow':
      return `after ${trip.failed} failed calls in a row, with fewer than the ${trip.minCalls} calls within ${seconds(trip.windowMs)} that measure a failure rate`;
    case 'probe':
      return 'after its probe call failed';
    default:
      return assertNever(trip, 'breaker trip');
  }
}

/** 0.75 as "75%", 0.125 as "12.5%". */
function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** 1500 as "1.5 s", 250 as "0.25 s". */
function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/**
 * Throws a RangeError naming the silo, the option, what was given and what is accepted, when
 * one of the breaker's options is out of range (config.ts refuses such settings first).
 */
function checkBreaker(label: string, options: BreakerOptions): void {
  const problems: string[] = [];
  if (!(options.failureRate > 0 && options.failureRate <= 1)) problems.push(`failureRate must be above 0 and at most 1, got ${options.failureRate}`);
  if (!(options.windowMs > 0)) problems.push(`windowMs must be above 0, got ${options.windowMs}`);
  if (!Number.isInteger(options.minCalls) || options.minCalls < 0) problems.push(`minCalls must be a whole number of 0 or more, got ${options.minCalls}`);
  if (!Number.isInteger(options.lowTrafficFailures) || options.lowTrafficFailures < 1) problems.push(`lowTrafficFailures must be a whole number of 1 or more, got ${options.lowTrafficFailures}`);
  if (!(options.cooldownMs >= 0)) problems.push(`cooldownMs must be 0 or more, got ${options.cooldownMs}`);
  if (problems.length > 0) throw new RangeError(`The ${label} breaker's options are out of range: ${problems.join('; ')}.`);
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
