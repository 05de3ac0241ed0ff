/**
 * Test helper: a running Shopify simulator and connectors pointed at it.
 */
import { request } from 'undici';
import type { Population } from '../population.js';
import type { Simulator } from '../shared/simulator.js';
import { SHOPIFY_API_VERSION } from './api.js';
import { createCommerceConnector, type CommerceConnector } from './client.js';
import { createCommerceSimulator } from './simulator.js';

export const ACCESS_TOKEN = 'shpat_test00000000000000000000000000';

export interface TestShop {
  simulator: Simulator;
  baseUrl: string;
  /** A connector to the simulator; the default token is the good one. */
  connect(options?: { accessToken?: string; apiVersion?: string }): CommerceConnector;
  /** One GET straight to the simulator, for what the connector never sends. */
  get(path: string, accessToken?: string): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }>;
  close(): Promise<void>;
}

export async function startShop(population: Population, timeoutMs = 2_000): Promise<TestShop> {
  const simulator = createCommerceSimulator({ population, accessToken: ACCESS_TOKEN, apiVersion: SHOPIFY_API_VERSION });
  const baseUrl = await simulator.listen();
  const connectors: CommerceConnector[] = [];
  return {
    simulator,
    baseUrl,
    connect: ({ accessToken = ACCESS_TOKEN, apiVersion = SHOPIFY_API_VERSION } = {}) => {
      const connector = createCommerceConnector({ baseUrl, timeoutMs, connections: 4, accessToken, apiVersion });
      connectors.push(connector);
      return connector;
    },
    get: async (path, accessToken = ACCESS_TOKEN) => {
      const res = await request(baseUrl + path, { headers: { 'x-shopify-access-token': accessToken } });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    },
    close: async () => {
      await Promise.all(connectors.map((c) => c.close()));
      await simulator.close();
    },
  };
}
