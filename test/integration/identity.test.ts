/**
 * Who is who, as a user of the gateway sees it, through real HTTP: one test per messy case of the
 * population generator (docs/population.md), each finding its example in the generated
 * population rather than naming ids, so that a change of the generator keeps them honest.
 */
import { describe, expect, it } from 'vitest';
import type { Identifier } from '../../connectors/types.js';
import type { Source } from '../../src/generated/graphql.js';
import { isMobilePhone, normalizeIdentifier } from '../../src/identity/normalize.js';
import type { HubSpotContact, OpenLoyaltyMember, Population, TruthEntry } from '../../connectors/population.js';
import { PopulationEdit } from '../support/population-edit.js';
import { linkableGroups, startsOf } from '../../scripts/identity-scoring.js';
import { askCustomer, resolvedCustomer, useStack } from '../support/stack.js';

const CUSTOMER = `query ($id: ID!) {
  customer(id: $id) {
    id
    sourceRecords { source id: recordId }
    identities { type value source }
    crm { id }
    loyalty { id active }
    analytics { id }
  }
}`;
const CUSTOMERS = `query ($ids: [ID!]!) { customers(ids: $ids) { id sourceRecords { source id: recordId } } }`;

interface Answer {
  id: string;
  sourceRecords: Array<{ source: Source; id: string }>;
  identities: Array<{ type: string; value: string; source: Source }>;
  crm: Array<{ id: string }>;
  loyalty: Array<{ id: string; active: boolean }>;
  analytics: Array<{ id: string }>;
}

const SOLENN_MEMBER = '00000000-0000-4000-8000-000000040001';

/** One hand-made person whose identifiers the test of Customer.identities writes out. */
function withSolenn(generated: Population): Population {
  const edit = new PopulationEdit(generated);
  edit.person([
    edit.contact({ email: ' Solenn.QUERE@Example.org', mobilephone: '06 12 44 55 66', firstname: 'Solenn', lastname: 'Quéré' }, { id: '40001' }),
    edit.member({
      customerId: SOLENN_MEMBER, email: 'solenn.quere@example.org', phone: '+33612445566',
      loyaltyCardNumber: '2900 0012 3456 7', firstName: 'Solenn', lastName: 'Quéré',
    }),
  ]);
  return edit.population;
}

// Each test starts cold: healthy silos, zeroed call counts, an empty identity-link cache.
const stack = useStack({ size: 400, prepare: withSolenn });

const normalize = (identifier: Identifier) => normalizeIdentifier(identifier, { defaultCountry: 'FR' });
const normalized = (type: Identifier['type'], value: string | null): string | null => {
  if (value === null) return null;
  const result = normalize({ type, value });
  return result.ok ? result.identifier.value : null;
};
const isPlaceholder = (type: Identifier['type'], value: string | null): boolean => {
  if (value === null || value.trim() === '') return false;
  const result = normalize({ type, value });
  return !result.ok && result.blocked === true;
};

const truth = () => stack.population.truth;
const contact = (id: string): HubSpotContact => stack.population.crm.contacts.find((c) => c.id === id)!;
const member = (id: string): OpenLoyaltyMember => stack.population.loyalty.members.find((m) => m.customerId === id)!;
const idsOf = (person: TruthEntry, source: Source) => person.records.filter((r) => r.source === source).map((r) => r.id);
const keysOf = (records: ReadonlyArray<{ source: string; id: string }>) => records.map((r) => `${r.source}:${r.id}`).sort();
const personOf = (key: string) => truth().find((t) => t.records.some((r) => `${r.source}:${r.id}` === key));

/**
 * Persons whose every identifier reaches every one of their records (nothing unlinkable), with
 * landlines linking nothing, as the gateway's default rules say.
 */
function fullyLinkable(): Set<string> {
  const groups = linkableGroups(stack.population, normalize, (identifier) => identifier.type !== 'phone' || isMobilePhone(identifier));
  return new Set(truth().filter((t) => [...groups.get(t.person)!.values()].every((n) => n === t.records.length)).map((t) => t.person));
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The test population (seed 11, 400 persons) has no ${what}.`);
  return value;
}

const customer = (id: string) => askCustomer<Answer>(stack, CUSTOMER, id);
const resolved = (id: string) => resolvedCustomer<Answer>(stack, CUSTOMER, id);

/** Every record of the answer belongs to `person`. */
function onlyRecordsOf(answer: Answer, person: TruthEntry): void {
  for (const key of keysOf(answer.sourceRecords)) expect(personOf(key)?.person, key).toBe(person.person);
}

describe('identity resolution, case by case', () => {
  it('resolves an email typed with other case and spaces to the one customer', async () => {
    // A person whose records hold the same plain address (no tag, no invisible character, no
    // trailing dot) spelled with other case or spaces: its canonical mailbox is then simply the
    // address trimmed and lower-cased (README "Normalize"), computed here without the normalizer.
    const plain = (e: string): boolean => /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[A-Za-z]+$/.test(e.trim()) && !/@(gmail|googlemail)\./i.test(e);
    const example = found(
      truth()
        .filter((t) => !t.household)
        .flatMap((t) => {
          const raws = [
            ...idsOf(t, 'crm').flatMap((id) => [contact(id).properties.email]),
            ...idsOf(t, 'loyalty').map((id) => member(id).email),
            ...idsOf(t, 'commerce').map((id) => stack.population.commerce.customers.find((c) => String(c.id) === id)!.email),
          ].filter((e): e is string => e !== null && plain(e));
          const variants = raws.filter((e) => e !== e.trim().toLowerCase());
          return variants.map((variant) => ({ person: t, variant, raws: raws.filter((r) => r.trim().toLowerCase() === variant.trim().toLowerCase()) }));
        })
        .find((e) => new Set(e.raws).size > 1),
      'plain email spelled two ways',
    );
    const clean = example.variant.trim().toLowerCase();
    const spellings = [...new Set([...example.raws, clean, `  ${clean.toUpperCase()} `])];
    const answers = await Promise.all(spellings.map((raw) => resolved(`email:${raw}`)));
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    onlyRecordsOf(answers[0]!, example.person);
    expect(answers[0]!.identities).toContainEqual(expect.objectContaining({ type: 'email', value: clean }));
  });

  it('resolves a phone written in national and international formats to the customer of its CRM contact', async () => {
    const linkable = fullyLinkable();
    const example = found(
      truth()
        .filter((t) => !t.household && linkable.has(t.person) && idsOf(t, 'loyalty').length <= 1)
        .flatMap((t) => idsOf(t, 'crm').map((id) => ({ person: t, id, raw: contact(id).properties.mobilephone ?? contact(id).properties.phone })))
        .find(({ raw }) => raw !== null && /^0[67]\d{8}$/.test(raw.replace(/\D/g, '')) && !raw.startsWith('+')),
      'CRM contact with a French mobile written nationally',
    );
    // E.164 written without the normalizer: +33 and the national number without its 0.
    const e164 = `+33${example.raw!.replace(/\D/g, '').slice(1)}`;
    const national = `0${e164.slice(3)}`;
    const formats = [
      example.raw!,
      e164,
      national,
      `${national.slice(0, 2)}.${national.slice(2, 4)}.${national.slice(4, 6)}.${national.slice(6, 8)}.${national.slice(8)}`,
      `+33 (0)${e164.slice(3, 4)} ${e164.slice(4)}`,
      `0033 ${e164.slice(3)}`,
    ];
    const fromCrm = await resolved(`crm:${example.id}`);
    for (const format of formats) {
      const fromPhone = await resolved(`phone:${format}`);
      expect(fromPhone.id, format).toBe(fromCrm.id);
      expect(keysOf(fromPhone.sourceRecords), format).toEqual(keysOf(fromCrm.sourceRecords));
    }
    expect(keysOf(fromCrm.sourceRecords)).toEqual(keysOf(example.person.records));
  });

  it('makes one customer of a person with two CRM contacts, both in `crm`', async () => {
    const person = found(
      truth().find((t) => {
        const ids = idsOf(t, 'crm');
        if (t.household || ids.length !== 2) return false;
        // The two contacts share an address somewhere (same email, or one in hs_additional_emails).
        const emails = ids.map((id) => {
          const p = contact(id).properties;
          return new Set([p.email, ...(p.hs_additional_emails ?? '').split(';')].map((e) => normalized('email', e)).filter(Boolean));
        });
        return [...emails[0]!].some((e) => emails[1]!.has(e));
      }),
      'person with two CRM contacts',
    );
    const ids = idsOf(person, 'crm');
    for (const start of ids) {
      const answer = await resolved(`crm:${start}`);
      expect(answer.crm.map((c) => c.id).sort(), start).toEqual([...ids].sort());
      onlyRecordsOf(answer, person);
    }
  });

  it("resolves a HubSpot merged-away id to the survivor's customer", async () => {
    const survivor = found(
      stack.population.crm.contacts.find((c) => c.properties.hs_merged_object_ids),
      'contact with hs_merged_object_ids',
    );
    const mergedIds = survivor.properties.hs_merged_object_ids!.split(';');
    const fromSurvivor = await resolved(`crm:${survivor.id}`);
    for (const mergedId of mergedIds) {
      // Not a record of its own: no contact and no truth entry has it.
      expect(personOf(`crm:${mergedId}`)).toBeUndefined();
      const fromMerged = await resolved(`crm:${mergedId}`);
      expect(fromMerged.id).toBe(fromSurvivor.id);
      expect(fromMerged.crm.map((c) => c.id)).toContain(survivor.id);
      expect(keysOf(fromMerged.sourceRecords)).toEqual(keysOf(fromSurvivor.sourceRecords));
    }
  });

  it('puts an anonymous visitor who later logged in, and every device of that person, in the shop customer', async () => {
    const visits = stack.population.analytics.visits;
    const example = found(
      [...new Set(visits.map((v) => v.visitorId))]
        .map((visitorId) => {
          const own = visits.filter((v) => v.visitorId === visitorId).sort((a, b) => a.firstActionTimestamp - b.firstActionTimestamp);
          return { visitorId, first: own[0]!, login: own.find((v) => v.userId !== null) };
        })
        .find(({ first, login }) => first.userId === null && login !== undefined && personOf(`analytics:${first.visitorId}`)!.records.filter((r) => r.source === 'analytics').length > 1),
      'visitor with anonymous visits before a login, on a person with several devices',
    );
    const person = personOf(`analytics:${example.visitorId}`)!;
    const shopId = example.login!.userId!;
    const fromDevice = await resolved(`analytics:${example.visitorId}`);
    const fromShop = await resolved(`commerce:${shopId}`);
    expect(fromDevice.id).toBe(fromShop.id);
    expect(fromDevice.sourceRecords).toContainEqual({ source: 'commerce', id: shopId });
    expect(fromDevice.analytics.map((a) => a.id).sort()).toEqual(idsOf(person, 'analytics').sort());
    expect(fromDevice.identities).toContainEqual({ type: 'commerce', value: shopId, source: 'analytics' });
  });

  it('keeps the members of a household apart, and calls their landline ambiguous', async () => {
    const byHousehold = new Map<string, TruthEntry[]>();
    for (const t of truth()) if (t.household) byHousehold.set(t.household, [...(byHousehold.get(t.household) ?? []), t]);
    const members = found(
      [...byHousehold.values()].find((group) => group.length >= 2 && group.every((t) => idsOf(t, 'crm').length > 0)),
      'household whose members are all in the CRM',
    );
    const landlines = members.map((t) => new Set(idsOf(t, 'crm').map((id) => normalized('phone', contact(id).properties.phone))));
    const landline = found([...landlines[0]!].find((p) => p !== null && landlines.every((set) => set.has(p))) ?? undefined, 'shared landline');
    const raw = contact(idsOf(members[0]!, 'crm')[0]!).properties.phone!;

    const answers = await Promise.all(members.map((t) => resolved(`crm:${idsOf(t, 'crm')[0]}`)));
    expect(new Set(answers.map((a) => a.id)).size).toBe(members.length);
    answers.forEach((answer, i) => onlyRecordsOf(answer, members[i]!));

    for (const id of [`phone:${raw}`, `phone:${landline}`]) {
      const { body } = await customer(id);
      expect(body.data, id).toEqual({ customer: null });
      expect(body.errors?.map((e) => e.extensions?.code), id).toEqual(['AMBIGUOUS_IDENTIFIER']);
      expect(body.errors![0]!.path).toEqual(['customer']);
    }
  });

  it('joins nobody through a placeholder email or phone, and refuses one as an id', async () => {
    const carriers = new Map<string, TruthEntry[]>();
    const note = (type: 'email' | 'phone', value: string | null, person: TruthEntry) => {
      if (!isPlaceholder(type, value)) return;
      const key = `${type}:${value}`;
      if (!carriers.get(key)?.includes(person)) carriers.set(key, [...(carriers.get(key) ?? []), person]);
    };
    for (const t of truth()) {
      for (const id of idsOf(t, 'crm')) {
        const p = contact(id).properties;
        note('email', p.email, t);
        note('phone', p.phone, t);
        note('phone', p.mobilephone, t);
      }
      for (const id of idsOf(t, 'loyalty')) note('email', member(id).email, t);
      for (const id of idsOf(t, 'commerce')) note('email', stack.population.commerce.customers.find((c) => String(c.id) === id)!.email, t);
    }
    // An address-shaped placeholder (noemail@…) is the dangerous one: a silo's search finds it.
    const [placeholder, persons] = found(
      [...carriers].filter(([key]) => key.startsWith('email:') && key.includes('@')).sort((a, b) => b[1].length - a[1].length)[0],
      'placeholder email',
    );
    expect(persons.length, placeholder).toBeGreaterThan(1);
    const answers = await resolvedMany(persons.map((t) => `${t.records[0]!.source}:${t.records[0]!.id}`));
    expect(new Set(answers.map((a) => a.id)).size).toBe(persons.length);
    answers.forEach((answer, i) => onlyRecordsOf(answer, persons[i]!));

    for (const id of [placeholder, 'email:noemail@maison-cassel.fr', 'phone:0000000000', 'phone:+33000000000']) {
      const { body } = await customer(id);
      expect(body.errors?.map((e) => e.extensions?.code), id).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('makes one customer of the old and the new member of a reissued loyalty card', async () => {
    const person = found(
      truth().find((t) => {
        const members = idsOf(t, 'loyalty').map(member);
        if (t.household || members.length !== 2 || members.every((m) => m.active)) return false;
        const [a, b] = members.map((m) => normalized('email', m.email));
        const [p, q] = members.map((m) => normalized('phone', m.phone));
        return a !== null && a === b && p !== null && p === q;
      }),
      'reissued card (old and new member with the same email and phone)',
    );
    const ids = idsOf(person, 'loyalty');
    const cards = ids.map((id) => member(id).loyaltyCardNumber).filter((c): c is string => c !== null);
    // From the shared phone too: both members answer it, and they agree on the email.
    const phone = member(ids[0]!).phone!;
    const answers = await resolvedMany([...ids.map((id) => `loyalty:${id}`), ...cards.map((card) => `card:${card}`), `phone:${phone}`]);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    for (const answer of answers) {
      expect(keysOf(answer.sourceRecords.filter((r) => r.source === 'loyalty'))).toEqual(keysOf(ids.map((id) => ({ source: 'loyalty', id }))));
    }
    const { answer } = await customer(`loyalty:${ids[0]}`);
    expect(answer!.loyalty.map((m) => m.active).sort()).toEqual([false, true]);
  });

  it('resolves a person present in one silo only to just that record', async () => {
    for (const source of ['crm', 'loyalty', 'commerce', 'analytics'] as Source[]) {
      const person = found(
        truth().find((t) => !t.household && t.records.length === 1 && t.records[0]!.source === source),
        `person only in ${source}`,
      );
      const answer = await resolved(`${source}:${person.records[0]!.id}`);
      expect(answer.sourceRecords, source).toEqual(person.records);
    }
  });

  it('gives the same golden id from every identifier of a person', async () => {
    const linkable = fullyLinkable();
    const { starts } = startsOf(stack.population, normalize);
    const person = found(
      truth().find(
        (t) => !t.household && linkable.has(t.person) && new Set(t.records.map((r) => r.source)).size === 4 && t.records.length >= 5 &&
          !starts.some((s) => s.person === t.person && s.shared),
      ),
      'person in all four silos with five records or more',
    );
    const ids = starts.filter((s) => s.person === person.person).map((s) => s.id);
    expect(new Set(ids.map((id) => id.slice(0, id.indexOf(':'))))).toEqual(new Set(['crm', 'loyalty', 'commerce', 'analytics', 'email', 'phone', 'card']));
    const answers = await resolvedMany(ids);
    expect(new Set(answers.map((a) => a.id)), ids.join(', ')).toEqual(new Set([answers[0]!.id]));
    for (const answer of answers) expect(keysOf(answer.sourceRecords)).toEqual(keysOf(person.records));
  });
});

describe('Customer.identities', () => {
  it('lists every identifier normalized, with the silo that holds it', async () => {
    // The hand-made person of withSolenn: a CRM contact with its email in capitals after a space
    // and its mobile written nationally; a loyalty member with a spaced card number.
    const answer = await resolved('crm:40001');
    expect(answer.identities).toEqual([
      { type: 'crm', value: '40001', source: 'crm' },
      { type: 'loyalty', value: SOLENN_MEMBER, source: 'loyalty' },
      { type: 'card', value: '2900001234567', source: 'loyalty' },
      { type: 'email', value: 'solenn.quere@example.org', source: 'crm' },
      { type: 'email', value: 'solenn.quere@example.org', source: 'loyalty' },
      { type: 'phone', value: '+33612445566', source: 'crm' },
      { type: 'phone', value: '+33612445566', source: 'loyalty' },
    ]);
  });
});

/** The customers of several ids in one `customers(ids:)` request, failing on any error. */
async function resolvedMany(ids: string[]): Promise<Answer[]> {
  const { status, body } = await stack.query(CUSTOMERS, { ids });
  expect(status).toBe(200);
  expect(body.errors, ids.join(', ')).toBeUndefined();
  const answers = body.data!.customers as Array<Answer | null>;
  answers.forEach((answer, i) => expect(answer, ids[i]).not.toBeNull());
  return answers as Answer[];
}
