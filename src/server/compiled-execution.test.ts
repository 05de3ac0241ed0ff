import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledExecution, type CompiledExecution } from './compiled-execution.js';

const typeDefs = `
  scalar Day
  type Query { customer(id: ID!): Customer, broken: Int, later: Customer }
  type Customer { id: ID!, name: String, since: Day, orders(first: Int = 2): [Order!]! }
  type Order { id: ID!, total: Float! }
`;
const resolvers = {
  Day: { serialize: (value: unknown) => String(value).slice(0, 10) },
  Query: {
    customer: async (_: unknown, { id }: { id: string }) => (id === 'none' ? null : { id, name: `N${id}`, since: '2026-01-02T10:00:00Z' }),
    broken: () => {
      throw new GraphQLError('the silo said no', { extensions: { code: 'SOURCE_UNAVAILABLE', source: 'crm' } });
    },
    later: () => ({ id: null }),
  },
  Customer: { orders: (c: { id: string }, { first }: { first: number }) => Array.from({ length: first }, (_, i) => ({ id: `${c.id}-${i}`, total: i + 0.5 })) },
};

let server: ApolloServer | undefined;
let gateway: CompiledExecution;

async function start(compileAfterUses?: number): Promise<ApolloServer> {
  gateway = compiledExecution(makeExecutableSchema({ typeDefs, resolvers }), compileAfterUses === undefined ? {} : { compileAfterUses });
  server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  await server.start();
  return server;
}

async function ask(query: string, variables?: Record<string, unknown>) {
  const response = await server!.executeOperation({ query, variables });
  if (response.body.kind !== 'single') throw new Error('an incremental answer');
  return { status: response.http.status, result: response.body.singleResult };
}

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const CUSTOMER = 'query ($id: ID!, $n: Int) { customer(id: $id) { id name since orders(first: $n) { id total } } }';

describe('compiled execution through Apollo Server', () => {
  it('answers as graphql-js does, first interpreted, compiled from the second use of a document', async () => {
    await start();
    const first = await ask(CUSTOMER, { id: '7', n: 3 });
    expect(gateway.executions).toEqual({ compiled: 0, interpreted: 1 });
    const second = await ask(CUSTOMER, { id: '7', n: 3 });
    const other = await ask(CUSTOMER, { id: '8' });
    expect(gateway.executions).toEqual({ compiled: 2, interpreted: 1 });
    expect(second).toEqual(first);
    expect(first.result).toEqual({
      data: { customer: { id: '7', name: 'N7', since: '2026-01-02', orders: [{ id: '7-0', total: 0.5 }, { id: '7-1', total: 1.5 }, { id: '7-2', total: 2.5 }] } },
    });
    expect(other.result.data).toEqual({ customer: { id: '8', name: 'N8', since: '2026-01-02', orders: [{ id: '8-0', total: 0.5 }, { id: '8-1', total: 1.5 }] } });
  });

  it("keeps graphql-js's words and BAD_USER_INPUT for variables that do not coerce, compiled or not", async () => {
    await start(1);
    const answers = [await ask(CUSTOMER, { id: '7', n: 'three' }), await ask(CUSTOMER, { id: '7', n: 'three' }), await ask(CUSTOMER, {})];
    for (const { status, result } of answers) expect(status).toBe(400);
    expect(answers[0]!.result.errors).toEqual([
      expect.objectContaining({ message: 'Variable "$n" got invalid value "three"; Int cannot represent non-integer value: "three"', extensions: { code: 'BAD_USER_INPUT' } }),
    ]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]!.result.errors).toEqual([expect.objectContaining({ message: 'Variable "$id" of required type "ID!" was not provided.', extensions: { code: 'BAD_USER_INPUT' } })]);
  });

  it("keeps a resolver error's extensions and path, and nulls a non-null violation's parent, compiled", async () => {
    await start(1);
    const { result } = await ask('{ broken later { id } customer(id: "none") { id } }');
    expect(gateway.executions.compiled).toBe(1);
    expect(result.data).toEqual({ broken: null, later: null, customer: null });
    expect(result.errors).toEqual([
      expect.objectContaining({ message: 'the silo said no', path: ['broken'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'crm' } }),
      expect.objectContaining({ message: 'Cannot return null for non-nullable field Customer.id.', path: ['later', 'id'] }),
    ]);
  });

  it('leaves introspection and a fragment at the root to graphql-js', async () => {
    await start(1);
    const { result } = await ask('{ __schema { queryType { name } } }');
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const spread = await ask('query { ...Root } fragment Root on Query { customer(id: "1") { id } }');
    expect(spread.result.data).toEqual({ customer: { id: '1' } });
    expect(gateway.executions).toEqual({ compiled: 0, interpreted: 2 });
  });

  it('compiles each operation of a document on its own', async () => {
    await start(1);
    const document = 'query A { customer(id: "1") { id } } query B { customer(id: "2") { name } }';
    const a = await server!.executeOperation({ query: document, operationName: 'A' });
    const b = await server!.executeOperation({ query: document, operationName: 'B' });
    expect([a.body, b.body]).toEqual([
      { kind: 'single', singleResult: { data: { customer: { id: '1' } } } },
      { kind: 'single', singleResult: { data: { customer: { name: 'N2' } } } },
    ]);
    expect(gateway.executions.compiled).toBe(2);
  });

  it('refuses a compile threshold below 1', () => {
    expect(() => compiledExecution(makeExecutableSchema({ typeDefs, resolvers }), { compileAfterUses: 0 })).toThrow('compileAfterUses takes a whole number of at least 1, got 0.');
  });
});
