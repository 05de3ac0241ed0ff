/**
 * Paging through the journey of generated customers returns every touchpoint of their records
 * exactly once, newest first: the expected touchpoints are read straight from the population file
 * (the silos' own histories of the records the gateway resolved), not through the gateway's code.
 */
import { describe, expect, it } from 'vitest';
import type { Population } from '../../connectors/population.js';
import type { Source } from '../../src/generated/graphql.js';
import { useStack } from '../support/stack.js';

const stack = useStack({ seed: 5, size: 2000 });

const PAGE = `query ($id: ID!, $after: String) { customer(id: $id) {
  sourceRecords { source recordId }
  journey(first: 7, after: $after) { edges { node { occurredAt kind source sourceId } } pageInfo { hasNextPage endCursor } partial } } }`;

interface Seen {
  at: string;
  kind: string;
  source: Source;
  sourceId: string;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const key = (t: Seen) => `${t.at} ${t.source} ${t.sourceId} ${t.kind}`;

/** The touchpoints the records hold, from the population file alone. */
function expectedOf(population: Population, records: ReadonlyArray<{ source: Source; recordId: string }>): Seen[] {
  const ids = (source: Source) => new Set(records.filter((r) => r.source === source).map((r) => r.recordId));
  const crm = ids('crm');
  const loyalty = ids('loyalty');
  const commerce = ids('commerce');
  const analytics = ids('analytics');
  const out: Seen[] = [];
  const at = (text: string) => new Date(text).toISOString();
  for (const c of population.crm.contacts) if (crm.has(c.id)) out.push({ at: at(c.createdAt), kind: 'accountCreated', source: 'crm', sourceId: c.id });
  for (const m of population.loyalty.members) {
    if (loyalty.has(m.customerId)) out.push({ at: at(m.createdAt), kind: 'membershipCreated', source: 'loyalty', sourceId: m.customerId });
  }
  for (const t of population.loyalty.transactions) {
    if (!loyalty.has(t.customerId)) continue;
    out.push({ at: at(t.header.purchasedAt), kind: t.header.documentType === 'return' ? 'storeReturn' : 'storePurchase', source: 'loyalty', sourceId: t.transactionId });
  }
  for (const r of population.loyalty.redemptions ?? []) {
    if (loyalty.has(r.customerId) && r.status !== 'cancelled') out.push({ at: at(r.redemptionDate), kind: 'rewardRedeemed', source: 'loyalty', sourceId: r.issuedRewardId });
  }
  for (const c of population.commerce.customers) {
    if (commerce.has(String(c.id))) out.push({ at: at(c.created_at), kind: 'accountCreated', source: 'commerce', sourceId: String(c.id) });
  }
  for (const o of population.commerce.orders) {
    if (!o.customer || !commerce.has(String(o.customer.id))) continue;
    out.push({ at: at(o.created_at), kind: 'onlineOrder', source: 'commerce', sourceId: String(o.id) });
    // One touchpoint per distinct code the order used.
    const codes = new Set((o.discount_codes ?? []).map((d) => d.code));
    for (let i = 0; i < codes.size; i += 1) out.push({ at: at(o.created_at), kind: 'discountCodeUsed', source: 'commerce', sourceId: String(o.id) });
  }
  const appSite = population.analytics.appSiteId;
  const firstLogin = new Map<string, { idVisit: number; last: number }>();
  // A Shopify id is an integer: a padded one (` 7010000123513`, `0007010000123513`) is the same.
  const shopId = (userId: string) => userId.trim().replace(/^0+(?=\d)/, '');
  for (const v of population.analytics.visits) {
    if (!analytics.has(v.visitorId)) continue;
    // A shared device's visits logged in as another household member are theirs, not this person's.
    if (v.userId !== null && v.userId.trim() !== '' && !commerce.has(shopId(v.userId))) continue;
    const campaign = v.referrerType === 'campaign' || (v.campaignName ?? '') !== '';
    const kind = campaign ? 'campaignVisit' : appSite !== undefined && v.idSite === appSite ? 'appVisit' : 'webVisit';
    out.push({ at: iso(v.lastActionTimestamp), kind, source: 'analytics', sourceId: String(v.idVisit) });
    if (v.userId !== null && commerce.has(shopId(v.userId))) {
      const loginKey = `${v.visitorId} ${shopId(v.userId)}`;
      const known = firstLogin.get(loginKey);
      const earlier = !known || v.lastActionTimestamp < known.last || (v.lastActionTimestamp === known.last && v.idVisit < known.idVisit);
      if (earlier) firstLogin.set(loginKey, { idVisit: v.idVisit, last: v.lastActionTimestamp });
    }
  }
  for (const { idVisit, last } of firstLogin.values()) out.push({ at: iso(last), kind: 'deviceFirstLogin', source: 'analytics', sourceId: String(idVisit) });
  return out;
}

/** Persons with the longest histories across the most silos: the hardest merges. */
function busiest(population: Population, count: number) {
  const weight = new Map<string, number>();
  for (const t of population.loyalty.transactions) weight.set(`loyalty:${t.customerId}`, (weight.get(`loyalty:${t.customerId}`) ?? 0) + 1);
  for (const v of population.analytics.visits) weight.set(`analytics:${v.visitorId}`, (weight.get(`analytics:${v.visitorId}`) ?? 0) + 1);
  for (const o of population.commerce.orders) if (o.customer) weight.set(`commerce:${o.customer.id}`, (weight.get(`commerce:${o.customer.id}`) ?? 0) + 1);
  return population.truth
    .filter((t) => t.records.some((r) => r.source === 'crm'))
    .map((t) => ({ t, w: new Set(t.records.map((r) => r.source)).size * 1000 + t.records.reduce((n, r) => n + (weight.get(`${r.source}:${r.id}`) ?? 0), 0) }))
    .sort((a, b) => b.w - a.w)
    .slice(0, count)
    .map(({ t }) => t);
}

/** Persons with a CRM contact whose devices hold visits logged in as two shop ids or more: a shared family device, owner or not. */
function onSharedDevices(population: Population) {
  const shopIdsOf = new Map<string, Set<string>>();
  for (const v of population.analytics.visits) {
    if (v.userId === null || v.userId.trim() === '') continue;
    const ids = shopIdsOf.get(v.visitorId) ?? new Set<string>();
    ids.add(v.userId.trim().replace(/^0+(?=\d)/, ''));
    shopIdsOf.set(v.visitorId, ids);
  }
  const shared = new Set([...shopIdsOf].filter(([, ids]) => ids.size > 1).flatMap(([, ids]) => [...ids]));
  return population.truth.filter((t) => t.records.some((r) => r.source === 'crm') && t.records.some((r) => r.source === 'commerce' && shared.has(r.id)));
}

/** Pages through each person's journey, asked by their CRM id; the touchpoints compared with the population file's. */
async function pageAndCompare(persons: ReturnType<typeof busiest>): Promise<number> {
  let compared = 0;
  for (const person of persons) {
      const id = `crm:${person.records.find((r) => r.source === 'crm')!.id}`;
      const seen: Seen[] = [];
      let records: Array<{ source: Source; recordId: string }> = [];
      let after: string | null = null;
      for (let page = 0; page < 200; page += 1) {
        const { body } = await stack.query(PAGE, { id, after });
        expect(body.errors, id).toBeUndefined();
        const customer = body.data!.customer as {
          sourceRecords: typeof records;
          journey: { edges: Array<{ node: { occurredAt: string; kind: string; source: Source; sourceId: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        };
        records = customer.sourceRecords;
        seen.push(...customer.journey.edges.map(({ node }) => ({ at: node.occurredAt, kind: node.kind, source: node.source, sourceId: node.sourceId })));
        if (!customer.journey.pageInfo.hasNextPage) break;
        after = customer.journey.pageInfo.endCursor;
      }
      const times = seen.map((t) => Date.parse(t.at));
      expect(times, id).toEqual([...times].sort((a, b) => b - a));
      expect(seen.map(key).sort(), id).toEqual(expectedOf(stack.population, records).map(key).sort());
      compared += seen.length;
  }
  return compared;
}

describe('journey against the population file', () => {
  it('pages through the busiest customers: every touchpoint of their records exactly once, newest first', async () => {
    const compared = await pageAndCompare(busiest(stack.population, 12));
    // The busiest dozen hold hundreds of touchpoints between them: the check is not vacuous.
    expect(compared).toBeGreaterThan(300);
  }, 120_000);

  it("pages through the household members of shared family devices: the owner's own visits only, the other's none", async () => {
    const persons = onSharedDevices(stack.population);
    expect(persons.length).toBeGreaterThan(0);
    expect(await pageAndCompare(persons)).toBeGreaterThan(0);
  }, 120_000);
});
