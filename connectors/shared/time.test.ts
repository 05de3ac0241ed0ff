import { describe, expect, it } from 'vitest';
import { calendarDate, canonicalTimeZone, isTimeZone, parseInstant, utcDateTime, zoneOffsetAt } from './time.js';

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

describe('calendarDate', () => {
  it('keeps a date as it is, whatever the zone', () => {
    expect(calendarDate('1990-04-15', 'Europe/Paris')).toBe('1990-04-15');
    expect(calendarDate(' 1990-04-15 ', 'Pacific/Kiritimati')).toBe('1990-04-15');
  });

  it('reads midnight in Paris written in UTC as the Paris date (summer time, +02:00)', () => {
    expect(calendarDate('1990-04-14T22:00:00+00:00', 'Europe/Paris')).toBe('1990-04-15');
    expect(calendarDate('1990-04-14T22:00:00Z', 'Europe/Paris')).toBe('1990-04-15');
    expect(calendarDate('1990-04-14T22:00:00.000Z', 'Europe/Paris')).toBe('1990-04-15');
    // Read in UTC, the same text is the day before: the zone is what decides.
    expect(calendarDate('1990-04-14T22:00:00Z', 'UTC')).toBe('1990-04-14');
  });

  it('reads midnight in Paris in winter (+01:00) too', () => {
    expect(calendarDate('1988-01-06T23:00:00Z', 'Europe/Paris')).toBe('1988-01-07');
  });

  it('follows the zone across its daylight-saving changes', () => {
    // Paris went to summer time on 26 March 2023 at 01:00 UTC.
    expect(calendarDate('2023-03-25T23:00:00Z', 'Europe/Paris')).toBe('2023-03-26');
    expect(calendarDate('2023-03-26T22:00:00Z', 'Europe/Paris')).toBe('2023-03-27');
    // Back to winter time on 29 October 2023 at 01:00 UTC.
    expect(calendarDate('2023-10-28T22:00:00Z', 'Europe/Paris')).toBe('2023-10-29');
    expect(calendarDate('2023-10-29T23:00:00Z', 'Europe/Paris')).toBe('2023-10-30');
    // New York: 12 March 2023 (EST -05:00 before, EDT -04:00 after).
    expect(calendarDate('2023-03-12T05:00:00Z', 'America/New_York')).toBe('2023-03-12');
    expect(calendarDate('2023-03-13T04:00:00Z', 'America/New_York')).toBe('2023-03-13');
    expect(calendarDate('2023-03-13T03:59:00Z', 'America/New_York')).toBe('2023-03-12');
  });

  it('reads zones west of UTC: midnight UTC is still the day before there', () => {
    expect(calendarDate('1990-04-15T00:00:00Z', 'America/Los_Angeles')).toBe('1990-04-14');
    expect(calendarDate('1990-04-15T07:00:00Z', 'America/Los_Angeles')).toBe('1990-04-15');
    expect(calendarDate('1990-04-15T00:00:00-07:00', 'America/Los_Angeles')).toBe('1990-04-15');
  });

  it('reads zones far east of UTC', () => {
    expect(calendarDate('1990-04-14T15:00:00Z', 'Asia/Tokyo')).toBe('1990-04-15');
    expect(calendarDate('1990-04-14T10:00:00Z', 'Pacific/Auckland')).toBe('1990-04-14');
    expect(calendarDate('1990-04-14T12:00:00Z', 'Pacific/Auckland')).toBe('1990-04-15');
    // India is +05:30: half hours count.
    expect(calendarDate('1990-04-14T18:30:00Z', 'Asia/Kolkata')).toBe('1990-04-15');
    expect(calendarDate('1990-04-14T18:29:00Z', 'Asia/Kolkata')).toBe('1990-04-14');
  });

  it('reads every offset spelling: Open Loyalty writes +0200', () => {
    expect(calendarDate('1990-09-11T02:00:00+0200', 'Europe/Warsaw')).toBe('1990-09-11');
    expect(calendarDate('1990-09-11T02:00:00+02', 'UTC')).toBe('1990-09-11');
    expect(calendarDate('1990-09-10T20:00:00-04:00', 'Europe/Paris')).toBe('1990-09-11');
    expect(calendarDate('1990-09-11 00:00+02:00', 'Europe/Paris')).toBe('1990-09-11');
  });

  it('takes a date-time without a zone as a local time: its own date', () => {
    expect(calendarDate('1990-04-15T00:00:00', 'America/Los_Angeles')).toBe('1990-04-15');
    expect(calendarDate('1990-04-15 23:30', 'Asia/Tokyo')).toBe('1990-04-15');
  });

  it('answers null for what is not a date, or a date-time that does not exist', () => {
    expect(calendarDate('15/04/1990', 'UTC')).toBeNull();
    expect(calendarDate('1990-02-30T00:00:00Z', 'UTC')).toBeNull();
    expect(calendarDate('1990-04-15T25:00:00Z', 'UTC')).toBeNull();
    expect(calendarDate('', 'UTC')).toBeNull();
  });

  it('throws a RangeError on an unknown zone', () => {
    expect(() => calendarDate('1990-04-14T22:00:00Z', 'Europe/Pariss')).toThrow(RangeError);
  });
});

describe('isTimeZone and canonicalTimeZone', () => {
  it('know IANA names, in any case, and refuse the rest', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('CEST')).toBeNull();
  });
});

describe('zoneOffsetAt', () => {
  it('gives the wall clocks’ lead over UTC at an instant, daylight saving included', () => {
    const hour = 3_600_000;
    expect(zoneOffsetAt(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Paris')).toBe(hour);
    expect(zoneOffsetAt(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Paris')).toBe(2 * hour);
    expect(zoneOffsetAt(Date.parse('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * hour);
    expect(zoneOffsetAt(Date.parse('2026-01-15T12:00:00Z'), 'Pacific/Kiritimati')).toBe(14 * hour);
    expect(zoneOffsetAt(Date.parse('2026-01-15T12:00:00.999Z'), 'UTC')).toBe(0);
  });
});

describe('parseInstant', () => {
  it('reads the canonical form to ms since the epoch, milliseconds included', () => {
    expect(parseInstant('2026-10-27T07:59:31.000Z')).toBe(1793087971000);
    expect(parseInstant('2026-02-28T23:59:59.999Z')).toBe(1772323199999);
    expect(parseInstant('2000-01-01T00:00:00.000Z')).toBe(946684800000);
    expect(parseInstant('1970-01-01T00:00:00.001Z')).toBe(1);
  });

  it('counts leap days, and the days before 1970 and before year 1 as Date does', () => {
    expect(parseInstant('2024-03-01T00:00:00.000Z')).toBe(1709251200000);
    expect(parseInstant('2100-03-01T00:00:00.000Z')).toBe(4107542400000);
    expect(parseInstant('1969-12-31T23:59:59.999Z')).toBe(-1);
    expect(parseInstant('1900-03-01T00:00:00.000Z')).toBe(-2203891200000);
    expect(parseInstant('0000-03-01T00:00:00.000Z')).toBe(-62162035200000);
  });

  it('leaves other forms and out-of-range fields to Date.parse: a leap day, a rolled-over day, a 24th hour, an offset, NaN', () => {
    expect(parseInstant('2024-02-29T12:00:00.000Z')).toBe(1709208000000);
    // Date.parse rolls 30 February over to 2 March; the answer stays Date.parse's.
    expect(parseInstant('2026-02-30T00:00:00.000Z')).toBe(1772409600000);
    expect(parseInstant('2026-10-27T24:00:00.000Z')).toBe(1793145600000);
    expect(parseInstant('2026-10-27T07:59:31Z')).toBe(1793087971000);
    expect(parseInstant('2026-10-27T07:59:31.000+02:00')).toBe(1793080771000);
    expect(parseInstant('2026-13-01T00:00:00.000Z')).toBeNaN();
    expect(parseInstant('2026-1x-01T00:00:00.000Z')).toBeNaN();
    expect(parseInstant('not a date')).toBeNaN();
  });

  it('gives what Date.parse gives for every day of four years (a leap year and a century among them) at several times', () => {
    const mismatches: string[] = [];
    for (const year of [1999, 2000, 2024, 2100]) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 1; day <= 31; day += 1) {
          for (const time of ['00:00:00.000', '09:05:07.089', '23:59:59.999']) {
            const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${time}Z`;
            if (!Object.is(parseInstant(text), Date.parse(text))) mismatches.push(text);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
