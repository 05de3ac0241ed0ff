/**
 * The population file: one JSON document holding every silo's records, each in the shape of the
 * product API its simulator speaks, plus the ground truth of who is who.
 *
 * The simulators serve these records as they are; the connectors map them to the gateway's own
 * types. Field names follow the products (HubSpot property names, Open Loyalty camelCase, Shopify
 * snake_case, Matomo visit fields) so that a population can also be written by hand from real
 * exports. docs/population.md describes every field.
 */

export const POPULATION_FORMAT_VERSION = 1;

export interface Population {
  /** Format version, {@link POPULATION_FORMAT_VERSION}. */
  version: number;
  /** Seed the generator used, or null for a hand-written file. */
  seed: number | null;
  /** When the generator ran (ISO 8601). Dates inside the population are relative to this. */
  generatedAt: string;
  crm: CrmSilo;
  loyalty: LoyaltySilo;
  commerce: CommerceSilo;
  analytics: AnalyticsSilo;
  /** One entry per real person: every record that belongs to them, in every silo. */
  truth: TruthEntry[];
}

export type SourceName = 'crm' | 'loyalty' | 'commerce' | 'analytics';

export interface TruthEntry {
  /** Stable person id, `p-<n>`. */
  person: string;
  records: Array<{ source: SourceName; id: string }>;
  /** Set when the person shares a landline with other people (a household): same value, same line. */
  household?: string;
}

// ---------------------------------------------------------------------------------------------
// CRM: HubSpot CRM v3 contacts. Property values are strings (HubSpot sends every property as a
// string or null); booleans are "true"/"false", multi-values are ";"-separated.

export interface CrmSilo {
  contacts: HubSpotContact[];
  /**
   * Subscription statuses of HubSpot's communication preferences (v4), per email address: what
   * `POST /communication-preferences/v4/statuses/batch/read?channel=EMAIL` answers. Absent in
   * files written before consent (issue 15): none.
   */
  subscriptionStatuses?: HubSpotSubscriptionStatus[];
}

/** One subscription status of an email address (HubSpot communication preferences v4 `statuses`). */
export interface HubSpotSubscriptionStatus {
  /** The email address the status is for. */
  subscriberIdString: string;
  channel: 'EMAIL';
  subscriptionId: number;
  /** The subscription type's name, e.g. `Marketing Information`. */
  subscriptionName: string;
  /** `SUBSCRIBED`, `NOT_SUBSCRIBED` (unsubscribed), or `NOT_SPECIFIED`. */
  status: 'SUBSCRIBED' | 'NOT_SUBSCRIBED' | 'NOT_SPECIFIED';
  /** What set the status, e.g. `Self Service Resubscription`, `Public status API`. */
  source: string;
  /** When the status was set (ISO 8601). */
  timestamp: string;
  /** The legal basis recorded with it, e.g. `CONSENT_WITH_NOTICE`, `LEGITIMATE_INTEREST_CLIENT`; null when none. */
  legalBasis: string | null;
  legalBasisExplanation: string | null;
}

export interface HubSpotContact {
  /** Contact id (`hs_object_id`), a numeric string. */
  id: string;
  properties: HubSpotContactProperties;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotContactProperties {
  email: string | null;
  firstname: string | null;
  lastname: string | null;
  phone: string | null;
  mobilephone: string | null;
  /** ";"-separated further emails. */
  hs_additional_emails: string | null;
  /** `YYYY-MM-DD`. */
  date_of_birth: string | null;
  /** IETF language tag, `fr`, `en`, `de`... */
  hs_language: string | null;
  address: string | null;
  city: string | null;
  zip: string | null;
  /** Country as written by whoever typed it ("France", "FR"...). */
  country: string | null;
  /** "true" when the contact opted out of all email. HubSpot keeps no date of the opt-out on the contact. */
  hs_email_optout: string | null;
  /**
   * The legal basis for processing the contact's data, ";"-separated HubSpot options
   * (`Legitimate interest – existing customer`, `Freely given consent from contact`, ...). A basis,
   * not a decision of the contact: it grants no purpose. Absent in files written before consent
   * (issue 15): unknown.
   */
  hs_legal_basis?: string | null;
  /** ";"-separated ids of contacts HubSpot merged into this one. Those ids resolve to this contact. */
  hs_merged_object_ids: string | null;
  /** ISO 8601, same as createdAt. */
  createdate: string;
  /** ISO 8601, same as updatedAt. */
  lastmodifieddate: string;
}

// ---------------------------------------------------------------------------------------------
// Loyalty: Open Loyalty members, levels (tiers) and transactions.

export interface LoyaltySilo {
  /** Open Loyalty store code, part of every API path (`/api/{storeCode}/member`). */
  storeCode: string;
  levels: OpenLoyaltyLevel[];
  members: OpenLoyaltyMember[];
  transactions: OpenLoyaltyTransaction[];
  /** Rewards members redeemed with points; absent in files written before the journey (none). */
  redemptions?: OpenLoyaltyRedemption[];
}

/**
 * A reward a member redeemed (Open Loyalty "issued reward"; its export's fields: issuedRewardId,
 * memberId, name, costInPoints, redemptionDate, status, issuedCoupon). The member is `customerId`,
 * as the API names a member on transactions (the export writes memberId for both). The loyalty
 * simulator serves them at `GET /api/{storeCode}/redemption`; a `cancelled` one is no journey
 * touchpoint (connectors/loyalty/README.md, "Journey reads").
 */
export interface OpenLoyaltyRedemption {
  issuedRewardId: string;
  /** The member who redeemed it. */
  customerId: string;
  rewardId: string;
  /** The reward's name, e.g. `10 EUR voucher`. */
  name: string;
  costInPoints: number;
  redemptionDate: string;
  status: 'pending' | 'fulfilled' | 'cancelled';
  /** The coupon the redemption issued, if the reward is a coupon. */
  issuedCoupon: { code: string } | null;
  /** Where it was redeemed (store name), when known. */
  purchasePlace: string | null;
}

export interface OpenLoyaltyLevel {
  levelId: string;
  name: string;
  /** Points from which the level applies. */
  conditionValue: number;
}

export interface OpenLoyaltyMember {
  /** Member id, a UUID (Open Loyalty calls it customerId). */
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** Open Loyalty validates phones at sign-up: stored in international format, `+33612345678`. */
  phone: string | null;
  loyaltyCardNumber: string | null;
  birthDate: string | null;
  address: OpenLoyaltyAddress | null;
  levelId: string;
  activePoints: number;
  /** False for a deactivated membership, for example the old account of a reissued card. */
  active: boolean;
  /** Terms accepted. */
  agreement1: boolean;
  /** Marketing consent. Open Loyalty keeps no date of it: the member's `updatedAt` bounds it. */
  agreement2: boolean;
  /**
   * The data-processing agreement: the member agreed that the program processes their data to
   * personalize (profiling). Absent in files written before consent (issue 15): unknown.
   */
  agreement3?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OpenLoyaltyAddress {
  street: string | null;
  postal: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
}

export interface OpenLoyaltyTransaction {
  transactionId: string;
  /** The member the transaction is matched to. */
  customerId: string;
  header: {
    documentNumber: string;
    documentType: 'sell' | 'return';
    purchasedAt: string;
    /** Store name or code. */
    purchasePlace: string;
  };
  items: Array<{
    sku: { code: string };
    name: string;
    quantity: number;
    /** Gross value of the line (unit price x quantity). */
    grossValue: number;
    category: string;
    maker: string | null;
  }>;
  grossValue: number;
  currency: string;
}

// ---------------------------------------------------------------------------------------------
// E-commerce: Shopify Admin REST customers, orders, products.

export interface CommerceSilo {
  /** The shop's currency, ISO 4217. */
  currency: string;
  customers: ShopifyCustomer[];
  orders: ShopifyOrder[];
  products: ShopifyProduct[];
}

export interface ShopifyCustomer {
  id: number;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  /** Shopify validates phones: E.164. */
  phone: string | null;
  created_at: string;
  updated_at: string;
  orders_count: number;
  /** Decimal string, as Shopify sends money. */
  total_spent: string;
  currency: string;
  state: 'enabled' | 'disabled' | 'invited' | 'declined';
  verified_email: boolean;
  /** Comma-separated. */
  tags: string;
  default_address: ShopifyAddress | null;
  email_marketing_consent: {
    state: 'subscribed' | 'not_subscribed' | 'unsubscribed' | 'pending';
    opt_in_level: 'single_opt_in' | 'confirmed_opt_in' | 'unknown' | null;
    consent_updated_at: string | null;
  } | null;
  /**
   * SMS marketing consent of the customer's phone (Shopify `sms_marketing_consent`); null without
   * a phone. Absent in files written before consent (issue 15): the simulator then serves
   * `not_subscribed` for a customer with a phone, undated.
   */
  sms_marketing_consent?: ShopifySmsMarketingConsent | null;
}

/** Shopify's `sms_marketing_consent` (Admin REST Customer resource). */
export interface ShopifySmsMarketingConsent {
  state: 'subscribed' | 'not_subscribed' | 'unsubscribed' | 'pending';
  opt_in_level: 'single_opt_in' | 'confirmed_opt_in' | 'unknown' | null;
  /** When the state last changed (ISO 8601); null when it never did. */
  consent_updated_at: string | null;
  /** Who collected it: `SHOPIFY` (checkout, customer account) or `OTHER` (an app, an import). */
  consent_collected_from: 'SHOPIFY' | 'OTHER';
}

export interface ShopifyAddress {
  address1: string | null;
  city: string | null;
  zip: string | null;
  country_code: string | null;
}

export interface ShopifyOrder {
  id: number;
  /** `#1001`. */
  name: string;
  email: string | null;
  created_at: string;
  processed_at: string;
  total_price: string;
  currency: string;
  financial_status: 'paid' | 'pending' | 'refunded' | 'partially_refunded';
  customer: { id: number } | null;
  line_items: ShopifyLineItem[];
  /** The discount codes applied (Shopify `discount_codes`); absent in files written before the journey (none). */
  discount_codes?: ShopifyDiscountCode[];
  /** Refunds on the order (Shopify `refunds`); absent means none. */
  refunds?: ShopifyRefund[];
}

export interface ShopifyDiscountCode {
  code: string;
  /** Decimal string: the amount the code took off. */
  amount: string;
  type: 'percentage' | 'fixed_amount' | 'shipping';
}

export interface ShopifyRefund {
  id: number;
  created_at: string;
  /** The money movements of the refund; `amount` is a decimal string. */
  transactions: Array<{ id: number; amount: string; kind: 'refund'; status: 'success' | 'failure' | 'pending' }>;
}

export interface ShopifyLineItem {
  id: number;
  product_id: number;
  title: string;
  quantity: number;
  /** Unit price, decimal string. */
  price: string;
  sku: string;
}

export interface ShopifyProduct {
  id: number;
  title: string;
  /** The product's category. */
  product_type: string;
  vendor: string;
}

// ---------------------------------------------------------------------------------------------
// Analytics: Matomo visits, as the Live API reports them.

export interface AnalyticsSilo {
  /** Matomo site id (`idSite`) of the website. */
  siteId: number;
  /** Matomo site id of the mobile app (a second site of type `mobileapp`); absent when the app is not tracked. */
  appSiteId?: number;
  visits: MatomoVisit[];
}

export interface MatomoVisit {
  idVisit: number;
  /** The site the visit was on (`idSite`): the website's or the app's; absent means the website. */
  idSite?: number;
  /** 16 lowercase hexadecimal characters: one browser or app install. */
  visitorId: string;
  /** Login id sent by the site once the visitor logged in: the shop customer id as a string. */
  userId: string | null;
  /** Unix seconds. */
  firstActionTimestamp: number;
  lastActionTimestamp: number;
  /** Seconds. */
  visitDuration: number;
  deviceType: 'desktop' | 'smartphone' | 'tablet' | 'phablet';
  operatingSystem: string;
  browserName: string;
  referrerType: 'direct' | 'search' | 'website' | 'campaign' | 'social';
  referrerName: string | null;
  /** MarketingCampaignsReporting fields of a campaign visit (`''` when absent, as Matomo sends them). */
  campaignName?: string;
  campaignSource?: string;
  campaignMedium?: string;
  actionDetails: MatomoAction[];
}

export interface MatomoAction {
  type: 'action';
  url: string;
  pageTitle: string | null;
  /** Unix seconds. */
  timestamp: number;
  /** Set on product pages (Matomo e-commerce product view). */
  productViewSku?: string;
  productViewName?: string;
  productViewCategory?: string;
  productViewPrice?: number;
}
