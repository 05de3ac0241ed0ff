/**
 * The whole demo stack in one process, over real HTTP on loopback: the four silo simulators
 * serving a population (demo/silos.ts), the connectors pointed at them, and the gateway. The
 * integration tests (test/support/stack.ts) and the identity evaluation (scripts/eval-identity.ts)
 * start it the same way, so what the evaluation measures is what the tests exercise.
 */
import type { SiloConnectors } from '../connectors/types.js';
import type { FaultMode, Latency } from '../connectors/shared/simulator.js';
import type { BreakerOptions } from '../connectors/shared/silo-guard.js';
import type { GatewaySettings } from '../src/server/config.js';
import { startDemoSilos, type DemoSilos } from './silos.js';
import type { Source } from '../src/generated/graphql.js';
import type { Logger } from '../src/shared/logger.js';
import type { Population } from '../connectors/population.js';
import { startGateway, type Gateway, type GatewayOptions } from '../src/server/server.js';
import { closeSiloConnectors, createSiloConnectors } from '../src/server/silos.js';

export interface DemoStackOptions {
  population: Population;
  /** Gateway settings; `port: 0` picks a free port. */
  settings: GatewaySettings;
  logger: Logger;
  /** Per-call timeout the connectors get, in ms. */
  timeoutMs?: number;
  /** Every connector's circuit breaker; default `defaultBreaker(timeoutMs)` (connectors/shared/silo-guard.ts). */
  breaker?: BreakerOptions;
  latency?: Partial<Record<Source, Latency>>;
  faults?: Partial<Record<Source, FaultMode>>;
  /** The lifetime-value model, the segments and the insights' clock the gateway gets (none by default). */
  insights?: Pick<GatewayOptions, 'clvModel' | 'segments' | 'now'>;
  /** The bearer credential (an API key, a JWT) `query` sends; none: no Authorization header. */
  credential?: string;
}

export interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface DemoStack {
  population: Population;
  demo: DemoSilos;
  connectors: SiloConnectors;
  gateway: Gateway;
  /** POSTs a GraphQL operation to the gateway, with the stack's credential, and returns the parsed body and the status. */
  query(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }>;
  /** POSTs an operation with exactly `headers` besides the content type (no credential unless given). */
  post(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: GraphQLBody; headers: Headers }>;
  /**
   * Sets every simulator back to healthy, with no latency, zeroes their call counts, and empties
   * the gateway's identity-link cache, so that what follows starts cold.
   */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const { population } = options;
  const demo = await startDemoSilos({ population, timeoutMs: options.timeoutMs, breaker: options.breaker, latency: options.latency, faults: options.faults });
  const connectors = createSiloConnectors(demo.silos, { logger: options.logger }, options.settings.timeZones);
  let gateway: Gateway;
  try {
    gateway = await startGateway({ settings: options.settings, connectors, logger: options.logger, ...options.insights });
  } catch (error) {
    await closeSiloConnectors(connectors);
    await demo.close();
    throw error;
  }
  const post: DemoStack['post'] = async (query, variables, headers = {}) => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GraphQLBody, headers: res.headers };
  };
  return {
    population,
    demo,
    connectors,
    gateway,
    async query(query, variables) {
      const { status, body } = await post(query, variables, options.credential ? { authorization: `Bearer ${options.credential}` } : {});
      return { status, body };
    },
    post,
    async reset() {
      for (const simulator of Object.values(demo.simulators)) {
        await simulator.setFault({ kind: 'none' });
        simulator.clearRouteFaults();
        simulator.setLatency({ fixedMs: 0, jitterMs: 0 });
        simulator.resetStats();
      }
      for (const connector of Object.values(connectors)) connector.calls?.resetGuard();
      gateway.services.identity.cache.clear();
    },
    async close() {
      await gateway.close();
      await closeSiloConnectors(connectors);
      await demo.close();
    },
  };
}
