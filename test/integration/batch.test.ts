/**
 * The same identifier gives the same customer, whatever else the request holds (issue 11): a
 * `customers(ids:)` answer equals, slot by slot, what each id gets alone, cache cold or warm, in
 * any order, at any batch size. Through real HTTP, on a generated population plus a family
 * tablet two shop customers logged in on.
 *
 * The property test draws its batches from a seeded generator: set BATCH_TEST_SEED to replay a
 * failure (the message prints the seed and the ids).
 */
import { describe, expect, it } from 'vitest';
import type { Identifier } from '../../connectors/types.js';
import { normalizeIdentifier } from '../../src/identity/normalize.js';
import { Random } from '../../demo/population/random.js';
import { startsOf } from '../../scripts/identity-scoring.js';
import { PopulationEdit, type RecordRef } from '../support/population-edit.js';
import { useStack, type GraphQLBody } from '../support/stack.js';

const SEED = Number(process.env.BATCH_TEST_SEED ?? 11_2026);
const CUSTOMERS = `query ($ids: [ID!]!) { customers(ids: $ids) { id sourceRecords { source id: recordId } identities { type value source } } }`;
const CUSTOMER = `query ($id: ID!) { customer(id: $id) { id sourceRecords { source id: recordId } identities { type value source } } }`;
const DEVICE = 'a11ce0b0b0000001';

const made = {} as { shopA: RecordRef; crmA: RecordRef; memberA: RecordRef; phoneA: RecordRef; shopB: RecordRef; crmB: RecordRef; device: RecordRef };

const stack = useStack({
  size: 300,
  prepare: (population) => {
    const e = new PopulationEdit(population);
    // A: a shop account, a contact, a card and a phone of her own, four records.
    made.shopA = e.shopCustomer({ email: 'ines.lemaire@exemple-mail.fr', first_name: 'Inès', last_name: 'Lemaire' });
    made.crmA = e.contact({ firstname: 'Inès', lastname: 'Lemaire', email: 'ines.lemaire@exemple-mail.fr' });
    made.memberA = e.member({ firstName: 'Inès', lastName: 'Lemaire', email: 'ines.lemaire@exemple-mail.fr', loyaltyCardNumber: '9911000000001' });
    made.phoneA = e.visitor('a11ce0b0b0000002', [made.shopA.id, made.shopA.id]);
    e.person([made.shopA, made.crmA, made.memberA, made.phoneA]);
    // B, her partner, logged in on the family tablet more often than she did: it is B's.
    made.shopB = e.shopCustomer({ email: 'marc.lemaire@exemple-mail.fr', first_name: 'Marc', last_name: 'Lemaire' });
    made.crmB = e.contact({ firstname: 'Marc', lastname: 'Lemaire', email: 'marc.lemaire@exemple-mail.fr' });
    made.device = e.visitor(DEVICE, [made.shopA.id, made.shopB.id, made.shopB.id, null]);
    e.person([made.shopB, made.crmB, made.device]);
    return e.population;
  },
});

/** Each slot of a `customers(ids:)` answer as comparable text: the customer, null, or the error code. */
function slots(body: GraphQLBody, size: number): string[] {
  const customers = (body.data?.customers ?? []) as unknown[];
  const codes = new Map<number, string>();
  for (const error of body.errors ?? []) {
    if (typeof error.path?.[1] === 'number') codes.set(error.path[1], String(error.extensions?.code));
  }
  return Array.from({ length: size }, (_, i) => (codes.has(i) ? `error ${codes.get(i)}` : JSON.stringify(customers[i] ?? null)));
}

async function batch(ids: readonly string[]): Promise<string[]> {
  const { status, body } = await stack.query(CUSTOMERS, { ids });
  expect(status).toBe(200);
  return slots(body, ids.length);
}

async function alone(id: string): Promise<string> {
  const { body } = await stack.query(CUSTOMER, { id });
  const error = body.errors?.[0];
  return error ? `error ${String(error.extensions?.code)}` : JSON.stringify(body.data?.customer ?? null);
}

const clearCache = () => stack.gateway.services.identity.cache.clear();
const key = (ref: RecordRef) => `${ref.source}:${ref.id}`;

describe('customers(ids:) answers each id as it would be answered alone', () => {
  it('does not give a customer the records that another id of the batch found (a family tablet)', async () => {
    const a = key(made.shopA);
    const device = `analytics:${DEVICE}`;
    const aAlone = await alone(a);
    expect(JSON.parse(aAlone).sourceRecords).toHaveLength(4);
    clearCache();
    const deviceAlone = await alone(device);
    for (const ids of [[a, device], [device, a]]) {
      clearCache();
      expect(await batch(ids), ids.join(', ')).toEqual(ids.map((id) => (id === a ? aAlone : deviceAlone)));
      // Warm, the same again.
      expect(await batch(ids), `${ids.join(', ')} (warm)`).toEqual(ids.map((id) => (id === a ? aAlone : deviceAlone)));
    }
  });

  it('holds for 68 ids of a generated population in random batches of 1 to 40 ids, in random order, cold and warm', async () => {
    const normalize = (identifier: Identifier) => normalizeIdentifier(identifier, { defaultCountry: 'FR' });
    const rng = new Random(SEED);
    const handMade = [made.shopA, made.crmA, made.memberA, made.phoneA, made.shopB, made.crmB, made.device].map(key);
    const sample = [...rng.shuffle(startsOf(stack.population, normalize).starts.map((s) => s.id)).slice(0, 60), ...handMade, 'email:nobody.at.all@example.org'];

    const single = new Map<string, string>();
    for (const id of sample) {
      clearCache();
      single.set(id, await alone(id));
    }

    const mismatches: string[] = [];
    const check = async (ids: string[], label: string) => {
      const answers = await batch(ids);
      ids.forEach((id, i) => {
        if (answers[i] !== single.get(id)) {
          mismatches.push(`${label}: slot ${i} (${id}) of [${ids.join(', ')}]\n  alone: ${single.get(id)}\n  batch: ${answers[i]}`);
        }
      });
    };
    /** The sample in random order, cut into batches of random sizes from 1 to 40. */
    const randomBatches = (): string[][] => {
      const order = rng.shuffle(sample);
      const batches: string[][] = [];
      for (let from = 0; from < order.length; ) {
        const size = rng.int(1, 40);
        batches.push(order.slice(from, from + size));
        from += size;
      }
      return batches;
    };

    for (let pass = 0; pass < 3; pass++) {
      for (const ids of randomBatches()) {
        clearCache();
        await check(ids, `cold pass ${pass}`);
      }
    }
    // Warm: the cache holds what earlier batches resolved, under every key it may be found by.
    clearCache();
    for (let pass = 0; pass < 3; pass++) {
      for (const ids of randomBatches()) await check(ids, `warm pass ${pass}`);
    }
    for (const id of sample) {
      const warm = await alone(id);
      if (warm !== single.get(id)) mismatches.push(`warm alone: ${id}\n  cold: ${single.get(id)}\n  warm: ${warm}`);
    }
    expect(mismatches, `BATCH_TEST_SEED=${SEED}: ${mismatches.length} answers differ\n${mismatches.slice(0, 5).join('\n')}`).toEqual([]);
  });
});
