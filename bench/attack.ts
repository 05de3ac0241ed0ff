/**
 * `npm run attack`: replays the heavy requests of issue 16 against a local gateway and prints one
 * line per case with its figure, so that they can be watched release after release. Whatever the
 * gateway does today (refuses, answers, stalls), the line says it: a case that gets no answer
 * within its timeout prints `timeout` and the gateway is restarted for the next case.
 *
 * The demo silos run in this process (their call counts read directly); the gateway runs alone in
 * a child (bench/server-child.ts, as `npm start` wires it, default settings but the rate limit),
 * so that its peak RSS is its own and a gateway stuck on one request cannot stall this script.
 *
 *   npm run attack               the issue's sizes (about a minute and a half)
 *   npm run attack -- --smoke    reduced sizes, for the smoke test (test/attack.smoke.test.ts)
 *
 * Every line starts with `attack <case>:`; the script exits 0 whatever the figures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { generatePopulation } from '../demo/population/generate.js';
import { startDemoSilos, type DemoSilos } from '../demo/silos.js';
import type { Source } from '../src/generated/graphql.js';
import type { GatewayConfig } from '../src/server/config.js';
import { spawnChild, type Child, type Usage } from './rpc.js';
import { BENCH_HEADERS } from './shared.js';
import type { ATTACK_CASES } from './attack-cases.js';

const SOURCES: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

/** The sizes of each case: the issue's, or a reduced set that runs in a few seconds. */
const MODES = {
  full: { size: 2000, customersRequests: 4, idsPerRequest: 64_000, aliases: 10_000, emailBytes: 1_000_000, goldenBytes: 933_000, healthHits: 3_700, healthSeconds: 5, throughputSeconds: 3, breakerWaitSeconds: 30, siloBodyMB: 200, timeoutMs: 20_000 },
  smoke: { size: 200, customersRequests: 2, idsPerRequest: 2_000, aliases: 200, emailBytes: 100_000, goldenBytes: 100_000, healthHits: 300, healthSeconds: 2, throughputSeconds: 1, breakerWaitSeconds: 15, siloBodyMB: 5, timeoutMs: 8_000 },
} as const;
type Mode = (typeof MODES)[keyof typeof MODES];


interface Answer {
  status: number | 'timeout' | 'connection error';
  ms: number;
  bytes: number;
  body: string;
}

class Gateway {
  #child: Child | null = null;
  url = '';

  constructor(private readonly silos: GatewayConfig['silos']) {}

  async start(): Promise<void> {
    const child = spawnChild({ name: 'attack-gateway', script: 'server-child.ts' });
    const started = await child.call<{ url: string }>('start', { kind: 'gateway', silos: this.silos, controlUrl: '', persons: [], gatewayEnv: {}, insights: null }, 60_000);
    this.#child = child;
    this.url = started.url;
  }

  /** The gateway's usage (peak RSS), or null when it does not answer within 2 s (busy). */
  async usage(): Promise<Usage | null> {
    return this.#child ? this.#child.call<Usage>('usage', undefined, 2_000).catch(() => null) : null;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child) return;
    // A gateway still busy with an attack may not answer its shutdown: it is killed after 2 s.
    await child.stop(2_000).catch(() => child.process.kill('SIGKILL'));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

async function post(url: string, body: string, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: BENCH_HEADERS, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, ms: Math.round(performance.now() - started), bytes: Buffer.byteLength(text), body: text };
  } catch (error) {
    const status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'connection error';
    return { status, ms: Math.round(performance.now() - started), bytes: 0, body: '' };
  }
}

function siloCalls(demo: DemoSilos): number {
  return SOURCES.reduce((sum, source) => sum + demo.simulators[source].stats().requests, 0);
}

function resetCalls(demo: DemoSilos): void {
  for (const source of SOURCES) demo.simulators[source].resetStats();
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${Math.round(bytes / 1024 / 1024)} MiB`;
}

/** The first error code of an answer, if any. */
function codeOf(answer: Answer): string {
  try {
    const parsed = JSON.parse(answer.body) as { errors?: Array<{ extensions?: { code?: string } }> };
    return parsed.errors?.[0]?.extensions?.code ?? '-';
  } catch {
    return '-';
  }
}

function line(name: (typeof ATTACK_CASES)[number], text: string): void {
  console.log(`attack ${name}: ${text}`);
}

/** `customers(ids:)` aliased until the body holds `ids` ids, kept under the 1 MiB body limit. */
function aliasedCustomers(ids: readonly string[], total: number): string {
  const perAlias = 4_000;
  const parts: string[] = [];
  let length = 0;
  for (let alias = 0, used = 0; used < total; alias += 1) {
    const chunk: string[] = [];
    for (let i = 0; i < perAlias && used < total; i += 1, used += 1) chunk.push(JSON.stringify(ids[used % ids.length]));
    const part = `a${alias}: customers(ids: [${chunk.join(',')}]) { id }`;
    if (length + part.length > 1_000_000) break;
    parts.push(part);
    length += part.length;
  }
  return JSON.stringify({ query: `{ ${parts.join(' ')} }` });
}

async function run(mode: Mode): Promise<void> {
  const started = performance.now();
  const population = generatePopulation({ seed: 42, size: mode.size, now: new Date('2026-11-01T00:00:00Z') });
  const demo = await startDemoSilos({ population });
  const crmIds = population.crm.contacts.map((c) => `crm:${c.id}`);
  const gateway = new Gateway(demo.silos);
  let huge: Server | null = null;
  try {
    await gateway.start();
    const graphql = () => gateway.url;

    // 1. Concurrent ~1 MB customers(ids:) requests.
    {
      resetCalls(demo);
      const body = aliasedCustomers(crmIds, mode.idsPerRequest);
      const answers = await Promise.all([...Array(mode.customersRequests)].map(() => post(graphql(), body, mode.timeoutMs)));
      const usage = await gateway.usage();
      line(
        'customers-1mb',
        `${mode.customersRequests} concurrent aliased customers(ids:) of ${Math.round(Buffer.byteLength(body) / 1024)} KB: status ${answers.map((a) => a.status).join(',')} code ${codeOf(answers[0]!)}, ` +
          `${Math.max(...answers.map((a) => a.ms))} ms, gateway peak RSS ${mib(usage?.peakRssBytes)}, ${siloCalls(demo)} silo calls`,
      );
      if (answers.some((a) => a.status === 'timeout') || usage === null) await gateway.restart();
    }

    // 2. Many aliased customer(id:) in one request, and how long another client waits meanwhile.
    {
      resetCalls(demo);
      const aliases = [...Array(mode.aliases)].map((_, i) => `c${i}: customer(id: ${JSON.stringify(crmIds[i % crmIds.length])}) { id }`);
      const body = JSON.stringify({ query: `{ ${aliases.join(' ')} }` });
      const heavy = post(graphql(), body, mode.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const other = await post(graphql(), JSON.stringify({ query: '{ __typename }' }), mode.timeoutMs);
      const answer = await heavy;
      line(
        'aliased-customer',
        `${mode.aliases} aliased customer(id:) in ${Math.round(Buffer.byteLength(body) / 1024)} KB: status ${answer.status} code ${codeOf(answer)}, ${answer.ms} ms, ` +
          `${siloCalls(demo)} silo calls, another client's { __typename } waited ${other.ms} ms (status ${other.status})`,
      );
      if (answer.status === 'timeout') await gateway.restart();
    }

    // 3. A very long email: value.
    {
      resetCalls(demo);
      const email = `${'a'.repeat(mode.emailBytes - 12)}@example.com`;
      const answer = await post(graphql(), JSON.stringify({ query: 'query ($id: ID!) { customer(id: $id) { id } }', variables: { id: `email:${email}` } }), mode.timeoutMs);
      line('long-email', `email: of ${Math.round(mode.emailBytes / 1024)} KB: status ${answer.status} code ${codeOf(answer)}, ${answer.ms} ms, answer ${answer.bytes} bytes, ${siloCalls(demo)} silo calls`);
    }

    // 4. A very long golden id.
    {
      resetCalls(demo);
      const id = `cus_${'A'.repeat(mode.goldenBytes)}`;
      const answer = await post(graphql(), JSON.stringify({ query: 'query ($id: ID!) { customer(id: $id) { id } }', variables: { id } }), mode.timeoutMs);
      line('long-golden-id', `golden id of ${Math.round(mode.goldenBytes / 1024)} KB: status ${answer.status} code ${codeOf(answer)}, answer ${answer.bytes} bytes, ${siloCalls(demo)} silo calls`);
    }

    // 5. /health hit as fast as 20 clients can, for a number of hits or seconds.
    {
      resetCalls(demo);
      const health = graphql().replace(/graphql$/, 'health');
      const until = performance.now() + mode.healthSeconds * 1000;
      let hits = 0;
      let failed = 0;
      await Promise.all(
        [...Array(20)].map(async () => {
          while (hits < mode.healthHits && performance.now() < until) {
            hits += 1;
            const res = await fetch(health, { signal: AbortSignal.timeout(mode.timeoutMs) }).catch(() => null);
            if (res) await res.arrayBuffer();
            if (!res || res.status !== 200) failed += 1;
          }
        }),
      );
      const perSilo = SOURCES.map((s) => `${s} ${demo.simulators[s].stats().requests}`).join(', ');
      line('health-hits', `${hits} /health hits in ${Math.round((performance.now() - (until - mode.healthSeconds * 1000)) / 100) / 10} s (${failed} not 200): silo calls ${perSilo}`);
    }

    // 6. Throughput at 20 concurrent clients, healthy, then with loyalty hung.
    {
      const query = 'query ($id: ID!) { customer(id: $id) { crm { firstName } loyalty { tier } commerce { ordersCount } } }';
      // The same 100 customers throughout, resolved once before: both rounds measure warm requests.
      const ids = crmIds.slice(0, 100);
      for (let i = 0; i < ids.length; i += 50) {
        await post(graphql(), JSON.stringify({ query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id } }', variables: { ids: ids.slice(i, i + 50) } }), mode.timeoutMs);
      }
      const measure = async (): Promise<{ rps: number; failed: number }> => {
        const until = performance.now() + mode.throughputSeconds * 1000;
        let done = 0;
        let failed = 0;
        let next = 0;
        await Promise.all(
          [...Array(20)].map(async () => {
            while (performance.now() < until) {
              const id = ids[next++ % ids.length];
              const answer = await post(graphql(), JSON.stringify({ query, variables: { id } }), mode.timeoutMs);
              if (answer.status === 200) done += 1;
              else failed += 1;
            }
          }),
        );
        return { rps: Math.round(done / mode.throughputSeconds), failed };
      };
      const healthy = await measure();
      await demo.simulators.loyalty.setFault({ kind: 'hang' });
      // The issue's figure is the throughput once the breaker is open: the same load runs until
      // an answer says so (the first wave of timeouts, one LOYALTY_TIMEOUT_MS in, with the default
      // breaker window), and how long that took is printed.
      const hangStarted = performance.now();
      let opened = false;
      await Promise.all(
        [...Array(20)].map(async (_, c) => {
          while (!opened && performance.now() - hangStarted < mode.breakerWaitSeconds * 1000) {
            const answer = await post(graphql(), JSON.stringify({ query, variables: { id: ids[c % ids.length] } }), mode.timeoutMs);
            if (answer.body.includes('circuit breaker is open')) opened = true;
          }
        }),
      );
      const openedAfterS = Math.round((performance.now() - hangStarted) / 100) / 10;
      const hung = await measure();
      await demo.simulators.loyalty.setFault({ kind: 'none' });
      line(
        'throughput',
        `20 concurrent clients: healthy ${healthy.rps} req/s, loyalty hung ${hung.rps} req/s once its breaker ${opened ? `opened (after ${openedAfterS} s)` : `had not opened in ${openedAfterS} s`} ` +
          `(${Math.round((hung.rps / Math.max(1, healthy.rps)) * 100)}% of healthy; non-200: ${healthy.failed}, ${hung.failed})`,
      );
    }

    // 7. A subscription operation.
    {
      resetCalls(demo);
      const answer = await post(graphql(), JSON.stringify({ query: 'subscription { customer(id: "crm:1") { id } }' }), mode.timeoutMs);
      line('subscription', `subscription operation: status ${answer.status} code ${codeOf(answer)}, ${siloCalls(demo)} silo calls`);
    }
    // 8. A silo answering a huge body: analytics is pointed at a server that sends one.
    {
      const bytes = mode.siloBodyMB * 1024 * 1024;
      huge = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes + 4) });
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        res.write('["');
        let sent = 0;
        const pump = (): void => {
          while (sent < bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('"]');
        };
        pump();
      });
      await new Promise<void>((resolve) => huge!.listen(0, '127.0.0.1', resolve));
      const hugeUrl = `http://127.0.0.1:${(huge.address() as AddressInfo).port}`;
      // Last case: the gateway of the other cases is stopped for good.
      await gateway.stop();
      const pointed = new Gateway({ ...demo.silos, analytics: { ...demo.silos.analytics, baseUrl: hugeUrl } });
      await pointed.start();
      try {
        const visitor = population.analytics.visits[0]?.visitorId ?? 'unknown';
        const answer = await post(pointed.url, JSON.stringify({ query: `{ customer(id: ${JSON.stringify(`analytics:${visitor}`)}) { id analytics { id } } }` }), mode.timeoutMs);
        const usage = await pointed.usage();
        line('silo-body', `analytics answering ${mode.siloBodyMB} MB: status ${answer.status} code ${codeOf(answer)}, ${answer.ms} ms, gateway peak RSS ${mib(usage?.peakRssBytes)}`);
      } finally {
        await pointed.stop();
      }
    }

  } finally {
    await gateway.stop();
    await new Promise<void>((resolve) => (huge ? huge.close(() => resolve()) : resolve()));
    huge?.closeAllConnections();
    await demo.close();
  }
  console.log(`attack done in ${Math.round((performance.now() - started) / 1000)} s`);
}

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
run(values.smoke ? MODES.smoke : MODES.full).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`attack failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
