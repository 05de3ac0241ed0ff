/** Builds one connector per silo from the configuration: the only place that knows all four. */
import type { Dispatcher } from 'undici';
import { createAnalyticsConnector } from '../../connectors/analytics/client.js';
import { createCommerceConnector } from '../../connectors/commerce/client.js';
import { createCrmConnector } from '../../connectors/crm/client.js';
import { createLoyaltyConnector } from '../../connectors/loyalty/client.js';
import type { SiloConnectors } from '../../connectors/types.js';
import type { BreakerChange } from '../../connectors/shared/silo-guard.js';
import type { GatewayConfig, SiloTimeZones } from './config.js';
import { SOURCES } from '../graphql/context.js';
import type { Logger } from '../shared/logger.js';

/**
 * `timeZones` (TIME_ZONE, CRM_TIME_ZONE, LOYALTY_TIME_ZONE) are the gateway's settings, not the
 * silos': the demo's silos get them too. Left out, each connector reads dates in UTC. With a
 * `logger`, each change of a silo's circuit breaker is logged, one line each
 * ({@link logBreakerChange}).
 */
export function createSiloConnectors(
  silos: GatewayConfig['silos'],
  options: { dispatcher?: Dispatcher; logger?: Logger } = {},
  timeZones?: SiloTimeZones,
): SiloConnectors {
  const { logger, dispatcher } = options;
  const deps = { dispatcher, onBreakerChange: logger ? (change: BreakerChange) => logBreakerChange(logger, change) : undefined };
  return {
    crm: createCrmConnector({ ...silos.crm, timeZone: timeZones?.crm ?? silos.crm.timeZone }, deps),
    loyalty: createLoyaltyConnector({ ...silos.loyalty, timeZone: timeZones?.loyalty ?? silos.loyalty.timeZone }, deps),
    commerce: createCommerceConnector(silos.commerce, deps),
    analytics: createAnalyticsConnector(silos.analytics, deps),
  };
}

/**
 * One log line per change of a silo's circuit breaker: `silo circuit breaker opened` (warn, with
 * when the probe call may go and the failure that opened it), `... half-open` (info, the probe
 * call is going), `... closed` (info, the silo answers again).
 */
export function logBreakerChange(logger: Logger, change: BreakerChange): void {
  switch (change.state) {
    case 'open':
      logger.warn('silo circuit breaker opened', { source: change.source, retryAt: change.retryAt, failures: change.failures, code: change.cause });
      break;
    case 'halfOpen':
      logger.info('silo circuit breaker half-open', { source: change.source });
      break;
    case 'closed':
      logger.info('silo circuit breaker closed', { source: change.source });
      break;
  }
}

export async function closeSiloConnectors(connectors: SiloConnectors): Promise<void> {
  await Promise.all(SOURCES.map((source) => connectors[source].close()));
}
