import { MockAgent, Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { MatomoVisit } from '../population.js';
import { expectSourceError } from '../../test/contract/connector-contract.js';
import { createAnalyticsConnector, type AnalyticsConfig, type AnalyticsConnector } from './client.js';
import { MESSAGES } from './matomo.js';
import { createAnalyticsSimulator, type AnalyticsSimulatorOptions } from './simulator.js';
import { NOW, SITE_ID, populationOf, visitOf, visitorIdOf } from './test-population.js';

const TOKEN = '0123456789abcdef0123456789abcdef';
const HOUR = 3600;
const DAY = 24 * HOUR;

/** Things to close after each test. */
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

type ConnectorOptions = Partial<Pick<AnalyticsConfig, 'tokenAuth' | 'siteId' | 'limits'>>;

/** A simulator serving `visits`, and a way to point connectors at it. */
async function startMatomo(visits: MatomoVisit[], options: Partial<AnalyticsSimulatorOptions> = {}) {
  const simulator = createAnalyticsSimulator({ population: populationOf(visits), tokenAuth: TOKEN, ...options });
  const baseUrl = await simulator.listen();
  open.push(simulator);
  const connector = (overrides: ConnectorOptions = {}, dispatcher?: Pool): AnalyticsConnector => {
    const config = { baseUrl, timeoutMs: 2000, connections: 2, siteId: SITE_ID, tokenAuth: TOKEN, ...overrides };
    const made = createAnalyticsConnector(config, { dispatcher });
    open.push(made);
    return made;
  };
  return { simulator, baseUrl, connector };
}

/** A connector talking to a fake Matomo that answers every call with `body`. */
function connectorAnsweredWith(status: number, body: object): AnalyticsConnector {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const origin = 'http://matomo.test';
  agent.get(origin).intercept({ path: (path) => path.startsWith('/index.php'), method: 'POST' }).reply(status, body).persist();
  open.push(agent);
  const config = { baseUrl: origin, timeoutMs: 2000, connections: 1, siteId: SITE_ID, tokenAuth: TOKEN };
  return createAnalyticsConnector(config, { dispatcher: agent.get(origin) });
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** `count` visits of one visitor, one a day, the newest `newest` seconds ago from NOW. */
function dailyVisits(visitorId: string, count: number, firstIdVisit: number, newest = DAY): MatomoVisit[] {
  return Array.from({ length: count }, (_, i) => visitOf({ idVisit: firstIdVisit + i, visitorId, start: NOW - newest - i * DAY }));
}

describe('mapping Matomo visits to a visitor record', () => {
  const phone = visitorIdOf('anna-phone');
  const visits = [
    visitOf({
      idVisit: 1,
      visitorId: phone,
      start: NOW - 10 * DAY,
      deviceType: 'smartphone',
      referrerType: 'search',
      referrerName: 'Google',
      pages: [{ path: '/' }, { path: '/shoes/trail-42', title: 'Trail 42', sku: 'TR-42', name: 'Trail 42', category: 'shoes' }],
    }),
    visitOf({ idVisit: 2, visitorId: phone, userId: '5001', start: NOW - 5 * DAY, referrerType: 'campaign', referrerName: 'summer-sale' }),
    visitOf({ idVisit: 3, visitorId: phone, start: NOW - DAY, pages: [{ path: '/cart', title: null }] }),
  ];

  it('maps each visit, newest first, with pages and product views in order and ISO times', async () => {
    const { connector } = await startMatomo(visits);
    const [record] = await connector().fetchRecords([phone]);
    expect(record).toEqual({
      id: phone,
      // The latest userId sent, even from an older visit than the last one.
      userId: '5001',
      firstVisitAt: iso(NOW - 10 * DAY),
      lastVisitAt: iso(NOW - DAY),
      visitCount: 3,
      visits: [
        expect.objectContaining({ id: '3', userId: null, pages: [{ url: 'https://shop.example/cart', title: null, viewedAt: iso(NOW - DAY) }] }),
        expect.objectContaining({ id: '2', userId: '5001', channel: 'campaign', referrer: 'summer-sale' }),
        {
          id: '1',
          startedAt: iso(NOW - 10 * DAY),
          endedAt: iso(NOW - 10 * DAY + 40),
          inApp: false,
          campaign: null,
          campaignMedium: null,
          durationSeconds: 40,
          channel: 'search',
          referrer: 'Google',
          deviceType: 'smartphone',
          operatingSystem: 'Windows',
          browser: 'Firefox',
          userId: null,
          pages: [
            { url: 'https://shop.example/', title: 'Page /', viewedAt: iso(NOW - 10 * DAY) },
            { url: 'https://shop.example/shoes/trail-42', title: 'Trail 42', viewedAt: iso(NOW - 10 * DAY + 40) },
          ],
          productViews: [{ sku: 'TR-42', name: 'Trail 42', category: 'shoes', viewedAt: iso(NOW - 10 * DAY + 40) }],
        },
      ],
      // The device's first visit sent with a login id: the moment it became customer 5001's.
      firstLogins: [{ userId: '5001', visitId: '2', at: iso(NOW - 5 * DAY), inApp: false }],
    });
  });

  it("reads Matomo's own JSON: integers as strings, capitalized devices, empty referrers, other action types", async () => {
    const row = {
      idSite: '3',
      idVisit: '9041',
      visitorId: 'A1B2C3D4E5F60718',
      userId: '',
      firstActionTimestamp: 1718000000,
      lastActionTimestamp: '1718000300',
      visitDuration: '300',
      deviceType: 'Smartphone',
      operatingSystem: 'Android 14',
      browserName: 'Chrome Mobile',
      referrerType: 'direct',
      referrerName: '',
      visitCount: '4',
      actionDetails: [
        { type: 'action', url: 'https://shop.example/p/1', pageTitle: 'Boots', timestamp: 1718000000, productViewSku: 'B-1', productViewName: 'Boots', productViewCategories: ['shoes', 'winter'] },
        { type: 'event', eventCategory: 'video', eventAction: 'play', timestamp: 1718000100 },
        { type: 'outlink', url: 'https://elsewhere.example/', timestamp: 1718000200 },
      ],
    };
    const [record] = await connectorAnsweredWith(200, [row]).fetchRecords(['a1b2c3d4e5f60718']);
    expect(record).toMatchObject({ id: 'a1b2c3d4e5f60718', userId: null, visitCount: 1, lastVisitAt: iso(1718000300) });
    expect(record?.visits[0]).toEqual({
      id: '9041',
      startedAt: iso(1718000000),
      endedAt: iso(1718000300),
      inApp: false,
      campaign: null,
      campaignMedium: null,
      durationSeconds: 300,
      channel: 'direct',
      referrer: null,
      deviceType: 'smartphone',
      operatingSystem: 'Android 14',
      browser: 'Chrome Mobile',
      userId: null,
      pages: [{ url: 'https://shop.example/p/1', title: 'Boots', viewedAt: iso(1718000000) }],
      productViews: [{ sku: 'B-1', name: 'Boots', category: 'shoes', viewedAt: iso(1718000000) }],
    });
  });

  it('refuses a visit without a visitor id or with a timestamp that is not one, as SOURCE_BAD_RESPONSE', async () => {
    const broken = { idVisit: 1, visitorId: 'a1b2c3d4e5f60718', firstActionTimestamp: 'yesterday', lastActionTimestamp: 1 };
    const error = await expectSourceError(connectorAnsweredWith(200, [broken]).fetchRecords(['a1b2c3d4e5f60718']));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.detail.problem).toBe('[0].firstActionTimestamp: expected a whole number (a number or a string of digits)');
    expect(error.message).toBe(
      'The analytics tool (analytics) sent a response the gateway could not read: [0].firstActionTimestamp: expected a whole number (a number or a string of digits).',
    );
    const noVisitor = await expectSourceError(connectorAnsweredWith(200, [{ idVisit: 1 }]).lookup([{ type: 'commerce', value: '1' }]));
    expect(noVisitor.detail.problem).toBe('[0].visitorId: expected string, received undefined');
  });

  // One case per kind of malformed answer the documented shapes (mapping.ts) now refuse; the
  // problem names the field and what was expected, never the value (the values here are markers).
  const visit = { idVisit: 7, visitorId: 'a1b2c3d4e5f60718', firstActionTimestamp: 1718000000, lastActionTimestamp: 1718000040 };
  const malformed: Array<{ kind: string; body: unknown; problem: string }> = [
    { kind: 'a body that is not an array of visits', body: { visits: [] }, problem: 'the body: expected array, received object' },
    { kind: 'a visit that is not an object', body: ['SECRET-ROW'], problem: '[0]: expected object, received string' },
    { kind: 'a visitor id that is not 16 hex characters', body: [{ ...visit, visitorId: 'SECRET-VISITOR' }], problem: '[0].visitorId: expected 16 hexadecimal characters' },
    { kind: 'a negative or fractional visit id', body: [{ ...visit, idVisit: -7.5 }], problem: '[0].idVisit: expected a whole number (a number or a string of digits)' },
    { kind: 'a userId that is neither text nor a whole number', body: [{ ...visit, userId: { id: 'SECRET-USER' } }], problem: '[0].userId: expected a string or a whole number' },
    { kind: 'a text field of another type', body: [{ ...visit, deviceType: 404 }], problem: '[0].deviceType: expected string, received number' },
    { kind: 'a counter that is not a whole number', body: [{ ...visit, visitCount: 'SECRET-COUNT' }], problem: '[0].visitCount: expected a whole number (a number or a string of digits)' },
    { kind: 'actionDetails that is not an array', body: [{ ...visit, actionDetails: 'SECRET-ACTIONS' }], problem: '[0].actionDetails: expected array, received string' },
    { kind: 'an action without a type', body: [{ ...visit, actionDetails: [{ url: 'https://secret.example/' }] }], problem: '[0].actionDetails[0].type: expected string, received undefined' },
    {
      kind: 'product categories that are not an array of text',
      body: [{ ...visit, actionDetails: [{ type: 'action', productViewCategories: 'SECRET-CATEGORY' }] }],
      problem: '[0].actionDetails[0].productViewCategories: expected array, received string',
    },
  ];
  for (const { kind, body, problem } of malformed) {
    it(`refuses ${kind} as SOURCE_BAD_RESPONSE naming the field`, async () => {
      const error = await expectSourceError(connectorAnsweredWith(200, body as object).fetchRecords([visit.visitorId]));
      expect(error).toMatchObject({ code: 'SOURCE_BAD_RESPONSE', detail: { problem } });
      expect(JSON.stringify([error.message, error.detail])).not.toMatch(/SECRET/i);
    });
  }

  it('refuses a version answer without its value as SOURCE_BAD_RESPONSE, and the health probe says why', async () => {
    const health = await connectorAnsweredWith(200, { version: '5.3.2' }).health();
    expect(health).toEqual({ status: 'down', reason: expect.stringContaining('value: expected string, received undefined') });
  });

  it('keeps the 100 newest visits of a visitor and counts them all', async () => {
    const regular = visitorIdOf('regular');
    const { connector } = await startMatomo(dailyVisits(regular, 130, 1));
    const [record] = await connector().fetchRecords([regular]);
    expect(record?.visitCount).toBe(130);
    expect(record?.visits).toHaveLength(100);
    expect(record?.visits[0]?.startedAt).toBe(iso(NOW - DAY));
    expect(record?.firstVisitAt).toBe(iso(NOW - 130 * DAY));
  });
});

describe('batching visitor ids into OR-ed segments', () => {
  const visitors = Array.from({ length: 150 }, (_, i) => visitorIdOf(`visitor-${i}`));
  const visits = visitors.flatMap((visitorId, i) => dailyVisits(visitorId, 2, 2 * i + 1, (i + 1) * HOUR));

  it('fetches 150 visitors in two calls of 100 and 50 conditions, one result per id in order', async () => {
    const { connector, simulator } = await startMatomo(visits);
    const unknown = visitorIdOf('nobody');
    const ids = [visitors[149]!, unknown, ...visitors.slice(0, 149)];
    const records = await connector().fetchRecords(ids);
    expect(records.map((r) => r?.id ?? null)).toEqual([visitors[149], null, ...visitors.slice(0, 149)]);
    expect(records[0]?.visitCount).toBe(2);
    expect(simulator.stats().requests).toBe(2);
  });

  it('answers null without a call for ids that cannot be Matomo visitor ids, and reads upper-case ones', async () => {
    const { connector, simulator } = await startMatomo(visits);
    const c = connector();
    expect(await c.fetchRecords(['crm:123', 'not-hex-at-all!!', ''])).toEqual([null, null, null]);
    expect(simulator.stats().requests).toBe(0);
    const [record] = await c.fetchRecords([visitors[0]!.toUpperCase()]);
    expect(record?.id).toBe(visitors[0]);
  });

  it('looks up visitor ids and userIds together in one call, then reads a device found by its userId whole in one more', async () => {
    const logged = visitOf({ idVisit: 9001, visitorId: visitorIdOf('logged'), userId: '7001', start: NOW - HOUR });
    const { connector, simulator } = await startMatomo([...visits, logged]);
    const found = await connector().lookup([
      { type: 'analytics', value: visitors[0]! },
      { type: 'analytics', value: visitors[1]! },
      { type: 'commerce', value: '7001' },
      { type: 'email', value: 'ignored@example.com' },
    ]);
    expect(found.map((r) => r.id).sort()).toEqual([visitors[0], visitors[1], logged.visitorId].sort());
    expect(simulator.stats().requests).toBe(2);
  });

  it('keeps the token and the customers\' ids out of the URL: both travel in the POST body', async () => {
    const { connector, baseUrl } = await startMatomo(visits);
    const paths: string[] = [];
    const pool = new Pool(baseUrl);
    open.push(pool);
    const spy = pool.compose((dispatch) => (opts, handler) => {
      paths.push(String(opts.path));
      return dispatch(opts, handler);
    }) as unknown as Pool;
    const c = connector({}, spy);
    await c.fetchRecords([visitors[0]!]);
    await c.lookup([{ type: 'commerce', value: '5001' }]);
    expect(paths).toHaveLength(2);
    for (const path of paths) {
      expect(path).toMatch(/^\/index\.php\?module=API&method=Live\.getLastVisitsDetails&format=JSON$/);
      expect(path).not.toContain(TOKEN);
    }
  });
});

describe('looking visitors up by userId (the shop customer id)', () => {
  const phone = visitorIdOf('anna-phone');
  const laptop = visitorIdOf('family-laptop');
  const tablet = visitorIdOf('anna-tablet');
  const visits = [
    visitOf({ idVisit: 1, visitorId: phone, userId: '5001', start: NOW - 9 * DAY }),
    visitOf({ idVisit: 2, visitorId: phone, start: NOW - 8 * DAY }),
    // A laptop the family shares: Anna and then Ben log in on it.
    visitOf({ idVisit: 3, visitorId: laptop, userId: '5001', start: NOW - 7 * DAY }),
    visitOf({ idVisit: 4, visitorId: laptop, userId: '5002', start: NOW - 6 * DAY }),
    // Anna never logs in on her tablet: nothing ties it to her.
    visitOf({ idVisit: 5, visitorId: tablet, start: NOW - 5 * DAY }),
  ];

  it('finds every device a customer logged in on, each carrying every userId sent from it and its count of visits', async () => {
    const { connector } = await startMatomo(visits);
    const found = await connector().lookup([{ type: 'commerce', value: '5001' }]);
    expect(found).toEqual([
      {
        source: 'analytics',
        id: laptop,
        // Whatever found it: the gateway decides whose a shared device is from all its logins.
        identifiers: [
          { type: 'analytics', value: laptop },
          { type: 'commerce', value: '5002' },
          { type: 'commerce', value: '5001' },
        ],
        loginVisits: new Map([['5002', 1], ['5001', 1]]),
      },
      {
        source: 'analytics',
        id: phone,
        identifiers: [
          { type: 'analytics', value: phone },
          { type: 'commerce', value: '5001' },
        ],
        loginVisits: new Map([['5001', 1]]),
      },
    ]);
  });

  it('gives a device found by its visitor id every userId sent from it, so the gateway can follow them', async () => {
    const { connector } = await startMatomo(visits);
    const [found] = await connector().lookup([{ type: 'analytics', value: laptop }]);
    expect(found?.identifiers).toEqual([
      { type: 'analytics', value: laptop },
      { type: 'commerce', value: '5002' },
      { type: 'commerce', value: '5001' },
    ]);
  });

  it('gives no name with a device: Matomo knows browsers, not people, so it neither confirms nor refuses a weak link', async () => {
    const { connector } = await startMatomo(visits);
    const found = await connector().lookup([{ type: 'analytics', value: laptop }, { type: 'commerce', value: '5001' }]);
    expect(found.length).toBeGreaterThan(0);
    for (const record of found) expect(record).not.toHaveProperty('name');
  });

  it('matches a userId holding the segment operators , and ; exactly', async () => {
    const odd = visitorIdOf('odd');
    const { connector } = await startMatomo([
      ...visits,
      visitOf({ idVisit: 10, visitorId: odd, userId: 'x,userId==5001;y', start: NOW - DAY }),
    ]);
    const found = await connector().lookup([{ type: 'commerce', value: 'x,userId==5001;y' }]);
    expect(found.map((r) => r.id)).toEqual([odd]);
  });
  it('finds a device whose site sent the shop id padded (spaces, leading zeros), and only ids that hold it', async () => {
    const padded = visitorIdOf('padded');
    const zeros = visitorIdOf('zeros');
    const longer = visitorIdOf('longer');
    const { connector } = await startMatomo([
      visitOf({ idVisit: 21, visitorId: padded, userId: ' 7010012916537', start: NOW - 3 * DAY }),
      visitOf({ idVisit: 22, visitorId: zeros, userId: '007010012916537', start: NOW - 2 * DAY }),
      visitOf({ idVisit: 23, visitorId: longer, userId: '17010012916537', start: NOW - DAY }),
    ]);
    const found = await connector().lookup([{ type: 'commerce', value: '7010012916537' }]);
    expect(found.map((r) => r.id).sort()).toEqual([longer, padded, zeros].sort());
    // The gateway matches what a record carries, normalized: the longer id is another customer's.
    const carried = (id: string) => found.find((r) => r.id === id)!.identifiers.filter((i) => i.type === 'commerce').map((i) => i.value.trim().replace(/^0+/, ''));
    expect(carried(padded)).toEqual(['7010012916537']);
    expect(carried(zeros)).toEqual(['7010012916537']);
    expect(carried(longer)).toEqual(['17010012916537']);
  });
});

describe("Matomo's error answers", () => {
  const visitorId = visitorIdOf('someone');
  const visits = dailyVisits(visitorId, 3, 1);

  for (const errorStatuses of ['http-200', 'status-codes'] as const) {
    it(`reports a refused token as SOURCE_UNAVAILABLE without repeating it (${errorStatuses})`, async () => {
      const { connector } = await startMatomo(visits, { errorStatuses });
      const badToken = 'fedcba9876543210fedcba9876543210';
      const error = await expectSourceError(connector({ tokenAuth: badToken }).fetchRecords([visitorId]));
      expect(error.code).toBe('SOURCE_UNAVAILABLE');
      expect(error.message).toMatch(/refused the gateway's credentials/);
      expect(JSON.stringify([error.message, error.detail])).not.toContain(badToken);
    });

    it(`reports a site the token cannot see as SOURCE_UNAVAILABLE (${errorStatuses})`, async () => {
      const { connector } = await startMatomo(visits, { errorStatuses });
      const error = await expectSourceError(connector({ siteId: SITE_ID + 1 }).lookup([{ type: 'analytics', value: visitorId }]));
      expect(error.code).toBe('SOURCE_UNAVAILABLE');
    });
  }

  it('reads the 200-with-error body of a token Matomo 4 refuses', async () => {
    const error = await expectSourceError(connectorAnsweredWith(200, { result: 'error', message: MESSAGES.tokenRejected }).fetchRecords([visitorId]));
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', detail: { status: 200, matomoError: 'credentials' } });
  });

  it('reports a deactivated visits log as SOURCE_UNAVAILABLE, with 200 or 400', async () => {
    for (const status of [200, 400]) {
      const body = { result: 'error', message: MESSAGES.visitsLogDisabled(String(SITE_ID)) };
      const error = await expectSourceError(connectorAnsweredWith(status, body).lookup([{ type: 'commerce', value: '5001' }]));
      expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', detail: { matomoError: 'visits-log-disabled' } });
      expect(error.message).toMatch(/visits log/);
    }
  });

  it('reports an error it cannot act on (a Matomo without the Live plugin) as SOURCE_BAD_RESPONSE, not echoing it', async () => {
    const message = MESSAGES.unknownMethod('Live', 'getLastVisitsDetails');
    const error = await expectSourceError(connectorAnsweredWith(200, { result: 'error', message }).fetchRecords([visitorId]));
    expect(error).toMatchObject({ code: 'SOURCE_BAD_RESPONSE', detail: { matomoError: 'other' } });
    expect(JSON.stringify([error.message, error.detail])).not.toContain('does not exist');
  });

  it('says the silo is down, with the reason, when the token is refused', async () => {
    const { connector } = await startMatomo(visits);
    const health = await connector({ tokenAuth: 'nope' }).health();
    expect(health).toEqual({ status: 'down', reason: expect.stringMatching(/refused the gateway's credentials/) });
  });
});

describe('paging beyond filter_limit', () => {
  const busy = visitorIdOf('busy');
  const quiet = visitorIdOf('quiet');

  it('reads every page until a short one, so no visitor is cut short', async () => {
    // 12 recent visits of one visitor fill the first pages; the other's 3 come after them.
    const visits = [...dailyVisits(busy, 12, 1), ...dailyVisits(quiet, 3, 100, 20 * DAY)];
    const { connector, simulator } = await startMatomo(visits);
    const [b, q] = await connector({ limits: { visitsPerPage: 5 } }).fetchRecords([busy, quiet]);
    expect(b?.visitCount).toBe(12);
    expect(q?.visitCount).toBe(3);
    expect(q?.visits).toHaveLength(3);
    expect(simulator.stats().requests).toBe(4);
  });

  it('stops reading a visitor with 100 visits, and counts their visits with Matomo\'s counters', async () => {
    const visits = [...dailyVisits(busy, 260, 1), ...dailyVisits(quiet, 5, 1000, 300 * DAY)];
    const { connector, simulator } = await startMatomo(visits);
    const [b, q] = await connector({ limits: { visitsPerPage: 50 } }).fetchRecords([busy, quiet]);
    expect(b).toMatchObject({ visitCount: 260, firstVisitAt: iso(NOW - 260 * DAY), lastVisitAt: iso(NOW - DAY) });
    expect(b?.visits).toHaveLength(100);
    expect(q?.visits.map((v) => v.id)).toEqual(['1000', '1001', '1002', '1003', '1004']);
    // Two pages of the busy visitor, then one of the quiet one alone: not the six that 265 visits
    // take; and one first-login read for the busy one, whose unread visits could hold a login.
    expect(b?.firstLogins).toEqual([]);
    expect(simulator.stats().requests).toBe(4);
  });

  it('pages lookups too: every device of a userId is found, however many visits come first', async () => {
    const devices = [busy, quiet, visitorIdOf('third')];
    const visits = devices.flatMap((visitorId, d) =>
      Array.from({ length: 4 }, (_, i) => visitOf({ idVisit: d * 10 + i + 1, visitorId, userId: '5001', start: NOW - (d * 4 + i + 1) * DAY })),
    );
    const { connector, simulator } = await startMatomo(visits);
    const found = await connector({ limits: { visitsPerPage: 5 } }).lookup([{ type: 'commerce', value: '5001' }]);
    expect(found.map((r) => r.id).sort()).toEqual([...devices].sort());
    // Three pages by userId, then the three devices' visits by visitorId: three more pages.
    expect(simulator.stats().requests).toBe(6);
  });

  it('fails with SOURCE_BAD_RESPONSE rather than loop when Matomo ignores filter_offset', async () => {
    const page = dailyVisits(busy, 500, 1).map((v) => ({ ...v, actionDetails: [] }));
    const error = await expectSourceError(connectorAnsweredWith(200, page).fetchRecords([busy, quiet]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.detail.problem).toMatch(/filter_offset was ignored/);
  });
});
