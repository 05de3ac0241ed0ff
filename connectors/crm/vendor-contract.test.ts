/**
 * The CRM connector and its simulator against HubSpot's own documented examples (fixtures/, one
 * file per documented exchange, each naming its page). The connector's other tests run against
 * our simulator, so a misreading of HubSpot shared by both would stay green there; here the
 * documentation is the reference.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectSourceError } from '../../test/contract/connector-contract.js';
import {
  loadVendorFixture,
  shapeDifferences,
  startVendorReplay,
  type ReceivedRequest,
  type VendorFixture,
  type VendorReplay,
} from '../../test/support/vendor-fixture.js';
import type { Identifier } from '../types.js';
import { createCrmConnector, type CrmConnector } from './client.js';
import { ACCESS_TOKEN, contact, populationOf, startCrm, type CrmTestbed } from './fixture.js';
import { BATCH_READ_PATH, CONTACTS_PATH, SEARCH_PATH } from './hubspot.js';

const fixture = (name: string): VendorFixture => loadVendorFixture(new URL(`./fixtures/${name}.json`, import.meta.url));

const docs = {
  search: fixture('search-contacts'),
  searchNextPage: fixture('search-contacts-next-page'),
  batchRead: fixture('batch-read-contacts'),
  batchReadNotFound: fixture('batch-read-not-found'),
  list: fixture('list-contacts'),
  validationError: fixture('error-validation'),
  rateLimit: fixture('error-rate-limit'),
};

/** The fields of a search request body (`PublicObjectSearchRequest`) and of a filter (`Filter`), and the documented operators. */
const SEARCH_REQUEST_FIELDS = ['after', 'filterGroups', 'limit', 'properties', 'query', 'sorts'];
const FILTER_FIELDS = ['highValue', 'operator', 'propertyName', 'value', 'values'];
const FILTER_OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'];
/** The fields of a batch read body (`BatchReadInputSimplePublicObjectId`); the first three are required. */
const BATCH_READ_FIELDS = ['idProperty', 'inputs', 'properties', 'propertiesWithHistory'];

const email = (value: string): Identifier => ({ type: 'email', value });

interface SearchBody {
  filterGroups: Array<{ filters: Array<Record<string, unknown>> }>;
  [field: string]: unknown;
}

function jsonBody(request: ReceivedRequest | undefined): Record<string, unknown> {
  return JSON.parse(request?.body ?? 'null') as Record<string, unknown>;
}

describe('the client against the documented HubSpot exchanges', () => {
  let replay: VendorReplay | undefined;
  let connector: CrmConnector | undefined;

  /** A connector pointed at a loopback server answering with these documented exchanges. */
  async function documentedHubSpot(
    fixtures: VendorFixture[],
    match?: Parameters<typeof startVendorReplay>[1],
  ): Promise<{ replay: VendorReplay; connector: CrmConnector }> {
    replay = await startVendorReplay(fixtures, match);
    connector = createCrmConnector({ baseUrl: replay.url, timeoutMs: 2_000, connections: 2, accessToken: ACCESS_TOKEN });
    return { replay, connector };
  }

  afterEach(async () => {
    await connector?.close();
    await replay?.close();
    connector = undefined;
    replay = undefined;
  });

  it('searches emails with a documented search body (IN filters, one per group) and maps the two documented matches', async () => {
    const { replay, connector } = await documentedHubSpot([docs.search]);
    const found = await connector.lookup([email('testperson@hubspot.com')]);

    expect(replay.received).toHaveLength(1);
    const [request] = replay.received;
    expect(request!.answeredBy?.file).toBe(docs.search.file);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/crm/v3/objects/contacts/search');
    expect(request!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(request!.headers['content-type']).toBe('application/json');
    const body = jsonBody(request) as SearchBody;
    expect(SEARCH_REQUEST_FIELDS).toEqual(expect.arrayContaining(Object.keys(body)));
    expect(body.filterGroups).toEqual([
      { filters: [{ propertyName: 'email', operator: 'IN', values: ['testperson@hubspot.com'] }] },
      { filters: [{ propertyName: 'hs_additional_emails', operator: 'IN', values: ['testperson@hubspot.com'] }] },
    ]);
    for (const filter of body.filterGroups.flatMap((group) => group.filters)) {
      expect(FILTER_FIELDS).toEqual(expect.arrayContaining(Object.keys(filter)));
      expect(FILTER_OPERATORS).toContain(filter.operator);
    }
    // "The maximum results to return, up to 200 objects."
    expect(body.limit).toBe(200);
    expect(body.properties).toEqual(expect.arrayContaining(['email', 'firstname', 'lastname', 'phone', 'mobilephone']));

    expect(found).toEqual([
      {
        source: 'crm',
        id: '100451',
        identifiers: [
          { type: 'crm', value: '100451' },
          { type: 'email', value: 'testperson@hubspot.com' },
        ],
        name: { first: 'Test', last: 'Person' },
      },
      {
        source: 'crm',
        id: '57156923994',
        identifiers: [
          { type: 'crm', value: '57156923994' },
          { type: 'email', value: 'emailmaria@hubspot.com' },
        ],
        name: { first: 'Maria', last: 'Johnson (Sample Contact)' },
      },
    ]);
  });

  it('follows a documented paging.next.after cursor to the next page and keeps the results of both', async () => {
    // The reference's page (with paging.next) answers the first request; the guide's answer
    // (no paging: the last page) answers the request carrying the reference's cursor.
    const { replay, connector } = await documentedHubSpot([docs.searchNextPage, docs.search], (f, request) => {
      const after = (JSON.parse(request.body) as { after?: string }).after;
      return f === docs.searchNextPage ? after === undefined : after === 'NTI1Cg%3D%3D';
    });
    const found = await connector.lookup([email('testperson@hubspot.com')]);

    expect(replay.received.map((r) => r.answeredBy?.file)).toEqual([docs.searchNextPage.file, docs.search.file]);
    expect(jsonBody(replay.received[0]).after).toBeUndefined();
    expect(jsonBody(replay.received[1]).after).toBe('NTI1Cg%3D%3D');
    // The second page asks the same question: only the cursor changes.
    expect({ ...jsonBody(replay.received[1]), after: undefined }).toEqual({ ...jsonBody(replay.received[0]), after: undefined });
    expect(found.map((r) => r.id)).toEqual(['512', '100451', '57156923994']);
    expect(found[0]).toEqual({ source: 'crm', id: '512', identifiers: [{ type: 'crm', value: '512' }], name: { first: null, last: null } });
  });

  it('reads contacts by id with a documented batch read body and maps the documented result', async () => {
    const { replay, connector } = await documentedHubSpot([docs.batchRead]);
    const records = await connector.fetchRecords(['512']);

    expect(replay.received).toHaveLength(1);
    const [request] = replay.received;
    expect(request!.answeredBy?.file).toBe(docs.batchRead.file);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/crm/v3/objects/contacts/batch/read');
    expect(request!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    const body = jsonBody(request);
    expect(BATCH_READ_FIELDS).toEqual(expect.arrayContaining(Object.keys(body)));
    // inputs, properties and propertiesWithHistory are required; idProperty is left out when
    // reading by record id ("Do not include this parameter if retrieving by record ID").
    expect(body.inputs).toEqual([{ id: '512' }]);
    expect(body.properties).toEqual(expect.arrayContaining(['email', 'hs_merged_object_ids', 'createdate']));
    expect(body.propertiesWithHistory).toEqual([]);
    expect(body).not.toHaveProperty('idProperty');

    // The documented contact holds none of the properties the gateway maps: every field is
    // empty but the id and the two timestamps.
    expect(records).toEqual([
      {
        id: '512',
        email: null,
        additionalEmails: [],
        firstName: null,
        lastName: null,
        phone: null,
        mobilePhone: null,
        birthDate: null,
        language: null,
        address: null,
        emailOptOut: null,
        legalBasis: null,
        mergedContactIds: [],
        createdAt: '2019-10-30T03:30:17.883Z',
        updatedAt: '2019-12-07T16:50:06.678Z',
      },
    ]);
  });

  it('answers null for each id the documented 207 Multi-Status reports as OBJECT_NOT_FOUND', async () => {
    const { replay, connector } = await documentedHubSpot([docs.batchReadNotFound]);
    expect(await connector.fetchRecords(['8380080352', '8144745976'])).toEqual([null, null]);
    expect(replay.received[0]!.answeredBy?.file).toBe(docs.batchReadNotFound.file);
    expect(jsonBody(replay.received[0]).inputs).toEqual([{ id: '8380080352' }, { id: '8144745976' }]);
  });

  it('reports HubSpot up after reading the documented list answer, asked for one contact', async () => {
    const { replay, connector } = await documentedHubSpot([docs.list]);
    expect(await connector.health()).toMatchObject({ status: 'up' });
    expect(replay.received).toHaveLength(1);
    expect(replay.received[0]).toMatchObject({ method: 'GET', path: '/crm/v3/objects/contacts', query: { limit: '1' }, body: '' });
    expect(replay.received[0]!.answeredBy?.file).toBe(docs.list.file);
  });

  it('turns the documented VALIDATION_ERROR body (400) into SOURCE_BAD_RESPONSE', async () => {
    const { replay, connector } = await documentedHubSpot([docs.validationError]);
    const error = await expectSourceError(connector.lookup([email('testperson@hubspot.com')]), 'SOURCE_BAD_RESPONSE', 'crm');
    expect(error.detail).toMatchObject({ operation: 'contacts.search', status: 400 });
    expect(replay.received[0]!.answeredBy?.file).toBe(docs.validationError.file);
  });

  it('turns the documented RATE_LIMIT body (429) into SOURCE_UNAVAILABLE', async () => {
    const { replay, connector } = await documentedHubSpot([docs.rateLimit]);
    const error = await expectSourceError(connector.fetchRecords(['512']), 'SOURCE_UNAVAILABLE', 'crm');
    expect(error.detail).toMatchObject({ operation: 'contacts.batchRead', status: 429 });
    expect(replay.received[0]!.answeredBy?.file).toBe(docs.rateLimit.file);
  });
});

describe('the simulator against the documented HubSpot answers', () => {
  // The two contacts of the search guide's example, as the simulator stores them. A hand-made
  // population: nothing here depends on the generator or on today's date.
  const documentedContacts = [
    contact('100451', {
      email: 'testperson@hubspot.com',
      firstname: 'Test',
      lastname: 'Person',
      createdate: '2024-01-17T19:55:04.281Z',
      lastmodifieddate: '2024-09-11T13:27:39.356Z',
    }),
    contact('57156923994', {
      email: 'emailmaria@hubspot.com',
      firstname: 'Maria',
      lastname: 'Johnson (Sample Contact)',
      createdate: '2024-09-11T18:21:50.012Z',
      lastmodifieddate: '2024-10-21T21:36:02.961Z',
    }),
  ];
  const bothEmails = { propertyName: 'email', operator: 'IN', values: ['testperson@hubspot.com', 'emailmaria@hubspot.com'] };
  let crm: CrmTestbed;

  beforeAll(async () => {
    crm = await startCrm(populationOf(documentedContacts));
  });
  afterAll(async () => {
    await crm?.close();
  });

  async function call(method: 'GET' | 'POST', pathAndQuery: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(crm.simulator.url + pathAndQuery, {
      method,
      headers: { authorization: `Bearer ${ACCESS_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  it('answers the guide search, for the guide contacts, with exactly the documented answer', async () => {
    // The guide searches with CONTAINS_TOKEN "*@hubspot.com", an operator the simulator does not
    // model; IN on the same two addresses finds the same contacts.
    const ours = await call('POST', SEARCH_PATH, { filterGroups: [{ filters: [bothEmails] }] });
    expect(ours.status).toBe(docs.search.response.status);
    expect(shapeDifferences(docs.search.response.body, ours.body)).toEqual([]);
    expect(ours.body).toEqual(docs.search.response.body);
  });

  it('answers a search page with more to follow in the documented shape', async () => {
    const ours = await call('POST', SEARCH_PATH, { filterGroups: [{ filters: [bothEmails] }], limit: 1 });
    expect(ours.status).toBe(docs.searchNextPage.response.status);
    // paging.prev: the reference shows a page with a previous one; a first page has none.
    expect(shapeDifferences(oneProperty(docs.searchNextPage.response.body), oneProperty(ours.body), ['paging.prev'])).toEqual([]);
  });

  it('answers a batch read of existing ids in the documented shape', async () => {
    const ours = await call('POST', BATCH_READ_PATH, { inputs: [{ id: '100451' }], properties: ['email'], propertiesWithHistory: [] });
    expect(ours.status).toBe(docs.batchRead.response.status);
    expect(shapeDifferences(oneProperty(docs.batchRead.response.body), oneProperty(ours.body), OPTIONAL_BATCH_FIELDS)).toEqual([]);
  });

  it('answers a batch read of unknown ids with the documented 207 and StandardError', async () => {
    const ours = await call('POST', BATCH_READ_PATH, {
      inputs: [{ id: '8380080352' }, { id: '8144745976' }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(ours.status).toBe(docs.batchReadNotFound.response.status);
    expect(shapeDifferences(docs.batchReadNotFound.response.body, ours.body, OPTIONAL_BATCH_FIELDS)).toEqual([]);
  });

  it('answers a list page with more to follow in the documented shape', async () => {
    const ours = await call('GET', `${CONTACTS_PATH}?limit=1`);
    expect(ours.status).toBe(docs.list.response.status);
    expect(shapeDifferences(oneProperty(docs.list.response.body), oneProperty(ours.body))).toEqual([]);
  });

  it('refuses a search it cannot run with the documented error body', async () => {
    const ours = await call('POST', SEARCH_PATH, { limit: 201 });
    expect(ours.status).toBe(docs.validationError.response.status);
    expect(shapeDifferences(docs.validationError.response.body, ours.body)).toEqual([]);
  });

  it('answers an injected rate limit with the documented 429 body', async () => {
    try {
      await crm.simulator.setFault({ kind: 'error', status: 429 });
      const ours = await call('POST', BATCH_READ_PATH, { inputs: [{ id: '100451' }], properties: ['email'], propertiesWithHistory: [] });
      expect(ours.status).toBe(docs.rateLimit.response.status);
      // requestId: HubSpot removed it from every error response in January 2020 (developer
      // changelog, "Upcoming: Changes to error responses"); the usage page's example predates that.
      expect(shapeDifferences(docs.rateLimit.response.body, ours.body, ['requestId'])).toEqual([]);
    } finally {
      await crm.simulator.setFault({ kind: 'none' });
    }
  });
});

/**
 * `links` and `requestedAt` of a batch answer: optional in BatchResponseSimplePublicObject (not
 * in its `required` list), shown by the reference's generated example; the connector reads neither.
 */
const OPTIONAL_BATCH_FIELDS = ['links', 'requestedAt'];

/**
 * A body with each object's `properties` reduced to one entry. `properties` is a map
 * (`additionalProperties`: string or null) whose keys are the portal's property names: the
 * documented examples show made-up ones (`property_checkbox`), so its shape is the type of its
 * values, not its keys.
 */
function oneProperty(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(oneProperty);
  if (typeof body !== 'object' || body === null) return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => {
      if (key !== 'properties' || typeof value !== 'object' || value === null) return [key, oneProperty(value)];
      const values = Object.values(value);
      return [key, { '(a property)': values.find((v) => v !== null) ?? null }];
    }),
  );
}
