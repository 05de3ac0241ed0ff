import { describe, expect, it } from 'vitest';
import { nelderMead } from './nelder-mead.js';

describe('nelderMead', () => {
  it('finds the minimum of a shifted quadratic bowl at (1, -2)', () => {
    const result = nelderMead(([x, y]) => (x! - 1) ** 2 + 3 * (y! + 2) ** 2, [0, 0]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 6);
    expect(result.point[1]).toBeCloseTo(-2, 6);
    expect(result.value).toBeLessThan(1e-10);
  });

  it("finds Rosenbrock's minimum at (1, 1) from (-1.2, 1)", () => {
    const result = nelderMead(([x, y]) => 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 4);
    expect(result.point[1]).toBeCloseTo(1, 4);
  });

  it('moves away from where the objective is not finite (NaN for x < 0), to the minimum at x = 0.5', () => {
    const result = nelderMead(([x]) => (x! < 0 ? Number.NaN : (x! - 0.5) ** 2), [2]);
    expect(result.point[0]).toBeCloseTo(0.5, 6);
  });

  it('says it did not converge when maxIterations runs out', () => {
    const result = nelderMead(([x, y]) => 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2, [-1.2, 1], { maxIterations: 10 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(10);
  });

  it('stops, stalled and not converged, when the best value has gained less than the tolerance over the last iterations', () => {
    // Flat along y: the simplex could shrink there for ever; x is at its minimum 1 long before.
    const flat = ([x, y]: readonly number[]) => (x! - 1) ** 2 + 1e-30 * Math.sin(1e6 * y!);
    const result = nelderMead(flat, [0, 0], { stall: { iterations: 50, tolerance: 1e-12 } });
    expect([result.stalled, result.converged]).toEqual([true, false]);
    expect(result.iterations).toBeLessThan(100);
    expect(result.point[0]).toBeCloseTo(1, 5);
  });

  it('does not stall while the best value keeps gaining (Rosenbrock converges with the same stall setting)', () => {
    const result = nelderMead(([x, y]) => 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2, [-1.2, 1], { stall: { iterations: 50, tolerance: 1e-12 } });
    expect([result.stalled, result.converged]).toEqual([false, true]);
    expect(result.point[0]).toBeCloseTo(1, 4);
  });

  it('refuses an empty or non-finite start', () => {
    expect(() => nelderMead(() => 0, [])).toThrow(new RangeError('nelderMead needs a start of finite numbers, at least one'));
    expect(() => nelderMead(() => 0, [Number.NaN])).toThrow(RangeError);
  });
});
