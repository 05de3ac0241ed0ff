import { describe, expect, it } from 'vitest';
import type { CommerceCustomerRecord, CrmContactRecord, LoyaltyMemberRecord } from '../../../connectors/types.js';
import { consentFeatures, loyaltyFeatures } from './record-features.js';

function member(id: string, fields: Partial<LoyaltyMemberRecord>): LoyaltyMemberRecord {
  return { id, cardNumber: null, email: null, phone: null, firstName: null, lastName: null, birthDate: null, address: null, tier: null, activePoints: null, active: true, marketingConsent: null, createdAt: null, ...fields };
}

function contact(id: string, emailOptOut: boolean | null): CrmContactRecord {
  return { id, email: null, additionalEmails: [], firstName: null, lastName: null, phone: null, mobilePhone: null, birthDate: null, language: null, address: null, emailOptOut, mergedContactIds: [], createdAt: null, updatedAt: null };
}

function shopper(id: string, emailMarketingConsent: string | null): CommerceCustomerRecord {
  return { id, email: null, phone: null, firstName: null, lastName: null, address: null, ordersCount: null, totalSpent: null, currency: null, emailMarketingConsent, tags: [], createdAt: null, updatedAt: null };
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

describe('consentFeatures', () => {
  it('agrees to email marketing on a shop subscription when no record refuses', () => {
    const features = consentFeatures({ crmContacts: [contact('1', false)], loyaltyMembers: [], commerceCustomers: [shopper('9', 'subscribed')] });
    expect({ ...features }).toEqual({ crmEmailOptOut: false, shopEmailMarketing: 'subscribed', emailMarketing: true });
  });

  it('refuses email marketing when a CRM contact opted out, whatever the shop and the loyalty program say', () => {
    const features = consentFeatures({
      crmContacts: [contact('1', false), contact('2', true)],
      loyaltyMembers: [member('m', { marketingConsent: true })],
      commerceCustomers: [shopper('9', 'subscribed')],
    });
    expect({ ...features }).toEqual({ crmEmailOptOut: true, shopEmailMarketing: 'subscribed', loyaltyMarketing: true, emailMarketing: false });
  });

  it('takes the most restrictive shop state of several accounts, and reads an undocumented state as not_subscribed', () => {
    expect(consentFeatures({ crmContacts: [], loyaltyMembers: [], commerceCustomers: [shopper('1', 'subscribed'), shopper('2', 'UNSUBSCRIBED')] }).shopEmailMarketing).toBe('unsubscribed');
    expect(consentFeatures({ crmContacts: [], loyaltyMembers: [], commerceCustomers: [shopper('1', 'pending'), shopper('2', 'redacted')] }).shopEmailMarketing).toBe('not_subscribed');
  });

  it('agrees on a loyalty agreement alone, but a refusal of one membership makes loyaltyMarketing false', () => {
    expect(consentFeatures({ crmContacts: [contact('1', null)], loyaltyMembers: [member('m', { marketingConsent: true })], commerceCustomers: [] }).emailMarketing).toBe(true);
    const split = consentFeatures({ crmContacts: [], loyaltyMembers: [member('a', { marketingConsent: true }), member('b', { marketingConsent: false })], commerceCustomers: [] });
    expect([split.loyaltyMarketing, split.emailMarketing]).toEqual([false, true]);
  });

  it('does not take a CRM contact that did not opt out as consent: without a yes, emailMarketing is false', () => {
    expect(consentFeatures({ crmContacts: [contact('1', false)], loyaltyMembers: [], commerceCustomers: [shopper('9', 'not_subscribed')] }).emailMarketing).toBe(false);
  });

  it('leaves each flag unknown when its silo was not read or no record holds it, and emailMarketing unknown unless all three were read', () => {
    const features = consentFeatures({ crmContacts: [contact('1', null)], loyaltyMembers: null, commerceCustomers: [shopper('9', 'subscribed')] });
    expect({ ...features }).toEqual({ shopEmailMarketing: 'subscribed' });
  });
});
