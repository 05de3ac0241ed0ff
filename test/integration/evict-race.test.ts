/**
 * An eviction that arrives while the customer's first resolution is in flight, over real HTTP:
 * the resolution's silo reads predate the change the eviction reports, so they must not be
 * cached. The interleaving is fixed by the simulators, not by timing: the shop's search is held
 * back (a slow route), the test waits until the gateway's call has reached it, then deletes the
 * CRM contact and evicts, all before the held answer is sent.
 */
import { describe, expect, it } from 'vitest';
import { personIn, recordOf, useStack } from '../support/stack.js';
import { bearer, TEST_API_KEYS } from '../support/auth.js';

// A long per-call timeout, so that the held-back search is answered, not timed out (a silo that
// failed would keep the customer out of the cache on its own and prove nothing).
const stack = useStack({ size: 300, timeoutMs: 10_000 });

const QUERY = `query ($id: ID!) { customer(id: $id) { sourceRecords { source id: recordId } } }`;
const EVICT = `mutation ($id: ID!) { evictCustomer(id: $id) { evictedIdentifiers } }`;
const HELD_MS = 3_000;

async function evict(id: string): Promise<number> {
  const res = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(TEST_API_KEYS.admin.key) },
    body: JSON.stringify({ query: EVICT, variables: { id } }),
  });
  const body = (await res.json()) as { data: { evictCustomer: { evictedIdentifiers: number } } };
  return body.data.evictCustomer.evictedIdentifiers;
}

/** Resolves once the shop simulator has received a customer search. */
async function searchReachedShop(): Promise<void> {
  while ((stack.demo.simulators.commerce.stats().byRoute['customers.search'] ?? 0) === 0) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('evictCustomer during a resolution in flight', () => {
  it('wins: the deletion it reports is visible on the next request, not after the cache TTL', async () => {
    const person = personIn(stack.population, ['crm', 'commerce']);
    const crmId = recordOf(person, 'crm');
    const contact = stack.population.crm.contacts.find((c) => c.id === crmId)!;
    const commerce = stack.demo.simulators.commerce;
    try {
      commerce.setRouteFault('customers.search', { kind: 'slow', ms: HELD_MS });
      let settled = false;
      const inFlight = stack.query(QUERY, { id: `crm:${crmId}` }).finally(() => {
        settled = true;
      });
      await searchReachedShop();

      // The CRM deletes the contact and tells the gateway, while the shop's answer is held back.
      contact.archived = true;
      expect(await evict(`crm:${crmId}`)).toBe(0);
      expect(settled).toBe(false);

      // The resolution in flight read the contact before its deletion: it answers with it...
      const stale = await inFlight;
      expect(stale.body.data!.customer.sourceRecords).toContainEqual({ source: 'crm', id: crmId });
      commerce.setRouteFault('customers.search', null);

      // ...but did not cache it: the next request resolves live and sees the deletion.
      const after = await stack.query(QUERY, { id: `crm:${crmId}` });
      expect(after.body).toEqual({ data: { customer: null } });
    } finally {
      contact.archived = false;
      commerce.setRouteFault('customers.search', null);
    }
  });
});
