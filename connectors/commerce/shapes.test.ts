import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/shared/errors.js';
import { readBody } from '../shared/body-schema.js';
import {
  customerIdListAnswer,
  customerListAnswer,
  orderListAnswer,
  productListAnswer,
  shopAnswer,
  toCustomerRecord,
  toOrderRecord,
  toProductTypes,
} from './shapes.js';

/** The problem text readBody hands to the connector's complaint. */
function problemOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the body was accepted');
}

/** The problem as the message, as a test sees it (the connector's complaint is SiloHttp.badResponse). */
const complain = (problem: string): SourceError => new SourceError('SOURCE_BAD_RESPONSE', 'commerce', problem, { problem });

describe('customer bodies', () => {
  it('maps a documented customer: id as a string, times in UTC, tags split, the address country by its code', () => {
    const body = {
      customers: [
        {
          id: 207119551,
          email: 'bob.norman@mail.example.com',
          phone: '+16136120707',
          first_name: 'Bob',
          last_name: 'Norman',
          orders_count: 1,
          total_spent: '199.65',
          currency: 'USD',
          tags: 'Léon, Noël',
          created_at: '2025-04-02T11:23:11-05:00',
          updated_at: '2025-04-02T11:23:11-05:00',
          email_marketing_consent: { state: 'not_subscribed', opt_in_level: null, consent_updated_at: null },
          default_address: { address1: 'Chestnut Street 92', city: 'Louisville', zip: '40202', country: 'United States', country_code: 'US' },
          state: 'disabled',
        },
      ],
    };
    expect(readBody(customerListAnswer, body, complain).customers.map(toCustomerRecord)).toEqual([
      {
        id: '207119551',
        email: 'bob.norman@mail.example.com',
        phone: '+16136120707',
        firstName: 'Bob',
        lastName: 'Norman',
        address: { street: 'Chestnut Street 92', postalCode: '40202', city: 'Louisville', country: 'US' },
        ordersCount: 1,
        totalSpent: 199.65,
        currency: 'USD',
        emailMarketingConsent: 'not_subscribed',
        emailMarketing: { state: 'not_subscribed', optInLevel: null, updatedAt: null, collectedFrom: null },
        smsMarketing: null,
        tags: ['Léon', 'Noël'],
        createdAt: '2025-04-02T16:23:11.000Z',
        updatedAt: '2025-04-02T16:23:11.000Z',
      },
    ]);
  });

  it('reads fields that were not asked for (absent) and null fields alike as null', () => {
    const [customer] = readBody(customerListAnswer, { customers: [{ id: 5, email: null, default_address: { city: 'Lyon', country: 'France' } }] }, complain).customers;
    expect(toCustomerRecord(customer!)).toEqual({
      id: '5',
      email: null,
      phone: null,
      firstName: null,
      lastName: null,
      address: { street: null, postalCode: null, city: 'Lyon', country: 'France' },
      ordersCount: null,
      totalSpent: null,
      currency: null,
      emailMarketingConsent: null,
      emailMarketing: null,
      smsMarketing: null,
      tags: [],
      createdAt: null,
      updatedAt: null,
    });
  });

  it('names a body that is not an object, a missing list and a list that is not one', () => {
    expect(problemOf(() => readBody(customerListAnswer, 'Not Found', complain))).toBe('the body: expected object, received string');
    expect(problemOf(() => readBody(customerListAnswer, {}, complain))).toBe('customers: expected array, received undefined');
    expect(problemOf(() => readBody(customerListAnswer, { customers: { id: 1 } }, complain))).toBe('customers: expected array, received object');
  });

  it('names an element that is not an object', () => {
    expect(problemOf(() => readBody(customerListAnswer, { customers: [{ id: 1 }, null] }, complain))).toBe('customers[1]: expected object, received null');
  });

  it('refuses an id that is not a positive integer: a string, a fraction, zero', () => {
    for (const id of ['207119551', 1.5, 0]) {
      expect(problemOf(() => readBody(customerListAnswer, { customers: [{ id }] }, complain))).toBe('customers[0].id: expected an id (a positive integer)');
    }
  });

  it('refuses an amount that is not a decimal string, without quoting it', () => {
    const problem = problemOf(() => readBody(customerListAnswer, { customers: [{ id: 1, total_spent: 'one hundred' }] }, complain));
    expect(problem).toBe('customers[0].total_spent: expected an amount (a decimal string)');
  });

  it('refuses a time that is not ISO 8601, without quoting it', () => {
    const problem = problemOf(() => readBody(customerListAnswer, { customers: [{ id: 1, created_at: 'last Tuesday' }] }, complain));
    expect(problem).toBe('customers[0].created_at: expected an ISO 8601 date-time');
  });

  it('names each mistyped field, up to three: a text, a nested object, a count', () => {
    const body = { customers: [{ id: 1, email: 42, default_address: 'Paris', orders_count: -1, tags: [] }] };
    expect(problemOf(() => readBody(customerListAnswer, body, complain))).toBe(
      'customers[0].email: expected string, received number; customers[0].default_address: expected object, received string; ' +
        'customers[0].orders_count: expected a count (a non-negative integer); and 1 more problem',
    );
  });
});

describe('order bodies', () => {
  const order = {
    id: 450789469,
    name: '#1001',
    created_at: '2008-01-10T11:00:00-05:00',
    total_price: '598.94',
    currency: 'USD',
    financial_status: 'partially_refunded',
    line_items: [
      { title: 'IPod Nano - 8gb', sku: 'IPOD2008GREEN', quantity: 1, price: '199.00', product_id: 632910392 },
      { title: 'Gift wrapping', sku: '', quantity: 2, price: '2.50', product_id: null },
    ],
    discount_codes: [{ code: 'TENOFF', amount: '10.00', type: 'fixed_amount' }],
    refunds: [{ id: 509562969, transactions: [{ amount: '209.00', kind: 'refund', status: 'success' }] }],
  };

  it('maps a documented order: lines with their product id, an empty SKU and a custom line as null', () => {
    expect(readBody(orderListAnswer, { orders: [order] }, complain).orders.map(toOrderRecord)).toEqual([
      {
        id: '450789469',
        name: '#1001',
        createdAt: '2008-01-10T16:00:00.000Z',
        totalPrice: 598.94,
        currency: 'USD',
        financialStatus: 'partially_refunded',
        discountCodes: ['TENOFF'],
        discounts: [{ code: 'TENOFF', amount: 10, type: 'fixed_amount' }],
        totalRefunded: 209,
        lines: [
          { sku: 'IPOD2008GREEN', name: 'IPod Nano - 8gb', quantity: 1, unitPrice: 199, productId: '632910392' },
          { sku: null, name: 'Gift wrapping', quantity: 2, unitPrice: 2.5, productId: null },
        ],
      },
    ]);
  });

  it('totals only the successful refund transactions, to the cent, over every refund', () => {
    const refunds = [
      {
        id: 1,
        transactions: [
          { amount: '0.10', kind: 'refund', status: 'success' },
          { amount: '50.00', kind: 'refund', status: 'pending' },
          { amount: '40.00', kind: 'refund', status: 'failure' },
        ],
      },
      { id: 2, transactions: [{ amount: '0.20', kind: 'refund', status: 'success' }] },
    ];
    const [record] = readBody(orderListAnswer, { orders: [{ ...order, refunds }] }, complain).orders.map(toOrderRecord);
    expect(record!.totalRefunded).toBe(0.3);
  });

  it('reads an order without discount_codes and refunds (not asked for) as none used and nothing refunded', () => {
    const { discount_codes: _codes, refunds: _refunds, ...bare } = order;
    const [record] = readBody(orderListAnswer, { orders: [bare] }, complain).orders.map(toOrderRecord);
    expect([record!.discountCodes, record!.totalRefunded]).toEqual([[], 0]);
  });

  it("names a refund transaction's amount that is not money, and a discount code without its code", () => {
    const unpaid = { ...order, refunds: [{ id: 1, transactions: [{ amount: 'lots', kind: 'refund', status: 'success' }] }] };
    expect(problemOf(() => readBody(orderListAnswer, { orders: [unpaid] }, complain))).toBe(
      'orders[0].refunds[0].transactions[0].amount: expected an amount (a decimal string)',
    );
    const codeless = { ...order, discount_codes: [{ amount: '10.00', type: 'fixed_amount' }] };
    expect(problemOf(() => readBody(orderListAnswer, { orders: [codeless] }, complain))).toBe(
      'orders[0].discount_codes[0].code: expected string, received undefined',
    );
  });

  it('names a missing required field of an order and of a line', () => {
    const { name: _name, ...nameless } = order;
    expect(problemOf(() => readBody(orderListAnswer, { orders: [nameless] }, complain))).toBe('orders[0].name: expected string, received undefined');
    const untitled = { ...order, line_items: [{ sku: 'X', quantity: 1, price: '1.00' }] };
    expect(problemOf(() => readBody(orderListAnswer, { orders: [untitled] }, complain))).toBe(
      'orders[0].line_items[0].title: expected string, received undefined',
    );
  });

  it('refuses a line quantity that is not a count', () => {
    const fractional = { ...order, line_items: [{ title: 'X', quantity: 1.5, price: '1.00' }] };
    expect(problemOf(() => readBody(orderListAnswer, { orders: [fractional] }, complain))).toBe(
      'orders[0].line_items[0].quantity: expected a count (a non-negative integer)',
    );
  });
});

describe('product and shop bodies', () => {
  it('maps product types to categories, a blank type to null', () => {
    const body = { products: [{ id: 632910392, product_type: 'Cult Products' }, { id: 7, product_type: '' }] };
    expect(toProductTypes(readBody(productListAnswer, body, complain))).toEqual(
      new Map([
        ['632910392', 'Cult Products'],
        ['7', null],
      ]),
    );
  });

  it('refuses a product id that is not a positive integer', () => {
    expect(problemOf(() => readBody(productListAnswer, { products: [{ id: 'gid://shopify/Product/1' }] }, complain))).toBe(
      'products[0].id: expected an id (a positive integer)',
    );
  });

  it('accepts any shop object and refuses a shop that is not one', () => {
    expect(readBody(shopAnswer, { shop: { id: 548380009, name: 'John Smith Test Store' } }, complain)).toEqual({ shop: {} });
    expect(problemOf(() => readBody(shopAnswer, { shop: null }, complain))).toBe('shop: expected object, received null');
  });
});

describe('customer id pages (fields=id)', () => {
  it('reads the ids as decimal strings, in the order of the answer', () => {
    expect(readBody(customerIdListAnswer, { customers: [{ id: 1073339462 }, { id: 207119551 }] }, complain)).toEqual(['1073339462', '207119551']);
    expect(readBody(customerIdListAnswer, { customers: [] }, complain)).toEqual([]);
  });

  it('refuses an id that is not a positive integer, by path', () => {
    expect(problemOf(() => readBody(customerIdListAnswer, { customers: [{ id: 5 }, { id: '207119551' }] }, complain))).toBe(
      'customers[1].id: expected an id (a positive integer)',
    );
  });
});
