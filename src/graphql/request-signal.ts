/**
 * A request's stop: the signal in its context (context.ts) is aborted when the client's
 * connection closes before the answer went out, or at the whole-request deadline
 * (GATEWAY_REQUEST_TIMEOUT_MS). Every silo read of the request goes through {@link guarded}: once
 * the signal is aborted no call is made, and the reads still waiting settle at once with a
 * SourceError of the silo (DEADLINE_EXCEEDED, or REQUEST_ABORTED for a client that left), rather
 * than at the silo's own timeout. Connectors keep their signatures: the call already sent runs to
 * its end in the pool, but nothing waits for it.
 */
import { setMaxListeners } from 'node:events';
import type { Source } from '../generated/graphql.js';
import { SourceError } from '../shared/errors.js';

/** A signal that is never aborted: in-process callers (the benchmarks, the CLV sample) have no client to lose. */
export const NEVER_STOPPED: AbortSignal = new AbortController().signal;

/** Why a request was stopped: the abort reason of its signal. */
export type StopReason = { kind: 'deadline'; ms: number } | { kind: 'disconnect' };

/** The abort reason a request's controller is aborted with ({@link stopRequest}). */
export class RequestStopped extends Error {
  override readonly name = 'RequestStopped';
  constructor(readonly reason: StopReason) {
    super(reason.kind === 'deadline' ? `The request's deadline of ${reason.ms} ms passed.` : 'The client closed the connection.');
  }
}

/**
 * A controller for one request. Its signal takes any number of listeners (one per silo read in
 * flight) without Node's MaxListenersExceededWarning.
 */
export function requestController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** Stops a request (idempotent: the first reason stays). */
export function stopRequest(controller: AbortController, reason: StopReason): void {
  if (!controller.signal.aborted) controller.abort(new RequestStopped(reason));
}

/** The error a silo read of a stopped request settles with: the silo's, naming what was cut. */
export function stoppedError(reason: unknown, source: Source): SourceError {
  const stop = reason instanceof RequestStopped ? reason.reason : ({ kind: 'disconnect' } as const);
  return stop.kind === 'deadline'
    ? new SourceError('DEADLINE_EXCEEDED', source, `The request's deadline of ${stop.ms} ms passed before ${source} answered: what needed it was cut (GATEWAY_REQUEST_TIMEOUT_MS).`, { deadlineMs: stop.ms })
    : new SourceError('REQUEST_ABORTED', source, `The client closed the connection: ${source} was not asked.`);
}

/**
 * `call()` (a connector call to `source`) unless the request is stopped: rejected with
 * {@link stoppedError} without calling when the signal is already aborted, and as soon as it is
 * aborted while the call is out.
 */
export function guarded<T>(signal: AbortSignal, source: Source, call: () => Promise<T>): Promise<T> {
  // In-process callers (benchmarks, the CLV sample): nothing to race.
  if (signal === NEVER_STOPPED) return call();
  if (signal.aborted) return Promise.reject(stoppedError(signal.reason, source));
  const pending = call();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(stoppedError(signal.reason, source));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

