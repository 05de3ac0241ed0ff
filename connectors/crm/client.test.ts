import { normalizeIdentifier } from '../../src/identity/normalize.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SourceError } from '../../src/shared/errors.js';
import { generatePopulation } from '../../demo/population/generate.js';
import { expectSourceError } from '../../test/contract/connector-contract.js';
import type { Identifier } from '../types.js';
import { createCrmConnector, type CrmConnector } from './client.js';
import { ACCESS_TOKEN, contact, handMadeContacts, populationOf, startCrm, type CrmTestbed } from './fixture.js';
import { BATCH_READ_PATH, SEARCH_PATH, splitMultiValue } from './hubspot.js';

const anna = contact('501', {
  email: 'Anna.Martin@Example.COM',
  hs_additional_emails: 'anna@work.example; a.martin@old.example',
  firstname: 'Anna',
  lastname: 'Martin',
  phone: '+33 1 42 68 53 00',
  mobilephone: '06 12 34 56 78',
  date_of_birth: '1988-07-02',
  hs_language: 'fr',
  address: '12 rue de la Paix',
  zip: '75002',
  city: 'Paris',
  country: 'France',
  hs_email_optout: 'true',
  hs_merged_object_ids: '777;778',
  createdate: '2023-03-14T09:26:53Z',
  lastmodifieddate: '2025-01-02T03:04:05.678Z',
});
const bare = contact('502', { email: 'bare@example.com' });
const phoneFormats = [
  contact('601', { phone: '+44 20 7946 0958' }),
  contact('602', { phone: '020 7946 0959' }),
  contact('603', { phone: '0044 20 7946 0960' }),
  contact('604', { phone: '+442079460961' }),
  contact('605', { mobilephone: '07700 900 962' }),
];
const archived = contact('701', { email: 'gone@example.com' }, true);
/** One landline shared by a household too large for one search page. */
const household = Array.from({ length: 250 }, (_, i) => contact(String(10_000 + i), { phone: '+33 4 78 00 00 00' }));
const crowd = handMadeContacts(90);

let crm: CrmTestbed;

beforeAll(async () => {
  crm = await startCrm(populationOf([anna, bare, ...phoneFormats, archived, ...household, ...crowd]));
});
afterAll(async () => {
  await crm?.close();
});
beforeEach(() => {
  crm.simulator.resetStats();
});
// A fault a test switched on is switched off after it, even when the test failed half-way.
afterEach(async () => {
  await crm?.simulator.setFault({ kind: 'none' });
});

const email = (value: string): Identifier => ({ type: 'email', value });
const phone = (value: string): Identifier => ({ type: 'phone', value });
const crmId = (value: string): Identifier => ({ type: 'crm', value });

/** The crowd's emails and phones, as the gateway normalizes them. */
const crowdEmails = crowd.map((c) => c.properties.email!.toLowerCase());
const crowdPhones = crowd.map((c) => parsePhoneNumberFromString(c.properties.phone!, 'FR')!.number);

/** A connector to the simulator that keeps the body of every search it sends. */
function recordingConnector(): { connector: CrmConnector; searches: SearchBody[]; close(): Promise<void> } {
  const searches: SearchBody[] = [];
  const pool = new Pool(crm.simulator.url);
  const dispatcher = pool.compose((dispatch) => (options, handler) => {
    if (options.path.endsWith(SEARCH_PATH) && typeof options.body === 'string') searches.push(JSON.parse(options.body) as SearchBody);
    return dispatch(options, handler);
  });
  const connector = createCrmConnector({ baseUrl: crm.simulator.url, timeoutMs: 2_000, connections: 4, accessToken: ACCESS_TOKEN }, { dispatcher });
  return { connector, searches, close: () => pool.close() };
}

interface SearchBody {
  filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; values: string[] }> }>;
}

/** Each group of a search as [property, number of IN values]; every group must hold one IN filter. */
function groupsOf(body: SearchBody): Array<[string, number]> {
  return body.filterGroups.map(({ filters }) => {
    expect(filters).toHaveLength(1);
    expect(filters[0]!.operator).toBe('IN');
    return [filters[0]!.propertyName, filters[0]!.values.length];
  });
}

describe('fetchRecords', () => {
  it('maps HubSpot properties to the CrmContact fields', async () => {
    const [record] = await crm.connector.fetchRecords(['501']);
    expect(record).toEqual({
      id: '501',
      email: 'Anna.Martin@Example.COM',
      additionalEmails: ['anna@work.example', 'a.martin@old.example'],
      firstName: 'Anna',
      lastName: 'Martin',
      phone: '+33 1 42 68 53 00',
      mobilePhone: '06 12 34 56 78',
      birthDate: '1988-07-02',
      language: 'fr',
      address: { street: '12 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'France' },
      emailOptOut: true,
      legalBasis: null,
      mergedContactIds: ['777', '778'],
      createdAt: '2023-03-14T09:26:53.000Z',
      updatedAt: '2025-01-02T03:04:05.678Z',
    });
  });

  it('leaves unknown fields null and lists empty for a contact with few properties', async () => {
    const [record] = await crm.connector.fetchRecords(['502']);
    expect(record).toMatchObject({ address: null, emailOptOut: null, birthDate: null, additionalEmails: [], mergedContactIds: [] });
  });

  it('answers a merged-away id with the contact it was merged into', async () => {
    const records = await crm.connector.fetchRecords(['777', '501', '123456789', '778']);
    expect(records.map((r) => r?.id ?? null)).toEqual(['501', '501', null, '501']);
    expect(crm.simulator.stats().requests).toBe(1);
  });

  it('does not return archived contacts', async () => {
    expect(await crm.connector.fetchRecords(['701'])).toEqual([null]);
  });

  it('reads more than 100 ids in batches of 100', async () => {
    const ids = household.slice(0, 230).map((c) => c.id);
    const records = await crm.connector.fetchRecords(ids);
    expect(records.map((r) => r?.id)).toEqual(ids);
    expect(crm.simulator.stats().byRoute['contacts.batchRead']).toBe(3);
  });
});

describe('lookup', () => {
  it('finds a contact by email whatever the case it was stored in, and returns the identifiers as stored', async () => {
    const [found, ...rest] = await crm.connector.lookup([email('anna.martin@example.com')]);
    expect(rest).toEqual([]);
    expect(found?.id).toBe('501');
    expect(found?.identifiers).toEqual([
      { type: 'crm', value: '501' },
      { type: 'crm', value: '777' },
      { type: 'crm', value: '778' },
      { type: 'email', value: 'Anna.Martin@Example.COM' },
      { type: 'email', value: 'anna@work.example' },
      { type: 'email', value: 'a.martin@old.example' },
      { type: 'phone', value: '+33 1 42 68 53 00', country: 'France' },
      { type: 'phone', value: '06 12 34 56 78', country: 'France' },
    ]);
    expect(found?.name).toEqual({ first: 'Anna', last: 'Martin' });
  });

  it('gives the names of a contact found by search or by id, and null for a name the contact lacks', async () => {
    const byPhone = await crm.connector.lookup([phone('+33142685300')]);
    expect(byPhone.map((r) => r.name)).toEqual([{ first: 'Anna', last: 'Martin' }]);
    const byId = await crm.connector.lookup([crmId('501')]);
    expect(byId.map((r) => r.name)).toEqual([{ first: 'Anna', last: 'Martin' }]);
    const nameless = await crm.connector.lookup([email('bare@example.com')]);
    expect(nameless.map((r) => r.name)).toEqual([{ first: null, last: null }]);
  });

  it('finds a contact by one of its additional emails', async () => {
    const found = await crm.connector.lookup([email('a.martin@old.example')]);
    expect(found.map((r) => r.id)).toEqual(['501']);
  });

  it.each([
    ['+442079460958', '601', 'international with spaces'],
    ['+442079460959', '602', 'national with trunk zero'],
    ['+442079460960', '603', '00 international prefix'],
    ['+442079460961', '604', 'E.164'],
    ['+447700900962', '605', 'mobile phone, national'],
  ])('finds a phone stored in any format: %s (%s)', async (e164, id) => {
    const found = await crm.connector.lookup([phone(e164)]);
    expect(found.map((r) => r.id)).toEqual([id]);
  });

  it('finds a merged-away id under its survivor, which carries the old id', async () => {
    const [found] = await crm.connector.lookup([crmId('778')]);
    expect(found?.id).toBe('501');
    expect(found?.identifiers).toContainEqual({ type: 'crm', value: '778' });
  });

  it('returns a contact matched by several identifiers once', async () => {
    const found = await crm.connector.lookup([crmId('501'), email('anna@work.example'), phone('+33142685300')]);
    expect(found.map((r) => r.id)).toEqual(['501']);
  });

  it('searches emails and phones together, one OR-ed group per property and 100 values, with ids read alongside', async () => {
    const { connector, searches, close } = recordingConnector();
    try {
      const found = await connector.lookup([...crowdEmails.map(email), ...crowdPhones.map(phone), crmId('501')]);
      expect(found.map((r) => r.id).sort()).toEqual(['501', ...crowd.map((c) => c.id)].sort());
      // 90 phones are 180 values (national number, and digits with the country code): 2 chunks.
      expect(crm.simulator.stats().byRoute).toEqual({ 'contacts.search': 2, 'contacts.batchRead': 1 });
      expect(searches.map(groupsOf)).toEqual([
        [
          ['email', crowd.length],
          ['hs_additional_emails', crowd.length],
          ['hs_searchable_calculated_phone_number', 100],
          ['hs_searchable_calculated_mobile_number', 100],
          ['hs_searchable_calculated_phone_number', crowd.length * 2 - 100],
        ],
        [['hs_searchable_calculated_mobile_number', crowd.length * 2 - 100]],
      ]);
    } finally {
      await close();
    }
  });

  it('packs 5 groups of up to 100 values per search, and splits only what does not fit', async () => {
    const { connector, searches, close } = recordingConnector();
    try {
      // 250 emails are 3 IN chunks on 2 properties, 90 phones (180 values: national number and
      // digits with the country code) 2 chunks on 2: 10 groups, 2 searches.
      const unknown = Array.from({ length: 250 - crowdEmails.length }, (_, i) => `nobody${i}@example.com`);
      const found = await connector.lookup([...crowdEmails, ...unknown].map(email).concat(crowdPhones.map(phone)));
      // The crowd's phone ending in 78 is also Anna's mobile.
      expect(found.map((r) => r.id).sort()).toEqual(['501', ...crowd.map((c) => c.id)].sort());
      expect(crm.simulator.stats().byRoute['contacts.search']).toBe(2);
      expect(searches.map((body) => groupsOf(body).length)).toEqual([5, 5]);
      expect(searches.flatMap(groupsOf).map(([, values]) => values)).toEqual([100, 100, 100, 100, 50, 50, 100, 100, 80, 80]);
    } finally {
      await close();
    }
  });

  it('follows search paging: a landline shared by 250 contacts finds all of them', async () => {
    const found = await crm.connector.lookup([phone('+33478000000')]);
    expect(found).toHaveLength(250);
    expect(crm.simulator.stats().byRoute['contacts.search']).toBe(2);
  });

  it('skips a phone that is not a number rather than failing the lookup', async () => {
    expect(await crm.connector.lookup([phone('not-a-phone')])).toEqual([]);
    expect(crm.simulator.stats().requests).toBe(0);
  });
});

describe('a generated population, however its people typed their details', () => {
  const population = generatePopulation({ seed: 7, size: 400, now: new Date('2026-11-01T00:00:00Z') });
  let generated: CrmTestbed;
  beforeAll(async () => {
    generated = await startCrm(population);
  });
  afterAll(async () => {
    await generated?.close();
  });

  it('finds every contact by each of its emails and valid phones, as the gateway normalizes them', async () => {
    const misses: string[] = [];
    for (const c of population.crm.contacts) {
      const emails = [c.properties.email, ...splitMultiValue(c.properties.hs_additional_emails)].filter((v) => v !== null);
      const phones = [c.properties.phone, c.properties.mobilephone].filter((v) => v !== null);
      // As the gateway reads them: a national number in the contact's own country, one typed
      // without its "+" (33652947840) as international; placeholders refused.
      const country = c.properties.country ?? undefined;
      const identifiers = [
        ...emails.map((value) => normalizeIdentifier({ type: 'email', value }, { defaultCountry: 'FR' })),
        ...phones.map((value) => normalizeIdentifier({ type: 'phone', value, ...(country ? { country } : {}) }, { defaultCountry: 'FR' })),
      ].flatMap((result) => (result.ok ? [result.identifier] : []));
      for (const identifier of identifiers) {
        const found = await generated.connector.lookup([identifier]);
        if (!found.some((r) => r.id === c.id)) misses.push(`${c.id} ${identifier.type}:${identifier.value}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('resolves every merged-away id to its survivor', async () => {
    const survivors = population.crm.contacts.filter((c) => c.properties.hs_merged_object_ids);
    expect(survivors.length).toBeGreaterThan(0);
    for (const survivor of survivors) {
      const mergedIds = splitMultiValue(survivor.properties.hs_merged_object_ids);
      const records = await generated.connector.fetchRecords(mergedIds);
      expect(records.map((r) => r?.id)).toEqual(mergedIds.map(() => survivor.id));
    }
  });
});

describe('the simulator, as HubSpot answers', () => {
  it('answers 207 with OBJECT_NOT_FOUND listing the ids it could not find', async () => {
    const res = await call('POST', BATCH_READ_PATH, { properties: ['email'], inputs: [{ id: '501' }, { id: '404404' }] });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({
      status: 'COMPLETE',
      numErrors: 1,
      results: [{ id: '501', properties: { email: 'Anna.Martin@Example.COM', hs_object_id: '501' }, archived: false }],
      errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['404404'] } }],
    });
  });

  it('reads by a unique property given as idProperty', async () => {
    const res = await call('POST', BATCH_READ_PATH, { idProperty: 'email', inputs: [{ id: 'bare@example.com' }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ results: [{ id: '502' }] });
  });

  it('matches EQ without case, but IN only with lower-case values, as HubSpot documents', async () => {
    const eq = await call('POST', SEARCH_PATH, filterBody({ propertyName: 'email', operator: 'EQ', value: 'BARE@EXAMPLE.COM' }));
    const inUpper = await call('POST', SEARCH_PATH, filterBody({ propertyName: 'email', operator: 'IN', values: ['BARE@EXAMPLE.COM'] }));
    expect(eq.body).toMatchObject({ total: 1, results: [{ id: '502' }] });
    expect(inUpper.body).toMatchObject({ total: 0, results: [] });
  });

  it('ORs filter groups, each IN filter matching any of its values', async () => {
    const res = await call('POST', SEARCH_PATH, {
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'IN', values: ['bare@example.com', 'nobody@example.com'] }] },
        { filters: [{ propertyName: 'hs_searchable_calculated_phone_number', operator: 'IN', values: ['2079460958', '2079460959'] }] },
      ],
    });
    expect(res.body).toMatchObject({ total: 3, results: [{ id: '502' }, { id: '601' }, { id: '602' }] });
  });

  it.each([
    ['a body that is not JSON', BATCH_READ_PATH, '{"inputs": ['],
    ['more than 100 batch inputs', BATCH_READ_PATH, { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) }],
    ['an input without an id', BATCH_READ_PATH, { inputs: [{ name: 'x' }] }],
    ['an idProperty that is not unique', BATCH_READ_PATH, { idProperty: 'firstname', inputs: [{ id: 'Anna' }] }],
    ['more than 100 IN values', SEARCH_PATH, filterBody({ propertyName: 'email', operator: 'IN', values: Array.from({ length: 101 }, (_, i) => `${i}@x`) })],
    ['more than 5 filter groups', SEARCH_PATH, { filterGroups: Array.from({ length: 6 }, () => filterBody({ propertyName: 'email', operator: 'EQ', value: 'a' }).filterGroups[0]) }],
    ['a filter group without filters', SEARCH_PATH, { filterGroups: [{ filters: [] }] }],
    ['a page larger than 200', SEARCH_PATH, { limit: 201 }],
    ['paging past 10,000 results', SEARCH_PATH, { after: '10000' }],
    ['an operator it does not model', SEARCH_PATH, filterBody({ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: 'a' })],
  ])('answers 400 VALIDATION_ERROR to %s', async (_what, path, body) => {
    const res = await call('POST', path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: expect.any(String), correlationId: expect.any(String) });
  });

  it('answers 401 INVALID_AUTHENTICATION without a valid bearer token', async () => {
    for (const token of [null, 'pat-na1-wrong']) {
      const res = await call('GET', '/crm/v3/objects/contacts?limit=1', undefined, token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION', message: expect.stringContaining('Authentication credentials not found') });
    }
  });

  it('injects a 429 with the rate-limit body', async () => {
    await crm.simulator.setFault({ kind: 'error', status: 429 });
    const res = await call('POST', SEARCH_PATH, {});
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
  });
});

describe('answers that do not have the documented shape', () => {
  /** A loopback HTTP server answering every request with `status` and `body` (a JSON value, or raw text). */
  async function answering(status: number, body: unknown): Promise<{ url: string; close(): Promise<void> }> {
    const server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  async function errorOf(call: (connector: CrmConnector) => Promise<unknown>, status: number, body: unknown): Promise<SourceError> {
    const silo = await answering(status, body);
    const connector = createCrmConnector({ baseUrl: silo.url, timeoutMs: 1_000, connections: 1, accessToken: ACCESS_TOKEN });
    try {
      return await expectSourceError(call(connector), 'SOURCE_BAD_RESPONSE', 'crm');
    } finally {
      await connector.close();
      await silo.close();
    }
  }

  const fetch501 = (connector: CrmConnector) => connector.fetchRecords(['501']);
  const searchAnna = (connector: CrmConnector) => connector.lookup([email('anna@example.com')]);
  /** A well-formed contact, to be broken one field at a time. */
  const contact501 = { id: '501', properties: { email: 'anna@example.com' }, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', archived: false };
  const batch = (fields: object) => ({ status: 'COMPLETE', results: [contact501], startedAt: '2024-01-01T00:00:00Z', completedAt: '2024-01-01T00:00:00Z', ...fields });
  const page = (fields: object) => ({ total: 1, results: [contact501], ...fields });

  it.each([
    ['the body is not an object', fetch501, 200, ['anna@example.com'], 'the body: expected object, received array'],
    ['results is not an array', fetch501, 200, batch({ results: {} }), 'results: expected array, received object'],
    ['a result has no id', fetch501, 200, batch({ results: [{ ...contact501, id: undefined }] }), 'results[0].id: expected string, received undefined'],
    ['a result has no createdAt', fetch501, 200, batch({ results: [{ ...contact501, createdAt: undefined }] }), 'results[0].createdAt: expected string, received undefined'],
    ['a property value is not a string', fetch501, 200, batch({ results: [{ ...contact501, properties: { phone: 33612345678 } }] }), 'results[0].properties.phone: expected string, received number'],
    ['a batch answer has no status', fetch501, 200, batch({ status: undefined }), 'status: expected one of "PENDING"|"PROCESSING"|"CANCELED"|"COMPLETE"'],
    ['a 207 reports an error other than not found', fetch501, 207, batch({ results: [], numErrors: 1, errors: [{ status: 'error', category: 'VALIDATION_ERROR', message: 'anna@example.com is invalid' }] }), 'errors[0].category: expected "OBJECT_NOT_FOUND"'],
    ['a search answer has no total', searchAnna, 200, page({ total: undefined }), 'total: expected number, received undefined'],
    ['a next-page cursor is not a string', searchAnna, 200, page({ paging: { next: { after: 200 } } }), 'paging.next.after: expected string, received number'],
  ])('fails with SOURCE_BAD_RESPONSE naming the field when %s, never the value or the token', async (_what, call, status, body, problem) => {
    const error = await errorOf(call, status, body);
    expect(error.detail.problem).toBe(problem);
    expect(error.message).toContain(`The CRM (crm) sent a response the gateway could not read: ${problem}.`);
    const everything = JSON.stringify({ ...error, message: error.message });
    expect(everything).not.toContain(ACCESS_TOKEN);
    expect(everything).not.toContain('anna@example.com');
    expect(everything).not.toContain('33612345678');
  });

  it('fails with SOURCE_BAD_RESPONSE when a search page gives back the cursor it was asked with', async () => {
    // The first page's cursor is "2"; the server then answers "2" again: paging would never end.
    const error = await errorOf(searchAnna, 200, page({ paging: { next: { after: '2' } } }));
    expect(error.detail.problem).toBe('paging.next.after: expected a new cursor, received the one just sent');
  });

  it('reports the silo down, naming the field, when the list answer of the health probe is malformed', async () => {
    const silo = await answering(200, { results: 'none' });
    const connector = createCrmConnector({ baseUrl: silo.url, timeoutMs: 1_000, connections: 1, accessToken: ACCESS_TOKEN });
    try {
      expect(await connector.health()).toEqual({
        status: 'down',
        reason: 'The CRM (crm) sent a response the gateway could not read: results: expected array, received string.',
      });
    } finally {
      await connector.close();
      await silo.close();
    }
  });
});

function filterBody(filter: Record<string, unknown>): { filterGroups: Array<{ filters: Array<Record<string, unknown>> }> } {
  return { filterGroups: [{ filters: [filter] }] };
}

/** A raw HTTP call to the simulator, as any HubSpot client would make it. */
async function call(method: 'GET' | 'POST', path: string, body: unknown, token: string | null = ACCESS_TOKEN): Promise<{ status: number; body: unknown }> {
  const res = await fetch(crm.simulator.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('subscriptionStatuses (communication preferences v4)', () => {
  let testbed: CrmTestbed;
  beforeAll(async () => {
    const population = populationOf([contact('901', { email: 'lea@example.com' })]);
    population.crm.subscriptionStatuses = [
      {
        subscriberIdString: 'lea@example.com',
        channel: 'EMAIL',
        subscriptionId: 9001,
        subscriptionName: 'Marketing Information',
        status: 'NOT_SUBSCRIBED',
        source: 'Unsubscribe link',
        timestamp: '2026-02-03T04:05:06+01:00',
        legalBasis: null,
        legalBasisExplanation: null,
      },
    ];
    testbed = await startCrm(population);
  });
  afterAll(async () => {
    await testbed.close();
  });

  it('answers one list per address in order, matched without case, times in UTC, 100 addresses a call', async () => {
    const others = Array.from({ length: 150 }, (_, i) => `nobody${i}@example.com`);
    testbed.simulator.resetStats();
    const lists = await testbed.connector.subscriptionStatuses(['LEA@example.com', ...others]);
    expect(lists).toHaveLength(151);
    expect(lists[0]).toEqual([
      { email: 'LEA@example.com', subscriptionId: '9001', subscriptionName: 'Marketing Information', status: 'NOT_SUBSCRIBED', timestamp: '2026-02-03T03:05:06.000Z', legalBasis: null, source: 'Unsubscribe link' },
    ]);
    expect(lists.slice(1).every((list) => list.length === 0)).toBe(true);
    expect(testbed.simulator.stats().byRoute).toEqual({ 'subscriptions.batchRead': 2 });
  });

  it('fails with SOURCE_UNAVAILABLE on a refused token', async () => {
    await expectSourceError(testbed.connectorWithBadCredentials.subscriptionStatuses(['lea@example.com']), 'SOURCE_UNAVAILABLE', 'crm');
  });
});
