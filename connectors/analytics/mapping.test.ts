import { describe, expect, it } from 'vitest';
import { toFoundRecords, toMatomoVisit, toRecord, toVisitKey, visitKeysAnswer, visitsAnswer, type MatomoVisit } from './mapping.js';

/** Checks rows against the documented schema, then normalizes them, as the client does. */
const visitsOf = (body: unknown) => visitsAnswer.parse(body).map(toMatomoVisit);
const keysOf = (body: unknown) => visitKeysAnswer.parse(body).map(toVisitKey);

/** A parsed visit with what a test does not care about filled in. */
function parsedVisit(fields: Partial<MatomoVisit> & Pick<MatomoVisit, 'idVisit'>): MatomoVisit {
  return {
    visitorId: 'a1b2c3d4e5f60718',
    userId: null,
    firstActionTimestamp: 1718000000,
    lastActionTimestamp: 1718000000,
    visitDuration: 0,
    deviceType: 'desktop',
    operatingSystem: null,
    browserName: null,
    referrerType: 'direct',
    referrerName: null,
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
      firstActionTimestamp: 1718000000,
      lastActionTimestamp: 1718000060,
      visitDuration: 60,
      deviceType: null,
      operatingSystem: null,
      browserName: null,
      referrerType: null,
      referrerName: null,
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
    expect(toRecord([older, latest], true)).toMatchObject({ visitCount: 250, firstVisitAt: '2024-06-09T06:13:20.000Z', lastVisitAt: '2024-06-10T06:15:00.000Z' });
    expect(toRecord([older, latest], false)).toMatchObject({ visitCount: 2, firstVisitAt: '2024-06-10T03:26:40.000Z' });
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
    const [mapped] = toRecord([visit], false).visits;
    expect(mapped!.pages).toEqual([{ url: 'https://shop.example/p/1', title: 'Boots', viewedAt: '2024-06-10T06:13:20.000Z' }]);
    expect(mapped!.productViews).toEqual([{ sku: 'B-1', name: 'Boots', category: 'Shoes', viewedAt: '2024-06-10T06:13:20.000Z' }]);
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
