import { describe, expect, it } from 'vitest';
import type { IdentifierType } from '../../connectors/types.js';
import { compatible, foldedName, nameVerdict, type ValuesByType } from './rules.js';

const values = (entries: Partial<Record<IdentifierType, string[]>>): ValuesByType =>
  new Map(Object.entries(entries).map(([type, list]) => [type as IdentifierType, new Set(list)]));
const name = (first: string | null, last: string | null) => foldedName({ first, last });

describe('foldedName', () => {
  it('folds case, accents, spaces and punctuation', () => {
    expect(name(' Hélène ', 'LE GALL')).toEqual({ first: 'helene', last: 'legall' });
    expect(name('Jérôme', "N'Diaye")).toEqual(name('JEROME', 'ndiaye'));
  });

  it('keeps a missing half unknown, and gives nothing for no name at all', () => {
    expect(name('Anna', null)).toEqual({ first: 'anna', last: null });
    expect(name('  ', 'n/a')).toBeNull();
    expect(foldedName(undefined)).toBeNull();
  });
});

describe('nameVerdict', () => {
  const anna = [name('Anna', 'Martin')!];

  it('confirms the first and last names of one of the customer records, however typed', () => {
    expect(nameVerdict(anna, name('ANNA', ' martin'))).toBe('confirms');
    expect(nameVerdict([name('Léa', 'Roux')!, ...anna], name('anna', 'MARTIN'))).toBe('confirms');
  });

  it('refuses another first name, even with the same last name: a household member', () => {
    expect(nameVerdict(anna, name('Paul', 'Martin'))).toBe('refuses');
    expect(nameVerdict(anna, name('Paul', null))).toBe('refuses');
  });

  it('says nothing when a side has no first name, or when only the last names differ', () => {
    expect(nameVerdict(anna, name(null, 'Martin'))).toBe('silent');
    expect(nameVerdict(anna, null)).toBe('silent');
    expect(nameVerdict([], name('Anna', 'Martin'))).toBe('silent');
    expect(nameVerdict([name(null, 'Martin')!], name('Anna', 'Martin'))).toBe('silent');
    // A married name, a typo: the identifiers decide.
    expect(nameVerdict(anna, name('Anna', 'Dubois'))).toBe('silent');
  });
});

describe('compatible (a record found only through a weak identifier)', () => {
  const customer = values({ crm: ['1'], email: ['anna@x.fr'], loyalty: ['old'], card: ['c1'], phone: ['+33611111111'] });
  const newCard = values({ loyalty: ['new'], card: ['c2'], email: ['anna.pro@y.fr'], phone: ['+33611111111'] });

  it('keeps out a record with another email or card when names say nothing', () => {
    expect(compatible(customer, newCard)).toBe(false);
    expect(compatible(customer, newCard, 'silent')).toBe(false);
  });

  it('lets it in when the names confirm: same phone, same full name, a new card and another address', () => {
    expect(compatible(customer, newCard, 'confirms')).toBe(true);
  });

  it('keeps out another first name, even with nothing else to contradict', () => {
    const daughter = values({ loyalty: ['m3'], card: ['c3'], phone: ['+33611111111'] });
    expect(compatible(values({ crm: ['1'], phone: ['+33611111111'] }), daughter, 'silent')).toBe(true);
    expect(compatible(values({ crm: ['1'], phone: ['+33611111111'] }), daughter, 'refuses')).toBe(false);
  });

  it('lets in a record sharing an email whatever the names: that email links it anyway', () => {
    const sameEmail = values({ loyalty: ['new'], card: ['c2'], email: ['anna@x.fr'] });
    expect(compatible(customer, sameEmail, 'refuses')).toBe(true);
  });
});
