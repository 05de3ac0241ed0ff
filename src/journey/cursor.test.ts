import { createHash, createHmac } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type JourneyCursorState } from './cursor.js';
import type { TouchpointKey } from './order.js';
import { recordDigest } from './records.js';

const SECRET = 'test-cursor-secret';
const FILTER = '[[],[],null,null]';
const STATE: JourneyCursorState = {
  goldenId: 'cus_MXxjcm18NDY3',
  filterKey: FILTER,
  positions: {
    'loyalty.transactions': { kind: 'after', key: { at: 1775001600000, source: 'commerce', sourceId: '4501', id: 'commerce:order:4501' } },
    'commerce.orders': { kind: 'after', key: { at: 1775001600000, source: 'commerce', sourceId: '4501', id: 'commerce:order:4501' } },
    'analytics.visits': { kind: 'after', key: { at: 1775001500000, source: 'analytics', sourceId: '77', id: 'analytics:visit:77' } },
    'crm.contacts': { kind: 'end' },
  },
};
const SCOPE = { goldenId: STATE.goldenId, filterKey: FILTER, secret: SECRET };

function rejection(run: () => unknown): { message: string; code: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return { message: error.message, code: error.extensions['code'] };
    throw error;
  }
  throw new Error('expected a rejection');
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The text with one character replaced by the base64url character one bit away (its lowest
 * bit). In the signature's last character that bit is padding: the decoded bytes do not change.
 */
function flip(text: string, index: number): string {
  const replacement = BASE64URL[BASE64URL.indexOf(text[index]!) ^ 1]!;
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

const MALFORMED = { code: 'BAD_USER_INPUT', message: 'after is not a journey cursor: pass an endCursor or cursor this API returned.' };
const TAMPERED = { code: 'BAD_USER_INPUT', message: 'after is not valid here: its signature does not match (it was altered, or signed by a gateway with another GATEWAY_CURSOR_SECRET, or before a restart without one): pass a cursor exactly as this gateway returned it, or ask again without after.' };
const ELSEWHERE = {
  code: 'BAD_USER_INPUT',
  message: 'after belongs to another customer or another filter: ask again without after, with the same filter.',
};

describe('the journey cursor', () => {
  it('gives back the positions it was made with', () => {
    expect(decodeCursor(encodeCursor(STATE, SECRET), SCOPE)).toEqual(STATE);
  });

  it('gives back a cursor without positions', () => {
    const state: JourneyCursorState = { ...STATE, positions: {} };
    expect(decodeCursor(encodeCursor(state, SECRET), SCOPE)).toEqual(state);
  });

  it('is short: streams at one edge share its key', () => {
    const text = encodeCursor(STATE, SECRET);
    const payload = JSON.parse(Buffer.from(text.split('.')[0]!, 'base64url').toString('utf8'));
    expect(payload.k).toEqual([
      [1775001600000, 's', '4501', 'commerce:order:4501'],
      [1775001500000, 'a', '77', 'analytics:visit:77'],
    ]);
    expect(payload.p).toEqual({ cc: -1, lt: 0, so: 0, av: 1 });
    expect(text.length).toBeLessThan(300);
  });

  it('gives back streams waiting for their next touchpoint: its time in a part of their own, their key shared', () => {
    const edge = { at: 1775001600000, source: 'loyalty', sourceId: 'c0ffee', id: 'loyalty:transaction:c0ffee' } as const;
    const state: JourneyCursorState = {
      ...STATE,
      positions: {
        'loyalty.transactions': { kind: 'after', key: edge },
        'crm.contacts': { kind: 'waiting', key: edge, next: { at: 1704100000000, id: '900001' } },
        'loyalty.members': { kind: 'waiting', key: edge, next: { at: 1704200000000, id: 'm1' } },
        'analytics.logins': { kind: 'end' },
      },
    };
    const text = encodeCursor(state, SECRET);
    expect(decodeCursor(text, SCOPE)).toEqual(state);
    const payload = JSON.parse(Buffer.from(text.split('.')[0]!, 'base64url').toString('utf8'));
    expect(payload.k).toEqual([[1775001600000, 'l', 'c0ffee', 'loyalty:transaction:c0ffee']]);
    expect(payload.p).toEqual({ cc: 0, lm: 0, lt: 0, al: -1 });
    expect(payload.n).toEqual({ cc: [1704100000000, '900001'], lm: [1704200000000, 'm1'] });
  });

  it('has no waiting part when no stream waits', () => {
    const payload = JSON.parse(Buffer.from(encodeCursor(STATE, SECRET).split('.')[0]!, 'base64url').toString('utf8'));
    expect(Object.keys(payload)).toEqual(['v', 'g', 'f', 'k', 'p']);
  });

  it('stays under 600 characters with all eight streams after one edge, four of them waiting (ids of real lengths)', () => {
    const uuid = 'c0ffee00-0000-4000-8000-000000000001';
    const edge = { at: 1775001600000, source: 'loyalty', sourceId: uuid, id: `loyalty:transaction:${uuid}` } as const;
    const state: JourneyCursorState = {
      ...STATE,
      positions: {
        'crm.contacts': { kind: 'waiting', key: edge, next: { at: 1704100000000, id: '12345678901' } },
        'loyalty.members': { kind: 'waiting', key: edge, next: { at: 1704200000000, id: uuid } },
        'loyalty.transactions': { kind: 'after', key: edge },
        'loyalty.redemptions': { kind: 'after', key: edge },
        'commerce.customers': { kind: 'waiting', key: edge, next: { at: 1704300000000, id: '7010012916537' } },
        'commerce.orders': { kind: 'after', key: edge },
        'analytics.visits': { kind: 'after', key: edge },
        'analytics.logins': { kind: 'waiting', key: edge, next: { at: 1704400000000, id: '98765432' } },
      },
    };
    const text = encodeCursor(state, SECRET);
    expect(decodeCursor(text, SCOPE)).toEqual(state);
    expect(text.length).toBeLessThan(600);
  });

  it('gives back the record digests of each silo (null: unknown) and what streams gave already, sharing keys', () => {
    const edge = STATE.positions['loyalty.transactions']!;
    const state: JourneyCursorState = {
      ...STATE,
      records: { crm: [recordDigest('900001')], loyalty: [recordDigest('m1'), recordDigest('m2')], commerce: [] },
      given: {
        'loyalty.transactions': [{ records: [recordDigest('m1')], through: (edge as { key: TouchpointKey }).key }],
        'loyalty.members': [{ records: [recordDigest('m1')], through: null }],
      },
    };
    const text = encodeCursor(state, SECRET);
    expect(decodeCursor(text, SCOPE)).toEqual(state);
    const payload = JSON.parse(Buffer.from(text.split('.')[0]!, 'base64url').toString('utf8'));
    // 6 characters a record; the analytics records (and the shop ids they matched) unknown; the given key is the edge's.
    expect(payload.r.map((digests: string | null) => digests?.length ?? null)).toEqual([6, 12, 0, null, null]);
    expect(payload.k).toHaveLength(2);
    expect(payload.b).toEqual({ lm: [[-1, expect.any(String)]], lt: [[0, expect.any(String)]] });
  });

  it('reads a cursor without record digests (made before they existed) as standing for unknown records', () => {
    const decoded = decodeCursor(encodeCursor(STATE, SECRET), SCOPE);
    expect(decoded.records).toBeUndefined();
    expect(decoded.given).toBeUndefined();
  });

  it("asks whether another golden id is this customer's with the records the cursor carries", () => {
    const records = { loyalty: [recordDigest('m1')] };
    const text = encodeCursor({ ...STATE, goldenId: 'cus_other', records }, SECRET);
    const asked: unknown[] = [];
    const sameCustomer = (goldenId: string, carried: unknown) => {
      asked.push([goldenId, carried]);
      return true;
    };
    expect(decodeCursor(text, { ...SCOPE, sameCustomer }).records).toEqual(records);
    expect(asked).toEqual([['cus_other', records]]);
  });

  it('refuses a signed payload whose record digests or given parts are not ours as not a journey cursor', () => {
    const base = { v: 2, g: STATE.goldenId, f: createHash('sha256').update(FILTER).digest('base64url').slice(0, 16), k: [], p: {} };
    for (const extra of [{ r: ['abc'] }, { r: ['abcdef'] }, { r: [null, null, null, 7] }, { b: { lt: [[0, 'abcdef']] } }, { b: { xx: [[-1, '']] } }, { b: { lt: [[-1]] } }]) {
      const payload = Buffer.from(JSON.stringify({ ...base, ...extra })).toString('base64url');
      const signed = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
      expect(rejection(() => decodeCursor(signed, SCOPE))).toEqual(MALFORMED);
    }
  });

  it('is the same text for the same state (the edges of one page can be compared)', () => {
    expect(encodeCursor(STATE, SECRET)).toBe(encodeCursor({ ...STATE, positions: { ...STATE.positions } }, SECRET));
  });

  it.each([
    ['an empty text', ''],
    ['text without a signature', 'eyJ2IjoxfQ'],
    ['an offset from another API', 'YXJyYXljb25uZWN0aW9uOjE5'],
    ['two dots', 'a.b.c'],
  ])('refuses %s as not a journey cursor', (_name, text) => {
    expect(rejection(() => decodeCursor(text, SCOPE))).toEqual(MALFORMED);
  });

  it('refuses a text longer than any cursor without reading it', () => {
    const text = `${'A'.repeat(20_000)}.${'A'.repeat(43)}`;
    expect(rejection(() => decodeCursor(text, SCOPE))).toEqual(MALFORMED);
  });

  it('refuses a cursor with one character of its payload changed as altered', () => {
    const text = encodeCursor(STATE, SECRET);
    for (const index of [0, 10, text.indexOf('.') - 1]) {
      expect(rejection(() => decodeCursor(flip(text, index), SCOPE))).toEqual(TAMPERED);
    }
  });

  it('refuses a cursor with one character of its signature changed as altered, the last one too', () => {
    const text = encodeCursor(STATE, SECRET);
    for (const index of [text.indexOf('.') + 1, text.length - 1]) {
      expect(rejection(() => decodeCursor(flip(text, index), SCOPE))).toEqual(TAMPERED);
    }
  });

  it('refuses a payload written by a client and signed with another secret as altered', () => {
    const forged = encodeCursor(STATE, 'another-secret');
    expect(rejection(() => decodeCursor(forged, SCOPE))).toEqual(TAMPERED);
  });

  it('refuses a cursor of another customer', () => {
    const text = encodeCursor({ ...STATE, goldenId: 'cus_MXxjcm18NDY4' }, SECRET);
    expect(rejection(() => decodeCursor(text, SCOPE))).toEqual(ELSEWHERE);
  });

  it('refuses a cursor made for another filter', () => {
    const text = encodeCursor({ ...STATE, filterKey: '[["webVisit"],[],null,null]' }, SECRET);
    expect(rejection(() => decodeCursor(text, SCOPE))).toEqual(ELSEWHERE);
  });

  it('refuses a signed payload that is not a cursor of this version as not a journey cursor', () => {
    const payload = Buffer.from(JSON.stringify({ v: 3, g: STATE.goldenId })).toString('base64url');
    const signed = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    expect(rejection(() => decodeCursor(signed, SCOPE))).toEqual(MALFORMED);
  });

  it('refuses a cursor of version 1, from before an upgrade, saying so', () => {
    // Version 1 kept a waiting stream's next touchpoint whole: `n` named its key.
    const wire = { v: 1, g: STATE.goldenId, f: createHash('sha256').update(FILTER).digest('base64url').slice(0, 16), k: [[1700000000000, 'a', 'v9', 'analytics:login:v9']], p: {}, n: { al: 0 } };
    const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
    const signed = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    expect(rejection(() => decodeCursor(signed, SCOPE))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'after was made by an earlier version of this gateway, whose cursors this one no longer reads: ask again without after.',
    });
  });

  it.each([
    ['a stream waiting without a position', { p: {}, n: { cc: [1700000000000, '1'] } }],
    ['a stream waiting at its end', { p: { cc: -1 }, n: { cc: [1700000000000, '1'] } }],
    ['a waiting time that is not a whole number', { p: { cc: 0 }, n: { cc: [1.5, '1'] } }],
    ['a waiting point without its event id', { p: { cc: 0 }, n: { cc: [1700000000000] } }],
    ['a waiting point with a numeric event id', { p: { cc: 0 }, n: { cc: [1700000000000, 1] } }],
    ['a waiting point that is a bare time', { p: { cc: 0 }, n: { cc: 1700000000000 } }],
    ['a waiting part that is a list', { p: {}, n: [0] }],
    ['an unknown stream waiting', { p: { zz: 0 }, n: { zz: [1700000000000, '1'] } }],
  ])('refuses a signed payload with %s as not a journey cursor', (_name, parts) => {
    const wire = { v: 2, g: STATE.goldenId, f: JSON.parse(Buffer.from(encodeCursor(STATE, SECRET).split('.')[0]!, 'base64url').toString('utf8')).f, k: [[1, 'c', '1', 'x']], ...parts };
    const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
    const signed = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    expect(rejection(() => decodeCursor(signed, SCOPE))).toEqual(MALFORMED);
  });

  it('never repeats the cursor in its message', () => {
    const text = encodeCursor(STATE, SECRET);
    const messages = [flip(text, 3), 'garbage', encodeCursor({ ...STATE, goldenId: 'cus_other' }, SECRET)].map(
      (bad) => rejection(() => decodeCursor(bad, SCOPE)).message,
    );
    for (const message of messages) {
      expect(message).not.toContain(text.slice(0, 12));
      expect(message).not.toContain('garbage');
    }
  });

  it('is the documented text: the payload JSON in base64url, a dot, its HMAC-SHA256', () => {
    const visit = STATE.positions['analytics.visits'] as { kind: 'after'; key: { at: number; source: 'analytics'; sourceId: string; id: string } };
    const state: JourneyCursorState = { ...STATE, positions: { ...STATE.positions, 'analytics.logins': { kind: 'waiting', key: visit.key, next: { at: 1700000000000, id: 'v9' } } } };
    const wire = {
      v: 2,
      g: STATE.goldenId,
      f: createHash('sha256').update(FILTER).digest('base64url').slice(0, 16),
      k: [
        [1775001600000, 's', '4501', 'commerce:order:4501'],
        [1775001500000, 'a', '77', 'analytics:visit:77'],
      ],
      p: { cc: -1, lt: 0, so: 0, av: 1, al: 1 },
      n: { al: [1700000000000, 'v9'] },
    };
    const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
    expect(encodeCursor(state, SECRET)).toBe(`${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`);
  });

  it('tells filters apart however many other filters were asked before', () => {
    const made = encodeCursor(STATE, SECRET);
    // More filters than the digests the encoder remembers: it starts over, and still tells them apart.
    const others = Array.from({ length: 1500 }, (_, i) => `[["storePurchase"],[],${i},null]`);
    for (const filterKey of others) encodeCursor({ ...STATE, filterKey }, SECRET);
    expect(encodeCursor(STATE, SECRET)).toBe(made);
    expect(decodeCursor(made, SCOPE)).toEqual(STATE);
    const another = encodeCursor({ ...STATE, filterKey: others[7]! }, SECRET);
    expect(rejection(() => decodeCursor(another, SCOPE))).toEqual(ELSEWHERE);
    expect(decodeCursor(another, { ...SCOPE, filterKey: others[7]! }).filterKey).toBe(others[7]);
  });

  it('refuses to sign with an empty secret', () => {
    expect(() => encodeCursor(STATE, '')).toThrow('The journey cursor secret is empty: cursors cannot be signed.');
  });
});
