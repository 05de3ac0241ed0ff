import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOURNEY_STREAMS } from '../../journey/touchpoint.js';
import { FEATURE_GROUPS, FEATURES, formatFeatureTable, silosOf } from './catalogue.js';
import { compileRule } from './compile.js';
import { clvFeatures, lifecycleFeatures, rfmFeatures, segmentFeatures } from './features.js';
import { HISTORY, NOW, PRODUCT_CATEGORIES } from './fixtures/history.js';
import { journeyFeatures } from './journey-features.js';
import { goldenConsent } from '../../golden/consent.js';
import type { LoyaltyMemberRecord } from '../../../connectors/types.js';
import { consentFeatures, loyaltyFeatures } from './record-features.js';

describe('the feature catalogue', () => {
  it('is the README’s feature table (README.md, "Segments")', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('<!-- segment-features:start -->');
    const end = readme.indexOf('<!-- segment-features:end -->');
    expect(start, 'the README marks its feature table with <!-- segment-features:start --> and <!-- segment-features:end -->').toBeGreaterThan(-1);
    expect(readme.slice(start + '<!-- segment-features:start -->'.length, end).trim()).toBe(formatFeatureTable());
  });

  it('gives the silos of streams in the schema’s order', () => {
    expect(silosOf(['analytics.visits', 'crm.contacts', 'commerce.orders'])).toEqual(['crm', 'commerce', 'analytics']);
  });

  it('has every field computed, and readable by a rule, for a customer known to every silo', () => {
    const MEMBER: LoyaltyMemberRecord = { id: 'm', cardNumber: null, email: null, phone: null, firstName: null, lastName: null, birthDate: null, address: null, tier: null, activePoints: null, active: true, marketingConsent: true, createdAt: null };
    const features = segmentFeatures({
      lifecycle: lifecycleFeatures({ stage: 'repeat' }),
      rfm: rfmFeatures({ recencyDays: 2, frequency: 4, monetary: 240, averageOrderValue: 60, recencyScore: 5, frequencyScore: 4, monetaryScore: 3 }),
      clv: clvFeatures({ value: 310.5, pAlive: 0.92 }),
      journey: journeyFeatures(HISTORY, { now: NOW, streams: JOURNEY_STREAMS, currency: 'EUR', categoryOf: (id) => PRODUCT_CATEGORIES.get(id) ?? null }),
      loyalty: loyaltyFeatures([]),
      consent: consentFeatures({ crmContacts: [], loyaltyMembers: [MEMBER], commerceCustomers: [] }, goldenConsent({ crm: [], loyalty: [MEMBER], commerce: [] })),
    });
    const unknown: string[] = [];
    for (const group of FEATURE_GROUPS) {
      for (const [name, feature] of Object.entries(FEATURES[group])) {
        if (feature.kind !== 'field') continue;
        const rule = compileRule(`has(${group}.${name})`);
        if (!rule.ok || rule.program(features) !== true) unknown.push(`${group}.${name}`);
      }
    }
    // HubSpot's opt-out and Shopify's state are unknown: no contact or shop account holds one here.
    expect(unknown).toEqual(['consent.crmEmailOptOut', 'consent.shopEmailMarketing']);
  });
});
