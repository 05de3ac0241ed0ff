/**
 * Asks the gateway through real HTTP as a client holding a given scope set: a JWT signed by the
 * stack's test issuer (served as a JWKS on loopback, test/support/auth.ts) whose `scope` claim
 * holds exactly those scopes, verified by the gateway like any token. One token per client and
 * scope set, reused (a real client keeps its token for its lifetime). The body comes back as the
 * text the gateway sent, for tests that search it.
 */
import type { Scope } from '../../src/access/scopes.js';
import type { GraphQLBody, Stack } from './stack.js';

export interface ScopedAnswer {
  status: number;
  /** The response body exactly as the gateway sent it. */
  text: string;
  body: GraphQLBody;
}

export interface ScopedClient {
  /**
   * POSTs `query` with a bearer JWT whose `scope` claim is `scopes` (space-separated; none: an
   * empty claim) and whose `azp` is `client`; `scopes` null sends no credentials at all.
   */
  ask(scopes: readonly Scope[] | null, query: string, variables?: Record<string, unknown>, client?: string): Promise<ScopedAnswer>;
  /** Lines the gateway logged (the access log among them). */
  logs: string[];
}

export function scopedClient(stack: Stack): ScopedClient {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (scopes: readonly Scope[], client: string): Promise<string> => {
    const key = `${client} ${scopes.join(' ')}`;
    let token = tokens.get(key);
    if (!token) tokens.set(key, (token = stack.issuer.mint({ scope: scopes.join(' '), azp: client })));
    return token;
  };
  return {
    get logs() {
      return stack.logs;
    },
    async ask(scopes, query, variables, client = 'test-client') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (scopes !== null) headers['authorization'] = `Bearer ${await tokenOf(scopes, client)}`;
      const res = await fetch(stack.gateway.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) as GraphQLBody };
    },
  };
}
