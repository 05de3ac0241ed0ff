/**
 * The `loyalty` and `consent` features of a customer (pure), from their silo records: the loyalty
 * members (Open Loyalty), the CRM contacts (HubSpot) and the shop customers (Shopify). A customer
 * may have several records in one silo (an old and a new card, a duplicate contact): each
 * feature says how it reads them. A silo whose records were not read is passed as null: its
 * features are then unknown; an empty list is a silo read that holds no record of the customer.
 *
 * Consent: `emailMarketing` and `smsMarketing` are the golden consent (src/golden/consent.ts, the
 * same decision `Customer.consent` answers); the other features are the raw flags one silo holds:
 * HubSpot's `hs_email_optout` (`CrmContact.emailOptOut`), Shopify's
 * `email_marketing_consent.state` (`CommerceCustomer.emailMarketingConsent`) and Open
 * Loyalty's `agreement2` (`LoyaltyMember.marketingConsent`).
 */
import type { CommerceCustomerRecord, CrmContactRecord, LoyaltyMemberRecord } from '../../../connectors/types.js';
import type { ConsentPurpose, PurposeConsent } from '../../golden/consent.js';
import { SHOP_EMAIL_CONSENT_STATES } from './catalogue.js';
import { ConsentFeatures, LoyaltyFeatures } from './features.js';

/**
 * The `loyalty` group from the customer's members. `member`: one is active; `tier`: the active
 * member's with the most points (a reissued card deactivates the old one), `""` without one;
 * `points`: the active members' points added up, 0 without one. Null members: all unknown.
 */
export function loyaltyFeatures(members: readonly LoyaltyMemberRecord[] | null): LoyaltyFeatures {
  const features = new LoyaltyFeatures();
  if (members === null) return features;
  const active = members.filter((m) => m.active);
  let current: LoyaltyMemberRecord | undefined;
  for (const member of active) if (current === undefined || (member.activePoints ?? 0) > (current.activePoints ?? 0)) current = member;
  features.member = active.length > 0;
  features.tier = current?.tier?.trim() ?? '';
  features.points = active.reduce((sum, m) => sum + (Number.isFinite(m.activePoints) ? (m.activePoints ?? 0) : 0), 0);
  return features;
}

/** The customer's records in the three silos that hold consent; null for a silo not read. */
export interface ConsentRecords {
  crmContacts: readonly CrmContactRecord[] | null;
  loyaltyMembers: readonly LoyaltyMemberRecord[] | null;
  commerceCustomers: readonly CommerceCustomerRecord[] | null;
}

/**
 * Shopify's states from the most restrictive to the least: with several shop accounts, the
 * most restrictive one is the customer's. A state outside the four documented ones (Shopify
 * also has `redacted` and `invalid`) reads as `not_subscribed`: no consent is recorded.
 */
const SHOP_STATE_ORDER: readonly string[] = ['unsubscribed', 'not_subscribed', 'pending', 'subscribed'];

/**
 * The `consent` group:
 * - `emailMarketing`, `smsMarketing`: the golden consent of the purpose is `granted` (true) or
 *   not (false: denied, or no decision); unknown when a silo that may hold a decision failed
 *   and no denial settles it (the golden status is then `unknown` with unavailable sources);
 *   unknown too when `golden` is null (not read);
 * - `crmEmailOptOut`: a contact opted out (true wins); unknown when no contact holds the flag;
 * - `shopEmailMarketing`: the most restrictive state of the shop accounts; unknown when none holds one;
 * - `loyaltyMarketing`: every member that says agreed (one refusal is false); unknown when none says.
 */
export function consentFeatures(records: ConsentRecords, golden: readonly PurposeConsent[] | null): ConsentFeatures {
  const features = new ConsentFeatures();
  const optOuts = records.crmContacts?.flatMap((c) => (typeof c.emailOptOut === 'boolean' ? [c.emailOptOut] : []));
  if (optOuts !== undefined && optOuts.length > 0) features.crmEmailOptOut = optOuts.includes(true);

  const states = records.commerceCustomers?.flatMap((c) => (c.emailMarketingConsent?.trim() ? [shopState(c.emailMarketingConsent)] : []));
  if (states !== undefined && states.length > 0) {
    features.shopEmailMarketing = states.reduce((a, b) => (SHOP_STATE_ORDER.indexOf(a) <= SHOP_STATE_ORDER.indexOf(b) ? a : b));
  }

  const agreements = records.loyaltyMembers?.flatMap((m) => (typeof m.marketingConsent === 'boolean' ? [m.marketingConsent] : []));
  if (agreements !== undefined && agreements.length > 0) features.loyaltyMarketing = !agreements.includes(false);

  if (golden !== null) {
    features.emailMarketing = grantedOrUnknown(golden, 'emailMarketing');
    features.smsMarketing = grantedOrUnknown(golden, 'smsMarketing');
  }
  return features;
}

function grantedOrUnknown(golden: readonly PurposeConsent[], purpose: ConsentPurpose): boolean | undefined {
  const consent = golden.find((c) => c.purpose === purpose);
  if (consent === undefined) return undefined;
  if (consent.status === 'unknown' && consent.unavailableSources.length > 0) return undefined;
  return consent.status === 'granted';
}

function shopState(state: string): string {
  const lower = state.trim().toLowerCase();
  return SHOP_EMAIL_CONSENT_STATES.includes(lower) ? lower : 'not_subscribed';
}
