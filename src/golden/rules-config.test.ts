import { describe, expect, it } from 'vitest';
import { FIELD_SOURCES } from './golden-record.js';
import { DEFAULT_SURVIVORSHIP, formatSurvivorshipRules, GOLDEN_FIELDS, parseSurvivorshipRules, SURVIVING_FIELDS } from './rules-config.js';

describe('parseSurvivorshipRules', () => {
  it('gives the defaults for an empty setting', () => {
    expect(parseSurvivorshipRules('')).toEqual({ ok: true, rules: DEFAULT_SURVIVORSHIP });
    expect(parseSurvivorshipRules(' ; ')).toEqual({ ok: true, rules: DEFAULT_SURVIVORSHIP });
  });

  it('merges the fields it names over the defaults', () => {
    const result = parseSurvivorshipRules('email=sourcePriority:crm>commerce>loyalty; address=mostRecent; phone = mostFrequent ;birthDate=sourcePriority: crm > loyalty');
    expect(result).toEqual({
      ok: true,
      rules: {
        ...DEFAULT_SURVIVORSHIP,
        email: { kind: 'sourcePriority', order: ['crm', 'commerce', 'loyalty'] },
        address: { kind: 'mostRecent' },
        phone: { kind: 'mostFrequent' },
        birthDate: { kind: 'sourcePriority', order: ['crm', 'loyalty'] },
      },
    });
  });

  it('reads back what formatSurvivorshipRules writes', () => {
    const text = formatSurvivorshipRules(DEFAULT_SURVIVORSHIP);
    expect(text).toBe(
      'firstName=sourcePriority:crm>loyalty>commerce; lastName=sourcePriority:crm>loyalty>commerce; email=sourcePriority:crm>commerce>loyalty; ' +
        'phone=sourcePriority:crm>loyalty>commerce; birthDate=sourcePriority:loyalty>crm; address=mostRecent; locale=sourcePriority:crm; createdAt=firstSeen',
    );
    expect(parseSurvivorshipRules(text, { ...DEFAULT_SURVIVORSHIP, address: { kind: 'firstSeen' } })).toEqual({ ok: true, rules: DEFAULT_SURVIVORSHIP });
  });

  it('has defaults that rank only silos holding the field', () => {
    for (const field of SURVIVING_FIELDS) {
      const rule = DEFAULT_SURVIVORSHIP[field];
      if (rule.kind === 'sourcePriority') for (const silo of rule.order) expect(FIELD_SOURCES[field], field).toContain(silo);
    }
  });

  it.each([
    ['emial=mostRecent', 'Unknown field "emial"; fields with a rule are firstName, lastName, email, phone, birthDate, address, locale, createdAt.'],
    ['displayName=mostRecent', 'displayName takes no rule: it is derived from firstName and lastName; set rules for those.'],
    ['emails=mostFrequent', 'emails takes no rule: it is derived from email; set rules for those.'],
    ['toString=mostRecent', 'Unknown field "toString"; fields with a rule are firstName, lastName, email, phone, birthDate, address, locale, createdAt.'],
    ['address=newest', 'Unknown rule "newest" for address; rules are sourcePriority:<silo>><silo>..., mostRecent, mostFrequent, firstSeen.'],
    ['email=sourcePriority:crm>shop', 'Unknown silo "shop" in email\'s order; silos are crm, commerce, loyalty, analytics.'],
    ['birthDate=sourcePriority:commerce>crm', 'commerce holds no birthDate, so it cannot rank for it; silos that do: crm, loyalty.'],
    ['email=sourcePriority', 'email=sourcePriority needs silos in order, best first, e.g. email=sourcePriority:crm>commerce>loyalty.'],
    ['email=sourcePriority:crm>crm', "A silo is named twice in email's order (crm>crm)."],
    ['address=mostRecent:crm', 'address=mostRecent:crm: mostRecent takes no silos; write address=mostRecent.'],
    ['address', '"address" is not field=rule; write for example email=sourcePriority:crm>commerce>loyalty; address=mostRecent.'],
    ['phone=mostFrequent; phone=mostRecent', 'phone is given two rules; keep one.'],
  ])('refuses "%s", saying what is accepted', (text, message) => {
    expect(parseSurvivorshipRules(text)).toEqual({ ok: false, errors: [message] });
  });

  it('names every mistake at once', () => {
    const result = parseSurvivorshipRules('emial=mostRecent; address=newest; phone=mostFrequent');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toHaveLength(2);
  });
});

it('exports every golden field name, for provenance(field:)', () => {
  expect(GOLDEN_FIELDS).toEqual(['firstName', 'lastName', 'displayName', 'email', 'emails', 'phone', 'phones', 'birthDate', 'address', 'locale', 'createdAt']);
});
