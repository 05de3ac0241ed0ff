/**
 * Asks the gateway as a client holding a given scope set.
 *
 * Until credentials (engineer A's part of issue 15) decide a request's grant, this runs the
 * operation in process on a gateway core built over the stack's own connectors (so the silos are
 * the real simulators over HTTP), with the grant in the request context: the same schema, guards,
 * resolvers and plugins as the HTTP server, without the HTTP hop to the gateway.
 */
import { createGatewayCore, type GatewayCore } from '../../src/server/server.js';
import { createRequestContext } from '../../src/graphql/context.js';
import { createLogger } from '../../src/shared/logger.js';
import type { AccessGrant, Scope } from '../../src/access/scopes.js';
import { TEST_SETTINGS, type GraphQLBody, type Stack } from './stack.js';

export interface ScopedAnswer {
  /** The response body as the client would read it (JSON text). */
  text: string;
  body: GraphQLBody;
}

export interface ScopedClient {
  /** Runs `query` as a client named `client` holding `scopes`. */
  ask(scopes: readonly Scope[], query: string, variables?: Record<string, unknown>, client?: string): Promise<ScopedAnswer>;
  /** Lines the client's gateway logged (the access log among them). */
  logs: string[];
  close(): Promise<void>;
}

export async function scopedClient(stack: Stack): Promise<ScopedClient> {
  const logs: string[] = [];
  const core: GatewayCore = await createGatewayCore({
    settings: TEST_SETTINGS,
    connectors: stack.connectors,
    logger: createLogger('debug', (line) => logs.push(line)),
  });
  return {
    logs,
    async ask(scopes, query, variables, client = 'test-client') {
      const access: AccessGrant = { kind: 'apiKey', client, scopes: new Set(scopes) };
      const response = await core.apollo.executeOperation(
        { query, variables },
        { contextValue: createRequestContext(core.services, undefined, access) },
      );
      if (response.body.kind !== 'single') throw new Error('The gateway answered an incremental response.');
      const text = JSON.stringify(response.body.singleResult);
      return { text, body: JSON.parse(text) as GraphQLBody };
    },
    close: () => core.apollo.stop(),
  };
}
