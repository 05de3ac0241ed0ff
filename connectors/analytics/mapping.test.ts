import { describe, expect, it } from 'vitest';
import { firstLoginsOf, toFoundRecords, toMatomoVisit, toRecord, toVisit, toVisitKey, visitKeysAnswer, visitsAnswer, type MatomoVisit } from './mapping.js';

/** The app is site 2; the website another. */
const SITES = { appSiteId: 2 };

/** Checks rows against the documented schema, then normalizes them, as the client does. */
const visitsOf = (body: unknown) => visitsAnswer.parse(body).map(toMatomoVisit);
const keysOf = (body: unknown) => visitKeysAnswer.parse(body).map(toVisitKey);

/** A parsed visit with what a test does not care about filled in. */
function parsedVisit(fields: Partial<MatomoVisit> & Pick<MatomoVisit, 'idVisit'>): MatomoVisit {
  return {
    visitorId: 'a1b2c3d4e5f60718',
    userId: null,
    idSite: 1,
    firstActionTimestamp: 1718000000,
    lastActionTimestamp: 1718000000,
    visitDuration: 0,
    deviceType: 'desktop',
    operatingSystem: null,
    browserName: null,
    referrerType: 'direct',
    referrerName: null,
    campaignName: null,
    campaignMedium: null,
    visitCount: null,
    secondsSinceFirstVisit: null,
    actions: [],
    ...fields,
  };
}

describe('visitsAnswer and toMatomoVisit (the documented row, normalized)', () => {
  it('reads integers sent as numbers (PHP 8.1+) and as strings (earlier PHP) alike', () => {
    const row = { idVisit: 12, visitorId: 'A1B2C3D4E5F60718', firstActionTimestamp: 1718000000, lastActionTimestamp: 1718000060, visitDuration: 60, visitCount: 2 };
    const asStrings = { ...row, idVisit: '12', firstActionTimestamp: '1718000000', lastActionTimestamp: '1718000060', visitDuration: '60', visitCount: '2' };
    const expected = {
      idVisit: '12',
      visitorId: 'a1b2c3d4e5f60718',
      userId: null,
      idSite: null,
      firstActionTimestamp: 1718000000,
      lastActionTimestamp: 1718000060,
      visitDuration: 60,
      deviceType: null,
      operatingSystem: null,
      browserName: null,
      referrerType: null,
      referrerName: null,
      campaignName: null,
      campaignMedium: null,
      visitCount: 2,
      secondsSinceFirstVisit: null,
      actions: [],
    };
    expect(visitsOf([row, asStrings])).toEqual([expected, expected]);
  });

  it('takes the first of Matomo 4+ product categories, or Matomo 3’s single one, and drops fields it does not map', () => {
    const base = { idVisit: 1, visitorId: 'a1b2c3d4e5f60718', firstActionTimestamp: 1, lastActionTimestamp: 1 };
    const [v4, v3] = visitsOf([
      { ...base, actionDetails: [{ type: 'action', url: 'https://shop.example/p', timestamp: 1, productViewSku: 'S', productViewCategories: ['Shoes', 'Trail'], pageIdAction: 9 }] },
      { ...base, actionDetails: [{ type: 'action', url: 'https://shop.example/p', timestamp: 1, productViewSku: 'S', productViewCategory: 'Boots' }] },
    ]);
    expect(v4!.actions).toEqual([{ type: 'action', url: 'https://shop.example/p', pageTitle: null, timestamp: 1, productViewSku: 'S', productViewName: null, productViewCategory: 'Shoes' }]);
    expect(v3!.actions[0]!.productViewCategory).toBe('Boots');
  });

  it('reads a userId sent as a number as text, and an empty one as none', () => {
    const key = { idVisit: '3', visitorId: 'a1b2c3d4e5f60718' };
    expect(keysOf([{ ...key, userId: 7010012916537 }, { ...key, userId: '  ' }]).map((k) => k.userId)).toEqual(['7010012916537', null]);
  });
});

describe('toRecord', () => {
  it('counts and dates a visitor cut short by Matomo’s counters on its latest visit', () => {
    const latest = parsedVisit({ idVisit: '900', firstActionTimestamp: 1718000000, lastActionTimestamp: 1718000100, visitCount: 250, secondsSinceFirstVisit: 86400 });
    const older = parsedVisit({ idVisit: '899', firstActionTimestamp: 1717990000, lastActionTimestamp: 1717990000 });
    expect(toRecord([older, latest], true, SITES, [])).toMatchObject({ visitCount: 250, firstVisitAt: '2024-06-09T06:13:20.000Z', lastVisitAt: '2024-06-10T06:15:00.000Z' });
    expect(toRecord([older, latest], false, SITES)).toMatchObject({ visitCount: 2, firstVisitAt: '2024-06-10T03:26:40.000Z' });
  });

  it('maps page views with a url and their product views, not events or outlinks', () => {
    const visit = parsedVisit({
      idVisit: '5',
      actions: [
        { type: 'action', url: 'https://shop.example/p/1', pageTitle: 'Boots', timestamp: 1718000000, productViewSku: 'B-1', productViewName: 'Boots', productViewCategory: 'Shoes' },
        { type: 'event', url: null, pageTitle: null, timestamp: 1718000010, productViewSku: null, productViewName: null, productViewCategory: null },
        { type: 'outlink', url: 'https://elsewhere.example/', pageTitle: null, timestamp: 1718000020, productViewSku: null, productViewName: null, productViewCategory: null },
      ],
    });
    const [mapped] = toRecord([visit], false, SITES).visits;
    expect(mapped!.pages).toEqual([{ url: 'https://shop.example/p/1', title: 'Boots', viewedAt: '2024-06-10T06:13:20.000Z' }]);
    expect(mapped!.productViews).toEqual([{ sku: 'B-1', name: 'Boots', category: 'Shoes', viewedAt: '2024-06-10T06:13:20.000Z' }]);
  });
});

describe('toVisit: app, campaign and times', () => {
  it('marks a visit on the app site inApp, and one on the website not', () => {
    expect(toVisit(parsedVisit({ idVisit: '1', idSite: 2 }), SITES).inApp).toBe(true);
    expect(toVisit(parsedVisit({ idVisit: '2', idSite: 1 }), SITES).inApp).toBe(false);
    expect(toVisit(parsedVisit({ idVisit: '3', idSite: 2 }), { appSiteId: null }).inApp).toBe(false);
  });

  it('takes campaignName first, else the referrer name of a campaign visit; the medium only when set', () => {
    const plugin = parsedVisit({ idVisit: '1', referrerType: 'campaign', referrerName: 'bf-2026', campaignName: 'Black Friday 2026', campaignMedium: 'email' });
    const core = parsedVisit({ idVisit: '2', referrerType: 'campaign', referrerName: 'summer-sale' });
    const search = parsedVisit({ idVisit: '3', referrerType: 'search', referrerName: 'Google' });
    expect([plugin, core, search].map((v) => toVisit(v, SITES)).map(({ campaign, campaignMedium }) => ({ campaign, campaignMedium }))).toEqual([
      { campaign: 'Black Friday 2026', campaignMedium: 'email' },
      { campaign: 'summer-sale', campaignMedium: null },
      { campaign: null, campaignMedium: null },
    ]);
  });

  it('reads the plugin’s empty campaign fields as none', () => {
    const [visit] = visitsAnswer.parse([{ idVisit: 1, visitorId: 'a1b2c3d4e5f60718', firstActionTimestamp: 1, lastActionTimestamp: 2, campaignName: '', campaignMedium: '' }]).map(toMatomoVisit);
    expect(toVisit(visit!, SITES)).toMatchObject({ campaign: null, campaignMedium: null, startedAt: '1970-01-01T00:00:01.000Z', endedAt: '1970-01-01T00:00:02.000Z' });
  });
});

describe('firstLoginsOf', () => {
  it('gives per userId its earliest visit by last action, oldest login first, skipping anonymous visits', () => {
    const visits = [
      { idVisit: '40', visitorId: 'a1b2c3d4e5f60718', userId: '5002', idSite: 2, lastActionTimestamp: 1_700_000_400 },
      { idVisit: '10', visitorId: 'a1b2c3d4e5f60718', userId: null, idSite: 1, lastActionTimestamp: 1_700_000_100 },
      { idVisit: '31', visitorId: 'a1b2c3d4e5f60718', userId: '5001', idSite: 1, lastActionTimestamp: 1_700_000_300 },
      // Same last action as 31: the smaller idVisit is the first, as Matomo's ascending order has it.
      { idVisit: '30', visitorId: 'a1b2c3d4e5f60718', userId: '5001', idSite: 1, lastActionTimestamp: 1_700_000_300 },
      { idVisit: '50', visitorId: 'a1b2c3d4e5f60718', userId: '5001', idSite: 1, lastActionTimestamp: 1_700_000_500 },
    ];
    expect(firstLoginsOf(visits, SITES)).toEqual([
      { userId: '5001', visitId: '30', at: '2023-11-14T22:18:20.000Z', inApp: false },
      { userId: '5002', visitId: '40', at: '2023-11-14T22:20:00.000Z', inApp: true },
    ]);
  });

  it('is empty for a device that never logged in', () => {
    expect(firstLoginsOf([{ idVisit: '1', visitorId: 'a1b2c3d4e5f60718', userId: null, idSite: 1, lastActionTimestamp: 1 }], SITES)).toEqual([]);
  });
});

describe('toFoundRecords', () => {
  it('gives each device its login ids with their visit counts, a visit read twice counting once', () => {
    const tablet = 'b0b0b0b0b0b0b0b0';
    const found = toFoundRecords([
      { idVisit: '1', visitorId: tablet, userId: '5001' },
      { idVisit: '2', visitorId: tablet, userId: '5002' },
      { idVisit: '3', visitorId: tablet, userId: '5001' },
      { idVisit: '3', visitorId: tablet, userId: '5001' },
      { idVisit: '4', visitorId: tablet, userId: null },
    ]);
    expect(found).toEqual([
      {
        source: 'analytics',
        id: 'b0b0b0b0b0b0b0b0',
        identifiers: [
          { type: 'analytics', value: 'b0b0b0b0b0b0b0b0' },
          { type: 'commerce', value: '5001' },
          { type: 'commerce', value: '5002' },
        ],
        loginVisits: new Map([
          ['5001', 2],
          ['5002', 1],
        ]),
      },
    ]);
  });
});
