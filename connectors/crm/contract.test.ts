import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { HubSpotContact, Population } from '../population.js';
import { CONTRACT_NOW, connectorContract, type ContractFixture } from '../../test/contract/connector-contract.js';
import type { CrmContactRecord, Identifier } from '../types.js';
import { generatePopulation } from '../../demo/population/generate.js';
import { BAD_TOKEN, startCrm } from './fixture.js';
import { splitMultiValue } from './hubspot.js';

// 300 persons make ~220 contacts, a few of them merged: enough for every case the suite needs.
const population = generatePopulation({ seed: 20_240_826, size: 300, now: CONTRACT_NOW });

connectorContract<CrmContactRecord>('CRM (HubSpot)', async ({ timeoutMs }) => {
  const testbed = await startCrm(population, timeoutMs);
  const contacts = servedContacts(population);
  const withEmail = contacts.filter((c) => c.properties.email);
  return {
    ...testbed,
    badSecret: BAD_TOKEN,
    knownIds: contacts.map((c) => c.id),
    idOf: (record) => record.id,
    lookups: lookupsOf(contacts),
    // Batch read takes 100 ids; search takes 100 values per IN filter.
    maxCallsToFetch50: 1,
    maxCallsToLookup20: 1,
    twentyIdentifiers: withEmail.slice(0, 20).map((c) => email(c.properties.email!)),
  };
});

/** Contacts a HubSpot account would serve: not archived, not merged away. */
function servedContacts(p: Population): HubSpotContact[] {
  const mergedAway = new Set(p.crm.contacts.flatMap((c) => splitMultiValue(c.properties.hs_merged_object_ids)));
  return p.crm.contacts.filter((c) => !c.archived && !mergedAway.has(c.id));
}

/** One lookup per identifier type, and a merged-away id that must find its survivor. */
function lookupsOf(contacts: HubSpotContact[]): ContractFixture<CrmContactRecord>['lookups'] {
  const first = contacts[0]!;
  const survivor = contacts.find((c) => c.properties.hs_merged_object_ids)!;
  const withEmail = contacts.find((c) => c.properties.email)!;
  const withPhone = contacts.find((c) => c.properties.phone?.startsWith('+'))!;
  return [
    { identifier: { type: 'crm', value: first.id }, expectIds: [first.id] },
    { identifier: { type: 'crm', value: splitMultiValue(survivor.properties.hs_merged_object_ids)[0]! }, expectIds: [survivor.id] },
    { identifier: email(withEmail.properties.email!), expectIds: [withEmail.id] },
    { identifier: { type: 'phone', value: parsePhoneNumberFromString(withPhone.properties.phone!)!.number }, expectIds: [withPhone.id] },
  ];
}

/** An email identifier as the gateway passes it: trimmed and lower-cased. */
function email(value: string): Identifier {
  return { type: 'email', value: value.trim().toLowerCase() };
}
