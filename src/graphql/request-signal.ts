/**
 * A request's stop: the signal in its context (context.ts) is aborted when the client's
 * connection closes before the answer went out, or at the whole-request deadline
 * (GATEWAY_REQUEST_TIMEOUT_MS). Every silo read of the request goes through {@link guarded}: once
 * the signal is aborted no call is made, and the reads still waiting settle at once with a
 * SourceError of the silo (DEADLINE_EXCEEDED, or REQUEST_ABORTED for a client that left), rather
 * than at the silo's own timeout. The connector gets the signal too (connectors/types.ts
 * `Connector`): it sends none of its follow-up calls once it is aborted (the member list after a
 * login, the next page of a paged read) and cancels the call out (connectors/shared/silo-http.ts).
 */
import type { Source } from '../generated/graphql.js';
import { RequestStopped, stoppedError, whenStopped, type StopReason } from '../shared/request-stop.js';

export { RequestStopped, stoppedError, type StopReason };

/** A signal that is never aborted: in-process callers (the benchmarks, the CLV sample) have no client to lose. */
export const NEVER_STOPPED: AbortSignal = new AbortController().signal;

/**
 * A controller for one request. Its silo reads listen to its signal through `whenStopped`
 * (src/shared/request-stop.ts): one EventTarget listener however many reads are in flight.
 */
export function requestController(): AbortController {
  return new AbortController();
}

/** Stops a request (idempotent: the first reason stays). */
export function stopRequest(controller: AbortController, reason: StopReason): void {
  if (!controller.signal.aborted) controller.abort(new RequestStopped(reason));
}

/**
 * `call(signal)` (a connector call to `source`, given the request's signal to pass to the
 * connector) unless the request is stopped: rejected with {@link stoppedError} without calling
 * when the signal is already aborted, and as soon as it is aborted while the call is out. The
 * connector, given the signal, sends none of its own follow-up calls after that (the next page,
 * the search after a login) and cancels the one out. `call` gets undefined for
 * {@link NEVER_STOPPED}: nothing to stop, nothing to listen to.
 */
export function guarded<T>(signal: AbortSignal, source: Source, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  // In-process callers (benchmarks, the CLV sample): nothing to race.
  if (signal === NEVER_STOPPED) return call(undefined);
  if (signal.aborted) return Promise.reject(stoppedError(signal.reason, source));
  const pending = call(signal);
  return new Promise<T>((resolve, reject) => {
    const stopListening = whenStopped(signal, () => reject(stoppedError(signal.reason, source)));
    pending.then(
      (value) => {
        stopListening();
        resolve(value);
      },
      (error: unknown) => {
        stopListening();
        reject(error);
      },
    );
  });
}

