import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledExecution, type CompiledExecution } from './compiled-execution.js';

const typeDefs = `
  scalar Day
  type Query { customer(id: ID!): Customer, broken: Int, later: Customer }
  type Customer { id: ID!, name: String, since: Day, orders(first: Int = 2): [Order!]! }
  type Order { id: ID!, total: Float! }
  type Mutation { touch: Int }
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
  Mutation: { touch: () => 1 },
  Customer: { orders: (c: { id: string }, { first }: { first: number }) => Array.from({ length: first }, (_, i) => ({ id: `${c.id}-${i}`, total: i + 0.5 })) },
};

const schema = makeExecutableSchema({ typeDefs, resolvers });
/** Apollo Server's own formatting, as its errorNormalize.ts does it without a formatError option. */
const formatErrors = (errors: ReadonlyArray<GraphQLError>): GraphQLFormattedError[] =>
  errors.map((error) => ({ ...error.toJSON(), extensions: { ...error.extensions, code: error.extensions['code'] ?? 'INTERNAL_SERVER_ERROR' } }));

let server: ApolloServer | undefined;
let reference: ApolloServer | undefined;
let gateway: CompiledExecution<object>;
/** The errors each request's compiled execution handed to `didEncounterErrors`. */
let encountered: GraphQLError[][];

/** An Apollo Server whose plugin answers with compiled execution, and beside it one without (graphql-js alone) for reference. */
async function start(compileAfterUses = 2): Promise<void> {
  gateway = compiledExecution(schema, { compileAfterUses, formatErrors });
  encountered = [];
  server = new ApolloServer({
    schema,
    includeStacktraceInErrorResponses: false,
    plugins: [
      {
        async requestDidStart() {
          return { responseForOperation: (requestContext) => gateway.responseFor(requestContext, (errors) => void encountered.push([...errors])) };
        },
      },
    ],
  });
  reference = new ApolloServer({ schema, includeStacktraceInErrorResponses: false });
  await Promise.all([server.start(), reference.start()]);
}

async function askOf(apollo: ApolloServer, query: string, variables?: Record<string, unknown>, operationName?: string) {
  const response = await apollo.executeOperation({ query, variables, operationName });
  if (response.body.kind !== 'single') throw new Error('an incremental answer');
  return { status: response.http.status, result: response.body.singleResult };
}

/** The compiled server's answer, checked equal to graphql-js's (status, data and errors). */
async function ask(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const answer = await askOf(server!, query, variables, operationName);
  expect(answer).toEqual(await askOf(reference!, query, variables, operationName));
  return answer;
}

afterEach(async () => {
  await Promise.all([server?.stop(), reference?.stop()]);
  server = reference = undefined;
});

const CUSTOMER = 'query ($id: ID!, $n: Int) { customer(id: $id) { id name since orders(first: $n) { id total } } }';

describe("compiled execution in Apollo Server's responseForOperation", () => {
  it('answers as graphql-js does, first interpreted, compiled from the second use of a document', async () => {
    await start(2);
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
    for (const { status } of answers) expect(status).toBe(400);
    expect(gateway.executions).toEqual({ compiled: 0, interpreted: 3 });
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
    expect(encountered.map((errors) => errors.map((error) => error.message))).toEqual([['the silo said no', 'Cannot return null for non-nullable field Customer.id.']]);
    expect(result.data).toEqual({ broken: null, later: null, customer: null });
    expect(result.errors).toEqual([
      expect.objectContaining({ message: 'the silo said no', path: ['broken'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'crm' } }),
      expect.objectContaining({ message: 'Cannot return null for non-nullable field Customer.id.', path: ['later', 'id'] }),
    ]);
  });

  it('leaves introspection, a fragment at the root and mutations to graphql-js', async () => {
    await start(1);
    const { result } = await ask('{ __schema { queryType { name } } }');
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const spread = await ask('query { ...Root } fragment Root on Query { customer(id: "1") { id } }');
    expect(spread.result.data).toEqual({ customer: { id: '1' } });
    expect((await ask('mutation { touch }')).result.data).toEqual({ touch: 1 });
    expect(gateway.executions).toEqual({ compiled: 0, interpreted: 3 });
  });

  it('compiles each operation of a document on its own', async () => {
    await start(1);
    const document = 'query A { customer(id: "1") { id } } query B { customer(id: "2") { name } }';
    const a = await ask(document, undefined, 'A');
    const b = await ask(document, undefined, 'B');
    expect([a.result, b.result]).toEqual([{ data: { customer: { id: '1' } } }, { data: { customer: { name: 'N2' } } }]);
    expect(gateway.executions.compiled).toBe(2);
  });

  it('refuses a compile threshold below 1', () => {
    expect(() => compiledExecution(schema, { compileAfterUses: 0, formatErrors })).toThrow('compileAfterUses takes a whole number of at least 1, got 0.');
  });
});
