import { describe, expect, it } from 'vitest';
import { utcDateTime } from './time.js';

describe('utcDateTime', () => {
  it('writes any ISO 8601 zone or precision in UTC with milliseconds', () => {
    expect(utcDateTime('2026-10-31T08:00:00-04:00')).toBe('2026-10-31T12:00:00.000Z');
    expect(utcDateTime('2026-10-31T12:00:00Z')).toBe('2026-10-31T12:00:00.000Z');
    expect(utcDateTime('2026-10-31T12:00:00.123456Z')).toBe('2026-10-31T12:00:00.123Z');
  });

  it('keeps a value already in that form as it is', () => {
    expect(utcDateTime('2019-10-30T03:30:17.883Z')).toBe('2019-10-30T03:30:17.883Z');
  });

  it('answers null for what is not a date-time', () => {
    expect(utcDateTime('yesterday')).toBeNull();
    expect(utcDateTime('')).toBeNull();
  });
});
