/**
 * How often each messy case happens ({@link RATES}), the retailer's constants and the placeholder
 * values. docs/population.md explains each rate.
 */
import { CLASSIC_PLACEHOLDER_EMAILS } from './messy/placeholders.js';

/**
 * How often each messy case happens. Shares of persons unless said otherwise. The silo shares
 * follow from the first block (see {@link pickSilos}): CRM ~70%, loyalty ~55%, commerce 60%,
 * analytics ~64% of persons, ~14% of persons in one silo only.
 */
export const RATES = {
  /** Persons living in GB, DE, BE, ES, IT, US or CA (the rest live in France). */
  foreignCustomer: 0.14,
  /** Persons who shop online: a Shopify customer each. */
  onlineShopper: 0.6,
  /** Of online shoppers: also tracked by analytics (they log in on the site). */
  onlineShopperTracked: 0.93,
  /** Of online shoppers: also a CRM contact. */
  onlineShopperInCrm: 0.665,
  /** Of online shoppers: also a loyalty member. */
  onlineShopperInLoyalty: 0.43,
  /**
   * Persons only ever seen as anonymous visitors in analytics (they never log in: no account), one
   * device each: nothing could tell that two never-logged-in browsers are one person.
   */
  anonymousVisitor: 0.08,
  /** Of in-store-only customers (the rest): CRM and loyalty, CRM only, loyalty only. */
  inStoreBoth: 0.85,
  inStoreCrmOnly: 0.09,
  /** Of French persons outside households: a landline of their own. */
  ownLandline: 0.2,
  /** Of records with an email (CRM, loyalty, commerce): the email differs from the clean one by case or spaces. */
  emailVariant: 0.15,
  /** Of CRM persons: two CRM contacts. */
  crmDuplicate: 0.06,
  /** Of contacts: carry `hs_merged_object_ids`. */
  crmMerged: 0.03,
  /** Persons living in a household of 2 to 4 sharing one landline. */
  household: 0.04,
  /**
   * Of household members who shop in stores only and are in loyalty: signed up at the till with
   * the home line only, no email. Nothing ties such a member to the person's CRM contact:
   * unlinkable by design, kept rare (about 0.4% of members, under 0.15% of record pairs).
   */
  householdLandlineOnly: 0.2,
  /**
   * Of CRM contacts and loyalty members: a placeholder email or (CRM only) phone. Emails are drawn
   * by {@link placeholderEmail}: a quarter the classic `none@none.com`, `n/a`, `no@email.com`, the
   * rest "no email" in the clerk's or the customer's words (`no.email@`, `pas-de-mail@`,
   * `sansemail@`, `aucun@`, `keine@`, `sin_email@`, `nomail@`, `none@`... on the retailer's domain).
   */
  placeholder: 0.02,
  /** Of shop customers: the `noemail@` address the shop uses for customers created at the till. */
  commercePlaceholder: 0.01,
  /** Of loyalty persons: a reissued card (an inactive old member and an active new one). */
  reissuedCard: 0.05,
  /**
   * Of loyalty transactions that follow a purchase of the same member: a return of part of it. A
   * member's first receipt cannot be a return, so about 5% of all transactions are returns.
   */
  returnAfterPurchase: 0.06,
  /**
   * Of households with two or more shop customers tracked by analytics: a shared tablet or
   * computer on which two of them log in, one with strictly more logged-in visits (the owner, whose
   * device it is in the truth). About 0.3% of logged-in devices.
   */
  sharedDevice: 0.4,
  /**
   * Of loyalty members' emails that are the person's own: a copy-paste at the till left an
   * invisible character in it (zero-width space, or a byte order mark in front). Not in the CRM:
   * HubSpot validates addresses.
   */
  invisibleInEmail: 0.005,
  /** Of CRM contacts and loyalty members: a name (first or last) with an invisible character from a copy-paste. */
  invisibleInName: 0.005,
  /** Of records in any silo whose names have accents: the names in decomposed Unicode (NFD), as macOS and PDFs give them. */
  decomposedName: 0.02,
  /**
   * Of logged-in analytics devices: an integration sent the shop customer id as `userId` with
   * surrounding spaces or leading zeros (see messy/id-variants.ts), on the device's first
   * logged-in visits until it was fixed (sometimes on all of them).
   */
  paddedUserId: 0.01,
  /** Of loyalty members' own emails: the domain with a trailing dot (`lea1966@gmail.com.`). Not in the CRM: HubSpot validates addresses. */
  trailingDotEmail: 0.004,
  /**
   * Of shop customers whose provider ignores `+tags` (Gmail, Outlook.com, Hotmail, iCloud...):
   * signed up with a tag (`francois.masson19+shop@gmail.com`), the same mailbox as the untagged one.
   */
  plusTagEmail: 0.02,
  /**
   * Of records holding the person's own Gmail address (any silo): the dots moved or dropped
   * (`francoismasson19@gmail.com`). The hardest to find with a silo's own search, so kept rare:
   * about 0.1% of records.
   */
  gmailDots: 0.005,
  /**
   * Of foreign persons' CRM phone fields: typed as the customer dictated, in national format
   * without the country code (`349 7766351`, `07412 345678`); the contact's country is then always
   * written, so that the number can be read in it.
   */
  nationalForeignPhone: 0.2,
  /** Of CRM phone fields: the international number without its `+` (`33652947840`). */
  phoneWithoutPlus: 0.02,
  /**
   * Of US and Canadian persons in the CRM: a household line (`+1 212 736 0147`) on their contact,
   * shared with a son of the same first and last name who has only a loyalty card signed up with
   * that line, no email. Two persons; US and Canadian numbers cannot be told mobile from landline.
   */
  nanpHousehold: 0.25,

  // The journey's additions (issue 13), drawn from streams of their own (see generate.ts): a seed
  // gives every field it gave before these were added, byte for byte, plus the new ones.

  /** Of Shopify orders: a discount code applied (WELCOME10, SUMMER15, VIP20, MERCI10, FREESHIP; see commerce-promotions.ts). */
  discountCode: 0.15,
  /** Of active loyalty members who have spent 100 points or more: redeemed 1 to 3 rewards with them. */
  rewardRedeemer: 0.5,
  /** Of smartphone devices: an install of the retailer's app, tracked as Matomo's second site ({@link RETAILER.analyticsAppSiteId}). */
  appInstall: 0.3,

  // Consent (issue 15), drawn from a stream of its own (consent.ts): added fields only.

  /** Of CRM contacts: a legal basis for processing recorded (`hs_legal_basis`), drawn among HubSpot's six options. */
  crmLegalBasis: 0.85,
  /**
   * Of loyalty members: refused the data-processing agreement (`agreement3` false), the profiling
   * purpose. About 5% of persons: their personalization outputs are withheld (README, "Consent and
   * preferences").
   */
  profilingRefused: 0.1,
  /** Of shop customers with a phone: subscribed to SMS marketing (`sms_marketing_consent.state`), dated. */
  smsSubscribed: 0.3,
  /** Of shop customers with a phone: unsubscribed from SMS, dated in the later half of the account's life (a withdrawal after a grant). */
  smsUnsubscribed: 0.1,
  /** Of shop customers with a phone: a double opt-in still pending confirmation (no consent yet). */
  smsPending: 0.05,
  /**
   * Of CRM contacts with an email: a status of the `Marketing Information` subscription in
   * HubSpot's communication preferences, dated between the contact's creation and last update.
   * An opted-out contact's is `NOT_SUBSCRIBED`; the others' `NOT_SUBSCRIBED` at
   * {@link RATES.crmUnsubscribed} (an unsubscription), else `SUBSCRIBED`.
   */
  crmSubscriptionStatus: 0.5,
  crmUnsubscribed: 0.2,
} as const;

/** The fictional retailer: its name, web domain and site, currency, Open Loyalty store code and Matomo site ids. */
export const RETAILER = {
  name: 'Maison Cassel',
  domain: 'maison-cassel.fr',
  site: 'https://www.maison-cassel.fr',
  currency: 'EUR',
  loyaltyStoreCode: 'DEFAULT',
  analyticsSiteId: 1,
  /** The app's Matomo site (a measurable of type `mobileapp`), beside the website's. */
  analyticsAppSiteId: 2,
} as const;

/**
 * The classic placeholders clerks type to get past a required field, and the shop's own till
 * address. Shared by many persons: never an identity. The generator also writes "no email" in
 * words ({@link placeholderEmail}); {@link isPlaceholderEmail} knows them all.
 */
export const PLACEHOLDER_EMAILS: readonly string[] = [`noemail@${RETAILER.domain}`, ...CLASSIC_PLACEHOLDER_EMAILS];

/** Placeholder phones clerks type into HubSpot's free-text phone fields: shared by many, never an identity. */
export const PLACEHOLDER_PHONES: readonly string[] = ['0000000000', '+33000000000', 'n/a', '1111111111'];
