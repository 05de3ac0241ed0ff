/**
 * IDENTITY_MAX_RECORDS through real HTTP: a customer whose records chain further than the limit
 * answers at most the limit, is not cached, and the silos are not asked for what lies beyond.
 *
 * The chain (README "Expand"): CRM contact 70001 carries an email; by it, loyalty member and shop
 * customer 770001; by the shop customer's id, analytics device a1b2c3d4e5f60718 (whose visits
 * carry it as their userId). Four records, found over three rounds.
 */
import { describe, expect, it } from 'vitest';
import type { Population } from '../../connectors/population.js';
import { PopulationEdit } from '../support/population-edit.js';
import { resolvedCustomer, useStack, type Stack } from '../support/stack.js';

const EMAIL = 'yannick.le.bihan@example.org';
const MEMBER = '00000000-0000-4000-8000-000000070001';
const QUERY = `query ($id: ID!) { customer(id: $id) { resolution { complete truncated } sourceRecords { key } } }`;

interface Answer {
  resolution: { complete: boolean; truncated: boolean };
  sourceRecords: Array<{ key: string }>;
}

function chain(generated: Population): Population {
  const edit = new PopulationEdit(generated);
  const name = { first: 'Yannick', last: 'Le Bihan' };
  edit.person([
    edit.contact({ email: EMAIL, firstname: name.first, lastname: name.last }, { id: '70001' }),
    edit.member({ customerId: MEMBER, email: EMAIL, firstName: name.first, lastName: name.last }),
    edit.shopCustomer({ id: 770001, email: EMAIL, first_name: name.first, last_name: name.last }),
    edit.visitor('a1b2c3d4e5f60718', ['770001', '770001']),
  ]);
  return edit.population;
}

const lookupCallsOf = (stack: Stack) => ({
  crm: stack.demo.simulators.crm.stats().requests,
  analytics: stack.demo.simulators.analytics.stats().requests,
});

describe('resolution within the default IDENTITY_MAX_RECORDS (50)', () => {
  const stack = useStack({ size: 40, prepare: chain });

  it('finds the whole chain of four records, the analytics device included', async () => {
    const customer = await resolvedCustomer<Answer>(stack, QUERY, 'crm:70001');
    expect(customer.sourceRecords).toEqual([
      { key: 'crm:70001' },
      { key: 'commerce:770001' },
      { key: `loyalty:${MEMBER}` },
      { key: 'analytics:a1b2c3d4e5f60718' },
    ]);
    expect(customer.resolution).toEqual({ complete: true, truncated: false });
    expect(lookupCallsOf(stack).analytics).toBeGreaterThan(0);
  });
});

describe('resolution at IDENTITY_MAX_RECORDS=2', () => {
  const stack = useStack({
    size: 40,
    prepare: chain,
    settings: (settings) => ({ ...settings, identity: { ...settings.identity, maxRecords: 2 } }),
  });

  it('answers two records, truncated but complete as no silo failed, and never asks analytics for the shop id that would find the third', async () => {
    const customer = await resolvedCustomer<Answer>(stack, QUERY, 'crm:70001');
    // Round 2 finds the member and the shop customer by email; the first in anchor order (crm,
    // commerce, loyalty, analytics) joins, then the bound stops the resolution: the shop
    // customer's id, which would find the device, is never looked up.
    expect(customer.sourceRecords).toEqual([{ key: 'crm:70001' }, { key: 'commerce:770001' }]);
    // README "Expand": resolution.complete speaks of failed silos only (none failed);
    // resolution.truncated says the bound cut the customer short.
    expect(customer.resolution).toEqual({ complete: true, truncated: true });
    expect(lookupCallsOf(stack).analytics).toBe(0);
  });

  it('does not cache a customer the bound cut short: asked again, it is resolved again', async () => {
    await resolvedCustomer<Answer>(stack, QUERY, 'crm:70001');
    stack.demo.simulators.crm.resetStats();
    const again = await resolvedCustomer<Answer>(stack, QUERY, 'crm:70001');
    expect(again.sourceRecords).toHaveLength(2);
    expect(lookupCallsOf(stack).crm).toBeGreaterThan(0);
  });
});
