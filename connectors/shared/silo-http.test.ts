import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/shared/errors.js';
import { SiloHttp } from './silo-http.js';
import { defaultBreaker } from './silo-guard.js';

const TIMEOUT_MS = 400;

/** A silo that accepts every request and never answers it. */
let silent: Server;
let baseUrl: string;

beforeAll(async () => {
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

async function failure(call: Promise<unknown>): Promise<{ error: SourceError; afterMs: number }> {
  const started = performance.now();
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return { error: error as SourceError, afterMs: performance.now() - started };
}

describe('SiloHttp deadline', () => {
  it('counts the wait for a free connection: a queued call fails at its own deadline, not after the call ahead of it', async () => {
    const http = new SiloHttp({ source: 'crm', label: 'CRM', baseUrl, timeoutMs: TIMEOUT_MS, connections: 1 });
    try {
      // One connection: the second call waits in the pool's queue behind the first. undici's
      // own timeouts start only once a call has its connection, so without a deadline over the
      // whole call the second would fail after about two timeouts.
      const [first, second] = await Promise.all([
        failure(http.request({ operation: 'first', method: 'GET', path: '/a' })),
        failure(http.request({ operation: 'second', method: 'GET', path: '/b' })),
      ]);
      for (const { error } of [first, second]) {
        expect(error.code).toBe('SOURCE_TIMEOUT');
        expect(error.message).toBe(`The CRM (crm) did not answer within ${TIMEOUT_MS} ms.`);
      }
      expect(second.afterMs).toBeLessThan(TIMEOUT_MS * 1.6);
    } finally {
      await http.close();
    }
  });
});

describe('SiloHttp and the gateway request stop (its signal)', () => {
  it('cancels the call out at once when the request stops, with REQUEST_ABORTED the breaker does not count; no call once stopped', async () => {
    // A breaker that opens on the first failure: a stop counted as one would open it.
    const http = new SiloHttp({ source: 'crm', label: 'CRM', baseUrl, timeoutMs: 5000, connections: 1, breaker: { ...defaultBreaker(5000), lowTrafficFailures: 1, cooldownMs: 60_000 } });
    const received = new Promise<void>((resolve) => silent.once('request', () => resolve()));
    let count: (() => void) | undefined;
    try {
      const stop = new AbortController();
      const out = failure(http.request({ operation: 'contacts.search', method: 'GET', path: '/a', signal: stop.signal }));
      await received;
      const stopped = performance.now();
      stop.abort();
      const { error } = await out;
      expect(error.code).toBe('REQUEST_ABORTED');
      expect(error.message).toBe('The client closed the connection: crm was not asked.');
      // Not at the call's 5 s deadline: undici dropped the call when the request stopped.
      expect(performance.now() - stopped).toBeLessThan(200);
      expect(http.breakerState).toBe('closed');
      let sent = 0;
      count = () => (sent += 1);
      silent.on('request', count);
      const refused = await failure(http.request({ operation: 'contacts.search', method: 'GET', path: '/b', signal: stop.signal }));
      expect(refused.error.code).toBe('REQUEST_ABORTED');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sent).toBe(0);
    } finally {
      if (count) silent.off('request', count);
      await http.close();
    }
  });
});

describe('SiloHttp typical latency', () => {
  it('is null before any answer, follows the answered calls, and ignores a call that failed', async () => {
    let delayMs = 40;
    const slow = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), delayMs);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const http = new SiloHttp({ source: 'analytics', label: 'Analytics', baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, timeoutMs: 300, connections: 1 });
    const silentHttp = new SiloHttp({ source: 'analytics', label: 'Analytics', baseUrl, timeoutMs: 100, connections: 1 });
    try {
      expect(http.typicalLatencyMs).toBeNull();
      await http.request({ operation: 'first', method: 'GET', path: '/' });
      const first = http.typicalLatencyMs!;
      expect(first).toBeGreaterThanOrEqual(40);
      expect(first).toBeLessThan(200);
      // Faster answers pull it down, a tenth of the way each.
      delayMs = 0;
      for (let i = 0; i < 10; i++) await http.request({ operation: 'fast', method: 'GET', path: '/' });
      expect(http.typicalLatencyMs!).toBeLessThan(first * 0.5);
      // A call that never answered says nothing of the silo's pace.
      await failure(silentHttp.request({ operation: 'timed out', method: 'GET', path: '/' }));
      expect(silentHttp.typicalLatencyMs).toBeNull();
    } finally {
      await http.close();
      await silentHttp.close();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});
