import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/shared/errors.js';
import { readBody, type z } from '../shared/body-schema.js';
import {
  instantIn,
  loginAnswer,
  memberItem,
  isCancelled,
  memberListAnswer,
  memberScrollAnswer,
  redemptionItem,
  redemptionListAnswer,
  tierListAnswer,
  toRedemptionView,
  toMemberView,
  toTransactionView,
  transactionItem,
  transactionListAnswer,
} from './mapping.js';

const complain = (problem: string) => new SourceError('SOURCE_BAD_RESPONSE', 'loyalty', `bad: ${problem}`, { problem });

/** The problem `readBody` reports for `body`, or a failure when the body passes. */
function problemOf(schema: z.ZodType, body: unknown): string {
  try {
    readBody(schema, body, complain);
  } catch (error) {
    return (error as SourceError).detail.problem as string;
  }
  throw new Error('the schema accepted a body it should refuse');
}

const member = (fields: Record<string, unknown> = {}) => ({ customerId: 'm1', active: true, ...fields });
const view = (fields: Record<string, unknown>, timeZone?: string) => toMemberView(memberItem.parse(member(fields)), timeZone);

const transaction = (header: Record<string, unknown> = {}, items: unknown[] = []) => ({
  transactionId: 't1',
  customerId: 'm1',
  grossValue: 500,
  header: { documentType: 'sell', purchasedAt: '2024-05-01T00:00:00Z', ...header },
  items,
});

describe('toMemberView: a birth date', () => {
  it('reads a date as it is', () => {
    expect(view({ birthDate: '1990-04-15' }, 'Europe/Paris').birthDate).toBe('1990-04-15');
  });

  it("reads a date-time, as Open Loyalty serializes it, in the instance's time zone", () => {
    expect(view({ birthDate: '1990-04-14T22:00:00+00:00' }, 'Europe/Paris').birthDate).toBe('1990-04-15');
    expect(view({ birthDate: '1990-09-11T02:00:00+0200' }, 'Europe/Warsaw').birthDate).toBe('1990-09-11');
    expect(view({ birthDate: '1990-04-15T04:00:00Z' }, 'America/New_York').birthDate).toBe('1990-04-15');
    // Without a zone: UTC, where the text written in UTC is its own date.
    expect(view({ birthDate: '1990-04-14T22:00:00+00:00' }).birthDate).toBe('1990-04-14');
  });

  it('keeps a missing birth date as null', () => {
    expect(view({ birthDate: null }).birthDate).toBeNull();
    expect(view({}).birthDate).toBeNull();
  });
});

describe('toMemberView: the rest of a member', () => {
  it('maps every field, and what is absent or null to null', () => {
    expect(
      view({
        loyaltyCardNumber: 'LC1',
        email: 'Anna@Example.com',
        address: { street: '1 rue', postal: '75002', city: 'Paris', country: 'FR' },
        levelId: 'l1',
        activePoints: 12.5,
        agreement2: false,
        createdAt: '2021-03-04T10:00:00+01:00',
      }),
    ).toEqual({
      id: 'm1',
      cardNumber: 'LC1',
      email: 'Anna@Example.com',
      phone: null,
      firstName: null,
      lastName: null,
      birthDate: null,
      address: { street: '1 rue', postalCode: '75002', city: 'Paris', country: 'FR' },
      levelId: 'l1',
      activePoints: 12.5,
      active: true,
      marketingConsent: false,
      dataProcessingConsent: null,
      createdAt: '2021-03-04T09:00:00.000Z',
      updatedAt: null,
    });
  });
});

describe('toTransactionView', () => {
  it('reads a line whose sku is a string, as "Add Transaction" documents it, and one whose sku is { code }', () => {
    const item = (sku: unknown) => ({ sku, name: 'Restaurant', quantity: 1, grossValue: 500, category: 'dine' });
    const parsed = transactionItem.parse(transaction({}, [item('12AB'), item({ code: 'SKU-1' }), item(null)]));
    expect(toTransactionView(parsed).record.lines.map((line) => line.sku)).toEqual(['12AB', 'SKU-1', null]);
  });

  it('reads a purchase time without a zone, as "Add Transaction" writes it, on the wall clocks of the instance', () => {
    const parsed = transactionItem.parse(transaction({ purchasedAt: '2024-05-01T00:00:00' }));
    expect(toTransactionView(parsed, 'Europe/Paris').record.purchasedAt).toBe('2024-04-30T22:00:00.000Z');
    expect(toTransactionView(parsed, 'UTC').record.purchasedAt).toBe('2024-05-01T00:00:00.000Z');
  });

  it('keeps a weighed good\'s quantity as recorded, priced per unit of measure, so that the line keeps its value', () => {
    const parsed = transactionItem.parse(transaction({}, [{ sku: 'W', name: 'Cheese', quantity: 1.5, grossValue: 30 }]));
    expect(toTransactionView(parsed).record.lines).toEqual([{ sku: 'W', name: 'Cheese', category: null, quantity: 1.5, unitPrice: 20 }]);
    const returned = transactionItem.parse(transaction({ documentType: 'return' }, [{ sku: 'W', name: 'Cheese', quantity: -0.75, grossValue: -15 }]));
    expect(toTransactionView(returned).record.lines).toEqual([{ sku: 'W', name: 'Cheese', category: null, quantity: 0.75, unitPrice: -20 }]);
  });
});

describe('the 4.x reference forms', () => {
  it('reads a list whose total is a plain count', () => {
    expect(memberListAnswer.parse({ items: [member()], total: 7 }).filtered).toBe(7);
    expect(memberListAnswer.parse({ items: [member()], total: { all: 9, filtered: 1 } }).filtered).toBe(1);
  });

  it('reads a transaction list named transactions, with the document fields at the top level', () => {
    const flat = { transactionId: 't9', customerId: 'm1', grossValue: 3, documentNumber: '456', purchaseDate: '2018-02-20T09:45:04+0100', purchasePlace: 'wroclaw', documentType: 'sell', currency: 'eur', items: [] };
    const { items, filtered } = transactionListAnswer.parse({ transactions: [flat], total: 2 });
    expect(filtered).toBe(2);
    expect(toTransactionView(items[0]!).record).toEqual({
      id: 't9',
      documentNumber: '456',
      documentType: 'sell',
      purchasedAt: '2018-02-20T08:45:04.000Z',
      store: 'wroclaw',
      grossValue: 3,
      currency: 'EUR',
      lines: [],
    });
  });

});

describe('instantIn', () => {
  it('converts a date-time with a zone to UTC, whatever the instance zone', () => {
    expect(instantIn('1990-09-11T02:00:00+0200', 'America/New_York')).toBe('1990-09-11T00:00:00.000Z');
    expect(instantIn('2024-01-02T11:00:00+00:00', 'Europe/Paris')).toBe('2024-01-02T11:00:00.000Z');
    expect(instantIn('2024-01-02T11:00:00.000Z', 'Europe/Paris')).toBe('2024-01-02T11:00:00.000Z');
  });

  it('reads a date-time without a zone in the given zone, summer and winter', () => {
    expect(instantIn('2024-07-01 12:30:00', 'Europe/Paris')).toBe('2024-07-01T10:30:00.000Z');
    expect(instantIn('2024-01-01T12:30', 'Europe/Paris')).toBe('2024-01-01T11:30:00.000Z');
    expect(instantIn('2024-01-01T12:30:00.25', 'America/New_York')).toBe('2024-01-01T17:30:00.250Z');
  });
});

describe('answer schemas: what each refuses, by path and expectation, never the value', () => {
  it('a login answer without a token', () => {
    expect(problemOf(loginAnswer, { refresh_token: 'r-secret' })).toBe('token: expected string, received undefined');
  });

  it('a list answer without items or without total.filtered', () => {
    expect(problemOf(tierListAnswer, { total: { filtered: 0 } })).toBe('items: expected array, received undefined');
    expect(problemOf(memberListAnswer, { items: [], total: { all: 3 } })).toBe('total: expected an object with a whole "filtered" count, or a whole count');
    expect(problemOf(transactionListAnswer, { total: 0 })).toBe('items: expected array (or the 4.x transactions)');
  });

  it('a member field of the wrong kind', () => {
    const problem = problemOf(memberListAnswer, { items: [member({ activePoints: 'about 12 points' })], total: { filtered: 1 } });
    expect(problem).toBe('items[0].activePoints: expected number, received string');
  });

  it('a member without its id or its active flag', () => {
    expect(problemOf(memberListAnswer, { items: [{ email: 'anna@example.com' }], total: { filtered: 1 } })).toBe(
      'items[0].customerId: expected string, received undefined; items[0].active: expected boolean, received undefined',
    );
  });

  it('a birth date or a creation date that is not a date', () => {
    const body = { items: [member({ birthDate: '14/04/1990', createdAt: 'yesterday' })], total: { filtered: 1 } };
    expect(problemOf(memberListAnswer, body)).toBe(
      'items[0].birthDate: expected a date (YYYY-MM-DD) or an ISO 8601 date-time; items[0].createdAt: expected an ISO 8601 date-time',
    );
  });

  it('a transaction without a header, or with a line of the wrong kind', () => {
    const noHeader = { ...transaction(), header: undefined };
    expect(problemOf(transactionListAnswer, { items: [noHeader], total: { filtered: 1 } })).toBe(
      'items[0].header: expected object (or the 4.x documentType and purchaseDate)',
    );
    const badLine = transaction({}, [{ sku: 7, name: 'Shoe', quantity: '2', grossValue: 10 }]);
    expect(problemOf(transactionListAnswer, { items: [badLine], total: { filtered: 1 } })).toBe(
      'items[0].items[0].sku: expected a string or an object with a string code; items[0].items[0].quantity: expected number, received string',
    );
  });

  it('a purchase time that is not a date-time', () => {
    const body = { items: [transaction({ purchasedAt: '2024-13-01T10:00:00Z' })], total: { filtered: 1 } };
    expect(problemOf(transactionListAnswer, body)).toBe('items[0].header.purchasedAt: expected an ISO 8601 date-time');
  });
});

const redemption = (fields: Record<string, unknown> = {}) => ({
  issuedRewardId: 'ir1',
  customerId: 'm1',
  name: '10 EUR voucher',
  costInPoints: 500,
  redemptionDate: '2024-05-10T14:30:00+02:00',
  status: 'fulfilled',
  issuedCoupon: { code: 'VCH-10' },
  purchasePlace: 'Lyon Part-Dieu',
  ...fields,
});

describe('toRedemptionView', () => {
  it('maps a redeemed reward: its date in UTC, the coupon code, the store, the member', () => {
    expect(toRedemptionView(redemptionItem.parse(redemption()))).toEqual({
      customerId: 'm1',
      cancelled: false,
      record: { id: 'ir1', redeemedAt: '2024-05-10T12:30:00.000Z', reward: { name: '10 EUR voucher', costInPoints: 500, couponCode: 'VCH-10' }, store: 'Lyon Part-Dieu' },
    });
  });

  it("reads the export's forms: memberId, a coupon as a plain code, a date without a zone in the instance's zone, points with a fraction", () => {
    const item = redemptionItem.parse(
      redemption({ customerId: undefined, memberId: 'm2', issuedCoupon: 'PLAIN-1', redemptionDate: '2024-01-15 09:00:00', costInPoints: 49.6, purchasePlace: undefined }),
    );
    expect(toRedemptionView(item, 'Europe/Paris')).toEqual({
      customerId: 'm2',
      cancelled: false,
      record: { id: 'ir1', redeemedAt: '2024-01-15T08:00:00.000Z', reward: { name: '10 EUR voucher', costInPoints: 50, couponCode: 'PLAIN-1' }, store: null },
    });
  });

  it('has no coupon code for a reward without coupon, or with an empty one', () => {
    expect(toRedemptionView(redemptionItem.parse(redemption({ issuedCoupon: null }))).record.reward.couponCode).toBeNull();
    expect(toRedemptionView(redemptionItem.parse(redemption({ issuedCoupon: { code: '' } }))).record.reward.couponCode).toBeNull();
  });
});

describe('isCancelled', () => {
  it.each([
    ['cancelled', true],
    ['canceled', true],
    [' Cancelled ', true],
    ['fulfilled', false],
    ['pending', false],
    [null, false],
  ])('says %j is %s', (status, cancelled) => {
    expect(isCancelled(status)).toBe(cancelled);
  });
});

describe('the redemption list schema: what it refuses, by path and expectation, never the value', () => {
  it('a redemption without its member, or with a date that is not a date-time', () => {
    const body = { items: [redemption({ customerId: undefined }), redemption({ redemptionDate: 'last May' })], total: { filtered: 2 } };
    expect(problemOf(redemptionListAnswer, body)).toBe(
      "items[0].customerId: expected string (or the export's memberId); items[1].redemptionDate: expected an ISO 8601 date-time",
    );
  });

  it('points that are not a number, or a coupon of the wrong kind', () => {
    const body = { items: [redemption({ costInPoints: '500', issuedCoupon: 7 })], total: { filtered: 1 } };
    expect(problemOf(redemptionListAnswer, body)).toBe(
      'items[0].costInPoints: expected number, received string; items[0].issuedCoupon: expected a string or an object with a string code',
    );
  });
});

describe('the member scroll schema', () => {
  it('reads the ids and the next token, and the end as an empty scroll, written {} or, as PHP encodes an empty array, []', () => {
    const page = { items: [{ customerId: 'm-2', email: 'kept@out.example' }, { customerId: 'm-1' }], scroll: { next: 'token-2' } };
    expect(memberScrollAnswer.parse(page)).toEqual({ ids: ['m-2', 'm-1'], next: 'token-2' });
    expect(memberScrollAnswer.parse({ items: [], scroll: {} })).toEqual({ ids: [], next: null });
    expect(memberScrollAnswer.parse({ items: [], scroll: [] })).toEqual({ ids: [], next: null });
  });

  it('refuses a member without its id, a missing scroll or one of the wrong kind, by path, never the value', () => {
    expect(problemOf(memberScrollAnswer, { items: [{ customerId: '' }], scroll: {} })).toBe('items[0].customerId: too small: expected string to have >=1 characters');
    expect(problemOf(memberScrollAnswer, { items: [], scroll: 'token-3' })).toBe('scroll: expected an object with an optional "next" token');
    expect(problemOf(memberScrollAnswer, { items: [] })).toBe('scroll: expected an object with an optional "next" token');
  });
});
