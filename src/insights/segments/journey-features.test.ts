import { describe, expect, it } from 'vitest';
import { summarizeJourney } from '../../journey/summary.js';
import { JOURNEY_STREAMS, type JourneyStream } from '../../journey/touchpoint.js';
import { HISTORY, NOW, onlineOrder, PRODUCT_CATEGORIES, visit } from './fixtures/history.js';
import { JourneyFeatures, journeyFeatures, type JourneyFeatureOptions } from './journey-features.js';

const options: JourneyFeatureOptions = { now: NOW, streams: JOURNEY_STREAMS, currency: 'EUR', categoryOf: (id) => PRODUCT_CATEGORIES.get(id) ?? null };
const all = journeyFeatures(HISTORY, options);

describe('journeyFeatures: the figures', () => {
  it('counts the whole history as the journey summary does (purchases, returns, net spend, channels, devices)', () => {
    expect({
      touchpoints: all.touchpoints,
      channels: all.channels,
      devices: all.devices,
      purchases: all.purchases,
      returns: all.returns,
      totalSpend: all.totalSpend,
      currency: all.currency,
    }).toEqual({
      touchpoints: 11n,
      channels: ['store', 'web', 'app', 'email', 'campaign'],
      devices: 3n,
      purchases: 5n,
      returns: 2n,
      totalSpend: 240,
      currency: 'EUR',
    });
  });

  it('counts each kind, the favourite store and categories, and the days since the first purchase and the last visit', () => {
    expect({
      storePurchases: all.storePurchases,
      onlineOrders: all.onlineOrders,
      webVisits: all.webVisits,
      appVisits: all.appVisits,
      campaignVisits: all.campaignVisits,
      favouriteStore: all.favouriteStore,
      favouriteCategories: all.favouriteCategories,
      daysSinceFirstPurchase: all.daysSinceFirstPurchase,
      daysSinceLastVisit: all.daysSinceLastVisit,
    }).toEqual({
      storePurchases: 3n,
      onlineOrders: 2n,
      webVisits: 1n,
      appVisits: 1n,
      campaignVisits: 1n,
      favouriteStore: 'Lyon Part-Dieu',
      favouriteCategories: ['beauty', 'outerwear', 'shoes', 'tops'],
      daysSinceFirstPurchase: 365n,
      daysSinceLastVisit: 1n,
    });
  });

  it('counts no purchase and no spend for a voided order, in the whole history and in a window, as the journey summary does', () => {
    const voided = { ...onlineOrder('v1', 3, 70, 0, []), financialStatus: 'voided' };
    const withVoided = journeyFeatures([...HISTORY, voided], options);
    expect([withVoided.purchases, withVoided.totalSpend, withVoided.purchasesInLast(30n), withVoided.spendInLast(30n)]).toEqual([
      all.purchases,
      all.totalSpend,
      all.purchasesInLast(30n),
      all.spendInLast(30n),
    ]);
    expect(summarizeJourney([...HISTORY, voided], { currency: 'EUR' }).purchases).toBe(Number(all.purchases));
  });

  it('takes the journey summary’s figures when the caller has them, instead of computing them again', () => {
    const figures = summarizeJourney(HISTORY, { currency: 'EUR', categoryOf: options.categoryOf });
    const features = journeyFeatures(HISTORY, { ...options, figures: { ...figures, purchases: 42 } });
    expect([features.purchases, features.storePurchases, features.totalSpend]).toEqual([42n, 3n, 240]);
  });

  it('gives an empty history known zeros and empty texts, and leaves the days since unknown', () => {
    const none = journeyFeatures([], { ...options, currency: null });
    expect([none.purchases, none.totalSpend, none.currency, none.favouriteStore, none.channels]).toEqual([0n, 0, '', '', []]);
    expect(none.daysSinceFirstPurchase).toBeUndefined();
    expect(none.daysSinceLastVisit).toBeUndefined();
    expect(none.purchasesInLast(30n)).toBe(0n);
    expect(none.spendInLast(30n)).toBe(0);
  });
});

describe('journeyFeatures: the windows', () => {
  it('counts purchases strictly after the window start: the order exactly 365 days ago is in a 366-day window only', () => {
    expect([all.purchasesInLast(30n), all.purchasesInLast(365n), all.purchasesInLast(366n)]).toEqual([2n, 4n, 5n]);
    expect([all.storePurchasesInLast(60n), all.onlineOrdersInLast(7n), all.onlineOrdersInLast(1n)]).toEqual([2n, 1n, 0n]);
  });

  it('nets spend in a window as totalSpend does: purchases minus returns and refunds', () => {
    expect(all.spendInLast(30n)).toBe(160);
    expect(all.spendInLast(3650n)).toBe(240);
  });

  it('counts visits and campaign visits, and matches a campaign by name in any case', () => {
    expect([all.visitsInLast(30n), all.visitsInLast(90n), all.campaignVisitsInLast(30n)]).toEqual([2n, 3n, 1n]);
    expect([all.visitedFromCampaign('Black-Friday', 30n), all.visitedFromCampaign('black-friday', 7n), all.visitedFromCampaign('soldes-ete', 30n)]).toEqual([true, false, false]);
  });

  it('tells a category bought (not a return, not a fully refunded order) and viewed in a window, in any case', () => {
    expect([all.boughtCategory('SHOES', 30n), all.boughtCategory('shoes', 11n), all.boughtCategory('outerwear', 3n), all.boughtCategory('outerwear', 1n)]).toEqual([true, false, true, false]);
    expect([all.boughtCategory('kids', 3650n), all.boughtCategory('tops', 30n), all.boughtCategory('tops', 100n)]).toEqual([false, false, true]);
    expect([all.viewedCategory('shoes', 2n), all.viewedCategory('home', 30n), all.viewedCategory('home', 90n), all.viewedCategory('kids', 30n)]).toEqual([true, false, true, true]);
  });

  it('refuses a window outside 1 to 3650 days, naming the method', () => {
    expect(() => all.purchasesInLast(0n)).toThrow(new RangeError('journey.purchasesInLast: days must be from 1 to 3650, got 0.'));
    expect(() => all.viewedCategory('shoes', 3651n)).toThrow(new RangeError('journey.viewedCategory: days must be from 1 to 3650, got 3651.'));
  });

  it('counts a product view at its own time, not its visit’s', () => {
    const late = visit('v9', 40, { visitorId: 'dddd000000000004', type: null, operatingSystem: null, browser: null }, 'webVisit', [{ category: 'bags', days: 5 }]);
    const features = journeyFeatures([late], options);
    expect([features.viewedCategory('bags', 6n), features.visitsInLast(6n)]).toEqual([true, 0n]);
  });
});

describe('journeyFeatures: what is unknown', () => {
  const without = (left: JourneyStream[]): JourneyFeatures => journeyFeatures(HISTORY, { ...options, streams: JOURNEY_STREAMS.filter((s) => !left.includes(s)) });

  it('leaves the visit features unknown when the visits were not read, and keeps the purchase ones', () => {
    const features = without(['analytics.visits']);
    expect([features.webVisits, features.devices, features.daysSinceLastVisit, features.channels, features.touchpoints]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(features.purchases).toBe(5n);
    expect(() => features.visitsInLast(30n)).toThrow('journey.visitsInLast is unknown: the silos it needs were not read.');
    expect(features.purchasesInLast(30n)).toBe(2n);
  });

  it('leaves the purchase features unknown when the online orders were not read, and the store ones known', () => {
    const features = without(['commerce.orders']);
    expect([features.purchases, features.totalSpend, features.onlineOrders]).toEqual([undefined, undefined, undefined]);
    expect([features.storePurchases, features.favouriteStore]).toEqual([3n, 'Lyon Part-Dieu']);
    expect(() => features.purchasesInLast(30n)).toThrow('journey.purchasesInLast is unknown: the silos it needs were not read.');
    expect(features.storePurchasesInLast(30n)).toBe(1n);
  });

  it('leaves the category features unknown without the shop’s product categories when an order has a product', () => {
    const features = journeyFeatures(HISTORY, { ...options, categoryOf: undefined });
    expect(features.favouriteCategories).toBeUndefined();
    expect(() => features.boughtCategory('shoes', 30n)).toThrow('journey.boughtCategory is unknown: the silos it needs were not read.');
    expect(features.viewedCategory('shoes', 30n)).toBe(true);
  });

  it('has every feature unknown when built without a history', () => {
    const empty = new JourneyFeatures();
    expect(Object.values(empty).filter((v) => v !== undefined)).toEqual([]);
    expect(() => empty.spendInLast(30n)).toThrow('journey.spendInLast is unknown: the silos it needs were not read.');
  });
});
