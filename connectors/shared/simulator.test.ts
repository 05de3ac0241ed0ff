import { afterEach, describe, expect, it } from 'vitest';
import { Simulator, takeHandlerCrashes } from './simulator.js';

describe('a simulator whose handler throws', () => {
  const sim = new Simulator({
    source: 'crm',
    routes: [
      {
        name: 'things.broken',
        method: 'GET',
        pattern: /^\/broken$/,
        handle: () => {
          throw new TypeError('cannot read properties of undefined');
        },
      },
    ],
    authenticate: () => null,
    errorBody: (status) => ({ status: 'error', message: `HTTP ${status}` }),
    notFound: () => ({ status: 404, body: {} }),
  });

  afterEach(() => sim.close());

  it('answers 500 like a product would, and records the crash for the suite to fail on', async () => {
    const url = await sim.listen();
    const res = await fetch(`${url}/broken`);
    expect(res.status).toBe(500);
    const crashes = takeHandlerCrashes();
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatchObject({ source: 'crm', route: 'things.broken' });
    expect((crashes[0]!.error as Error).message).toBe('cannot read properties of undefined');
    expect(takeHandlerCrashes()).toEqual([]);
  });
});
