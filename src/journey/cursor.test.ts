import { createHash, createHmac } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type JourneyCursorState } from './cursor.js';

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

  it('gives back streams waiting at their next touchpoint, in a part of their own', () => {
    const state: JourneyCursorState = {
      ...STATE,
      positions: {
        'loyalty.transactions': { kind: 'after', key: { at: 1775001600000, source: 'loyalty', sourceId: 'c0ffee', id: 'loyalty:transaction:c0ffee' } },
        'crm.contacts': { kind: 'next', key: { at: 1704100000000, source: 'crm', sourceId: '900001', id: 'crm:contact:900001:created' } },
        'loyalty.members': { kind: 'next', key: { at: 1704200000000, source: 'loyalty', sourceId: 'm1', id: 'loyalty:member:m1:created' } },
        'analytics.logins': { kind: 'end' },
      },
    };
    const text = encodeCursor(state, SECRET);
    expect(decodeCursor(text, SCOPE)).toEqual(state);
    const payload = JSON.parse(Buffer.from(text.split('.')[0]!, 'base64url').toString('utf8'));
    expect(payload.k).toEqual([
      [1704100000000, 'c', '900001', 'crm:contact:900001:created'],
      [1704200000000, 'l', 'm1', 'loyalty:member:m1:created'],
      [1775001600000, 'l', 'c0ffee', 'loyalty:transaction:c0ffee'],
    ]);
    expect(payload.p).toEqual({ lt: 2, al: -1 });
    expect(payload.n).toEqual({ cc: 0, lm: 1 });
  });

  it('has no waiting part when no stream waits', () => {
    const payload = JSON.parse(Buffer.from(encodeCursor(STATE, SECRET).split('.')[0]!, 'base64url').toString('utf8'));
    expect(Object.keys(payload)).toEqual(['v', 'g', 'f', 'k', 'p']);
  });

  it('stays under 850 characters with four streams waiting at keys of their own (ids of real lengths) beside the edge key', () => {
    const key = (at: number, source: 'crm' | 'loyalty' | 'commerce' | 'analytics', sourceId: string, id: string) => ({ at, source, sourceId, id });
    const uuid = 'c0ffee00-0000-4000-8000-000000000001';
    const state: JourneyCursorState = {
      ...STATE,
      positions: {
        'crm.contacts': { kind: 'next', key: key(1704100000000, 'crm', '12345678901', 'crm:contact:12345678901:created') },
        'loyalty.members': { kind: 'next', key: key(1704200000000, 'loyalty', uuid, `loyalty:member:${uuid}:created`) },
        'loyalty.transactions': { kind: 'after', key: key(1775001600000, 'loyalty', uuid, `loyalty:transaction:${uuid}`) },
        'loyalty.redemptions': { kind: 'after', key: key(1775001600000, 'loyalty', uuid, `loyalty:transaction:${uuid}`) },
        'commerce.customers': { kind: 'next', key: key(1704300000000, 'commerce', '7010012916537', 'commerce:customer:7010012916537:created') },
        'commerce.orders': { kind: 'after', key: key(1775001600000, 'loyalty', uuid, `loyalty:transaction:${uuid}`) },
        'analytics.visits': { kind: 'after', key: key(1775001600000, 'loyalty', uuid, `loyalty:transaction:${uuid}`) },
        'analytics.logins': { kind: 'next', key: key(1704400000000, 'analytics', '98765432', 'analytics:login:98765432') },
      },
    };
    const text = encodeCursor(state, SECRET);
    expect(decodeCursor(text, SCOPE)).toEqual(state);
    expect(text.length).toBeLessThan(850);
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
    const text = `${'A'.repeat(5000)}.${'A'.repeat(43)}`;
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
    const payload = Buffer.from(JSON.stringify({ v: 2, g: STATE.goldenId })).toString('base64url');
    const signed = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    expect(rejection(() => decodeCursor(signed, SCOPE))).toEqual(MALFORMED);
  });

  it.each([
    ['a stream both waiting and after a key', { p: { cc: 0 }, n: { cc: 0 } }],
    ['a waiting stream at a key it does not hold', { p: {}, n: { cc: 1 } }],
    ['a waiting stream at the end', { p: {}, n: { cc: -1 } }],
    ['a waiting part that is a list', { p: {}, n: [0] }],
    ['an unknown stream waiting', { p: {}, n: { zz: 0 } }],
  ])('refuses a signed payload with %s as not a journey cursor', (_name, parts) => {
    const wire = { v: 1, g: STATE.goldenId, f: JSON.parse(Buffer.from(encodeCursor(STATE, SECRET).split('.')[0]!, 'base64url').toString('utf8')).f, k: [[1, 'c', '1', 'x']], ...parts };
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
    const state: JourneyCursorState = { ...STATE, positions: { ...STATE.positions, 'analytics.logins': { kind: 'next', key: { at: 1700000000000, source: 'analytics', sourceId: 'v9', id: 'analytics:login:v9' } } } };
    const wire = {
      v: 1,
      g: STATE.goldenId,
      f: createHash('sha256').update(FILTER).digest('base64url').slice(0, 16),
      k: [
        [1775001600000, 's', '4501', 'commerce:order:4501'],
        [1775001500000, 'a', '77', 'analytics:visit:77'],
        [1700000000000, 'a', 'v9', 'analytics:login:v9'],
      ],
      p: { cc: -1, lt: 0, so: 0, av: 1 },
      n: { al: 2 },
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
