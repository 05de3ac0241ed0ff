/**
 * The commerce silo's journey additions: discount codes on orders and refunds on refunded orders,
 * in the shapes of Shopify's order resource (`discount_codes: [{ code, amount, type }]`, type
 * `fixed_amount`, `percentage` or `shipping`) and refund resource (`refunds: [{ id, created_at,
 * transactions: [{ id, amount, kind: 'refund', status }] }]`):
 * https://shopify.dev/docs/api/admin-rest/2024-10/resources/order and
 * https://shopify.dev/docs/api/admin-rest/2024-10/resources/refund.
 *
 * Drawn from a stream of their own, after the orders exist, and only added: `total_price`, the
 * line items and every other field of an order stay what they were for the seed. So a discount's
 * `amount` is reckoned on `total_price` as it stands (the generator's prices are what the customer
 * paid), and a refund gives back money already counted in `total_price`.
 */
import type { ShopifyCustomer, ShopifyDiscountCode, ShopifyOrder, ShopifyRefund } from '../../connectors/population.js';
import { cents } from './catalog.js';
import { idSequence } from './commerce.js';
import type { Random } from './random.js';
import { RATES } from './rates.js';
import { type Clock, DAY, iso, randomSec } from './time.js';

/** A code the shop runs. `value` is a percentage, or euro cents for the other types. */
interface DiscountSpec {
  code: string;
  type: ShopifyDiscountCode['type'];
  value: number;
  weight: number;
  /** Whether the code can apply to this order. */
  applies: (order: OrderContext) => boolean;
}

interface OrderContext {
  totalCents: number;
  /** The order is the customer's first. */
  first: boolean;
  /** Month of the order, 1 to 12 (UTC). */
  month: number;
  vip: boolean;
}

/** The shop's standard delivery fee, which FREESHIP waives (not part of `total_price`). */
const SHIPPING_FEE_CENTS = 490;

/**
 * The codes, each where a shop would accept it: WELCOME10 on a customer's first order, SUMMER15
 * from June to August, VIP20 for customers tagged `vip`, MERCI10 (10 EUR off) from 50 EUR, and
 * FREESHIP on any order.
 */
export const DISCOUNT_CODES: readonly DiscountSpec[] = [
  { code: 'WELCOME10', type: 'percentage', value: 10, weight: 30, applies: (o) => o.first },
  { code: 'SUMMER15', type: 'percentage', value: 15, weight: 25, applies: (o) => o.month >= 6 && o.month <= 8 },
  { code: 'VIP20', type: 'percentage', value: 20, weight: 15, applies: (o) => o.vip },
  { code: 'MERCI10', type: 'fixed_amount', value: 1_000, weight: 15, applies: (o) => o.totalCents >= 5_000 },
  { code: 'FREESHIP', type: 'shipping', value: SHIPPING_FEE_CENTS, weight: 15, applies: () => true },
];

/** The amount a code takes off, in cents: a percentage of the order's total, rounded to the cent. */
function discountCents(spec: DiscountSpec, totalCents: number): number {
  return spec.type === 'percentage' ? Math.round((totalCents * spec.value) / 100) : spec.value;
}

const toCents = (decimal: string): number => Math.round(Number(decimal) * 100);

/**
 * Adds `discount_codes` (on {@link RATES.discountCode} of orders, one code each; `[]` on the
 * others, as Shopify sends) and `refunds` to every order, in place. A `refunded` order has one
 * successful refund of its whole `total_price`, 1 second to 30 days after the order and never
 * after `clock.now`; other orders have `refunds: []`. `orders` must be in creation order (a
 * customer's first order is the first seen).
 */
export function addPromotions(rng: Random, orders: ShopifyOrder[], customers: readonly ShopifyCustomer[], clock: Clock): void {
  const vip = new Set(customers.filter((c) => c.tags.split(', ').includes('vip')).map((c) => c.id));
  const seen = new Set<number>();
  const refundId = idSequence(rng, 920_000_000_000, 40_000);
  const transactionId = idSequence(rng, 6_900_000_000_000, 40_000);
  for (const order of orders) {
    const customer = order.customer?.id;
    const first = customer !== undefined && !seen.has(customer);
    if (customer !== undefined) seen.add(customer);
    const totalCents = toCents(order.total_price);
    const codes: ShopifyDiscountCode[] = [];
    if (rng.chance(RATES.discountCode)) {
      const context: OrderContext = { totalCents, first, month: new Date(order.created_at).getUTCMonth() + 1, vip: customer !== undefined && vip.has(customer) };
      const spec = rng.weighted(DISCOUNT_CODES.filter((d) => d.applies(context)).map((d) => [d, d.weight] as const));
      codes.push({ code: spec.code, amount: cents(discountCents(spec, totalCents)), type: spec.type });
    }
    const refunds: ShopifyRefund[] = [];
    if (order.financial_status === 'refunded') {
      const created = Date.parse(order.created_at) / 1000;
      const at = randomSec(rng, created + 1, Math.min(created + 30 * DAY, clock.now));
      refunds.push({
        id: refundId(),
        created_at: iso(Math.min(at, clock.now)),
        transactions: [{ id: transactionId(), amount: order.total_price, kind: 'refund', status: 'success' }],
      });
    }
    order.discount_codes = codes;
    order.refunds = refunds;
  }
}
