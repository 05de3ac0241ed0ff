/**
 * The Shopify Admin REST bodies the connector reads, as zod schemas of their documented shape, and
 * the mapping from a parsed body to the gateway's records (pure). The client reads every body
 * through `readBody(schema, body, complain)` (connectors/shared/body-schema.ts): a body without this
 * shape is the shop's SOURCE_BAD_RESPONSE, naming the field's path and what was expected, never the
 * value (it may be personal data).
 *
 * Documented shape (https://shopify.dev/docs/api/admin-rest/2025-10/resources/customer, .../order,
 * .../product, .../shop; the examples are in fixtures/): ids are JSON numbers, money is a decimal
 * string ("199.65"), times are ISO 8601 with the shop's offset ("2013-06-27T08:48:27-04:00"), tags
 * are one comma-separated string, and a list answer is `{"customers": [...]}` (`orders`,
 * `products`). Fields the connector did not ask for (`fields=`) are absent: absent and null both
 * read as null. Fields the connector does not read are allowed and dropped.
 *
 * The schemas are built once, here: the gateway parses thousands of bodies a second.
 */
import type { PostalAddress, ShopMarketingConsent } from '../../src/generated/graphql.js';
import { z } from '../shared/body-schema.js';
import { utcDateTime } from '../shared/time.js';
import type { CommerceCustomerRecord, CommerceOrderRecord } from '../types.js';

/** A Shopify id: a positive integer (JSON number), read as its decimal string. */
const shopifyId = z
  .int({ error: 'expected an id (a positive integer)' })
  .positive({ error: 'expected an id (a positive integer)' })
  .transform(String);

/** A count: a non-negative integer. */
const count = z.int({ error: 'expected a count (a non-negative integer)' }).nonnegative({ error: 'expected a count (a non-negative integer)' });

/** Money: Shopify's decimal string ("199.65"); a plain JSON number is accepted too. */
const money = z.union(
  [z.string().regex(/^-?\d+(?:\.\d+)?$/).transform(Number), z.number().refine(Number.isFinite)],
  { error: 'expected an amount (a decimal string)' },
);

/** An ISO 8601 date-time with offset, read in UTC as the schema's DateTime wants. */
const dateTime = z.string({ error: 'expected an ISO 8601 date-time' }).transform((text, ctx) => {
  const utc = utcDateTime(text);
  if (utc === null) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date-time' });
    return z.NEVER;
  }
  return utc;
});

/** A text field that may be absent (not asked for) or null. */
const text = z.string().nullish();

/** A customer's `default_address` (`addresses[]` have the same shape). */
const shopifyAddress = z.object({
  address1: text,
  city: text,
  zip: text,
  country: text,
  country_code: text,
});

/**
 * A customer's marketing consent for one channel (Shopify `email_marketing_consent`,
 * `sms_marketing_consent`: state, opt_in_level, consent_updated_at, and for SMS
 * consent_collected_from).
 */
const marketingConsent = z.object({
  state: z.string(),
  opt_in_level: text,
  consent_updated_at: dateTime.nullish(),
  consent_collected_from: text,
});

/** A `Customer` with any subset of its fields (`fields=`); only `id` is always there. */
export const shopifyCustomer = z.object({
  id: shopifyId,
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  default_address: shopifyAddress.nullish(),
  orders_count: count.nullish(),
  total_spent: money.nullish(),
  currency: text,
  email_marketing_consent: marketingConsent.nullish(),
  sms_marketing_consent: marketingConsent.nullish(),
  tags: text,
  created_at: dateTime.nullish(),
  updated_at: dateTime.nullish(),
});

/** `GET customers.json` and `GET customers/search.json`: `{"customers": [Customer, ...]}`. */
export const customerListAnswer = z.object({ customers: z.array(shopifyCustomer) });

/**
 * `GET customers.json?fields=id`: `{"customers": [{"id": 207119551}, ...]}`, read as the ids
 * (decimal strings), in the answer's order.
 */
export const customerIdListAnswer = z
  .object({ customers: z.array(z.object({ id: shopifyId })) })
  .transform(({ customers }) => customers.map((customer) => customer.id));

/** An order's line item: what a purchase line needs. `product_id` is null on a custom line. */
export const shopifyLineItem = z.object({
  title: z.string(),
  sku: text,
  quantity: count,
  price: money,
  product_id: shopifyId.nullish(),
});

/**
 * A discount code an order used (`discount_codes[]`): `{"code": "TENOFF", "amount": "10.00",
 * "type": "fixed_amount"}` (types `fixed_amount`, `percentage`, `shipping`).
 */
export const shopifyDiscountCode = z.object({
  code: z.string(),
  amount: money.nullish(),
  type: text,
});

/**
 * A money movement of a refund (`refunds[].transactions[]`): `amount` is a decimal string in the
 * order's currency, `kind` is `refund`, `status` one of `success`, `failure`, `pending`, `error`.
 */
export const shopifyRefundTransaction = z.object({
  amount: money,
  kind: text,
  status: text,
});

/** A refund on an order (`refunds[]`): what was paid back is in its `transactions`. */
export const shopifyRefund = z.object({
  id: shopifyId,
  transactions: z.array(shopifyRefundTransaction),
});

/**
 * An `Order` as the connector asks for it (`fields=id,name,created_at,total_price,currency,
 * financial_status,line_items,discount_codes,refunds`). `discount_codes` and `refunds` are
 * always there when asked for (empty lists when none); absent, they read as none.
 */
export const shopifyOrder = z.object({
  id: shopifyId,
  name: z.string(),
  created_at: dateTime,
  total_price: money,
  currency: z.string(),
  financial_status: text,
  line_items: z.array(shopifyLineItem),
  discount_codes: z.array(shopifyDiscountCode).nullish(),
  refunds: z.array(shopifyRefund).nullish(),
});

/** `GET orders.json` and `GET customers/{id}/orders.json`: `{"orders": [Order, ...]}`. */
export const orderListAnswer = z.object({ orders: z.array(shopifyOrder) });

/** `GET products.json?fields=id,product_type`: `{"products": [{"id", "product_type"}, ...]}`. */
export const productListAnswer = z.object({
  products: z.array(z.object({ id: shopifyId, product_type: text })),
});

/** `GET shop.json`: `{"shop": {...}}`; the health probe needs only that the shop answered one. */
export const shopAnswer = z.object({ shop: z.object({}) });

/** A customer as {@link shopifyCustomer} parsed it: id as a decimal string, money a number, times in UTC. */
export type ShopifyCustomerBody = z.output<typeof shopifyCustomer>;
/** An order as {@link shopifyOrder} parsed it. */
export type ShopifyOrderBody = z.output<typeof shopifyOrder>;

/** A parsed `Customer` as the gateway's record; absent fields are null. */
export function toCustomerRecord(c: ShopifyCustomerBody): CommerceCustomerRecord {
  return {
    id: c.id,
    email: c.email ?? null,
    phone: c.phone ?? null,
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    address: c.default_address ? toAddress(c.default_address) : null,
    ordersCount: c.orders_count ?? null,
    totalSpent: c.total_spent ?? null,
    currency: c.currency ?? null,
    emailMarketingConsent: c.email_marketing_consent?.state ?? null,
    emailMarketing: toMarketingConsent(c.email_marketing_consent),
    smsMarketing: toMarketingConsent(c.sms_marketing_consent),
    tags: splitTags(c.tags ?? null),
    createdAt: c.created_at ?? null,
    updatedAt: c.updated_at ?? null,
  };
}

function toMarketingConsent(c: z.output<typeof marketingConsent> | null | undefined): ShopMarketingConsent | null {
  if (c == null) return null;
  return { state: c.state, optInLevel: c.opt_in_level ?? null, updatedAt: c.consent_updated_at ?? null, collectedFrom: c.consent_collected_from ?? null };
}

function toAddress(a: z.output<typeof shopifyAddress>): PostalAddress {
  return {
    street: a.address1 ?? null,
    postalCode: a.zip ?? null,
    city: a.city ?? null,
    // The schema prefers ISO 3166-1 alpha-2; `country` is the name, for addresses without a code.
    country: a.country_code ?? a.country ?? null,
  };
}

/** Shopify stores tags as "vip, newsletter"; an empty string means none. */
function splitTags(tags: string | null): string[] {
  return (tags ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** A parsed `Order` as the gateway's record: lines keep their product id, not yet its category. */
export function toOrderRecord(o: ShopifyOrderBody): CommerceOrderRecord {
  return {
    id: o.id,
    name: o.name,
    createdAt: o.created_at,
    totalPrice: o.total_price,
    currency: o.currency,
    financialStatus: o.financial_status ?? null,
    discountCodes: (o.discount_codes ?? []).map((d) => d.code),
    discounts: (o.discount_codes ?? []).map((d) => ({ code: d.code, amount: d.amount ?? null, type: d.type ?? null })),
    totalRefunded: totalRefunded(o.refunds ?? []),
    lines: o.line_items.map((l) => ({
      // Shopify sends "" for a variant without SKU.
      sku: l.sku || null,
      name: l.title,
      quantity: l.quantity,
      unitPrice: l.price,
      productId: l.product_id ?? null,
    })),
  };
}

/**
 * What was paid back on an order, in its currency: the sum of its refunds' transactions of kind
 * `refund` whose `status` is `success` (a `pending` or `failure` transaction moved no money).
 * Shopify's Refund resource: https://shopify.dev/docs/api/admin-rest/2025-10/resources/refund.
 * Summed in ten-thousandths, so that `0.1 + 0.2` is `0.3`: no currency has more decimals.
 */
export function totalRefunded(refunds: ReadonlyArray<z.output<typeof shopifyRefund>>): number {
  let units = 0;
  for (const refund of refunds) {
    for (const t of refund.transactions) {
      if (t.kind === 'refund' && t.status === 'success') units += Math.round(t.amount * 10_000);
    }
  }
  return units / 10_000;
}

/** A parsed products answer as product id -> category (`product_type`, null when blank). */
export function toProductTypes(answer: z.output<typeof productListAnswer>): Map<string, string | null> {
  return new Map(answer.products.map((p) => [p.id, p.product_type || null]));
}
