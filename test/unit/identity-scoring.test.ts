/**
 * The figures scripts/eval-identity.ts prints, on plain data: what counts as a start, a correct
 * pair, a split, an over-merge, a merged household, and what no resolver could link.
 */
import { describe, expect, it } from 'vitest';
import type { Identifier } from '../../connectors/types.js';
import { isMobilePhone, normalizeIdentifier } from '../../src/identity/normalize.js';
import type { HubSpotContact, OpenLoyaltyMember, Population, ShopifyCustomer, TruthEntry } from '../../connectors/population.js';
import { linkableGroups, score, startsOf, type Outcome, type Start } from '../../scripts/identity-scoring.js';

const normalize = (identifier: Identifier) => normalizeIdentifier(identifier, { defaultCountry: 'FR' });
const fixedLinesDoNotLink = (identifier: Identifier) => identifier.type !== 'phone' || isMobilePhone(identifier);

function contact(id: string, properties: Partial<HubSpotContact['properties']>): HubSpotContact {
  return { id, properties: properties as HubSpotContact['properties'], createdAt: '', updatedAt: '', archived: false };
}
function member(customerId: string, fields: Partial<OpenLoyaltyMember>): OpenLoyaltyMember {
  return { customerId, email: null, phone: null, loyaltyCardNumber: null, ...fields } as OpenLoyaltyMember;
}
function population(parts: {
  contacts?: HubSpotContact[];
  members?: OpenLoyaltyMember[];
  customers?: Array<Partial<ShopifyCustomer> & { id: number }>;
  visits?: Array<{ visitorId: string; userId: string | null }>;
  truth: TruthEntry[];
}): Population {
  return {
    crm: { contacts: parts.contacts ?? [] },
    loyalty: { members: parts.members ?? [] },
    commerce: { customers: parts.customers ?? [] },
    analytics: { visits: parts.visits ?? [] },
    truth: parts.truth,
  } as unknown as Population;
}

describe('startsOf', () => {
  const pop = population({
    contacts: [
      contact('101', { email: ' Anna@X.fr', phone: '06 12 34 56 78', mobilephone: null, hs_additional_emails: 'anna.work@y.fr', hs_merged_object_ids: '99' }),
      contact('102', { email: 'noemail@maison-cassel.fr', phone: '01 45 67 89 10', mobilephone: '0000000000' }),
      contact('103', { email: 'lea@x.fr', phone: '+33145678910' }),
    ],
    members: [member('m1', { email: 'anna@x.fr', phone: '+33612345678', loyaltyCardNumber: '2900 0001' })],
    customers: [{ id: 7001, email: 'ANNA@x.fr', phone: null }],
    visits: [{ visitorId: 'v1', userId: '7001' }],
    truth: [
      { person: 'p-1', records: [{ source: 'crm', id: '101' }, { source: 'loyalty', id: 'm1' }, { source: 'commerce', id: '7001' }, { source: 'analytics', id: 'v1' }] },
      { person: 'p-2', records: [{ source: 'crm', id: '102' }], household: 'h-1' },
      { person: 'p-3', records: [{ source: 'crm', id: '103' }], household: 'h-1' },
    ],
  });
  const { starts, refused } = startsOf(pop, normalize);

  it('starts from every record key, merged-away id, email, phone and card, once per normalized value', () => {
    expect(starts.filter((s) => s.person === 'p-1').map((s) => `${s.kind} ${s.id}`)).toEqual([
      'crm crm:101',
      'loyalty loyalty:m1',
      'commerce commerce:7001',
      'analytics analytics:v1',
      'crm-merged crm:99',
      'email email: Anna@X.fr',
      'email email:anna.work@y.fr',
      'phone phone:06 12 34 56 78',
      'card card:2900 0001',
    ]);
  });

  it('counts the placeholders it skips, and marks a value several persons carry as shared', () => {
    expect(refused.map((r) => `${r.person} ${r.type} ${r.value}`)).toEqual(['p-2 email noemail@maison-cassel.fr', 'p-2 phone 0000000000']);
    const landline = starts.filter((s) => s.key === 'phone:+33145678910');
    expect(landline.map((s) => [s.person, s.shared])).toEqual([['p-2', true], ['p-3', true]]);
    expect(starts.find((s) => s.id === 'crm:101')!.shared).toBe(false);
  });

  it('knows which records no identifier unique to the person links', () => {
    const groups = linkableGroups(pop, normalize, fixedLinesDoNotLink);
    expect(groups.get('p-1')!.get('crm:101')).toBe(4);
    const loose = population({
      contacts: [contact('1', { email: null, phone: null, mobilephone: '0612345678' })],
      members: [member('m1', { email: 'a@x.fr' })],
      visits: [{ visitorId: 'v1', userId: null }, { visitorId: 'v2', userId: null }],
      truth: [
        { person: 'p-1', records: [{ source: 'crm', id: '1' }, { source: 'loyalty', id: 'm1' }] },
        { person: 'p-2', records: [{ source: 'analytics', id: 'v1' }, { source: 'analytics', id: 'v2' }] },
      ],
    });
    const none = linkableGroups(loose, normalize, fixedLinesDoNotLink);
    expect(none.get('p-1')!.get('crm:1')).toBe(1);
    expect(none.get('p-2')!.get('analytics:v2')).toBe(1);
  });
});

describe('score', () => {
  const truth: TruthEntry[] = [
    { person: 'p-1', records: [{ source: 'crm', id: '1' }, { source: 'loyalty', id: 'a' }, { source: 'commerce', id: '7' }] },
    { person: 'p-2', records: [{ source: 'crm', id: '2' }], household: 'h-1' },
    { person: 'p-3', records: [{ source: 'loyalty', id: 'b' }], household: 'h-1' },
  ];
  const start = (person: string, id: string, shared = false): Start => ({ person, kind: id.startsWith('phone') ? 'phone' : 'crm', id, key: id, shared });
  const answer = (goldenId: string, ...keys: string[]): Outcome => ({
    kind: 'answer',
    goldenId,
    records: keys.map((k) => ({ source: k.split(':')[0]!, id: k.split(':')[1]! })),
  });

  it('gives precision, recall and F1 of 1 when every answer is its person', () => {
    const s = score(truth, [start('p-1', 'crm:1'), start('p-2', 'crm:2')], [answer('g1', 'crm:1', 'loyalty:a', 'commerce:7'), answer('g2', 'crm:2')]);
    expect(s).toMatchObject({ precision: 1, recall: 1, f1: 1, overMerged: 0, split: 0, householdsMerged: 0, personsWithSeveralIds: 0 });
    expect(s.pairs).toMatchObject({ predicted: 3, correct: 3, expected: 3, found: 3 });
  });

  it('counts a split answer, a null answer as a miss, and per person golden ids that differ', () => {
    const s = score(
      truth,
      [start('p-1', 'crm:1'), start('p-1', 'loyalty:a'), start('p-1', 'commerce:7')],
      [answer('g1', 'crm:1', 'loyalty:a'), answer('g2', 'loyalty:a'), { kind: 'null' }],
    );
    expect(s.pairs).toMatchObject({ predicted: 1, correct: 1, expected: 9, found: 1 });
    expect(s.recall).toBeCloseTo(1 / 9);
    expect(s).toMatchObject({ precision: 1, split: 2, notFound: 1, personsWithSeveralIds: 1 });
    expect(s.missingRecords).toEqual({ commerce: 3, crm: 2, loyalty: 1 });
  });

  it('counts an over-merge, and a merged household, against precision', () => {
    const s = score(truth, [start('p-2', 'phone:+33145678910', true)], [answer('g', 'crm:2', 'loyalty:b')]);
    expect(s).toMatchObject({ precision: 0, overMerged: 1, householdsMerged: 1, sharedAnswered: 1 });
    expect(s.examples.overMerged[0]!.got).toEqual(['crm:2 (p-2)', 'loyalty:b (p-3)']);
  });

  it('leaves errors out of the pairs: ambiguity is expected for a shared value only', () => {
    const s = score(
      truth,
      [start('p-2', 'phone:+33145678910', true), start('p-1', 'phone:+33612345678'), start('p-1', 'crm:1')],
      [{ kind: 'error', code: 'AMBIGUOUS_IDENTIFIER' }, { kind: 'error', code: 'AMBIGUOUS_IDENTIFIER' }, { kind: 'error', code: 'SOURCE_TIMEOUT' }],
    );
    expect(s.ambiguous).toEqual({ total: 2, expected: 1, unexpected: 1 });
    expect(s.errors).toEqual({ SOURCE_TIMEOUT: 1 });
    expect(s.pairs.expected).toBe(0);
  });

  it('bounds recall by what identifiers link', () => {
    const groups = new Map([['p-1', new Map([['crm:1', 2]])]]);
    const s = score(truth, [start('p-1', 'crm:1')], [answer('g', 'crm:1', 'loyalty:a')], { groups });
    expect(s.pairs).toMatchObject({ expected: 3, linkable: 1, found: 1 });
    expect(s.recallCeiling).toBeCloseTo(1 / 3);
    expect(s.linkableRecall).toBe(1);
  });
});
