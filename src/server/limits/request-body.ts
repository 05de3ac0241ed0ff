/**
 * Reading a request body under MAX_REQUEST_BYTES (Apollo Router's `limits.http_max_request_bytes`):
 * chunks are kept only up to the limit; past it (or when `Content-Length` already says so) the rest
 * is discarded as it arrives, never buffered, so that the connection can still carry the 413.
 */
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';

/** The body was over the limit. */
export const TOO_LARGE: unique symbol = Symbol('too large');
/** The client closed the connection before the body's end (an aborted upload). */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * The request body as UTF-8 text, {@link TOO_LARGE} past `maxBytes`, or {@link ABORTED} when the
 * client went away mid-body: that is the client's doing, logged at debug without a stack. Never
 * rejects. Events rather than `for await`: the async iterator costs a promise per chunk.
 */
export function readBody(req: IncomingMessage, maxBytes: number, logger: Logger): Promise<string | typeof TOO_LARGE | typeof ABORTED> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > maxBytes;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (over) return;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      over = true;
      chunks.length = 0;
    };
    req.on('data', onData);
    req.once('end', () => {
      if (over) resolve(TOO_LARGE);
      else resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.once('error', (error: NodeJS.ErrnoException) => {
      chunks.length = 0;
      logger.debug('request body aborted', { reason: error.code ?? error.message, receivedBytes: size, declaredBytes: Number.isFinite(declared) ? declared : null });
      resolve(ABORTED);
    });
  });
}

/** The 413 answer's body: the limit, in bytes, and what to do. */
export function tooLargeAnswer(maxBytes: number): { errors: Array<{ message: string; extensions: Record<string, unknown> }> } {
  return {
    errors: [
      {
        message: `The request body is larger than ${maxBytes.toLocaleString('en-US')} bytes, the limit (MAX_REQUEST_BYTES): send a shorter operation, or fewer ids per request.`,
        extensions: { code: ErrorCode.REQUEST_TOO_LARGE, limit: maxBytes },
      },
    ],
  };
}
