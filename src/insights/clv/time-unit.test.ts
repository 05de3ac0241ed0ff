import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH, daysToModelTime, isTimeUnit, monthsToModelTime } from './time-unit.js';

describe('time units', () => {
  it('a month is 30.4375 days (365.25 / 12)', () => {
    expect(DAYS_PER_MONTH).toBe(30.4375);
  });

  it('converts days and months to weeks and days', () => {
    expect(daysToModelTime(14, 'weeks')).toBe(2);
    expect(daysToModelTime(14, 'days')).toBe(14);
    expect(monthsToModelTime(12, 'days')).toBe(365.25);
    expect(monthsToModelTime(12, 'weeks')).toBeCloseTo(52.17857142857143, 12);
  });

  it('knows days and weeks only', () => {
    expect(isTimeUnit('days')).toBe(true);
    expect(isTimeUnit('weeks')).toBe(true);
    expect(isTimeUnit('months')).toBe(false);
    expect(isTimeUnit(7)).toBe(false);
  });
});
