/**
 * The personalization question for many customers at once (bench/shared.ts PERSONALIZATION_QUERY,
 * the demo's segments and a lifetime-value model), through real HTTP: the gateway asks each silo
 * what the batch needs in as few calls as a hand-written client would. The calls that carry one
 * customer each (transactions, orders, visits) are per customer by the silos' APIs; the calls that
 * take many ids (records, communication preferences, product categories) go out once for the batch,
 * even though the consent gate opens at different times for customers with and without a loyalty
 * card.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERSONALIZATION_QUERY } from '../../bench/shared.js';
import { cdnowModel } from '../../src/insights/clv/fixtures/cdnow-model.js';
import { compileSegments } from '../../src/insights/segments/index.js';
import { useStack } from '../support/stack.js';

const compiled = compileSegments(JSON.parse(readFileSync(new URL('../../demo/segments.json', import.meta.url), 'utf8')));
if (!compiled.ok) throw new Error(compiled.errors.join('\n'));

describe('customers(ids:) with lifecycle, clv and segments', () => {
  const stack = useStack({ size: 300, insights: { clvModel: cdnowModel(), segments: compiled.segments, now: () => Date.parse('2026-11-01T12:00:00.000Z') } });

  it('reads the product categories of the whole batch in one products call', async () => {
    // 40 people, some with a loyalty card and some without, each asked by a record of theirs.
    const people = stack.population.truth.filter((t) => !t.household).slice(0, 40);
    const withCard = people.filter((p) => p.records.some((r) => r.source === 'loyalty')).length;
    expect(withCard).toBeGreaterThan(5);
    expect(withCard).toBeLessThan(people.length - 5);
    const ids = people.map((p) => `${p.records[0]!.source}:${p.records[0]!.id}`);
    // Links cached first, as the bench's warm batches are.
    await stack.query(PERSONALIZATION_QUERY, { ids });
    for (const simulator of Object.values(stack.demo.simulators)) simulator.resetStats();
    const { body } = await stack.query(PERSONALIZATION_QUERY, { ids });
    expect(body.data!.customers).toHaveLength(40);
    expect((body.errors ?? []).filter((e) => e.extensions!['code'] !== 'CONSENT_REQUIRED')).toEqual([]);
    const calls = (source: 'crm' | 'loyalty' | 'commerce' | 'analytics') => stack.demo.simulators[source].stats().byRoute;
    // Per customer by the APIs: one call per customer with a shop account (orders) and more.
    expect(calls('commerce')['orders.list']).toBeGreaterThan(5);
    // Many ids a call: one each for the batch.
    expect(calls('commerce')).toMatchObject({ 'customers.list': 1, 'products.list': 1 });
    expect(calls('loyalty')['member.list']).toBe(1);
    expect(calls('crm')).toEqual({ 'contacts.batchRead': 1, 'subscriptions.batchRead': 1 });
  });
});
