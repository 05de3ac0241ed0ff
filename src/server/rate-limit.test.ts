import { describe, expect, it } from 'vitest';
import type { AccessGrant } from '../access/scopes.js';
import { memoryRateLimiter, rateLimitKey, rateLimitMessage } from './rate-limit.js';

describe('the per-client rate limiter', () => {
  it('allows 3 requests of a client per window, refuses the 4th with the seconds left, and counts another client apart', async () => {
    const limiter = memoryRateLimiter(3, 30);
    const a = await Promise.all([1, 2, 3, 4].map(() => limiter.take('a')));
    expect(a.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(a[3]).toEqual({ allowed: false, retryAfterS: 30 });
    expect(await limiter.take('b')).toEqual({ allowed: true });
    expect(rateLimitMessage(limiter, 30)).toBe(
      'Too many requests: this client may make 3 request(s) per 30 s (GATEWAY_RATE_LIMIT_REQUESTS, GATEWAY_RATE_LIMIT_WINDOW_S). Retry after 30 s.',
    );
  });

  it('keys a client by a 16-hex hash of its API key name or subject, and an anonymous one by its address', () => {
    const key = rateLimitKey({ kind: 'apiKey', client: 'shop-front', scopes: new Set() }, '10.0.0.1');
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(rateLimitKey({ kind: 'apiKey', client: 'shop-front', scopes: new Set() }, '10.0.0.2')).toBe(key);
    expect(rateLimitKey({ kind: 'jwt', client: 'shop-front', scopes: new Set() }, '10.0.0.1')).not.toBe(key);
    const anonymous: AccessGrant = { kind: 'anonymous', client: 'anonymous', scopes: new Set() };
    expect(rateLimitKey(anonymous, '10.0.0.1')).not.toBe(rateLimitKey(anonymous, '10.0.0.2'));
    expect(rateLimitKey(null, '10.0.0.1')).toBe(rateLimitKey(anonymous, '10.0.0.1'));
  });
});
