import { describe, expect, it } from 'vitest';
import { slowestCaught } from '../bench/gc-tail.js';

describe('slowestCaught (the bench: which of the slowest requests a collection caught)', () => {
  // 200 requests sent 10 ms apart from t = 1,000, each answered in 80 ms but two.
  const starts = Array.from({ length: 200 }, (_, i) => 1000 + 10 * i);
  const latencies = starts.map(() => 80);
  latencies[50] = 300; // sent at 1,500, answered at 1,800
  latencies[120] = 250; // sent at 2,200, answered at 2,450

  it('counts a slowest request in flight during a pause, and not one that was not', () => {
    // The slowest 1% of 200 is 2 requests: one pause overlaps the first only.
    expect(slowestCaught(latencies, starts, [[1700, 40]])).toEqual({ caught: 1, of: 2 });
    expect(slowestCaught(latencies, starts, [[1700, 40], [2100, 120]])).toEqual({ caught: 2, of: 2 });
    // A pause that ended before the request was sent, or began after its answer, did not catch it.
    expect(slowestCaught(latencies, starts, [[1400, 90], [1801, 30]])).toEqual({ caught: 0, of: 2 });
  });

  it('looks only at the slowest share: a pause over fast requests catches none of them', () => {
    expect(slowestCaught(latencies, starts, [[3000, 50]])).toEqual({ caught: 0, of: 2 });
    // All of them: the pause at 3,000 ms was over the last eight (sent from 2,920 ms on).
    expect(slowestCaught(latencies, starts, [[3000, 50]], 1)).toEqual({ caught: 8, of: 200 });
  });

  it('answers none of none when there are no requests or the lists do not pair up', () => {
    expect(slowestCaught([], [], [[0, 1]])).toEqual({ caught: 0, of: 0 });
    expect(slowestCaught([80, 90], [1000], [[0, 5000]])).toEqual({ caught: 0, of: 0 });
  });
});
