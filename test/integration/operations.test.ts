/**
 * What an operator and a client see of the gateway itself, through real HTTP: GraphQL validation
 * errors with their own code (not masked as internal errors), the introspection switch named by
 * our setting, and the audit lines of the admin eviction.
 */
import { describe, expect, it } from 'vitest';
import { useStack, type Stack } from '../support/stack.js';

async function post(stack: Stack, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: { code: string } }> } };
}

const logLines = (stack: Stack) => stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('with Apollo Sandbox and introspection on', () => {
  const stack = useStack({ size: 30 });

  it('answers a query asking an unknown field with 400 GRAPHQL_VALIDATION_FAILED and graphql-js\'s message', async () => {
    const { status, body } = await post(stack, '{ customer(id: "crm:1") { nope } }');
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'Cannot query field "nope" on type "Customer".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
  });

  it('logs an eviction with the identifier type and count, never the identifier; a wrong admin token is logged without the token', async () => {
    const evict = 'mutation { evictCustomer(id: "email:someone.private@example.org") { evictedIdentifiers } }';
    const done = await post(stack, evict, { authorization: 'Bearer test-admin-token' });
    expect(done.body.data).toEqual({ evictCustomer: { evictedIdentifiers: 0 } });
    const refused = await post(stack, evict, { authorization: 'Bearer not-the-token-4242' });
    expect(refused.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

    const lines = logLines(stack);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'customer evicted', identifierType: 'email', evictedIdentifiers: 0 }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'admin operation refused', reason: 'wrong bearer token' }));
    const text = stack.logs.join('\n');
    expect(text).not.toContain('someone.private');
    expect(text).not.toContain('not-the-token-4242');
  });
});

describe('with GATEWAY_SANDBOX=false', () => {
  const stack = useStack({ size: 30, settings: (settings) => ({ ...settings, sandbox: false }) });

  it('refuses an introspection query with a message naming GATEWAY_SANDBOX, not Apollo\'s constructor option', async () => {
    const { status, body } = await post(stack, '{ __schema { queryType { name } } }');
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: "Introspection is off on this gateway (GATEWAY_SANDBOX=false): the schema is in the repository's schema/ folder, or ask its operators.",
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'INTROSPECTION_DISABLED' },
      }),
    ]);
  });
});
