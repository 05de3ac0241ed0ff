import { describe, expect, it } from 'vitest';
import { addressKey, cleanAddress } from './address.js';
import { countryCodeOf } from '../identity/country.js';
import { cleanDate, cleanIdentifier, cleanLocale, cleanName, cleanText, cleanTimestamp, fold, nameKey, properCase } from './clean.js';

const fr = { defaultCountry: 'FR' } as const;

describe('names', () => {
  it.each([
    ['DUMONT', 'Dumont'],
    ['élodie', 'Élodie'],
    ['JEAN-PIERRE', 'Jean-Pierre'],
    ["n'diaye", "N'Diaye"],
    ['LE GALL', 'Le Gall'],
    ['o’brien', 'O’Brien'],
    ['McDonald', 'McDonald'],
    ['van der Berg', 'van der Berg'],
  ])('cases "%s" as "%s"', (raw, cased) => {
    expect(properCase(raw)).toBe(cased);
  });

  it('cleans spaces and blocks placeholders before casing', () => {
    expect(cleanName('  élodie   marie ')).toEqual({ ok: true, value: 'Élodie Marie' });
    expect(cleanName('N/A')).toEqual({ ok: false, reason: 'blocked', detail: '"N/A" is a placeholder, not a real value' });
    expect(cleanText('unknown').ok).toBe(false);
  });

  it('compares without case, accents or dots', () => {
    expect(fold(' Élodie  ')).toBe(fold('ELODIE'));
    expect(fold('St. Denis')).toBe('st denis');
  });

  it('keeps the words of free text apart, so that two addresses do not run together', () => {
    expect(fold('Apt 1, 23 Main St.')).toBe('apt 1, 23 main st');
    expect(fold('Apt 12, 3 Main St.')).toBe('apt 12, 3 main st');
  });

  it.each([
    ['Le Gall', 'legall'],
    ['LeGall', 'legall'],
    ['le-gall', 'legall'],
    ['LE GALL', 'legall'],
    ['Jean-Pierre', 'jeanpierre'],
    ["N'Diaye", 'ndiaye'],
    ['Strauß', 'strauss'],
    ['?', '?'],
  ])('compares the name "%s" as "%s"', (name, key) => {
    expect(nameKey(name)).toBe(key);
  });

  it.each([
    // Turkish: İ and ı are letters of their own; never a stray combining dot (U+0307).
    ['İLKNUR', 'İlknur'],
    ['ÇELİK', 'Çelik'],
    ['İLKNUR ÇELİK', 'İlknur Çelik'],
    ['ılgın', 'Ilgın'],
    ['AYŞE YILDIZ', 'Ayşe Yildiz'],
    // Mc always, Mac before a Gaelic root only.
    ['MCDONALD', 'McDonald'],
    ['mcenroe', 'McEnroe'],
    ['MACLEOD', 'MacLeod'],
    ['MACDONALD', 'MacDonald'],
    ['MACKENZIE', 'MacKenzie'],
    ['MACK', 'Mack'],
    ['MACEY', 'Macey'],
    ['MACHADO', 'Machado'],
    ['MACIAS', 'Macias'],
    ['MACRON', 'Macron'],
    ['MACAULAY', 'Macaulay'],
    ['MC', 'Mc'],
    // Apostrophes and hyphens.
    ["O'BRIEN", "O'Brien"],
    ["D'ANGELO", "D'Angelo"],
    ['N’DIAYE', 'N’Diaye'],
    ['JEAN-PIERRE', 'Jean-Pierre'],
    ['MARIE-CLAIRE DE LA TOUR', 'Marie-Claire de La Tour'],
    ['SMITH-MCDONALD', 'Smith-McDonald'],
    // Particles: lower case when a name follows; the French articles Le and La keep their capital.
    ['PIETER VAN DER BERG', 'Pieter van der Berg'],
    ['VAN DER BERG', 'van der Berg'],
    ['LUDWIG VAN BEETHOVEN', 'Ludwig van Beethoven'],
    ['CHARLES DE GAULLE', 'Charles de Gaulle'],
    ['MARIA DOS SANTOS', 'Maria dos Santos'],
    ['ORTEGA Y GASSET', 'Ortega y Gasset'],
    ['VON DER LEYEN', 'von der Leyen'],
    ['LE GALL', 'Le Gall'],
    ['LA FONTAINE', 'La Fontaine'],
    ['le pen', 'Le Pen'],
    ['DA', 'Da'],
    ['COSTA DA', 'Costa Da'],
    ['VAN', 'Van'],
    ["VAN 'T HOF", "van 't Hof"],
    ['MACINTOSH', 'Macintosh'],
    // Other letters of their own, and ß, which has no common capital.
    ['STRAUß', 'Strauß'],
    ['ØRSTED', 'Ørsted'],
    ['łukasz', 'Łukasz'],
    ['ÆSA', 'Æsa'],
    ['ΑΝΔΡΈΑΣ', 'Ανδρέας'],
    ['ИВАНОВ', 'Иванов'],
    // Mixed case is the person's choice.
    ['Di Maio', 'Di Maio'],
    ['deLuca', 'deLuca'],
    ['İlknur', 'İlknur'],
    ['Macdonald', 'Macdonald'],
  ])('cases "%s" as "%s"', (raw, cased) => {
    expect(properCase(raw)).toBe(cased);
    expect(properCase(raw)).not.toMatch(/\u0307/);
  });

  it('reads an I as dotless in a Turkish record only when the name is typed in the Turkish alphabet', () => {
    expect(properCase('IŞIK', { language: 'tr' })).toBe('Işık');
    expect(properCase('IŞIK', { country: 'TR' })).toBe('Işık');
    expect(properCase('IŞIK', { language: 'tr-TR', country: 'FR' })).toBe('Işık');
    // Typed without Turkish letters, on a keyboard without İ: the Latin I.
    expect(properCase('ISMAIL', { language: 'tr' })).toBe('Ismail');
    // Elsewhere (a Romanian Ş, a French record), the Latin I.
    expect(properCase('IŞIK')).toBe('Işik');
    expect(properCase('IŞIK', { language: 'fr', country: 'TR' })).toBe('Işik');
    expect(properCase('İLKNUR', { language: 'az' })).toBe('İlknur');
  });

  it('cleans Unicode: one form, no invisible characters', () => {
    expect(cleanName('Anna\u200B')).toEqual({ ok: true, value: 'Anna' });
    expect(cleanName('\uFEFFANNA')).toEqual({ ok: true, value: 'Anna' });
    expect(cleanName('E\u0301lodie')).toEqual({ ok: true, value: 'Élodie' });
    expect(cleanName('E\u0301LODIE')).toEqual({ ok: true, value: 'Élodie' });
    expect(cleanName('Ma\u00ADrie')).toEqual({ ok: true, value: 'Marie' });
    expect(cleanName('\u200B')).toMatchObject({ ok: false });
    expect(cleanText('Rue\u200B de la Paix')).toEqual({ ok: true, value: 'Rue de la Paix' });
  });

  it('compares names with Unicode-correct folding', () => {
    expect(fold('İLKNUR')).toBe(fold('Ilknur'));
    expect(fold('ÇELİK')).toBe(fold('Celik'));
    expect(fold('Strauß')).toBe(fold('STRAUSS'));
    expect(fold('Anna\u200B')).toBe(fold('Anna'));
    expect(fold('E\u0301lodie')).toBe(fold('Élodie'));
  });
});

describe('emails and phones', () => {
  it('normalizes as identity resolution does', () => {
    expect(cleanIdentifier('email', ' Anna.Martin@Example.COM ', fr)).toEqual({ ok: true, value: 'anna.martin@example.com' });
    expect(cleanIdentifier('phone', '06 12 34 56 78', fr)).toEqual({ ok: true, value: '+33612345678' });
  });

  it('tells placeholders (blocked) from what does not parse (invalid)', () => {
    expect(cleanIdentifier('email', 'noemail@shop.example', fr)).toMatchObject({ ok: false, reason: 'blocked' });
    expect(cleanIdentifier('phone', '0000000000', fr)).toMatchObject({ ok: false, reason: 'blocked' });
    expect(cleanIdentifier('email', 'anna', fr)).toEqual({ ok: false, reason: 'invalid', detail: 'expected an address like anna@example.com' });
    expect(cleanIdentifier('phone', '12', fr)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('dates, times and languages', () => {
  it('accepts calendar dates that exist', () => {
    expect(cleanDate('1988-07-02')).toEqual({ ok: true, value: '1988-07-02' });
    expect(cleanDate('1990-02-31')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(cleanDate('02/07/1988')).toEqual({ ok: false, reason: 'invalid', detail: 'expected a date like 1988-07-02, got "02/07/1988"' });
    expect(cleanDate('n/a')).toMatchObject({ ok: false, reason: 'blocked' });
    // Years 0 to 99 as written (Date.UTC would read 1900 to 1999): 96 is a leap year, 100 is not.
    expect(cleanDate('0096-02-29')).toEqual({ ok: true, value: '0096-02-29' });
    expect(cleanDate('0099-06-01')).toEqual({ ok: true, value: '0099-06-01' });
    expect(cleanDate('0100-02-29')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('writes instants in UTC', () => {
    expect(cleanTimestamp('2025-01-01T01:00:00+01:00')).toEqual({ ok: true, value: '2025-01-01T00:00:00.000Z' });
    expect(cleanTimestamp('yesterday')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('canonicalizes language tags', () => {
    expect(cleanLocale('en-gb')).toEqual({ ok: true, value: 'en-GB' });
    expect(cleanLocale('fr_BE')).toEqual({ ok: true, value: 'fr-BE' });
    expect(cleanLocale('fr')).toEqual({ ok: true, value: 'fr' });
    expect(cleanLocale('not a tag')).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('countries', () => {
  it('reads names in the languages customers type them in, codes and abbreviations', () => {
    const written: Record<string, string> = {
      France: 'FR', FRANCE: 'FR', fr: 'FR', Deutschland: 'DE', België: 'BE', Belgique: 'BE', España: 'ES',
      'United Kingdom': 'GB', UK: 'GB', England: 'GB', USA: 'US', 'U.S.A.': 'US', 'United States': 'US',
    };
    for (const [text, code] of Object.entries(written)) expect(countryCodeOf(text), text).toBe(code);
  });

  it('returns null for what names no country', () => {
    expect(countryCodeOf('Atlantis')).toBeNull();
    expect(countryCodeOf('XX')).toBeNull();
  });
});

describe('addresses', () => {
  it('cleans each part and codes the country, keeping unknown countries as written', () => {
    expect(cleanAddress({ street: ' 12 rue Pasteur ', postalCode: '75011', city: 'Paris', country: 'france' })).toEqual({
      ok: true,
      value: { street: '12 rue Pasteur', postalCode: '75011', city: 'Paris', country: 'FR' },
    });
    expect(cleanAddress({ street: '1 Main St', postalCode: null, city: 'Springfield', country: 'Freedonia' })).toMatchObject({ value: { country: 'Freedonia' } });
    expect(cleanAddress({ street: 'n/a', postalCode: 'ec1v 9hx', city: 'London', country: 'UK' })).toEqual({
      ok: true,
      value: { street: null, postalCode: 'EC1V 9HX', city: 'London', country: 'GB' },
    });
  });

  it('refuses an address one cannot write to', () => {
    expect(cleanAddress({ street: null, postalCode: '', city: null, country: 'France' })).toEqual({
      ok: false,
      reason: 'invalid',
      detail: 'no street, postal code or city: not an address one can write to',
    });
    expect(cleanAddress({ street: 'n/a', postalCode: '-', city: 'unknown', country: null })).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it('compares addresses without case, accents or spaces in the postal code', () => {
    const a = cleanAddress({ street: '3 rue Émile Zola', postalCode: 'EC1V 9HX', city: 'PARIS', country: 'France' });
    const b = cleanAddress({ street: '3 Rue Emile Zola', postalCode: 'ec1v9hx', city: 'Paris', country: 'FR' });
    expect(a.ok && b.ok && addressKey(a.value) === addressKey(b.value)).toBe(true);
  });
});
