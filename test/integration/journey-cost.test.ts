/**
 * What a journey page costs upstream, through real HTTP: the requests each silo simulator
 * receives per page, for a customer with 5,000 store receipts and 2,000 visits and for one with
 * 50 of each. A page asks each silo only for what can still be on it: the paged histories once
 * per page, the streams built from the customer's records (a record's creation, a device's first
 * login) only on the page their touchpoint falls on.
 */
import { describe, expect, it } from 'vitest';
import type { Population } from '../../connectors/population.js';
import type { Source } from '../../src/generated/graphql.js';
import { PopulationEdit } from '../support/population-edit.js';
import { useStack } from '../support/stack.js';

const HOUR = 3_600_000;
/** The newest receipt; receipts go back one an hour, each visit half an hour before its receipt. */
const NEWEST = Date.parse('2026-10-20T12:00:00.000Z');

interface Shopper {
  email: string;
  memberId: string;
  shopId: number;
  device: string;
  /** The first visit's id; the others follow. */
  firstVisit: number;
}

const HEAVY: Shopper = { email: 'cost.heavy@example.com', memberId: '0c050000-0000-4000-8000-000000005000', shopId: 881001, device: 'cccc000000005000', firstVisit: 9_800_001 };
const LIGHT: Shopper = { email: 'cost.light@example.com', memberId: '0c050000-0000-4000-8000-000000000050', shopId: 881002, device: 'cccc000000000050', firstVisit: 9_810_001 };

/**
 * A shopper with `receipts` store purchases (one an hour back from NEWEST) and `visits` web
 * visits on one desktop (each half an hour before a receipt), no online order and no reward. The
 * contact, the membership and the shop account were created in 2024, before any of it; the
 * desktop browsed anonymously and logged in (as the shop account) on its two newest visits only:
 * its first login is on the first page, the records' creations come after every receipt and visit.
 */
function addShopper(edit: PopulationEdit, who: Shopper, receipts: number, visits: number): void {
  const contact = edit.contact({ email: who.email, firstname: 'Cost', lastname: 'Shopper' }, { createdAt: '2024-03-01T09:00:00.000Z' });
  const member = edit.member({ customerId: who.memberId, email: who.email, firstName: 'Cost', lastName: 'Shopper', createdAt: '2024-03-02T10:00:00.000Z' });
  const shop = edit.shopCustomer({ id: who.shopId, email: who.email, first_name: 'Cost', last_name: 'Shopper', created_at: '2024-03-03T11:00:00.000Z', currency: 'EUR' });
  const { loyalty, analytics } = edit.population;
  for (let i = 0; i < receipts; i++) {
    loyalty.transactions.push({
      transactionId: `${who.memberId.slice(0, 24)}${String(i).padStart(12, '0')}`,
      customerId: who.memberId,
      header: { documentNumber: `CO-${i}`, documentType: 'sell', purchasedAt: new Date(NEWEST - i * HOUR).toISOString(), purchasePlace: 'Lyon Part-Dieu' },
      items: [{ sku: { code: 'SK-2' }, name: 'Wool socks', quantity: 1, grossValue: 13, category: 'socks', maker: null }],
      grossValue: 13,
      currency: 'EUR',
    });
  }
  for (let i = 0; i < visits; i++) {
    const last = (NEWEST - HOUR / 2 - i * HOUR) / 1000;
    analytics.visits.push({
      idVisit: who.firstVisit + i,
      visitorId: who.device,
      userId: i < 2 ? String(who.shopId) : null,
      firstActionTimestamp: last - 60,
      lastActionTimestamp: last,
      visitDuration: 60,
      deviceType: 'desktop',
      operatingSystem: 'Windows',
      browserName: 'Firefox',
      referrerType: 'direct',
      referrerName: null,
      actionDetails: [{ type: 'action', url: 'https://shop.example/', pageTitle: 'Home', timestamp: last - 60 }],
    });
  }
  edit.person([contact, member, shop, { source: 'analytics', id: who.device }]);
}

const stack = useStack({
  size: 120,
  prepare: (population: Population) => {
    const edit = new PopulationEdit(population);
    addShopper(edit, HEAVY, 5000, 2000);
    addShopper(edit, LIGHT, 50, 50);
    return edit.population;
  },
});

const SOURCES: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

const JOURNEY = `query ($id: ID!, $after: String) {
  customer(id: $id) { journey(first: 20, after: $after) {
    edges { node { id kind occurredAt } } pageInfo { hasNextPage endCursor } partial } } }`;

interface Page {
  kinds: string[];
  hasNextPage: boolean;
  endCursor: string | null;
  /** The requests each silo received for this page. */
  calls: Record<Source, number>;
}

/** One page of 20, and what it cost each silo. */
async function page(who: Shopper, after: string | null): Promise<Page> {
  for (const source of SOURCES) stack.demo.simulators[source].resetStats();
  const { status, body } = await stack.query(JOURNEY, { id: `email:${who.email}`, after });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  const journey = (body.data?.customer as { journey: { edges: Array<{ node: { kind: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null }; partial: boolean } }).journey;
  expect(journey.partial).toBe(false);
  const calls = Object.fromEntries(SOURCES.map((source) => [source, stack.demo.simulators[source].stats().requests])) as Record<Source, number>;
  return { kinds: journey.edges.map((e) => e.node.kind), hasNextPage: journey.pageInfo.hasNextPage, endCursor: journey.pageInfo.endCursor, calls };
}

/** Pages 1 to `count`, the identity links warm (the customer asked once before counting). */
async function pages(who: Shopper, count: number): Promise<Page[]> {
  await page(who, null);
  const list: Page[] = [];
  let after: string | null = null;
  for (let n = 0; n < count; n++) {
    const next: Page = await page(who, after);
    list.push(next);
    after = next.endCursor;
  }
  return list;
}

/**
 * After the first page: the receipts and the visits, once each per page. The records (contact,
 * membership, shop account, device) were read on page 1 and are not read again before the page
 * their creations fall on; the redemptions and the orders (none) ended on page 1.
 */
const PAGES_2_TO_5: Array<Record<Source, number>> = Array.from({ length: 4 }, () => ({ crm: 0, loyalty: 1, commerce: 0, analytics: 1 }));

describe('the upstream cost of a journey page', () => {
  it('asks, for 5,000 receipts and 2,000 visits, one loyalty and one analytics request per page after the first, no CRM or shop request', async () => {
    const heavy = await pages(HEAVY, 5);
    // Page 1 reads every stream: loyalty the membership, receipts and redemptions; commerce the
    // account and orders; analytics the visits and the device, whose first login lies beyond the
    // 100 visits a device record reads, so it is read apart in 2 calls (connectors/analytics/README.md).
    expect(heavy[0]!.calls).toEqual({ crm: 1, loyalty: 3, commerce: 2, analytics: 4 });
    expect(heavy.slice(1).map((p) => p.calls)).toEqual(PAGES_2_TO_5);
    // Receipts and visits alternate, newest first; the first login sits on its visit.
    expect(heavy[0]!.kinds.slice(0, 6)).toEqual(['storePurchase', 'webVisit', 'storePurchase', 'deviceFirstLogin', 'webVisit', 'storePurchase']);
    expect(heavy.every((p) => p.kinds.length === 20 && p.hasNextPage)).toBe(true);
  });

  it('asks the same per page for 50 receipts and 50 visits, and reads the records on the page their creations fall on', async () => {
    const light = await pages(LIGHT, 6);
    // Page 1 as for the long history, but the device's 50 visits are read in one call, its first login with them.
    expect(light[0]!.calls).toEqual({ crm: 1, loyalty: 3, commerce: 2, analytics: 2 });
    expect(light.slice(1, 5).map((p) => p.calls)).toEqual(PAGES_2_TO_5);
    // 101 receipts, visits and the first login: page 6 holds the oldest visit (one analytics
    // read), then the three creations of 2024 (one records read each in the CRM, loyalty and shop).
    expect(light[5]).toMatchObject({ kinds: ['webVisit', 'accountCreated', 'membershipCreated', 'accountCreated'], hasNextPage: false });
    expect(light[5]!.calls).toEqual({ crm: 1, loyalty: 1, commerce: 1, analytics: 1 });
  });
});
