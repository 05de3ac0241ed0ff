/**
 * README "Identity-link cache": phones are cached only when they were the identifier asked for
 * (a phone seen on a record may be a household's). Observed at the simulators: an identifier in
 * the cache is answered with no lookup call, one not in it costs lookup calls.
 */
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import type { Population } from '../../connectors/population.js';
import { PopulationEdit } from '../support/population-edit.js';
import { resolvedCustomer, useStack } from '../support/stack.js';

const EMAIL = 'gaelle.kerherve@example.org';
const MOBILE = '+33698765431';

function withPerson(generated: Population): Population {
  const edit = new PopulationEdit(generated);
  const name = { first: 'Gaëlle', last: 'Kerhervé' };
  edit.person([
    edit.contact({ email: EMAIL, mobilephone: MOBILE, firstname: name.first, lastname: name.last }, { id: '60001' }),
    edit.member({ customerId: '00000000-0000-4000-8000-000000060001', email: EMAIL, phone: MOBILE, firstName: name.first, lastName: name.last }),
  ]);
  return edit.population;
}

const stack = useStack({ size: 40, prepare: withPerson });
const SOURCES: Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];
const totalCalls = () => SOURCES.reduce((sum, s) => sum + stack.demo.simulators[s].stats().requests, 0);
const resetCounts = () => SOURCES.forEach((s) => stack.demo.simulators[s].resetStats());

const QUERY = `query ($id: ID!) { customer(id: $id) { sourceRecords { key } } }`;
const RECORDS = [{ key: 'crm:60001' }, { key: 'loyalty:00000000-0000-4000-8000-000000060001' }];

describe('phones in the identity-link cache', () => {
  it('after asking by email, answers the CRM key with no call but looks the phone up again', async () => {
    expect((await resolvedCustomer<{ sourceRecords: unknown }>(stack, QUERY, `email:${EMAIL}`)).sourceRecords).toEqual(RECORDS);

    resetCounts();
    expect((await resolvedCustomer<{ sourceRecords: unknown }>(stack, QUERY, 'crm:60001')).sourceRecords).toEqual(RECORDS);
    expect(totalCalls()).toBe(0);

    const byPhone = await resolvedCustomer<{ sourceRecords: unknown }>(stack, QUERY, `phone:${MOBILE}`);
    expect(byPhone.sourceRecords).toEqual(RECORDS);
    expect(totalCalls()).toBeGreaterThan(0);
  });

  it('after asking by phone, answers the same phone again with no call', async () => {
    expect((await resolvedCustomer<{ sourceRecords: unknown }>(stack, QUERY, `phone:${MOBILE}`)).sourceRecords).toEqual(RECORDS);
    resetCounts();
    expect((await resolvedCustomer<{ sourceRecords: unknown }>(stack, QUERY, `phone:${MOBILE}`)).sourceRecords).toEqual(RECORDS);
    expect(totalCalls()).toBe(0);
  });
});
