import { describe, expect, it } from 'vitest';
import { retailDate, retailDay, startOfRetailDay } from './retail-day.js';

const at = (iso: string): number => Date.parse(iso);

describe('retailDay', () => {
  it('counts days since 1970-01-01 in UTC', () => {
    expect(retailDay(at('1970-01-01T00:00:00Z'), 'UTC')).toBe(0);
    expect(retailDay(at('2026-03-29T23:59:59.999Z'), 'UTC')).toBe(20541);
  });

  it('reads the day on the retailer\'s clocks: 22:30 UTC is already the next day in Paris in summer time', () => {
    expect(retailDay(at('2026-03-29T22:30:00Z'), 'Europe/Paris')).toBe(20542);
    expect(retailDay(at('2026-03-29T21:59:59Z'), 'Europe/Paris')).toBe(20541);
  });

  it('follows the clock change inside the cached hour of the change: Paris winter time starts 2026-10-25 at 01:00 UTC', () => {
    // 23:00 UTC on the 24th is 01:00 on the 25th in Paris (summer time, +2).
    expect(retailDay(at('2026-10-24T22:00:00Z'), 'Europe/Paris')).toBe(20751);
    expect(retailDay(at('2026-10-24T21:59:00Z'), 'Europe/Paris')).toBe(20750);
    // In winter time (+1) the 25th ends at 23:00 UTC.
    expect(retailDay(at('2026-10-25T22:59:59Z'), 'Europe/Paris')).toBe(20751);
    expect(retailDay(at('2026-10-25T23:00:00Z'), 'Europe/Paris')).toBe(20752);
  });

  it('reads zones west of Greenwich: 03:00 UTC is the day before in New York', () => {
    expect(retailDay(at('2026-03-30T03:00:00Z'), 'America/New_York')).toBe(20541);
  });

  it('reads a zone whose clocks change in the middle of a UTC hour: Adelaide goes from +10:30 to +9:30 at 2026-04-04T16:30Z', () => {
    expect(retailDay(at('2026-04-04T16:29:00Z'), 'Australia/Adelaide')).toBe(20548);
    expect(retailDay(at('2026-04-04T16:31:00Z'), 'Australia/Adelaide')).toBe(20548);
    // Midnight after the change is at +9:30: 14:30 UTC.
    expect(retailDay(at('2026-04-05T14:29:00Z'), 'Australia/Adelaide')).toBe(20548);
    expect(retailDay(at('2026-04-05T14:31:00Z'), 'Australia/Adelaide')).toBe(20549);
  });

  it('starts the day at the clock change where it skips midnight: Santiago goes from 00:00 to 01:00 on 2026-09-06', () => {
    expect(retailDay(at('2026-09-06T03:59:59Z'), 'America/Santiago')).toBe(20701);
    expect(retailDay(at('2026-09-06T04:00:00Z'), 'America/Santiago')).toBe(20702);
  });
});

describe('startOfRetailDay', () => {
  it('is midnight UTC in UTC', () => {
    expect(new Date(startOfRetailDay(20542, 'UTC')).toISOString()).toBe('2026-03-30T00:00:00.000Z');
  });

  it('is midnight on the retailer\'s clocks, in summer and in winter time', () => {
    expect(new Date(startOfRetailDay(20542, 'Europe/Paris')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(startOfRetailDay(20541, 'Europe/Paris')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
  });

  it('is the clock change where the change skips midnight: Chile (America/Santiago) went from 00:00 to 01:00 on 2026-09-06', () => {
    expect(new Date(startOfRetailDay(20702, 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('retailDate', () => {
  it('writes a day as YYYY-MM-DD', () => {
    expect(retailDate(20542)).toBe('2026-03-30');
  });
});
