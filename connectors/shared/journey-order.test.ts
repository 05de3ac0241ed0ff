import { describe, expect, it } from 'vitest';
import { compareEventIds, compareJourneyPoints, isAtOrAfter } from './journey-order.js';

describe('journey order within a silo', () => {
  it('orders whole-number ids by value and other ids by code units', () => {
    expect(['10', '9', '100'].sort(compareEventIds)).toEqual(['9', '10', '100']);
    expect(['b1', 'a2', 'B3'].sort(compareEventIds)).toEqual(['B3', 'a2', 'b1']);
  });

  it('puts the newest first, then the smaller id', () => {
    const points = [
      { at: 1000, id: '7' },
      { at: 2000, id: '5' },
      { at: 1000, id: '6' },
    ];
    expect(points.sort(compareJourneyPoints)).toEqual([
      { at: 2000, id: '5' },
      { at: 1000, id: '6' },
      { at: 1000, id: '7' },
    ]);
  });

  it('counts the starting point itself and what comes after it, not what comes before', () => {
    const from = { at: 1000, id: '6' };
    expect(isAtOrAfter({ at: 1000, id: '6' }, from)).toBe(true);
    expect(isAtOrAfter({ at: 1000, id: '7' }, from)).toBe(true);
    expect(isAtOrAfter({ at: 999, id: '1' }, from)).toBe(true);
    expect(isAtOrAfter({ at: 1000, id: '5' }, from)).toBe(false);
    expect(isAtOrAfter({ at: 1001, id: '9' }, from)).toBe(false);
    expect(isAtOrAfter({ at: 1001, id: '9' }, undefined)).toBe(true);
  });
});
