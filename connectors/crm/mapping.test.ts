import { describe, expect, it } from 'vitest';
import { loadVendorFixture } from '../../test/support/vendor-fixture.js';
import { byEveryId, contactBatchAnswer, contactListAnswer, contactSearchAnswer, toFoundRecord, toRecord, type Contact } from './mapping.js';

const documented = (name: string): unknown => loadVendorFixture(new URL(`./fixtures/${name}.json`, import.meta.url)).response.body;

const anna: Contact = {
  id: '501',
  properties: {
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
    hs_email_optout: 'false',
    hs_legal_basis: 'Legitimate interest – existing customer;Freely given consent from contact',
    hs_merged_object_ids: '777;778',
    createdate: '2023-03-14T09:26:53Z',
    lastmodifieddate: '2025-01-02T03:04:05.678Z',
  },
  createdAt: '2023-03-14T09:26:53Z',
  updatedAt: '2025-01-02T03:04:05.678Z',
  archived: false,
};

describe('the answer schemas, against the documented answers', () => {
  it('accept every documented success answer', () => {
    expect(contactSearchAnswer.safeParse(documented('search-contacts')).success).toBe(true);
    expect(contactSearchAnswer.safeParse(documented('search-contacts-next-page')).success).toBe(true);
    expect(contactBatchAnswer.safeParse(documented('batch-read-contacts')).success).toBe(true);
    expect(contactBatchAnswer.safeParse(documented('batch-read-not-found')).success).toBe(true);
    expect(contactListAnswer.safeParse(documented('list-contacts')).success).toBe(true);
  });

  it('read the documented next-page cursor and the ids of the documented 207', () => {
    expect(contactSearchAnswer.parse(documented('search-contacts-next-page')).paging?.next?.after).toBe('NTI1Cg%3D%3D');
    expect(contactBatchAnswer.parse(documented('batch-read-not-found')).errors?.[0]?.context?.ids).toEqual(['8380080352', '8144745976']);
  });

  it('refuse the documented error bodies as answers', () => {
    expect(contactSearchAnswer.safeParse(documented('error-validation')).success).toBe(false);
    expect(contactBatchAnswer.safeParse(documented('error-rate-limit')).success).toBe(false);
  });
});

describe('toRecord', () => {
  it('maps every HubSpot property the gateway reads', () => {
    expect(toRecord(anna)).toEqual({
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
      emailOptOut: false,
      legalBasis: ['Legitimate interest – existing customer', 'Freely given consent from contact'],
      mergedContactIds: ['777', '778'],
      createdAt: '2023-03-14T09:26:53.000Z',
      updatedAt: '2025-01-02T03:04:05.678Z',
    });
  });

  it('reads empty strings and missing properties as null, and no address when all four parts are empty', () => {
    const sparse: Contact = { id: '7', properties: { email: '', city: '  ', hs_email_optout: 'maybe' }, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-02T00:00:00Z' };
    expect(toRecord(sparse)).toMatchObject({ email: null, address: null, emailOptOut: null, firstName: null, additionalEmails: [], mergedContactIds: [] });
  });

  it('falls back on createdate and lastmodifieddate when the object timestamps are empty', () => {
    const old: Contact = { id: '8', properties: { createdate: '2020-05-06T07:08:09.000Z', lastmodifieddate: '2021-05-06T07:08:09.000Z' }, createdAt: '', updatedAt: '' };
    expect(toRecord(old)).toMatchObject({ createdAt: '2020-05-06T07:08:09.000Z', updatedAt: '2021-05-06T07:08:09.000Z' });
  });
});

describe('toFoundRecord', () => {
  it('lists the id, merged-away ids, emails and phones as stored, phones with the contact country, and the names', () => {
    expect(toFoundRecord(anna)).toEqual({
      source: 'crm',
      id: '501',
      identifiers: [
        { type: 'crm', value: '501' },
        { type: 'crm', value: '777' },
        { type: 'crm', value: '778' },
        { type: 'email', value: 'Anna.Martin@Example.COM' },
        { type: 'email', value: 'anna@work.example' },
        { type: 'email', value: 'a.martin@old.example' },
        { type: 'phone', value: '+33 1 42 68 53 00', country: 'France' },
        { type: 'phone', value: '06 12 34 56 78', country: 'France' },
      ],
      name: { first: 'Anna', last: 'Martin' },
    });
  });
});

describe('byEveryId', () => {
  it('keys a survivor by its own id and each merged-away id, its own id winning over a stale merge record', () => {
    const stale: Contact = { id: '777', properties: { hs_merged_object_ids: '501' }, createdAt: '', updatedAt: '' };
    const byId = byEveryId([anna, stale]);
    expect([...byId.entries()].map(([id, c]) => [id, c.id])).toEqual([
      ['777', '777'],
      ['778', '501'],
      ['501', '501'],
    ]);
  });
});
