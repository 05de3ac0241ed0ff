import { describe, expect, it } from 'vitest';
import { customerLifetimeValue } from './value.js';

const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const DAYS = { ...PUBLISHED, alpha: PUBLISHED.alpha * 7 };

// Reference values: the monthly discounted sum evaluated independently in mpmath 1.3 (30 digits)
// with FHL 2005's eq. 10 and a month of 365.25/12 days.
describe('customerLifetimeValue', () => {
  it('CDNOW ID 1, 12 months, 1% a month, margin 1, spend 24.66: 36.305789396141447', () => {
    const value = customerLifetimeValue(PUBLISHED, 'weeks', 2, 30.43, 38.86, 24.66, { months: 12, monthlyDiscountRate: 0.01, margin: 1 });
    expect(Math.abs(value - 36.305789396141447)).toBeLessThan(1e-10);
  });

  it('without discount is the spend times the expected purchases over the horizon: 38.546037425511488', () => {
    const value = customerLifetimeValue(PUBLISHED, 'weeks', 2, 30.43, 38.86, 24.66, { months: 12, monthlyDiscountRate: 0, margin: 1 });
    expect(Math.abs(value - 38.546037425511488)).toBeLessThan(1e-10);
  });

  it('a customer without repeat purchases over ten years at 2% a month and a 30% margin: 7.1128460420880148', () => {
    const value = customerLifetimeValue(PUBLISHED, 'weeks', 0, 0, 38.86, 35.22, { months: 120, monthlyDiscountRate: 0.02, margin: 0.3 });
    expect(Math.abs(value - 7.1128460420880148)).toBeLessThan(1e-10);
  });

  it('a heavy buyer (x = 29), 24 months, 1% a month, margin 0.5: 487.92419010453993', () => {
    const value = customerLifetimeValue(PUBLISHED, 'weeks', 29, 37.71, 38, 26.39, { months: 24, monthlyDiscountRate: 0.01, margin: 0.5 });
    expect(Math.abs(value - 487.92419010453993)).toBeLessThan(1e-9);
  });

  it('is the same for a model in days with alpha and times multiplied by 7', () => {
    const value = customerLifetimeValue(DAYS, 'days', 2, 30.43 * 7, 38.86 * 7, 24.66, { months: 12, monthlyDiscountRate: 0.01, margin: 1 });
    expect(Math.abs(value - 36.305789396141447)).toBeLessThan(1e-10);
  });

  it.each([
    [{ months: 0, monthlyDiscountRate: 0, margin: 1 }, 'months must be a whole number from 1 to 120'],
    [{ months: 121, monthlyDiscountRate: 0, margin: 1 }, 'months must be a whole number from 1 to 120'],
    [{ months: 1.5, monthlyDiscountRate: 0, margin: 1 }, 'months must be a whole number from 1 to 120'],
    [{ months: 12, monthlyDiscountRate: 1, margin: 1 }, 'the monthly discount rate must be a number from 0 up to (not including) 1'],
    [{ months: 12, monthlyDiscountRate: -0.1, margin: 1 }, 'the monthly discount rate must be a number from 0 up to (not including) 1'],
    [{ months: 12, monthlyDiscountRate: 0, margin: 0 }, 'the margin must be a number above 0, at most 1'],
    [{ months: 12, monthlyDiscountRate: 0, margin: 1.2 }, 'the margin must be a number above 0, at most 1'],
  ])('refuses %o: %s', (options, message) => {
    expect(() => customerLifetimeValue(PUBLISHED, 'weeks', 2, 30.43, 38.86, 24.66, options)).toThrow(new RangeError(message));
  });

  it('refuses a negative average spend', () => {
    expect(() => customerLifetimeValue(PUBLISHED, 'weeks', 2, 30.43, 38.86, -1, { months: 12, monthlyDiscountRate: 0, margin: 1 })).toThrow(
      new RangeError('the average spend must be a finite number >= 0'),
    );
  });
});
