import { describe, expect, it } from 'vitest';
import type { CommerceCustomerRecord, CrmContactRecord, LoyaltyMemberRecord } from '../../../connectors/types.js';
import { goldenConsent } from '../../golden/consent.js';
import { consentFeatures, loyaltyFeatures } from './record-features.js';

function member(id: string, fields: Partial<LoyaltyMemberRecord>): LoyaltyMemberRecord {
  return { id, cardNumber: null, email: null, phone: null, firstName: null, lastName: null, birthDate: null, address: null, tier: null, activePoints: null, active: true, marketingConsent: null, createdAt: null, ...fields };
}

function contact(id: string, emailOptOut: boolean | null): CrmContactRecord {
  return { id, email: null, additionalEmails: [], firstName: null, lastName: null, phone: null, mobilePhone: null, birthDate: null, language: null, address: null, emailOptOut, mergedContactIds: [], createdAt: null, updatedAt: null };
}

function shopper(id: string, emailMarketingConsent: string | null): CommerceCustomerRecord {
  return { id, email: null, phone: null, firstName: null, lastName: null, address: null, ordersCount: null, totalSpent: null, currency: null, emailMarketingConsent, emailMarketing: emailMarketingConsent === null ? null : { state: emailMarketingConsent, updatedAt: null }, tags: [], createdAt: null, updatedAt: null };
}

describe('loyaltyFeatures', () => {
  it('takes the tier of the active member with the most points and adds up the active members’ points', () => {
    const features = loyaltyFeatures([
      member('old', { active: false, tier: 'Platinum', activePoints: 9000 }),
      member('a', { tier: 'Silver', activePoints: 200 }),
      member('b', { tier: ' Gold ', activePoints: 1200 }),
    ]);
    expect({ ...features }).toEqual({ member: true, tier: 'Gold', points: 1400 });
  });

  it('says "not a member" with an empty tier and 0 points when no membership is active, and unknown when loyalty was not read', () => {
    expect({ ...loyaltyFeatures([member('old', { active: false, tier: 'Gold', activePoints: 50 })]) }).toEqual({ member: false, tier: '', points: 0 });
    expect({ ...loyaltyFeatures([]) }).toEqual({ member: false, tier: '', points: 0 });
    expect(Object.values(loyaltyFeatures(null)).filter((v) => v !== undefined)).toEqual([]);
  });
});

/** The features with the golden consent of the same records, as src/graphql/segments.ts builds them. */
function consentOfRecords(records: { crmContacts: CrmContactRecord[] | null; loyaltyMembers: LoyaltyMemberRecord[] | null; commerceCustomers: CommerceCustomerRecord[] | null }) {
  const golden = goldenConsent({
    crm: records.crmContacts ?? { failed: 'crm' },
    loyalty: records.loyaltyMembers ?? { failed: 'loyalty' },
    commerce: records.commerceCustomers ?? { failed: 'commerce' },
  });
  return consentFeatures(records, golden);
}

describe('consentFeatures', () => {
  it('grants email marketing on a shop subscription that no later record withdraws', () => {
    const features = consentOfRecords({ crmContacts: [contact('1', false)], loyaltyMembers: [], commerceCustomers: [shopper('9', 'subscribed')] });
    expect({ ...features }).toEqual({ crmEmailOptOut: false, shopEmailMarketing: 'subscribed', emailMarketing: true, smsMarketing: false });
  });

  it('refuses email marketing when a CRM contact opted out and nothing certainly later grants it', () => {
    const features = consentOfRecords({
      crmContacts: [contact('1', false), contact('2', true)],
      loyaltyMembers: [member('m', { marketingConsent: true })],
      commerceCustomers: [shopper('9', 'subscribed')],
    });
    expect({ ...features }).toEqual({ crmEmailOptOut: true, shopEmailMarketing: 'subscribed', loyaltyMarketing: true, emailMarketing: false, smsMarketing: true });
  });

  it('takes the most restrictive shop state of several accounts, and reads an undocumented state as not_subscribed', () => {
    expect(consentOfRecords({ crmContacts: [], loyaltyMembers: [], commerceCustomers: [shopper('1', 'subscribed'), shopper('2', 'UNSUBSCRIBED')] }).shopEmailMarketing).toBe('unsubscribed');
    expect(consentOfRecords({ crmContacts: [], loyaltyMembers: [], commerceCustomers: [shopper('1', 'pending'), shopper('2', 'redacted')] }).shopEmailMarketing).toBe('not_subscribed');
  });

  it('a refusal of one membership makes loyaltyMarketing false and withholds the marketing its agreement would grant', () => {
    expect(consentOfRecords({ crmContacts: [contact('1', null)], loyaltyMembers: [member('m', { marketingConsent: true })], commerceCustomers: [] }).emailMarketing).toBe(true);
    const split = consentOfRecords({ crmContacts: [], loyaltyMembers: [member('a', { marketingConsent: true }), member('b', { marketingConsent: false })], commerceCustomers: [] });
    expect([split.loyaltyMarketing, split.emailMarketing, split.smsMarketing]).toEqual([false, false, false]);
  });

  it('does not take a CRM contact that did not opt out as consent: without a grant, emailMarketing is false', () => {
    expect(consentOfRecords({ crmContacts: [contact('1', false)], loyaltyMembers: [], commerceCustomers: [shopper('9', 'not_subscribed')] }).emailMarketing).toBe(false);
  });

  it('leaves a flag unknown when its silo was not read, and the golden purposes unknown when a silo that may withdraw them failed', () => {
    const features = consentOfRecords({ crmContacts: [contact('1', null)], loyaltyMembers: null, commerceCustomers: [shopper('9', 'subscribed')] });
    expect({ ...features }).toEqual({ shopEmailMarketing: 'subscribed' });
  });

  it('leaves emailMarketing and smsMarketing unknown when the golden consent was not read', () => {
    expect({ ...consentFeatures({ crmContacts: [contact('1', true)], loyaltyMembers: [], commerceCustomers: [] }, null) }).toEqual({ crmEmailOptOut: true });
  });
});
