/**
 * Test helpers for the CRM connector: contacts built by hand, a population around them, and a
 * running simulator with connectors pointed at it.
 */
import type { HubSpotContact, HubSpotContactProperties, Population } from '../population.js';
import { POPULATION_FORMAT_VERSION } from '../population.js';
import type { Simulator } from '../shared/simulator.js';
import { createCrmConnector, type CrmConnector } from './client.js';
import { createCrmSimulator } from './simulator.js';

/** Shaped like a HubSpot private app token, as a user would paste one. */
export const ACCESS_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
export const BAD_TOKEN = 'pat-na1-99999999-8888-7777-6666-000000000000';

const EMPTY_PROPERTIES: HubSpotContactProperties = {
  email: null,
  firstname: null,
  lastname: null,
  phone: null,
  mobilephone: null,
  hs_additional_emails: null,
  date_of_birth: null,
  hs_language: null,
  address: null,
  city: null,
  zip: null,
  country: null,
  hs_email_optout: null,
  hs_merged_object_ids: null,
  createdate: '2024-01-15T10:00:00.000Z',
  lastmodifieddate: '2025-06-01T08:30:00.000Z',
};

/** A contact with the given properties; the rest are empty, as HubSpot sends them (null). */
export function contact(id: string, properties: Partial<HubSpotContactProperties>, archived = false): HubSpotContact {
  const all = { ...EMPTY_PROPERTIES, ...properties };
  return { id, properties: all, createdAt: all.createdate, updatedAt: all.lastmodifieddate, archived };
}

/** A population holding only these CRM contacts. */
export function populationOf(contacts: HubSpotContact[]): Population {
  return {
    version: POPULATION_FORMAT_VERSION,
    seed: null,
    generatedAt: '2025-06-01T00:00:00.000Z',
    crm: { contacts },
    loyalty: { storeCode: 'DEFAULT', levels: [], members: [], transactions: [] },
    commerce: { currency: 'EUR', customers: [], orders: [], products: [] },
    analytics: { siteId: 1, visits: [] },
    truth: [],
  };
}

/**
 * `size` contacts with ids from 1001, phones written every way people type them, every fourth
 * with a mobile, every fifth with an additional email, every tenth the survivor of a merge.
 */
export function handMadeContacts(size: number): HubSpotContact[] {
  return Array.from({ length: size }, (_, i) => {
    const n = String(i).padStart(2, '0');
    const phones = [`+33 6 12 34 56 ${n}`, `06 12 34 56 ${n}`, `0033 6 12 34 56 ${n}`, `+33612345${n.padStart(3, '0')}`];
    return contact(String(1001 + i), {
      email: i % 3 === 0 ? `Person${i}@Example.com` : `person${i}@example.com`,
      firstname: `First${i}`,
      lastname: `Last${i}`,
      phone: phones[i % phones.length] ?? null,
      mobilephone: i % 4 === 0 ? `+44 7700 9001${n}` : null,
      hs_additional_emails: i % 5 === 0 ? `person${i}@work.example;p${i}@old.example` : null,
      hs_merged_object_ids: i % 10 === 0 ? `${9001 + i}` : null,
    });
  });
}

export interface CrmTestbed {
  simulator: Simulator;
  connector: CrmConnector;
  connectorWithBadCredentials: CrmConnector;
  close(): Promise<void>;
}

/** A simulator serving `population` and two connectors on it, one with a wrong token. */
export async function startCrm(population: Population, timeoutMs = 2_000): Promise<CrmTestbed> {
  const simulator = createCrmSimulator({ population, accessToken: ACCESS_TOKEN });
  const baseUrl = await simulator.listen();
  const endpoint = { baseUrl, timeoutMs, connections: 4 };
  const connector = createCrmConnector({ ...endpoint, accessToken: ACCESS_TOKEN });
  const connectorWithBadCredentials = createCrmConnector({ ...endpoint, accessToken: BAD_TOKEN });
  return {
    simulator,
    connector,
    connectorWithBadCredentials,
    async close() {
      await Promise.all([connector.close(), connectorWithBadCredentials.close()]);
      await simulator.close();
    },
  };
}
