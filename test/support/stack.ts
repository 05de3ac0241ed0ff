/**
 * Starts the whole stack for an integration test, over real HTTP on loopback: the four silo
 * simulators serving a generated population, the connectors, and the gateway.
 */
import type { Source } from '../../src/generated/graphql.js';
import { startDemoSilos, type DemoSilos } from '../../src/demo.js';
import { createLogger } from '../../src/logger.js';
import type { Population } from '../../src/population/format.js';
import { generatePopulation } from '../../src/population/generate.js';
import { startGateway, type Gateway } from '../../src/server.js';
import { closeSiloConnectors, createSiloConnectors } from '../../src/silos.js';
import type { GatewaySettings } from '../../src/config.js';
import { DEFAULT_IDENTITY_RULES } from '../../src/identity/rules.js';
import { DEFAULT_SURVIVORSHIP } from '../../src/golden/rules-config.js';

export interface Stack {
  population: Population;
  demo: DemoSilos;
  gateway: Gateway;
  /** Lines the gateway logged. */
  logs: string[];
  /** POSTs a GraphQL operation and returns the parsed body and the status. */
  query(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }>;
  /**
   * Sets every simulator back to healthy, with no latency, zeroes their call counts, and empties
   * the gateway's identity-link cache, so that each test starts cold.
   */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export const TEST_SETTINGS: GatewaySettings = {
  port: 0,
  host: '127.0.0.1',
  logLevel: 'debug',
  sandbox: true,
  defaultCountry: 'FR',
  adminToken: 'test-admin-token',
  golden: { rules: DEFAULT_SURVIVORSHIP },
  identity: {
    maxRounds: 4,
    maxRecords: 50,
    cache: { maxKeys: 100_000, ttlMs: 60_000, negativeTtlMs: 5_000 },
    rules: DEFAULT_IDENTITY_RULES,
  },
};

export async function startStack(options: { seed?: number; size?: number; timeoutMs?: number } = {}): Promise<Stack> {
  const population = generatePopulation({ seed: options.seed ?? 11, size: options.size ?? 300, now: new Date('2026-11-01T00:00:00Z') });
  const demo = await startDemoSilos({ population, timeoutMs: options.timeoutMs ?? 400 });
  const connectors = createSiloConnectors(demo.silos);
  const logs: string[] = [];
  const gateway = await startGateway({ settings: TEST_SETTINGS, connectors, logger: createLogger('debug', (line) => logs.push(line)) });
  return {
    population,
    demo,
    gateway,
    logs,
    async query(query, variables) {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GraphQLBody };
    },
    async reset() {
      for (const simulator of Object.values(demo.simulators)) {
        await simulator.setFault({ kind: 'none' });
        simulator.setLatency({ fixedMs: 0, jitterMs: 0 });
        simulator.resetStats();
      }
      gateway.services.identity.cache.clear();
    },
    async close() {
      await gateway.close();
      await closeSiloConnectors(connectors);
      await demo.close();
    },
  };
}

/** A person of the ground truth who has records in all of `sources`. */
export function personIn(population: Population, sources: readonly Source[], skip = 0) {
  const people = population.truth.filter((t) => !t.household && sources.every((s) => t.records.some((r) => r.source === s)));
  const person = people[skip];
  if (!person) throw new Error(`The test population has no person in ${sources.join(', ')}.`);
  return person;
}

export function recordOf(person: { records: Array<{ source: Source; id: string }> }, source: Source): string {
  const record = person.records.find((r) => r.source === source);
  if (!record) throw new Error(`No ${source} record.`);
  return record.id;
}
