/**
 * The pure part of authentication: what an API key looks like and how a presented one is matched
 * against the configured entries, how a JWT's claims give scopes and a client name, and how a
 * credential is told apart. No I/O: hashing with node:crypto is computation. The JWT signature
 * check (jose, the key set) is src/server/auth/.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isScope, SCOPES, type Scope } from './scopes.js';

/**
 * Every API key of this gateway starts with this, then 43 base64url characters (32 random bytes):
 * a bearer credential with it is an API key, any other is read as a JWT. The prefix also lets a
 * secret scanner (GitHub's, a log filter) recognise a leaked key.
 */
export const API_KEY_PREFIX = 'cgw_';

/** A new API key: {@link API_KEY_PREFIX} and 32 random bytes (node:crypto's CSPRNG) in base64url. */
export function mintApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** One configured API key (the `AUTH_API_KEYS` setting): never the key itself, only its hash. */
export interface ApiKeyEntry {
  /** The client's name: the access log and the logs name it; unique among the keys. */
  readonly name: string;
  /** SHA-256 of the whole key (prefix included), 64 lower-case hex digits. */
  readonly sha256: string;
  /** What the key may read; at least one. */
  readonly scopes: readonly Scope[];
}

/**
 * SHA-256 of an API key, as lower-case hex. A plain fast hash is right for these keys, unlike
 * for passwords: a key carries 256 random bits (see {@link API_KEY_PREFIX}), so a leaked hash
 * cannot be brute-forced, and a slow hash (bcrypt, scrypt) would cost every request its time.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The entry whose hash is the presented key's, or undefined. The comparison of the digests is in
 * constant time (node:crypto timingSafeEqual) and goes over every entry, so that neither how much
 * of a hash matched nor which entry matched shows in the time taken.
 */
export function findApiKey(key: string, entries: readonly ApiKeyEntry[]): ApiKeyEntry | undefined {
  const presented = Buffer.from(hashApiKey(key), 'hex');
  let found: ApiKeyEntry | undefined;
  for (const entry of entries) {
    const expected = Buffer.from(entry.sha256, 'hex');
    if (expected.length === presented.length && timingSafeEqual(expected, presented) && found === undefined) found = entry;
  }
  return found;
}

/** What a bearer credential is, by its form: an API key of ours, a compact JWS (three base64url parts), or neither. */
export function credentialKind(token: string): 'apiKey' | 'jwt' | 'malformed' {
  if (token.startsWith(API_KEY_PREFIX)) return 'apiKey';
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token) ? 'jwt' : 'malformed';
}

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 section 2.1; the scheme in
 * any case, RFC 9110 section 11.1). `missing` without the header; `malformed` for another scheme
 * or a header that is not one token.
 */
export function bearerTokenOf(header: string | undefined): { kind: 'token'; token: string } | { kind: 'missing' } | { kind: 'malformed'; reason: string } {
  if (header === undefined || header.trim() === '') return { kind: 'missing' };
  const match = /^(\S+)\s+(\S+)$/.exec(header.trim());
  if (!match) return { kind: 'malformed', reason: 'The Authorization header must be `Bearer <token>`: one scheme and one token.' };
  if (match[1]!.toLowerCase() !== 'bearer') return { kind: 'malformed', reason: 'The Authorization scheme must be Bearer (a JWT or an API key of this gateway).' };
  return { kind: 'token', token: match[2]! };
}

/**
 * The scopes a verified JWT grants, from its `scope` claim: a space-separated string (RFC 8693
 * section 4.2, RFC 9068 section 2.2.3). A `scp` claim holding an array of names (Microsoft Entra,
 * Okta) or a space-separated string is read too when there is no `scope`. Names this gateway does
 * not know (`openid`, another API's scopes) are left out: an identity provider issues tokens for
 * several APIs.
 */
export function scopesOfClaims(claims: Readonly<Record<string, unknown>>): Set<Scope> {
  const claim = claims['scope'] ?? claims['scp'];
  const names = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim.filter((n): n is string => typeof n === 'string') : [];
  return new Set(names.filter(isScope));
}

/**
 * The client a verified JWT names, for the logs and the access log: `azp` (OpenID Connect Core
 * 1.0 section 2, the authorized party), else `client_id` (RFC 9068 section 2.2, RFC 8693 section
 * 4.3), else `sub`; `unnamed` when none is a non-empty string.
 */
export function clientOfClaims(claims: Readonly<Record<string, unknown>>): string {
  for (const name of ['azp', 'client_id', 'sub']) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return 'unnamed';
}

/**
 * Reads scope names written comma- or space-separated ("pii:read,profile:read"). Empty text
 * gives an empty list; an unknown name is an error naming it and the known ones.
 */
export function parseScopeList(text: string): { ok: true; scopes: Scope[] } | { ok: false; error: string } {
  const names = text.split(/[\s,]+/).filter((n) => n !== '');
  const unknown = names.filter((n) => !isScope(n));
  if (unknown.length > 0) return { ok: false, error: `unknown scope ${unknown.map((n) => `"${n}"`).join(', ')}; scopes are ${SCOPES.join(', ')}.` };
  return { ok: true, scopes: [...new Set(names.filter(isScope))] };
}

/**
 * Reads the API keys' JSON: `[{ "name": "crm-sync", "sha256": "<64 hex>", "scopes": ["profile:read"] }]`.
 * Every problem is listed, each naming the entry (by position and name): a missing or repeated
 * name, a hash that is not 64 hex digits, no scope or an unknown one.
 */
export function parseApiKeys(value: unknown): { ok: true; keys: ApiKeyEntry[] } | { ok: false; errors: string[] } {
  if (!Array.isArray(value)) return { ok: false, errors: ['expected a JSON array of { "name", "sha256", "scopes" } objects (`npm run api-key` prints one).'] };
  const errors: string[] = [];
  const keys: ApiKeyEntry[] = [];
  const names = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const at = `key ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`${at}: expected an object { "name", "sha256", "scopes" }.`);
      return;
    }
    const { name, sha256, scopes } = entry as Record<string, unknown>;
    const label = typeof name === 'string' && name.trim() !== '' ? `${at} ("${name}")` : at;
    const problems: string[] = [];
    if (typeof name !== 'string' || name.trim() === '') problems.push('"name" must be a non-empty string');
    else if (names.has(name)) problems.push('"name" is used by an earlier key');
    if (typeof name === 'string') names.add(name);
    if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) problems.push('"sha256" must be the 64 hex digits of the key\'s SHA-256 (never the key itself)');
    let parsedScopes: Scope[] = [];
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string')) {
      problems.push(`"scopes" must be a non-empty array of scope names (${SCOPES.join(', ')})`);
    } else {
      const parsed = parseScopeList(scopes.join(','));
      if (parsed.ok) parsedScopes = parsed.scopes;
      else problems.push(`"scopes": ${parsed.error.replace(/\.$/, '')}`);
    }
    if (problems.length > 0) {
      errors.push(`${label}: ${problems.join('; ')}.`);
      return;
    }
    keys.push({ name: name as string, sha256: (sha256 as string).toLowerCase(), scopes: parsedScopes });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, keys };
}
