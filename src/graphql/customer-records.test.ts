import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from './context.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { loadCluster } from './customer-records.js';
import { SourceError } from '../shared/errors.js';

/** A loader whose answer waits until `gate` opens: loads that ran one after another would never finish. */
function gatedLoader(gate: Promise<void>, started: string[], name: string, answer: () => unknown[]) {
  return new DataLoader(async (ids: readonly string[]) => {
    started.push(name);
    await gate;
    return answer().slice(0, ids.length);
  });
}

/** A loader that answers `results` (an Error in the list fails that key). */
function loaderAnswering(results: unknown[]) {
  return new DataLoader(async (ids: readonly string[]) => ids.map((_, i) => results[i] ?? null));
}

describe('loadCluster', () => {
  const customer: CustomerParent = {
    goldenId: 'cus_x',
    records: [
      { source: 'crm', id: '1' },
      { source: 'loyalty', id: 'm1' },
      { source: 'commerce', id: '7' },
    ],
    identities: [],
    truncated: false,
    failures: new Map(),
  };

  it('asks the silos a field needs at the same time, and only those', async () => {
    const started: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const loaders = {
      crm: gatedLoader(gate, started, 'crm', () => [{ id: '1' }]),
      loyalty: gatedLoader(gate, started, 'loyalty', () => [{ id: 'm1' }]),
      commerce: gatedLoader(gate, started, 'commerce', () => [{ id: '7' }]),
      analytics: gatedLoader(gate, started, 'analytics', () => []),
    };
    const pending = loadCluster(customer, ['crm', 'loyalty'], { loaders } as unknown as RequestContext);
    // DataLoader dispatches its batches on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.sort()).toEqual(['crm', 'loyalty']);
    open();
    const { cluster, errors } = await pending;
    expect(cluster).toEqual({ crm: [{ id: '1' }], loyalty: [{ id: 'm1' }], commerce: [], analytics: [] });
    expect(errors).toEqual([]);
  });

  it('marks a failed silo as failed, not as empty, and returns its error', async () => {
    const failure = new SourceError('SOURCE_TIMEOUT', 'loyalty', 'The loyalty program (loyalty) did not answer within 10 ms.');
    const loaders = {
      crm: loaderAnswering([{ id: '1' }]),
      loyalty: loaderAnswering([failure]),
      commerce: loaderAnswering([]),
      analytics: loaderAnswering([]),
    };
    const { cluster, errors } = await loadCluster(customer, ['crm', 'loyalty'], { loaders } as unknown as RequestContext);
    expect(cluster.loyalty).toEqual({ failed: 'loyalty' });
    expect(errors).toEqual([failure]);
  });
});
