import { describe, expect, it } from 'vitest';
import { AT_END, type JourneyCursorState } from './cursor.js';
import type { TouchpointKey } from './order.js';
import { givenAfter, reconcileRecords, recordDigest, recordDigests, recordsWithin, sharesRecord, wasGiven } from './records.js';

const key = (at: string, sourceId: string): TouchpointKey => ({ at: Date.parse(at), source: 'loyalty', sourceId, id: `loyalty:storePurchase:${sourceId}` });
const EDGE = key('2026-05-01T00:00:00.000Z', 't5');
const M1 = recordDigest('m1');
const M2 = recordDigest('m2');

/** A cursor after EDGE for the loyalty and commerce streams, made knowing `records`. */
function cursor(records: JourneyCursorState['records']): JourneyCursorState {
  return {
    goldenId: 'cus_x',
    filterKey: '[]',
    positions: {
      'loyalty.transactions': { kind: 'after', key: EDGE },
      'loyalty.members': { kind: 'waiting', key: EDGE, next: { at: Date.parse('2026-01-01T00:00:00.000Z'), id: 'm1' } },
      'loyalty.redemptions': AT_END,
      'commerce.orders': { kind: 'after', key: EDGE },
    },
    records,
  };
}

describe('record digests', () => {
  it('are FNV-1a of the id, 32 bits: the same id the same digest, others another', () => {
    // The published FNV-1a test vector for "a".
    expect(recordDigest('a')).toBe(0xe40c292c);
    expect(recordDigest('0b1e0000-0000-4000-8000-00000000b001')).toBe(recordDigest('0b1e0000-0000-4000-8000-00000000b001'));
    expect(recordDigest('0b1e0000-0000-4000-8000-00000000b001')).not.toBe(recordDigest('0b1e0000-0000-4000-8000-00000000b002'));
  });

  it('keep a silo absent (records unknown) apart from one with none, the shop ids also as what the analytics streams match', () => {
    expect(recordDigests({ loyalty: ['m1'], commerce: [] })).toEqual({ loyalty: [M1], commerce: [], analyticsShops: [] });
  });
});

describe('reconciling a cursor with the records known now', () => {
  it('starts from the newest with the records known now when there is no cursor', () => {
    const now = recordDigests({ loyalty: ['m1'] });
    expect(reconcileRecords(undefined, now, true)).toEqual({ positions: undefined, given: {}, failing: [], records: now });
  });

  it('keeps every position when the records are those the cursor was made for', () => {
    const after = cursor({ loyalty: [M1], commerce: [] });
    const reconciled = reconcileRecords(after, { loyalty: [M1], commerce: [] }, true);
    expect(reconciled.positions).toBe(after.positions);
    expect(reconciled.given).toEqual({});
    expect(reconciled.failing).toEqual([]);
  });

  it("reads a silo whose records grew from the newest, skipping its old records' touchpoints up to each stream's place, all of them for an ended stream", () => {
    const reconciled = reconcileRecords(cursor({ loyalty: [M1], commerce: [] }), { loyalty: [M1, M2], commerce: [] }, true);
    expect(reconciled.positions).toEqual({ 'commerce.orders': { kind: 'after', key: EDGE } });
    expect(reconciled.given).toEqual({
      'loyalty.members': [{ records: [M1], through: EDGE }],
      'loyalty.transactions': [{ records: [M1], through: EDGE }],
      'loyalty.redemptions': [{ records: [M1], through: null }],
    });
    expect(reconciled.records).toEqual({ loyalty: [M1, M2], commerce: [] });
  });

  it('adds to what a stream skips already when its records grow again', () => {
    const earlier = key('2026-06-01T00:00:00.000Z', 't6');
    const after: JourneyCursorState = { ...cursor({ loyalty: [M1, M2] }), given: { 'loyalty.transactions': [{ records: [M1], through: earlier }] } };
    const m3 = recordDigest('m3');
    expect(reconcileRecords(after, { loyalty: [M1, M2, m3] }, true).given['loyalty.transactions']).toEqual([
      { records: [M1], through: earlier },
      { records: [M1, M2], through: EDGE },
    ]);
  });

  it('fails a silo that lost a record while the resolution is incomplete, keeping its positions and the records the cursor knew', () => {
    const after = cursor({ loyalty: [M1, M2], commerce: [] });
    const reconciled = reconcileRecords(after, { loyalty: [M1], commerce: [] }, false);
    expect(reconciled.failing).toEqual(['loyalty.members', 'loyalty.transactions', 'loyalty.redemptions']);
    expect(reconciled.positions).toBe(after.positions);
    expect(reconciled.records).toEqual({ loyalty: [M1, M2], commerce: [] });
  });

  it('goes on without a record no longer the customer’s once the resolution is complete', () => {
    const after = cursor({ loyalty: [M1, M2] });
    const reconciled = reconcileRecords(after, { loyalty: [M1] }, true);
    expect(reconciled.failing).toEqual([]);
    expect(reconciled.positions).toBe(after.positions);
    expect(reconciled.records).toEqual({ loyalty: [M1] });
  });

  it('keeps the digests of a silo unknown now, and compares nothing for one unknown then or a cursor without digests', () => {
    expect(reconcileRecords(cursor({ loyalty: [M1], commerce: [7] }), { commerce: [7] }, false).records).toEqual({ loyalty: [M1], commerce: [7] });
    const unknownThen = cursor({ commerce: [] });
    expect(reconcileRecords(unknownThen, { loyalty: [M1, M2], commerce: [] }, true).positions).toBe(unknownThen.positions);
    const old = cursor(undefined);
    expect(reconcileRecords(old, { loyalty: [M1, M2] }, true)).toEqual({ positions: old.positions, given: {}, failing: [], records: { loyalty: [M1, M2] } });
  });
});

describe('what a stream gave already', () => {
  const given = [{ records: [M1], through: EDGE }];

  it("is a touchpoint of an old record at or before its place, not a new record's, nor one after it", () => {
    expect(wasGiven(given, { recordId: 'm1' }, EDGE)).toBe(true);
    expect(wasGiven(given, { recordId: 'm1' }, key('2026-06-01T00:00:00.000Z', 't6'))).toBe(true);
    expect(wasGiven(given, { recordId: 'm2' }, key('2026-06-01T00:00:00.000Z', 't6'))).toBe(false);
    expect(wasGiven(given, { recordId: 'm1' }, key('2026-04-01T00:00:00.000Z', 't4'))).toBe(false);
    expect(wasGiven([{ records: [M1], through: null }], { recordId: 'm1' }, key('1999-01-01T00:00:00.000Z', 't0'))).toBe(true);
  });

  it('is passed once the stream stands at or after its place, and never at the stream’s end', () => {
    expect(givenAfter(given, key('2026-06-01T00:00:00.000Z', 't6'))).toBe(given);
    expect(givenAfter(given, EDGE)).toBeUndefined();
    expect(givenAfter([{ records: [M1], through: null }], EDGE)).toEqual([{ records: [M1], through: null }]);
    expect(givenAfter(given, null)).toBeUndefined();
  });
});

describe('the analytics streams when the shop records grow', () => {
  it("read from the newest again, skipping a logged-in touchpoint only if its device and shop id were both known, an anonymous visit if its device was", () => {
    const s1 = recordDigest('s1');
    const v1 = recordDigest('v1');
    const after: JourneyCursorState = {
      goldenId: 'cus_x',
      filterKey: '[]',
      positions: {
        'analytics.logins': { kind: 'waiting', key: EDGE, next: { at: 0, id: '1' } },
        'analytics.visits': { kind: 'after', key: EDGE },
        'commerce.orders': { kind: 'after', key: EDGE },
      },
      records: { analytics: [v1], commerce: [s1], analyticsShops: [s1] },
    };
    const reconciled = reconcileRecords(after, recordDigests({ analytics: ['v1'], commerce: ['s1', 's2'] }), true);
    expect(reconciled.positions).toEqual({});
    const entry = { records: [v1], loggedInAs: [s1], through: EDGE };
    expect(reconciled.given).toEqual({ 'commerce.orders': [{ records: [s1], through: EDGE }], 'analytics.visits': [entry], 'analytics.logins': [entry] });
    const later = key('2026-06-01T00:00:00.000Z', 'x');
    expect(wasGiven([entry], { recordId: 'v1', loggedInAs: 's1' }, later)).toBe(true);
    expect(wasGiven([entry], { recordId: 'v1', loggedInAs: 's2' }, later)).toBe(false);
    expect(wasGiven([entry], { recordId: 'v1' }, later)).toBe(true);
  });

  it('skip, after a first shop record is found, every visit of the devices known before and no first login', () => {
    const v1 = recordDigest('v1');
    const after: JourneyCursorState = {
      goldenId: 'cus_x',
      filterKey: '[]',
      positions: { 'analytics.logins': AT_END, 'analytics.visits': { kind: 'after', key: EDGE } },
      records: { analytics: [v1], commerce: [], analyticsShops: [] },
    };
    const { given } = reconcileRecords(after, recordDigests({ analytics: ['v1'], commerce: ['s1'] }), true);
    expect(given).toEqual({ 'analytics.visits': [{ records: [v1], through: EDGE }], 'analytics.logins': [{ records: [v1], loggedInAs: [], through: null }] });
    expect(wasGiven(given['analytics.visits']!, { recordId: 'v1', loggedInAs: 's1' }, EDGE)).toBe(true);
    expect(wasGiven(given['analytics.logins']!, { recordId: 'v1', loggedInAs: 's1' }, EDGE)).toBe(false);
  });

  it('fail, keeping their place and the shop ids they stand for, when a shop record is missing while the resolution is incomplete', () => {
    const after: JourneyCursorState = { ...cursor({ analytics: [1], commerce: [2, 3], analyticsShops: [2, 3] }), positions: { 'analytics.logins': { kind: 'after', key: EDGE } } };
    const reconciled = reconcileRecords(after, { analytics: [1], commerce: [2], analyticsShops: [2] }, false);
    expect(reconciled.failing).toEqual(['commerce.customers', 'commerce.orders', 'analytics.visits', 'analytics.logins']);
    expect(reconciled.records).toEqual({ analytics: [1], commerce: [2, 3], analyticsShops: [2, 3] });
  });

  it('keep the analytics bases of the cursor when only the analytics streams fail, while the shop streams go on with the records known now', () => {
    const after: JourneyCursorState = { ...cursor({ analytics: [1, 4], commerce: [2], analyticsShops: [2] }), positions: { 'analytics.visits': { kind: 'after', key: EDGE } } };
    const reconciled = reconcileRecords(after, { analytics: [1], commerce: [2, 3], analyticsShops: [2, 3] }, false);
    expect(reconciled.failing).toEqual(['analytics.visits', 'analytics.logins']);
    expect(reconciled.records).toEqual({ analytics: [1, 4], commerce: [2, 3], analyticsShops: [2] });
  });
});

describe('sharing a record', () => {
  it('tells a cursor of this customer under another golden id from one of another customer', () => {
    expect(sharesRecord({ crm: [1], loyalty: [M1] }, { loyalty: [M2, M1] })).toBe(true);
    expect(sharesRecord({ crm: [1], loyalty: [M1] }, { loyalty: [M2], commerce: [1] })).toBe(false);
  });

  it('tells a cluster within another: every record known on both sides among the other’s', () => {
    expect(recordsWithin({ loyalty: [M1] }, { crm: [1], loyalty: [M1, M2] })).toBe(true);
    expect(recordsWithin({ crm: [2], loyalty: [M1] }, { crm: [1], loyalty: [M1, M2] })).toBe(false);
    // A silo unknown on either side is not compared.
    expect(recordsWithin({ crm: [2], loyalty: [M1] }, { loyalty: [M1, M2] })).toBe(true);
  });
});
