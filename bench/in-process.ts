/**
 * `npm run bench:in-process`: what the gateway's own code costs per request, without HTTP and
 * without the silos' network. The gateway's core (Apollo Server, the resolvers, the identity
 * cache, the connectors) runs in this process; every silo call is answered from memory with the
 * answer the simulator gave the first time it was asked (record, then replay). Requests run one
 * after another, so the figures are CPU time per request of a warm, hot-cached process: a lower
 * bound of what the same work costs under load, where it runs 1.5 to 3 times slower.
 *
 * It prints, per selection of the bench's question, microseconds of CPU per request, and the
 * cost of each connector call alone. Read it as differences: what a section, the orders, or a
 * connector adds. Options: --requests N (measured requests per line, default 20,000).
 */
import { parseArgs } from 'node:util';
import { HeaderMap } from '@apollo/server';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { parseGatewaySettings } from '../src/server/config.js';
import { createRequestContext } from '../src/graphql/context.js';
import { startDemoSilos } from '../demo/silos.js';
import type { Source } from '../src/generated/graphql.js';
import { createLogger } from '../src/shared/logger.js';
import { generatePopulation } from '../demo/population/generate.js';
import { createGatewayCore } from '../src/server/server.js';
import { createSiloConnectors } from '../src/server/silos.js';

/** The bench's question (bench/shared.ts), built up one section at a time. */
const SELECTIONS = [
  'id',
  'id crm { firstName lastName email }',
  'id loyalty { tier }',
  'id commerce { id }',
  'id commerce { orders(limit: 5) { name createdAt totalPrice } }',
  'id crm { firstName lastName email } loyalty { tier } commerce { orders(limit: 5) { name createdAt totalPrice } }',
];

interface Recorded {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A dispatcher that asks the real simulator once per distinct request and answers every later
 * identical request from memory. Only the part of undici's `request` the connectors read is
 * implemented: status, headers and a body read as text.
 */
function replayingDispatcher(origins: Record<Source, string>): Dispatcher {
  const answers = new Map<string, Recorded>();
  // Each silo's API has its own path prefix (HubSpot /crm, Open Loyalty /api, Shopify /admin).
  const originOf = (path: string): string =>
    path.startsWith('/crm/') ? origins.crm : path.startsWith('/api/') ? origins.loyalty : path.startsWith('/admin/') ? origins.commerce : origins.analytics;
  const replay = {
    async request(options: { method: string; path: string; headers?: Record<string, string>; body?: string }) {
      const key = `${options.method} ${options.path} ${options.body ?? ''}`;
      let answer = answers.get(key);
      if (!answer) {
        const res = await undiciRequest(originOf(options.path) + options.path, { method: options.method as 'GET', headers: options.headers, body: options.body });
        answer = { statusCode: res.statusCode, headers: res.headers, text: await res.body.text() };
        answers.set(key, answer);
      }
      const { statusCode, headers, text } = answer;
      return { statusCode, headers, body: { text: async () => text } };
    },
    async close() {},
  };
  return replay as unknown as Dispatcher;
}

/** Microseconds of this process's CPU per call of `fn`, after a warm-up. */
async function cpuMicrosPer(fn: () => Promise<unknown>, requests: number): Promise<number> {
  for (let i = 0; i < Math.max(200, requests / 4); i += 1) await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i += 1) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`--requests takes a whole number, got "${values.requests}".`);

  const population = generatePopulation({ seed: 42, size: 500, now: new Date('2026-11-01T00:00:00Z') });
  const silos = await startDemoSilos({ population });
  const origins = Object.fromEntries((['crm', 'loyalty', 'commerce', 'analytics'] as const).map((s) => [s, silos.silos[s].baseUrl])) as Record<Source, string>;
  const connectors = createSiloConnectors(silos.silos, { dispatcher: replayingDispatcher(origins) });
  const parsed = parseGatewaySettings({ env: { LOG_LEVEL: 'warn' } });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const { services, apollo } = await createGatewayCore({ settings: parsed.config, connectors, logger: createLogger('warn', (line) => process.stderr.write(`${line}\n`)) });

  const person = population.truth.find((t) => !t.household && (['crm', 'loyalty', 'commerce'] as const).every((s) => t.records.filter((r) => r.source === s).length === 1));
  if (!person) throw new Error('The population has no person with one CRM, loyalty and shop record.');
  const idOf = (source: Source): string => person.records.find((r) => r.source === source)!.id;
  const id = `crm:${idOf('crm')}`;

  const ask = (query: string) => async (): Promise<void> => {
    const res = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query, variables: { id } } },
      context: async () => createRequestContext(services),
    });
    if (res.body.kind !== 'complete' || res.body.string.includes('"errors"')) throw new Error(`The gateway answered with errors: ${res.body.kind === 'complete' ? res.body.string : 'a stream'}`);
  };

  process.stdout.write(`In-process CPU per request, silo answers replayed, ${requests.toLocaleString('en')} requests a line (Node ${process.version}):\n`);
  for (const selection of SELECTIONS) {
    const micros = await cpuMicrosPer(ask(`query Profile($id: ID!) { customer(id: $id) { ${selection} } }`), requests);
    process.stdout.write(`${micros.toFixed(1).padStart(8)} µs  customer { ${selection} }\n`);
  }
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['CRM fetchRecords', () => connectors.crm.fetchRecords([idOf('crm')])],
    ['loyalty fetchRecords', () => connectors.loyalty.fetchRecords([idOf('loyalty')])],
    ['shop fetchRecords', () => connectors.commerce.fetchRecords([idOf('commerce')])],
    ['shop ordersOf, limit 5', () => connectors.commerce.ordersOf([idOf('commerce')], 5)],
  ];
  process.stdout.write('Connector calls alone:\n');
  for (const [name, call] of calls) process.stdout.write(`${(await cpuMicrosPer(call, requests)).toFixed(1).padStart(8)} µs  ${name}\n`);

  await apollo.stop();
  await silos.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
