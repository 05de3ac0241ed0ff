/**
 * The analytics connector's journey reads (visitHistory), the app as a second Matomo site, the
 * campaign fields and a device's first logins, against the simulator over real HTTP.
 */
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { expectSourceError } from '../../test/contract/connector-contract.js';
import type { MatomoVisit } from '../population.js';
import type { JourneyPoint, VisitWindow } from '../types.js';
import { createAnalyticsConnector, type AnalyticsConfig, type AnalyticsConnector } from './client.js';
import { createAnalyticsSimulator, type AnalyticsSimulatorOptions } from './simulator.js';
import { APP_SITE_ID, NOW, SITE_ID, populationOf, visitOf, visitorIdOf } from './test-population.js';

const TOKEN = '0123456789abcdef0123456789abcdef';
const HOUR = 3600;
const DAY = 24 * HOUR;

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

interface Started {
  simulator: ReturnType<typeof createAnalyticsSimulator>;
  connector: AnalyticsConnector;
  /** The form bodies the connector sent, in order. */
  sent: Array<Record<string, string>>;
}

/** A simulator with the website and the app site serving `visits`, and a connector that records what it sends. */
async function startMatomo(
  visits: MatomoVisit[],
  options: { simulator?: Partial<AnalyticsSimulatorOptions>; connector?: Partial<AnalyticsConfig> } = {},
): Promise<Started> {
  const simulator = createAnalyticsSimulator({ population: populationOf(visits, { appSiteId: APP_SITE_ID }), tokenAuth: TOKEN, ...options.simulator });
  const baseUrl = await simulator.listen();
  open.push(simulator);
  const sent: Array<Record<string, string>> = [];
  const pool = new Pool(baseUrl);
  open.push(pool);
  const spy = pool.compose((dispatch) => (opts, handler) => {
    sent.push(Object.fromEntries(new URLSearchParams(String(opts.body ?? ''))));
    return dispatch(opts, handler);
  }) as unknown as Pool;
  const config = { baseUrl, timeoutMs: 2000, connections: 2, siteId: SITE_ID, appSiteId: APP_SITE_ID, tokenAuth: TOKEN, ...options.connector };
  const connector = createAnalyticsConnector(config, { dispatcher: spy });
  open.push(connector);
  return { simulator, connector, sent };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** One visit with one page: its first and last action are both at `at` (Unix seconds). */
function visitAt(idVisit: number, visitorId: string, at: number, extra: Partial<Parameters<typeof visitOf>[0]> = {}): MatomoVisit {
  return visitOf({ idVisit, visitorId, start: at, ...extra });
}

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('the app as a second Matomo site', () => {
  const web = visitorIdOf('anna-laptop');
  const app = visitorIdOf('anna-app');
  const visits = [
    visitAt(1, web, NOW - 3 * DAY, { userId: '5001' }),
    visitAt(2, app, NOW - 2 * DAY, { userId: '5001', idSite: APP_SITE_ID, deviceType: 'smartphone' }),
  ];

  it('asks both sites in one call and marks the app site’s visits inApp', async () => {
    const { connector, sent } = await startMatomo(visits);
    const records = await connector.fetchRecords([web, app]);
    expect(records.map((r) => r?.visits.map((v) => v.inApp))).toEqual([[false], [true]]);
    expect(sent.map((form) => form.idSite)).toEqual([`${SITE_ID},${APP_SITE_ID}`]);
  });

  it('links an app device to its customer like a web device: a lookup by userId finds both', async () => {
    const { connector } = await startMatomo(visits);
    const found = await connector.lookup([{ type: 'commerce', value: '5001' }]);
    expect(found.map((r) => r.id).sort()).toEqual([app, web].sort());
    expect(found.find((r) => r.id === app)?.identifiers).toEqual([
      { type: 'analytics', value: app },
      { type: 'commerce', value: '5001' },
    ]);
  });

  it('reads only the website when no app site is configured, and then no visit is inApp', async () => {
    const { connector, sent } = await startMatomo(visits, { connector: { appSiteId: null } });
    const [webRecord, appRecord] = await connector.fetchRecords([web, app]);
    expect(webRecord?.visits.map((v) => v.inApp)).toEqual([false]);
    expect(appRecord).toBeNull();
    expect(sent.map((form) => form.idSite)).toEqual([String(SITE_ID)]);
  });
});

describe('campaign fields', () => {
  const device = visitorIdOf('campaign-device');
  const visits = [
    visitAt(1, device, NOW - 3 * DAY, { referrerType: 'campaign', referrerName: 'bf-2026', campaignName: 'Black Friday 2026', campaignMedium: 'email' }),
    visitAt(2, device, NOW - 2 * DAY, { referrerType: 'campaign', referrerName: 'summer-sale' }),
    visitAt(3, device, NOW - DAY, { referrerType: 'search', referrerName: 'Google' }),
  ];

  it('maps campaignName and campaignMedium, else the referrer name of a campaign visit, and none for the others', async () => {
    const { connector } = await startMatomo(visits);
    const [record] = await connector.fetchRecords([device]);
    expect(record?.visits.map(({ id, campaign, campaignMedium }) => ({ id, campaign, campaignMedium }))).toEqual([
      { id: '3', campaign: null, campaignMedium: null },
      { id: '2', campaign: 'summer-sale', campaignMedium: null },
      { id: '1', campaign: 'Black Friday 2026', campaignMedium: 'email' },
    ]);
  });
});

describe('first logins', () => {
  const phone = visitorIdOf('phone-anonymous-first');

  it('gives a device anonymous first, then logged in, its first logged-in visit as its first login', async () => {
    const { connector, simulator } = await startMatomo([
      visitAt(1, phone, NOW - 9 * DAY),
      visitAt(2, phone, NOW - 8 * DAY),
      visitAt(3, phone, NOW - 7 * DAY, { userId: '5001' }),
      visitAt(4, phone, NOW - 6 * DAY),
      visitAt(5, phone, NOW - 5 * DAY, { userId: '5001' }),
    ]);
    const [record] = await connector.fetchRecords([phone]);
    expect(record?.firstLogins).toEqual([{ userId: '5001', visitId: '3', at: iso(NOW - 7 * DAY), inApp: false }]);
    // Every visit was read: the first logins come from them, without another call.
    expect(simulator.stats().requests).toBe(1);
  });

  it('reads the first logins of a device with more visits than a record holds apart: one call per login id, plus one', async () => {
    const kiosk = visitorIdOf('kiosk');
    // 150 visits, one a day, the oldest first: anonymous, then 5001 from day 20, 5002 from day 30.
    const visits = Array.from({ length: 150 }, (_, i) => {
      const userId = i < 20 ? null : i < 30 ? '5001' : i % 2 === 0 ? '5001' : '5002';
      return visitAt(i + 1, kiosk, NOW - (150 - i) * DAY, { userId, idSite: APP_SITE_ID });
    });
    const { connector, simulator, sent } = await startMatomo(visits, { connector: { limits: { visitsPerPage: 50 } } });
    const [record] = await connector.fetchRecords([kiosk]);
    expect(record?.visits).toHaveLength(100);
    expect(record?.firstLogins).toEqual([
      { userId: '5001', visitId: '21', at: iso(NOW - 130 * DAY), inApp: true },
      { userId: '5002', visitId: '32', at: iso(NOW - 119 * DAY), inApp: true },
    ]);
    // Two pages of 50 visits (the record's 100, the 50 oldest left unread); then three
    // first-login reads: 5001, 5002, and one that finds no other login id.
    const logins = sent.filter((form) => form.filter_sort_order === 'asc');
    expect(logins.map((form) => [decodeURIComponent(form.segment!), form.filter_limit])).toEqual([
      [`visitorId==${kiosk};userId!=`, '1'],
      [`visitorId==${kiosk};userId!=;userId!=5001`, '1'],
      [`visitorId==${kiosk};userId!=;userId!=5001;userId!=5002`, '1'],
    ]);
    expect(simulator.stats().requests).toBe(2 + 3);
  });
});

describe('visitHistory: journey order and paging', () => {
  const anna = visitorIdOf('anna');
  const ben = visitorIdOf('ben');
  const T = NOW - 10 * DAY;

  it('answers the devices’ visits newest first (by last action), ties by idVisit ascending, each with its visitor as recordId', async () => {
    const visits = [
      visitAt(1, anna, T + HOUR),
      visitAt(14, anna, T),
      visitAt(12, ben, T),
      visitAt(13, anna, T),
      visitAt(2, ben, T - HOUR),
      visitAt(99, visitorIdOf('stranger'), T + 2 * HOUR),
    ];
    const { connector } = await startMatomo(visits);
    const read = await connector.visitHistory([anna, ben], { limit: 20 });
    expect(read.items.map((item) => [item.id, item.recordId])).toEqual([
      ['1', anna],
      ['12', ben],
      ['13', anna],
      ['14', anna],
      ['2', ben],
    ]);
    expect(read.exhausted).toBe(true);
    expect(read.items[0]).toMatchObject({ endedAt: iso(T + HOUR), inApp: false, channel: 'direct' });
  });

  it('never cuts a tie short: with no margin it reads on until a time is complete', async () => {
    const visits = [visitAt(1, anna, T + HOUR), ...[10, 11, 12, 13, 14].map((id) => visitAt(id, anna, T)), visitAt(2, anna, T - HOUR)];
    const { connector, simulator } = await startMatomo(visits, { connector: { limits: { historyMargin: 0 } } });
    const read = await connector.visitHistory([anna], { limit: 2 });
    expect(ids(read.items)).toEqual(['1', '10', '11', '12', '13', '14']);
    expect(read.exhausted).toBe(false);
    // Pages of 2, then 1 each: [1, 14], [13], [12], [11], [10], [2].
    expect(simulator.stats().requests).toBe(6);
  });

  it('starts at `from` included, within a tie too', async () => {
    const visits = [visitAt(1, anna, T + HOUR), ...[10, 11, 12].map((id) => visitAt(id, anna, T)), visitAt(2, anna, T - HOUR)];
    const { connector } = await startMatomo(visits);
    const from: JourneyPoint = { at: T * 1000, id: '11' };
    const read = await connector.visitHistory([anna], { from, limit: 2 });
    expect(ids(read.items)).toEqual(['11', '12', '2']);
    expect(read.exhausted).toBe(true);
  });

  it('reads a visitor with 2,000 visits with one request per page of 20, every visit once, in order', async () => {
    const busy = visitorIdOf('busy');
    // One visit every 6 hours, the newest 1 hour before NOW; idVisit 1 is the newest.
    const visits = Array.from({ length: 2000 }, (_, i) => visitAt(i + 1, busy, NOW - HOUR - i * 6 * HOUR));
    const { connector, simulator } = await startMatomo([...visits, visitAt(5000, anna, NOW - 2 * HOUR)]);
    const seen: string[] = [];
    let from: JourneyPoint | undefined;
    for (let page = 0; page < 5; page++) {
      const read = await connector.visitHistory([busy], { limit: 20, ...(from ? { from } : {}) });
      // The caller drops what it already emitted: the item at `from`.
      const fresh = read.items.filter((item) => item.id !== from?.id).slice(0, 20);
      seen.push(...ids(fresh));
      const last = fresh[fresh.length - 1]!;
      from = { at: Date.parse(last.endedAt), id: last.id };
      expect(read.exhausted).toBe(false);
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(simulator.stats().requests).toBe(5);
  });

  it('says exhausted when the visits end, and answers none without a call for no usable id', async () => {
    const { connector, simulator } = await startMatomo([visitAt(1, anna, T), visitAt(2, anna, T - DAY)]);
    expect(await connector.visitHistory([anna], { limit: 2 })).toMatchObject({ exhausted: true, items: [{ id: '1' }, { id: '2' }] });
    expect(await connector.visitHistory(['not-a-visitor', ''], { limit: 5 })).toEqual({ items: [], exhausted: true });
    expect(simulator.stats().requests).toBe(1);
  });
});

describe('visitHistory: since and until', () => {
  const anna = visitorIdOf('anna');
  // 2025-06-01T00:30:00Z and 2025-06-10T23:30:00Z: the bounds sit near UTC midnight, so a zone
  // far east or west puts them on another day than UTC.
  const SINCE = Date.UTC(2025, 5, 1, 0, 30) / 1000;
  const UNTIL = Date.UTC(2025, 5, 10, 23, 30) / 1000;
  const visits = [
    visitAt(1, anna, UNTIL + 1),
    visitAt(2, anna, UNTIL),
    visitAt(3, anna, UNTIL - 5 * DAY),
    visitAt(4, anna, SINCE),
    visitAt(5, anna, SINCE - 1),
  ];
  const window: VisitWindow = { since: SINCE * 1000, until: UNTIL * 1000, limit: 10 };

  for (const timeZone of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
    it(`keeps the visits within since..until, both included, whatever zone Matomo reads the days in (${timeZone})`, async () => {
      const { connector, sent } = await startMatomo(visits, { simulator: { timeZone } });
      const read = await connector.visitHistory([anna], window);
      expect(ids(read.items)).toEqual(['2', '3', '4']);
      expect(read.exhausted).toBe(true);
      // A day beyond the bounds' UTC days; since exact with minTimestamp (strictly after).
      expect(sent[0]).toMatchObject({ period: 'range', date: '2025-05-31,2025-06-11', minTimestamp: String(SINCE - 1) });
    });
  }

  it('bounds the range by `from` when it comes before `until`', async () => {
    const { connector, sent } = await startMatomo(visits);
    const read = await connector.visitHistory([anna], { from: { at: (UNTIL - 5 * DAY) * 1000, id: '3' }, limit: 10 });
    expect(ids(read.items)).toEqual(['3', '4', '5']);
    expect(sent[0]).toMatchObject({ period: 'range', date: '1992-01-01,2025-06-06' });
    expect(sent[0]).not.toHaveProperty('minTimestamp');
  });

  it('never sends Matomo a day before 1992-01-01, which it refuses (its first website timestamp is 1991-08-06), however old since and until are', async () => {
    const { connector, sent } = await startMatomo(visits);
    await connector.visitHistory([anna], { since: Date.parse('1985-01-01T00:00:00Z'), until: Date.parse('2024-01-01T00:00:00Z'), limit: 10 });
    await connector.visitHistory([anna], { since: Date.parse('0001-01-01T00:00:00Z'), until: Date.parse('0001-01-01T00:00:00Z'), limit: 10 });
    expect(sent.map((params) => params.date)).toEqual(['1992-01-01,2024-01-02', '1992-01-01,1992-01-01']);
  });

  it('sends no date range for a read that reaches today, only minTimestamp', async () => {
    const { connector, sent } = await startMatomo(visits);
    await connector.visitHistory([anna], { since: SINCE * 1000, limit: 10 });
    expect(sent[0]).not.toHaveProperty('period');
    expect(sent[0]).not.toHaveProperty('date');
    expect(sent[0]!.minTimestamp).toBe(String(SINCE - 1));
  });

  it('answers nothing without a call when since is after until', async () => {
    const { connector, simulator } = await startMatomo(visits);
    expect(await connector.visitHistory([anna], { since: UNTIL * 1000, until: SINCE * 1000, limit: 10 })).toEqual({ items: [], exhausted: true });
    expect(simulator.stats().requests).toBe(0);
  });
});

describe('visitHistory: push-downs', () => {
  const laptop = visitorIdOf('laptop');
  const phone = visitorIdOf('phone-app');
  const T = NOW - 10 * DAY;
  const visits = [
    visitAt(1, laptop, T - 1 * HOUR),
    visitAt(2, laptop, T - 2 * HOUR, { referrerType: 'campaign', referrerName: 'newsletter', campaignName: 'newsletter-2026-11', campaignMedium: 'email' }),
    visitAt(3, phone, T - 3 * HOUR, { idSite: APP_SITE_ID }),
    visitAt(4, phone, T - 4 * HOUR, { idSite: APP_SITE_ID, referrerType: 'campaign', referrerName: 'summer-sale' }),
  ];

  const cases: Array<{ window: Pick<VisitWindow, 'site' | 'campaign'>; idSite: string; segment: string; expected: string[] }> = [
    { window: {}, idSite: `${SITE_ID},${APP_SITE_ID}`, segment: `visitorId==${laptop},visitorId==${phone}`, expected: ['1', '2', '3', '4'] },
    { window: { site: 'web' }, idSite: String(SITE_ID), segment: `visitorId==${laptop},visitorId==${phone}`, expected: ['1', '2'] },
    { window: { site: 'app' }, idSite: String(APP_SITE_ID), segment: `visitorId==${laptop},visitorId==${phone}`, expected: ['3', '4'] },
    { window: { campaign: 'only' }, idSite: `${SITE_ID},${APP_SITE_ID}`, segment: `visitorId==${laptop},visitorId==${phone};referrerType==campaign`, expected: ['2', '4'] },
    { window: { site: 'app', campaign: 'exclude' }, idSite: String(APP_SITE_ID), segment: `visitorId==${laptop},visitorId==${phone};referrerType!=campaign`, expected: ['3'] },
  ];
  for (const { window, idSite, segment, expected } of cases) {
    it(`asks Matomo for ${JSON.stringify(window)} with idSite=${idSite} and its segment`, async () => {
      const { connector, sent } = await startMatomo(visits);
      const read = await connector.visitHistory([laptop, phone], { ...window, limit: 10 });
      expect(ids(read.items)).toEqual(expected);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.idSite).toBe(idSite);
      expect(decodeURIComponent(sent[0]!.segment!)).toBe(segment);
    });
  }

  it('asks nothing for app visits when no app site is configured', async () => {
    const { connector, simulator } = await startMatomo(visits, { connector: { appSiteId: null } });
    expect(await connector.visitHistory([phone], { site: 'app', limit: 10 })).toEqual({ items: [], exhausted: true });
    expect(simulator.stats().requests).toBe(0);
  });
});

describe('visitHistory: failures and long ties', () => {
  const anna = visitorIdOf('anna');

  it('reports a Matomo that fails as SOURCE_UNAVAILABLE, and a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    const { connector, simulator } = await startMatomo([visitAt(1, anna, NOW - DAY)]);
    try {
      await simulator.setFault({ kind: 'error', status: 503 });
      expect((await expectSourceError(connector.visitHistory([anna], { limit: 5 }))).code).toBe('SOURCE_UNAVAILABLE');
      await simulator.setFault({ kind: 'malformed' });
      expect((await expectSourceError(connector.visitHistory([anna], { limit: 5 }))).code).toBe('SOURCE_BAD_RESPONSE');
    } finally {
      await simulator.setFault({ kind: 'none' });
    }
  });

  it('answers a tie bigger than a page whole, reading on with filter_offset', async () => {
    const visits = [10, 11, 12, 13, 14].map((id) => visitAt(id, anna, NOW - DAY));
    const { connector } = await startMatomo(visits, { connector: { limits: { historyMargin: 0 } } });
    const read = await connector.visitHistory([anna], { limit: 1 });
    expect(ids(read.items)).toEqual(['10', '11', '12', '13', '14']);
  });
});
