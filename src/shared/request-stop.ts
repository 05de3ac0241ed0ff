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
