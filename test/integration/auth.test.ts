/**
 * Authentication through real HTTP: a real identity provider on loopback (its JWKS served by
 * node:http, keys made with jose) signing real tokens, real API keys checked by their hashes;
 * the 401 answers and their messages, the grant each credential gives (seen through the admin
 * scope of evictCustomer), anonymous access configured on purpose, the start refused for a key set
 * that cannot be had, and CORS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, TEST_API_KEYS, TEST_AUDIENCE, TEST_ISSUER } from '../support/auth.js';
import { TEST_SETTINGS, useStack, type Stack } from '../support/stack.js';
import { startGateway } from '../../src/server/server.js';
import { createLogger } from '../../src/shared/logger.js';
import type { AuthSettings } from '../../src/server/config.js';

const IDS = 'query ($id: ID!) { customer(id: $id) { id } }';
const EVICT = 'mutation ($id: ID!) { evictCustomer(id: $id) { evictedIdentifiers } }';
const CHALLENGE = 'Bearer realm="customer-gateway"';
const INVALID_TOKEN = 'Bearer realm="customer-gateway", error="invalid_token"';

/** POSTs with exactly these headers; the raw text too, to search it for a token. */
async function send(stack: Stack, headers: Record<string, string>, query = IDS, variables: Record<string, unknown> = { id: 'crm:999999999' }) {
  const res = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), text, body: JSON.parse(text) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

function unauthenticated(message: string) {
  return { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] };
}

describe('a gateway trusting a JWKS and API keys, with no anonymous access', () => {
  const stack = useStack({ size: 30 });
  const now = () => Math.floor(Date.now() / 1000);

  it('answers a request without credentials with 401, UNAUTHENTICATED, the Bearer challenge and what to send', async () => {
    const answer = await send(stack, {});
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe(CHALLENGE);
    expect(answer.body).toEqual(
      unauthenticated('This gateway needs credentials: send `Authorization: Bearer <token>` with a JWT from the configured identity provider or an API key of this gateway.'),
    );
  });

  it('accepts a valid JWT and an API key', async () => {
    const token = await stack.issuer.mint({ scope: 'profile:read' });
    for (const headers of [bearer(token), bearer(TEST_API_KEYS.profile.key)]) {
      const answer = await send(stack, headers);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: { customer: null } });
    }
  });

  it('refuses each bad JWT with 401, invalid_token and its own message, never echoing the token nor logging it', async () => {
    const from = stack.logs.length;
    const exp = now() - 3600;
    const cases: Array<[string, string, string]> = [
      ['bad signature', await stack.issuer.mint({}, { key: 'unserved' }), "The token's signature does not verify against the key set of the identity provider."],
      ['expired', await stack.issuer.mint({ iat: exp - 600, exp }), `The token expired at ${new Date(exp * 1000).toISOString()} (clock tolerance 30 s): get a new one.`],
      ['no expiry', await stack.issuer.mint({ exp: undefined }), 'The token has no expiry (exp claim): this gateway accepts only tokens that expire; ask the identity provider for one with a lifetime.'],
      ['wrong issuer', await stack.issuer.mint({ iss: 'https://elsewhere.example' }), `The token's issuer (iss) is not the one this gateway accepts, ${TEST_ISSUER}.`],
      [
        'wrong audience',
        await stack.issuer.mint({ aud: 'another-api' }),
        `The token's audience (aud) does not include this gateway's, ${TEST_AUDIENCE}: ask the identity provider for a token for it.`,
      ],
      ['algorithm not allowed', await stack.issuer.mint({}, { alg: 'RS384' }), 'The token is signed with an algorithm this gateway does not accept; accepted: RS256, PS256, ES256, EdDSA (AUTH_ALGORITHMS).'],
      ['malformed', 'eyJub3QiOiJhIGhlYWRlciJ9.e30.c2ln', 'The token is not a well-formed signed JWT (JWS compact serialization with a JSON header and claims set).'],
      ['neither', 'just-some-opaque-token', 'The bearer token is neither a JWT (three base64url parts separated by dots) nor an API key of this gateway (starting with cgw_).'],
      ['unknown API key', 'cgw_revoked-or-mistyped-key-0000000000000000000', "The API key is not one of this gateway's keys (AUTH_API_KEYS): it was mistyped, revoked or is for another gateway."],
    ];
    for (const [name, token, message] of cases) {
      const answer = await send(stack, bearer(token));
      expect(answer.status, name).toBe(401);
      expect(answer.challenge, name).toBe(INVALID_TOKEN);
      expect(answer.body, name).toEqual(unauthenticated(message));
      expect(answer.text, name).not.toContain(token);
    }
    const logged = stack.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l['message'] === 'request refused');
    expect(logged.map((l) => l['reason'])).toEqual(['bad signature', 'expired', 'no expiry', 'wrong issuer', 'wrong audience', 'algorithm not allowed', 'malformed token', 'malformed token', 'unknown API key']);
    const log = stack.logs.slice(from).join('\n');
    for (const [, token] of cases) expect(log).not.toContain(token);
  });

  it('refuses an Authorization header of another scheme with invalid_request', async () => {
    const answer = await send(stack, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe('Bearer realm="customer-gateway", error="invalid_request"');
    expect(answer.body).toEqual(unauthenticated('The Authorization scheme must be Bearer (a JWT or an API key of this gateway).'));
  });

  it("grants a JWT exactly its scope claim's scopes (space-separated, or an scp array): admin only when it is there", async () => {
    const from = stack.logs.length;
    const allowed = [await stack.issuer.mint({ scope: 'profile:read admin' }), await stack.issuer.mint({ scp: ['admin'] })];
    for (const token of allowed) {
      const answer = await send(stack, bearer(token), EVICT);
      expect(answer.body).toEqual({ data: { evictCustomer: { evictedIdentifiers: 0 } } });
    }
    // Every scope but admin, and a token without any scope claim, and an unknown "admin:all".
    const refused = [await stack.issuer.mint({ scope: 'profile:read pii:read journey:read insights:read' }), await stack.issuer.mint({}), await stack.issuer.mint({ scope: 'admin:all openid' })];
    for (const token of refused) {
      const answer = await send(stack, bearer(token), EVICT);
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
    }
    const refusals = stack.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l['message'] === 'admin operation refused');
    expect(refusals.map((l) => [l['client'], l['kind']])).toEqual([['test-client', 'jwt'], ['test-client', 'jwt'], ['test-client', 'jwt']]);
  });

  it('grants each API key its configured scopes: evictCustomer for the keys with admin only, queries for all', async () => {
    const evictions: Record<string, string> = {};
    for (const [name, { key }] of Object.entries(TEST_API_KEYS)) {
      const query = await send(stack, bearer(key));
      expect(query.status, name).toBe(200);
      const evict = await send(stack, bearer(key), EVICT);
      evictions[name] = evict.body.errors ? String(evict.body.errors[0]!.extensions?.['code']) : 'evicted';
    }
    expect(evictions).toEqual({ full: 'evicted', profile: 'FORBIDDEN', pii: 'FORBIDDEN', journey: 'FORBIDDEN', insights: 'FORBIDDEN', admin: 'evicted' });
  });

  it('serves Sandbox\'s page to a browser without credentials (it runs no operation), but runs no operation from one', async () => {
    const page = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('embeddable-sandbox');
    // Prefers JSON, though it accepts HTML: Apollo runs the operation, so the context refuses it.
    const get = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'text/html;q=0.1, application/json', 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(401);
    expect(get.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(await get.json()).toEqual(
      unauthenticated('This gateway needs credentials: send `Authorization: Bearer <token>` with a JWT from the configured identity provider or an API key of this gateway.'),
    );
  });
});

describe('a gateway with anonymous scopes configured on purpose', () => {
  const stack = useStack({ size: 30, settings: (s) => ({ ...s, auth: { ...s.auth, anonymousScopes: ['profile:read'] } }) });

  it('answers a request without credentials with the anonymous scopes: queries, but not evictCustomer', async () => {
    const query = await send(stack, {});
    expect(query).toMatchObject({ status: 200, body: { data: { customer: null } } });
    const evict = await send(stack, {}, EVICT);
    expect(evict.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
    expect(stack.logs.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ message: 'admin operation refused', client: 'anonymous', kind: 'anonymous' }));
  });

  it('still refuses a bad credential rather than falling back to anonymous', async () => {
    const answer = await send(stack, bearer('cgw_wrong-key'));
    expect(answer.status).toBe(401);
  });
});

describe('CORS', () => {
  const stack = useStack({
    size: 30,
    settings: (s) => ({ ...s, corsOrigins: [{ kind: 'exact', origin: 'https://app.example.com' }, { kind: 'subdomains', scheme: 'https', suffix: '.shops.example.org', port: '' }] }),
  });
  const preflight = (origin: string) =>
    fetch(stack.gateway.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('answers a preflight from an allowed origin (exact or a subdomain pattern) with 204 and what it may send', async () => {
    for (const origin of ['https://app.example.com', 'https://paris.shops.example.org']) {
      const res = await preflight(origin);
      expect(res.status, origin).toBe(204);
      expect(Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary')), origin).toEqual({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name',
        'access-control-max-age': '600',
        vary: 'Origin',
      });
    }
  });

  it('answers a preflight from another origin without Access-Control-Allow-Origin, so the browser refuses', async () => {
    for (const origin of ['https://evil.example.net', 'https://shops.example.org', 'http://app.example.com', 'null']) {
      const res = await preflight(origin);
      expect(res.status, origin).toBe(204);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('vary'), origin).toBe('Origin');
    }
  });

  it('lets the allowed origin read an answer, and keeps Apollo\'s CSRF prevention for a simple request', async () => {
    const allowed = await send(stack, { origin: 'https://app.example.com', ...bearer(TEST_API_KEYS.full.key) });
    expect(allowed.status).toBe(200);
    const refused = await fetch(stack.gateway.url, { method: 'POST', headers: { origin: 'https://evil.example.net', 'content-type': 'application/json', ...bearer(TEST_API_KEYS.full.key) }, body: JSON.stringify({ query: IDS, variables: { id: 'crm:1' } }) });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // A GET a page could make without a preflight (no JSON content type, no apollo-require-preflight) is refused by Apollo.
    const simple = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: 'https://app.example.com', ...bearer(TEST_API_KEYS.full.key) } });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toContain('CSRF');
  });
});

describe('the key set at start', () => {
  const stack = useStack({ size: 20 });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-auth-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const start = (auth: Partial<AuthSettings>) =>
    startGateway({ settings: { ...TEST_SETTINGS, auth: { ...TEST_SETTINGS.auth, ...auth } }, connectors: stack.connectors, logger: createLogger('silent') });

  it('refuses to start when AUTH_JWKS_URL does not answer a key set, naming the setting', async () => {
    const notJson = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": "none"}'));
    await new Promise<void>((resolve) => notJson.listen(0, '127.0.0.1', resolve));
    const port = (notJson.address() as { port: number }).port;
    try {
      await expect(start({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` })).rejects.toThrow(
        `Bad setting AUTH_JWKS_URL: http://127.0.0.1:${port}/jwks.json did not answer a JSON Web Key Set (the answer is not a key set: expected JSON {"keys": [...]}).`,
      );
    } finally {
      notJson.close();
    }
    await expect(start({ jwksUrl: 'http://127.0.0.1:9/jwks.json' })).rejects.toThrow(/^Bad setting AUTH_JWKS_URL: http:\/\/127\.0\.0\.1:9\/jwks\.json did not answer a JSON Web Key Set \(/);
  });

  it('refuses to start with an unreadable or private key file, naming AUTH_PUBLIC_KEY_FILE', async () => {
    await expect(start({ publicKeyFile: join(dir, 'missing.pem') })).rejects.toThrow(`Bad setting AUTH_PUBLIC_KEY_FILE: cannot read "${join(dir, 'missing.pem')}": no such file.`);
    const oct = join(dir, 'oct.json');
    await writeFile(oct, JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }));
    await expect(start({ publicKeyFile: oct })).rejects.toThrow(
      `Bad setting AUTH_PUBLIC_KEY_FILE: "${oct}" must hold public signing keys only (kty RSA, EC or OKP, without "d"); symmetric and private keys are refused.`,
    );
  });

  it('refuses to start with no way in', async () => {
    await expect(start({ apiKeys: [] })).rejects.toThrow(/^No way in: every request would get 401\. Set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE/);
  });

  it('verifies JWTs with a PEM public key file', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = join(dir, 'issuer.pem');
    await writeFile(pem, await exportSPKI(publicKey));
    const gateway = await start({ publicKeyFile: pem, issuer: 'https://pem.example', audience: 'gw' });
    try {
      const sign = (aud: string, kid?: string) =>
        new SignJWT({ scope: 'admin', azp: 'pem-client' }).setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) }).setIssuer('https://pem.example').setAudience(aud).setExpirationTime('5m').sign(privateKey);
      const post = async (token: string) => {
        const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify({ query: EVICT, variables: { id: 'crm:1' } }) });
        return { status: res.status, body: await res.json() };
      };
      expect(await post(await sign('gw'))).toEqual({ status: 200, body: { data: { evictCustomer: { evictedIdentifiers: 0 } } } });
      // Identity providers name their key in the header; a PEM names none, and its one key verifies it.
      expect(await post(await sign('gw', 'provider-key-2026'))).toEqual({ status: 200, body: { data: { evictCustomer: { evictedIdentifiers: 0 } } } });
      expect((await post(await sign('other'))).status).toBe(401);
    } finally {
      await gateway.close();
    }
  });
});
