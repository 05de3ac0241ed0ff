import { describe, expect, it } from 'vitest';
import { isMobilePhone } from './normalize.js';

const phone = (value: string) => ({ type: 'phone' as const, value });

describe('isMobilePhone (which phones link records by default)', () => {
  it('is true for numbers the numbering plan types as mobile', () => {
    expect(isMobilePhone(phone('+33612345678'))).toBe(true);
    expect(isMobilePhone(phone('+447400123456'))).toBe(true);
    expect(isMobilePhone(phone('+393497766351'))).toBe(true);
  });

  it('is false for landlines, and for every number whose type the plan cannot tell', () => {
    expect(isMobilePhone(phone('+33123456789'))).toBe(false);
    // libphonenumber types every US and Canadian number FIXED_LINE_OR_MOBILE.
    expect(isMobilePhone(phone('+12127360147'))).toBe(false);
    expect(isMobilePhone(phone('+14165550123'))).toBe(false);
    // VoIP (French 09) and shared-cost (0810) numbers.
    expect(isMobilePhone(phone('+33912345678'))).toBe(false);
    expect(isMobilePhone(phone('+33810123456'))).toBe(false);
    expect(isMobilePhone(phone('not a number'))).toBe(false);
  });

  it('is false for other identifiers', () => {
    expect(isMobilePhone({ type: 'email', value: '+33612345678' })).toBe(false);
  });
});
