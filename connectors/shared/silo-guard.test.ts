import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/shared/errors.js';
import { MAX_RETRY_AFTER_MS, SiloGuard, retryAfterTime, type BreakerChange } from './silo-guard.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');

describe('retryAfterTime (RFC 9110 section 10.2.3)', () => {
  it('reads delay-seconds and an HTTP-date, caps both at 300 s, and ignores anything else', () => {
    expect(retryAfterTime('30', NOW)).toBe(NOW + 30_000);
    expect(retryAfterTime(['0'], NOW)).toBe(NOW);
    expect(retryAfterTime('Mon, 30 Nov 2026 12:01:00 GMT', NOW)).toBe(NOW + 60_000);
    expect(retryAfterTime('86400', NOW)).toBe(NOW + MAX_RETRY_AFTER_MS);
    expect(retryAfterTime('Tue, 01 Dec 2026 12:00:00 GMT', NOW)).toBe(NOW + 300_000);
    for (const bad of [undefined, '', '1.5', '-3', 'soon']) expect(retryAfterTime(bad, NOW)).toBeNull();
  });
});

describe('SiloGuard', () => {
  const unavailable = (): never => {
    throw new SourceError('SOURCE_UNAVAILABLE', 'loyalty', 'The loyalty program (loyalty) is unavailable: it answered HTTP 503.');
  };

  it('opens after the threshold of failures in a row, then answers without calling, saying when it tries again', async () => {
    const changes: BreakerChange[] = [];
    const guard = new SiloGuard({ source: 'loyalty', label: 'loyalty program', breaker: { failureThreshold: 3, cooldownMs: 60_000 }, onStateChange: (c) => changes.push(c) });
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls += 1;
      return unavailable();
    };
    for (let i = 0; i < 3; i += 1) await expect(guard.run('member.list', failing)).rejects.toThrow('answered HTTP 503');
    expect(guard.state).toBe('open');
    await expect(guard.run('member.list', failing)).rejects.toThrow(/circuit breaker is open after 3 failed calls in a row; the gateway tries it again at \d{4}-/);
    expect(calls).toBe(3);
    expect(changes).toEqual([{ source: 'loyalty', state: 'open', retryAt: expect.any(String), failures: 3, cause: 'SOURCE_UNAVAILABLE' }]);
  });

  it('counts neither an unreadable answer nor a success as a failure in a row', async () => {
    const guard = new SiloGuard({ source: 'crm', label: 'CRM', breaker: { failureThreshold: 2, cooldownMs: 60_000 } });
    const bad = async (): Promise<never> => {
      throw new SourceError('SOURCE_BAD_RESPONSE', 'crm', 'The CRM (crm) sent a response the gateway could not read: x.');
    };
    await expect(guard.run('op', async () => unavailable())).rejects.toThrow();
    await expect(guard.run('op', bad)).rejects.toThrow('could not read');
    await expect(guard.run('op', async () => 'ok')).resolves.toBe('ok');
    await expect(guard.run('op', async () => unavailable())).rejects.toThrow();
    expect(guard.state).toBe('closed');
  });

  it('holds every call until a Retry-After passes, and forgets it on reset', async () => {
    let now = NOW;
    const guard = new SiloGuard({ source: 'commerce', label: 'e-commerce platform', now: () => now });
    expect(guard.holdFor('20')).toBe(NOW + 20_000);
    let calls = 0;
    const call = async (): Promise<string> => {
      calls += 1;
      return 'ok';
    };
    await expect(guard.run('customers.search', call)).rejects.toThrow(
      'The e-commerce platform (commerce) is unavailable: it rate-limited the gateway (HTTP 429) and asked for no call before 2026-11-30T12:00:20.000Z (Retry-After).',
    );
    now = NOW + 20_000;
    await expect(guard.run('customers.search', call)).resolves.toBe('ok');
    guard.holdFor('20');
    guard.reset();
    await expect(guard.run('customers.search', call)).resolves.toBe('ok');
    expect(calls).toBe(2);
  });
});
