import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../shared/simulator.js';
import { MESSAGES } from './matomo.js';
import { createAnalyticsSimulator, type AnalyticsSimulatorOptions } from './simulator.js';
import { NOW, SITE_ID, populationOf, visitOf, visitorIdOf } from './test-population.js';

const TOKEN = '0123456789abcdef0123456789abcdef';
const DAY = 86_400;
const anna = visitorIdOf('anna');
const ben = visitorIdOf('ben');
const visits = [
  visitOf({ idVisit: 1, visitorId: anna, start: NOW - 5 * DAY, pages: [{ path: '/p/1', sku: 'S-1', name: 'Boots', category: 'shoes' }] }),
  visitOf({ idVisit: 2, visitorId: anna, userId: '5001', start: NOW - 3 * DAY }),
  visitOf({ idVisit: 3, visitorId: ben, userId: '5002', start: NOW - 4 * DAY }),
  visitOf({ idVisit: 4, visitorId: ben, userId: '5001', start: NOW - DAY }),
];

interface Call {
  query?: Record<string, string>;
  form?: Record<string, string>;
  method?: 'GET' | 'POST';
}

/** Starts a simulator for the tests of a `describe`, and calls it like a Matomo client would. */
function matomo(options: Partial<AnalyticsSimulatorOptions> = {}) {
  let simulator: Simulator;
  let baseUrl = '';
  beforeAll(async () => {
    simulator = createAnalyticsSimulator({ population: populationOf(visits), tokenAuth: TOKEN, ...options });
    baseUrl = await simulator.listen();
  });
  afterAll(() => simulator.close());

  return async function call({ query = {}, form, method = 'POST' }: Call): Promise<{ status: number; body: any }> {
    const url = `${baseUrl}/index.php?${new URLSearchParams({ module: 'API', format: 'JSON', ...query })}`;
    const init = form ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() } : {};
    const res = await fetch(url, { method, ...init });
    return { status: res.status, body: await res.json() };
  };
}

/** A Live.getLastVisitsDetails call with the token in the body. */
function lastVisits(form: Record<string, string>): Call {
  return { query: { method: 'Live.getLastVisitsDetails' }, form: { idSite: String(SITE_ID), token_auth: TOKEN, ...form } };
}

describe('Live.getLastVisitsDetails', () => {
  const call = matomo();

  it('lists visits newest first, 10 by default, paged with filter_limit and filter_offset (-1 is all)', async () => {
    expect((await call(lastVisits({}))).body.map((v: { idVisit: number }) => v.idVisit)).toEqual([4, 2, 3, 1]);
    const page = await call(lastVisits({ filter_limit: '2', filter_offset: '1' }));
    expect(page.body.map((v: { idVisit: number }) => v.idVisit)).toEqual([2, 3]);
    expect((await call(lastVisits({ filter_limit: '-1' }))).body).toHaveLength(4);
  });

  it('filters with OR (,) inside AND (;) segments of visitorId== and userId==', async () => {
    const either = await call(lastVisits({ segment: `visitorId==${anna},visitorId==${ben};userId==5001` }));
    expect(either.body.map((v: { idVisit: number }) => v.idVisit)).toEqual([4, 2]);
    const anonymous = await call(lastVisits({ segment: 'userId==' }));
    expect(anonymous.body.map((v: { idVisit: number }) => v.idVisit)).toEqual([1]);
  });

  it("adds Matomo's counters and shows product categories as Matomo 5 does", async () => {
    const { body } = await call(lastVisits({ segment: `visitorId==${anna}` }));
    expect(body[0]).toMatchObject({ idSite: SITE_ID, visitCount: 2, secondsSinceFirstVisit: 2 * DAY, actions: 1 });
    expect(body[1].actionDetails[0]).toMatchObject({ productViewSku: 'S-1', productViewCategories: ['shoes'] });
    expect(body[1].actionDetails[0]).not.toHaveProperty('productViewCategory');
  });

  it('leaves out actions with doNotFetchActions, and other columns with showColumns', async () => {
    const { body } = await call(lastVisits({ doNotFetchActions: '1', showColumns: 'idVisit,userId,actionDetails' }));
    expect(body[0]).toEqual({ idVisit: 4, userId: '5001', actionDetails: [] });
  });

  it('reads the query string and the form body alike; the query string wins a clash, as $_GET + $_POST', async () => {
    const { body } = await call({
      query: { method: 'Live.getLastVisitsDetails', idSite: String(SITE_ID), filter_limit: '1' },
      form: { token_auth: TOKEN, filter_limit: '3', segment: `visitorId==${ben}` },
    });
    expect(body.map((v: { idVisit: number }) => v.idVisit)).toEqual([4]);
  });
});

describe('errors, as Matomo 5.7+ answers them', () => {
  const call = matomo();
  const error = (status: number, message: string) => ({ status, body: { result: 'error', message } });

  it('refuses an unknown token with 401', async () => {
    expect(await call(lastVisits({ token_auth: 'nope' }))).toEqual(error(401, MESSAGES.tokenRejected));
  });

  it('refuses the right token in a URL: Matomo 5 tokens are for POST only by default', async () => {
    const inUrl = await call({ query: { method: 'API.getMatomoVersion', token_auth: TOKEN }, method: 'GET' });
    expect(inUrl).toEqual(error(401, MESSAGES.tokenRejectedInUrl));
  });

  it('refuses a request without a token, or for another site, as one without view access', async () => {
    const { token_auth: _, ...noToken } = lastVisits({}).form!;
    expect(await call({ query: { method: 'Live.getLastVisitsDetails' }, form: noToken })).toEqual(error(401, MESSAGES.noViewAccess(String(SITE_ID))));
    expect(await call(lastVisits({ idSite: '99' }))).toEqual(error(401, MESSAGES.noViewAccess('99')));
  });

  it('answers 400 with the reason for a missing idSite, an unknown method or a bad segment', async () => {
    const { idSite: _, ...noSite } = lastVisits({}).form!;
    expect(await call({ query: { method: 'Live.getLastVisitsDetails' }, form: noSite })).toEqual(error(400, MESSAGES.missingParameter('idSite')));
    expect(await call({ query: { method: 'Live.getVisitorLog' }, form: { token_auth: TOKEN } })).toEqual(
      error(400, MESSAGES.unknownMethod('Live', 'getVisitorLog')),
    );
    expect(await call(lastVisits({ segment: 'browserCode==FF' }))).toEqual(error(400, MESSAGES.unsupportedSegment('browserCode')));
    expect(await call(lastVisits({ segment: 'visitorId==ABC' }))).toEqual(error(400, MESSAGES.badVisitorId));
    expect(await call(lastVisits({ segment: 'userId' }))).toEqual(error(400, MESSAGES.invalidCondition('userId')));
  });

  it('answers the version to a good token', async () => {
    expect(await call({ query: { method: 'API.getMatomoVersion' }, form: { token_auth: TOKEN } })).toEqual({ status: 200, body: { value: expect.stringMatching(/^5\./) } });
  });
});

describe('errors, as Matomo 4 answers them: HTTP 200 and the error body', () => {
  const call = matomo({ errorStatuses: 'http-200' });

  it('answers a refused token and a bad parameter with 200', async () => {
    expect(await call(lastVisits({ token_auth: 'nope' }))).toEqual({ status: 200, body: { result: 'error', message: MESSAGES.tokenRejected } });
    const badSegment = await call(lastVisits({ segment: 'visitorId==zz' }));
    expect(badSegment).toEqual({ status: 200, body: { result: 'error', message: MESSAGES.badVisitorId } });
  });
});

describe('two sites, time filters and the other segment operators', () => {
  const APP = 4;
  const carl = visitorIdOf('carl');
  // 2025-06-10T23:30:00Z: in Pacific/Kiritimati (UTC+14) already 11 June.
  const LATE = Date.UTC(2025, 5, 10, 23, 30) / 1000;
  const twoSiteVisits = [
    visitOf({ idVisit: 1, visitorId: carl, userId: '7001', start: LATE - DAY }),
    { ...visitOf({ idVisit: 2, visitorId: carl, start: LATE, referrerType: 'campaign', referrerName: 'summer-sale' }), idSite: APP },
    visitOf({ idVisit: 3, visitorId: carl, start: LATE - 2 * DAY }),
  ];

  function twoSites(timeZone: string) {
    let simulator: Simulator;
    let baseUrl = '';
    beforeAll(async () => {
      simulator = createAnalyticsSimulator({ population: populationOf(twoSiteVisits, { appSiteId: APP }), tokenAuth: TOKEN, timeZone });
      baseUrl = await simulator.listen();
    });
    afterAll(() => simulator.close());
    return async (form: Record<string, string>): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${baseUrl}/index.php?module=API&format=JSON&method=Live.getLastVisitsDetails`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ idSite: `${SITE_ID},${APP}`, token_auth: TOKEN, ...form }).toString(),
      });
      return { status: res.status, body: await res.json() };
    };
  }

  describe('in UTC', () => {
    const call = twoSites('UTC');
    const idVisits = (answer: { body: Array<{ idVisit: number }> }) => answer.body.map((v) => v.idVisit);

    it('reads a list of sites, each row with its idSite, and refuses a site it does not serve', async () => {
      const both = await call({});
      expect(both.body.map((v: { idVisit: number; idSite: number }) => [v.idVisit, v.idSite])).toEqual([[2, APP], [1, SITE_ID], [3, SITE_ID]]);
      expect(idVisits(await call({ idSite: String(APP) }))).toEqual([2]);
      expect(await call({ idSite: `${SITE_ID},99` })).toEqual({ status: 401, body: { result: 'error', message: MESSAGES.noViewAccess('99') } });
    });

    it("sends the campaign plugin's fields, '' when the visit came from no campaign", async () => {
      const [app, web] = (await call({})).body;
      expect([app.campaignName, web.campaignName, web.campaignMedium]).toEqual(['', '', '']);
    });

    it('filters with != (an empty value: a login id is set) and on referrerType', async () => {
      expect(idVisits(await call({ segment: `visitorId==${carl};userId!=` }))).toEqual([1]);
      expect(idVisits(await call({ segment: `visitorId==${carl};referrerType==campaign` }))).toEqual([2]);
      expect(idVisits(await call({ segment: `visitorId==${carl};referrerType!=campaign` }))).toEqual([1, 3]);
    });

    it('lists oldest first with filter_sort_order=asc, and keeps visits strictly after minTimestamp', async () => {
      expect(idVisits(await call({ filter_sort_order: 'asc' }))).toEqual([3, 1, 2]);
      expect(idVisits(await call({ minTimestamp: String(LATE - DAY) }))).toEqual([2]);
    });

    it('keeps a period=range by last action, from the start of the first day to the end of the last, and serves only ranges', async () => {
      expect(idVisits(await call({ period: 'range', date: '2025-06-09,2025-06-09' }))).toEqual([1]);
      expect(idVisits(await call({ period: 'range', date: '2025-06-08,2025-06-10' }))).toEqual([2, 1, 3]);
      expect((await call({ period: 'day', date: '2025-06-09' })).status).toBe(400);
    });
  });

  describe('in Pacific/Kiritimati (UTC+14)', () => {
    const call = twoSites('Pacific/Kiritimati');

    it("reads a range's days in the zone: 23:30 UTC on 10 June is on 11 June there", async () => {
      const ids = async (date: string) => (await call({ period: 'range', date })).body.map((v: { idVisit: number }) => v.idVisit);
      expect(await ids('2025-06-10,2025-06-10')).toEqual([1]);
      expect(await ids('2025-06-11,2025-06-11')).toEqual([2]);
    });
  });
});
