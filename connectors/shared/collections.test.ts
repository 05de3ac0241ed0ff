import { describe, expect, it } from 'vitest';
import { appendAll } from './collections.js';

describe('appendAll', () => {
  it('appends 500,000 items in order, where push(...items) overflows the call stack', () => {
    const items = Array.from({ length: 500_000 }, (_, i) => i);
    expect(() => [0].push(...items)).toThrow(RangeError);
    const target = [-1];
    expect(appendAll(target, items)).toBe(target);
    expect(target.length).toBe(500_001);
    expect([target[0], target[1], target[500_000]]).toEqual([-1, 0, 499_999]);
  });
});
