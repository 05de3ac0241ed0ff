/**
 * Field scopes end to end, through real HTTP with real credentials (JWTs of the stack's test
 * issuer, whose JWKS is served on loopback, and API keys) and the real simulators: what a client
 * without pii:read (or another scope) gets, email:/phone: lookups refused per id without asking a
 * silo, and the access log.
 */
import { describe, expect, it } from 'vitest';
import { plantCanaries, leakedSecrets, type Canary } from '../support/canaries.js';
import { scopedClient, type ScopedClient } from '../support/scoped-client.js';
import { useStack } from '../support/stack.js';
import { SOURCES } from '../../src/graphql/context.js';

let canaries: Canary[] = [];
const stack = useStack({
  size: 40,
  prepare: (population) => {
    const planted = plantCanaries(population);
    canaries = planted.canaries;
    return planted.population;
  },
});
const client: ScopedClient = scopedClient(stack);

const forbidden = (path: Array<string | number>, scope: string) => ({
  path,
  extensions: { code: 'FORBIDDEN', requiredScopes: [[scope]] },
});

/** The errors of a body without their locations, in path order. */
function errorsOf(body: { errors?: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }> }) {
  return (body.errors ?? [])
    .map(({ path, extensions }) => ({ path, extensions }))
    .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
}

describe('a client without pii:read', () => {
  it('gets every kind of personal field null with FORBIDDEN at its path, and the rest of the customer', async () => {
    const canary = canaries[0]!;
    const crmKey = canary.keys.find((k) => k.startsWith('crm:'))!;
    const { text, body } = await client.ask(
      ['profile:read', 'journey:read'],
      `query Canary($id: ID!) {
        customer(id: $id) {
          sourceRecords { key }
          firstName lastName displayName email emails phone phones birthDate address { street }
          identities { value } provenance { value }
          crm { id language email additionalEmails firstName lastName phone mobilePhone birthDate address { city } }
          loyalty { tier active cardNumber email phone firstName lastName birthDate address { city } }
          commerce { ordersCount email phone firstName lastName address { city } }
          analytics { id visits(limit: 1) { channel } }
        }
      }`,
      { id: crmKey },
    );
    expect(leakedSecrets(text, canaries)).toEqual([]);
    const customer = body.data!['customer'];
    expect(customer.sourceRecords.map((r: { key: string }) => r.key).sort()).toEqual([...canary.keys].sort());
    for (const field of ['firstName', 'lastName', 'displayName', 'email', 'emails', 'phone', 'phones', 'birthDate', 'address', 'identities', 'provenance']) {
      expect(customer[field], field).toBeNull();
    }
    expect(customer.crm).toEqual([
      { id: crmKey.slice(4), language: null, email: null, additionalEmails: null, firstName: null, lastName: null, phone: null, mobilePhone: null, birthDate: null, address: null },
    ]);
    expect(customer.loyalty).toEqual([
      { tier: 'Bronze', active: true, cardNumber: null, email: null, phone: null, firstName: null, lastName: null, birthDate: null, address: null },
    ]);
    expect(customer.commerce).toEqual([{ ordersCount: 0, email: null, phone: null, firstName: null, lastName: null, address: null }]);
    expect(customer.analytics).toEqual([{ id: 'cafe000000000001', visits: [{ channel: 'direct' }] }]);
    const pii = (path: Array<string | number>) => forbidden(path, 'pii:read');
    expect(errorsOf(body)).toEqual(
      [
        ...['firstName', 'lastName', 'displayName', 'email', 'emails', 'phone', 'phones', 'birthDate', 'address', 'identities', 'provenance'].map((f) => pii(['customer', f])),
        ...['email', 'additionalEmails', 'firstName', 'lastName', 'phone', 'mobilePhone', 'birthDate', 'address'].map((f) => pii(['customer', 'crm', 0, f])),
        ...['cardNumber', 'email', 'phone', 'firstName', 'lastName', 'birthDate', 'address'].map((f) => pii(['customer', 'loyalty', 0, f])),
        ...['email', 'phone', 'firstName', 'lastName', 'address'].map((f) => pii(['customer', 'commerce', 0, f])),
      ].sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path))),
    );
    expect(body.errors![0]!.message).toMatch(/^(Customer|CrmContact|LoyaltyMember|CommerceCustomer)\.\w+ needs the scope "pii:read", which this client does not hold\.$/);
  });

  it('gets the journey, insights and profile sections refused by their own scope, each at its field', async () => {
    const { body } = await client.ask(
      ['pii:read'],
      'query ($id: ID!) { customer(id: $id) { id email journey(first: 1) { edges { cursor } } rfm { frequency } lifecycle { stage } segments { name } loyalty { tier } } }',
      { id: canaries[0]!.keys[0] },
    );
    expect(body.data).toEqual({
      customer: { id: null, email: canaries[0]!.email, journey: null, rfm: null, lifecycle: null, segments: null, loyalty: null },
    });
    expect(errorsOf(body)).toEqual([
      forbidden(['customer', 'id'], 'profile:read'),
      forbidden(['customer', 'journey'], 'journey:read'),
      forbidden(['customer', 'lifecycle'], 'profile:read'),
      forbidden(['customer', 'loyalty'], 'profile:read'),
      forbidden(['customer', 'rfm'], 'insights:read'),
      forbidden(['customer', 'segments'], 'profile:read'),
    ]);
  });

  it('cannot look anyone up with no read scope at all: the customer is null with FORBIDDEN, and no silo is asked', async () => {
    const { body } = await client.ask(['admin'], 'query ($id: ID!) { customer(id: $id) { id } }', { id: canaries[0]!.keys[0] });
    expect(body.data).toEqual({ customer: null });
    expect(errorsOf(body)).toEqual([
      {
        path: ['customer'],
        extensions: { code: 'FORBIDDEN', requiredScopes: [['profile:read'], ['pii:read'], ['journey:read'], ['insights:read']] },
      },
    ]);
    for (const source of SOURCES) expect(stack.demo.simulators[source].stats().requests, source).toBe(0);
  });
});

describe('looking a customer up by email or phone', () => {
  it('is refused per id without pii:read: FORBIDDEN at that slot, the other ids answer, and no silo is asked for it', async () => {
    const [first, second] = canaries;
    const { text, body } = await client.ask(['profile:read'], 'query ($ids: [ID!]!) { customers(ids: $ids) { id } }', {
      ids: [`email:${first!.email}`, `phone:${second!.phone}`],
    });
    expect(body.data).toEqual({ customers: [null, null] });
    expect(body.errors!.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions }))).toEqual([
      {
        message: 'ids[0]: Looking a customer up by email needs the scope "pii:read", which this client does not hold: it tells whether that person is a customer. Use a record key, a card or a golden id.',
        path: ['customers', 0],
        extensions: { code: 'FORBIDDEN', requiredScopes: [['pii:read']] },
      },
      {
        message: 'ids[1]: Looking a customer up by phone needs the scope "pii:read", which this client does not hold: it tells whether that person is a customer. Use a record key, a card or a golden id.',
        path: ['customers', 1],
        extensions: { code: 'FORBIDDEN', requiredScopes: [['pii:read']] },
      },
    ]);
    expect(leakedSecrets(text, canaries)).toEqual([]);
    for (const source of SOURCES) expect(stack.demo.simulators[source].stats().requests, source).toBe(0);
  });

  it('is refused for that slot only: a record key beside it answers', async () => {
    const canary = canaries[1]!;
    const { body } = await client.ask(['profile:read'], 'query ($ids: [ID!]!) { customers(ids: $ids) { sourceRecords { key } } }', {
      ids: [canary.keys[0], `email:${canary.email}`],
    });
    expect(body.data!['customers'][0].sourceRecords.map((r: { key: string }) => r.key).sort()).toEqual([...canary.keys].sort());
    expect(body.data!['customers'][1]).toBeNull();
    expect(errorsOf(body)).toEqual([forbidden(['customers', 1], 'pii:read')]);
  });

  it('refuses evictCustomer by email or phone to an admin without pii:read: how many links went would tell whether that person was looked up', async () => {
    const canary = canaries[2]!;
    await client.ask(['profile:read', 'pii:read'], 'query ($id: ID!) { customer(id: $id) { id } }', { id: `email:${canary.email}` });
    const evict = 'mutation ($id: ID!) { evictCustomer(id: $id) { evictedIdentifiers } }';
    const refused = await client.ask(['admin'], evict, { id: `email:${canary.email}` });
    expect(refused.body.data).toEqual({ evictCustomer: null });
    expect(refused.body.errors!.map((e) => [e.message, e.extensions])).toEqual([
      [
        'Evicting a customer by email needs the scope "pii:read", which this client does not hold: it tells whether that person is a customer. Use a record key, a card or a golden id.',
        { code: 'FORBIDDEN', requiredScopes: [['pii:read']] },
      ],
    ]);
    const allowed = await client.ask(['admin', 'pii:read'], evict, { id: `email:${canary.email}` });
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data!['evictCustomer'].evictedIdentifiers).toBeGreaterThan(0);
  });

  it('answers with pii:read', async () => {
    const canary = canaries[2]!;
    const { body } = await client.ask(['profile:read', 'pii:read'], 'query ($id: ID!) { customer(id: $id) { email } }', { id: `phone:${canary.phone}` });
    expect(body).toEqual({ data: { customer: { email: canary.email } } });
  });
});

describe('the access log', () => {
  const accessLines = (): Array<Record<string, unknown>> =>
    client.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['message'] === 'pii access');

  it('writes one line per request that read personal data: client, operation, golden ids, fields, scopes; never a value', async () => {
    client.logs.length = 0;
    const [first, second] = canaries;
    const { body } = await client.ask(
      ['profile:read', 'pii:read', 'journey:read'],
      'query Twins($ids: [ID!]!) { customers(ids: $ids) { id email crm { phone } loyalty { tier } journeySummary { touchpoints } } }',
      { ids: [first!.keys[0], second!.keys[0]] },
      'crm-frontend',
    );
    const ids = body.data!['customers'].map((c: { id: string }) => c.id);
    expect(accessLines()).toEqual([
      expect.objectContaining({
        level: 'info',
        access: 'pii',
        client: 'crm-frontend',
        credentials: 'jwt',
        operation: 'Twins',
        customers: ids,
        // The second canary has no CRM contact: its crm section is empty, so no phone was read of it.
        fields: ['CrmContact.phone', 'Customer.email'],
        lookups: { email: 0, phone: 0 },
        scopes: ['profile:read', 'pii:read', 'journey:read'],
      }),
    ]);
    expect(leakedSecrets(client.logs.join('\n'), canaries)).toEqual([]);
  });

  it('writes a line for an email lookup even when no personal field is selected, and none for a request that read no personal data', async () => {
    client.logs.length = 0;
    const canary = canaries[0]!;
    await client.ask(['profile:read'], 'query NoPii($id: ID!) { customer(id: $id) { id loyalty { tier } } }', { id: canary.keys[0] });
    expect(accessLines()).toEqual([]);
    const { body } = await client.ask(['profile:read', 'pii:read'], 'query Lookup($id: ID!) { customer(id: $id) { id } }', { id: `email:${canary.email}` });
    expect(accessLines()).toEqual([
      expect.objectContaining({
        client: 'test-client',
        operation: 'Lookup',
        customers: [body.data!['customer'].id],
        fields: [],
        lookups: { email: 1, phone: 0 },
        scopes: ['profile:read'],
      }),
    ]);
    expect(leakedSecrets(client.logs.join('\n'), canaries)).toEqual([]);
  });

  it('names an API key client by its configured name', async () => {
    stack.logs.length = 0;
    const canary = canaries[2]!;
    const { body } = await stack.query('query Contact($id: ID!) { customer(id: $id) { id displayName phones } }', { id: canary.keys[0] });
    const lines = stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['message'] === 'pii access');
    expect(lines).toEqual([
      expect.objectContaining({
        client: 'test-full',
        credentials: 'apiKey',
        operation: 'Contact',
        customers: [body.data!['customer'].id],
        fields: ['Customer.displayName', 'Customer.phones'],
        lookups: { email: 0, phone: 0 },
      }),
    ]);
    expect(leakedSecrets(stack.logs.join('\n'), canaries)).toEqual([]);
  });
});

describe('journeySummary under a customer', () => {
  /** Every silo's requests since the last reset, then a reset. */
  const requestsSince = (): Record<string, number> => {
    const counts = Object.fromEntries(SOURCES.map((source) => [source, stack.demo.simulators[source].stats().requests]));
    for (const source of SOURCES) stack.demo.simulators[source].resetStats();
    return counts;
  };
  const none = Object.fromEntries(SOURCES.map((source) => [source, 0]));

  it('reads no silo history for a client refused it, nor for one skipped, though the histories start with the customer', async () => {
    const id = canaries[0]!.keys[0]!;
    // Resolved once, so that what follows asks the silos for histories only.
    await client.ask(['profile:read', 'journey:read'], 'query ($id: ID!) { customer(id: $id) { sourceRecords { key } } }', { id });
    requestsSince();

    const refused = await client.ask(['profile:read'], 'query ($id: ID!) { customer(id: $id) { sourceRecords { key } journeySummary { touchpoints } } }', { id });
    expect(refused.body.data!['customer'].journeySummary).toBeNull();
    expect(errorsOf(refused.body)).toEqual([forbidden(['customer', 'journeySummary'], 'journey:read')]);
    expect(requestsSince()).toEqual(none);

    for (const directive of ['@skip(if: $flag)', '@include(if: $flag)']) {
      const skipped = await client.ask(
        ['profile:read', 'journey:read'],
        `query ($id: ID!, $flag: Boolean!) { customer(id: $id) { sourceRecords { key } journeySummary ${directive} { touchpoints } } }`,
        { id, flag: directive.startsWith('@skip') },
      );
      expect(skipped.body.errors, directive).toBeUndefined();
      expect(skipped.body.data!['customer']).not.toHaveProperty('journeySummary');
      expect(requestsSince(), directive).toEqual(none);
    }

    // The control: allowed and selected, it reads every silo the customer has records in.
    const read = await client.ask(['profile:read', 'journey:read'], 'query ($id: ID!) { customer(id: $id) { journeySummary { touchpoints } } }', { id });
    expect(read.body.data!['customer'].journeySummary.touchpoints).toBeGreaterThan(0);
    const sources = new Set(canaries[0]!.keys.map((key) => key.split(':')[0]));
    expect(Object.entries(requestsSince()).filter(([, n]) => n > 0).map(([source]) => source).sort()).toEqual([...sources].sort());
  });
});
