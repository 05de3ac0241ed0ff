/**
 * Errors and log lines do not grow with the number of ids (issue 16): with a silo down,
 * `customers(ids:)` of 100 ids answers one error per silo and slot, and the log has one
 * `silo call failed` line per silo for the request, not one per id.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.js';

describe('silo failure log volume', () => {
  const stack = useStack({ size: 300 });

  it('customers(ids:) of 100 ids with loyalty down: 100 errors (one per slot) and 1 log line for loyalty counting them, not 100', async () => {
    const ids = stack.population.crm.contacts.slice(0, 100).map((c) => `crm:${c.id}`);
    await stack.demo.simulators.loyalty.setFault({ kind: 'down' });
    const from = stack.logs.length;
    const { status, body } = await stack.query('query ($ids: [ID!]!) { customers(ids: $ids) { id loyalty { tier } } }', { ids });
    expect(status).toBe(200);
    const loyaltyErrors = body.errors!.filter((e) => e.extensions?.['source'] === 'loyalty');
    const lines = stack.logs.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['message'] === 'silo call failed');
    // One error per slot (customers[i].loyalty), as before; the log had 100 lines.
    expect(loyaltyErrors).toHaveLength(100);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', source: 'loyalty', code: 'SOURCE_UNAVAILABLE', errors: 100, codes: { SOURCE_UNAVAILABLE: 100 } });
    expect(lines[0]!['path']).toEqual(['customers', 0, 'loyalty']);
    expect(lines[0]!['paths']).toHaveLength(3);
  });
});
