/**
 * A small hand-built population for the commerce tests, standing in until the seeded generator
 * (`demo/population/generate.ts`) lands. Only `commerce` is filled; the other silos are empty.
 *
 * Customer n (0-based) has id 7000000000 + 13n, email `Shopper.<n>@Example.com` (mixed case,
 * as shops store what people type) except every 10th, which has none, phone
 * `+336100<5 digits of n>`, and n % 4 orders, one day apart. An order's third (k = 2, the
 * newest of three) used discount code `SPRING5` and was partly refunded: 24.50 paid back, a
 * second refund transaction of 30.00 failed.
 */
import type {
  Population,
  ShopifyCustomer,
  ShopifyLineItem,
  ShopifyOrder,
  ShopifyProduct,
} from '../population.js';

export const GENERATED_AT = '2026-11-01T12:00:00.000Z';

/** Products 1..6 have a category; 7 has a blank `product_type`; 99 is a deleted product. */
export const PRODUCTS: ShopifyProduct[] = [
  { id: 1, title: 'Trail runner', product_type: 'shoes', vendor: 'Acme' },
  { id: 2, title: 'Rain jacket', product_type: 'outerwear', vendor: 'Acme' },
  { id: 3, title: 'Wool socks', product_type: 'socks', vendor: 'Knit & Co' },
  { id: 4, title: 'Cap', product_type: 'accessories', vendor: 'Acme' },
  { id: 5, title: 'Backpack', product_type: 'bags', vendor: 'Carry' },
  { id: 6, title: 'Water bottle', product_type: 'accessories', vendor: 'Carry' },
  { id: 7, title: 'Gift card', product_type: '', vendor: 'Shop' },
];
export const DELETED_PRODUCT_ID = 99;

export function customerId(n: number): number {
  return 7_000_000_000 + 13 * n;
}

export function emailOf(n: number): string | null {
  return n % 10 === 9 ? null : `Shopper.${n}@Example.com`;
}

export function phoneOf(n: number): string {
  return `+336100${String(n).padStart(5, '0')}`;
}

export function buildTestPopulation(size = 80): Population {
  const customers = Array.from({ length: size }, (_, n) => customer(n));
  const orders = customers.flatMap((_, n) => ordersOf(n));
  return {
    version: 1,
    seed: null,
    generatedAt: GENERATED_AT,
    crm: { contacts: [] },
    loyalty: { storeCode: 'DEFAULT', levels: [], members: [], transactions: [] },
    commerce: { currency: 'EUR', customers, orders, products: PRODUCTS },
    analytics: { siteId: 1, visits: [] },
    truth: customers.map((c, n) => ({ person: `p-${n}`, records: [{ source: 'commerce', id: String(c.id) }] })),
  };
}

function customer(n: number): ShopifyCustomer {
  return {
    id: customerId(n),
    email: emailOf(n),
    first_name: `First${n}`,
    last_name: `Last${n}`,
    phone: phoneOf(n),
    // Shopify sends times with the shop's offset; the connector must return them in UTC.
    created_at: '2024-03-05T09:30:00-05:00',
    updated_at: '2026-10-20T18:00:00+02:00',
    orders_count: n % 4,
    total_spent: `${(n % 4) * 50}.25`,
    currency: 'EUR',
    state: 'enabled',
    verified_email: true,
    tags: n % 3 === 0 ? 'vip, newsletter' : '',
    default_address:
      n % 5 === 4 ? null : { address1: `${n} Rue de la Paix`, city: 'Paris', zip: '75002', country_code: 'FR' },
    email_marketing_consent:
      n % 2 === 0 ? { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: null } : null,
  };
}

function ordersOf(n: number): ShopifyOrder[] {
  // Oldest first on purpose: the simulator and the connector must put the newest first.
  return Array.from({ length: n % 4 }, (_, k) => {
    const createdAt = new Date(Date.parse(GENERATED_AT) - (n % 4 - k) * 86_400_000).toISOString();
    return {
      id: 9_000_000 + n * 10 + k,
      name: `#${1000 + n * 10 + k}`,
      email: emailOf(n),
      created_at: createdAt,
      processed_at: createdAt,
      total_price: '84.50',
      currency: 'EUR',
      // Alternating settled and pending orders: `status=open` alone would miss the settled ones.
      financial_status: k === 2 ? 'partially_refunded' : k % 2 === 0 ? 'paid' : 'pending',
      customer: { id: customerId(n) },
      line_items: lineItems(n, k),
      ...(k === 2
        ? {
            discount_codes: [{ code: 'SPRING5', amount: '5.00', type: 'fixed_amount' as const }],
            refunds: [
              {
                id: 500_000 + n,
                created_at: createdAt,
                transactions: [
                  { id: 600_000 + 2 * n, amount: '24.50', kind: 'refund' as const, status: 'success' as const },
                  { id: 600_001 + 2 * n, amount: '30.00', kind: 'refund' as const, status: 'failure' as const },
                ],
              },
            ],
          }
        : {}),
    };
  });
}

function lineItems(n: number, k: number): ShopifyLineItem[] {
  const first = PRODUCTS[(n + k) % PRODUCTS.length]!;
  const lines: ShopifyLineItem[] = [
    { id: n * 100 + k * 10, product_id: first.id, title: first.title, quantity: 2, price: '30.00', sku: `SKU-${first.id}` },
    { id: n * 100 + k * 10 + 1, product_id: 3, title: 'Wool socks', quantity: 1, price: '24.50', sku: '' },
  ];
  if (k === 2) {
    lines.push({ id: n * 100 + k * 10 + 2, product_id: DELETED_PRODUCT_ID, title: 'Old tee', quantity: 1, price: '0.00', sku: 'TEE' });
  }
  return lines;
}
