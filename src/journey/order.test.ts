import { describe, expect, it } from 'vitest';
import { compareKeys, compareTouchpoints, touchpointKey, type TouchpointKey } from './order.js';
import type { TouchpointRecord } from './touchpoint.js';

function touchpoint(fields: Pick<TouchpointRecord, 'id' | 'occurredAt' | 'source' | 'sourceId'>): TouchpointRecord {
  return { kind: 'webVisit', channel: 'web', recordId: 'r1', summary: 'x', items: [], discountCodes: [], pagesViewed: [], productsViewed: [], ...fields };
}

describe('the journey order', () => {
  it('puts the newest touchpoint first', () => {
    const older = touchpoint({ id: 'crm:contact:1', occurredAt: '2026-01-01T00:00:00.000Z', source: 'crm', sourceId: '1' });
    const newer = touchpoint({ id: 'analytics:visit:9', occurredAt: '2026-01-02T00:00:00.000Z', source: 'analytics', sourceId: '9' });
    expect([older, newer].sort(compareTouchpoints).map((t) => t.id)).toEqual(['analytics:visit:9', 'crm:contact:1']);
  });

  it('orders touchpoints at the same instant by source: crm, loyalty, commerce, analytics', () => {
    const at = '2026-01-01T10:00:00.000Z';
    const list = [
      touchpoint({ id: 'analytics:visit:1', occurredAt: at, source: 'analytics', sourceId: '1' }),
      touchpoint({ id: 'commerce:order:1', occurredAt: at, source: 'commerce', sourceId: '1' }),
      touchpoint({ id: 'loyalty:transaction:1', occurredAt: at, source: 'loyalty', sourceId: '1' }),
      touchpoint({ id: 'crm:contact:1', occurredAt: at, source: 'crm', sourceId: '1' }),
    ];
    expect(list.sort(compareTouchpoints).map((t) => t.id)).toEqual([
      'crm:contact:1',
      'loyalty:transaction:1',
      'commerce:order:1',
      'analytics:visit:1',
    ]);
  });

  it('compares the same instant in one silo by event id, whole numbers by value (9 before 10)', () => {
    const at = '2026-01-01T10:00:00.000Z';
    const list = [
      touchpoint({ id: 'commerce:order:10', occurredAt: at, source: 'commerce', sourceId: '10' }),
      touchpoint({ id: 'commerce:order:9', occurredAt: at, source: 'commerce', sourceId: '9' }),
    ];
    expect(list.sort(compareTouchpoints).map((t) => t.id)).toEqual(['commerce:order:9', 'commerce:order:10']);
  });

  it('breaks a tie between touchpoints of one event by their id', () => {
    const at = '2026-01-01T10:00:00.000Z';
    const list = [
      touchpoint({ id: 'commerce:order:4501:code:WELCOME10', occurredAt: at, source: 'commerce', sourceId: '4501' }),
      touchpoint({ id: 'commerce:order:4501:code:SPRING', occurredAt: at, source: 'commerce', sourceId: '4501' }),
      touchpoint({ id: 'commerce:order:4501', occurredAt: at, source: 'commerce', sourceId: '4501' }),
    ];
    expect(list.sort(compareTouchpoints).map((t) => t.id)).toEqual([
      'commerce:order:4501',
      'commerce:order:4501:code:SPRING',
      'commerce:order:4501:code:WELCOME10',
    ]);
  });

  it('reads the same instant written in another zone as the same time', () => {
    const a = touchpoint({ id: 'crm:contact:1', occurredAt: '2026-01-01T12:00:00+02:00', source: 'crm', sourceId: '1' });
    expect(touchpointKey(a)).toEqual({ at: 1767261600000, source: 'crm', sourceId: '1', id: 'crm:contact:1' });
  });

  it('says 0 only for equal keys', () => {
    const key: TouchpointKey = { at: 5, source: 'loyalty', sourceId: 'a', id: 'loyalty:transaction:a' };
    expect(compareKeys(key, { ...key })).toBe(0);
    expect(compareKeys(key, { ...key, id: 'loyalty:transaction:b' })).toBeLessThan(0);
    expect(compareKeys({ ...key, sourceId: 'b' }, key)).toBeGreaterThan(0);
  });
});
