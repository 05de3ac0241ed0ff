/**
 * One GraphQL operation through an Apollo Server in this process, as an HTTP POST would bring
 * it (`executeHTTPGraphQLRequest`: parsing, validation, execution and serialization, without a
 * socket): what `npm run bench:in-process` and the floor through GraphQL measure.
 */
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

/**
 * The response body (JSON text) of `query` with `variables`, the context made by `context`.
 * Throws when Apollo answers in chunks (incremental delivery), which no question of the bench asks for.
 */
export async function postInProcess<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  query: string,
  variables: Record<string, unknown>,
  context: () => Promise<Context>,
): Promise<string> {
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query, variables } },
    context,
  });
  if (result.body.kind !== 'complete') throw new Error('Apollo Server answered in chunks, where one body was expected.');
  return result.body.string;
}
