/**
 * From a request's `Authorization` header to its {@link AccessGrant}, before Apollo runs: a JWT
 * verified with jose against the configured key set (a JWKS URL or a public key file), or an API
 * key matched against the configured hashes (src/access/credentials.ts), or the anonymous scopes.
 * The I/O part of authentication: fetching the JWKS, reading the key file.
 */
import { readFile } from 'node:fs/promises';
import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWK, type JWTVerifyGetKey } from 'jose';
import type { AuthSettings } from '../config.js';
import { fileReadProblem } from '../config.js';
import { bearerTokenOf, clientOfClaims, credentialKind, findApiKey, scopesOfClaims } from '../../access/credentials.js';
import type { AccessGrant } from '../../access/scopes.js';

/** What a request's credentials gave: a grant, or why it is refused (HTTP 401). */
export type Authentication =
  | { ok: true; grant: AccessGrant }
  | {
      ok: false;
      /** For the client: what was wrong and what is accepted; never the token. */
      message: string;
      /** For the log, a short stable reason: `no credentials`, `expired`, `bad signature`... */
      reason: string;
      /** RFC 6750 section 3.1: `invalid_token` when a token came; none when credentials are missing. */
      error?: 'invalid_token' | 'invalid_request';
    };

/** Checks the credentials of one request. */
export interface Authenticator {
  /** The header's value as it came (undefined when absent). Never throws: a failure is an {@link Authentication}. */
  authenticate(authorization: string | undefined): Promise<Authentication>;
  /** What the gateway accepts, for the start log: `jwt` (with its key source), `apiKeys` (count), `anonymous` (scopes). */
  readonly summary: Record<string, unknown>;
}

/** A start refused because of an auth setting: the message names it. */
export class AuthConfigurationError extends Error {
  override name = 'AuthConfigurationError';
}

/** How long a JWKS request may take, at start and when refetched for a new `kid`, in ms. */
const JWKS_TIMEOUT_MS = 5_000;
/** The least time between two refetches for an unknown `kid`, in ms (jose's default is 30 s). */
const JWKS_COOLDOWN_MS = 30_000;
/** A fetched key set is used this long before it is fetched again (jose's default is 10 min), in ms. */
const JWKS_MAX_AGE_MS = 600_000;

/**
 * Builds the authenticator: fetches the JWKS (AUTH_JWKS_URL) or reads the key file
 * (AUTH_PUBLIC_KEY_FILE) once, so that a key set that cannot be had stops the start.
 * @throws AuthConfigurationError naming the setting when the key set cannot be fetched or read,
 *   or holds no usable public key; and naming every way in when none is configured (no key set,
 *   no API key, no anonymous scopes).
 */
export async function createAuthenticator(auth: AuthSettings): Promise<Authenticator> {
  // The demo adds its own API key at start (demo/main.ts), so only a configured gateway can get here.
  if (auth.jwksUrl === null && auth.publicKeyFile === null && auth.apiKeys.length === 0 && auth.anonymousScopes === null) {
    throw new AuthConfigurationError(
      'No way in: every request would get 401. Set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE (JWT bearer tokens), AUTH_API_KEYS (API keys: `npm run api-key -- --name NAME --scopes profile:read`), or, on purpose, AUTH_ANONYMOUS_SCOPES (README.md, "Authentication").',
    );
  }
  const keys = await loadKeySet(auth);
  const summary: Record<string, unknown> = {
    jwt: auth.jwksUrl !== null ? `JWKS ${auth.jwksUrl}` : auth.publicKeyFile !== null ? `key file ${auth.publicKeyFile}` : 'off',
    apiKeys: auth.apiKeys.length,
    anonymous: auth.anonymousScopes === null ? 'refused (401)' : auth.anonymousScopes.join(' ') || '(no scope)',
  };
  return {
    summary,
    async authenticate(authorization) {
      const bearer = bearerTokenOf(authorization);
      if (bearer.kind === 'missing') {
        if (auth.anonymousScopes !== null) return { ok: true, grant: { kind: 'anonymous', client: 'anonymous', scopes: new Set(auth.anonymousScopes) } };
        return { ok: false, reason: 'no credentials', message: `This gateway needs credentials: send \`Authorization: Bearer <token>\` with ${acceptedCredentials(auth, keys !== null)}.` };
      }
      if (bearer.kind === 'malformed') return { ok: false, reason: 'malformed header', error: 'invalid_request', message: bearer.reason };
      const { token } = bearer;
      switch (credentialKind(token)) {
        case 'apiKey': {
          const entry = findApiKey(token, auth.apiKeys);
          if (!entry) return refused('unknown API key', 'The API key is not one of this gateway\'s keys (AUTH_API_KEYS): it was mistyped, revoked or is for another gateway.');
          return { ok: true, grant: { kind: 'apiKey', client: entry.name, scopes: new Set(entry.scopes) } };
        }
        case 'jwt':
          if (keys === null) return refused('JWT not accepted', `The token is a JWT, but this gateway verifies none (no AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE); it accepts ${acceptedCredentials(auth, false)}.`);
          return verifyJwt(token, keys, auth);
        case 'malformed':
          return refused('malformed token', `The bearer token is neither a JWT (three base64url parts separated by dots) nor an API key of this gateway (starting with cgw_).`);
      }
    },
  };
}

function refused(reason: string, message: string): Authentication {
  return { ok: false, reason, message, error: 'invalid_token' };
}

function acceptedCredentials(auth: AuthSettings, jwt: boolean): string {
  const kinds = [jwt ? 'a JWT from the configured identity provider' : null, auth.apiKeys.length > 0 ? 'an API key of this gateway' : null].filter((k) => k !== null);
  return kinds.length > 0 ? kinds.join(' or ') : 'nothing: no JWT key set and no API key is configured';
}

/**
 * Verifies a JWT: signature against the key set (with one of AUTH_ALGORITHMS), then `exp`/`nbf`
 * (with the clock tolerance), `iss` and `aud` when configured (RFC 7519 section 4.1, jose's
 * jwtVerify). Each failure gets its own message, without the token.
 */
async function verifyJwt(token: string, keys: JWTVerifyGetKey, auth: AuthSettings): Promise<Authentication> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: auth.algorithms,
      // RFC 8725 section 3.10 lets a deployment require claims; a token without `exp` would never expire.
      requiredClaims: ['exp'],
      clockTolerance: auth.clockToleranceS,
      ...(auth.issuer !== null ? { issuer: auth.issuer } : {}),
      ...(auth.audience !== null ? { audience: auth.audience } : {}),
    });
    return { ok: true, grant: { kind: 'jwt', client: clientOfClaims(payload), scopes: scopesOfClaims(payload) } };
  } catch (error) {
    return jwtFailure(error, auth);
  }
}

/** jose's errors (its `code`s, github.com/panva/jose docs/util/errors) as our messages. */
function jwtFailure(error: unknown, auth: AuthSettings): Authentication {
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload['exp'] === 'number' ? new Date(error.payload['exp'] * 1000).toISOString() : 'its exp';
    return refused('expired', `The token expired at ${exp} (clock tolerance ${auth.clockToleranceS} s): get a new one.`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return refused('wrong issuer', `The token's issuer (iss) is not the one this gateway accepts, ${auth.issuer ?? ''}.`);
      case 'aud':
        return refused('wrong audience', `The token's audience (aud) does not include this gateway's, ${auth.audience ?? ''}: ask the identity provider for a token for it.`);
      case 'nbf':
        return refused('not yet valid', `The token is not valid yet (nbf is in the future, beyond the ${auth.clockToleranceS} s clock tolerance).`);
      case 'exp':
        return refused('no expiry', 'The token has no expiry (exp claim): this gateway accepts only tokens that expire; ask the identity provider for one with a lifetime.');
      case 'iat':
        return refused('bad iat', 'The token\'s issued-at time (iat) is not a valid time.');
      default:
        return refused('bad claim', `The token's ${error.claim} claim is not valid (${error.reason}).`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return refused('algorithm not allowed', `The token is signed with an algorithm this gateway does not accept; accepted: ${auth.algorithms.join(', ')} (AUTH_ALGORITHMS).`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return refused('bad signature', 'The token\'s signature does not verify against the key set of the identity provider.');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return refused('no matching key', 'The token\'s signing key (kid and algorithm) is not in the identity provider\'s key set.');
  }
  if (error instanceof errors.JWKSTimeout || (error instanceof Error && /fetch|ECONN|network/i.test(error.message) && !(error instanceof errors.JOSEError))) {
    return refused('key set unavailable', 'The identity provider\'s key set could not be fetched to check the token; try again.');
  }
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid || error instanceof errors.JOSENotSupported) {
    return refused('malformed token', 'The token is not a well-formed signed JWT (JWS compact serialization with a JSON header and claims set).');
  }
  return refused('invalid token', 'The token could not be verified.');
}

/**
 * The key set JWTs are verified against, or null when neither AUTH_JWKS_URL nor
 * AUTH_PUBLIC_KEY_FILE is set. A remote set is fetched once here: a URL that does not answer a
 * JWKS with a key stops the start. jose then caches it (JWKS_MAX_AGE_MS) and refetches, at most
 * once per cooldown, when a token names a `kid` it does not hold (key rotation).
 */
async function loadKeySet(auth: AuthSettings): Promise<JWTVerifyGetKey | null> {
  if (auth.jwksUrl !== null) {
    const remote = createRemoteJWKSet(new URL(auth.jwksUrl), { timeoutDuration: JWKS_TIMEOUT_MS, cooldownDuration: JWKS_COOLDOWN_MS, cacheMaxAge: JWKS_MAX_AGE_MS });
    try {
      await remote.reload();
    } catch (error) {
      throw new AuthConfigurationError(`Bad setting AUTH_JWKS_URL: ${auth.jwksUrl} did not answer a JSON Web Key Set (${jwksProblem(error)}).`);
    }
    const usable = (remote.jwks()?.keys ?? []).filter(isPublicKey);
    if (usable.length === 0) throw new AuthConfigurationError(`Bad setting AUTH_JWKS_URL: the key set at ${auth.jwksUrl} holds no public signing key (RSA, EC or OKP).`);
    return remote;
  }
  if (auth.publicKeyFile !== null) {
    const path = auth.publicKeyFile;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new AuthConfigurationError(`Bad setting AUTH_PUBLIC_KEY_FILE: cannot read "${path}": ${fileReadProblem((error as NodeJS.ErrnoException).code)}.`);
    }
    const keys = publicKeysOf(text, path);
    const local = createLocalJWKSet({ keys });
    // A file with one key that names no `kid` (a PEM always): identity providers still put a
    // `kid` in their tokens' headers, and a set matches a header's `kid` only to a key of that
    // `kid`. The one key verifies every token, whatever `kid` it names.
    // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
    // spread gets a hidden class of its own each time (docs/hidden-classes.md).
    if (keys.length === 1 && keys[0]!.kid === undefined) return (header, token) => local(Object.assign({}, header, { kid: undefined }), token);
    return local;
  }
  return null;
}

function jwksProblem(error: unknown): string {
  if (error instanceof errors.JWKSTimeout) return `no answer within ${JWKS_TIMEOUT_MS} ms`;
  if (error instanceof errors.JWKSInvalid) return 'the answer is not a key set: expected JSON {"keys": [...]}';
  if (error instanceof errors.JOSEError) return error.message;
  const cause = error instanceof Error && error.cause instanceof Error ? ` ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}

/** A JWK that can verify a signature with an asymmetric algorithm; symmetric (`oct`) and private keys are not. */
function isPublicKey(jwk: JWK): boolean {
  return (jwk.kty === 'RSA' || jwk.kty === 'EC' || jwk.kty === 'OKP') && jwk.d === undefined && (jwk.use === undefined || jwk.use === 'sig');
}

/**
 * The public keys of AUTH_PUBLIC_KEY_FILE: a PEM SubjectPublicKeyInfo (RFC 7468 section 13), a
 * JWK (RFC 7517 section 4) or a JWK Set (section 5).
 * @throws AuthConfigurationError naming the setting: neither form, a private or symmetric key.
 */
function publicKeysOf(text: string, path: string): JWK[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) {
    try {
      return [createPublicKey({ key: trimmed, format: 'pem' }).export({ format: 'jwk' }) as JWK];
    } catch {
      throw new AuthConfigurationError(`Bad setting AUTH_PUBLIC_KEY_FILE: "${path}" has a PEM public key header but its key cannot be read.`);
    }
  }
  if (trimmed.startsWith('-----BEGIN')) {
    throw new AuthConfigurationError(`Bad setting AUTH_PUBLIC_KEY_FILE: "${path}" is not a PEM public key (-----BEGIN PUBLIC KEY-----); never give the gateway a private key.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new AuthConfigurationError(`Bad setting AUTH_PUBLIC_KEY_FILE: "${path}" is neither a PEM public key (-----BEGIN PUBLIC KEY-----) nor a JWK or JWK Set in JSON.`);
  }
  const keys = typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys) ? ((value as { keys: JWK[] }).keys) : [value as JWK];
  const usable = keys.filter((k) => typeof k === 'object' && k !== null && isPublicKey(k));
  if (usable.length !== keys.length || usable.length === 0) {
    throw new AuthConfigurationError(`Bad setting AUTH_PUBLIC_KEY_FILE: "${path}" must hold public signing keys only (kty RSA, EC or OKP, without "d"); symmetric and private keys are refused.`);
  }
  return usable;
}
