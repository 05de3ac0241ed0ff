import { normalizeIdentifier } from '../../src/identity/normalize.js';
import type { ShopifyCustomer } from '../population.js';
import { generatePopulation } from '../../demo/population/generate.js';
import { CONTRACT_NOW, connectorContract } from '../../test/contract/connector-contract.js';
import type { CommerceCustomerRecord, Identifier } from '../types.js';
import { startShop } from './test-shop.js';

const BAD_TOKEN = 'shpat_wrong11111111111111111111111111';

connectorContract<CommerceCustomerRecord>('Commerce (Shopify)', async ({ timeoutMs }) => {
  const population = generatePopulation({ seed: 20_261_123, size: 300, now: CONTRACT_NOW });
  const customers = population.commerce.customers;
  const shop = await startShop(population, timeoutMs);
  const idOf = (c: ShopifyCustomer): string => String(c.id);
  // Identifiers as the gateway sends them: normalized, placeholders ("noemail@...") refused.
  const normalized = (type: 'email' | 'phone', c: ShopifyCustomer): Identifier | undefined => {
    const stored = c[type];
    const result = stored === null ? undefined : normalizeIdentifier({ type, value: stored }, { defaultCountry: 'FR' });
    return result?.ok ? result.identifier : undefined;
  };
  const idsWith = (identifier: Identifier): string[] =>
    customers.filter((c) => normalized(identifier.type as 'email' | 'phone', c)?.value === identifier.value).map(idOf);
  const lookupBy = (type: 'email' | 'phone'): { identifier: Identifier; expectIds: string[] } => {
    const identifier = customers.map((c) => normalized(type, c)).find((i) => i !== undefined)!;
    return { identifier, expectIds: idsWith(identifier) };
  };
  const emails = [...new Map(customers.flatMap((c) => normalized('email', c) ?? []).map((i) => [i.value, i])).values()];

  return {
    simulator: shop.simulator,
    connector: shop.connect(),
    connectorWithBadCredentials: shop.connect({ accessToken: BAD_TOKEN }),
    badSecret: BAD_TOKEN,
    knownIds: customers.slice(0, 60).map(idOf),
    idOf: (record) => record.id,
    lookups: [
      { identifier: { type: 'commerce', value: idOf(customers[5]!) }, expectIds: [idOf(customers[5]!)] },
      lookupBy('email'),
      lookupBy('phone'),
    ],
    maxCallsToFetch50: 1,
    maxCallsToLookup20: 1,
    twentyIdentifiers: emails.slice(0, 20),
    close: () => shop.close(),
  };
});
