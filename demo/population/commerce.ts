/**
 * The commerce silo: Shopify customers, their orders and the products.
 */
import { type CommerceSilo, type ShopifyCustomer, type ShopifyLineItem, type ShopifyOrder } from '../../connectors/population.js';
import { type CatalogItem, cents, pickItems } from './catalog.js';
import { phoneLinks } from './countries.js';
import { ownEmail, typedNames } from './messy/spellings.js';
import { type Person } from './people.js';
import { type Random } from './random.js';
import { RATES, RETAILER } from './rates.js';
import { byCreation, type Owned, type Window } from './records.js';
import { activityCount, type Clock, DAY, iso, randomSec, skewedInt, sortedSecs } from './time.js';

interface OrderDraft {
  created: number;
  financialStatus: ShopifyOrder['financial_status'];
  lines: Array<{ item: CatalogItem; quantity: number }>;
  totalCents: number;
}

export interface CustomerDraft {
  person: Person;
  created: number;
  customer: Omit<ShopifyCustomer, 'id'>;
  orders: OrderDraft[];
}

/** The shop account a person logs in with on the site, for analytics. */
export interface ShopAccount {
  id: number;
  created: number;
}

const SHOP_TAGS = ['newsletter', 'retail-pos', 'returning-customer', 'student', 'gift-card', 'click-and-collect'] as const;

function orderDrafts(rng: Random, catalog: readonly CatalogItem[], window: Window): OrderDraft[] {
  return sortedSecs(rng, activityCount(rng, 0.25, 20), window.from, window.to).map((created) => {
    const lines = pickItems(rng, catalog);
    return {
      created,
      financialStatus: rng.weighted<ShopifyOrder['financial_status']>([['paid', 90], ['pending', 5], ['refunded', 5]]),
      lines,
      totalCents: lines.reduce((sum, l) => sum + l.item.priceCents * l.quantity, 0),
    };
  });
}

function consent(rng: Random, window: Window): ShopifyCustomer['email_marketing_consent'] {
  const state = rng.weighted<NonNullable<ShopifyCustomer['email_marketing_consent']>['state']>([
    ['subscribed', 45], ['not_subscribed', 40], ['unsubscribed', 12], ['pending', 3],
  ]);
  return {
    state,
    opt_in_level: state === 'not_subscribed' ? null : rng.weighted<'single_opt_in' | 'confirmed_opt_in' | 'unknown'>([['single_opt_in', 60], ['confirmed_opt_in', 30], ['unknown', 10]]),
    consent_updated_at: state === 'not_subscribed' ? null : iso(randomSec(rng, window.from, window.to)),
  };
}

/**
 * A shop customer. Persons tracked by analytics have a login (`enabled`), since they log in on the
 * site; others may be guests or invitations. `total_spent` counts paid orders only.
 */
function customerDraft(rng: Random, person: Person, catalog: readonly CatalogItem[], clock: Clock): CustomerDraft {
  const created = randomSec(rng, person.since, clock.now - DAY);
  const window = { from: created, to: clock.now };
  const orders = orderDrafts(rng, catalog, window);
  const spentCents = orders.filter((o) => o.financialStatus === 'paid').reduce((sum, o) => sum + o.totalCents, 0);
  const state = person.silos.analytics
    ? 'enabled'
    : rng.weighted<ShopifyCustomer['state']>([['enabled', 60], ['disabled', 30], ['invited', 7], ['declined', 3]]);
  // A customer created at the till gets the shop's `noemail@` address, and is known by the mobile.
  // US and Canadian phones link nothing: those customers keep their email.
  const tillPlaceholder = phoneLinks(person) && rng.chance(RATES.commercePlaceholder);
  const [firstName, lastName] = typedNames(rng, person.firstName, person.lastName, false);
  const tags: string[] = rng.shuffle(SHOP_TAGS).slice(0, skewedInt(rng, 0, 3, 2));
  if (spentCents >= 100_000) tags.push('vip');
  const lastOrder = orders.at(-1)?.created ?? created;
  const { street, zip, city, country } = person.address;
  return {
    person,
    created,
    orders,
    customer: {
      email: tillPlaceholder ? `noemail@${RETAILER.domain}` : ownEmail(rng, person.email, 'commerce'),
      first_name: firstName,
      last_name: lastName,
      // Shopify refuses a phone already used by another customer: never the shared landline.
      phone: tillPlaceholder || rng.chance(0.55) ? person.mobile : null,
      created_at: iso(created),
      updated_at: iso(randomSec(rng, lastOrder, clock.now)),
      orders_count: orders.length,
      total_spent: cents(spentCents),
      currency: RETAILER.currency,
      state,
      verified_email: state === 'enabled' && rng.chance(0.95),
      tags: tags.sort().join(', '),
      default_address: rng.chance(0.85) ? { address1: street, city, zip, country_code: country } : null,
      email_marketing_consent: consent(rng, window),
    },
  };
}

/** Shopify ids: large increasing integers, well below 2^53. */
export function idSequence(rng: Random, start: number, maxStep: number): () => number {
  let last = start;
  return () => (last += rng.int(1, maxStep));
}

/** The shop customers of every person commerce knows, with their orders, in creation order. */
export function draftCommerce(rng: Random, people: readonly Person[], catalog: readonly CatalogItem[], clock: Clock): CustomerDraft[] {
  return byCreation(people.filter((p) => p.silos.commerce).map((p) => customerDraft(rng, p, catalog, clock)));
}

/** The commerce silo with Shopify ids, each customer's person, and the accounts persons log in with on the site. */
export function projectCommerce(
  rng: Random,
  drafts: readonly CustomerDraft[],
  catalog: readonly CatalogItem[],
): Owned<CommerceSilo> & { accounts: Map<number, ShopAccount> } {
  const customerId = idSequence(rng, 7_010_000_000_000, 50_000);
  const customers: ShopifyCustomer[] = drafts.map((d) => ({ id: customerId(), ...d.customer }));
  const accounts = new Map<number, ShopAccount>();
  drafts.forEach((d, i) => {
    if (d.customer.state === 'enabled') accounts.set(d.person.index, { id: (customers[i] as ShopifyCustomer).id, created: d.created });
  });

  const placed = byCreation(drafts.flatMap((d, i) => d.orders.map((o) => ({ ...o, customer: customers[i] as ShopifyCustomer }))));
  const orderId = idSequence(rng, 5_300_000_000_000, 20_000);
  const lineId = idSequence(rng, 14_200_000_000_000, 5_000);
  const orders = placed.map((o, n): ShopifyOrder => ({
    id: orderId(),
    name: `#${1001 + n}`,
    email: o.customer.email,
    created_at: iso(o.created),
    processed_at: iso(o.created),
    total_price: cents(o.totalCents),
    currency: RETAILER.currency,
    financial_status: o.financialStatus,
    customer: { id: o.customer.id },
    line_items: o.lines.map(({ item, quantity }): ShopifyLineItem => ({
      id: lineId(),
      product_id: item.productId,
      title: item.title,
      quantity,
      price: cents(item.priceCents),
      sku: item.sku,
    })),
  }));
  const products = catalog.map((item) => ({ id: item.productId, title: item.title, product_type: item.category, vendor: item.vendor }));
  return {
    silo: { currency: RETAILER.currency, customers, orders, products },
    owners: drafts.map((d, i) => ({ person: d.person.index, id: String((customers[i] as ShopifyCustomer).id) })),
    accounts,
  };
}
