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
  const timeout = (): never => {
    throw new SourceError('SOURCE_TIMEOUT', 'loyalty', 'The loyalty program (loyalty) did not answer within 1500 ms.');
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  /** A breaker over 300 ms that needs 6 calls in the window to use its rate. */
  const FAST = { failureRate: 0.5, windowMs: 300, minCalls: 6, lowTrafficFailures: 5, cooldownMs: 60_000 };

  /** Runs `outcomes` through the guard one after the other, `gapMs` apart: `s` succeeds, `f` times out. */
  async function play(guard: SiloGuard, outcomes: string, gapMs: number): Promise<{ calls: number; refused: string[] }> {
    let calls = 0;
    const refused: string[] = [];
    for (const outcome of outcomes) {
      await guard
        .run('member.list', async () => {
          calls += 1;
          return outcome === 's' ? 'ok' : timeout();
        })
        .catch((error: Error) => {
          if (/circuit breaker is open/.test(error.message)) refused.push(error.message);
        });
      if (gapMs > 0) await sleep(gapMs);
    }
    return { calls, refused };
  }

  it('opens when the failure rate over the window reaches the threshold, then answers without calling, saying the rate, the window and when it tries again', async () => {
    const changes: BreakerChange[] = [];
    const guard = new SiloGuard({ source: 'loyalty', label: 'loyalty program', breaker: FAST, onStateChange: (c) => changes.push(c) });
    // Half of six calls within 300 ms: the sixth, a failure, reaches 50% with enough calls to count.
    const { calls, refused } = await play(guard, 'sfsfsf' + 'ssss', 5);
    expect(guard.state).toBe('open');
    expect(calls).toBe(6);
    expect(refused).toHaveLength(4);
    expect(refused[0]).toMatch(
      /^The loyalty program \(loyalty\) is unavailable: its circuit breaker is open after 3 of 6 calls \(50%\) failed within 0\.3 s, at least the 50% that opens it; the gateway tries it again at \d{4}-[\d-]+T[\d:.]+Z\.$/,
    );
    expect(changes).toEqual([
      { source: 'loyalty', state: 'open', retryAt: expect.any(String), trip: { kind: 'rate', failed: 3, calls: 6, windowMs: 300, failureRate: 0.5 }, cause: 'SOURCE_TIMEOUT' },
    ]);
  });

  it('stays closed under a failure rate below the threshold, even with bursts of timeouts longer than the low-traffic run', async () => {
    // A 1 s window: even with the timers 10 times slower than asked on a busy machine, it holds
    // far more calls than one burst.
    const breaker = { ...FAST, windowMs: 1000 };
    const guard = new SiloGuard({ source: 'loyalty', label: 'loyalty program', breaker });
    // An overloaded gateway's timeouts: bursts of 8 in a row (more than the 5 that open the
    // breaker at low traffic) after 32 successes, 20% failing, for longer than the window.
    const burst = 's'.repeat(32) + 'ffffffff';
    const started = performance.now();
    // 4 ms apart, 320 calls last at least 1.28 s, longer than the window whatever the machine's
    // speed (3 ms apart they took 960-1,000 ms on a fast one, and the check below failed).
    const { calls, refused } = await play(guard, burst.repeat(8), 4);
    expect(performance.now() - started).toBeGreaterThan(breaker.windowMs);
    expect(calls).toBe(320);
    expect(refused).toEqual([]);
    expect(guard.state).toBe('closed');
    // Then 75% failing: open once the window's share reaches 50%.
    const failing = await play(guard, 'ssffffff'.repeat(40), 3);
    expect(failing.refused.length).toBeGreaterThan(0);
    expect(failing.refused[0]).toMatch(/after \d+ of \d+ calls \(5\d(\.\d)?%\) failed within 1 s, at least the 50% that opens it/);
  });

  it('forgets the calls older than the window: after a lull, a wave of timeouts opens it at once', async () => {
    // As a hung silo does: successes, then nothing recorded until the calls' deadline.
    const guard = new SiloGuard({ source: 'loyalty', label: 'loyalty program', breaker: { ...FAST, lowTrafficFailures: 1000 } });
    await play(guard, 's'.repeat(200), 0);
    await sleep(FAST.windowMs + 20);
    const { calls, refused } = await play(guard, 'f'.repeat(10), 0);
    // 6 failures are the fewest calls that count; the successes are gone.
    expect(calls).toBe(6);
    expect(refused[0]).toContain('after 6 of 6 calls (100%) failed within 0.3 s');
  });

  it('below the minimum call rate, opens after the low-traffic number of failures in a row, not before', async () => {
    const changes: BreakerChange[] = [];
    const guard = new SiloGuard({ source: 'loyalty', label: 'loyalty program', breaker: { ...FAST, lowTrafficFailures: 3 }, onStateChange: (c) => changes.push(c) });
    // 60 ms apart: at most 5 calls in the 300 ms window, below the 6 the rate needs.
    expect((await play(guard, 'ffsff', 60)).refused).toEqual([]);
    expect(guard.state).toBe('closed');
    const { calls, refused } = await play(guard, 'fs', 60);
    expect(calls).toBe(1);
    expect(refused[0]).toMatch(/circuit breaker is open after 3 failed calls in a row, with fewer than the 6 calls within 0\.3 s that measure a failure rate; the gateway tries/);
    expect(changes).toEqual([{ source: 'loyalty', state: 'open', retryAt: expect.any(String), trip: { kind: 'inARow', failed: 3, minCalls: 6, windowMs: 300 }, cause: 'SOURCE_TIMEOUT' }]);
  });

  it('after the cool-down, a failed probe opens it again saying so, and a successful one closes it and forgets the failures', async () => {
    const guard = new SiloGuard({ source: 'crm', label: 'CRM', breaker: { ...FAST, lowTrafficFailures: 2, cooldownMs: 100 } });
    await play(guard, 'ff', 0);
    expect(guard.state).toBe('open');
    await sleep(120);
    await expect(guard.run('op', async () => unavailable())).rejects.toThrow('answered HTTP 503');
    await expect(guard.run('op', async () => 'not called')).rejects.toThrow(/circuit breaker is open after its probe call failed; the gateway tries it again at/);
    await sleep(120);
    await expect(guard.run('op', async () => 'ok')).resolves.toBe('ok');
    expect(guard.state).toBe('closed');
    // The two failures before the probe are forgotten: one more does not reach the two in a row.
    await expect(guard.run('op', async () => unavailable())).rejects.toThrow('answered HTTP 503');
    expect(guard.state).toBe('closed');
  });

  it('counts neither an unreadable answer nor a success as a failure in a row', async () => {
    const guard = new SiloGuard({ source: 'crm', label: 'CRM', breaker: { ...FAST, lowTrafficFailures: 2 } });
    const bad = async (): Promise<never> => {
      throw new SourceError('SOURCE_BAD_RESPONSE', 'crm', 'The CRM (crm) sent a response the gateway could not read: x.');
    };
    await expect(guard.run('op', async () => unavailable())).rejects.toThrow();
    await expect(guard.run('op', bad)).rejects.toThrow('could not read');
    await expect(guard.run('op', async () => 'ok')).resolves.toBe('ok');
    await expect(guard.run('op', async () => unavailable())).rejects.toThrow();
    expect(guard.state).toBe('closed');
  });

  it('refuses options out of range, naming each with what is accepted', () => {
    expect(() => new SiloGuard({ source: 'crm', label: 'CRM', breaker: { ...FAST, failureRate: 0, lowTrafficFailures: 0.5 } })).toThrow(
      "The CRM breaker's options are out of range: failureRate must be above 0 and at most 1, got 0; lowTrafficFailures must be a whole number of 1 or more, got 0.5.",
    );
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
