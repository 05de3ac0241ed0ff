import { describe, expect, it } from 'vitest';
import type { AnalyticsVisitorRecord, CommerceCustomerRecord, CrmContactRecord, LoyaltyMemberRecord } from '../../connectors/types.js';
import { buildGoldenRecord, FIELD_SOURCES, GOLDEN_FIELDS, goldenField, provenanceFields, type ClusterRecords, type GoldenRecordOptions } from './golden-record.js';
import { DEFAULT_SURVIVORSHIP } from './rules-config.js';

const options: GoldenRecordOptions = { rules: DEFAULT_SURVIVORSHIP, defaultCountry: 'FR' };

function crm(fields: Partial<CrmContactRecord> & { id: string }): CrmContactRecord {
  return { additionalEmails: [], mergedContactIds: [], ...fields };
}
function loyalty(fields: Partial<LoyaltyMemberRecord> & { id: string }): LoyaltyMemberRecord {
  return { active: true, ...fields };
}
function commerce(fields: Partial<CommerceCustomerRecord> & { id: string }): CommerceCustomerRecord {
  return { tags: [], ...fields };
}
function analytics(fields: Partial<AnalyticsVisitorRecord> & { id: string }): AnalyticsVisitorRecord {
  return { visitCount: 1, visits: [], firstLogins: [], ...fields };
}

/** Élodie Dumont, as four silos hold her, with the mess they hold. */
function cluster(): ClusterRecords {
  return {
    crm: [
      crm({
        id: '101',
        firstName: 'élodie',
        lastName: 'DUMONT',
        email: 'noemail@shop.example',
        additionalEmails: ['Elodie.Dumont@Gmail.com '],
        phone: '01 45 67 89 10',
        mobilePhone: 'n/a',
        birthDate: '1985-03-12',
        language: 'fr-fr',
        address: { street: '8 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'France' },
        createdAt: '2019-04-02T08:00:00.000Z',
        updatedAt: '2023-01-10T08:00:00.000Z',
      }),
    ],
    loyalty: [
      loyalty({
        id: 'b7e1',
        firstName: 'Elodie',
        lastName: 'Dumont',
        email: 'elodie.dumont@gmail.com',
        phone: '+33 6 12 34 56 78',
        birthDate: '1985-03-21',
        address: { street: '8 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
        createdAt: '2018-11-20T17:30:00.000Z',
      }),
    ],
    commerce: [
      commerce({
        id: '7001',
        firstName: 'Élodie',
        lastName: 'Dumont',
        email: 'e.dumont@work.example',
        phone: '0612345678',
        // Moved: the newest address, without a postal code.
        address: { street: '21 quai de la Loire', postalCode: null, city: 'Nantes', country: 'FR' },
        createdAt: '2020-06-01T12:00:00.000Z',
        updatedAt: '2025-02-01T12:00:00.000Z',
      }),
    ],
    analytics: [analytics({ id: 'a1b2c3d4e5f60718', firstVisitAt: '2017-09-09T21:00:00.000Z', lastVisitAt: '2025-03-01T10:00:00.000Z' })],
  };
}

describe('buildGoldenRecord', () => {
  const golden = buildGoldenRecord(cluster(), options);

  it('cases names and derives the display name from them', () => {
    expect(golden.firstName.value).toBe('Élodie');
    expect(golden.lastName.value).toBe('Dumont');
    expect(golden.displayName).toEqual({ value: 'Élodie Dumont', derivedFrom: ['firstName', 'lastName'], partial: false });
    expect(golden.lastName.winner).toEqual({ source: 'crm', recordId: '101', updatedAt: '2023-01-10T08:00:00.000Z' });
    expect(golden.lastName.losers.map((l) => l.reason)).toEqual(['duplicate', 'duplicate']);
  });

  it('skips a blocked primary email and lists every distinct email, the golden one first', () => {
    expect(golden.email.value).toBe('elodie.dumont@gmail.com');
    expect(golden.email.winner?.source).toBe('crm');
    expect(golden.email.losers.map((l) => `${l.source} ${l.reason}`)).toEqual(['commerce lowerPriority', 'loyalty duplicate', 'crm blocked']);
    expect(golden.emails).toEqual({ value: ['elodie.dumont@gmail.com', 'e.dumont@work.example'], derivedFrom: ['email'], partial: false });
  });

  it('writes phones in E.164 read in the default country, a placeholder mobile set aside', () => {
    expect(golden.phone.value).toBe('+33145678910');
    expect(golden.phones.value).toEqual(['+33145678910', '+33612345678']);
    expect(golden.phone.losers.find((l) => l.reason === 'blocked')?.value).toBe('n/a');
  });

  it("reads a national phone in the record's own country, as identity resolution does", () => {
    const spanish = buildGoldenRecord(
      {
        crm: [crm({ id: '7', phone: '612 345 678', address: { street: 'Calle Mayor 1', postalCode: '28001', city: 'Madrid', country: 'Espagne' } })],
        loyalty: [loyalty({ id: 'm', phone: '+34612345678' })],
        commerce: [],
        analytics: [],
      },
      options,
    );
    expect(spanish.phone.value).toBe('+34612345678');
    expect(spanish.phones.value).toEqual(['+34612345678']);
  });

  it('prefers the birth date members give for their birthday reward', () => {
    expect(golden.birthDate.value).toBe('1985-03-21');
    expect(golden.birthDate.winner?.source).toBe('loyalty');
  });

  it('chooses the address as a whole: the newest, never completed from another record', () => {
    expect(golden.address.value).toEqual({ street: '21 quai de la Loire', postalCode: null, city: 'Nantes', country: 'FR' });
    expect(golden.address.winner?.source).toBe('commerce');
    expect(golden.address.losers.map((l) => `${l.source} ${l.reason}`)).toEqual(['crm older', 'loyalty older']);
  });

  it('takes the language the CRM records, as a canonical tag', () => {
    expect(golden.locale.value).toBe('fr-FR');
  });

  it('dates the customer from the first record anywhere, a first visit included', () => {
    expect(golden.createdAt.value).toBe('2017-09-09T21:00:00.000Z');
    expect(golden.createdAt.winner?.source).toBe('analytics');
  });

  it('is not partial when every silo answered', () => {
    for (const field of GOLDEN_FIELDS) expect(golden[field].partial, field).toBe(false);
  });
});

describe('a failed silo', () => {
  it('makes partial exactly the fields it could have supplied', () => {
    const golden = buildGoldenRecord({ ...cluster(), loyalty: { failed: 'loyalty' } }, options);
    const partial = GOLDEN_FIELDS.filter((field) => golden[field].partial);
    expect(partial).toEqual(['firstName', 'lastName', 'displayName', 'email', 'emails', 'phone', 'phones', 'birthDate', 'address', 'createdAt']);
    expect(golden.locale.partial).toBe(false);
    // The value still comes from the silos that answered.
    expect(golden.birthDate.value).toBe('1985-03-12');
    expect(golden.birthDate.winner?.source).toBe('crm');
  });

  it('of analytics touches only createdAt', () => {
    const golden = buildGoldenRecord({ ...cluster(), analytics: { failed: 'analytics' } }, options);
    expect(GOLDEN_FIELDS.filter((field) => golden[field].partial)).toEqual(['createdAt']);
    expect(golden.createdAt.value).toBe('2018-11-20T17:30:00.000Z');
  });

  it('leaves a field empty and partial when the only silo that holds it failed', () => {
    const golden = goldenField({ ...cluster(), crm: { failed: 'crm' } }, 'locale', options);
    expect(golden).toMatchObject({ value: null, winner: null, partial: true });
  });
});

describe('goldenField', () => {
  it('gives what buildGoldenRecord gives, field by field', () => {
    const all = buildGoldenRecord(cluster(), options);
    for (const field of GOLDEN_FIELDS) expect(goldenField(cluster(), field, options), field).toEqual(all[field]);
  });

  it('follows the rules it is given', () => {
    const rules = { ...DEFAULT_SURVIVORSHIP, phone: { kind: 'mostFrequent' } as const };
    expect(goldenField(cluster(), 'phone', { ...options, rules }).value).toBe('+33612345678');
  });

  it('shows only one name when the other is unknown, and no display name when neither is', () => {
    const onlyFirst: ClusterRecords = { crm: [crm({ id: '1', firstName: 'ANNA', lastName: ' ' })], loyalty: [], commerce: [], analytics: [] };
    expect(goldenField(onlyFirst, 'displayName', options).value).toBe('Anna');
    const none: ClusterRecords = { crm: [crm({ id: '1' })], loyalty: [], commerce: [], analytics: [] };
    expect(goldenField(none, 'displayName', options).value).toBeNull();
    expect(goldenField(none, 'emails', options).value).toEqual([]);
  });
});

describe('FIELD_SOURCES', () => {
  it('names, for every golden field, the silos that can supply it', () => {
    expect(FIELD_SOURCES).toEqual({
      firstName: ['crm', 'commerce', 'loyalty'],
      lastName: ['crm', 'commerce', 'loyalty'],
      displayName: ['crm', 'commerce', 'loyalty'],
      email: ['crm', 'commerce', 'loyalty'],
      emails: ['crm', 'commerce', 'loyalty'],
      phone: ['crm', 'commerce', 'loyalty'],
      phones: ['crm', 'commerce', 'loyalty'],
      birthDate: ['crm', 'loyalty'],
      address: ['crm', 'commerce', 'loyalty'],
      locale: ['crm'],
      createdAt: ['crm', 'commerce', 'loyalty', 'analytics'],
    });
  });

  it('is what a field needs: fetching only those silos gives the same value', () => {
    const full = cluster();
    for (const field of GOLDEN_FIELDS) {
      const needed: ClusterRecords = { crm: [], loyalty: [], commerce: [], analytics: [] };
      for (const source of FIELD_SOURCES[field]) Object.assign(needed, { [source]: full[source] });
      expect(goldenField(needed, field, options), field).toEqual(goldenField(full, field, options));
    }
  });

  it('agrees with the provenance of derived fields', () => {
    expect(provenanceFields('displayName')).toEqual(['firstName', 'lastName']);
    expect(provenanceFields('email')).toEqual(['email']);
  });
});

describe('golden text values', () => {
  const empty: ClusterRecords = { crm: [], loyalty: [], commerce: [], analytics: [] };

  it('cases each name in its own record\'s language: a Turkish address makes IŞIK Işık', () => {
    const turkish: ClusterRecords = {
      ...empty,
      loyalty: [loyalty({ id: 'm1', firstName: 'İLKNUR', lastName: 'IŞIK', address: { street: null, postalCode: '34000', city: 'İstanbul', country: 'Türkiye' } })],
    };
    const record = buildGoldenRecord(turkish, options);
    expect([record.firstName.value, record.lastName.value, record.displayName.value]).toEqual(['İlknur', 'Işık', 'İlknur Işık']);
    const french: ClusterRecords = { ...empty, loyalty: [loyalty({ id: 'm1', lastName: 'IŞIK', address: { street: null, postalCode: '75011', city: 'Paris', country: 'France' } })] };
    expect(buildGoldenRecord(french, options).lastName.value).toBe('Işik');
  });

  it('drops invisible characters and composes accents in every text value, so that equal values count once', () => {
    const record = buildGoldenRecord(
      {
        ...empty,
        crm: [crm({ id: '1', firstName: 'E\u0301lodie', lastName: 'Dumont\u200B', language: 'fr\u200B', address: { street: '8 rue des Lilas\u200B', postalCode: '69003', city: 'Lyon', country: 'France' } })],
        loyalty: [loyalty({ id: 'm1', firstName: 'Élodie', lastName: 'Dumont' })],
      },
      { ...options, rules: { ...DEFAULT_SURVIVORSHIP, firstName: { kind: 'mostFrequent' } } },
    );
    expect(record.firstName.value).toBe('Élodie');
    expect(record.firstName.losers.map((l) => l.reason)).toEqual(['duplicate']);
    expect(record.lastName.value).toBe('Dumont');
    expect(record.locale.value).toBe('fr');
    expect(record.address.value?.street).toBe('8 rue des Lilas');
  });
});


describe('names in the golden record', () => {
  it('takes "LEGALL" and "le-gall" as the same last name as "Le Gall", as identity resolution does', () => {
    const record = buildGoldenRecord(
      {
        crm: [crm({ id: '1', lastName: 'Le Gall' })],
        loyalty: [loyalty({ id: 'm1', lastName: 'LEGALL' })],
        commerce: [commerce({ id: '7', lastName: 'le-gall' })],
        analytics: [],
      },
      options,
    );
    expect(record.lastName.value).toBe('Le Gall');
    expect(record.lastName.losers.map((l) => `${l.source} ${l.reason}`)).toEqual(['loyalty duplicate', 'commerce duplicate']);
  });

  it('keeps "Anna" and "Anne" two first names', () => {
    const record = buildGoldenRecord(
      { crm: [crm({ id: '1', firstName: 'Anna' })], loyalty: [loyalty({ id: 'm1', firstName: 'Anne' })], commerce: [], analytics: [] },
      options,
    );
    expect(record.firstName.losers.map((l) => `${l.source} ${l.reason}`)).toEqual(['loyalty lowerPriority']);
  });
});
