/**
 * A touchpoint as the journey computes it: the schema's `Touchpoint` (src/generated), except that
 * its lines are the connectors' purchase lines, whose category a shop line fetches only when
 * selected (codegen.yml maps `Touchpoint` to this type).
 */
import type { PurchaseLineRecord } from '../../connectors/types.js';
import type { Touchpoint } from '../generated/graphql.js';

export type TouchpointRecord = Omit<Touchpoint, '__typename' | 'items'> & {
  items: PurchaseLineRecord[];
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
