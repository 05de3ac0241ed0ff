/**
 * The connector and the simulator against Matomo's documented exchanges (fixtures/, listed in
 * README.md "Contract fixtures"): the client must ask what Matomo documents and map the documented
 * answers to the right records; the simulator must answer the documented requests in the
 * documented shape.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectSourceError } from '../../test/contract/connector-contract.js';
import { loadVendorFixture, shapeDifferences, startVendorReplay, type VendorFixture, type VendorReplay } from '../../test/support/vendor-fixture.js';
import { createAnalyticsConnector, type AnalyticsConfig } from './client.js';
import { createAnalyticsSimulator } from './simulator.js';
import { NOW, SITE_ID, populationOf, visitOf } from './test-population.js';

const fixture = (name: string) => loadVendorFixture(new URL(`./fixtures/${name}.json`, import.meta.url));
const page1 = fixture('last-visits-page-1');
const page2 = fixture('last-visits-page-2');
const keysByUserId = fixture('last-visits-keys-by-user-id');
const keysByVisitorId = fixture('last-visits-keys-by-visitor-id');
const empty = fixture('last-visits-empty');
const version = fixture('matomo-version');
const tokenRefused = fixture('error-token-refused');
const tokenRefusedMatomo4 = fixture('error-token-refused-matomo-4');
const twoSites = fixture('last-visits-two-sites');
const range = fixture('last-visits-range');

/** The documented visitor, in every success fixture. */
const VISITOR = '7fe3c8a2d1b04e96';
/** The documented app install, in last-visits-two-sites.json. */
const APP_VISITOR = '3c9e1f7a5b2d4e80';
const TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

/** The form parameters of a fixture's request (`token_auth` aside: each side has its own). */
function documentedParams(f: VendorFixture): Record<string, string> {
  const { token_auth: _, ...params } = f.request.body as Record<string, string>;
  return params;
}

/** A replay of `fixtures` that also tells them apart by their form parameters, as Matomo reads them. */
async function replayOf(fixtures: VendorFixture[]): Promise<VendorReplay> {
  const replay = await startVendorReplay(fixtures, (f, request) => {
    const sent = new URLSearchParams(request.body);
    const token = (f.request.body as Record<string, string>).token_auth;
    const tokenMatches = token === 'anonymous' || sent.get('token_auth') === token;
    return tokenMatches && Object.entries(documentedParams(f)).every(([key, value]) => sent.get(key) === value);
  });
  open.push(replay);
  return replay;
}

function connectorFor(replay: VendorReplay, overrides: Partial<AnalyticsConfig> = {}) {
  const connector = createAnalyticsConnector({ baseUrl: replay.url, timeoutMs: 2000, connections: 1, siteId: 1, tokenAuth: TOKEN, ...overrides });
  open.push(connector);
  return connector;
}

/** What the client sent, as the replay server received it. */
function sent(replay: VendorReplay) {
  return replay.received.map((r) => ({ method: r.method, path: r.path, query: r.query, form: Object.fromEntries(new URLSearchParams(r.body)), answeredBy: r.answeredBy?.file ?? null }));
}

describe('the client against Matomo’s documented exchanges', () => {
  it('asks Live.getLastVisitsDetails page by page as documented, and maps the documented visits to one visitor', async () => {
    const replay = await replayOf([page1, page2]);
    const [record] = await connectorFor(replay, { limits: { visitsPerPage: 2 } }).fetchRecords([VISITOR]);

    const requests = sent(replay);
    expect(requests).toHaveLength(2);
    for (const [i, request] of requests.entries()) {
      expect(request).toMatchObject({ method: 'POST', path: '/index.php', query: { module: 'API', method: 'Live.getLastVisitsDetails', format: 'JSON' } });
      expect(request.form).toEqual({ idSite: '1', segment: `visitorId==${VISITOR}`, filter_limit: '2', filter_offset: String(i * 2), token_auth: TOKEN });
      expect(request.answeredBy).not.toBeNull();
    }
    // The token travels in the body only, as Matomo 5's "secure only" tokens require.
    expect(requests.every((r) => !('token_auth' in r.query))).toBe(true);

    expect(record).toEqual({
      id: '7fe3c8a2d1b04e96',
      userId: '5001',
      firstVisitAt: '2024-09-24T09:26:40.000Z',
      lastVisitAt: '2024-09-29T08:56:20.000Z',
      visitCount: 3,
      visits: [
        {
          id: '1843',
          startedAt: '2024-09-29T08:53:20.000Z',
          endedAt: '2024-09-29T08:56:20.000Z',
          inApp: false,
          campaign: null,
          campaignMedium: null,
          durationSeconds: 180,
          channel: 'search',
          referrer: 'Google',
          deviceType: 'smartphone',
          operatingSystem: 'Android 14',
          browser: 'Chrome Mobile',
          userId: '5001',
          pages: [
            { url: 'https://shop.example/', title: 'Shop', viewedAt: '2024-09-29T08:53:20.000Z' },
            { url: 'https://shop.example/p/trail-42', title: 'Trail 42', viewedAt: '2024-09-29T08:56:20.000Z' },
          ],
          productViews: [{ sku: 'TR-42', name: 'Trail 42', category: 'Shoes', viewedAt: '2024-09-29T08:56:20.000Z' }],
        },
        {
          id: '1790',
          startedAt: '2024-09-27T08:50:00.000Z',
          endedAt: '2024-09-27T08:50:00.000Z',
          inApp: false,
          campaign: null,
          campaignMedium: null,
          durationSeconds: 0,
          channel: 'direct',
          referrer: null,
          deviceType: 'smartphone',
          operatingSystem: 'Android 14',
          browser: 'Chrome Mobile',
          userId: null,
          pages: [{ url: 'https://shop.example/cart', title: 'Cart', viewedAt: '2024-09-27T08:50:00.000Z' }],
          productViews: [],
        },
        {
          id: '1702',
          startedAt: '2024-09-24T09:26:40.000Z',
          endedAt: '2024-09-24T09:26:40.000Z',
          inApp: false,
          campaign: 'autumn-sale',
          campaignMedium: null,
          durationSeconds: 0,
          channel: 'campaign',
          referrer: 'autumn-sale',
          deviceType: 'smartphone',
          operatingSystem: 'Android 14',
          browser: 'Chrome Mobile',
          userId: null,
          pages: [{ url: 'https://shop.example/', title: 'Shop', viewedAt: '2024-09-24T09:26:40.000Z' }],
          productViews: [],
        },
      ],
      // Its only logged-in visit, the newest: its last action is when the device became 5001's.
      firstLogins: [{ userId: '5001', visitId: '1843', at: '2024-09-29T08:56:20.000Z', inApp: false }],
    });
  });

  it('looks a login id up with userId=@ and three columns, then reads the device found by visitorId==, as documented', async () => {
    const replay = await replayOf([keysByUserId, keysByVisitorId]);
    const found = await connectorFor(replay).lookup([{ type: 'commerce', value: '5001' }]);

    const requests = sent(replay);
    expect(requests.map((r) => r.form)).toEqual([
      { idSite: '1', segment: 'userId=@5001', filter_limit: '500', filter_offset: '0', doNotFetchActions: '1', showColumns: 'idVisit,visitorId,userId', token_auth: TOKEN },
      { idSite: '1', segment: `visitorId==${VISITOR}`, filter_limit: '500', filter_offset: '0', doNotFetchActions: '1', showColumns: 'idVisit,visitorId,userId', token_auth: TOKEN },
    ]);
    expect(requests.map((r) => r.answeredBy)).not.toContain(null);

    expect(found).toEqual([
      {
        source: 'analytics',
        id: '7fe3c8a2d1b04e96',
        identifiers: [
          { type: 'analytics', value: '7fe3c8a2d1b04e96' },
          { type: 'commerce', value: '5001' },
        ],
        loginVisits: new Map([['5001', 1]]),
      },
    ]);
  });

  it('answers null for a visitor the documented empty answer does not hold', async () => {
    const replay = await replayOf([empty]);
    expect(await connectorFor(replay).fetchRecords(['0123456789abcdef'])).toEqual([null]);
    expect(sent(replay)[0]!.answeredBy).not.toBeNull();
  });

  it('reads the website and the app in one call (idSite=1,2), and maps each row’s idSite, campaign and first login', async () => {
    const replay = await replayOf([twoSites]);
    const records = await connectorFor(replay, { appSiteId: 2 }).fetchRecords([VISITOR, APP_VISITOR]);
    expect(sent(replay).map((r) => [r.form, r.answeredBy])).toEqual([
      [{ idSite: '1,2', segment: `visitorId==${VISITOR},visitorId==${APP_VISITOR}`, filter_limit: '500', filter_offset: '0', token_auth: TOKEN }, twoSites.file],
    ]);
    expect(records.map((r) => r && { id: r.id, visits: r.visits.map(({ id, inApp, campaign, campaignMedium, endedAt }) => ({ id, inApp, campaign, campaignMedium, endedAt })), firstLogins: r.firstLogins })).toEqual([
      {
        id: VISITOR,
        visits: [
          { id: '1843', inApp: false, campaign: 'newsletter-2024-09', campaignMedium: 'email', endedAt: '2024-09-29T08:56:20.000Z' },
          { id: '1790', inApp: false, campaign: null, campaignMedium: null, endedAt: '2024-09-27T08:50:00.000Z' },
          { id: '1702', inApp: false, campaign: 'autumn-sale', campaignMedium: 'cpc', endedAt: '2024-09-24T09:26:40.000Z' },
        ],
        firstLogins: [{ userId: '5001', visitId: '1843', at: '2024-09-29T08:56:20.000Z', inApp: false }],
      },
      {
        id: APP_VISITOR,
        visits: [{ id: '1851', inApp: true, campaign: null, campaignMedium: null, endedAt: '2024-09-30T09:53:20.000Z' }],
        firstLogins: [{ userId: '5001', visitId: '1851', at: '2024-09-30T09:53:20.000Z', inApp: true }],
      },
    ]);
  });

  it('reads a journey window with period=range, a day beyond its bounds, and minTimestamp, as documented', async () => {
    const replay = await replayOf([range]);
    const read = await connectorFor(replay, { appSiteId: 2 }).visitHistory([VISITOR], { since: Date.UTC(2024, 8, 20), until: Date.UTC(2024, 8, 30), limit: 2 });
    expect(sent(replay).map((r) => [r.form, r.answeredBy])).toEqual([
      [
        {
          idSite: '1,2',
          segment: `visitorId==${VISITOR}`,
          filter_limit: '32',
          filter_offset: '0',
          minTimestamp: '1726790399',
          period: 'range',
          date: '2024-09-19,2024-10-01',
          token_auth: TOKEN,
        },
        range.file,
      ],
    ]);
    expect(read.exhausted).toBe(true);
    expect(read.items.map(({ id, recordId, campaign, campaignMedium }) => ({ id, recordId, campaign, campaignMedium }))).toEqual([
      { id: '1843', recordId: VISITOR, campaign: null, campaignMedium: null },
      { id: '1790', recordId: VISITOR, campaign: null, campaignMedium: null },
      { id: '1702', recordId: VISITOR, campaign: 'autumn-sale', campaignMedium: 'cpc' },
    ]);
  });

  it('reads the documented version answer as a healthy Matomo', async () => {
    const replay = await replayOf([version]);
    expect(await connectorFor(replay).health()).toMatchObject({ status: 'up' });
    expect(sent(replay)).toEqual([
      { method: 'POST', path: '/index.php', query: { module: 'API', method: 'API.getMatomoVersion', format: 'JSON' }, form: { token_auth: TOKEN }, answeredBy: version.file },
    ]);
  });

  it('turns the documented 401 of a refused token into SOURCE_UNAVAILABLE, repeating neither token nor message', async () => {
    const replay = await replayOf([tokenRefused]);
    const refusedToken = (tokenRefused.request.body as Record<string, string>).token_auth!;
    const error = await expectSourceError(connectorFor(replay, { tokenAuth: refusedToken }).fetchRecords([VISITOR]));
    expect(sent(replay)[0]!.answeredBy).not.toBeNull();
    // A 401 is the HTTP layer's to map (silo-http.ts), whatever Matomo's body says.
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'analytics', detail: { status: 401 } });
    expect(error.message).toBe("The analytics tool (analytics) is unavailable: it refused the gateway's credentials (HTTP 401).");
    expect(JSON.stringify([error.message, error.detail])).not.toMatch(/0{32}|Unable to authenticate/);
  });

  it('turns the documented HTTP 200 error body of Matomo 4 into SOURCE_UNAVAILABLE, not a version', async () => {
    const replay = await replayOf([tokenRefusedMatomo4]);
    const health = await connectorFor(replay, { tokenAuth: 'I_DONT_EXIST' }).health();
    expect(sent(replay)[0]!.answeredBy).not.toBeNull();
    expect(health).toEqual({
      status: 'down',
      reason: "The analytics tool (analytics) is unavailable: it refused the gateway's credentials (token_auth unknown, expired, or without view access to the site).",
    });
  });
});

describe('the simulator against Matomo’s documented answers', () => {
  /** The documented visitor's three visits, in the population's own shape (times as documented, before NOW). */
  const documentedVisits = [
    visitOf({
      idVisit: 1843,
      visitorId: VISITOR,
      userId: '5001',
      start: 1727600000,
      deviceType: 'smartphone',
      referrerType: 'search',
      referrerName: 'Google',
      pages: [{ path: '/' }, { path: '/p/trail-42', sku: 'TR-42', name: 'Trail 42', category: 'Shoes' }],
    }),
    visitOf({ idVisit: 1790, visitorId: VISITOR, start: 1727427000, deviceType: 'smartphone', pages: [{ path: '/cart' }] }),
    visitOf({ idVisit: 1702, visitorId: VISITOR, start: 1727170000, deviceType: 'smartphone', referrerType: 'campaign', referrerName: 'autumn-sale' }),
  ].map((visit, i) => (i === 0 ? { ...visit, actionDetails: visit.actionDetails.map((a) => (a.productViewSku ? { ...a, productViewPrice: 89 } : a)) } : visit));
  const TOKEN_OF_SIMULATOR = 'a1a1a1a1b2b2b2b2c3c3c3c3d4d4d4d4';

  /** Sends a fixture's request to a simulator holding the documented visitor, with the simulator's site and token. */
  async function simulatorAnswer(f: VendorFixture, token = TOKEN_OF_SIMULATOR): Promise<{ status: number; body: unknown }> {
    expect(Math.max(...documentedVisits.map((v) => v.lastActionTimestamp))).toBeLessThan(NOW);
    const simulator = createAnalyticsSimulator({ population: populationOf(documentedVisits), tokenAuth: TOKEN_OF_SIMULATOR });
    open.push(simulator);
    const baseUrl = await simulator.listen();
    const params = documentedParams(f);
    const form = { ...params, ...('idSite' in params ? { idSite: String(SITE_ID) } : {}), token_auth: token };
    const res = await fetch(`${baseUrl}${f.request.path}?${new URLSearchParams(f.request.query)}`, {
      method: f.request.method,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: await res.json() };
  }

  for (const f of [page1, page2, keysByUserId, keysByVisitorId, empty, version]) {
    it(`answers ${f.file.split('/').pop()} with the documented status and shape`, async () => {
      const answer = await simulatorAnswer(f);
      expect(answer.status).toBe(f.response.status);
      // `idSite` is the simulator's site here, not the documented 1: a value, not a shape. The
      // documented rows come from a Matomo without the MarketingCampaignsReporting plugin, whose
      // campaign fields the simulator sends (last-visits-two-sites.json shows them).
      const campaignFields = f === page1 || f === page2 ? ['[].campaignName', '[].campaignSource', '[].campaignMedium'] : [];
      expect(shapeDifferences(f.response.body, answer.body, campaignFields)).toEqual([]);
    });
  }

  it('answers the two-site and range requests as documented: the same visits, each with its idSite and campaign fields', async () => {
    const appVisit = { ...visitOf({ idVisit: 1851, visitorId: APP_VISITOR, userId: '5001', start: 1727690000, deviceType: 'smartphone' }), idSite: 2 };
    const visits = [...documentedVisits, appVisit];
    const simulator = createAnalyticsSimulator({ population: { ...populationOf(visits), analytics: { siteId: 1, appSiteId: 2, visits } }, tokenAuth: TOKEN_OF_SIMULATOR });
    open.push(simulator);
    const baseUrl = await simulator.listen();
    for (const f of [twoSites, range]) {
      const res = await fetch(`${baseUrl}${f.request.path}?${new URLSearchParams(f.request.query)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...documentedParams(f), token_auth: TOKEN_OF_SIMULATOR }).toString(),
      });
      const body = (await res.json()) as Array<{ idVisit: number; idSite: number }>;
      expect(res.status).toBe(f.response.status);
      expect(shapeDifferences(f.response.body, body)).toEqual([]);
      const documented = f.response.body as Array<{ idVisit: number; idSite: number }>;
      expect(body.map((v) => [v.idVisit, v.idSite])).toEqual(documented.map((v) => [v.idVisit, v.idSite]));
    }
  });

  it('pages the documented visitor as documented: two visits, then the third', async () => {
    const ids = async (f: VendorFixture) => ((await simulatorAnswer(f)).body as Array<{ idVisit: number }>).map((v) => v.idVisit);
    expect([await ids(page1), await ids(page2)]).toEqual([
      [1843, 1790],
      [1702],
    ]);
  });

  it('names device types as Matomo does (capitalized), and counts time spent and page view positions as documented', async () => {
    const { body } = await simulatorAnswer(page1);
    const [newest] = body as Array<{ deviceType: string; actionDetails: Array<{ timeSpent: number; pageviewPosition: number }> }>;
    expect(newest!.deviceType).toBe('Smartphone');
    expect(newest!.actionDetails.map((a) => [a.timeSpent, a.pageviewPosition])).toEqual([
      [40, 1],
      [0, 2],
    ]);
  });

  for (const f of [tokenRefused]) {
    it(`refuses a token as documented in ${f.file.split('/').pop()}: the status and Matomo's error body`, async () => {
      const answer = await simulatorAnswer(f, 'ffffffffffffffffffffffffffffffff');
      expect(answer.status).toBe(f.response.status);
      expect(shapeDifferences(f.response.body, answer.body)).toEqual([]);
    });
  }

  it('refuses a token with HTTP 200 and the documented error body in Matomo 4 mode', async () => {
    const simulator = createAnalyticsSimulator({ population: populationOf(documentedVisits), tokenAuth: TOKEN_OF_SIMULATOR, errorStatuses: 'http-200' });
    open.push(simulator);
    const baseUrl = await simulator.listen();
    const res = await fetch(`${baseUrl}/index.php?${new URLSearchParams(tokenRefusedMatomo4.request.query)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token_auth: 'I_DONT_EXIST' }).toString(),
    });
    expect(res.status).toBe(200);
    expect(shapeDifferences(tokenRefusedMatomo4.response.body, await res.json())).toEqual([]);
  });
});
