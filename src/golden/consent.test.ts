import { describe, expect, it } from 'vitest';
import type { CommerceCustomerRecord, CrmContactRecord, LoyaltyMemberRecord } from '../../connectors/types.js';
import { consentDecisions, decidePurpose, goldenConsent, marketingChannels, profilingAllowed, type ConsentDecision } from './consent.js';

function decision(status: ConsentDecision['status'], source: ConsentDecision['source'], recordId: string, decidedAt: string | null, notAfter: string | null = null): ConsentDecision {
  return { purpose: 'emailMarketing', status, source, recordId, decidedAt, notAfter, evidence: status };
}

function contact(id: string, emailOptOut: boolean | null, updatedAt: string | null): CrmContactRecord {
  return { id, email: null, additionalEmails: [], firstName: null, lastName: null, phone: null, mobilePhone: null, birthDate: null, language: null, address: null, emailOptOut, mergedContactIds: [], createdAt: null, updatedAt };
}

function member(id: string, marketing: boolean | null, processing: boolean | null, updatedAt: string | null): LoyaltyMemberRecord {
  return { id, cardNumber: null, email: null, phone: null, firstName: null, lastName: null, birthDate: null, address: null, tier: null, activePoints: null, active: true, marketingConsent: marketing, dataProcessingConsent: processing, createdAt: null, updatedAt };
}

function shopper(id: string, email: [string, string | null] | null, sms: [string, string | null] | null, updatedAt = '2026-01-01T00:00:00.000Z'): CommerceCustomerRecord {
  const consent = (c: [string, string | null] | null) => (c === null ? null : { state: c[0], optInLevel: null, updatedAt: c[1], collectedFrom: null });
  return { id, email: null, phone: null, firstName: null, lastName: null, address: null, ordersCount: null, totalSpent: null, currency: null, emailMarketingConsent: email?.[0] ?? null, emailMarketing: consent(email), smsMarketing: consent(sms), tags: [], createdAt: null, updatedAt };
}

describe('decidePurpose: the most recent explicit decision wins', () => {
  it('takes the most recent dated decision: a grant after a withdrawal grants', () => {
    const result = decidePurpose('emailMarketing', [decision('denied', 'commerce', '1', '2024-01-01T00:00:00Z'), decision('granted', 'commerce', '2', '2025-01-01T00:00:00Z')]);
    expect([result.status, result.decision?.recordId, result.losers.map((l) => [l.decision.recordId, l.reason])]).toEqual(['granted', '2', [['1', 'older']]]);
  });

  it('never lets an older grant override a withdrawal', () => {
    const result = decidePurpose('emailMarketing', [decision('granted', 'commerce', '1', '2025-06-01T00:00:00Z'), decision('denied', 'commerce', '2', '2025-06-02T00:00:00Z')]);
    expect([result.status, result.decision?.recordId, result.losers[0]?.reason]).toEqual(['denied', '2', 'older']);
  });

  it('lets a withdrawal win a tie: the same instant', () => {
    const at = '2025-06-01T10:00:00Z';
    // The grant's record id sorts first: only the rule, not the tie-break, makes the withdrawal win.
    const result = decidePurpose('emailMarketing', [decision('granted', 'commerce', '1', at), decision('denied', 'commerce', '2', at)]);
    expect([result.status, result.decision?.recordId, result.losers[0]?.reason]).toEqual(['denied', '2', 'withdrawalWins']);
    expect(result.losers[0]?.detail).toBe('It cannot be placed after the withdrawal (commerce:2 denied, at 2025-06-01T10:00:00Z): a withdrawal wins any doubt.');
  });

  it('lets an undated withdrawal win a grant it may follow, and lose to a grant certainly after it', () => {
    const undatedDenial = decision('denied', 'crm', '101', null, '2025-03-01T00:00:00Z');
    const overlapping = decidePurpose('emailMarketing', [undatedDenial, decision('granted', 'commerce', '9', '2025-02-01T00:00:00Z')]);
    expect([overlapping.status, overlapping.decision?.recordId]).toEqual(['denied', '101']);
    const later = decidePurpose('emailMarketing', [undatedDenial, decision('granted', 'commerce', '9', '2025-04-01T00:00:00Z')]);
    expect([later.status, later.decision?.recordId, later.losers[0]?.reason]).toEqual(['granted', '9', 'older']);
  });

  it('lets any undated withdrawal win when its record has no date at all', () => {
    const result = decidePurpose('emailMarketing', [decision('denied', 'crm', '101', null, null), decision('granted', 'commerce', '9', '2026-01-01T00:00:00Z')]);
    expect(result.status).toBe('denied');
  });

  it('is unknown without an explicit decision', () => {
    expect(decidePurpose('profiling', [])).toEqual({ purpose: 'profiling', status: 'unknown', decision: null, losers: [], unavailableSources: [] });
  });

  it('makes a grant unknown when a silo that may hold a withdrawal failed, and keeps a denial', () => {
    const grant = decidePurpose('emailMarketing', [decision('granted', 'commerce', '9', '2026-01-01T00:00:00Z')], ['crm']);
    expect([grant.status, grant.decision?.recordId, grant.unavailableSources]).toEqual(['unknown', '9', ['crm']]);
    expect(decidePurpose('emailMarketing', [decision('denied', 'commerce', '9', '2026-01-01T00:00:00Z')], ['crm']).status).toBe('denied');
  });
});

describe('consentDecisions: what each silo holds', () => {
  it('reads a HubSpot opt-out as an undated withdrawal, and its false default as no decision', () => {
    expect(consentDecisions({ crm: [contact('101', true, '2025-05-05T00:00:00.000Z'), contact('102', false, null)], loyalty: [], commerce: [] })).toEqual([
      { purpose: 'emailMarketing', status: 'denied', source: 'crm', recordId: '101', decidedAt: null, notAfter: '2025-05-05T00:00:00.000Z', evidence: 'hs_email_optout = true' },
    ]);
  });

  it('reads Open Loyalty agreement2 for email and SMS, agreement3 for profiling, undated up to the member update', () => {
    const decisions = consentDecisions({ crm: [], loyalty: [member('m1', true, false, '2025-01-01T00:00:00.000Z')], commerce: [] });
    expect(decisions.map((d) => [d.purpose, d.status, d.evidence, d.notAfter])).toEqual([
      ['emailMarketing', 'granted', 'agreement2 = true', '2025-01-01T00:00:00.000Z'],
      ['smsMarketing', 'granted', 'agreement2 = true', '2025-01-01T00:00:00.000Z'],
      ['profiling', 'denied', 'agreement3 = false', '2025-01-01T00:00:00.000Z'],
    ]);
  });

  it('reads Shopify subscribed and unsubscribed as dated decisions, and not_subscribed or pending as none', () => {
    const decisions = consentDecisions({
      crm: [],
      loyalty: [],
      commerce: [shopper('9', ['subscribed', '2024-02-02T00:00:00.000Z'], ['unsubscribed', null]), shopper('10', ['not_subscribed', null], ['pending', '2024-03-03T00:00:00.000Z'])],
    });
    expect(decisions.map((d) => [d.purpose, d.status, d.recordId, d.decidedAt, d.notAfter, d.evidence])).toEqual([
      ['emailMarketing', 'granted', '9', '2024-02-02T00:00:00.000Z', null, 'email_marketing_consent.state = subscribed'],
      ['smsMarketing', 'denied', '9', null, '2026-01-01T00:00:00.000Z', 'sms_marketing_consent.state = unsubscribed'],
    ]);
  });
});

describe('consentDecisions: HubSpot communication preferences', () => {
  it('reads SUBSCRIBED and NOT_SUBSCRIBED of a contact address as dated decisions, NOT_SPECIFIED and unknown addresses as none', () => {
    const status = (email: string, s: string, timestamp: string | null) => ({ email, subscriptionId: '9001', subscriptionName: 'Marketing Information', status: s, timestamp, legalBasis: null, source: null });
    const crm = [{ ...contact('101', false, '2026-01-01T00:00:00.000Z'), email: 'Anna@Example.com' }];
    const decisions = consentDecisions({
      crm,
      crmSubscriptions: [
        status('anna@example.com', 'NOT_SUBSCRIBED', '2025-05-05T00:00:00.000Z'),
        status('anna@example.com', 'NOT_SPECIFIED', '2025-06-06T00:00:00.000Z'),
        status('other@example.com', 'SUBSCRIBED', '2025-07-07T00:00:00.000Z'),
        status('anna@example.com', 'SUBSCRIBED', null),
      ],
      loyalty: [],
      commerce: [],
    });
    expect(decisions.map((d) => [d.status, d.recordId, d.decidedAt, d.notAfter, d.evidence])).toEqual([
      ['denied', '101', '2025-05-05T00:00:00.000Z', null, 'Marketing Information = NOT_SUBSCRIBED'],
      ['granted', '101', null, '2026-01-01T00:00:00.000Z', 'Marketing Information = SUBSCRIBED'],
    ]);
  });
});

describe('goldenConsent across silos', () => {
  it('keeps a CRM opt-out over an older shop subscription, grants SMS from the shop, and leaves profiling unknown', () => {
    const consent = goldenConsent({
      crm: [contact('101', true, '2025-06-01T00:00:00.000Z')],
      loyalty: [],
      commerce: [shopper('9', ['subscribed', '2025-01-01T00:00:00.000Z'], ['subscribed', '2025-01-01T00:00:00.000Z'])],
    });
    expect(consent.map((c) => [c.purpose, c.status, c.decision && `${c.decision.source}:${c.decision.recordId}`])).toEqual([
      ['emailMarketing', 'denied', 'crm:101'],
      ['smsMarketing', 'granted', 'commerce:9'],
      ['profiling', 'unknown', null],
    ]);
    expect(marketingChannels(consent)).toEqual(['sms']);
  });

  it('names the failed silos of each purpose', () => {
    const consent = goldenConsent({ crm: [], loyalty: { failed: 'loyalty' }, commerce: [shopper('9', ['subscribed', '2025-01-01T00:00:00.000Z'], null)] });
    expect(consent.map((c) => [c.purpose, c.status, c.unavailableSources])).toEqual([
      ['emailMarketing', 'unknown', ['loyalty']],
      ['smsMarketing', 'unknown', ['loyalty']],
      ['profiling', 'unknown', ['loyalty']],
    ]);
  });
});

describe('profilingAllowed', () => {
  it('withholds on a denial only in `denied` mode, on anything but a grant in `granted` mode', () => {
    const read = (status: 'granted' | 'unknown' | 'denied') => ({ status, unavailableSources: [] });
    expect((['granted', 'unknown', 'denied'] as const).map((s) => profilingAllowed(read(s), 'denied'))).toEqual([true, true, false]);
    expect((['granted', 'unknown', 'denied'] as const).map((s) => profilingAllowed(read(s), 'granted'))).toEqual([true, false, false]);
  });

  it('fails closed: an unknown because the silo holding the decision failed withholds personalization in both modes', () => {
    const outage = { status: 'unknown' as const, unavailableSources: ['loyalty' as const] };
    expect([profilingAllowed(outage, 'denied'), profilingAllowed(outage, 'granted')]).toEqual([false, false]);
  });
});
