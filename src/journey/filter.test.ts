import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { filterKey, matchesFilter, parseJourneyArgs, planJourney, type JourneyFilterSpec } from './filter.js';
import type { TouchpointRecord } from './touchpoint.js';

const NO_FILTER: JourneyFilterSpec = { kinds: null, channels: null, since: null, until: null };

function rejection(run: () => unknown): { message: string; code: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return { message: error.message, code: error.extensions['code'] };
    throw error;
  }
  throw new Error('expected a rejection');
}

function touchpoint(fields: Partial<TouchpointRecord>): TouchpointRecord {
  return {
    id: 'analytics:visit:1',
    occurredAt: '2026-04-10T12:00:00.000Z',
    kind: 'webVisit',
    channel: 'web',
    source: 'analytics',
    sourceId: '1',
    recordId: 'v1',
    summary: 'x',
    items: [],
    discountCodes: [],
    pagesViewed: [],
    productsViewed: [],
    ...fields,
  };
}

describe('the journey arguments', () => {
  it('takes 20 touchpoints and no condition when nothing is given', () => {
    expect(parseJourneyArgs({})).toEqual({ first: 20, filter: NO_FILTER });
    expect(parseJourneyArgs({ first: null, filter: null })).toEqual({ first: 20, filter: NO_FILTER });
  });

  it('accepts first from 1 to 100', () => {
    expect(parseJourneyArgs({ first: 1 }).first).toBe(1);
    expect(parseJourneyArgs({ first: 100 }).first).toBe(100);
  });

  it.each([
    [500, 'first must be a whole number from 1 to 100, got 500.'],
    [0, 'first must be a whole number from 1 to 100, got 0.'],
    [-3, 'first must be a whole number from 1 to 100, got -3.'],
    [2.5, 'first must be a whole number from 1 to 100, got 2.5.'],
  ])('refuses first %s as bad user input', (first, message) => {
    expect(rejection(() => parseJourneyArgs({ first }))).toEqual({ code: 'BAD_USER_INPUT', message });
  });

  it('refuses since after until, naming both instants in UTC', () => {
    expect(rejection(() => parseJourneyArgs({ filter: { since: '2026-05-01T02:00:00+02:00', until: '2026-04-01T00:00:00Z' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      message:
        'filter.since (2026-05-01T00:00:00.000Z) is after filter.until (2026-04-01T00:00:00.000Z): since must be at or before until.',
    });
  });

  it('accepts since equal to until', () => {
    const { filter } = parseJourneyArgs({ filter: { since: '2026-04-01T00:00:00Z', until: '2026-04-01T02:00:00+02:00' } });
    expect(filter).toEqual({ kinds: null, channels: null, since: 1775001600000, until: 1775001600000 });
  });

  it('refuses a date-time that does not exist rather than rolling it over', () => {
    expect(rejection(() => parseJourneyArgs({ filter: { since: '2026-02-30T00:00:00Z' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'filter.since is not a date-time that exists: pass an ISO 8601 date-time such as 2026-03-14T09:26:53.000Z.',
    });
    expect(rejection(() => parseJourneyArgs({ filter: { until: '2026-04-01T24:00:00Z' } })).message).toBe(
      'filter.until is not a date-time that exists: pass an ISO 8601 date-time such as 2026-03-14T09:26:53.000Z.',
    );
  });

  it('reads years 0 to 99 as written, not as 1900 to 1999', () => {
    // Date.UTC maps years 0-99 to 1900-1999: "0099-06-01" came back as 1999 and was called a date that does not exist.
    expect(parseJourneyArgs({ filter: { since: '0000-01-01T00:00:00Z', until: '0099-06-01T00:00:00Z' } }).filter).toMatchObject({
      since: Date.parse('0000-01-01T00:00:00Z'),
      until: Date.parse('0099-06-01T00:00:00Z'),
    });
    // 96 is a leap year, 99 is not, whatever 1996 and 1999 are.
    expect(parseJourneyArgs({ filter: { until: '0096-02-29T12:00:00Z' } }).filter.until).toBe(Date.parse('0096-02-29T12:00:00Z'));
    expect(rejection(() => parseJourneyArgs({ filter: { until: '0099-02-29T12:00:00Z' } })).message).toBe(
      'filter.until is not a date-time that exists: pass an ISO 8601 date-time such as 2026-03-14T09:26:53.000Z.',
    );
  });

  it('treats an empty list as no condition and sorts lists without repeats', () => {
    expect(parseJourneyArgs({ filter: { kinds: [], channels: ['web', 'app', 'web'] } }).filter).toEqual({
      kinds: null,
      channels: ['app', 'web'],
      since: null,
      until: null,
    });
  });
});

describe('the filter key', () => {
  it('is the same for one filter written two ways', () => {
    const a = parseJourneyArgs({ filter: { kinds: ['storePurchase', 'webVisit'], channels: [], since: '2026-04-01T02:00:00+02:00' } });
    const b = parseJourneyArgs({ filter: { kinds: ['webVisit', 'storePurchase', 'webVisit'], since: '2026-04-01T00:00:00.000Z' } });
    expect(filterKey(a.filter)).toBe(filterKey(b.filter));
    expect(filterKey(a.filter)).toBe('[["storePurchase","webVisit"],[],1775001600000,null]');
  });

  it('differs for filters that keep different touchpoints', () => {
    const keys = [
      {},
      { kinds: ['webVisit' as const] },
      { channels: ['web' as const] },
      { since: '2026-04-01T00:00:00Z' },
      { until: '2026-04-01T00:00:00Z' },
    ].map((filter) => filterKey(parseJourneyArgs({ filter }).filter));
    expect(new Set(keys).size).toBe(5);
  });
});

describe('a touchpoint against the filter', () => {
  it('keeps every touchpoint without conditions', () => {
    expect(matchesFilter(touchpoint({}), NO_FILTER)).toBe(true);
  });

  it('needs every condition given to hold', () => {
    const filter: JourneyFilterSpec = { kinds: ['webVisit'], channels: ['web'], since: null, until: null };
    expect(matchesFilter(touchpoint({}), filter)).toBe(true);
    expect(matchesFilter(touchpoint({ kind: 'appVisit', channel: 'app' }), filter)).toBe(false);
    expect(matchesFilter(touchpoint({ kind: 'campaignVisit', channel: 'web' }), filter)).toBe(false);
    expect(matchesFilter(touchpoint({ kind: 'webVisit', channel: 'email' }), filter)).toBe(false);
  });

  it('keeps touchpoints at since and at until (both inclusive) and none outside', () => {
    const since = Date.parse('2026-04-10T12:00:00.000Z');
    const until = Date.parse('2026-04-11T12:00:00.000Z');
    const filter: JourneyFilterSpec = { kinds: null, channels: null, since, until };
    expect(matchesFilter(touchpoint({ occurredAt: '2026-04-10T12:00:00.000Z' }), filter)).toBe(true);
    expect(matchesFilter(touchpoint({ occurredAt: '2026-04-11T14:00:00+02:00' }), filter)).toBe(true);
    expect(matchesFilter(touchpoint({ occurredAt: '2026-04-10T11:59:59.999Z' }), filter)).toBe(false);
    expect(matchesFilter(touchpoint({ occurredAt: '2026-04-11T12:00:00.001Z' }), filter)).toBe(false);
  });
});

describe('the journey plan', () => {
  const spec = (filter: Parameters<typeof parseJourneyArgs>[0]['filter']): JourneyFilterSpec => parseJourneyArgs({ filter }).filter;

  it('reads every stream, without push-down, when nothing is filtered', () => {
    expect(planJourney(NO_FILTER)).toEqual({
      'crm.contacts': {},
      'loyalty.members': {},
      'loyalty.transactions': {},
      'loyalty.redemptions': {},
      'commerce.customers': {},
      'commerce.orders': {},
      'analytics.visits': {},
      'analytics.logins': {},
    });
  });

  it('gives every stream the time bounds in ms', () => {
    const plan = planJourney(spec({ kinds: ['onlineOrder'], since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z' }));
    expect(plan).toEqual({ 'commerce.orders': { since: 1767225600000, until: 1769904000000 } });
  });

  it('asks loyalty for sell documents only when only store purchases are kept', () => {
    expect(planJourney(spec({ kinds: ['storePurchase'] }))).toEqual({ 'loyalty.transactions': { documentTypes: ['sell'] } });
    expect(planJourney(spec({ kinds: ['storeReturn', 'rewardRedeemed'] }))).toEqual({
      'loyalty.transactions': { documentTypes: ['return'] },
      'loyalty.redemptions': {},
    });
  });

  it('reads the store streams, all document types, for the store channel', () => {
    expect(planJourney(spec({ channels: ['store'] }))).toEqual({
      'loyalty.members': {},
      'loyalty.transactions': {},
      'loyalty.redemptions': {},
    });
  });

  it('asks analytics for web visits without campaign for webVisit', () => {
    expect(planJourney(spec({ kinds: ['webVisit'] }))).toEqual({ 'analytics.visits': { site: 'web', campaign: 'exclude' } });
  });

  it('asks analytics for campaign visits on both sites for campaignVisit', () => {
    expect(planJourney(spec({ kinds: ['campaignVisit'] }))).toEqual({ 'analytics.visits': { campaign: 'only' } });
  });

  it('asks analytics for app visits without campaign for the app channel, and reads first logins and redemptions (those without a store are in the app)', () => {
    expect(planJourney(spec({ channels: ['app'] }))).toEqual({
      'loyalty.redemptions': {},
      'analytics.visits': { site: 'app', campaign: 'exclude' },
      'analytics.logins': {},
    });
  });

  it('asks analytics for campaign visits for the email channel, and reads CRM contacts', () => {
    expect(planJourney(spec({ channels: ['email'] }))).toEqual({
      'crm.contacts': {},
      'analytics.visits': { campaign: 'only' },
    });
  });

  it('reads no visit for campaign visits in the app channel (a campaign visit is in email or campaign)', () => {
    expect(planJourney(spec({ kinds: ['campaignVisit'], channels: ['app'] }))).toEqual({});
  });

  it('keeps both sites but no campaign condition for web and app visits with any campaign', () => {
    expect(planJourney(spec({ kinds: ['webVisit', 'campaignVisit'] }))).toEqual({ 'analytics.visits': {} });
    expect(planJourney(spec({ kinds: ['webVisit', 'appVisit'] }))).toEqual({ 'analytics.visits': { campaign: 'exclude' } });
  });

  it('reads nothing when no stream can hold a kept touchpoint', () => {
    expect(planJourney(spec({ kinds: ['membershipCreated'], channels: ['web'] }))).toEqual({});
  });
});
