/**
 * HS256 JSON Web Tokens with node:crypto: enough for the simulator to issue and check tokens as
 * Open Loyalty does, and for the client to read when its own token expires. The client never
 * verifies a signature: only the server holds the key.
 */
import { createHmac } from 'node:crypto';
import { sameSecret } from '../shared/secrets.js';

export type JwtClaims = Record<string, unknown>;

export type JwtCheck = { ok: true; claims: JwtClaims } | { ok: false; reason: 'invalid' | 'expired' };

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function signJwt(claims: JwtClaims, secret: string): string {
  const payload = base64url(JSON.stringify(claims));
  return `${HEADER}.${payload}.${signature(`${HEADER}.${payload}`, secret)}`;
}

/** Checks the signature, the algorithm and `exp` (seconds since the epoch) against `nowMs`. */
export function verifyJwt(token: string, secret: string, nowMs: number): JwtCheck {
  const [header, payload, signed, extra] = token.split('.');
  if (header === undefined || payload === undefined || signed === undefined || extra !== undefined) {
    return { ok: false, reason: 'invalid' };
  }
  if (!sameSecret(signed, signature(`${header}.${payload}`, secret))) return { ok: false, reason: 'invalid' };
  // The signature covers the header, so an "alg" other than ours means a token we did not make.
  if (readSegment(header)?.alg !== 'HS256') return { ok: false, reason: 'invalid' };
  const claims = readSegment(payload);
  if (!claims || typeof claims.exp !== 'number') return { ok: false, reason: 'invalid' };
  return claims.exp * 1000 <= nowMs ? { ok: false, reason: 'expired' } : { ok: true, claims };
}

/** The claims of a token, unverified; null when it is not a JWT. */
export function readJwtClaims(token: string): JwtClaims | null {
  const payload = token.split('.')[1];
  return payload === undefined ? null : readSegment(payload);
}

function signature(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function readSegment(segment: string): JwtClaims | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JwtClaims) : null;
  } catch {
    return null;
  }
}
