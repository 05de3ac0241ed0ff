/**
 * A touchpoint as the journey computes it: the schema's `Touchpoint` (src/generated), except that
 * its lines are the connectors' purchase lines, whose category a shop line fetches only when
 * selected (codegen.yml maps `Touchpoint` to this type), and that an online order carries its
 * refunded amount for the summary.
 */
import type {
  AnalyticsVisitorRecord,
  CommerceCustomerRecord,
  CommerceOrderRecord,
  CrmContactRecord,
  LoyaltyMemberRecord,
  LoyaltyRedemptionRecord,
  LoyaltyTransactionRecord,
  PurchaseLineRecord,
  VisitRecord,
} from '../../connectors/types.js';
import type { Channel, Source, Touchpoint, TouchpointKind } from '../generated/graphql.js';

export type TouchpointRecord = Omit<Touchpoint, '__typename' | 'items'> & {
  items: PurchaseLineRecord[];
  /**
   * Not in the schema: what was refunded on an online order so far (`CommerceOrder.totalRefunded`,
   * in `currency`, 0 when nothing), so that the journey summary (summary.ts) nets refunds out of
   * the spend and counts the order as a return. Absent on every other kind.
   */
  refunded?: number;
  /**
   * Not in the schema: the customer's shop record id a device's first login, or a logged-in
   * visit, was made as, so that the journey's cursor can tell which it gave when the shop
   * records known change between pages (records.ts). Absent on every other touchpoint.
   */
  loggedInAs?: string;
};

/**
 * The silo histories a journey merges. Three are read page by page from the silo (transactions,
 * redemptions, orders, visits); the others come from the customer's records, already read
 * (a record's creation, a device's first login).
 */
export type JourneyStream =
  | 'crm.contacts'
  | 'loyalty.members'
  | 'loyalty.transactions'
  | 'loyalty.redemptions'
  | 'commerce.customers'
  | 'commerce.orders'
  | 'analytics.visits'
  | 'analytics.logins';

/** Every stream, in the journey's source order (crm, loyalty, commerce, analytics). */
export const JOURNEY_STREAMS: readonly JourneyStream[] = [
  'crm.contacts',
  'loyalty.members',
  'loyalty.transactions',
  'loyalty.redemptions',
  'commerce.customers',
  'commerce.orders',
  'analytics.visits',
  'analytics.logins',
];

/** The silo each stream reads. */
export const STREAM_SOURCE: { readonly [S in JourneyStream]: Source } = {
  'crm.contacts': 'crm',
  'loyalty.members': 'loyalty',
  'loyalty.transactions': 'loyalty',
  'loyalty.redemptions': 'loyalty',
  'commerce.customers': 'commerce',
  'commerce.orders': 'commerce',
  'analytics.visits': 'analytics',
  'analytics.logins': 'analytics',
};

/**
 * What each stream's reader gives, one item per silo event: a record for the record streams, an
 * event with the record it belongs to (`recordId`) for the others. A visitor's first logins are
 * only those as one of the customer's own shop ids (a shared device's other logins are not theirs).
 */
export interface StreamEvents {
  'crm.contacts': CrmContactRecord;
  'loyalty.members': LoyaltyMemberRecord;
  'loyalty.transactions': LoyaltyTransactionRecord & { recordId: string };
  'loyalty.redemptions': LoyaltyRedemptionRecord & { recordId: string };
  'commerce.customers': CommerceCustomerRecord;
  'commerce.orders': CommerceOrderRecord & { recordId: string };
  'analytics.visits': VisitRecord & { recordId: string };
  'analytics.logins': { visitor: AnalyticsVisitorRecord; login: NonNullable<AnalyticsVisitorRecord['firstLogins']>[number] };
}

/**
 * The kinds and channels each stream's touchpoints can have: the journey skips a stream that
 * cannot hold a touchpoint a filter keeps. The touchpoint builders (touchpoints.ts) keep to it.
 */
export const STREAM_KINDS: { readonly [S in JourneyStream]: { kinds: readonly TouchpointKind[]; channels: readonly Channel[] } } = {
  'crm.contacts': { kinds: ['accountCreated'], channels: ['email'] },
  'loyalty.members': { kinds: ['membershipCreated'], channels: ['store'] },
  'loyalty.transactions': { kinds: ['storePurchase', 'storeReturn'], channels: ['store'] },
  'loyalty.redemptions': { kinds: ['rewardRedeemed'], channels: ['store', 'app'] },
  'commerce.customers': { kinds: ['accountCreated'], channels: ['web'] },
  'commerce.orders': { kinds: ['onlineOrder', 'discountCodeUsed'], channels: ['web'] },
  // A campaign visit's channel is `email` when its campaign medium is email, else `campaign`.
  'analytics.visits': { kinds: ['webVisit', 'appVisit', 'campaignVisit'], channels: ['web', 'app', 'email', 'campaign'] },
  'analytics.logins': { kinds: ['deviceFirstLogin'], channels: ['web', 'app'] },
};

/**
 * Whether an online order was voided (Shopify `financial_status` `voided`: cancelled before its
 * payment was captured, so no money moved): it stays in the journey as what happened, but is no
 * purchase for the figures (journey summary, purchase history, segment features). A pending or
 * authorized order counts: it was placed and its payment is under way; a refunded one counts net
 * of what was refunded.
 */
export function isVoidedOrder(touchpoint: Pick<TouchpointRecord, 'kind' | 'financialStatus'>): boolean {
  return touchpoint.kind === 'onlineOrder' && touchpoint.financialStatus?.trim().toLowerCase() === 'voided';
}

/**
 * The items a purchase line stands for, as a clerk counts them: its quantity (positive whatever
 * sign a POS sent for a return) when whole, else 1: a good sold by weight or measure (Open Loyalty
 * records 1.5 for 1.5 kg of cheese) is one item, not 1.5 or 2. Used for "Bought 2 items" and the
 * summary's units per category.
 */
export function itemsOnLine(line: Pick<PurchaseLineRecord, 'quantity'>): number {
  const quantity = Math.abs(line.quantity);
  return Number.isInteger(quantity) ? quantity : 1;
}
