/**
 * The floor: a hand-written node:http handler that answers the bench's question (the profile of a
 * customer, with loyalty tier and last 5 orders) with the same upstream calls the gateway's
 * connectors make on a warm request, over undici Pools with the same settings
 * (connectors/shared/silo-http.ts) and the same parallelism, merging the JSON by hand. No GraphQL,
 * no identity layer, no shape checks beyond what it needs: the least work that gets the same
 * answer, so that the gateway's throughput and latency can be read against it.
 *
 * The calls, as the gateway makes them once the customer's links are cached:
 *   CRM       POST /crm/v3/objects/contacts/batch/read            (contact)
 *   loyalty   GET  /api/{store}/member?customerId=…                (member; tier names cached 5 min)
 *   shop      GET  customers.json?ids=…  ->  orders.json?customer_id=…&limit=5
 * the three silos in parallel, the shop's two in sequence.
 *
 * Which records are this customer's: the floor is given the id mapping from the population's
 * ground truth (crm id -> loyalty member id, shop customer id), the way the gateway's identity
 * cache knows the cluster's record ids on a warm request. It still calls every silo live for
 * the data. *
 * The same server answers the journey question on `/journey` (journey-floor.ts) and the
 * personalization question on `/personalization?ids=crm:1,crm:2,...` (personalization-floor.ts),
 * through the gateway's connectors built here once.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import { BATCH_READ_PATH, CONTACT_PROPERTIES } from '../connectors/crm/hubspot.js';
import { CallDeadline } from '../connectors/shared/silo-http.js';
import { ACCESS_TOKEN_HEADER, adminPath } from '../connectors/commerce/api.js';
import { LOGIN_PATH, MAX_ITEMS_ON_PAGE, storePath } from '../connectors/loyalty/api.js';
import type { GatewayConfig } from '../src/server/config.js';
import { encodeGoldenId } from '../src/identity/golden-id.js';
import { closeSiloConnectors, createSiloConnectors } from '../src/server/silos.js';
import { createLogger } from '../src/shared/logger.js';
import { journeyFloor } from './journey-floor.js';
import { startJourneyFloorThroughGraphql } from './journey-floor-graphql.js';
import { personalizationFloor, type PersonalizationSettings } from './personalization-floor.js';
import type { BenchPerson } from './shared.js';

// The field lists of connectors/commerce/client.ts (not exported there), so that the shop
// answers the floor with the same bytes it sends the gateway.
const CUSTOMER_FIELDS =
  'id,email,phone,first_name,last_name,default_address,orders_count,total_spent,currency,email_marketing_consent,tags,created_at,updated_at';
const ORDER_FIELDS = 'id,name,created_at,total_price,currency,financial_status,line_items';
const TIER_CACHE_MS = 5 * 60_000;
/** The question's `orders(limit: 5)`. */
const ORDERS = 5;

export interface Floor {
  /** The profile question: GET <url>?id=crm:<id>. */
  url: string;
  /** The journey question (journey-floor.ts): GET <journeyUrl>?id=crm:<id>. */
  journeyUrl: string;
  /** The personalization question (personalization-floor.ts): GET <personalizationUrl>?ids=crm:<id>,crm:<id>,... */
  personalizationUrl: string;
  /** Requests answered with a 5xx (a silo failed). */
  failures(): number;
  close(): Promise<void>;
}

interface Upstream {
  pool: Pool;
  timeoutMs: number;
}

/** The same Pool settings as SiloHttp. */
function upstream(endpoint: { baseUrl: string; timeoutMs: number; connections: number }): Upstream {
  const pool = new Pool(new URL(endpoint.baseUrl).origin, {
    connections: endpoint.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connectTimeout: endpoint.timeoutMs,
    headersTimeout: endpoint.timeoutMs,
    bodyTimeout: endpoint.timeoutMs,
  });
  return { pool, timeoutMs: endpoint.timeoutMs };
}

async function call(
  up: Upstream,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  json?: unknown,
): Promise<any> {
  // The same per-call deadline the connectors set, by the same cheap means: any real handler needs one.
  const deadline = new CallDeadline(up.timeoutMs);
  let res: Dispatcher.ResponseData;
  let text: string;
  try {
    res = await up.pool.request({
      method,
      path,
      headers: json === undefined ? { accept: 'application/json', ...headers } : { accept: 'application/json', 'content-type': 'application/json', ...headers },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: deadline,
    });
    text = await res.body.text();
  } finally {
    deadline.clear();
  }
  if (res.statusCode >= 300 && res.statusCode !== 207) throw new Error(`${method} ${path.split('?')[0]} answered ${res.statusCode}`);
  return JSON.parse(text);
}

function query(params: Record<string, string | number>): string {
  return '?' + new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/** Keeps the main thread busy for `ms` milliseconds of wall time (the process alone on its core: as much CPU). */
/** Where {@link spin}'s arithmetic goes, so that the loop is not optimized away. */
let spinSink = 0;

/**
 * Spends `ms` of CPU on the main thread, allocating nothing: whole-number arithmetic, with the
 * clock read every 10,000 steps (a few µs). Reading it every step, as this did before, made a
 * heap number a read, some 400 KiB an answer at 1 ms: the copy then ran 1.4 times the floor's
 * scavenges, and the control measured allocation as well as CPU.
 */
function spin(ms: number): void {
  const until = performance.now() + ms;
  let x = spinSink;
  do {
    for (let i = 0; i < 10_000; i += 1) x = (x + i) | 0;
  } while (performance.now() < until);
  spinSink = x;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export async function startFloor(options: {
  silos: GatewayConfig['silos'];
  persons: readonly BenchPerson[];
  /** The model, segments and settings of the personalization question; without them `/personalization` answers 404. */
  personalization: PersonalizationSettings | null;
  /**
   * Milliseconds of CPU (a busy loop on the main thread) added to every journey answer before it
   * is sent: 0 but in the bench's control (`--control-cpu-ms`), which reads what so much more CPU
   * per request costs at the p99 of the same code.
   */
  journeyExtraCpuMs?: number;
  /**
   * Answer the journey question through Apollo Server and graphql-js (journey-floor-graphql.ts):
   * false but for the bench's `floor-graphql` (`--graphql-floor`), which reads what the GraphQL
   * layer alone costs at the p99.
   */
  journeyThroughGraphql?: boolean;
}): Promise<Floor> {
  const { silos } = options;
  const extraCpuMs = options.journeyExtraCpuMs ?? 0;
  const byCrmId = new Map(options.persons.map((p) => [p.crm, p]));
  const crm = upstream(silos.crm);
  const loyalty = upstream(silos.loyalty);
  const shop = upstream(silos.commerce);
  const crmHeaders = { authorization: `Bearer ${silos.crm.accessToken}` };
  const shopHeaders = { [ACCESS_TOKEN_HEADER]: silos.commerce.accessToken };
  const shopPath = (resource: string): string => new URL(silos.commerce.baseUrl).pathname.replace(/\/$/, '') + adminPath(silos.commerce.apiVersion, resource);
  const memberPath = storePath(silos.loyalty.storeCode, 'member');

  const login = (await call(loyalty, 'POST', LOGIN_PATH, {}, { username: silos.loyalty.username, password: silos.loyalty.password })) as { token: string };
  const loyaltyHeaders = { authorization: `Bearer ${login.token}` };
  let tiers: { names: Map<string, string>; until: number } | null = null;
  async function tierNames(): Promise<Map<string, string>> {
    if (tiers && Date.now() < tiers.until) return tiers.names;
    const body = await call(loyalty, 'GET', storePath(silos.loyalty.storeCode, 'tier') + query({ _page: 1, _itemsOnPage: MAX_ITEMS_ON_PAGE }), loyaltyHeaders);
    tiers = { names: new Map(body.items.map((t: { levelId: string; name: string }) => [t.levelId, t.name])), until: Date.now() + TIER_CACHE_MS };
    return tiers.names;
  }
  await tierNames();
  // The journey question's calls go through the gateway's own connectors (journey-floor.ts says why).
  // Their circuit breakers' changes go to stderr, as the gateway child's do: an opening explains a run's failures.
  const connectors = createSiloConnectors(silos, { logger: createLogger('warn', (line) => process.stderr.write(`[floor] ${line}\n`)) });
  const cursorSecret = randomBytes(32);
  const personalize = options.personalization ? personalizationFloor(connectors, options.personalization) : null;
  const throughGraphql = options.journeyThroughGraphql ? await startJourneyFloorThroughGraphql(connectors, cursorSecret) : null;

  async function contact(id: string): Promise<unknown[]> {
    const body = await call(crm, 'POST', BATCH_READ_PATH, crmHeaders, { properties: CONTACT_PROPERTIES, inputs: [{ id }] });
    return body.results.map((c: { properties: Record<string, unknown> }) => ({
      firstName: nonEmpty(c.properties.firstname),
      lastName: nonEmpty(c.properties.lastname),
      email: nonEmpty(c.properties.email),
    }));
  }

  async function member(id: string): Promise<unknown[]> {
    const [body, names] = await Promise.all([
      call(loyalty, 'GET', memberPath + query({ customerId: id, _page: 1, _itemsOnPage: MAX_ITEMS_ON_PAGE }), loyaltyHeaders),
      tierNames(),
    ]);
    return body.items.map((m: { levelId?: string | null }) => ({ tier: m.levelId ? (names.get(m.levelId) ?? null) : null }));
  }

  async function shopCustomer(id: string): Promise<unknown[]> {
    const customers = await call(shop, 'GET', shopPath('customers') + query({ ids: id, limit: 1, fields: CUSTOMER_FIELDS }), shopHeaders);
    if (customers.customers.length === 0) return [];
    const { orders } = await call(
      shop,
      'GET',
      shopPath('orders') + query({ customer_id: id, status: 'any', order: 'created_at desc', limit: ORDERS, fields: ORDER_FIELDS }),
      shopHeaders,
    );
    type Order = { name: string; created_at: string; total_price: string };
    const newest = (orders as Order[])
      .map((o) => ({ name: o.name, createdAt: new Date(o.created_at).toISOString(), totalPrice: Number(o.total_price) }))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return [{ orders: newest }];
  }

  let failures = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://floor');
    const sendText = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const send = (status: number, body: unknown): void => sendText(status, JSON.stringify(body));
    if (url.pathname === '/personalization') {
      const persons = (url.searchParams.get('ids') ?? '').split(',').map((id) => (id.startsWith('crm:') ? byCrmId.get(id.slice(4)) : undefined));
      if (!personalize || persons.some((p) => p === undefined)) {
        send(404, { data: { customers: null } });
        return;
      }
      personalize(persons as BenchPerson[]).then(
        (customers) => send(200, { data: { customers } }),
        (error: unknown) => {
          failures += 1;
          send(502, { errors: [{ message: (error as Error).message }] });
        },
      );
      return;
    }
    const id = url.searchParams.get('id') ?? '';
    const person = id.startsWith('crm:') ? byCrmId.get(id.slice(4)) : undefined;
    if (!person) {
      send(404, { data: { customer: null } });
      return;
    }
    const goldenId = encodeGoldenId({ source: 'crm', id: person.crm });
    if (url.pathname === '/journey') {
      // The floor's own answer, or the same answer passed through Apollo Server and graphql-js.
      const answer = throughGraphql
        ? throughGraphql.answer(person)
        : journeyFloor(connectors, person, goldenId, cursorSecret).then((customer) => JSON.stringify({ data: { customer } }));
      answer.then(
        (text) => {
          if (extraCpuMs > 0) spin(extraCpuMs);
          sendText(200, text);
        },
        (error: unknown) => {
          failures += 1;
          send(502, { errors: [{ message: (error as Error).message }] });
        },
      );
      return;
    }
    Promise.all([contact(person.crm), member(person.loyalty), shopCustomer(person.commerce)]).then(
      ([crmSection, loyaltySection, commerceSection]) =>
        send(200, {
          data: {
            customer: {
              id: goldenId,
              crm: crmSection,
              loyalty: loyaltySection,
              commerce: commerceSection,
            },
          },
        }),
      (error: unknown) => {
        failures += 1;
        send(502, { errors: [{ message: (error as Error).message }] });
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/customer`,
    journeyUrl: `${origin}/journey`,
    personalizationUrl: `${origin}/personalization`,
    failures: () => failures,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([crm.pool.close(), loyalty.pool.close(), shop.pool.close(), closeSiloConnectors(connectors), throughGraphql?.stop()]);
    },
  };
}
