/**
 * What an operator and a client see of the gateway itself, through real HTTP: GraphQL validation
 * errors with their own code (not masked as internal errors), the introspection switch named by
 * our setting and field suggestions hidden with it, and the audit lines of the admin eviction.
 */
import { describe, expect, it } from 'vitest';
import { useStack, type Stack } from '../support/stack.js';
import { bearer, TEST_API_KEYS } from '../support/auth.js';

async function post(stack: Stack, query: string, headers: Record<string, string> = bearer(TEST_API_KEYS.full.key)) {
  const { status, body } = await stack.post(query, undefined, headers);
  return { status, body: body as { data?: unknown; errors?: Array<{ message: string; extensions: { code: string } }> } };
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

  it('suggests the field meant ("Did you mean") while introspection is on', async () => {
    const { body } = await post(stack, '{ customer(id: "crm:1") { sourceRecord { key } } }');
    expect(body.errors?.map((e) => e.message)).toEqual(['Cannot query field "sourceRecord" on type "Customer". Did you mean "sourceRecords"?']);
  });

  it('answers an introspection query', async () => {
    const { status, body } = await post(stack, '{ __schema { queryType { name } } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('logs an eviction with the identifier type and count, never the identifier; an unknown API key is refused and logged without the key', async () => {
    const evict = 'mutation { evictCustomer(id: "email:someone.private@example.org") { evictedIdentifiers } }';
    // By email, an eviction needs pii:read beside admin (scopes.test.ts): the full key.
    const done = await post(stack, evict, bearer(TEST_API_KEYS.full.key));
    expect(done.body.data).toEqual({ evictCustomer: { evictedIdentifiers: 0 } });
    const refused = await post(stack, evict, bearer('cgw_not-the-key-4242'));
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

    const lines = logLines(stack);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'customer evicted', client: 'test-full', kind: 'apiKey', identifierType: 'email', evictedIdentifiers: 0 }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'request refused', code: 'UNAUTHENTICATED', reason: 'unknown API key' }));
    const text = stack.logs.join('\n');
    expect(text).not.toContain('someone.private');
    expect(text).not.toContain('not-the-key-4242');
  });
});

describe('with GATEWAY_INTROSPECTION=false (and Sandbox off)', () => {
  const stack = useStack({ size: 30, settings: (settings) => ({ ...settings, sandbox: false, introspection: false }) });

  it('refuses an introspection query with a message naming GATEWAY_INTROSPECTION, not Apollo\'s constructor option', async () => {
    const { status, body } = await post(stack, '{ __schema { queryType { name } } }');
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: "Introspection is off on this gateway (GATEWAY_INTROSPECTION=false): the schema is in the repository's schema/ folder, or ask its operators.",
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'INTROSPECTION_DISABLED' },
      }),
    ]);
  });

  it('names no field in a validation error: no "Did you mean"', async () => {
    const { status, body } = await post(stack, '{ customer(id: "crm:1") { sourceRecord { key } } }');
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.message)).toEqual(['Cannot query field "sourceRecord" on type "Customer".']);
  });
});
