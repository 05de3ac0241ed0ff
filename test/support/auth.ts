/**
 * Credentials for integration tests, all real: an identity provider on loopback (a node:http
 * server answering a JSON Web Key Set of keys made with jose's generateKeyPair) that signs real
 * JWTs, and API keys made as `npm run api-key` makes them, configured by their SHA-256.
 *
 * - `startTestIssuer()`: the provider; `issuer.mint({ scope: 'pii:read' })` signs a token,
 *   `issuer.settings` are the AUTH_* values that trust it. `useStack` starts one for every stack.
 * - `TEST_API_KEYS`: one key per scope set the tests use; `TEST_SETTINGS` (stack.ts) configures
 *   them all, and `stack.query` sends `TEST_API_KEYS.full`.
 * - `stack.postAs(scopes, query, variables)` (stack.ts) sends an operation with a JWT granting
 *   exactly `scopes`; `stack.post(query, variables, headers)` sends whatever headers a test gives.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { hashApiKey, type ApiKeyEntry } from '../../src/access/credentials.js';
import { SCOPES, type Scope } from '../../src/access/scopes.js';
import type { AuthSettings } from '../../src/server/config.js';

/** The issuer and audience the test provider's tokens carry, and the gateway checks. */
export const TEST_ISSUER = 'https://id.test.example';
export const TEST_AUDIENCE = 'customer-gateway-test';

export interface TestIssuer {
  /** http://127.0.0.1:<port>/.well-known/jwks.json */
  jwksUrl: string;
  /** The AUTH_* settings that trust this provider. */
  auth: Pick<AuthSettings, 'jwksUrl' | 'issuer' | 'audience'>;
  /**
   * A signed JWT (ES256, the served key's kid) with `iss`, `aud`, `sub: 'test-client'`, `iat` and
   * `exp` in an hour; `claims` add or replace claims (`{ scope: 'pii:read profile:read' }`,
   * `{ exp: <s> }`, `{ aud: 'other' }`).
   */
  mint(claims?: JWTPayload, options?: { key?: 'served' | 'unserved'; alg?: string }): Promise<string>;
  /** Requests the JWKS answered. */
  readonly fetches: number;
  close(): Promise<void>;
}

/** Starts the provider on a free loopback port. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const served = await generateKeyPair('ES256', { extractable: true });
  const unserved = await generateKeyPair('ES256', { extractable: true });
  const rsa = await generateKeyPair('RS384', { extractable: true });
  const jwk = (key: CryptoKey, kid: string, alg: string): Promise<JWK> => exportJWK(key).then((k) => ({ ...k, kid, alg, use: 'sig' }));
  // The RS384 key is served too, so that a token signed with it fails on AUTH_ALGORITHMS, not on a missing key.
  const keys = [await jwk(served.publicKey, 'test-es256', 'ES256'), await jwk(rsa.publicKey, 'test-rs384', 'RS384')];
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches += 1;
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  return {
    jwksUrl,
    auth: { jwksUrl, issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
    get fetches() {
      return fetches;
    },
    async mint(claims = {}, options = {}) {
      const alg = options.alg ?? 'ES256';
      const [key, kid] = alg === 'RS384' ? [rsa.privateKey, 'test-rs384'] : options.key === 'unserved' ? [unserved.privateKey, 'test-es256'] : [served.privateKey, 'test-es256'];
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, sub: 'test-client', iat: now, exp: now + 3600, ...claims })
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .sign(key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Fixed API keys of the tests (never of a real gateway: they are in the repository). Same form
 * as `npm run api-key` makes: the prefix and 43 base64url characters.
 */
export const TEST_API_KEYS = {
  /** Every scope: what `stack.query` sends. */
  full: { key: `cgw_test-full-${'f'.repeat(33)}`, scopes: SCOPES },
  profile: { key: `cgw_test-profile-${'p'.repeat(30)}`, scopes: ['profile:read'] },
  pii: { key: `cgw_test-pii-${'i'.repeat(34)}`, scopes: ['profile:read', 'pii:read'] },
  journey: { key: `cgw_test-journey-${'j'.repeat(30)}`, scopes: ['profile:read', 'journey:read'] },
  insights: { key: `cgw_test-insights-${'n'.repeat(29)}`, scopes: ['profile:read', 'insights:read'] },
  admin: { key: `cgw_test-admin-${'a'.repeat(32)}`, scopes: ['admin'] },
} as const satisfies Record<string, { key: string; scopes: readonly Scope[] }>;

/** The configuration entries of {@link TEST_API_KEYS}, named `test-<name>`. */
export const TEST_API_KEY_ENTRIES: ApiKeyEntry[] = Object.entries(TEST_API_KEYS).map(([name, { key, scopes }]) => ({ name: `test-${name}`, sha256: hashApiKey(key), scopes }));

/** `Authorization` header of a bearer credential. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
