/**
 * The limits on the cost and size of an operation (README, "Limits and resilience"), through real
 * HTTP with the default settings (but MAX_DEPTH): each refusal is answered before any silo call (counted at the
 * simulators), with its code, the figure and the limit. The attacks are the ones measured in
 * issue 16: aliased `customers(ids:)` of 64,000 ids (4 at once took the gateway down for 4
 * minutes), 10,000 aliased `customer(id:)` in 350 KB (11.2 s, 177 silo calls).
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/generated/graphql.js';
import { TEST_API_KEYS } from '../support/auth.js';
import { useStack, type Stack } from '../support/stack.js';

const SOURCES: Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];
const AUTH = { authorization: `Bearer ${TEST_API_KEYS.full.key}` };
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `crm:${100 + (i % 900)}`);

/** Every call the four simulators received since the test started. */
function siloCalls(stack: Stack): number {
  return SOURCES.reduce((sum, source) => sum + stack.demo.simulators[source].stats().requests, 0);
}

/** POSTs a raw body with the full API key: status, parsed body and its size in bytes. */
async function postRaw(stack: Stack, body: string): Promise<{ status: number; json: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }; bytes: number }> {
  const res = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), bytes: Buffer.byteLength(text) };
}

describe('operation limits, before any silo call', () => {
  // The default limits, but MAX_DEPTH (see its test).
  const stack = useStack({ size: 60, settings: (s) => ({ ...s, limits: { ...s.limits, maxDepth: 4 } }) });

  it('refuses customers(ids:) of 64,000 ids (640 KB) with 400 COST_ESTIMATED_TOO_EXPENSIVE, cost 64,000 over 5,000, 0 silo calls', async () => {
    const body = JSON.stringify({ query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id } }', variables: { ids: ids(64_000) } });
    expect(body.length).toBeGreaterThan(600_000);
    const { status, json } = await postRaw(stack, body);
    expect(status).toBe(400);
    expect(json.errors).toHaveLength(1);
    expect(json.errors![0]!.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', value: 64_000, limit: 5_000 });
    expect(json.errors![0]!.message).toMatch(/^This operation costs 64,000, over the limit of 5,000: /);
    expect(siloCalls(stack)).toBe(0);
  });

  it('prices the same operation text by each request\'s variables: 50 ids pass, 5,001 ids are refused, 50 ids pass again', async () => {
    const query = 'query Same($ids: [ID!]!) { customers(ids: $ids) { id } }';
    const answer = async (n: number) => {
      const { status, json } = await postRaw(stack, JSON.stringify({ query, variables: { ids: ids(n) } }));
      return [status, json.errors?.[0]?.extensions?.['code'] ?? null];
    };
    expect(await answer(50)).toEqual([200, null]);
    expect(await answer(5_001)).toEqual([400, 'COST_ESTIMATED_TOO_EXPENSIVE']);
    expect(await answer(50)).toEqual([200, null]);
  });

  it('answers { __typename } while 4 such requests arrive at once, all within 10 s (took 4 minutes), 0 silo calls', async () => {
    const body = JSON.stringify({ query: 'query ($ids: [ID!]!) { a: customers(ids: $ids) { id } b: customers(ids: $ids) { id } }', variables: { ids: ids(64_000) } });
    const started = Date.now();
    const attacks = Array.from({ length: 4 }, () => postRaw(stack, body));
    const probe = stack.query('{ __typename }');
    const [answers, answered] = await Promise.all([Promise.all(attacks), probe]);
    expect(answered.status).toBe(200);
    expect(answered.body.data).toEqual({ __typename: 'Query' });
    expect(answers.map((a) => [a.status, a.json.errors![0]!.extensions!['value']])).toEqual(Array(4).fill([400, 128_000]));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(siloCalls(stack)).toBe(0);
  });

  it('refuses 10,000 aliased customer(id:) (350 KB) with 400 MAX_TOKENS_LIMIT over 15,000 tokens, within 3 s, 0 silo calls (took 11.2 s and 177 calls)', async () => {
    const fields = Array.from({ length: 10_000 }, (_, i) => `c${i}: customer(id: "crm:${100 + (i % 900)}") { id }`).join(' ');
    const body = JSON.stringify({ query: `{ ${fields} }` });
    expect(body.length).toBeGreaterThan(350_000);
    const started = Date.now();
    const { status, json } = await postRaw(stack, body);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(status).toBe(400);
    expect(json.errors![0]!.extensions).toEqual({ code: 'MAX_TOKENS_LIMIT', limit: 15_000 });
    expect(json.errors![0]!.message).toMatch(/^This operation has more than 15,000 tokens, over the limit of 15,000 /);
    expect(siloCalls(stack)).toBe(0);
  });

  it('refuses 31 aliased customer(id:) with 400 MAX_ALIASES_LIMIT, 31 over 30, 0 silo calls', async () => {
    const fields = Array.from({ length: 31 }, (_, i) => `c${i}: customer(id: "crm:${100 + i}") { id }`).join(' ');
    const { status, body } = await stack.query(`{ ${fields} }`);
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toEqual({ code: 'MAX_ALIASES_LIMIT', value: 31, limit: 30 });
    expect(body.errors![0]!.message).toMatch(/^This operation has 31 aliases, over the limit of 30: /);
    expect(siloCalls(stack)).toBe(0);
  });

  it('refuses a selection 5 fields deep with 400 MAX_DEPTH_LIMIT, 5 over MAX_DEPTH=4, 0 silo calls', async () => {
    // customer, consent, emailMarketing, provenance, field: the schema's deepest paths are about 6,
    // under the default 15, so this file's gateway runs with MAX_DEPTH=4.
    const { status, body } = await stack.query('{ customer(id: "crm:101") { consent { emailMarketing { provenance { field } } } } }');
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toEqual({ code: 'MAX_DEPTH_LIMIT', value: 5, limit: 4 });
    expect(body.errors![0]!.message).toBe('This operation is 5 fields deep, over the limit of 4.');
    expect(siloCalls(stack)).toBe(0);
  });

  it('refuses a subscription with 400 OPERATION_NOT_SUPPORTED, 0 silo calls', async () => {
    const { status, body } = await stack.query('subscription Watch { customer(id: "crm:101") { id } }');
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code: 'OPERATION_NOT_SUPPORTED', operation: 'subscription' });
    expect(siloCalls(stack)).toBe(0);
  });

  it('refuses a body of 1 MiB + 1 byte with 413 REQUEST_TOO_LARGE naming 1,048,576 bytes, 0 silo calls', async () => {
    const filler = 'x'.repeat(1024 * 1024 + 1 - JSON.stringify({ query: '{ __typename }', extensions: { pad: '' } }).length);
    const body = JSON.stringify({ query: '{ __typename }', extensions: { pad: filler } });
    expect(Buffer.byteLength(body)).toBe(1024 * 1024 + 1);
    const { status, json } = await postRaw(stack, body);
    expect(status).toBe(413);
    expect(json.errors![0]!.extensions).toEqual({ code: 'REQUEST_TOO_LARGE', limit: 1_048_576 });
    expect(json.errors![0]!.message).toMatch(/^The request body is larger than 1,048,576 bytes, the limit \(MAX_REQUEST_BYTES\)/);
    expect(siloCalls(stack)).toBe(0);
  });

  it('logs an upload aborted mid-body once, at debug, without a stack, and answers the next request', async () => {
    const before = stack.logs.length;
    await new Promise<void>((resolve) => {
      const url = new URL(stack.gateway.url);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000', ...AUTH } });
      req.on('error', () => resolve());
      req.write('{"query": "{ __typename }", "extensions": {"pad": "' + 'x'.repeat(1000));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    // The server sees the close a moment later.
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline && !stack.logs.slice(before).some((l) => l.includes('request body aborted'))) await new Promise((r) => setTimeout(r, 20));
    const lines = stack.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const aborted = lines.filter((l) => l['message'] === 'request body aborted');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ level: 'debug', declaredBytes: 100_000 });
    expect(JSON.stringify(aborted[0])).not.toContain('stack');
    expect(lines.filter((l) => l['level'] === 'error' || l['level'] === 'warn')).toEqual([]);
    const { status } = await stack.query('{ __typename }');
    expect(status).toBe(200);
  });
});

describe('identifier lengths and quoted input, before any silo call', () => {
  const stack = useStack({ size: 60 });
  const QUERY = 'query ($id: ID!) { customer(id: $id) { id } }';

  /** Asks customer(id:) by HTTP: the status, the error and the answer's size in bytes. */
  async function ask(id: string): Promise<{ status: number; code: unknown; message: string; bytes: number }> {
    const { status, json, bytes } = await postRaw(stack, JSON.stringify({ query: QUERY, variables: { id } }));
    return { status, code: json.errors?.[0]?.extensions?.['code'], message: json.errors?.[0]?.message ?? '', bytes };
  }

  const huge = 900_000;
  const cases: Array<[string, string, string]> = [
    ['email', `email:${'a'.repeat(huge)}@example.com`, `is too long: the email value has ${(huge + 12).toLocaleString('en-US')} characters, over the 254 allowed`],
    ['card', `card:${'4'.repeat(huge)}`, `is too long: the card value has ${huge.toLocaleString('en-US')} characters, over the 40 allowed`],
    ['loyalty', `loyalty:${'9'.repeat(huge)}`, `is too long: the loyalty value has ${huge.toLocaleString('en-US')} characters, over the 64 allowed`],
    ['phone', `phone:+33${'6'.repeat(huge)}`, `is too long: the phone value has ${(huge + 3).toLocaleString('en-US')} characters, over the 40 allowed`],
    ['golden', `cus_${'A'.repeat(huge)}`, `is too long: the golden id has ${(huge + 4).toLocaleString('en-US')} characters, over the 128 allowed`],
  ];
  it.each(cases)('a %s id of 900 KB: BAD_USER_INPUT naming its length and the maximum, an answer under 1,500 bytes, 0 silo calls', async (_type, id, expected) => {
    const { status, code, message, bytes } = await ask(id);
    expect(status).toBe(200);
    expect(code).toBe('BAD_USER_INPUT');
    expect(message).toContain(expected);
    expect(message).toContain(`"${id.slice(0, 40)}…"`);
    expect(bytes).toBeLessThan(1_500);
    expect(siloCalls(stack)).toBe(0);
  });

  it('an email of 254 characters still reaches the silos; of 255 it does not', async () => {
    const local = 'a'.repeat(254 - '@example.com'.length);
    expect((await ask(`email:${local}@example.com`)).code).toBeUndefined();
    expect(siloCalls(stack)).toBeGreaterThan(0);
    const before = siloCalls(stack);
    expect((await ask(`email:a${local}@example.com`)).code).toBe('BAD_USER_INPUT');
    expect(siloCalls(stack)).toBe(before);
  });

  it("a variable of 900 KB that graphql-js cannot coerce is quoted by its first 40 characters (the answer is under 1,000 bytes)", async () => {
    const { status, json, bytes } = await postRaw(
      stack,
      JSON.stringify({ query: 'query ($first: Int) { customer(id: "crm:101") { journey(first: $first) { pageInfo { hasNextPage } } } }', variables: { first: 'x'.repeat(huge) } }),
    );
    expect(status).toBe(400);
    expect(json.errors![0]!.extensions!['code']).toBe('BAD_USER_INPUT');
    expect(json.errors![0]!.message).toContain(`"${'x'.repeat(40)}…"`);
    expect(bytes).toBeLessThan(1_000);
    expect(siloCalls(stack)).toBe(0);
  });

  it('a provenance(field:) of 900 KB is quoted by its first 40 characters', async () => {
    const { json, bytes } = await postRaw(
      stack,
      JSON.stringify({ query: 'query ($f: String) { customer(id: "crm:101") { provenance(field: $f) { field } } }', variables: { f: 'y'.repeat(huge) } }),
    );
    expect(json.errors![0]!.message).toContain(`does not know "${'y'.repeat(40)}…"`);
    expect(bytes).toBeLessThan(2_000);
  });
});
