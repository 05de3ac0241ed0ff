import { afterAll, describe, expect, it } from 'vitest';
import { shapeDifferences, startVendorReplay, type VendorFixture, type VendorReplay } from './vendor-fixture.js';

describe('shapeDifferences', () => {
  it('finds missing, extra and mistyped fields, through arrays, and lets null match any type', () => {
    const documented = { results: [{ id: '1', properties: { email: 'a@b.c', firstname: null } }], total: 1, paging: { next: { after: '2' } } };
    const ours = { results: [{ id: 1, properties: { email: 'x@y.z', firstname: 'Anna', extra: true } }], total: 1 };
    expect(shapeDifferences(documented, ours)).toEqual([
      { path: 'results[].id', kind: 'type', documented: 'string', ours: 'number' },
      { path: 'results[].properties.extra', kind: 'extra' },
      { path: 'paging', kind: 'missing' },
    ]);
    expect(shapeDifferences(documented, ours, ['paging', 'results[].properties.extra', 'results[].id'])).toEqual([]);
  });
});

describe('startVendorReplay', () => {
  const fixture: VendorFixture = {
    file: 'inline',
    documentation: 'https://example.com/docs',
    retrieved: '2026-11-30',
    about: 'one member',
    request: { method: 'GET', path: '/api/member', query: { 'customer:email': 'a@b.c' }, headers: {} },
    response: { status: 200, headers: { 'x-total': '1' }, body: { items: [{ id: 'm1' }] } },
  };
  let replay: VendorReplay;
  afterAll(() => replay?.close());

  it('answers a request with the documented path and query by the fixture, anything else 404, and records both', async () => {
    replay = await startVendorReplay([fixture]);
    const hit = await fetch(`${replay.url}/api/member?customer:email=a@b.c&page=1`);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-total')).toBe('1');
    expect(await hit.json()).toEqual({ items: [{ id: 'm1' }] });
    const miss = await fetch(`${replay.url}/api/member?customer:email=other@b.c`);
    expect(miss.status).toBe(404);
    expect(replay.received.map((r) => r.answeredBy?.about ?? null)).toEqual(['one member', null]);
    expect(replay.received[0]!.query).toEqual({ 'customer:email': 'a@b.c', page: '1' });
  });
});
