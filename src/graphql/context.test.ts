import { describe, expect, it } from 'vitest';
import { limitedListLoader } from './context.js';

describe('limitedListLoader', () => {
  it('asks once per distinct limit in a tick, each id once, and answers every key its own list', async () => {
    const calls: Array<{ ids: readonly string[]; limit: number }> = [];
    const loader = limitedListLoader(async (ids, limit) => {
      calls.push({ ids, limit });
      return ids.map((id) => Array.from({ length: limit }, (_, i) => `${id}.${i}`));
    });
    const answers = await Promise.all([
      loader.load({ id: 'a', limit: 2 }),
      loader.load({ id: 'b', limit: 2 }),
      loader.load({ id: 'a', limit: 1 }),
      loader.load({ id: 'a', limit: 2 }),
    ]);
    expect(answers).toEqual([['a.0', 'a.1'], ['b.0', 'b.1'], ['a.0'], ['a.0', 'a.1']]);
    expect(calls).toEqual([
      { ids: ['a', 'b'], limit: 2 },
      { ids: ['a'], limit: 1 },
    ]);
  });

  it('fails only the keys of the limit whose call failed', async () => {
    const loader = limitedListLoader(async (ids, limit) => {
      if (limit === 5) throw new Error('the silo failed');
      return ids.map(() => ['x']);
    });
    const [five, one] = await Promise.allSettled([loader.load({ id: 'a', limit: 5 }), loader.load({ id: 'a', limit: 1 })]);
    expect(five).toMatchObject({ status: 'rejected', reason: { message: 'the silo failed' } });
    expect(one).toEqual({ status: 'fulfilled', value: ['x'] });
  });

  it('fails the keys of a call that answered fewer lists than ids, instead of answering them nothing', async () => {
    const loader = limitedListLoader(async () => [['x']]);
    const [a, b] = await Promise.allSettled([loader.load({ id: 'a', limit: 3 }), loader.load({ id: 'b', limit: 3 })]);
    const message = 'A list fetch answered 1 list(s) for 2 id(s); it must answer one list per id, in order.';
    expect(a).toMatchObject({ status: 'rejected', reason: { message } });
    expect(b).toMatchObject({ status: 'rejected', reason: { message } });
  });
});
