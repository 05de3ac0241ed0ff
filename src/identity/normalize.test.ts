import { describe, expect, it } from 'vitest';
import type { Identifier } from '../../connectors/types.js';
import { countryCodeOf } from './country.js';
import { isPlaceholderEmail, normalizeIdentifier } from './normalize.js';

const fr = { defaultCountry: 'FR' as const };
const normalized = (identifier: Identifier): string | null => {
  const result = normalizeIdentifier(identifier, fr);
  return result.ok ? result.identifier.value : null;
};

describe('normalizeIdentifier: invisible characters and Unicode forms', () => {
  it.each([
    ['email', 'name@example.com\u200b', 'name@example.com'],
    ['email', '\ufeffname@example.com', 'name@example.com'],
    ['email', 'ame\u0301lie@example.com', 'am\u00e9lie@example.com'],
    ['phone', '06\u200b12 34 56 78', '+33612345678'],
    ['card', '2900\u00ad1234\u200d5678', '290012345678'],
    ['crm', '667\u200b', '667'],
    ['analytics', '\u200e77917fedb71ec127', '77917fedb71ec127'],
  ] as const)('%s "%s" is %s', (type, value, expected) => {
    expect(normalized({ type, value })).toBe(expected);
  });
});

describe('normalizeIdentifier: each silo\'s record ids', () => {
  it.each([
    ['analytics', '77917FEDB71EC127', '77917fedb71ec127'],
    ['crm', ' 00667 ', '667'],
    ['commerce', '007000000001', '7000000001'],
    ['commerce', 'gid://shopify/Customer/7000000001', '7000000001'],
    ['loyalty', '5B0E5C3A-8F1D-4C2B-9A7E-3D6F1E2C4B5A', '5b0e5c3a-8f1d-4c2b-9a7e-3d6f1e2c4b5a'],
    // A silo's answer in another form is matched as given, not refused.
    ['analytics', 'v1', 'v1'],
    ['loyalty', 'm1', 'm1'],
  ] as const)('%s "%s" is %s', (type, value, expected) => {
    expect(normalized({ type, value })).toBe(expected);
  });
});

describe('normalizeIdentifier: emails match on the canonical mailbox', () => {
  it.each([
    ['lea1966@gmail.com.', 'lea1966@gmail.com'],
    ['Lea1966@Gmail.COM', 'lea1966@gmail.com'],
    ['francois.masson19+shop@gmail.com', 'francois.masson19@gmail.com'],
    ['francois.masson19@googlemail.com', 'francois.masson19@gmail.com'],
    ['anna+news@outlook.com', 'anna@outlook.com'],
    ['anna+news@hotmail.fr', 'anna@hotmail.fr'],
    ['anna+x@icloud.com', 'anna@icloud.com'],
    ['anna+x@fastmail.com', 'anna@fastmail.com'],
    ['anna+x@proton.me', 'anna@proton.me'],
    ['anna+x@example.com.', 'anna+x@example.com'],
    // Gmail ignores dots, but no silo can be searched without them: not folded (see mailbox.ts).
    ['f.masson@gmail.com', 'f.masson@gmail.com'],
    // Yahoo's "-keyword" addresses are separate mailboxes.
    ['anna-shop@yahoo.com', 'anna-shop@yahoo.com'],
  ])('%s is the mailbox %s', (value, expected) => {
    expect(normalized({ type: 'email', value })).toBe(expected);
  });
});

describe('normalizeIdentifier: phones read in the record\'s country', () => {
  it.each([
    ['349 7766351', 'Italia', '+393497766351'],
    ['349 7766351', 'IT', '+393497766351'],
    ['349 7766351', 'italy', '+393497766351'],
    ['0151 23456789', 'Deutschland', '+4915123456789'],
    ['612 345 678', 'España', '+34612345678'],
    ['07911 123456', 'United Kingdom', '+447911123456'],
    ['07911 123456', 'UK', '+447911123456'],
    // Not valid in the record's country: the default country reads it.
    ['06 12 34 56 78', 'United Kingdom', '+33612345678'],
    // Valid nowhere nationally, valid once "+" is put in front.
    ['33652947840', undefined, '+33652947840'],
    ['33652947840', 'France', '+33652947840'],
    ['+33 6 52 94 78 40', 'Italia', '+33652947840'],
  ] as const)('%s in %s is %s', (value, country, expected) => {
    expect(normalized({ type: 'phone', value, ...(country ? { country } : {}) })).toBe(expected);
  });

  it('drops the country hint from the normalized identifier', () => {
    expect(normalizeIdentifier({ type: 'phone', value: '349 7766351', country: 'Italia' }, fr)).toEqual({
      ok: true,
      identifier: { type: 'phone', value: '+393497766351' },
    });
  });

  it('names the countries tried when a number is valid in none', () => {
    const result = normalizeIdentifier({ type: 'phone', value: '12', country: 'Italia' }, fr);
    expect(!result.ok && result.reason).toContain('IT or FR');
  });
});

describe('countryCodeOf', () => {
  it.each([
    ['Italia', 'IT'], ['ITALIE', 'IT'], ['Deutschland', 'DE'], ['Allemagne', 'DE'], ['España', 'ES'], ['Espana', 'ES'],
    ['United Kingdom', 'GB'], ['Royaume-Uni', 'GB'], ['UK', 'GB'], ['Belgique', 'BE'], ['België', 'BE'], ['États-Unis', 'US'],
    ['USA', 'US'], ['fr', 'FR'], [' France ', 'FR'], ['Svizzera', 'CH'],
  ])('%s is %s', (text, code) => {
    expect(countryCodeOf(text)).toBe(code);
  });

  it('is null for what names no country', () => {
    expect(countryCodeOf('Atlantis')).toBeNull();
    expect(countryCodeOf('')).toBeNull();
  });
});

describe('placeholder emails', () => {
  it.each([
    'no.email@maison-cassel.fr', 'no-email@gmail.com', 'no_email@x.fr', 'noemail@x.fr', 'nomail@x.fr', 'no.mail@x.fr', 'no.e-mail@x.fr',
    'none@x.com', 'noreply@x.com', 'unknown@x.com', 'n/a@x.com',
    'pas.de.mail@x.fr', 'pasdemail@x.fr', 'pas-de-mail@x.fr', 'pas.d.email@x.fr', 'sansemail@x.fr', 'sans.mail@x.fr', 'aucun@x.fr', 'aucune@x.fr', 'aucun.mail@x.fr', 'inconnu@x.fr',
    'keine@x.de', 'kein.email@x.de', 'keine-mail@x.de', 'keinemail@x.de', 'ohne.email@x.de', 'unbekannt@x.de',
    'sinemail@x.es', 'sin.email@x.es', 'sin_correo@x.es', 'ninguno@x.es', 'ninguna@x.es', 'desconocido@x.es',
    'nessuna@x.it', 'nessuna.email@x.it', 'senza.mail@x.it', 'sconosciuto@x.it',
    'geen@x.be', 'geen.email@x.be', 'onbekend@x.be',
    'NO.EMAIL@Maison-Cassel.FR', 'no.email\u200b@x.fr',
    'none@none.com',
    // Other words for an address, and fillers (found by trying the gateway as a user would).
    'pas.de.courriel@maison-cassel.fr', 'sans.courriel@x.fr', 'sans.adresse@x.fr', 'pas.d.adresse@x.fr', 'aucune.adresse@x.fr',
    'keine.angabe@x.de', 'k.a@x.de', 'no.email.address@x.com', 'no.tiene@x.es', 'sin.correo@x.es', 'niente@x.it', 'nvt@x.nl', 'n.v.t@x.nl',
    'x@x.fr', 'xx@xx.fr', 'a@a.fr', 'aaa@aaa.com',
  ])('%s is a placeholder', (value) => {
    expect(isPlaceholderEmail(value)).toBe(true);
    const result = normalizeIdentifier({ type: 'email', value }, fr);
    expect(result).toMatchObject({ ok: false, blocked: true });
  });

  it.each([
    'noemie@x.fr', 'nora.mail@x.fr', 'sandra.sansom@x.fr', 'kleine@x.de', 'nina@x.es', 'aucunfilter.fan@x.fr', 'notre.maison@x.fr',
    'courriel@orange.fr', 'adresse.pro@orange.fr', 'x@example.com', 'nina.niente@x.it', 'kate@gmail.com',
  ])(
    '%s is a real address',
    (value) => {
      expect(isPlaceholderEmail(value)).toBe(false);
      expect(normalizeIdentifier({ type: 'email', value }, fr).ok).toBe(true);
    },
  );
});
