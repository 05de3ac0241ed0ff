/** Builds one connector per silo from the configuration: the only place that knows all four. */
import type { Dispatcher } from 'undici';
import { createAnalyticsConnector } from '../../connectors/analytics/client.js';
import { createCommerceConnector } from '../../connectors/commerce/client.js';
import { createCrmConnector } from '../../connectors/crm/client.js';
import { createLoyaltyConnector } from '../../connectors/loyalty/client.js';
import type { SiloConnectors } from '../../connectors/types.js';
import { tripText, type BreakerChange, type BreakerTrip } from '../../connectors/shared/silo-guard.js';
import { assertNever } from '../../connectors/shared/exhaustive.js';
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
 * when the probe call may go, why it opened as the SOURCE_UNAVAILABLE message says it, its
 * figures, and the code of the failure that opened it), `... half-open` (info, the probe
 * call is going), `... closed` (info, the silo answers again).
 */
export function logBreakerChange(logger: Logger, change: BreakerChange): void {
  switch (change.state) {
    case 'open':
      logger.warn('silo circuit breaker opened', { source: change.source, retryAt: change.retryAt, reason: tripText(change.trip), ...tripFields(change.trip), code: change.cause });
      break;
    case 'halfOpen':
      logger.info('silo circuit breaker half-open', { source: change.source });
      break;
    case 'closed':
      logger.info('silo circuit breaker closed', { source: change.source });
      break;
  }
}

/**
 * The figures of why a breaker opened, as log fields: `failed` and `calls` within `windowMs`
 * (the rate), or `failed` in a row with too few calls within `windowMs` (low traffic); none for a failed probe.
 */
function tripFields(trip: BreakerTrip): Record<string, number> {
  switch (trip.kind) {
    case 'rate':
      return { failed: trip.failed, calls: trip.calls, windowMs: trip.windowMs };
    case 'inARow':
      return { failed: trip.failed, windowMs: trip.windowMs };
    case 'probe':
      return {};
    default:
      return assertNever(trip, 'breaker trip');
  }
}

export async function closeSiloConnectors(connectors: SiloConnectors): Promise<void> {
  await Promise.all(SOURCES.map((source) => connectors[source].close()));
}
