import { describe, expect, it } from 'vitest';
import { SourceError } from '../shared/errors.js';
import type { FoundRecord, Identifier, IdentifierType } from '../../connectors/types.js';
import type { Source } from '../generated/graphql.js';
import { resolveCluster, type ResolveDeps } from './resolve.js';
import { DEFAULT_IDENTITY_RULES } from './rules.js';

/** Silos as plain data: each record and the identifiers it carries. */
function depsFor(records: FoundRecord[], overrides: Partial<ResolveDeps> = {}): ResolveDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    silos: [
      { source: 'crm', lookupTypes: ['crm', 'email', 'phone'] },
      { source: 'loyalty', lookupTypes: ['loyalty', 'card', 'email', 'phone'] },
      { source: 'commerce', lookupTypes: ['commerce', 'email', 'phone'] },
      { source: 'analytics', lookupTypes: ['analytics', 'commerce'] },
    ],
    lookup: async (source: Source, identifier: Identifier) => {
      calls.push(`${source} ${identifier.type}:${identifier.value}`);
      return records.filter(
        (r) => r.source === source && r.identifiers.some((i) => i.type === identifier.type && i.value.trim().toLowerCase() === identifier.value),
      );
    },
    normalize: (identifier) => ({ ...identifier, value: identifier.value.trim().toLowerCase() }),
    isMobile: (identifier) => !identifier.value.startsWith('+331'),
    rules: DEFAULT_IDENTITY_RULES,
    maxRounds: 4,
    maxRecords: 50,
    ...overrides,
  };
}

const anna: FoundRecord[] = [
  { source: 'crm', id: '101', identifiers: [{ type: 'crm', value: '101' }, { type: 'email', value: 'Anna@Example.com' }] },
  { source: 'commerce', id: '7001', identifiers: [{ type: 'commerce', value: '7001' }, { type: 'email', value: 'anna@example.com' }] },
  { source: 'analytics', id: 'v1', identifiers: [{ type: 'analytics', value: 'v1' }, { type: 'commerce', value: '7001' }] },
  { source: 'crm', id: '202', identifiers: [{ type: 'crm', value: '202' }, { type: 'email', value: 'bob@example.com' }] },
];

describe('resolveCluster', () => {
  it('follows identifiers across silos until nothing new appears', async () => {
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, depsFor(anna));
    expect(cluster.records.map((r) => `${r.source}:${r.id}`).sort()).toEqual(['analytics:v1', 'commerce:7001', 'crm:101']);
    expect(cluster.complete).toBe(true);
    expect(cluster.identities).toContainEqual({ type: 'email', value: 'anna@example.com', source: 'crm' });
    expect(cluster.identities).toContainEqual({ type: 'commerce', value: '7001', source: 'analytics' });
  });

  it('asks only the silos that can look an identifier type up, and each identifier once', async () => {
    const deps = depsFor(anna);
    await resolveCluster({ type: 'crm', value: '101' }, deps);
    expect(deps.calls.filter((c) => c.includes('crm:'))).toEqual(['crm crm:101']);
    expect(deps.calls.filter((c) => c.startsWith('analytics')).every((c) => / (analytics|commerce):/.test(c))).toBe(true);
    expect(new Set(deps.calls).size).toBe(deps.calls.length);
  });

  it('does not ask a silo again for its own record id once that record is in the customer', async () => {
    const deps = depsFor(anna);
    await resolveCluster({ type: 'crm', value: '101' }, deps);
    expect(deps.calls).not.toContain('commerce commerce:7001');
    expect(deps.calls).not.toContain('analytics analytics:v1');
    // Analytics is still asked for the shop id: other devices may carry it.
    expect(deps.calls).toContain('analytics commerce:7001');
  });

  it('is complete when nothing left to look up would be asked of any silo, even at the round bound', async () => {
    // crm:101 -> email -> shop 7001 -> analytics v1; what v1 carries needs no further call.
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, depsFor(anna, { maxRounds: 3 }));
    expect(cluster.records).toHaveLength(3);
    expect(cluster.complete).toBe(true);
    expect(cluster.truncated).toBe(false);
  });

  it('returns an empty cluster for an unknown identifier', async () => {
    const cluster = await resolveCluster({ type: 'crm', value: '999' }, depsFor(anna));
    expect(cluster.records).toEqual([]);
    expect(cluster.complete).toBe(true);
  });

  it('stops at the round bound and says the cluster is incomplete and truncated', async () => {
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, depsFor(anna, { maxRounds: 1 }));
    expect(cluster.records.map((r) => r.id)).toEqual(['101']);
    expect(cluster.complete).toBe(false);
    expect(cluster.truncated).toBe(true);
  });

  it('resolves from the other silos when one fails, and names the failed silo', async () => {
    const deps = depsFor(anna);
    const failing: ResolveDeps = {
      ...deps,
      lookup: (source, identifier) =>
        source === 'commerce'
          ? Promise.reject(new SourceError('SOURCE_TIMEOUT', 'commerce', 'The shop (commerce) did not answer within 10 ms.'))
          : deps.lookup(source, identifier),
    };
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, failing);
    expect(cluster.records.map((r) => r.id)).toEqual(['101']);
    expect(cluster.failures.get('commerce')?.code).toBe('SOURCE_TIMEOUT');
    expect(cluster.complete).toBe(false);
  });

  it('lets an error that is not a silo failure through', async () => {
    const deps = depsFor(anna, { lookup: () => Promise.reject(new TypeError('bug')) });
    await expect(resolveCluster({ type: 'crm', value: '101' }, deps)).rejects.toThrow('bug');
  });

  it('does not expand through identifiers the normalizer refuses', async () => {
    const deps = depsFor(anna, {
      normalize: (i) => (i.type === 'email' ? null : { ...i, value: i.value.toLowerCase() }),
    });
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, deps);
    expect(cluster.records.map((r) => r.id)).toEqual(['101']);
  });
});

describe('guards against over-merging', () => {
  const landline = '+33123456789';
  const household: FoundRecord[] = [
    { source: 'crm', id: '1', identifiers: [{ type: 'crm', value: '1' }, { type: 'email', value: 'anna@x.fr' }, { type: 'phone', value: '+33611111111' }, { type: 'phone', value: landline }] },
    { source: 'crm', id: '2', identifiers: [{ type: 'crm', value: '2' }, { type: 'email', value: 'paul@x.fr' }, { type: 'phone', value: '+33622222222' }, { type: 'phone', value: landline }] },
    // Paul's daughter signed up in store with the home line only.
    { source: 'loyalty', id: 'm3', identifiers: [{ type: 'loyalty', value: 'm3' }, { type: 'card', value: 'c3' }, { type: 'phone', value: landline }] },
  ];
  const ids = (records: { source: string; id: string }[]) => records.map((r) => `${r.source}:${r.id}`).sort();

  it('never joins two people through a shared landline, and does not even look it up', async () => {
    for (const start of ['1', '2']) {
      const cluster = await resolveCluster({ type: 'crm', value: start }, depsFor(household));
      expect(ids(cluster.records)).toEqual([`crm:${start}`]);
    }
    const deps = depsFor(household);
    const member = await resolveCluster({ type: 'loyalty', value: 'm3' }, deps);
    expect(ids(member.records)).toEqual(['loyalty:m3']);
    expect(deps.calls.some((call) => call.includes(landline))).toBe(false);
  });

  it('links through a landline only when told to, and then not through one that records of different people share', async () => {
    const rules = { ...DEFAULT_IDENTITY_RULES, linkFixedLines: true };
    const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor(household, { rules }));
    expect(ids(cluster.records)).toEqual(['crm:1']);
    const alone = await resolveCluster({ type: 'crm', value: '1' }, depsFor(household.filter((r) => r.id !== '2'), { rules }));
    expect(ids(alone.records)).toEqual(['crm:1', 'loyalty:m3']);
  });

  it('links through a mobile a record that agrees with the customer, not one with another email', async () => {
    const records: FoundRecord[] = [
      { source: 'crm', id: '1', identifiers: [{ type: 'crm', value: '1' }, { type: 'email', value: 'anna@x.fr' }, { type: 'phone', value: '+33611111111' }] },
      { source: 'loyalty', id: 'm1', identifiers: [{ type: 'loyalty', value: 'm1' }, { type: 'phone', value: '+33611111111' }] },
      { source: 'commerce', id: '9', identifiers: [{ type: 'commerce', value: '9' }, { type: 'email', value: 'someone.else@y.fr' }, { type: 'phone', value: '+33611111111' }] },
    ];
    const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor(records));
    // The shop account has another email: the mobile is shared, so it links nothing at all.
    expect(ids(cluster.records)).toEqual(['crm:1']);
    const without = await resolveCluster({ type: 'crm', value: '1' }, depsFor(records.slice(0, 2)));
    expect(ids(without.records)).toEqual(['crm:1', 'loyalty:m1']);
  });

  it('says a shared phone asked for directly is ambiguous instead of guessing', async () => {
    const cluster = await resolveCluster({ type: 'phone', value: landline }, depsFor(household));
    expect(cluster.ambiguous).toBe(true);
    const single = await resolveCluster({ type: 'phone', value: '+33611111111' }, depsFor(household));
    expect(single.ambiguous).toBe(false);
    expect(ids(single.records)).toEqual(['crm:1']);
  });

  it('says a landline asked for is ambiguous when its records are not one customer through other links', async () => {
    // Paul's CRM contact and his daughter's loyalty member: nothing in them contradicts the
    // other (no two emails, no two cards), only the shared line ties them.
    const records: FoundRecord[] = [household[1]!, household[2]!];
    const cluster = await resolveCluster({ type: 'phone', value: landline }, depsFor(records));
    expect(cluster.ambiguous).toBe(true);

    // A person's own landline, on a contact and a member that their email links: one customer.
    const own: FoundRecord[] = [
      { source: 'crm', id: '5', identifiers: [{ type: 'crm', value: '5' }, { type: 'email', value: 'lea@x.fr' }, { type: 'phone', value: '+33155555555' }] },
      { source: 'loyalty', id: 'm5', identifiers: [{ type: 'loyalty', value: 'm5' }, { type: 'email', value: 'Lea@x.fr' }, { type: 'phone', value: '+33155555555' }] },
    ];
    const alone = await resolveCluster({ type: 'phone', value: '+33155555555' }, depsFor(own));
    expect(alone.ambiguous).toBe(false);
    expect(ids(alone.records)).toEqual(['crm:5', 'loyalty:m5']);
  });

  it('finds an old and a new loyalty card through their phone when they share an email too', async () => {
    const records: FoundRecord[] = [
      { source: 'crm', id: '1', identifiers: [{ type: 'crm', value: '1' }, { type: 'email', value: 'anna@x.fr' }, { type: 'phone', value: '+33611111111' }] },
      { source: 'loyalty', id: 'old', identifiers: [{ type: 'loyalty', value: 'old' }, { type: 'card', value: 'c1' }, { type: 'email', value: 'anna@x.fr' }, { type: 'phone', value: '+33611111111' }] },
      { source: 'loyalty', id: 'new', identifiers: [{ type: 'loyalty', value: 'new' }, { type: 'card', value: 'c2' }, { type: 'email', value: 'ANNA@x.fr' }, { type: 'phone', value: '+33611111111' }] },
    ];
    const cluster = await resolveCluster({ type: 'phone', value: '+33611111111' }, depsFor(records));
    expect(cluster.ambiguous).toBe(false);
    expect(ids(cluster.records)).toEqual(['crm:1', 'loyalty:new', 'loyalty:old']);
    // A second card with another email and only the phone in common is still kept apart.
    const other: FoundRecord = { source: 'loyalty', id: 'm9', identifiers: [{ type: 'loyalty', value: 'm9' }, { type: 'card', value: 'c9' }, { type: 'email', value: 'zoe@y.fr' }, { type: 'phone', value: '+33611111111' }] };
    const shared = await resolveCluster({ type: 'crm', value: '1' }, depsFor([...records, other]));
    expect(ids(shared.records)).not.toContain('loyalty:m9');
  });

  describe('names, for records found through a phone alone', () => {
    /** A record of `source` with its own id, these other identifiers, and a name. */
    const named = (source: Source, id: string, [first, last]: [string, string], ...others: Array<[IdentifierType, string]>): FoundRecord => ({
      source,
      id,
      identifiers: [{ type: source, value: id }, ...others.map(([type, value]) => ({ type, value }))],
      name: { first, last },
    });
    const mobile = '+33611111111';
    const anna = named('crm', '1', ['Anna', 'Martin'], ['email', 'anna@x.fr'], ['phone', mobile]);
    const oldCard = named('loyalty', 'old', ['Anna', 'Martin'], ['card', 'c1'], ['email', 'anna@x.fr'], ['phone', mobile]);
    // The card she got when she lost hers, signed up with her other address: only the mobile in common.
    const newCard = named('loyalty', 'new', ['ANNA', ' Martin'], ['card', 'c2'], ['email', 'anna.pro@y.fr'], ['phone', mobile]);
    const unnamed = (record: FoundRecord): FoundRecord => ({ source: record.source, id: record.id, identifiers: record.identifiers });

    it('joins a record with another email and card when its first and last names match, however typed', async () => {
      for (const start of [{ type: 'crm', value: '1' }, { type: 'card', value: 'c2' }, { type: 'phone', value: mobile }] as const) {
        const cluster = await resolveCluster(start, depsFor([anna, oldCard, newCard]));
        expect(cluster.ambiguous, start.type).toBe(false);
        expect(ids(cluster.records), start.type).toEqual(['crm:1', 'loyalty:new', 'loyalty:old']);
      }
    });

    it('keeps it out without names, as before', async () => {
      const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor([anna, oldCard, newCard].map(unnamed)));
      expect(ids(cluster.records)).toEqual(['crm:1', 'loyalty:old']);
      const fromPhone = await resolveCluster({ type: 'phone', value: mobile }, depsFor([anna, oldCard, newCard].map(unnamed)));
      expect(fromPhone.ambiguous).toBe(true);
    });

    it('keeps out a household member on the same phone: same last name, another first name', async () => {
      // Paul's son signed up with his father's mobile, and nothing else.
      const son = named('loyalty', 'm7', ['Hugo', 'Dubois'], ['card', 'c7'], ['phone', '+33622222222']);
      const paul = named('crm', '2', ['Paul', 'Dubois'], ['email', 'paul@x.fr'], ['phone', '+33622222222']);
      const cluster = await resolveCluster({ type: 'crm', value: '2' }, depsFor([paul, son]));
      expect(ids(cluster.records)).toEqual(['crm:2']);
      const fromPhone = await resolveCluster({ type: 'phone', value: '+33622222222' }, depsFor([paul, son]));
      expect(fromPhone.ambiguous).toBe(true);
      // Without names nothing contradicts them: the phone alone joined them.
      const blind = await resolveCluster({ type: 'crm', value: '2' }, depsFor([paul, son].map(unnamed)));
      expect(ids(blind.records)).toEqual(['crm:2', 'loyalty:m7']);
    });

    it('keeps out another last name with another email: names say nothing, the email decides', async () => {
      const married: FoundRecord = { ...newCard, name: { first: 'Anna', last: 'Dubois' } };
      const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor([anna, oldCard, married]));
      expect(ids(cluster.records)).toEqual(['crm:1', 'loyalty:old']);
    });

    it('never links records by names alone', async () => {
      const namesake = named('commerce', '9', ['Anna', 'Martin'], ['email', 'a.martin@z.fr'], ['phone', '+33633333333']);
      const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor([anna, namesake]));
      expect(ids(cluster.records)).toEqual(['crm:1']);
    });

    it('still applies the limits to a record the names let in', async () => {
      const rules = { ...DEFAULT_IDENTITY_RULES, limits: { ...DEFAULT_IDENTITY_RULES.limits, loyalty: 1 } };
      const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor([anna, oldCard, newCard], { rules }));
      expect(ids(cluster.records)).toEqual(['crm:1', 'loyalty:old']);
    });

    it('does not let names link through a landline', async () => {
      const landline = '+33123456789';
      const records: FoundRecord[] = [
        { ...anna, identifiers: [{ type: 'crm', value: '1' }, { type: 'email', value: 'anna@x.fr' }, { type: 'phone', value: landline }] },
        { ...newCard, identifiers: [{ type: 'loyalty', value: 'new' }, { type: 'card', value: 'c2' }, { type: 'phone', value: landline }] },
      ];
      const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor(records));
      expect(ids(cluster.records)).toEqual(['crm:1']);
    });
  });

  it('counts a CRM contact once against the crm limit, however many merged-away ids it answers for', async () => {
    const records: FoundRecord[] = [
      { source: 'crm', id: '1066', identifiers: [{ type: 'crm', value: '1066' }, { type: 'email', value: 'karim@x.fr' }] },
      // HubSpot merged 1356 and 1359 into 1360; its record carries their ids.
      {
        source: 'crm',
        id: '1360',
        identifiers: [{ type: 'crm', value: '1360' }, { type: 'crm', value: '1356' }, { type: 'crm', value: '1359' }, { type: 'email', value: 'karim@x.fr' }],
      },
    ];
    for (const start of ['1066', '1360', '1356']) {
      const cluster = await resolveCluster({ type: 'crm', value: start }, depsFor(records));
      expect(ids(cluster.records), start).toEqual(['crm:1066', 'crm:1360']);
      expect(cluster.identities.filter((i) => i.type === 'crm').map((i) => i.value).sort(), start).toEqual(['1066', '1356', '1359', '1360']);
    }
  });

  it('merges two CRM contacts with the same email, and an old and a new loyalty card', async () => {
    const records: FoundRecord[] = [
      { source: 'crm', id: '1', identifiers: [{ type: 'crm', value: '1' }, { type: 'email', value: 'Anna@X.fr' }] },
      { source: 'crm', id: '7', identifiers: [{ type: 'crm', value: '7' }, { type: 'email', value: ' anna@x.fr ' }] },
      { source: 'loyalty', id: 'old', identifiers: [{ type: 'loyalty', value: 'old' }, { type: 'card', value: 'c1' }, { type: 'email', value: 'anna@x.fr' }] },
      { source: 'loyalty', id: 'new', identifiers: [{ type: 'loyalty', value: 'new' }, { type: 'card', value: 'c2' }, { type: 'email', value: 'ANNA@x.fr' }] },
    ];
    const cluster = await resolveCluster({ type: 'card', value: 'c2' }, depsFor(records));
    expect(ids(cluster.records)).toEqual(['crm:1', 'crm:7', 'loyalty:new', 'loyalty:old']);
  });

  it('keeps a record out when it would exceed the limit of a type ranking above its link', async () => {
    const contacts: FoundRecord[] = ['1', '2', '3', '4'].map((id) => ({
      source: 'crm',
      id,
      identifiers: [{ type: 'crm', value: id }, { type: 'email', value: 'shared@x.fr' }],
    }));
    const cluster = await resolveCluster({ type: 'email', value: 'shared@x.fr' }, depsFor(contacts));
    expect(ids(cluster.records)).toEqual(['crm:1', 'crm:2', 'crm:3']);
  });

  it('joins a record over the limit of a type ranking below its link, without the surplus values', async () => {
    const phones = ['+33611111111', '+33622222222', '+33633333333', '+33644444444', '+33655555555'];
    const records: FoundRecord[] = [
      { source: 'crm', id: '1', identifiers: [{ type: 'crm', value: '1' }, ...phones.map((value) => ({ type: 'phone' as const, value }))] },
    ];
    const deps = depsFor(records);
    const cluster = await resolveCluster({ type: 'crm', value: '1' }, deps);
    expect(ids(cluster.records)).toEqual(['crm:1']);
    expect(cluster.identities.filter((i) => i.type === 'phone')).toHaveLength(4);
    expect(deps.calls).not.toContain('crm phone:+33655555555');
  });

  describe('a value records of evidently different people hold', () => {
    const person = (source: Source, id: string, first: string, last: string, ...others: Array<[IdentifierType, string]>): FoundRecord => ({
      source,
      id,
      identifiers: [{ type: source, value: id }, ...others.map(([type, value]) => ({ type, value }))],
      name: { first, last },
    });
    const aline = person('crm', '1', 'Aline', 'Morel', ['email', 'contact@famille-morel.fr'], ['phone', '+33698765431']);
    const paul = person('loyalty', 'm2', 'Paul', 'Morel', ['card', 'c2'], ['email', 'contact@famille-morel.fr']);

    it('links nothing, from either side, and asked for directly is ambiguous', async () => {
      expect(ids((await resolveCluster({ type: 'crm', value: '1' }, depsFor([aline, paul]))).records)).toEqual(['crm:1']);
      expect(ids((await resolveCluster({ type: 'card', value: 'c2' }, depsFor([aline, paul]))).records)).toEqual(['loyalty:m2']);
      const direct = await resolveCluster({ type: 'email', value: 'contact@famille-morel.fr' }, depsFor([aline, paul]));
      expect(direct.ambiguous).toBe(true);
      const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor([aline, paul]));
      expect(cluster.shared.has('email:contact@famille-morel.fr')).toBe(true);
      // Still an identity of the customer: it is hers, only not hers alone.
      expect(cluster.identities).toContainEqual({ type: 'email', value: 'contact@famille-morel.fr', source: 'crm' });
    });

    it('links nothing even to a record of the same person: which one holds it is no evidence', async () => {
      const alineCard = person('loyalty', 'm1', 'Aline', 'Morel', ['card', 'c1'], ['email', 'contact@famille-morel.fr']);
      const cluster = await resolveCluster({ type: 'crm', value: '1' }, depsFor([aline, paul, alineCard]));
      expect(ids(cluster.records)).toEqual(['crm:1']);
    });
  });

  describe('a device several shop customers logged in on', () => {
    const device = (loginVisits: Array<[string, number]>): FoundRecord => ({
      source: 'analytics',
      id: 'tab',
      identifiers: [{ type: 'analytics', value: 'tab' }, ...loginVisits.map(([value]) => ({ type: 'commerce' as const, value }))],
      loginVisits: new Map(loginVisits),
    });
    const shop = (id: string, email: string): FoundRecord => ({ source: 'commerce', id, identifiers: [{ type: 'commerce', value: id }, { type: 'email', value: email }] });
    const records = (logins: Array<[string, number]>) => [shop('A', 'a@x.fr'), shop('B', 'b@x.fr'), device(logins)];

    it('joins only the customer with the most logged-in visits, from any start', async () => {
      for (const start of [{ type: 'analytics', value: 'tab' }, { type: 'commerce', value: 'a' }, { type: 'email', value: 'a@x.fr' }] as const) {
        const cluster = await resolveCluster(start, depsFor(records([['A', 3], ['B', 1]])));
        expect(ids(cluster.records), start.type).toEqual(['analytics:tab', 'commerce:A']);
      }
      const b = await resolveCluster({ type: 'commerce', value: 'b' }, depsFor(records([['A', 3], ['B', 1]])));
      expect(ids(b.records)).toEqual(['commerce:B']);
    });

    it('joins nobody on a tie: the device is a customer of its own', async () => {
      const tied = await resolveCluster({ type: 'analytics', value: 'tab' }, depsFor(records([['A', 2], ['B', 2]])));
      expect(ids(tied.records)).toEqual(['analytics:tab']);
      const a = await resolveCluster({ type: 'commerce', value: 'a' }, depsFor(records([['A', 2], ['B', 2]])));
      expect(ids(a.records)).toEqual(['commerce:A']);
    });
  });

  it('does not link through values the user blocked', async () => {
    const rules = { ...DEFAULT_IDENTITY_RULES, blocked: { email: [/@x\.fr$/] } };
    const cluster = await resolveCluster({ type: 'crm', value: '101' }, depsFor(anna.map((r) => ({ ...r, identifiers: r.identifiers.map((i) => (i.type === 'email' ? { ...i, value: 'anna@x.fr' } : i)) })), { rules }));
    expect(ids(cluster.records)).toEqual(['crm:101']);
  });
});
