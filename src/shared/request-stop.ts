/**
 * Why a request was stopped, and the error a silo read of a stopped request settles with. Here
 * rather than in src/graphql/request-signal.ts so that the connectors' HTTP layer
 * (connectors/shared/silo-http.ts), which refuses a call of a stopped request, can make the
 * same error.
 */
import type { Source } from '../generated/graphql.js';
import { SourceError } from './errors.js';

/** Why a request was stopped: the abort reason of its signal. */
export type StopReason = { kind: 'deadline'; ms: number } | { kind: 'disconnect' };

/** The abort reason a request's controller is aborted with (request-signal.ts `stopRequest`). */
export class RequestStopped extends Error {
  override readonly name = 'RequestStopped';
  constructor(readonly reason: StopReason) {
    super(reason.kind === 'deadline' ? `The request's deadline of ${reason.ms} ms passed.` : 'The client closed the connection.');
  }
}

/**
 * The error a silo read of a stopped request settles with: the silo's DEADLINE_EXCEEDED (with
 * `deadlineMs`) or REQUEST_ABORTED, naming what was cut. `reason` is the signal's abort reason;
 * anything but a {@link RequestStopped} counts as a client that left.
 */
export function stoppedError(reason: unknown, source: Source): SourceError {
  const stop = reason instanceof RequestStopped ? reason.reason : ({ kind: 'disconnect' } as const);
  return stop.kind === 'deadline'
    ? new SourceError('DEADLINE_EXCEEDED', source, `The request's deadline of ${stop.ms} ms passed before ${source} answered: what needed it was cut (GATEWAY_REQUEST_TIMEOUT_MS).`, { deadlineMs: stop.ms })
    : new SourceError('REQUEST_ABORTED', source, `The client closed the connection: ${source} was not asked.`);
}

/** Whether `error` is a read cut by its request's stop (not a failure of the silo: the circuit breaker does not count it). */
export function isRequestStop(error: unknown): boolean {
  return error instanceof SourceError && (error.code === 'REQUEST_ABORTED' || error.code === 'DEADLINE_EXCEEDED');
}

/** The listeners of each request signal that has some: one `abort` listener per signal runs them. */
const stopListeners = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` (a request's stop) aborts; returns the function that takes
 * it back. A request registers one listener per silo call, twice (the read's race with the stop
 * and the call's cancellation), and takes it back when the call ends: a Set entry each, under
 * the one EventTarget listener its signal gets. Adding and removing an EventTarget listener per
 * call instead took about 0.4 to 1 µs a pair, plus `setMaxListeners` on every request's signal
 * (about 3 to 8 µs) to silence Node's leak warning past 10 listeners.
 * Not for a signal already aborted: the listener would never run (callers check `aborted` first).
 */
export function whenStopped(signal: AbortSignal, listener: () => void): () => void {
  let listeners = stopListeners.get(signal);
  if (listeners === undefined) {
    const registered = new Set<() => void>();
    listeners = registered;
    stopListeners.set(signal, registered);
    signal.addEventListener(
      'abort',
      () => {
        // As EventTarget does: a listener taken back by one that ran before it does not run.
        for (const run of registered) run();
        registered.clear();
      },
      { once: true },
    );
  }
  const own = listeners;
  own.add(listener);
  return () => {
    own.delete(listener);
  };
}
