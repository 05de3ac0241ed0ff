import { describe, expect, it } from 'vitest';
import { compileRule } from './compile.js';
import { combinedNeeds, needsOf, type SegmentNeeds } from './dependencies.js';

function needs(rule: string): SegmentNeeds {
  const compiled = compileRule(rule);
  if (!compiled.ok) throw new Error(compiled.problems.join('\n'));
  return compiled.needs;
}

describe('what a rule needs, derived from the rule', () => {
  it('needs only the loyalty members for a tier-only rule', () => {
    expect(needs('loyalty.tier == "Gold"')).toEqual({
      groups: ['loyalty'],
      features: ['loyalty.tier'],
      streams: ['loyalty.members'],
      silos: ['loyalty'],
      productCategories: false,
    });
  });

  it('needs the store receipts and the online orders for a rule on purchases', () => {
    expect(needs('journey.purchasesInLast(90) >= 2')).toEqual({
      groups: ['journey'],
      features: ['journey.purchasesInLast'],
      streams: ['loyalty.transactions', 'commerce.orders'],
      silos: ['loyalty', 'commerce'],
      productCategories: false,
    });
  });

  it('needs only the analytics visits for a rule on visits and views', () => {
    expect(needs('journey.webVisits > 3 || journey.viewedCategory("shoes", 30)')).toMatchObject({
      features: ['journey.viewedCategory', 'journey.webVisits'],
      streams: ['analytics.visits'],
      silos: ['analytics'],
    });
  });

  it('needs only the store receipts for the store figures', () => {
    expect(needs('journey.favouriteStore == "Lyon Part-Dieu" && journey.storePurchases > 2')).toMatchObject({ streams: ['loyalty.transactions'], silos: ['loyalty'] });
  });

  it('needs the shop’s product categories for a rule on categories bought', () => {
    expect(needs('journey.boughtCategory("shoes", 365)')).toMatchObject({ silos: ['loyalty', 'commerce'], productCategories: true });
    expect(needs('"shoes" in journey.favouriteCategories').productCategories).toBe(true);
  });

  it('needs the three silos holding consent for the combined email consent, and the CRM alone for its opt-out', () => {
    expect(needs('consent.emailMarketing').silos).toEqual(['crm', 'loyalty', 'commerce']);
    expect(needs('!consent.crmEmailOptOut').silos).toEqual(['crm']);
  });

  it('needs the purchases for the scores computed from them (lifecycle, RFM, CLV)', () => {
    expect(needs('lifecycle.stage == "lapsed" && rfm.frequencyScore >= 4 && clv.pAlive > 0.5')).toEqual({
      groups: ['lifecycle', 'rfm', 'clv'],
      features: ['clv.pAlive', 'lifecycle.stage', 'rfm.frequencyScore'],
      streams: ['loyalty.transactions', 'commerce.orders'],
      silos: ['loyalty', 'commerce'],
      productCategories: false,
    });
  });

  it('needs every silo for the channels (each silo’s touchpoints have one)', () => {
    expect(needs('"app" in journey.channels').silos).toEqual(['crm', 'loyalty', 'commerce', 'analytics']);
  });

  it('counts a feature read through has() and .? as read', () => {
    expect(needs('has(clv.value) && clv.?pAlive.orValue(1.0) < 0.5').features).toEqual(['clv.pAlive', 'clv.value']);
  });

  it('counts every feature of a group used as a whole', () => {
    expect(needs('[loyalty].size() > 0').features).toEqual(['loyalty.member', 'loyalty.points', 'loyalty.tier']);
  });

  it('does not take a macro’s or cel.bind’s variable named like a group for the group', () => {
    expect(needs('journey.channels.exists(loyalty, loyalty == "web")').features).toEqual(['journey.channels']);
    expect(needs('cel.bind(rfm, journey.purchases, rfm > 2)').features).toEqual(['journey.purchases']);
    // Outside the macro, the group is the group again.
    expect(needs('[1, 2].exists(loyalty, loyalty > 1) && loyalty.member').features).toEqual(['loyalty.member']);
  });

  it('needs nothing for a constant rule', () => {
    expect(needs('true')).toEqual({ groups: [], features: [], streams: [], silos: [], productCategories: false });
  });
});

describe('needs of several segments', () => {
  it('is the union of their features, streams and silos', () => {
    expect(combinedNeeds([needs('loyalty.tier == "Gold"'), needs('journey.visitsInLast(7) > 0')])).toEqual({
      groups: ['journey', 'loyalty'],
      features: ['journey.visitsInLast', 'loyalty.tier'],
      streams: ['loyalty.members', 'analytics.visits'],
      silos: ['loyalty', 'analytics'],
      productCategories: false,
    });
  });

  it('refuses a feature the catalogue does not have', () => {
    expect(() => needsOf(['journey.spend'])).toThrow('needsOf: "journey.spend" is not a feature of the catalogue.');
  });
});
