/**
 * The bundled demo: the four silo simulators on loopback, serving one population, with optional
 * latency and faults per silo. Used by `npm start` without configuration, by the integration
 * tests and by the benchmark.
 */
import { createAnalyticsSimulator } from '../connectors/analytics/simulator.js';
import { SHOPIFY_API_VERSION } from '../connectors/commerce/api.js';
import { createCommerceSimulator } from '../connectors/commerce/simulator.js';
import { createCrmSimulator } from '../connectors/crm/simulator.js';
import { createLoyaltySimulator } from '../connectors/loyalty/simulator.js';
import type { FaultMode, Latency, Simulator } from '../connectors/shared/simulator.js';
import type { BreakerOptions } from '../connectors/shared/silo-guard.js';
import type { Source } from '../src/generated/graphql.js';
import type { GatewayConfig } from '../src/server/config.js';
import { SOURCES } from '../src/graphql/context.js';
import type { Population } from '../connectors/population.js';

/** Credentials the demo simulators accept. Not secrets: they only open the bundled fake silos. */
export const DEMO_CREDENTIALS = {
  crmAccessToken: 'pat-demo-crm-token',
  loyaltyUsername: 'admin@demo.example',
  loyaltyPassword: 'demo-loyalty-password',
  commerceAccessToken: 'shpat_demo_commerce_token',
  commerceApiVersion: SHOPIFY_API_VERSION,
  analyticsTokenAuth: 'demo0analytics0token0auth0000000',
} as const;

export interface DemoSilosOptions {
  population: Population;
  latency?: Partial<Record<Source, Latency>>;
  faults?: Partial<Record<Source, FaultMode>>;
  /** Per-call timeout the connectors get, in ms. */
  timeoutMs?: number;
  connections?: number;
  /** Every connector's circuit breaker (connectors/shared/silo-guard.ts); default `defaultBreaker(timeoutMs)`. */
  breaker?: BreakerOptions;
}

export interface DemoSilos {
  simulators: Record<Source, Simulator>;
  /** Connector configuration pointing at the simulators. */
  silos: GatewayConfig['silos'];
  close(): Promise<void>;
}

export async function startDemoSilos(options: DemoSilosOptions): Promise<DemoSilos> {
  const { population } = options;
  const c = DEMO_CREDENTIALS;
  const simulators: Record<Source, Simulator> = {
    crm: createCrmSimulator({ population, accessToken: c.crmAccessToken }),
    loyalty: createLoyaltySimulator({ population, username: c.loyaltyUsername, password: c.loyaltyPassword }),
    commerce: createCommerceSimulator({ population, accessToken: c.commerceAccessToken, apiVersion: c.commerceApiVersion }),
    analytics: createAnalyticsSimulator({ population, tokenAuth: c.analyticsTokenAuth }),
  };
  const urls = Object.fromEntries(
    await Promise.all(SOURCES.map(async (source) => [source, await simulators[source].listen(0, '127.0.0.1')] as const)),
  ) as Record<Source, string>;
  for (const source of SOURCES) {
    const latency = options.latency?.[source];
    if (latency) simulators[source].setLatency(latency);
    const fault = options.faults?.[source];
    if (fault) await simulators[source].setFault(fault);
  }
  const endpoint = { timeoutMs: options.timeoutMs ?? 1500, connections: options.connections ?? 32, ...(options.breaker ? { breaker: options.breaker } : {}) };
  return {
    simulators,
    silos: {
      crm: { ...endpoint, baseUrl: urls.crm, accessToken: c.crmAccessToken },
      loyalty: {
        ...endpoint,
        baseUrl: urls.loyalty,
        storeCode: population.loyalty.storeCode,
        username: c.loyaltyUsername,
        password: c.loyaltyPassword,
      },
      commerce: { ...endpoint, baseUrl: urls.commerce, accessToken: c.commerceAccessToken, apiVersion: c.commerceApiVersion },
      analytics: {
        ...endpoint,
        baseUrl: urls.analytics,
        siteId: population.analytics.siteId,
        appSiteId: population.analytics.appSiteId ?? null,
        tokenAuth: c.analyticsTokenAuth,
      },
    },
    close: async () => {
      await Promise.all(SOURCES.map((source) => simulators[source].close()));
    },
  };
}
