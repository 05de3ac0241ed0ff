/** Builds one connector per silo from the configuration: the only place that knows all four. */
import type { Dispatcher } from 'undici';
import { createAnalyticsConnector } from '../../connectors/analytics/client.js';
import { createCommerceConnector } from '../../connectors/commerce/client.js';
import { createCrmConnector } from '../../connectors/crm/client.js';
import { createLoyaltyConnector } from '../../connectors/loyalty/client.js';
import type { SiloConnectors } from '../../connectors/types.js';
import type { GatewayConfig, SiloTimeZones } from './config.js';
import { SOURCES } from '../graphql/context.js';

/**
 * `timeZones` (TIME_ZONE, CRM_TIME_ZONE, LOYALTY_TIME_ZONE) are the gateway's settings, not the
 * silos': the demo's silos get them too. Left out, each connector reads dates in UTC.
 */
export function createSiloConnectors(silos: GatewayConfig['silos'], deps: { dispatcher?: Dispatcher } = {}, timeZones?: SiloTimeZones): SiloConnectors {
  return {
    crm: createCrmConnector({ ...silos.crm, timeZone: timeZones?.crm ?? silos.crm.timeZone }, deps),
    loyalty: createLoyaltyConnector({ ...silos.loyalty, timeZone: timeZones?.loyalty ?? silos.loyalty.timeZone }, deps),
    commerce: createCommerceConnector(silos.commerce, deps),
    analytics: createAnalyticsConnector(silos.analytics, deps),
  };
}

export async function closeSiloConnectors(connectors: SiloConnectors): Promise<void> {
  await Promise.all(SOURCES.map((source) => connectors[source].close()));
}
