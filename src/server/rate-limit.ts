/**
 * The per-client rate limit in front of execution: a request over its client's budget is refused
 * with 429 and `Retry-After` (RFC 6585 section 4, RFC 9110 section 10.2.3) before its body is read
 * or Apollo parses it, so it costs no silo call.
 *
 * The counting sits behind {@link RateLimiter} so that a shared store can take it over: today
 * rate-limiter-flexible's `RateLimiterMemory` (each replica counts its own clients); the same
 * library's `RateLimiterRedis` has the same `consume` and would make the limit global.
 */
import { createHash } from 'node:crypto';
import rateLimiterFlexible from 'rate-limiter-flexible';
import type { AccessGrant } from '../access/scopes.js';

/** What a limiter decided for one request. */
export type RateDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** Whole seconds until the client's window ends (at least 1): the `Retry-After` value. */
      retryAfterS: number;
    };

/** Counts a client's requests; swap the store (memory today, Redis later) behind this. */
export interface RateLimiter {
  /** Requests allowed per window, and the window in seconds (for the refusal's message). */
  readonly limit: { requests: number; windowS: number };
  /** Counts one request of `clientKey` (see {@link rateLimitKey}) and says whether it may go on. */
  take(clientKey: string): Promise<RateDecision>;
}

/**
 * An in-process limiter: `requests` per client per fixed window of `windowS` seconds, started by
 * the client's first request (rate-limiter-flexible `RateLimiterMemory`, points = requests,
 * duration = windowS). Its entries expire with their window.
 */
export function memoryRateLimiter(requests: number, windowS: number): RateLimiter {
  const limiter = new rateLimiterFlexible.RateLimiterMemory({ points: requests, duration: windowS });
  return {
    limit: { requests, windowS },
    async take(clientKey) {
      try {
        await limiter.consume(clientKey);
        return { allowed: true };
      } catch (refusal) {
        // The library rejects with a RateLimiterRes when the points are spent, and with an Error only on a store failure.
        if (refusal instanceof Error) throw refusal;
        const msBeforeNext = (refusal as { msBeforeNext: number }).msBeforeNext;
        return { allowed: false, retryAfterS: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
      }
    },
  };
}

/**
 * The key a client is counted under: its API key's name or its JWT's subject, else (anonymous)
 * its remote address. Hashed (SHA-256, 16 hex characters), so that the store, a log line or a
 * Redis key never holds a client's name or address as it came.
 */
export function rateLimitKey(grant: AccessGrant | null, remoteAddress: string | undefined): string {
  const who = grant && grant.kind !== 'anonymous' ? `${grant.kind}:${grant.client}` : `address:${remoteAddress ?? 'unknown'}`;
  return createHash('sha256').update(who).digest('hex').slice(0, 16);
}

/** The refusal's message: the limit and when to come back; never the client's key. */
export function rateLimitMessage(limiter: RateLimiter, retryAfterS: number): string {
  const { requests, windowS } = limiter.limit;
  return `Too many requests: this client may make ${requests} request(s) per ${windowS} s (GATEWAY_RATE_LIMIT_REQUESTS, GATEWAY_RATE_LIMIT_WINDOW_S). Retry after ${retryAfterS} s.`;
}
