import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { horizonDays, horizonMonths, rfmWindowDays } from './args.js';

/** The message and code of what `run` throws. */
function refusal(run: () => unknown): { message: string; code: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return { message: error.message, code: error.extensions.code };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('rfmWindowDays', () => {
  it('takes a window from 1 to 3650 days, and the configured one when the query gives none', () => {
    expect([rfmWindowDays(1, 365), rfmWindowDays(3650, 365), rfmWindowDays(null, 180), rfmWindowDays(undefined, 90)]).toEqual([1, 3650, 180, 90]);
  });

  it('refuses 0, 3651 and a fraction as BAD_USER_INPUT saying what is accepted', () => {
    expect(refusal(() => rfmWindowDays(0, 365))).toEqual({ message: 'windowDays must be a whole number of days from 1 to 3650, got 0.', code: 'BAD_USER_INPUT' });
    expect(refusal(() => rfmWindowDays(3651, 365)).message).toBe('windowDays must be a whole number of days from 1 to 3650, got 3651.');
    expect(refusal(() => rfmWindowDays(30.5, 365)).message).toBe('windowDays must be a whole number of days from 1 to 3650, got 30.5.');
  });
});

describe('horizonDays', () => {
  it('takes 1 to 3650 days and refuses the rest', () => {
    expect([horizonDays(1), horizonDays(3650)]).toEqual([1, 3650]);
    expect(refusal(() => horizonDays(-7))).toEqual({ message: 'days must be a whole number of days from 1 to 3650, got -7.', code: 'BAD_USER_INPUT' });
    expect(refusal(() => horizonDays(3651)).message).toBe('days must be a whole number of days from 1 to 3650, got 3651.');
  });
});

describe('horizonMonths', () => {
  it('takes 1 to 120 months, 12 when the query gives none, and refuses the rest', () => {
    expect([horizonMonths(1), horizonMonths(120), horizonMonths(null), horizonMonths(undefined)]).toEqual([1, 120, 12, 12]);
    expect(refusal(() => horizonMonths(0))).toEqual({ message: 'months must be a whole number of months from 1 to 120, got 0.', code: 'BAD_USER_INPUT' });
    expect(refusal(() => horizonMonths(121)).message).toBe('months must be a whole number of months from 1 to 120, got 121.');
  });
});
