/**
 * The consent the silos hold beyond what the first populations had (issue 15): Shopify's SMS
 * marketing consent with its date and collector, Open Loyalty's data-processing agreement
 * (`agreement3`, the profiling purpose) and HubSpot's legal basis (`hs_legal_basis`). Drawn last,
 * from a stream of its own (`consent`), and only ADDED to records: every field drawn before stays
 * what it was for a seed (identity evaluation, benchmark answers and the demo's CLV fit depend on
 * it). Rates are in {@link RATES} (the "consent" block); docs/population.md explains them.
 */
import type { CrmSilo, LoyaltySilo, CommerceSilo, HubSpotSubscriptionStatus, ShopifySmsMarketingConsent } from '../../connectors/population.js';
import { RATES } from './rates.js';
import type { Random } from './random.js';
import { iso, randomSec } from './time.js';

/**
 * HubSpot's `hs_legal_basis` options (the six bases its GDPR features offer), as the property
 * sends their labels, with how often a contact carries each (the rest: none recorded).
 */
const LEGAL_BASES: ReadonlyArray<readonly [string, number]> = [
  ['Legitimate interest – existing customer', 40],
  ['Freely given consent from contact', 25],
  ['Performance of a contract', 10],
  ['Legitimate interest – prospect/lead', 5],
  ['Legitimate interest - other', 3],
  ['Not applicable', 2],
];

/** Adds the consent fields to the silos' records, in place, in the records' order. */
export function addConsent(rng: Random, crm: CrmSilo, loyalty: LoyaltySilo, commerce: CommerceSilo, now: Date): void {
  const nowSec = Math.floor(now.getTime() / 1000);
  for (const contact of crm.contacts) {
    contact.properties.hs_legal_basis = rng.chance(RATES.crmLegalBasis) ? rng.weighted(LEGAL_BASES) : null;
  }
  for (const member of loyalty.members) {
    member.agreement3 = !rng.chance(RATES.profilingRefused);
  }
  for (const customer of commerce.customers) {
    customer.sms_marketing_consent = customer.phone === null ? null : smsConsent(rng, Date.parse(customer.created_at) / 1000, nowSec);
  }
  // Drawn last, from a stream of its own: the draws above stay what they were.
  crm.subscriptionStatuses = subscriptionStatuses(rng.fork('crm subscriptions'), crm);
}

/**
 * HubSpot's `Marketing Information` subscription statuses of the contacts' emails (communication
 * preferences v4), one per address at most, as HubSpot keeps them per address.
 */
function subscriptionStatuses(rng: Random, crm: CrmSilo): HubSpotSubscriptionStatus[] {
  const statuses = new Map<string, HubSpotSubscriptionStatus>();
  for (const contact of crm.contacts) {
    const email = contact.properties.email?.trim().toLowerCase();
    if (!email || statuses.has(email) || !rng.chance(RATES.crmSubscriptionStatus)) continue;
    const unsubscribed = contact.properties.hs_email_optout === 'true' || rng.chance(RATES.crmUnsubscribed);
    const from = Date.parse(contact.createdAt) / 1000;
    const to = Math.max(from, Date.parse(contact.updatedAt) / 1000);
    statuses.set(email, {
      subscriberIdString: email,
      channel: 'EMAIL',
      subscriptionId: MARKETING_SUBSCRIPTION.id,
      subscriptionName: MARKETING_SUBSCRIPTION.name,
      status: unsubscribed ? 'NOT_SUBSCRIBED' : 'SUBSCRIBED',
      source: unsubscribed ? 'Unsubscribe link' : rng.weighted([['Form submission', 60], ['Public status API', 30], ['Import', 10]]),
      timestamp: iso(randomSec(rng, from, to)),
      legalBasis: unsubscribed ? null : rng.weighted<string | null>([['CONSENT_WITH_NOTICE', 70], ['LEGITIMATE_INTEREST_CLIENT', 25], [null, 5]]),
      legalBasisExplanation: null,
    });
  }
  return [...statuses.values()];
}

/** The subscription type a retailer's marketing email goes out under (HubSpot's default name). */
export const MARKETING_SUBSCRIPTION = { id: 9001, name: 'Marketing Information' } as const;

function smsConsent(rng: Random, created: number, now: number): ShopifySmsMarketingConsent {
  const r = rng.next();
  const { smsSubscribed, smsUnsubscribed, smsPending } = RATES;
  const state: ShopifySmsMarketingConsent['state'] =
    r < smsSubscribed ? 'subscribed' : r < smsSubscribed + smsUnsubscribed ? 'unsubscribed' : r < smsSubscribed + smsUnsubscribed + smsPending ? 'pending' : 'not_subscribed';
  const decided = state !== 'not_subscribed';
  return {
    state,
    opt_in_level: decided ? rng.weighted<'single_opt_in' | 'confirmed_opt_in' | 'unknown'>([['single_opt_in', 55], ['confirmed_opt_in', 35], ['unknown', 10]]) : null,
    // A withdrawal comes after the subscription it ends: in the later half of the account's life.
    consent_updated_at: decided ? iso(randomSec(rng, state === 'unsubscribed' ? Math.floor((created + now) / 2) : created, now)) : null,
    consent_collected_from: rng.chance(0.8) ? 'SHOPIFY' : 'OTHER',
  };
}
