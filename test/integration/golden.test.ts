/**
 * The golden record through real HTTP: survivorship, provenance, field-level planning, and
 * partial answers when a silo fails.
 */
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import { personIn, recordOf, useStack } from '../support/stack.js';

// Each test starts cold: healthy silos, zeroed call counts, an empty identity-link cache.
const stack = useStack({ size: 400 });

const SOURCES: Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];
const called = () => SOURCES.filter((s) => stack.demo.simulators[s].stats().requests > 0);
const resetCounts = () => SOURCES.forEach((s) => stack.demo.simulators[s].resetStats());

const GOLDEN = `
  id displayName firstName lastName email emails phone phones birthDate locale createdAt
  address { street postalCode city country }
  crm { id email } loyalty { id tier } commerce { id email } analytics { id }
`;

function everywhere(skip = 0) {
  const person = personIn(stack.population, SOURCES, skip);
  return { person, id: `crm:${recordOf(person, 'crm')}` };
}

describe('golden fields', () => {
  it("takes email and locale from the CRM, a createdAt no later than the CRM contact's, a +E.164 phone, and displayName from the names", async () => {
    const { person, id } = everywhere();
    const contact = stack.population.crm.contacts.find((c) => c.id === recordOf(person, 'crm'))!;
    const { body } = await stack.query(`query ($id: ID!) { customer(id: $id) { ${GOLDEN} } }`, { id });
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer;
    expect(customer.email).toBe(contact.properties.email!.trim().toLowerCase());
    expect(customer.emails[0]).toBe(customer.email);
    expect(customer.phone).toMatch(/^\+\d{8,15}$/);
    expect(customer.displayName).toBe(`${customer.firstName} ${customer.lastName}`);
    expect(customer.locale).toBe(contact.properties.hs_language);
    // First seen anywhere: never later than the CRM contact's creation.
    expect(new Date(customer.createdAt).getTime()).toBeLessThanOrEqual(new Date(contact.createdAt).getTime());
  });

  it('tells where a value comes from, the rule, and the candidates that lost', async () => {
    const { person, id } = everywhere(1);
    const { body } = await stack.query(
      `query ($id: ID!) { customer(id: $id) { email provenance(field: "email") {
         field value source recordId updatedAt rule sourceOrder partial unavailableSources
         candidates { value source recordId reason detail } } } }`,
      { id },
    );
    const [email] = body.data!.customer.provenance;
    expect(email).toMatchObject({ field: 'email', value: body.data!.customer.email, source: 'crm', rule: 'sourcePriority', partial: false, unavailableSources: [] });
    expect(email.sourceOrder).toEqual(['crm', 'commerce', 'loyalty']);
    expect(email.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Every other record of the person that holds an email (personIn: the same address in each,
    // in any case) lost to the CRM's as a duplicate.
    const others = person.records
      .filter((r) => r.source !== 'analytics' && !(r.source === 'crm' && r.id === email.recordId))
      .map((r) => ({ source: r.source, recordId: r.id, reason: 'duplicate', detail: 'the same value as the winner' }));
    expect(others.length).toBeGreaterThanOrEqual(2);
    const byKey = (a: { source: string; recordId: string }, b: { source: string; recordId: string }) =>
      `${a.source}:${a.recordId}`.localeCompare(`${b.source}:${b.recordId}`);
    expect(email.candidates.map(({ value: _value, ...rest }: { value: string }) => rest).sort(byKey)).toEqual(others.sort(byKey));
    for (const candidate of email.candidates) expect(candidate.value.trim().toLowerCase()).toBe(email.value);
  });

  it('answers a derived field with the fields it is built from, and every field without an argument', async () => {
    const { id } = everywhere(2);
    const one = await stack.query(`query ($id: ID!) { customer(id: $id) { provenance(field: "displayName") { field } } }`, { id });
    expect(one.body.data!.customer.provenance.map((p: { field: string }) => p.field)).toEqual(['firstName', 'lastName']);
    const all = await stack.query(`query ($id: ID!) { customer(id: $id) { provenance { field } } }`, { id });
    expect(all.body.data!.customer.provenance.map((p: { field: string }) => p.field)).toEqual([
      'firstName', 'lastName', 'email', 'phone', 'birthDate', 'address', 'locale', 'createdAt',
    ]);
  });

  it('refuses an unknown field in provenance(field:), listing the known ones', async () => {
    const { id } = everywhere();
    const { body } = await stack.query(`query ($id: ID!) { customer(id: $id) { provenance(field: "shoeSize") { field } } }`, { id });
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(body.errors![0]!.message).toBe(
      'provenance(field:) does not know "shoeSize". Golden fields: firstName, lastName, displayName, email, emails, phone, phones, birthDate, address, locale, createdAt.',
    );
  });
});

describe('field-level planning', () => {
  it('calls only the silos a warm query needs', async () => {
    const { id } = everywhere(3);
    await stack.query(`query ($id: ID!) { customer(id: $id) { id } }`, { id });
    const cases: Array<[string, Source[]]> = [
      ['loyalty { tier }', ['loyalty']],
      ['locale', ['crm']],
      ['birthDate', ['crm', 'loyalty']],
      ['email crm { id }', ['crm', 'commerce', 'loyalty']],
      ['createdAt', ['crm', 'loyalty', 'commerce', 'analytics']],
      ['id sourceRecords { source }', []],
    ];
    for (const [selection, silos] of cases) {
      resetCounts();
      const { body } = await stack.query(`query ($id: ID!) { customer(id: $id) { ${selection} } }`, { id });
      expect(body.errors, selection).toBeUndefined();
      expect(called().sort(), selection).toEqual([...silos].sort());
    }
  });
});

describe('partial answers', () => {
  const cases = [
    { mode: 'down', fault: { kind: 'down' }, code: 'SOURCE_UNAVAILABLE' },
    { mode: 'slow past its timeout', fault: { kind: 'slow', ms: 1500 }, code: 'SOURCE_TIMEOUT' },
    { mode: 'answering 500', fault: { kind: 'error', status: 500 }, code: 'SOURCE_UNAVAILABLE' },
    { mode: 'answering garbage', fault: { kind: 'malformed' }, code: 'SOURCE_BAD_RESPONSE' },
  ] as const;

  it.each(cases)('CRM $mode: only the fields that need it are null, one $code error, provenance says partial', async ({ fault, code }) => {
    const { person } = everywhere(4);
    const id = `commerce:${recordOf(person, 'commerce')}`;
    const query = `query ($id: ID!) { customer(id: $id) { ${GOLDEN} provenance(field: "email") { source partial unavailableSources } } }`;
    const healthy = (await stack.query(query, { id })).body.data!.customer;

    await stack.reset();
    await stack.demo.simulators.crm.setFault(fault);
    const { body } = await stack.query(query, { id });
    const customer = body.data!.customer;
    expect(customer).not.toBeNull();
    // Only the CRM holds these.
    expect(customer.crm).toBeNull();
    expect(customer.locale).toBeNull();
    // Other silos still supply these, and nothing from them is lost.
    expect(customer.email).toBe(healthy.commerce[0].email?.toLowerCase() ?? healthy.email);
    expect(customer.displayName).not.toBeNull();
    expect(customer.loyalty).toEqual(healthy.loyalty);
    expect(customer.commerce).toEqual(healthy.commerce);
    expect(customer.analytics).toEqual(healthy.analytics);
    expect(customer.provenance).toEqual([{ source: 'commerce', partial: true, unavailableSources: ['crm'] }]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['customer', expect.any(String)], extensions: { code, source: 'crm' } });
    expect(JSON.stringify(body)).not.toContain('pat-demo-crm-token');
  });

  it('reports each failed silo once, and answers with what is left', async () => {
    const { id } = everywhere(5);
    await stack.query(`query ($id: ID!) { customer(id: $id) { id } }`, { id });
    await stack.demo.simulators.loyalty.setFault({ kind: 'error', status: 503 });
    await stack.demo.simulators.analytics.setFault({ kind: 'down' });
    const { body } = await stack.query(`query ($id: ID!) { customer(id: $id) { ${GOLDEN} } }`, { id });
    const customer = body.data!.customer;
    expect(customer.loyalty).toBeNull();
    expect(customer.analytics).toBeNull();
    expect(customer.crm.length).toBeGreaterThan(0);
    expect(customer.email).not.toBeNull();
    // createdAt still comes from the CRM and the shop; it is partial, and the errors say why.
    expect(customer.createdAt).not.toBeNull();
    expect(body.errors!.map((e) => e.extensions!.source).sort()).toEqual(['analytics', 'loyalty']);
  });
});
