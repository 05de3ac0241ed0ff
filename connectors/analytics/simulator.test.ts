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
