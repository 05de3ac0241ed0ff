/**
 * Starts the whole stack for an integration test, over real HTTP on loopback: the four silo
 * simulators serving a generated population, the connectors, and the gateway (demo/stack.ts,
 * which the identity evaluation script starts too).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import type { DemoSilos } from '../../demo/silos.js';
import { startDemoStack, type DemoStack, type DemoStackOptions, type GraphQLBody } from '../../demo/stack.js';
import { createLogger } from '../../src/shared/logger.js';
import type { Population } from '../../connectors/population.js';
import type { BreakerOptions } from '../../connectors/shared/silo-guard.js';
import { generatePopulation, isPlaceholderEmail } from '../../demo/population/generate.js';
import type { Gateway } from '../../src/server/server.js';
import type { GatewaySettings } from '../../src/server/config.js';
import { DEFAULT_OPERATION_LIMITS } from '../../src/server/limits/operation-limits.js';
import { DEFAULT_IDENTITY_RULES } from '../../src/identity/rules.js';
import { DEFAULT_SURVIVORSHIP } from '../../src/golden/rules-config.js';
import { DEFAULT_LIFECYCLE_THRESHOLDS } from '../../src/insights/lifecycle.js';
import { DEFAULT_RFM_WINDOW_DAYS } from '../../src/insights/rfm.js';
import type { Scope } from '../../src/access/scopes.js';
import { startTestIssuer, TEST_API_KEY_ENTRIES, TEST_API_KEYS, type TestIssuer } from './auth.js';

export type { GraphQLBody };

export interface Stack extends DemoStack {
  population: Population;
  demo: DemoSilos;
  gateway: Gateway;
  /** Lines the gateway logged. */
  logs: string[];
  /** The identity provider whose JWTs the gateway trusts (test/support/auth.ts). */
  issuer: TestIssuer;
  /** POSTs an operation with a fresh JWT of the issuer granting exactly `scopes` (none: an empty scope claim). */
  postAs(scopes: readonly Scope[], query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }>;
}

export const TEST_SETTINGS: GatewaySettings = {
  port: 0,
  host: '127.0.0.1',
  logLevel: 'debug',
  sandbox: true,
  introspection: true,
  auth: {
    // startStack points these at the stack's own test issuer.
    jwksUrl: null,
    publicKeyFile: null,
    issuer: null,
    audience: null,
    algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    clockToleranceS: 30,
    apiKeys: TEST_API_KEY_ENTRIES,
    anonymousScopes: null,
  },
  corsOrigins: [],
  defaultCountry: 'FR',
  timeZone: 'Europe/Paris',
  timeZones: { crm: 'UTC', loyalty: 'Europe/Paris' },
  cursorSecret: 'test-cursor-secret-of-at-least-32-characters',
  segmentsFile: null,
  golden: { rules: DEFAULT_SURVIVORSHIP },
  limits: DEFAULT_OPERATION_LIMITS,
  // Compiled from the first use: the tests' operations, mostly asked once, run as the gateway runs
  // its hot ones (src/server/compiled-execution.test.ts covers the first uses on graphql-js).
  compileAfterUses: 1,
  identity: {
    maxRounds: 4,
    maxRecords: 50,
    // Three of the stack's 400 ms call deadlines: on a machine the whole suite loads, healthy
    // silos' rounds can take a few hundred ms, and the default (1.5 × 400 ms) would cut them.
    // The shared deadline itself is tested with its own setting (silo-resilience.test.ts).
    deadlineMs: 1200,
    cache: { maxBytes: 64 * 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 5_000 },
    rules: DEFAULT_IDENTITY_RULES,
  },
  insights: {
    rfmWindowDays: DEFAULT_RFM_WINDOW_DAYS,
    profilingConsent: 'denied',
    lifecycle: DEFAULT_LIFECYCLE_THRESHOLDS,
    clv: { modelFile: null, monthlyDiscountRate: 0.01, margin: 1 },
  },
  // Tests send many requests with one key; the rate limit's own test turns it on.
  traffic: { healthCacheMs: 5000, rateLimitRequests: 0, rateLimitWindowS: 10, shutdownGraceMs: 10_000, requestTimeoutMs: 0 },
};

export interface StackOptions {
  seed?: number;
  size?: number;
  timeoutMs?: number;
  /** Every connector's circuit breaker; default `defaultBreaker(timeoutMs)` (connectors/shared/silo-guard.ts). */
  breaker?: BreakerOptions;
  /**
   * Changes the generated population before the silos serve it, for a case the generator does
   * not make (see population-edit.ts); returns the population to serve.
   */
  prepare?: (population: Population) => Population;
  /** Changes the gateway settings (default TEST_SETTINGS), e.g. a lower IDENTITY_MAX_RECORDS. */
  settings?: (settings: GatewaySettings) => GatewaySettings;
  /** The lifetime-value model, segments and clock of the insights (DemoStackOptions.insights). */
  insights?: DemoStackOptions['insights'];
}

/**
 * Starts a stack: a test identity provider (its JWKS on loopback), then the silos and the gateway
 * with TEST_SETTINGS trusting that provider and TEST_API_KEYS, changed by `options.settings`.
 * `query` sends TEST_API_KEYS.full (every scope); `postAs` a JWT with the scopes a test chooses.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const generated = generatePopulation({ seed: options.seed ?? 11, size: options.size ?? 300, now: new Date('2026-11-01T00:00:00Z') });
  const population = options.prepare ? options.prepare(generated) : generated;
  const logs: string[] = [];
  const issuer = await startTestIssuer();
  const base: GatewaySettings = { ...TEST_SETTINGS, auth: { ...TEST_SETTINGS.auth, ...issuer.auth } };
  let stack: DemoStack;
  try {
    stack = await startDemoStack({
      population,
      settings: options.settings ? options.settings(base) : base,
      logger: createLogger('debug', (line) => logs.push(line)),
      timeoutMs: options.timeoutMs ?? 400,
      breaker: options.breaker,
      insights: options.insights,
      credential: TEST_API_KEYS.full.key,
    });
  } catch (error) {
    await issuer.close();
    throw error;
  }
  return {
    ...stack,
    logs,
    issuer,
    async postAs(scopes, query, variables) {
      const token = await issuer.mint({ scope: scopes.join(' ') });
      const { status, body } = await stack.post(query, variables, { authorization: `Bearer ${token}` });
      return { status, body };
    },
    async close() {
      await stack.close();
      await issuer.close();
    },
  };
}

/**
 * One stack for a test file: started before its tests, cold (healthy silos, zeroed counts, empty
 * cache) before each test and healed again after each, closed after them. The returned object stands for the running stack.
 */
export function useStack(options: StackOptions = {}): Stack {
  let current: Stack | undefined;
  beforeAll(async () => {
    current = await startStack(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(async () => {
    await current!.reset();
  });
  // Faults and latency a test switched on are switched off after it, even when it failed
  // half-way, not only before the next test of the file.
  afterEach(async () => {
    await current?.reset();
  });
  return new Proxy({} as Stack, {
    get(_target, property) {
      if (!current) throw new Error('The stack starts in beforeAll: use it inside a test.');
      return Reflect.get(current, property);
    },
  });
}

/**
 * A plain person of the ground truth who has records in all of `sources`: outside households, and
 * every CRM contact, loyalty member and shop customer of theirs carries one same real email
 * (trimmed, any case), so that the example does not depend on the generator's rarer mess (a
 * contact without email, a foreign number typed nationally, a Gmail address with its dots moved).
 */
export function personIn(population: Population, sources: readonly Source[], skip = 0) {
  const emails = new Map<string, string | null>([
    ...population.crm.contacts.map((c) => [`crm:${c.id}`, c.properties.email] as const),
    ...population.loyalty.members.map((m) => [`loyalty:${m.customerId}`, m.email] as const),
    ...population.commerce.customers.map((c) => [`commerce:${c.id}`, c.email] as const),
  ]);
  const plain = (t: Population['truth'][number]): boolean => {
    const own = t.records.filter((r) => r.source !== 'analytics').map((r) => emails.get(`${r.source}:${r.id}`)?.trim().toLowerCase() ?? null);
    return own.every((e) => e !== null && e === own[0] && !isPlaceholderEmail(e));
  };
  const people = population.truth.filter((t) => !t.household && sources.every((s) => t.records.some((r) => r.source === s)) && plain(t));
  const person = people[skip];
  if (!person) throw new Error(`The test population has no person in ${sources.join(', ')}.`);
  return person;
}

export function recordOf(person: { records: Array<{ source: Source; id: string }> }, source: Source): string {
  const record = person.records.find((r) => r.source === source);
  if (!record) throw new Error(`No ${source} record.`);
  return record.id;
}

/**
 * `customer(id:)` through HTTP with `query` (an operation taking `$id`): the answer and the whole
 * body. Fails the test unless the status is 200.
 */
export async function askCustomer<T>(stack: Stack, query: string, id: string): Promise<{ answer: T | null; body: GraphQLBody }> {
  const { status, body } = await stack.query(query, { id });
  expect(status, id).toBe(200);
  return { answer: (body.data?.customer as T | null) ?? null, body };
}

/** The customer an id resolves to with `query`, failing the test on any error or a null answer. */
export async function resolvedCustomer<T>(stack: Stack, query: string, id: string): Promise<T> {
  const { answer, body } = await askCustomer<T>(stack, query, id);
  expect(body.errors, id).toBeUndefined();
  expect(answer, id).not.toBeNull();
  return answer!;
}

export { seededRandom } from './seeded-random.js';
