/** Builds one connector per silo from the configuration: the only place that knows all four. */
import type { Dispatcher } from 'undici';
import { createAnalyticsConnector } from '../connectors/analytics/client.js';
import { createCommerceConnector } from '../connectors/commerce/client.js';
import { createCrmConnector } from '../connectors/crm/client.js';
import { createLoyaltyConnector } from '../connectors/loyalty/client.js';
import type { SiloConnectors } from '../connectors/types.js';
import type { GatewayConfig } from './config.js';
import { SOURCES } from './context.js';

export function createSiloConnectors(silos: GatewayConfig['silos'], deps: { dispatcher?: Dispatcher } = {}): SiloConnectors {
  return {
    crm: createCrmConnector(silos.crm, deps),
    loyalty: createLoyaltyConnector(silos.loyalty, deps),
    commerce: createCommerceConnector(silos.commerce, deps),
    analytics: createAnalyticsConnector(silos.analytics, deps),
  };
}

export async function closeSiloConnectors(connectors: SiloConnectors): Promise<void> {
  await Promise.all(SOURCES.map((source) => connectors[source].close()));
}
