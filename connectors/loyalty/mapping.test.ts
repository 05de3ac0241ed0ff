import { describe, expect, it } from 'vitest';
import { readMember, ShapeError } from './mapping.js';

const member = (birthDate: unknown) => ({ customerId: 'm1', active: true, birthDate });

describe('readMember: a birth date', () => {
  it('reads a date as it is', () => {
    expect(readMember(member('1990-04-15'), 'Europe/Paris').birthDate).toBe('1990-04-15');
  });

  it('reads a date-time, as Open Loyalty serializes it, in the instance\'s time zone', () => {
    expect(readMember(member('1990-04-14T22:00:00+00:00'), 'Europe/Paris').birthDate).toBe('1990-04-15');
    expect(readMember(member('1990-09-11T02:00:00+0200'), 'Europe/Warsaw').birthDate).toBe('1990-09-11');
    expect(readMember(member('1990-04-15T04:00:00Z'), 'America/New_York').birthDate).toBe('1990-04-15');
    // Without a zone: UTC, where the text written in UTC is its own date.
    expect(readMember(member('1990-04-14T22:00:00+00:00')).birthDate).toBe('1990-04-14');
  });

  it('refuses what is not a date, naming the field and never the value', () => {
    expect(() => readMember(member('14/04/1990'), 'UTC')).toThrow(ShapeError);
    expect(() => readMember(member('14/04/1990'), 'UTC')).toThrow('member.birthDate should be a date (YYYY-MM-DD) or an ISO 8601 date-time');
    expect(readMember(member(null), 'UTC').birthDate).toBeNull();
  });
});
