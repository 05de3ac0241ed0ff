/**
 * `npm run bench:in-process`: what the gateway's own code costs per request, without HTTP and
 * without the silos' network. The gateway's core (Apollo Server, the resolvers, the identity
 * cache, the connectors) runs in this process; every silo call is answered from memory with the
 * answer the simulator gave the first time it was asked (record, then replay). Requests run one
 * after another, so the figures are CPU time per request of a warm, hot-cached process: a lower
 * bound of what the same work costs under load, where it runs 1.5 to 3 times slower.
 *
 * It prints, per selection of the bench's question, microseconds of CPU per request, and the
 * cost of each connector call alone; then the scoring of one customer, and the personalization
 * and journey questions through the gateway beside their floors' handlers (the journey floor also
 * through Apollo Server and graphql-js alone, journey-floor-graphql.ts), and the journey
 * question's garbage collection with requests in flight (silo answers replayed after 40 ms).
 * Read it as differences: what a section, the orders, or a connector adds; the three journey CPU
 * lines are measured in turns, so that none of them is favoured by its place in the order. It
 * runs through tsx (the benchmark's servers run compiled by tsc, compiled.ts): tsc's output
 * took 20% less CPU for all three in a scratch reading, so read the ratios, not the µs.
 * Options: --requests N (measured requests per line, default 20,000; a tenth of that for the
 * journey question).
 */
import { parseArgs } from 'node:util';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { parseGatewaySettings, type GatewaySettings } from '../src/server/config.js';
import { readFileSync } from 'node:fs';
import { createRequestContext, type GatewayServices, type RequestContext } from '../src/graphql/context.js';
import { requestController } from '../src/graphql/request-signal.js';
import { FULL_ACCESS } from '../src/access/scopes.js';
import { settledHistories, wholeHistories } from '../src/graphql/histories.js';
import { resolveCustomers } from '../src/graphql/resolve-customer.js';
import { clvPAlive, clvValue, customerClv } from '../src/insights/customer-clv.js';
import { customerLifecycle } from '../src/insights/lifecycle.js';
import { bgNbdInputs, purchaseHistory } from '../src/insights/purchase-history.js';
import { customerRfm } from '../src/insights/rfm.js';
import {
  clvFeatures,
  compileSegments,
  consentFeatures,
  journeyFeatures,
  lifecycleFeatures,
  loyaltyFeatures,
  rfmFeatures,
  segmentFeatures,
  segmentOutcome,
} from '../src/insights/segments/index.js';
import { JOURNEY_STREAMS } from '../src/journey/touchpoint.js';
import { fitLiveClvModel } from '../src/server/clv-sample.js';
import { startDemoSilos } from '../demo/silos.js';
import type { Source } from '../src/generated/graphql.js';
import { createLogger } from '../src/shared/logger.js';
import { generatePopulation } from '../demo/population/generate.js';
import { createGatewayCore } from '../src/server/server.js';
import { createSiloConnectors } from '../src/server/silos.js';
import { personalizationFloor, personalizationSettings } from './personalization-floor.js';
import { JOURNEY_QUERY, PERSONALIZATION_QUERY, type BenchPerson } from './shared.js';
import { journeyFloor } from './journey-floor.js';
import { startJourneyFloorThroughGraphql } from './journey-floor-graphql.js';
import { postInProcess } from './apollo-request.js';
import { gcPausesBetween, observeGc, usage } from './rpc.js';
import { percentile } from './load.js';
import { encodeGoldenId } from '../src/identity/golden-id.js';
import { goldenConsent } from '../src/golden/consent.js';

/**
 * A gateway request's context as the server builds it (server.ts): with a stop signal of its own,
 * which every silo call of the request listens to. The default (a signal never stopped) skips
 * that listening, which a served request pays for.
 */
function serverContext(services: GatewayServices): RequestContext {
  return createRequestContext(services, FULL_ACCESS, requestController().signal);
}

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

/** How long a replayed answer waits before it is given, in ms (0: at once). Changed between lines. */
interface ReplayLatency {
  ms: number;
}

/**
 * A dispatcher that asks the real simulator once per distinct request and answers every later
 * identical request from memory, after `latency.ms`. Only the part of undici's `request` the
 * connectors read is implemented: status, headers and a body read as text.
 */
function replayingDispatcher(origins: Record<Source, string>, latency: ReplayLatency): Dispatcher {
  const answers = new Map<string, Recorded>();
  // Each silo's API has its own path prefixes (HubSpot /crm and /communication-preferences, Open
  // Loyalty /api, Shopify /admin).
  const originOf = (path: string): string =>
    path.startsWith('/crm/') || path.startsWith('/communication-preferences/') ? origins.crm : path.startsWith('/api/') ? origins.loyalty : path.startsWith('/admin/') ? origins.commerce : origins.analytics;
  const replay = {
    async request(options: { method: string; path: string; headers?: Record<string, string>; body?: string }) {
      const key = `${options.method} ${options.path} ${options.body ?? ''}`;
      let answer = answers.get(key);
      if (!answer) {
        // A connection of its own each time (`reset`): between two recordings the process can
        // replay for minutes without turning to the event loop's socket events, and a kept-alive
        // connection the simulator closed meanwhile failed the next recording ("connection failed").
        const res = await undiciRequest(originOf(options.path) + options.path, { method: options.method as 'GET', headers: options.headers, body: options.body, reset: true });
        answer = { statusCode: res.statusCode, headers: res.headers, text: await res.body.text() };
        answers.set(key, answer);
      }
      if (latency.ms > 0) await new Promise((resolve) => setTimeout(resolve, latency.ms));
      const { statusCode, headers, text } = answer;
      // SiloHttp reads a body chunk by chunk (to stop at its size cap): one chunk here.
      const chunk = Buffer.from(text);
      return {
        statusCode,
        headers,
        body: {
          text: async () => text,
          destroy() {},
          async *[Symbol.asyncIterator]() {
            yield chunk;
          },
        },
      };
    },
    async close() {},
  };
  return replay as unknown as Dispatcher;
}

/**
 * Microseconds of this process's CPU per call of `fn`, after a warm-up of `warmUp` calls (by
 * default a quarter of `requests`, at least 200).
 */
async function cpuMicrosPer(fn: () => Promise<unknown>, requests: number, warmUp = Math.max(200, requests / 4)): Promise<number> {
  for (let i = 0; i < warmUp; i += 1) await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i += 1) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

/**
 * Microseconds of this process's CPU per call of each of `fns`, measured in turns: each warmed
 * with a quarter of `requests` (at least 200), then {@link TURNS} turns in which each makes a
 * {@link TURNS}th of `requests` in its turn.
 */
async function cpuMicrosInTurns(fns: ReadonlyArray<() => Promise<unknown>>, requests: number): Promise<number[]> {
  for (const fn of fns) for (let i = 0; i < Math.max(200, requests / 4); i += 1) await fn();
  const perTurn = Math.max(1, Math.round(requests / TURNS));
  const micros = fns.map(() => 0);
  for (let turn = 0; turn < TURNS; turn += 1) {
    for (const [i, fn] of fns.entries()) micros[i]! += (await cpuMicrosPer(fn, perTurn, 0)) * perTurn;
  }
  return micros.map((total) => total / (perTurn * TURNS));
}

/** How many turns cpuMicrosInTurns takes. */
const TURNS = 10;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`--requests takes a whole number, got "${values.requests}".`);

  const population = generatePopulation({ seed: 42, size: 500, now: new Date('2026-11-01T00:00:00Z') });
  const silos = await startDemoSilos({ population });
  const origins = Object.fromEntries((['crm', 'loyalty', 'commerce', 'analytics'] as const).map((s) => [s, silos.silos[s].baseUrl])) as Record<Source, string>;
  const latency: ReplayLatency = { ms: 0 };
  const connectors = createSiloConnectors(silos.silos, { dispatcher: replayingDispatcher(origins, latency) });
  const parsed = parseGatewaySettings({ env: { LOG_LEVEL: 'warn' } });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const { services, apollo } = await createGatewayCore({ settings: parsed.config, connectors, logger: createLogger('warn', (line) => process.stderr.write(`${line}\n`)) });

  const person = population.truth.find((t) => !t.household && (['crm', 'loyalty', 'commerce'] as const).every((s) => t.records.filter((r) => r.source === s).length === 1));
  if (!person) throw new Error('The population has no person with one CRM, loyalty and shop record.');
  const idOf = (source: Source): string => person.records.find((r) => r.source === source)!.id;
  const id = `crm:${idOf('crm')}`;

  const ask = (query: string) => async (): Promise<void> => {
    const body = await postInProcess(apollo, query, { id }, async () => serverContext(services));
    if (body.includes('"errors"')) throw new Error(`The gateway answered with errors: ${body}`);
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

  await measureInsights(services, ask, person, requests);
  await measurePersonalizationBatch(services, apollo, population, parsed.config, requests);
  await measureJourney(services, apollo, population, requests, latency);

  await apollo.stop();
  await silos.close();
}

/**
 * Calls of the pure scoring before it is measured: twice --requests, at least 200 and at most
 * 10,000. Scoring code no request ran before is interpreted, then compiled in tiers: on Node 20
 * its first 2,000 calls cost 4 to 15 times what it costs settled, which it is after about 4,000
 * (timed in blocks of 500 calls), and the compiler threads' CPU counts too. A serving process
 * scores every request: the budget is about the settled cost, so `--requests 5000` warms up
 * 10,000 calls, not a quarter of 5,000 as the GraphQL lines do.
 */
function scoringWarmUp(requests: number): number {
  return Math.min(10_000, Math.max(200, 2 * requests));
}

/**
 * Issue 14's budget: scoring (RFM, lifecycle, CLV and the 10 demo segments) adds at most 50 µs
 * of CPU per customer. Measured two ways for the bench's person: the pure scoring alone over
 * their merged history (read once), and the personalization question's fields through GraphQL
 * against `customer { id }` (the difference includes reading the histories from the replayed
 * silo answers).
 */
async function measureInsights(
  services: GatewayServices,
  ask: (query: string) => () => Promise<void>,
  person: { records: ReadonlyArray<{ source: Source; id: string }> },
  requests: number,
): Promise<void> {
  const { model } = await fitLiveClvModel(services, { size: 300, rfmWindowDays: services.insights.rfmWindowDays, random: seededRandom(7) });
  services.insights.clvModel = model;
  const compiled = compileSegments(JSON.parse(readFileSync(new URL('../demo/segments.json', import.meta.url), 'utf8')));
  if (!compiled.ok) throw new Error(compiled.errors.join('\n'));
  const segments = compiled.segments;
  services.insights.segments = segments;

  const ctx = createRequestContext(services);
  const crm = person.records.find((r) => r.source === 'crm')!;
  const [customer] = await resolveCustomers([{ kind: 'identifier', identifier: { type: 'crm', value: crm.id } }], ctx);
  if (!customer || customer instanceof Error) throw new Error('The bench person did not resolve.');
  const { touchpoints } = await settledHistories(wholeHistories(customer, ctx));
  const members = (await services.connectors.loyalty.fetchRecords(customer.records.filter((r) => r.source === 'loyalty').map((r) => r.id))).filter((m) => m !== null);
  const { insights } = services;
  const now = insights.now();
  let inSegments = 0;
  // The groups of features, apart from the journey's, from the other modules' answers (as
  // src/graphql/segments.ts builds them).
  const otherGroups = (lifecycle: { stage: string }, rfm: Parameters<typeof rfmFeatures>[0], clv: { value: number | null; pAlive: number | null }) => ({
    lifecycle: lifecycleFeatures({ stage: lifecycle.stage }),
    rfm: rfmFeatures(rfm),
    clv: clvFeatures(clv),
    loyalty: loyaltyFeatures(members),
    consent: consentFeatures({ crmContacts: null, loyaltyMembers: members, commerceCustomers: null }, goldenConsent({ crm: [], loyalty: members, commerce: [] })),
  });
  const score = async (): Promise<void> => {
    const history = purchaseHistory(touchpoints, { currency: 'EUR', timeZone: insights.timeZone });
    const inputs = bgNbdInputs(history, now);
    const clv = customerClv(model, inputs, history.currency, insights.valuation);
    const pAlive = clvPAlive(clv);
    const rfm = customerRfm(history, now, { windowDays: insights.rfmWindowDays, breakpoints: model.rfm });
    const lifecycle = customerLifecycle(history, now, { thresholds: insights.lifecycle, pAlive });
    const features = segmentFeatures({
      ...otherGroups(lifecycle, rfm, { value: clvValue(clv, 12), pAlive }),
      journey: journeyFeatures(touchpoints, { now, streams: JOURNEY_STREAMS, currency: 'EUR' }),
    });
    inSegments = segments.filter((segment) => segmentOutcome(segment, features) === 'in').length;
  };
  const scoring = await cpuMicrosPer(score, requests, scoringWarmUp(requests));
  process.stdout.write(
    `Scoring one customer (${touchpoints.length} touchpoints; RFM, lifecycle, 12-month CLV, ${segments.length} segments, in ${inSegments}), from the history already read:\n` +
      `${scoring.toFixed(1).padStart(8)} µs  (budget 50 µs)\n`,
  );
  // Its parts, to see where the time goes; they add up to the line above.
  const history = purchaseHistory(touchpoints, { currency: 'EUR', timeZone: insights.timeZone });
  const clv = customerClv(model, bgNbdInputs(history, now), history.currency, insights.valuation);
  const rfm = customerRfm(history, now, { windowDays: insights.rfmWindowDays, breakpoints: model.rfm });
  const lifecycle = customerLifecycle(history, now, { thresholds: insights.lifecycle, pAlive: clvPAlive(clv) });
  const clvInput = { value: clvValue(clv, 12), pAlive: clvPAlive(clv) };
  const features = segmentFeatures({ ...otherGroups(lifecycle, rfm, clvInput), journey: journeyFeatures(touchpoints, { now, streams: JOURNEY_STREAMS, currency: 'EUR' }) });
  const parts: Array<[string, () => unknown]> = [
    ['purchase history', () => purchaseHistory(touchpoints, { currency: 'EUR', timeZone: insights.timeZone })],
    ['RFM', () => customerRfm(history, now, { windowDays: insights.rfmWindowDays, breakpoints: model.rfm })],
    ['lifecycle', () => customerLifecycle(history, now, { thresholds: insights.lifecycle, pAlive: clvPAlive(clv) })],
    ['CLV: P(alive) and 12-month value', () => [customerClv(model, bgNbdInputs(history, now), history.currency, insights.valuation), clvPAlive(clv), clvValue(clv, 12)]],
    ['journey features', () => journeyFeatures(touchpoints, { now, streams: JOURNEY_STREAMS, currency: 'EUR' })],
    ['the other feature groups (lifecycle, RFM, CLV, loyalty, consent)', () => segmentFeatures(otherGroups(lifecycle, rfm, clvInput))],
    [`evaluating the ${segments.length} segments (CEL)`, () => segments.filter((segment) => segmentOutcome(segment, features) === 'in').length],
  ];
  for (const [name, part] of parts) process.stdout.write(`${(await cpuMicrosPer(async () => part(), requests, scoringWarmUp(requests))).toFixed(1).padStart(8)} µs    of which ${name}\n`);
  const base = await cpuMicrosPer(ask('query Profile($id: ID!) { customer(id: $id) { id } }'), requests);
  const question = await cpuMicrosPer(ask('query Profile($id: ID!) { customer(id: $id) { id lifecycle { stage } clv { value(months: 12) } segments { name } } }'), requests);
  process.stdout.write(`${question.toFixed(1).padStart(8)} µs  customer { id lifecycle { stage } clv { value(months: 12) } segments { name } } (${(question - base).toFixed(1)} µs over customer { id }, reading the histories included)\n`);
}

/**
 * The benchmark's personalization question (bench/shared.ts PERSONALIZATION_QUERY) for a batch
 * of 50 customers, through GraphQL, against the personalization floor's handler
 * (personalization-floor.ts) for the same batch in the same process: CPU per customer of each,
 * silo answers replayed. Run after measureInsights, which loads the model and the segments.
 */
async function measurePersonalizationBatch(
  services: GatewayServices,
  apollo: Awaited<ReturnType<typeof createGatewayCore>>['apollo'],
  population: ReturnType<typeof generatePopulation>,
  settings: GatewaySettings,
  requests: number,
): Promise<void> {
  const model = services.insights.clvModel;
  if (model === null) throw new Error('measureInsights loads the model first.');
  const persons = benchPersons(population).slice(0, 50);
  const ids = persons.map((p) => `crm:${p.crm}`);
  const gateway = async (): Promise<void> => {
    const body = await postInProcess(apollo, PERSONALIZATION_QUERY, { ids }, async () => serverContext(services));
    // A customer who refused profiling is null with CONSENT_REQUIRED, as the floor answers them: no other error.
    const errors = (JSON.parse(body) as { errors?: Array<{ extensions?: { code?: string } }> }).errors ?? [];
    if (errors.some((e) => e.extensions?.code !== 'CONSENT_REQUIRED')) throw new Error('The gateway answered the personalization question with errors.');
  };
  const answer = personalizationFloor(services.connectors, personalizationSettings(settings, model, services.insights.segments));
  // The floor's server sends its answer as JSON too.
  const floor = async (): Promise<void> => void JSON.stringify({ data: { customers: await answer(persons) } });
  // A batch costs some 50 single requests: fewer of them measure as long.
  const batches = Math.max(10, Math.round(requests / 50));
  const perCustomer = async (fn: () => Promise<void>): Promise<number> => (await cpuMicrosPer(fn, batches, batches)) / persons.length;
  const [g, f] = [await perCustomer(gateway), await perCustomer(floor)];
  process.stdout.write(
    `Personalization question for ${persons.length} customers (customers(ids:) { lifecycle { stage } clv { value(months: 12) } segments { name } }), per customer:\n` +
      `${g.toFixed(1).padStart(8)} µs  gateway\n${f.toFixed(1).padStart(8)} µs  floor (personalization-floor.ts, the same calls and figures without GraphQL)\n`,
  );
}

/**
 * The benchmark's journey question (bench/shared.ts JOURNEY_QUERY: the first 20 touchpoints and
 * the summary) through GraphQL, against the journey floor's handler (journey-floor.ts) in the
 * same process, for the same 50 customers in turn: CPU per request of each, silo answers
 * replayed. What the gateway adds here is what it adds at the bench's fixed rate, before any
 * queueing or garbage collection multiplies it (bench/README.md, "The journey question").
 */
async function measureJourney(
  services: GatewayServices,
  apollo: Awaited<ReturnType<typeof createGatewayCore>>['apollo'],
  population: ReturnType<typeof generatePopulation>,
  requests: number,
  latency: ReplayLatency,
): Promise<void> {
  const persons = benchPersons(population).slice(0, 50);
  let next = 0;
  const gateway = async (): Promise<void> => {
    const person = persons[next++ % persons.length]!;
    const body = await postInProcess(apollo, JOURNEY_QUERY, { id: `crm:${person.crm}` }, async () => serverContext(services));
    if (body.includes('"errors"')) throw new Error(`The gateway answered the journey question with errors: ${body.slice(0, 600)}`);
  };
  // The floor's server sends its answer as JSON too.
  const floor = async (): Promise<void> => {
    const person = persons[next++ % persons.length]!;
    void JSON.stringify({ data: { customer: await journeyFloor(services.connectors, person, encodeGoldenId({ source: 'crm', id: person.crm }), services.cursorKey) } });
  };
  // The floor's answer through Apollo Server and graphql-js: what the GraphQL layer alone adds.
  const throughGraphql = await startJourneyFloorThroughGraphql(services.connectors, services.cursorKey);
  const floorGraphql = async (): Promise<void> => void (await throughGraphql.answer(persons[next++ % persons.length]!));
  // A journey request costs some 30 profile requests: fewer of them measure as long.
  const journeyRequests = Math.max(20, Math.round(requests / 10));
  // In turns, so that neither the order nor a change of the host's speed during the line favours
  // one of them: each warmed first, then ten turns of a tenth each (measured one after another,
  // the first paid for compiling the code all three share).
  const [g, q, f] = (await cpuMicrosInTurns([gateway, floorGraphql, floor], journeyRequests)) as [number, number, number];
  process.stdout.write(
    `Journey question for ${persons.length} customers in turn (journey(first: 20) and journeySummary), per request:\n` +
      `${g.toFixed(1).padStart(8)} µs  gateway\n` +
      `${q.toFixed(1).padStart(8)} µs  floor through GraphQL (journey-floor-graphql.ts: the floor's answer through Apollo Server and graphql-js)\n` +
      `${f.toFixed(1).padStart(8)} µs  floor (journey-floor.ts, the same calls, touchpoints and cursors without GraphQL)\n`,
  );

  latency.ms = JOURNEY_GC_LATENCY_MS;
  const [gGc, qGc, fGc] = [await journeyGcPer1000(gateway, journeyRequests), await journeyGcPer1000(floorGraphql, journeyRequests), await journeyGcPer1000(floor, journeyRequests)];
  latency.ms = 0;
  await throughGraphql.stop();
  const gcLine = (gc: JourneyGc, who: string): string =>
    `${gc.scavenges.toFixed(1).padStart(8)} scavenges of ${gc.scavengeMs.toFixed(1)} ms, ${gc.majors.toFixed(1)} mark-compacts of ${gc.majorMs.toFixed(1)} ms: ${gc.totalMs.toFixed(0)} ms of GC; latency p50 ${gc.p50Ms.toFixed(1)}, p99 ${gc.p99Ms.toFixed(1)} ms  ${who}\n`;
  process.stdout.write(
    `Journey question with ${JOURNEY_GC_IN_FLIGHT} in flight, each silo answer after ${JOURNEY_GC_LATENCY_MS} ms, per 1,000 requests (the collections behind the p99 tax), and each request's time to its answer:\n` +
      gcLine(gGc, 'gateway') +
      gcLine(qGc, 'floor through GraphQL') +
      gcLine(fGc, 'floor'),
  );
}

/** Requests in flight at a time for the GC line: about what each contender has at the bench's journey fixed rate. */
const JOURNEY_GC_IN_FLIGHT = 4;
/** How long each replayed silo answer waits for the GC line, in ms: the bench's silos answer in 20 to 60 ms. */
const JOURNEY_GC_LATENCY_MS = 40;

/** Garbage collection per 1,000 requests: counts of pauses, their mean length in ms, and all GC pauses in ms. */
interface JourneyGc {
  scavenges: number;
  scavengeMs: number;
  majors: number;
  majorMs: number;
  totalMs: number;
  /** Each request's time from asking to its answer, in ms: the median and the 99th percentile. */
  p50Ms: number;
  p99Ms: number;
}

/**
 * The GC pauses `ask` causes with {@link JOURNEY_GC_IN_FLIGHT} requests in flight, after a
 * warm-up of a quarter as many: what the bench's fixed-rate rounds pay as latency. How often a
 * scavenge comes follows the bytes each request allocates; how long it lasts, what it finds
 * alive, mostly the requests in flight (bench/README.md, "The journey question").
 */
async function journeyGcPer1000(ask: () => Promise<void>, requests: number): Promise<JourneyGc> {
  const latencies: number[] = [];
  const run = async (count: number): Promise<void> => {
    let started = 0;
    await Promise.all(
      Array.from({ length: JOURNEY_GC_IN_FLIGHT }, async () => {
        while (started < count) {
          started += 1;
          const at = performance.now();
          await ask();
          latencies.push(performance.now() - at);
        }
      }),
    );
  };
  observeGc();
  await run(Math.max(JOURNEY_GC_IN_FLIGHT, Math.round(requests / 4)));
  latencies.length = 0;
  const before = usage();
  await run(requests);
  const after = usage();
  const per1000 = (value: number): number => (value * 1000) / requests;
  const { minor, major } = gcPausesBetween(before, after);
  return {
    scavenges: per1000(minor.count),
    scavengeMs: minor.count > 0 ? minor.totalMs / minor.count : 0,
    majors: per1000(major.count),
    majorMs: major.count > 0 ? major.totalMs / major.count : 0,
    totalMs: per1000(after.gcTotalMs - before.gcTotalMs),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** The population's people with exactly one CRM, loyalty and shop record, as the bench asks about them. */
function benchPersons(population: ReturnType<typeof generatePopulation>): BenchPerson[] {
  const recordOf = (records: ReadonlyArray<{ source: Source; id: string }>, source: Source): string => records.find((r) => r.source === source)!.id;
  return population.truth
    .filter((t) => !t.household && (['crm', 'loyalty', 'commerce'] as const).every((s) => t.records.filter((r) => r.source === s).length === 1))
    .map((t) => ({
      crm: recordOf(t.records, 'crm'),
      loyalty: recordOf(t.records, 'loyalty'),
      commerce: recordOf(t.records, 'commerce'),
      analytics: t.records.filter((r) => r.source === 'analytics').map((r) => r.id),
    }));
}

/** A seeded random whole number in [0, max) (mulberry32), so that the sample is the same every run. */
function seededRandom(seed: number): (max: number) => number {
  let state = seed >>> 0;
  return (max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
