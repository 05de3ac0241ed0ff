import type { GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCOPES } from '../access/scopes.js';
import { AccessRecord } from './access-record.js';

/** The parts of a resolver's info the record reads: the field, its parent type and its response path. */
function infoAt(parentType: string, path: Array<string | number>): GraphQLResolveInfo {
  let linked: GraphQLResolveInfo['path'] | undefined;
  for (const key of path) linked = { prev: linked, key, typename: undefined };
  return { fieldName: String(path[path.length - 1]), parentType: { name: parentType }, path: linked! } as unknown as GraphQLResolveInfo;
}

describe('AccessRecord', () => {
  it('traces each personal field to the customer whose answer holds it, by response path (aliases and list slots included)', () => {
    const record = new AccessRecord();
    record.customerAt(['a'], 'cus_A');
    record.customerAt(['customers', 0], 'cus_B');
    record.customerAt(['customers', 1], 'cus_C');
    record.piiRead(infoAt('Customer', ['a', 'email']));
    record.piiRead(infoAt('CrmContact', ['customers', 1, 'crm', 0, 'phone']));
    record.scopesUsed.add('pii:read').add('profile:read');
    expect(record.entry(SCOPES)).toEqual({
      customers: ['cus_A', 'cus_C'],
      fields: ['CrmContact.phone', 'Customer.email'],
      lookups: { email: 0, phone: 0 },
      scopes: ['profile:read', 'pii:read'],
    });
  });

  it('counts email and phone lookups, found or not, and names the customers they found', () => {
    const record = new AccessRecord();
    record.lookedUp('email', 'cus_A');
    record.lookedUp('phone', null);
    expect(record.entry(SCOPES)).toEqual({ customers: ['cus_A'], fields: [], lookups: { email: 1, phone: 1 }, scopes: [] });
  });

  it('has no entry when nothing personal was read', () => {
    const record = new AccessRecord();
    record.customerAt(['customer'], 'cus_A');
    record.scopesUsed.add('profile:read');
    expect(record.entry(SCOPES)).toBeNull();
  });
});
