/**
 * The loyalty connector and its simulator against Open Loyalty's own documentation: the
 * exchanges in fixtures/ (README.md, "Contract fixtures", lists each with its page).
 *
 * Two references are used, because neither alone shows every exchange the connector makes: the
 * current one (help.openloyalty.io), whose admin login is printed whole but whose list examples
 * could not be read, and the 4.x one (docs.openloyalty.io), which prints whole lists. The 4.x
 * member and level lists sit at other paths in other envelopes (`/api/{storeCode}/customer` with
 * `{ customers, total }`, `/api/{storeCode}/level` with `{ levels, total }`): the tests serve their documented
 * objects unchanged at the current paths, in the current `items` envelope with the documented
 * `total`. The transaction list is at the same path in both, and is served as documented.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { expectSourceError } from '../../test/contract/connector-contract.js';
import { loadVendorFixture, shapeDifferences, startVendorReplay, type VendorFixture, type VendorReplay } from '../../test/support/vendor-fixture.js';
import type { Simulator } from '../shared/simulator.js';
import { createLoyaltyConnector, type LoyaltyConnector } from './client.js';
import { createLoyaltySimulator } from './simulator.js';
import { HEAVY_MEMBER, NEW_CARD, OLD_CARD, TEST_STORE_CODE, loyaltyTestPopulation, memberId, storedCard } from './test-population.js';

const fixture = (name: string): VendorFixture => loadVendorFixture(new URL(`./fixtures/${name}`, import.meta.url));
const login = fixture('admin-login.json');
const members = fixture('members-4x.json');
const noMembers = fixture('members-4x-empty.json');
const transactions = fixture('transactions-4x.json');
const levels = fixture('levels-4x.json');
const formError = fixture('error-400-form.json');
const datedTransactions = fixture('transactions-dated.json');
const redemptions = fixture('redemptions-list.json');
const scrollFirst = fixture('members-scroll-first.json');
const scrollEnd = fixture('members-scroll-end.json');

/** The documented login's credentials, so that the client sends the documented request. */
const USERNAME = 'admin';
const PASSWORD = 'password';

/**
 * A 4.x list fixture served at the current path in the current envelope: the same documented
 * objects under `items`, with the documented `total`. Any query matches (the replay narrows by
 * the fixture's query, and this one has none).
 */
function atCurrentPath(f: VendorFixture, path: string, arrayKey: string): VendorFixture {
  const body = f.response.body as Record<string, unknown>;
  return { ...f, request: { ...f.request, path, query: {} }, response: { ...f.response, body: { items: body[arrayKey], total: body.total } } };
}

const memberList = atCurrentPath(members, `/api/${TEST_STORE_CODE}/member`, 'customers');
const emptyMemberList = atCurrentPath(noMembers, `/api/${TEST_STORE_CODE}/member`, 'customers');
const tierList = atCurrentPath(levels, `/api/${TEST_STORE_CODE}/tier`, 'levels');

describe('loyalty client against the Open Loyalty documentation', () => {
  let replay: VendorReplay | undefined;
  let connector: LoyaltyConnector | undefined;
  afterEach(async () => {
    await connector?.close();
    await replay?.close();
    connector = undefined;
    replay = undefined;
  });

  async function serve(fixtures: VendorFixture[]): Promise<{ replay: VendorReplay; connector: LoyaltyConnector }> {
    replay = await startVendorReplay(fixtures);
    connector = createLoyaltyConnector(
      { baseUrl: replay.url, storeCode: TEST_STORE_CODE, username: USERNAME, password: PASSWORD, timeoutMs: 2000, connections: 2, timeZone: 'Europe/Warsaw' },
      {},
    );
    return { replay, connector };
  }

  it('logs in as documented, then sends the documented token as a bearer on every call', async () => {
    const { replay, connector } = await serve([login, memberList]);
    await connector.lookup([{ type: 'card', value: '0000' }]);
    const [first, second] = replay.received;
    expect(first).toMatchObject({ method: 'POST', path: '/api/admin/login_check' });
    expect(first!.answeredBy?.about).toBe(login.about);
    expect(first!.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(first!.body)).toEqual({ username: 'admin', password: 'password' });
    expect(second!.answeredBy).not.toBeNull();
    expect(second!.headers.authorization).toBe('Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6...');
  });

  it('asks the member list by the documented filter and page parameters, and maps the documented members', async () => {
    const { replay, connector } = await serve([login, memberList]);
    const found = await connector.lookup([{ type: 'card', value: '0000' }]);
    const call = replay.received[1]!;
    expect(call.answeredBy).not.toBeNull();
    expect(call).toMatchObject({ method: 'GET', path: '/api/DEFAULT/member' });
    expect(call.query).toEqual({ loyaltyCardNumber: '0000', _page: '1', _itemsOnPage: '100' });
    // The replay answers both documented members whatever the filter; only Jane has card 0000.
    expect(found).toEqual([
      {
        source: 'loyalty',
        id: '00000000-0000-474c-b092-b0dd880c07e2',
        identifiers: [
          { type: 'loyalty', value: '00000000-0000-474c-b092-b0dd880c07e2' },
          { type: 'card', value: '0000' },
          { type: 'email', value: 'user-temp@example.com' },
          { type: 'phone', value: '111112222', country: 'PL' },
        ],
        name: { first: 'Jane', last: 'Doe' },
        matchedBy: [{ type: 'card', value: '0000' }],
      },
      {
        source: 'loyalty',
        id: '00000000-0000-474c-b092-b0dd880c07e1',
        identifiers: [
          { type: 'loyalty', value: '00000000-0000-474c-b092-b0dd880c07e1' },
          { type: 'email', value: 'user@example.com' },
          { type: 'phone', value: '11111' },
        ],
        name: { first: 'John', last: 'Doe' },
        matchedBy: [],
      },
    ]);
  });

  it('maps a documented member with its tier named from the documented level list', async () => {
    const { replay, connector } = await serve([login, memberList, tierList]);
    const [jane, john, nobody] = await connector.fetchRecords(['00000000-0000-474c-b092-b0dd880c07e2', '00000000-0000-474c-b092-b0dd880c07e1', 'not-a-member']);
    expect(replay.received.every((r) => r.answeredBy !== null)).toBe(true);
    expect(replay.received.map((r) => r.path).sort()).toEqual(['/api/DEFAULT/member', '/api/DEFAULT/tier', '/api/admin/login_check']);
    expect(jane).toEqual({
      id: '00000000-0000-474c-b092-b0dd880c07e2',
      cardNumber: '0000',
      email: 'user-temp@example.com',
      phone: '111112222',
      firstName: 'Jane',
      lastName: 'Doe',
      // 1990-09-11T02:00:00+0200 is midnight in Warsaw, the instance's zone here.
      birthDate: '1990-09-11',
      address: { street: 'Bagno', postalCode: '00-000', city: 'Warszawa', country: 'PL' },
      tier: 'Bronze',
      // The 4.x member carries no points (the reference shows them on the member's status).
      activePoints: null,
      active: true,
      marketingConsent: false,
      dataProcessingConsent: false,
      createdAt: '2016-08-08T08:53:14.000Z',
      updatedAt: '2018-02-02T10:23:18.000Z',
    });
    expect(john).toMatchObject({ active: false, address: null, cardNumber: null, tier: 'Bronze' });
    expect(nobody).toBeNull();
  });

  it('finds nobody in the documented empty page', async () => {
    const { replay, connector } = await serve([login, emptyMemberList]);
    expect(await connector.lookup([{ type: 'email', value: 'nobody@example.com' }])).toEqual([]);
    expect(replay.received[1]!.answeredBy).not.toBeNull();
  });

  it('asks the transaction list with the documented paging and sorting parameters, and maps the documented transactions', async () => {
    const { replay, connector } = await serve([login, transactions]);
    const [john, unknown] = await connector.transactionsOf(['00000000-0000-474c-b092-b0dd880c07e1', 'no-such-member'], 10);
    const call = replay.received[1]!;
    expect(call.answeredBy).not.toBeNull();
    expect(call).toMatchObject({ method: 'GET', path: '/api/DEFAULT/transaction' });
    expect(call.query).toEqual({
      'customerId[in]': '00000000-0000-474c-b092-b0dd880c07e1,no-such-member',
      '_orderBy[purchasedAt]': 'desc',
      _page: '1',
      _itemsOnPage: '20',
    });
    // total 2 and two items: the list ends on this page.
    expect(replay.received).toHaveLength(2);
    expect(john).toEqual([
      {
        id: '00000000-0000-1111-0000-000000000003',
        documentNumber: '456',
        documentType: 'sell',
        purchasedAt: '2018-02-20T08:45:04.000Z',
        store: 'wroclaw',
        grossValue: 3,
        currency: 'EUR',
        lines: [
          { sku: 'SKU1', name: 'item 1', category: 'aaa', quantity: 1, unitPrice: 1 },
          { sku: 'SKU2', name: 'item 2', category: 'bbb', quantity: 2, unitPrice: 1 },
        ],
      },
    ]);
    expect(unknown).toEqual([]);
  });

  it("reads a member's receipts for the journey with the dated query, and maps the current header form", async () => {
    const { replay, connector } = await serve([login, datedTransactions]);
    const read = await connector.transactionHistory(['00000000-0000-474c-b092-b0dd880c07e1'], {
      limit: 20,
      // 15:52:01 on the Warsaw clocks of the instance (CEST), the newest receipt.
      from: { at: Date.parse('2024-08-14T13:52:01Z'), id: '8f2c1b7e-5d3a-4c1e-9b0a-2e6f4d8c1a01' },
    });
    const call = replay.received[1]!;
    expect(call.answeredBy?.about).toBe(datedTransactions.about);
    expect(call.query).toEqual(datedTransactions.request.query);
    // Two items of 25 asked: the list ends on this page.
    expect(replay.received).toHaveLength(2);
    expect(read).toEqual({
      items: [
        {
          id: '8f2c1b7e-5d3a-4c1e-9b0a-2e6f4d8c1a01',
          documentNumber: 'FV/2024/08/001',
          documentType: 'sell',
          purchasedAt: '2024-08-14T13:52:01.000Z',
          store: 'Warszawa Centrum',
          grossValue: 120,
          currency: 'PLN',
          lines: [{ sku: '12AB', name: 'Sneakers', category: 'shoes', quantity: 1, unitPrice: 120 }],
          recordId: '00000000-0000-474c-b092-b0dd880c07e1',
        },
        {
          id: '8f2c1b7e-5d3a-4c1e-9b0a-2e6f4d8c1a00',
          documentNumber: 'FV/2024/07/031',
          documentType: 'return',
          purchasedAt: '2024-07-30T08:05:00.000Z',
          store: 'Warszawa Centrum',
          grossValue: 120,
          currency: 'PLN',
          lines: [{ sku: '12AB', name: 'Sneakers', category: 'shoes', quantity: 1, unitPrice: 120 }],
          recordId: '00000000-0000-474c-b092-b0dd880c07e1',
        },
      ],
      exhausted: true,
    });
  });

  it("reads two members' redeemed rewards with one query, and maps the export's fields", async () => {
    const { replay, connector } = await serve([login, redemptions]);
    const read = await connector.redemptionHistory(['00000000-0000-474c-b092-b0dd880c07e1', '00000000-0000-474c-b092-b0dd880c07e2'], { limit: 10 });
    const call = replay.received[1]!;
    expect(call.answeredBy?.about).toBe(redemptions.about);
    expect(call).toMatchObject({ method: 'GET', path: '/api/DEFAULT/redemption' });
    expect(call.query).toEqual(redemptions.request.query);
    expect(read).toEqual({
      items: [
        {
          id: '5e0c6b9a-1f43-4d1b-8d0e-7a2b9c3d4e02',
          redeemedAt: '2024-08-20T10:00:00.000Z',
          reward: { name: '10 PLN voucher', costInPoints: 500, couponCode: 'VCH-7Q2M' },
          store: 'Warszawa Centrum',
          recordId: '00000000-0000-474c-b092-b0dd880c07e2',
        },
        {
          id: '5e0c6b9a-1f43-4d1b-8d0e-7a2b9c3d4e01',
          redeemedAt: '2024-06-02T07:30:00.000Z',
          reward: { name: 'Tote bag', costInPoints: 300, couponCode: null },
          store: null,
          recordId: '00000000-0000-474c-b092-b0dd880c07e1',
        },
      ],
      exhausted: true,
    });
  });

  it('lists member ids through the documented scroll: _scroll with no value, then the scroll.next token as given, up to the empty end page', async () => {
    const { replay, connector } = await serve([login, scrollEnd, scrollFirst]);
    const read = await connector.recordIds(null, 10);
    expect(read).toEqual({ ids: ['00000000-0000-474c-b092-b0dd880c07e2', '00000000-0000-474c-b092-b0dd880c07e1'], next: null });
    const calls = replay.received.slice(1);
    expect(calls.map((call) => call.path)).toEqual(['/api/DEFAULT/member', '/api/DEFAULT/member']);
    expect(calls.map((call) => call.answeredBy?.about)).toEqual([scrollFirst.about, scrollEnd.about]);
    // Two of the 10 asked came: the rest is asked of the next page, which is the documented end.
    expect(calls.map((call) => call.query)).toEqual([
      { _scroll: '', _itemsOnPage: '10' },
      { _scroll: 'scrollTokenHere', _itemsOnPage: '8' },
    ]);
  });

  it('hands the documented scroll token out unchanged when a page is full, and reads the end from it', async () => {
    const { replay, connector } = await serve([login, scrollEnd, scrollFirst]);
    expect(await connector.recordIds(null, 2)).toEqual({ ids: ['00000000-0000-474c-b092-b0dd880c07e2', '00000000-0000-474c-b092-b0dd880c07e1'], next: 'scrollTokenHere' });
    expect(await connector.recordIds('scrollTokenHere', 2)).toEqual({ ids: [], next: null });
    expect(replay.received.slice(1).map((call) => call.query)).toEqual([
      { _scroll: '', _itemsOnPage: '2' },
      { _scroll: 'scrollTokenHere', _itemsOnPage: '2' },
    ]);
  });

  it("reports the documented 400 error body as SOURCE_BAD_RESPONSE, the gateway's request being at fault", async () => {
    // The documented error answers a write; it is served here to the transaction read, the
    // reference documenting no error body of a list.
    const refused: VendorFixture = { ...formError, request: { ...formError.request, method: 'GET', path: `/api/${TEST_STORE_CODE}/transaction`, query: {} } };
    const { replay, connector } = await serve([login, refused]);
    const error = await expectSourceError(connector.transactionsOf([memberId(1)], 5), 'SOURCE_BAD_RESPONSE', 'loyalty');
    expect(error.detail).toMatchObject({ operation: 'transaction.list', status: 400 });
    expect(replay.received[1]!.answeredBy?.about).toBe(formError.about);
  });
});

describe('loyalty simulator against the Open Loyalty documentation', () => {
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  /** The hand-made test population (no generator, so no clock to pin) with the documented admin. */
  async function start(): Promise<string> {
    simulator = createLoyaltySimulator({ population: loyaltyTestPopulation(), username: USERNAME, password: PASSWORD });
    return simulator.listen();
  }

  async function send(baseUrl: string, method: 'GET' | 'POST', path: string, options: { token?: string; json?: unknown } = {}): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json;charset=UTF-8';
    const res = await request(`${baseUrl}${path}`, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
    return { status: res.statusCode, body: await res.body.json() };
  }

  async function token(baseUrl: string): Promise<string> {
    return ((await send(baseUrl, 'POST', '/api/admin/login_check', { json: login.request.body })).body as { token: string }).token;
  }

  it('answers the documented login with the documented shape', async () => {
    const baseUrl = await start();
    const answer = await send(baseUrl, 'POST', login.request.path, { json: login.request.body });
    expect(answer.status).toBe(login.response.status);
    expect(shapeDifferences(login.response.body, answer.body)).toEqual([]);
  });

  it('lists members in the documented member shape', async () => {
    const baseUrl = await start();
    const query = `loyaltyCardNumber[in]=${storedCard(3)},${storedCard(4)}&_page=1&_itemsOnPage=2`;
    const answer = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/member?${query}`, { token: await token(baseUrl) });
    expect(answer.status).toBe(200);
    const documented = (members.response.body as { customers: unknown[] }).customers;
    const ours = (answer.body as { items: unknown[] }).items;
    expect(ours).toHaveLength(2);
    expect(
      shapeDifferences(documented, ours, [
        // The 4.x example shows no points on a member (they are on its status); the current
        // API's member carries activePoints, which the gateway reads.
        '[].activePoints',
        // The level's reward percentage: the population's levels carry no reward.
        '[].levelPercent',
      ]),
    ).toEqual([]);
  });

  it('lists transactions in the documented transaction shape, the document fields in the current header', async () => {
    const baseUrl = await start();
    const query = `customerId=${memberId(HEAVY_MEMBER)}&_orderBy[purchasedAt]=desc&_page=1&_itemsOnPage=2`;
    const answer = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/transaction?${query}`, { token: await token(baseUrl) });
    expect(answer.status).toBe(200);
    const documented = (transactions.response.body as { transactions: unknown[] }).transactions;
    const ours = (answer.body as { items: unknown[] }).items;
    expect(ours).toHaveLength(2);
    expect(
      shapeDifferences(documented, ours, [
        // The current reference ("Add Transaction") groups these in `header`, purchaseDate as
        // purchasedAt; the simulator models the current API.
        '[].documentNumber',
        '[].purchaseDate',
        '[].purchasePlace',
        '[].documentType',
        '[].header',
        // When a receipt was matched to its member, and the points it earned: the simulator runs
        // neither matching nor earning rules, and the gateway reads neither.
        '[].assignedToCustomerDate',
        '[].pointsEarned',
      ]),
    ).toEqual([]);
  });

  it('answers a dated transaction query in the current transaction shape', async () => {
    const baseUrl = await start();
    const query = new URLSearchParams({ ...datedTransactions.request.query, customerId: memberId(HEAVY_MEMBER), 'purchasedAt[lte]': '2024-03-01T00:00:00.000Z' });
    const answer = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/transaction?${query}`, { token: await token(baseUrl) });
    expect(answer.status).toBe(200);
    expect((answer.body as { items: unknown[] }).items).toHaveLength(25);
    expect(
      shapeDifferences(datedTransactions.response.body, answer.body, [
        // "Add Transaction" writes a line's sku as a string, the 4.x list as { code }: the
        // population keeps the 4.x form (pinned above), and the client reads both.
        'items[].items[].sku',
      ]),
    ).toEqual([]);
  });

  it("lists redeemed rewards in the export's redemption shape", async () => {
    const baseUrl = await start();
    const query = new URLSearchParams({ ...redemptions.request.query, 'customerId[in]': `${memberId(NEW_CARD)},${memberId(OLD_CARD)}` });
    const answer = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/redemption?${query}`, { token: await token(baseUrl) });
    expect(answer.status).toBe(200);
    expect((answer.body as { items: unknown[] }).items).toHaveLength(5);
    expect(shapeDifferences(redemptions.response.body, answer.body)).toEqual([]);
  });

  it('scrolls the member list in the documented shapes: items and scroll.next, and at the end an empty items array and an empty scroll', async () => {
    const baseUrl = await start();
    const bearer = await token(baseUrl);
    const first = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/member?_scroll&_itemsOnPage=2`, { token: bearer });
    expect(first.status).toBe(200);
    expect((first.body as { items: unknown[] }).items).toHaveLength(2);
    // The same two fields as the member list's shape test above, for the same reasons.
    expect(shapeDifferences(scrollFirst.response.body, first.body, ['items[].activePoints', 'items[].levelPercent'])).toEqual([]);
    const rest = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/member?_scroll=${(first.body as { scroll: { next: string } }).scroll.next}&_itemsOnPage=100`, { token: bearer });
    expect((rest.body as { items: unknown[] }).items).toHaveLength(78);
    const end = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/member?_scroll=${(rest.body as { scroll: { next: string } }).scroll.next}`, { token: bearer });
    expect(end).toEqual({ status: scrollEnd.response.status, body: scrollEnd.response.body });
  });

  it('lists tiers in the documented level shape', async () => {
    const baseUrl = await start();
    const answer = await send(baseUrl, 'GET', `/api/${TEST_STORE_CODE}/tier?_page=1&_itemsOnPage=100`, { token: await token(baseUrl) });
    expect(answer.status).toBe(200);
    const documented = (levels.response.body as { levels: unknown[] }).levels;
    const ours = (answer.body as { items: unknown[] }).items;
    // A tier's reward: the population's levels carry none.
    expect(shapeDifferences(documented, ours, ['[].reward'])).toEqual([]);
  });
});
