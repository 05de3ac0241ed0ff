/**
 * Golden text values, names and dates through real HTTP: records appended to a generated
 * population (population-edit.ts) in each product's own shape, served by the simulators, read
 * by the connectors, merged by the gateway. Each test names the input that used to fail.
 */
import { describe, expect, it } from 'vitest';
import { PopulationEdit, type RecordRef } from '../support/population-edit.js';
import { useStack } from '../support/stack.js';

const ids: Record<string, RecordRef> = {};

const stack = useStack({
  size: 300,
  prepare: (population) => {
    const edit = new PopulationEdit(population);
    // Turkish capitals: the root lower case of İ is i + U+0307.
    ids.turkish = edit.contact({ firstname: 'İLKNUR', lastname: 'ÇELİK', email: 'ilknur.celik@golden-values.example' });
    ids.gaelic = edit.contact({ firstname: 'ANGUS', lastname: 'MCDONALD', email: 'angus.mcdonald@golden-values.example' });
    ids.dutch = edit.contact({ firstname: 'PIETER', lastname: 'VAN DER BERG', email: 'pieter.vdberg@golden-values.example' });
    ids.notGaelic = edit.contact({ firstname: 'MARIA', lastname: 'MACHADO', email: 'maria.machado@golden-values.example' });
    ids.french = edit.contact({ firstname: 'JEAN-PIERRE', lastname: 'LE GALL', email: 'jp.legall@golden-values.example' });
    ids.apostrophe = edit.contact({ firstname: 'AWA', lastname: "N'DIAYE", email: 'awa.ndiaye@golden-values.example' });
    // A birth date as Open Loyalty serializes it from a server in UTC: midnight in Paris on 15 April.
    ids.born = edit.contact({ firstname: 'Camille', lastname: 'Roux', email: 'camille.roux@golden-values.example' });
    ids.bornMember = edit.member({ firstName: 'Camille', lastName: 'Roux', email: 'camille.roux@golden-values.example', birthDate: '1990-04-14T22:00:00+00:00' });
    // As an older HubSpot portal writes a date property: midnight UTC of that date.
    ids.hubspotDate = edit.contact({ firstname: 'Hugo', lastname: 'Blanc', email: 'hugo.blanc@golden-values.example', date_of_birth: '1985-03-12T00:00:00.000Z' });
    // The same name in two encodings, and with invisible characters, in two silos.
    ids.invisible = edit.contact({
      firstname: 'E\u0301lodie',
      lastname: 'Marchand\u200B',
      email: 'elodie.marchand@golden-values.example',
      hs_language: 'fr\u200B',
      address: '\uFEFF12 rue des Lilas',
      city: 'Lyon\u200B',
      zip: '69003',
      country: 'France',
    });
    ids.invisibleMember = edit.member({ firstName: 'Élodie', lastName: 'MARCHAND', email: 'elodie.marchand@golden-values.example' });
    // One phone (weak: it links only where names agree), the name typed with and without Turkish letters.
    ids.folded = edit.contact({ firstname: 'Işıl', lastname: 'Strauß', mobilephone: '+905321234567' });
    ids.foldedMember = edit.member({ firstName: 'ISIL', lastName: 'STRAUSS', phone: '+905321234567' });
    edit.person([ids.turkish!]);
    edit.person([ids.gaelic!]);
    edit.person([ids.dutch!]);
    edit.person([ids.notGaelic!]);
    edit.person([ids.french!]);
    edit.person([ids.apostrophe!]);
    edit.person([ids.born!, ids.bornMember!]);
    edit.person([ids.hubspotDate!]);
    edit.person([ids.invisible!, ids.invisibleMember!]);
    edit.person([ids.folded!, ids.foldedMember!]);
    return edit.population;
  },
});

async function customer(ref: RecordRef, selection: string): Promise<Record<string, any>> {
  const { status, body } = await stack.query(`query ($id: ID!) { customer(id: $id) { ${selection} } }`, { id: `${ref.source}:${ref.id}` });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data!.customer;
}

describe('golden names', () => {
  it('cases İLKNUR ÇELİK in the Turkish alphabet, with no stray combining dot', async () => {
    const c = await customer(ids.turkish!, 'firstName lastName displayName');
    expect(c).toEqual({ firstName: 'İlknur', lastName: 'Çelik', displayName: 'İlknur Çelik' });
    expect(c.displayName).not.toContain('\u0307');
  });

  it('cases Mc, particles, apostrophes and hyphens the way the field does', async () => {
    expect(await customer(ids.gaelic!, 'displayName')).toEqual({ displayName: 'Angus McDonald' });
    expect(await customer(ids.dutch!, 'lastName displayName')).toEqual({ lastName: 'van der Berg', displayName: 'Pieter van der Berg' });
    expect(await customer(ids.notGaelic!, 'displayName')).toEqual({ displayName: 'Maria Machado' });
    expect(await customer(ids.french!, 'displayName')).toEqual({ displayName: 'Jean-Pierre Le Gall' });
    expect(await customer(ids.apostrophe!, 'displayName')).toEqual({ displayName: "Awa N'Diaye" });
  });

  it('compares names with Unicode-correct folding: Işıl Strauß and ISIL STRAUSS on one phone are one customer', async () => {
    const c = await customer(ids.folded!, 'firstName lastName loyalty { firstName lastName }');
    expect(c.loyalty).toEqual([{ firstName: 'ISIL', lastName: 'STRAUSS' }]);
    expect([c.firstName, c.lastName]).toEqual(['Işıl', 'Strauß']);
  });
});

describe('golden text', () => {
  it('normalizes Unicode and drops invisible characters in every text value: one Élodie Marchand, not two', async () => {
    const c = await customer(
      ids.invisible!,
      `firstName lastName locale address { street city }
       provenance(field: "lastName") { value candidates { value source reason } }`,
    );
    expect([c.firstName, c.lastName, c.locale]).toEqual(['Élodie', 'Marchand', 'fr']);
    expect(c.address).toEqual({ street: '12 rue des Lilas', city: 'Lyon' });
    expect(c.firstName).toBe('\u00C9lodie');
    // The loyalty member's MARCHAND is the same value as the contact's Marchand + U+200B.
    const [lastName] = c.provenance;
    expect(lastName.value).toBe('Marchand');
    expect(lastName.candidates).toEqual([{ value: 'MARCHAND', source: 'loyalty', reason: 'duplicate' }]);
  });
});

describe('birth dates', () => {
  it('reads a birth date sent as an instant in the silo\'s time zone: 1990-04-14T22:00:00+00:00 from Paris is 15 April', async () => {
    const c = await customer(ids.born!, 'birthDate provenance(field: "birthDate") { value source } loyalty { birthDate }');
    expect(c.birthDate).toBe('1990-04-15');
    expect(c.provenance).toEqual([{ value: '1990-04-15', source: 'loyalty' }]);
    expect(c.loyalty).toEqual([{ birthDate: '1990-04-15' }]);
  });

  it('reads a HubSpot date property written as midnight UTC as that date', async () => {
    const c = await customer(ids.hubspotDate!, 'birthDate crm { birthDate }');
    expect(c).toEqual({ birthDate: '1985-03-12', crm: [{ birthDate: '1985-03-12' }] });
  });
});
