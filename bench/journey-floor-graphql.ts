/**
 * The journey floor answered through Apollo Server and graphql-js: the floor's own answer
 * (journey-floor.ts), then the GraphQL layer the gateway is built on and nothing of the
 * gateway's: its schema (schema/*.graphql) with graphql-js's default resolvers below
 * `Query.customer`, which returns the floor's answer whole; Apollo Server with the gateway's
 * settings that bear on cost (cache control off, no stack traces). No identity layer, no
 * DataLoaders, no page planner, no access rules.
 *
 * It measures what a GraphQL server costs over a hand-written handler for the same answer
 * (bench/README.md, "The journey question"): in `npm run bench:in-process` as CPU and garbage
 * collection per request, and at the bench's fixed rate with `--journey-tax-only --graphql-floor`,
 * where it is loaded with the gateway and the floor. What the gateway costs beyond it is the
 * gateway's own code.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { SiloConnectors } from '../connectors/types.js';
import { encodeGoldenId } from '../src/identity/golden-id.js';
import type { CursorSecret } from '../src/journey/cursor.js';
import { loadTypeDefs } from '../src/server/server.js';
import { postInProcess } from './apollo-request.js';
import { journeyFloor } from './journey-floor.js';
import { JOURNEY_QUERY, type BenchPerson } from './shared.js';

/** Answers the journey question for one customer: the response body (JSON), as the gateway sends it. */
export type JourneyThroughGraphql = (person: BenchPerson) => Promise<string>;

/**
 * Starts the Apollo Server of the floor through GraphQL. The answer is the floor's for the same
 * customer and cursor key, so it equals the floor's answer byte for byte once parsed.
 * Throws when the answer carries errors (it would not be the question's answer).
 */
export async function startJourneyFloorThroughGraphql(
  connectors: SiloConnectors,
  cursorSecret: CursorSecret,
): Promise<{ answer: JourneyThroughGraphql; stop: () => Promise<void> }> {
  type Context = { person: BenchPerson };
  const apollo = new ApolloServer<Context>({
    schema: makeExecutableSchema({
      typeDefs: loadTypeDefs(),
      resolvers: {
        Query: {
          customer: (_root: unknown, _args: unknown, { person }: Context) =>
            journeyFloor(connectors, person, encodeGoldenId({ source: 'crm', id: person.crm }), cursorSecret),
        },
      },
    }),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const answer: JourneyThroughGraphql = async (person) => {
    const body = await postInProcess(apollo, JOURNEY_QUERY, { id: `crm:${person.crm}` }, async () => ({ person }));
    if (body.includes('"errors"')) throw new Error(`The floor through GraphQL answered with errors: ${body.slice(0, 600)}`);
    return body;
  };
  return { answer, stop: () => apollo.stop() };
}
