import { describe, expect, it } from 'vitest';
import type { SiloConnectors, SiloHealth } from '../../connectors/types.js';
import { SiloProbe } from './health.js';

/** Connectors whose probe only counts its calls and answers up after a tick. */
function countingConnectors(): { connectors: SiloConnectors; calls: () => number } {
  let calls = 0;
  const health = async (): Promise<SiloHealth> => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { status: 'up', latencyMs: 5 };
  };
  const connector = { health };
  return { connectors: { crm: connector, loyalty: connector, commerce: connector, analytics: connector } as unknown as SiloConnectors, calls: () => calls };
}

describe('the shared silo probe', () => {
  it('makes one call per silo for concurrent hits and for hits within the interval, and probes again after it', async () => {
    const { connectors, calls } = countingConnectors();
    let now = 1_000;
    const probe = new SiloProbe(connectors, 5_000, () => now);
    const answers = await Promise.all([...Array(20)].map(() => probe.status()));
    expect(calls()).toBe(4);
    expect(new Set(answers).size).toBe(1);
    now += 4_999;
    await probe.status();
    expect(calls()).toBe(4);
    now += 1;
    expect((await probe.status()).status).toBe('up');
    expect(calls()).toBe(8);
  });
});
