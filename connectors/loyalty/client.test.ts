import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Pool, request } from 'undici';
import { generatePopulation } from '../../demo/population/generate.js';
import type { Population } from '../population.js';
import { CONTRACT_NOW, expectSourceError } from '../../test/contract/connector-contract.js';
import type { Simulator } from '../shared/simulator.js';
import type { FoundRecord } from '../types.js';
import { LOGIN_PATH } from './api.js';
import { createLoyaltyConnector, type LoyaltyConnector, type LoyaltyDeps } from './client.js';
import { createLoyaltySimulator, type LoyaltySimulatorOptions } from './simulator.js';
import {
  HEAVY_MEMBER,
  NEW_CARD,
  OLD_CARD,
  TEST_LEVELS,
  TEST_STORE_CODE,
  TIE_MEMBER,
  loyaltyTestPopulation,
  memberId,
  redemptionId,
  storedCard,
  storedEmail,
  storedPhone,
  transactionCount,
  transactionId,
} from './test-population.js';

const USERNAME = 'gateway@shop.example';
const PASSWORD = 'right-loyalty-password';

interface Silo {
  simulator: Simulator;
  baseUrl: string;
  connect(deps?: LoyaltyDeps): LoyaltyConnector;
  /** Requests the simulator received on one route since the last reset. */
  calls(route: string): number;
  close(): Promise<void>;
}

async function startSilo(options: Partial<LoyaltySimulatorOptions> = {}): Promise<Silo> {
  const simulator = createLoyaltySimulator({ population: loyaltyTestPopulation(), username: USERNAME, password: PASSWORD, ...options });
  const baseUrl = await simulator.listen();
  const connectors: LoyaltyConnector[] = [];
  return {
    simulator,
    baseUrl,
    connect(deps = {}) {
      const config = { baseUrl, storeCode: TEST_STORE_CODE, username: USERNAME, password: PASSWORD, timeoutMs: 2000, connections: 4 };
      const connector = createLoyaltyConnector(config, deps);
      connectors.push(connector);
      return connector;
    },
    calls: (route) => simulator.stats().byRoute[route] ?? 0,
    async close() {
      await Promise.all(connectors.map((c) => c.close()));
      await simulator.close();
    },
  };
}

/** Logs in to the simulator directly, as any HTTP client would. */
async function login(baseUrl: string, password = PASSWORD): Promise<{ status: number; body: unknown }> {
  const res = await request(`${baseUrl}${LOGIN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USERNAME, password }),
  });
  return { status: res.statusCode, body: await res.body.json() };
}

async function bearer(baseUrl: string): Promise<string> {
  return `Bearer ${((await login(baseUrl)).body as { token: string }).token}`;
}

async function get(baseUrl: string, path: string, authorization?: string): Promise<{ status: number; body: unknown }> {
  const res = await request(`${baseUrl}${path}`, { headers: authorization ? { authorization } : {} });
  return { status: res.statusCode, body: await res.body.json() };
}

/** A lookup by the card of member `n`: the cheapest authenticated call a test can make. */
function findCard(connector: LoyaltyConnector, n = 1): Promise<FoundRecord[]> {
  return connector.lookup([{ type: 'card', value: storedCard(n)! }]);
}

describe('loyalty connector', () => {
  let silo: Silo;
  let connector: LoyaltyConnector;

  beforeAll(async () => {
    silo = await startSilo();
    connector = silo.connect();
  });
  afterAll(() => silo.close());
  beforeEach(() => silo.simulator.resetStats());

  describe('members', () => {
    it('maps a member: tier by name, marketing consent from agreement2, dates in UTC', async () => {
      const [record] = await connector.fetchRecords([memberId(3)]);
      expect(record).toEqual({
        id: memberId(3),
        cardNumber: 'LC100003',
        email: 'Hugo.Thomas3@Example.COM',
        phone: '+33612000003',
        firstName: 'Hugo',
        lastName: 'Thomas',
        birthDate: '1963-04-13',
        address: { street: '3 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' },
        tier: 'Bronze',
        activePoints: 31.5,
        active: true,
        marketingConsent: false,
        dataProcessingConsent: null,
        createdAt: '2021-03-04T09:00:00.000Z',
        updatedAt: '2024-06-01T08:00:00.000Z',
      });
    });

    it('keeps what a member lacks as null, and a deactivated membership as inactive', async () => {
      const [noAddress, noEmail, oldCard] = await connector.fetchRecords([memberId(9), memberId(10), memberId(80)]);
      expect(noAddress).toMatchObject({ address: null, tier: 'Bronze' });
      expect(noEmail).toMatchObject({ email: null, tier: 'Silver' });
      expect(oldCard).toMatchObject({ active: false, tier: 'Gold', marketingConsent: true });
    });

    it('fetches a whole batch of members in one list call', async () => {
      const ids = Array.from({ length: 80 }, (_, i) => memberId(i + 1));
      const records = await connector.fetchRecords(ids);
      expect(records.map((r) => r?.id)).toEqual(ids);
      expect(silo.calls('member.list')).toBe(1);
    });

    it('reads the tier list once and reuses it', async () => {
      const fresh = silo.connect();
      await fresh.fetchRecords([memberId(1)]);
      await fresh.fetchRecords([memberId(2)]);
      expect(silo.calls('tier.list')).toBe(1);
    });
  });

  describe('lookups', () => {
    it('finds a member by card number, with every identifier it carries as stored', async () => {
      const found = await connector.lookup([{ type: 'card', value: storedCard(3)! }]);
      expect(found).toEqual([
        {
          source: 'loyalty',
          id: memberId(3),
          identifiers: [
            { type: 'loyalty', value: memberId(3) },
            { type: 'card', value: 'LC100003' },
            { type: 'email', value: 'Hugo.Thomas3@Example.COM' },
            // The address's country, which reads a national number.
            { type: 'phone', value: '+33612000003', country: 'FR' },
          ],
          name: { first: 'Hugo', last: 'Thomas' },
          matchedBy: [{ type: 'card', value: 'LC100003' }],
        },
      ]);
    });

    it('says which asked identifier found each member, as Open Loyalty compares: not one the member carries in a spelling no filter sent', async () => {
      const email = 'hugo.thomas3@example.com';
      const found = await connector.lookup([{ type: 'card', value: storedCard(3)! }, { type: 'email', value: email }, { type: 'email', value: 'nobody.here@example.com' }]);
      // The stored Hugo.Thomas3@Example.COM matches the filter without case.
      expect(found.map((r) => r.matchedBy)).toEqual([[{ type: 'card', value: 'LC100003' }, { type: 'email', value: email }]]);
    });

    it("gives each member's names as stored, accents kept: folding them is the gateway's job", async () => {
      const found = await connector.lookup([{ type: 'card', value: storedCard(2)! }, { type: 'card', value: storedCard(4)! }]);
      expect(found.map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: memberId(2), name: { first: 'Chloé', last: 'Dubois' } },
        { id: memberId(4), name: { first: 'Léa', last: 'Robert' } },
      ].sort((a, b) => a.id.localeCompare(b.id)));
    });

    it('finds emails stored with capitals or spaces from the form the gateway sends', async () => {
      const found = await connector.lookup([
        { type: 'email', value: 'hugo.thomas3@example.com' },
        { type: 'email', value: storedEmail(5)!.trim() },
      ]);
      expect(found.map((r) => r.id).sort()).toEqual([memberId(3), memberId(5)]);
      expect(found.find((r) => r.id === memberId(5))!.identifiers).toContainEqual({ type: 'email', value: storedEmail(5) });
    });

    it('finds both the old and the new account of a reissued card by phone and by email', async () => {
      const byPhone = await connector.lookup([{ type: 'phone', value: storedPhone(79)! }]);
      const byEmail = await connector.lookup([{ type: 'email', value: storedEmail(79)! }]);
      expect(byPhone.map((r) => r.id).sort()).toEqual([memberId(79), memberId(80)]);
      expect(byEmail.map((r) => r.id).sort()).toEqual([memberId(79), memberId(80)]);
    });

    it('returns a member found by several identifiers once', async () => {
      const found = await connector.lookup([
        { type: 'loyalty', value: memberId(5) },
        { type: 'card', value: storedCard(5)! },
        { type: 'phone', value: storedPhone(5)! },
      ]);
      expect(found.map((r) => r.id)).toEqual([memberId(5)]);
    });

    it('looks up 20 identifiers of one type in one call, each type in its own', async () => {
      const cards = Array.from({ length: 20 }, (_, i) => ({ type: 'card' as const, value: storedCard(i + 1) ?? 'LC-NONE' }));
      const phones = [{ type: 'phone' as const, value: storedPhone(1)! }];
      const found = await connector.lookup([...cards, ...phones]);
      expect(found.length).toBeGreaterThanOrEqual(19);
      expect(silo.calls('member.list')).toBe(2);
    });

    it('makes no call for nothing to look up', async () => {
      expect(await connector.lookup([])).toEqual([]);
      expect(await connector.fetchRecords([])).toEqual([]);
      expect(silo.simulator.stats().requests).toBe(0);
    });
  });

  describe('transactions', () => {
    it('returns one list per member in order, newest first, at most 100 each', async () => {
      const ids = [memberId(HEAVY_MEMBER), 'unknown-member', memberId(2), memberId(4)];
      const [heavy, unknown, two, four] = await connector.transactionsOf(ids, 100);
      expect(heavy).toHaveLength(100);
      expect(heavy![0]!.documentNumber).toBe(`R-${HEAVY_MEMBER}-${transactionCount(HEAVY_MEMBER) - 1}`);
      const times = heavy!.map((t) => t.purchasedAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(unknown).toEqual([]);
      expect(two!.map((t) => t.documentNumber)).toEqual(['R-2-1', 'R-2-0']);
      expect(four).toEqual([]);
    });

    it('maps a receipt and its lines', async () => {
      const [[latest]] = (await connector.transactionsOf([memberId(2)], 10)) as [[unknown]];
      expect(latest).toEqual({
        id: '7a000000-0000-4000-8000-000200000001',
        documentNumber: 'R-2-1',
        documentType: 'sell',
        purchasedAt: '2024-01-02T11:00:00.000Z',
        store: 'Lyon Part-Dieu',
        grossValue: 23.98,
        currency: 'EUR',
        lines: [{ sku: 'SKU-1', name: 'Product 1', category: 'bags', quantity: 2, unitPrice: 11.99 }],
      });
    });

    it('fetches the transactions of 30 members in one call', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => memberId(i + 2));
      const lists = await connector.transactionsOf(ids, 100);
      expect(lists.map((list) => list.length)).toEqual(ids.map((_, i) => transactionCount(i + 2)));
      expect(silo.calls('transaction.list')).toBe(1);
    });

    it('asks for `limit` per member of the batch only, and returns the newest `limit` of each', async () => {
      const pages: string[] = [];
      const pool = new Pool(silo.baseUrl);
      const dispatcher = pool.compose((dispatch) => (options, handler) => {
        if (options.path.includes('/transaction?')) pages.push(new URL(options.path, silo.baseUrl).searchParams.get('_itemsOnPage')!);
        return dispatch(options, handler);
      });
      try {
        const ids = [memberId(HEAVY_MEMBER), memberId(2), memberId(3)];
        const [heavy, two, three] = await silo.connect({ dispatcher }).transactionsOf(ids, 2);
        const [all] = await connector.transactionsOf([memberId(HEAVY_MEMBER)], 100);
        expect(heavy).toEqual(all!.slice(0, 2));
        expect(two!.map((t) => t.documentNumber)).toEqual(['R-2-1', 'R-2-0']);
        expect(three).toHaveLength(Math.min(2, transactionCount(3)));
        // Pages of 3 members x 2; the heavy member's receipts fill them all, so after one page
        // per member the two still short get a page of 2 of their own.
        expect(pages).toEqual(['6', '6', '6', '2', '2']);
      } finally {
        await pool.close();
      }
    });

    it('refuses a limit outside 1 to 100 before calling the program', async () => {
      await expect(connector.transactionsOf([memberId(2)], 0)).rejects.toThrow('transactionsOf takes a limit from 1 to 100, got 0.');
      await expect(connector.transactionsOf([memberId(2)], 101)).rejects.toThrow(RangeError);
      expect(silo.calls('transaction.list')).toBe(0);
    });
  });

  describe('simulator', () => {
    it('answers a list with items and totals, page by page', async () => {
      const query = `levelId=${TEST_LEVELS[2]!.levelId}&_itemsOnPage=5&_page=2`;
      const { status, body } = await get(silo.baseUrl, `/api/${TEST_STORE_CODE}/member?${query}`, await bearer(silo.baseUrl));
      expect(status).toBe(200);
      expect(body).toMatchObject({ total: { all: 80, filtered: 27 } });
      expect((body as { items: unknown[] }).items).toHaveLength(5);
    });

    it.each([
      ['_itemsOnPage=101', '_itemsOnPage'],
      ['_page=0', '_page'],
      ['_page=501', '_page'],
      ['email[like]=anna', 'email[like]'],
      ['nickname=anna', 'nickname'],
      ['_orderBy[firstName]=asc', '_orderBy[firstName]'],
      ['_orderBy[createdAt]=up', '_orderBy[createdAt]'],
    ])('refuses %s with a 400 naming the parameter', async (query, path) => {
      const { status, body } = await get(silo.baseUrl, `/api/${TEST_STORE_CODE}/member?${query}`, await bearer(silo.baseUrl));
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 400, errors: [{ path }] });
    });

    it('answers Open Loyalty 401s for a missing or forged token and for bad credentials', async () => {
      const path = `/api/${TEST_STORE_CODE}/member`;
      const forged = `${(await bearer(silo.baseUrl)).slice(0, -4)}AAAA`;
      expect(await get(silo.baseUrl, path)).toEqual({ status: 401, body: { code: 401, message: 'JWT Token not found' } });
      expect(await get(silo.baseUrl, path, forged)).toEqual({ status: 401, body: { code: 401, message: 'Invalid JWT Token' } });
      expect(await login(silo.baseUrl, 'nope')).toEqual({ status: 401, body: { code: 401, message: 'Invalid credentials.' } });
    });

    it('refuses a login without a password with a 400', async () => {
      const res = await request(`${silo.baseUrl}${LOGIN_PATH}`, { method: 'POST', body: JSON.stringify({ username: USERNAME }) });
      expect(res.statusCode).toBe(400);
      expect(await res.body.json()).toEqual({ code: 400, message: 'The key "password" must be provided.' });
    });

    it('answers 404 for an unknown member, store or path', async () => {
      const auth = await bearer(silo.baseUrl);
      const at = (path: string): Promise<{ status: number; body: unknown }> => get(silo.baseUrl, path, auth);
      expect((await at(`/api/${TEST_STORE_CODE}/member/${memberId(4)}`)).body).toMatchObject({ customerId: memberId(4) });
      expect(await at(`/api/${TEST_STORE_CODE}/member/nobody`)).toMatchObject({ status: 404, body: { code: 404 } });
      expect(await at('/api/OTHER/member')).toMatchObject({ status: 404, body: { code: 404 } });
      expect(await at('/api/nothing/here')).toMatchObject({ status: 404, body: { code: 404 } });
    });
  });
});

describe('loyalty connector, each test on a simulator of its own', () => {
  let silo: Silo | undefined;
  afterEach(async () => {
    await silo?.close();
    silo = undefined;
  });

  describe('authentication', () => {
    it('logs in once for concurrent calls, and reuses the token', async () => {
      silo = await startSilo();
      const connector = silo.connect();
      await Promise.all([
        connector.fetchRecords([memberId(1)]),
        findCard(connector, 2),
        connector.transactionsOf([memberId(3)], 10),
        connector.health(),
      ]);
      await connector.fetchRecords([memberId(4)]);
      expect(silo.calls('admin.loginCheck')).toBe(1);
    });

    // The client's clock is injected and moves only by `clientClockMs`; the simulator's is real.
    it.each([
      { when: 'shortly before its token expires, with no call refused', ttl: 3600, clientClockMs: 3580_000, realWaitMs: 0, listCalls: 2 },
      // Expiry is in whole seconds (iat floored): a 1 s token issued late in a second lived a few
      // ms, so the first call's own reads could be refused and log in a third time. A 2 s token
      // lives at least 1 s; the 2.1 s wait outlives it.
      { when: 'once when the API refuses a token it thought good', ttl: 2, clientClockMs: 0, realWaitMs: 2100, listCalls: 3 },
    ])('logs in again $when', async ({ ttl, clientClockMs, realWaitMs, listCalls }) => {
      silo = await startSilo({ tokenTtlSeconds: ttl });
      let clock = Date.now();
      const connector = silo.connect({ now: () => clock });
      await findCard(connector);
      clock += clientClockMs;
      await new Promise((resolve) => setTimeout(resolve, realWaitMs));
      expect(await findCard(connector)).toMatchObject([{ id: memberId(1) }]);
      expect(silo.calls('admin.loginCheck')).toBe(2);
      expect(silo.calls('member.list')).toBe(listCalls);
    });

    it('gives up as SOURCE_UNAVAILABLE when the new token is refused too', async () => {
      silo = await startSilo({ tokenTtlSeconds: 0 });
      const expired = await get(silo.baseUrl, `/api/${TEST_STORE_CODE}/member`, await bearer(silo.baseUrl));
      expect(expired).toEqual({ status: 401, body: { code: 401, message: 'Expired JWT Token' } });
      silo.simulator.resetStats();
      const error = await expectSourceError(findCard(silo.connect()));
      expect(error.code).toBe('SOURCE_UNAVAILABLE');
      expect(error.detail).toMatchObject({ operation: 'member.list', status: 401 });
      expect(silo.calls('admin.loginCheck')).toBe(2);
    });

    it('keeps the password out of a refused login error', async () => {
      silo = await startSilo({ password: 'another-password' });
      const error = await expectSourceError(silo.connect().fetchRecords([memberId(1)]));
      expect(error.code).toBe('SOURCE_UNAVAILABLE');
      expect(JSON.stringify([error.message, error.detail])).not.toContain(PASSWORD);
    });
  });

  describe('odd answers', () => {
    it('bounds the calls when one member has a long history crowding out the others', async () => {
      silo = await startSilo({ population: loyaltyTestPopulation({ heavyTransactions: 450 }) });
      const [heavy, two] = await silo.connect().transactionsOf([memberId(HEAVY_MEMBER), memberId(2)], 100);
      expect(heavy).toHaveLength(100);
      expect(two!.map((t) => t.documentNumber)).toEqual(['R-2-1', 'R-2-0']);
      // Two pages of the shared list, then one call of its own for the member still short.
      expect(silo.calls('transaction.list')).toBe(3);
    });

    it('reports a member without the documented shape as SOURCE_BAD_RESPONSE, naming the field, not the value', async () => {
      const population: Population = loyaltyTestPopulation();
      const odd = population.loyalty.members[0]!;
      (odd as unknown as Record<string, unknown>).activePoints = 'about 12 points';
      silo = await startSilo({ population });
      const error = await expectSourceError(silo.connect().fetchRecords([odd.customerId]));
      expect(error.code).toBe('SOURCE_BAD_RESPONSE');
      expect(error.detail).toMatchObject({ operation: 'member.list', problem: 'items[0].activePoints: expected number, received string' });
      expect(JSON.stringify(error)).not.toContain('about 12 points');
    });

    it('reports a tier list without the documented shape as SOURCE_BAD_RESPONSE of tier.list, naming the field, not the value', async () => {
      const population: Population = loyaltyTestPopulation();
      (population.loyalty.levels[0] as unknown as Record<string, unknown>).name = 40400;
      silo = await startSilo({ population });
      const error = await expectSourceError(silo.connect().fetchRecords([memberId(2)]), 'SOURCE_BAD_RESPONSE', 'loyalty');
      expect(error.detail).toMatchObject({ operation: 'tier.list', problem: 'items[0].name: expected string, received number' });
      expect(JSON.stringify(error)).not.toContain('40400');
    });

    it('reports a transaction whose purchase time is not a date-time as SOURCE_BAD_RESPONSE of transaction.list', async () => {
      const population: Population = loyaltyTestPopulation();
      const odd = population.loyalty.transactions.find((t) => t.customerId === memberId(2))!;
      odd.header.purchasedAt = 'yesterday at noon';
      silo = await startSilo({ population });
      const error = await expectSourceError(silo.connect().transactionsOf([memberId(2)], 5), 'SOURCE_BAD_RESPONSE', 'loyalty');
      expect(error.detail).toMatchObject({ operation: 'transaction.list' });
      expect(error.detail.problem).toMatch(/^items\[\d\]\.header\.purchasedAt: expected an ISO 8601 date-time$/);
      expect(JSON.stringify(error)).not.toContain('yesterday');
    });
  });
});

describe('loyalty journey reads', () => {
  let silo: Silo;
  let connector: LoyaltyConnector;
  /** The query of every transaction or redemption list call, as the simulator received it. */
  let queries: URLSearchParams[];
  let pool: Pool;

  beforeAll(async () => {
    silo = await startSilo();
    pool = new Pool(silo.baseUrl);
    const dispatcher = pool.compose((dispatch) => (options, handler) => {
      if (/\/(transaction|redemption)\?/.test(options.path)) queries.push(new URL(options.path, silo.baseUrl).searchParams);
      return dispatch(options, handler);
    });
    connector = silo.connect({ dispatcher });
  });
  afterAll(async () => {
    await silo.close();
    await pool.close();
  });
  beforeEach(() => {
    silo.simulator.resetStats();
    queries = [];
  });

  const tie = (k: number): string => transactionId(TIE_MEMBER, k);

  describe('transactionHistory', () => {
    it('orders receipts newest first and the receipts of one instant by id, whatever zone they were written in', async () => {
      const read = await connector.transactionHistory([memberId(TIE_MEMBER)], { limit: 10 });
      expect(read.items.map((t) => t.id)).toEqual([tie(100), tie(101), tie(102), tie(103), tie(104), tie(105)]);
      expect(read.items.map((t) => t.purchasedAt)).toEqual([...Array(5).fill('2024-03-01T10:00:00.000Z'), '2024-03-01T09:00:00.000Z']);
      expect(read.items.every((t) => t.recordId === memberId(TIE_MEMBER))).toBe(true);
      expect(read.exhausted).toBe(true);
    });

    it('asks the list by member, date bound, journey order and a page of limit + 5', async () => {
      await connector.transactionHistory([memberId(TIE_MEMBER)], { limit: 2, from: { at: Date.parse('2024-03-01T10:00:00Z'), id: tie(102) }, since: Date.parse('2024-01-01T00:00:00Z') });
      expect(queries.map((q) => Object.fromEntries(q))).toEqual([
        {
          customerId: memberId(TIE_MEMBER),
          'purchasedAt[gte]': '2024-01-01T00:00:00.000Z',
          'purchasedAt[lte]': '2024-03-01T10:00:00.000Z',
          '_orderBy[purchasedAt]': 'desc',
          '_orderBy[transactionId]': 'asc',
          _page: '1',
          _itemsOnPage: '7',
        },
      ]);
    });

    it('starts at `from`, included, among receipts of the same instant', async () => {
      const read = await connector.transactionHistory([memberId(TIE_MEMBER)], { limit: 2, from: { at: Date.parse('2024-03-01T10:00:00Z'), id: tie(102) } });
      expect(read.items.map((t) => t.id)).toEqual([tie(102), tie(103), tie(104), tie(105)]);
      expect(read.exhausted).toBe(true);
    });

    it('keeps within since and until, both included', async () => {
      const read = await connector.transactionHistory([memberId(HEAVY_MEMBER)], {
        limit: 20,
        since: Date.parse('2024-01-03T10:00:00Z'),
        until: Date.parse('2024-01-05T10:00:00Z'),
      });
      // Member 1's receipt k is on 1 January + k days at 10:00 UTC.
      expect(read.items.map((t) => t.documentNumber)).toEqual(['R-1-4', 'R-1-3', 'R-1-2']);
      expect(read.exhausted).toBe(true);
    });

    it('keeps the document types asked: returns, sales, or none without a call', async () => {
      const returns = await connector.transactionHistory([memberId(HEAVY_MEMBER)], { limit: 3, documentTypes: ['return'] });
      const sales = await connector.transactionHistory([memberId(HEAVY_MEMBER)], { limit: 3, documentTypes: ['sell'] });
      // Pages of 8: seven settle, the eighth's instant waits for the next read.
      expect(returns.items.map((t) => [t.documentNumber, t.documentType])).toEqual([
        ['R-1-129', 'return'], ['R-1-124', 'return'], ['R-1-119', 'return'], ['R-1-114', 'return'],
        ['R-1-109', 'return'], ['R-1-104', 'return'], ['R-1-99', 'return'],
      ]);
      expect(sales.items.map((t) => t.documentNumber)).toEqual(['R-1-128', 'R-1-127', 'R-1-126', 'R-1-125', 'R-1-123', 'R-1-122', 'R-1-121']);
      expect(queries.map((q) => q.get('documentType'))).toEqual(['return', 'sell']);
      queries = [];
      expect(await connector.transactionHistory([memberId(HEAVY_MEMBER)], { limit: 3, documentTypes: [] })).toEqual({ items: [], exhausted: true });
      expect(queries).toEqual([]);
    });

    it("merges an old and a new card's receipts in one order, with one call", async () => {
      const read = await connector.transactionHistory([memberId(NEW_CARD), memberId(OLD_CARD)], { limit: 10 });
      expect(read.items.map((t) => [t.purchasedAt, t.recordId === memberId(NEW_CARD) ? 'new' : 'old'])).toEqual([
        // 79's receipt 2 and 80's receipt 102 share an instant: by transaction id, 79's first.
        ['2024-01-03T16:00:00.000Z', 'new'],
        ['2024-01-03T16:00:00.000Z', 'old'],
        ['2024-01-02T16:00:00.000Z', 'new'],
        ['2024-01-02T12:00:00.000Z', 'old'],
        ['2024-01-01T20:00:00.000Z', 'old'],
        ['2024-01-01T16:00:00.000Z', 'new'],
      ]);
      expect(read.exhausted).toBe(true);
      expect(silo.calls('transaction.list')).toBe(1);
      expect(queries[0]!.get('customerId[in]')).toBe(`${memberId(NEW_CARD)},${memberId(OLD_CARD)}`);
    });

    it('says exhausted only when no receipt is left', async () => {
      expect((await connector.transactionHistory([memberId(3)], { limit: 3 })).exhausted).toBe(true);
      expect((await connector.transactionHistory([memberId(HEAVY_MEMBER)], { limit: 20 })).exhausted).toBe(false);
      expect(await connector.transactionHistory(['no-such-member'], { limit: 20 })).toEqual({ items: [], exhausted: true });
    });

    it('refuses a window outside its bounds before calling the program', async () => {
      await expect(connector.transactionHistory([memberId(2)], { limit: 0 })).rejects.toThrow('transactionHistory takes a limit from 1 to 250, got 0.');
      await expect(connector.transactionHistory([memberId(2)], { limit: 251 })).rejects.toThrow(RangeError);
      await expect(connector.redemptionHistory([memberId(2)], { limit: 5, since: Number.NaN })).rejects.toThrow('redemptionHistory takes "since" as milliseconds since the epoch, got NaN.');
      expect(silo.simulator.stats().requests).toBe(0);
    });

    it('reports a failing program as a SourceError of the transaction list', async () => {
      silo.simulator.setFault({ kind: 'error', status: 503 });
      try {
        const error = await expectSourceError(connector.transactionHistory([memberId(2)], { limit: 5 }));
        expect(error.code).toBe('SOURCE_UNAVAILABLE');
        expect(error.detail).toMatchObject({ operation: 'transaction.list', status: 503 });
      } finally {
        silo.simulator.setFault({ kind: 'none' });
      }
    });
  });

  describe('redemptionHistory', () => {
    it("maps an old and a new card's redeemed rewards in one order, with one call, leaving out the cancelled one", async () => {
      const read = await connector.redemptionHistory([memberId(NEW_CARD), memberId(OLD_CARD)], { limit: 10 });
      expect(read).toEqual({
        items: [
          // 14:30 in Paris is 12:30 UTC, the instant of the old card's redemption 5: by id, 3 first.
          { id: redemptionId(3), redeemedAt: '2024-05-10T12:30:00.000Z', reward: { name: '10 EUR voucher', costInPoints: 500, couponCode: 'VCH-10-AAA' }, store: 'Lyon Part-Dieu', recordId: memberId(NEW_CARD) },
          { id: redemptionId(5), redeemedAt: '2024-05-10T12:30:00.000Z', reward: { name: '5 EUR voucher', costInPoints: 250, couponCode: 'VCH-5-BBB' }, store: 'Lille Centre', recordId: memberId(OLD_CARD) },
          { id: redemptionId(2), redeemedAt: '2024-02-20T17:45:00.000Z', reward: { name: 'Free coffee', costInPoints: 50, couponCode: 'COF-1' }, store: 'Paris Opéra', recordId: memberId(NEW_CARD) },
          { id: redemptionId(1), redeemedAt: '2023-11-02T09:00:00.000Z', reward: { name: 'Tote bag', costInPoints: 300, couponCode: null }, store: null, recordId: memberId(OLD_CARD) },
        ],
        exhausted: true,
      });
      expect(silo.calls('redemption.list')).toBe(1);
      expect(Object.fromEntries(queries[0]!)).toEqual({
        'customerId[in]': `${memberId(NEW_CARD)},${memberId(OLD_CARD)}`,
        '_orderBy[redemptionDate]': 'desc',
        '_orderBy[issuedRewardId]': 'asc',
        _page: '1',
        _itemsOnPage: '15',
      });
    });

    it('starts at `from` and keeps within since and until', async () => {
      const read = await connector.redemptionHistory([memberId(NEW_CARD), memberId(OLD_CARD)], {
        limit: 1,
        from: { at: Date.parse('2024-05-10T12:30:00Z'), id: redemptionId(5) },
        since: Date.parse('2024-01-01T00:00:00Z'),
      });
      expect(read.items.map((r) => r.id)).toEqual([redemptionId(5), redemptionId(2)]);
      expect(read.exhausted).toBe(true);
      expect(queries[0]!.get('redemptionDate[gte]')).toBe('2024-01-01T00:00:00.000Z');
      expect(queries[0]!.get('redemptionDate[lte]')).toBe('2024-05-10T12:30:00.000Z');
    });

    it('reads a member without redemptions as an exhausted empty history', async () => {
      expect(await connector.redemptionHistory([memberId(3)], { limit: 5 })).toEqual({ items: [], exhausted: true });
    });
  });

  describe('simulator', () => {
    async function list(query: string): Promise<{ status: number; body: { items: Array<{ transactionId: string; header: { purchasedAt: string } }> } }> {
      return (await get(silo.baseUrl, `/api/${TEST_STORE_CODE}/transaction?${query}`, await bearer(silo.baseUrl))) as never;
    }

    it('answers an unsorted list in an order of its own, neither by date nor as stored', async () => {
      const { body } = await list(`customerId=${memberId(HEAVY_MEMBER)}&_itemsOnPage=100`);
      const times = body.items.map((t) => Date.parse(t.header.purchasedAt));
      expect(times).not.toEqual([...times].sort((a, b) => a - b));
      expect(times).not.toEqual([...times].sort((a, b) => b - a));
    });

    it('sorts by several keys and bounds by date, both ends included', async () => {
      const { body } = await list(`customerId=${memberId(TIE_MEMBER)}&purchasedAt[lte]=2024-03-01T10:00:00Z&purchasedAt[gte]=2024-03-01T11:00:00%2B01:00&_orderBy[purchasedAt]=desc&_orderBy[transactionId]=desc`);
      expect(body.items.map((t) => t.transactionId)).toEqual([tie(104), tie(103), tie(102), tie(101), tie(100)]);
    });

    it.each([
      ['purchasedAt[gt]=2024-01-01T00:00:00Z', 'purchasedAt[gt]'],
      ['purchasedAt=2024-01-01T00:00:00Z', 'purchasedAt'],
      ['purchasedAt[gte]=2024-01-01', 'purchasedAt[gte]'],
      ['_orderBy[documentNumber]=asc', '_orderBy[documentNumber]'],
    ])('refuses %s with a 400 naming the parameter', async (query, path) => {
      const { status, body } = await get(silo.baseUrl, `/api/${TEST_STORE_CODE}/transaction?${query}`, await bearer(silo.baseUrl));
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 400, errors: [{ path }] });
    });
  });
});

describe('loyalty journey reads of a 5,000-receipt member', () => {
  let silo: Silo;
  beforeAll(async () => {
    silo = await startSilo({ population: loyaltyTestPopulation({ heavyTransactions: 5000 }) });
  });
  afterAll(() => silo.close());

  it('costs one call per page of 20, each starting where the last one stopped', async () => {
    const connector = silo.connect();
    await connector.health();
    silo.simulator.resetStats();
    const firsts: string[] = [];
    let from: { at: number; id: string } | undefined;
    for (let page = 0; page < 5; page += 1) {
      const read = await connector.transactionHistory([memberId(HEAVY_MEMBER)], { limit: 20, ...(from ? { from } : {}) });
      expect(read.items.length).toBeGreaterThanOrEqual(20);
      expect(read.exhausted).toBe(false);
      firsts.push(read.items[0]!.documentNumber!);
      // The caller shows 20 and starts the next page at the 21st.
      const next = read.items[20]!;
      from = { at: Date.parse(next.purchasedAt), id: next.id };
    }
    expect(firsts).toEqual(['R-1-4999', 'R-1-4979', 'R-1-4959', 'R-1-4939', 'R-1-4919']);
    expect(silo.calls('transaction.list')).toBe(5);
  });
});

/** Every page of `recordIds(…, limit)`, from the first to the one with no `next`. */
async function allRecordIdPages(connector: LoyaltyConnector, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let page: string | null = null;
  do {
    const read: { ids: string[]; next: string | null } = await connector.recordIds(page, limit);
    pages.push(read.ids);
    page = read.next;
  } while (page !== null && pages.length < 1_000);
  return pages;
}

describe('loyalty recordIds (the population sample frame)', () => {
  let silo: Silo;
  let connector: LoyaltyConnector;
  beforeAll(async () => {
    silo = await startSilo();
    connector = silo.connect();
    // Log in once, so that the counts below are member list calls only.
    await connector.health();
  });
  afterAll(() => silo.close());
  beforeEach(() => silo.simulator.resetStats());
  afterEach(() => silo.simulator.setFault({ kind: 'none' }));

  it('reads every member once, page by page, newest member first and same-day members by id, one scroll call a page', async () => {
    const pages = await allRecordIdPages(connector, 30);
    expect(pages.map((ids) => ids.length)).toEqual([30, 30, 20]);
    const ids = pages.flat();
    // Member n joined on 2021-03-(1 + n % 28): 27 and 55 on the 28th, 26 and 54 on the 27th.
    expect(ids.slice(0, 4)).toEqual([memberId(27), memberId(55), memberId(26), memberId(54)]);
    expect(new Set(ids).size).toBe(80);
    expect([...ids].sort()).toEqual(Array.from({ length: 80 }, (_, i) => memberId(i + 1)));
    // Three pages, and the empty page that ends the scroll, read within the third.
    expect(silo.calls('member.list')).toBe(4);
  });

  it('answers the same page again for the same token: a token is a place, not a session', async () => {
    const first = await connector.recordIds(null, 10);
    const again = await connector.recordIds(first.next, 10);
    const twice = await connector.recordIds(first.next, 10);
    expect(twice).toEqual(again);
    expect(again.ids[0]).toBe(memberId(51));
    expect(again.ids).not.toContain(first.ids[9]);
  });

  it.each([0, 251, 2.5, Number.NaN])('refuses a limit of %s before any call', async (limit) => {
    await expect(connector.recordIds(null, limit)).rejects.toThrow(new RangeError(`recordIds takes a limit from 1 to 250, got ${limit}.`));
    expect(silo.calls('member.list')).toBe(0);
  });

  it('refuses an empty token before any call', async () => {
    await expect(connector.recordIds('', 10)).rejects.toThrow(RangeError);
    expect(silo.calls('member.list')).toBe(0);
  });

  it('reports the program down, failing or malformed as a SourceError of member.list', async () => {
    silo.simulator.setFault({ kind: 'error', status: 503 });
    const failing = await expectSourceError(connector.recordIds(null, 10), 'SOURCE_UNAVAILABLE', 'loyalty');
    expect(failing.detail).toMatchObject({ operation: 'member.list', status: 503 });
    silo.simulator.setFault({ kind: 'malformed' });
    await expectSourceError(connector.recordIds(null, 10), 'SOURCE_BAD_RESPONSE', 'loyalty');
    silo.simulator.setFault({ kind: 'down' });
    await expectSourceError(connector.recordIds(null, 10), 'SOURCE_UNAVAILABLE', 'loyalty');
  });

  it("reports a token the program refuses as the program's 400, SOURCE_BAD_RESPONSE", async () => {
    await expectSourceError(connector.recordIds('not-a-scroll-token', 10), 'SOURCE_BAD_RESPONSE', 'loyalty');
  });

  describe('simulator', () => {
    async function scroll(query: string): Promise<{ status: number; body: unknown }> {
      return get(silo.baseUrl, `/api/${TEST_STORE_CODE}/member?${query}`, await bearer(silo.baseUrl));
    }
    const idsOf = (body: unknown): string[] => (body as { items: Array<{ customerId: string }> }).items.map((m) => m.customerId);

    it('starts a scroll at `_scroll` with no value, pages of 10 by default, and ends with an empty page and an empty scroll', async () => {
      const first = await scroll('_scroll');
      expect(first.status).toBe(200);
      expect(idsOf(first.body)).toHaveLength(10);
      const next = (first.body as { scroll: { next: string } }).scroll.next;
      const rest = await scroll(`_scroll=${next}&_itemsOnPage=100`);
      expect(idsOf(rest.body)).toHaveLength(70);
      const end = await scroll(`_scroll=${(rest.body as { scroll: { next: string } }).scroll.next}`);
      expect(end).toEqual({ status: 200, body: { items: [], scroll: {} } });
    });

    it('ignores _page and _orderBy beside _scroll, as documented: a scroll is always newest first', async () => {
      const plain = await scroll('_scroll&_itemsOnPage=3');
      const asked = await scroll('_scroll&_itemsOnPage=3&_page=4&_orderBy[createdAt]=asc');
      expect(idsOf(asked.body)).toEqual(idsOf(plain.body));
      expect(idsOf(plain.body)).toEqual([memberId(27), memberId(55), memberId(26)]);
    });

    it.each([
      ['_scroll&email=a@b.example', 'email'],
      ['_scroll=forged', '_scroll'],
      ['_scroll&_itemsOnPage=101', '_itemsOnPage'],
    ])('refuses %s with a 400 naming the parameter', async (query, path) => {
      const { status, body } = await scroll(query);
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 400, errors: [{ path }] });
    });
  });
});

describe('loyalty recordIds over a generated population', () => {
  it("gives the population file's member ids, each once, whatever the page size; 250 a page chains calls of 100", async () => {
    const population = generatePopulation({ seed: 7, size: 200, now: CONTRACT_NOW });
    const silo = await startSilo({ population });
    try {
      const connector = silo.connect();
      const expected = population.loyalty.members.map((m) => m.customerId).sort();
      for (const limit of [7, 100]) {
        const ids = (await allRecordIdPages(connector, limit)).flat();
        expect(ids).toHaveLength(117);
        expect([...ids].sort()).toEqual(expected);
      }
      silo.simulator.resetStats();
      const pages = await allRecordIdPages(connector, 250);
      expect(pages.map((ids) => ids.length)).toEqual([117]);
      // 100, then 17 of the 100 asked, then the empty page that ends the scroll.
      expect(silo.calls('member.list')).toBe(3);
    } finally {
      await silo.close();
    }
  });
});
