import { describe, expect, it } from 'vitest';
import type { IdentifierType } from '../../connectors/types.js';
import { compatible, deviceOwner, evidentlyDifferent, foldedName, nameVerdict, type PersonEvidence, type ValuesByType } from './rules.js';

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

describe('evidentlyDifferent (two records that hold one value)', () => {
  const person = (first: string | null, last: string | null, ...mobiles: string[]): PersonEvidence => ({ name: foldedName({ first, last }), mobiles: new Set(mobiles) });

  it('tells apart two first names, however the rest agrees', () => {
    expect(evidentlyDifferent(person('Aline', 'Morel'), person('Bruno', 'Petit'))).toBe(true);
    expect(evidentlyDifferent(person('Aline', 'Morel'), person('Paul', 'Morel'))).toBe(true);
    expect(evidentlyDifferent(person('Aline', 'Morel', '+33698765431'), person('Paul', 'Morel', '+33698765431'))).toBe(true);
  });

  it('tells apart two people with their own mobiles when their full names are not the same', () => {
    expect(evidentlyDifferent(person(null, null, '+33698765431'), person(null, null, '+33698765432'))).toBe(true);
    expect(evidentlyDifferent(person('Anna', 'Martin', '+33611111111'), person('Anna', 'Dubois', '+33622222222'))).toBe(true);
  });

  it('does not tell apart one person\'s records: same names however typed, an initial, a missing name or mobile', () => {
    expect(evidentlyDifferent(person('Hélène', 'Le Gall'), person('HELENE', 'LEGALL'))).toBe(false);
    expect(evidentlyDifferent(person('J.', 'Miller'), person('John', 'Miller'))).toBe(false);
    expect(evidentlyDifferent(person('Anna', 'Martin', '+33611111111'), person('Anna', 'Martin', '+33622222222'))).toBe(false);
    expect(evidentlyDifferent(person(null, null), person('Anna', 'Martin', '+33611111111'))).toBe(false);
    expect(evidentlyDifferent(person('Anna', 'Martin', '+33611111111'), person('Anna', 'Dubois'))).toBe(false);
    expect(evidentlyDifferent(person('Anna', null, '+33611111111'), person('Anna', 'Martin', '+33611111111', '+33622222222'))).toBe(false);
  });
});

describe('deviceOwner (a device several shop customers logged in on)', () => {
  it('is the customer with strictly the most logged-in visits', () => {
    expect(deviceOwner(new Map([['A', 3], ['B', 1]]))).toBe('A');
    expect(deviceOwner(new Map([['B', 1], ['A', 2], ['C', 1]]))).toBe('A');
    expect(deviceOwner(new Map([['A', 1]]))).toBe('A');
  });

  it('is nobody on a tie for the most, or without logins', () => {
    expect(deviceOwner(new Map([['A', 2], ['B', 2]]))).toBeNull();
    expect(deviceOwner(new Map([['A', 2], ['B', 2], ['C', 1]]))).toBeNull();
    expect(deviceOwner(new Map([['C', 1], ['A', 2], ['B', 2]]))).toBeNull();
    expect(deviceOwner(new Map())).toBeNull();
  });
});
