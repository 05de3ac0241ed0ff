import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, bearerTokenOf, clientOfClaims, credentialKind, findApiKey, hashApiKey, mintApiKey, parseApiKeys, parseScopeList, scopesOfClaims, type ApiKeyEntry } from './credentials.js';

describe('API keys', () => {
  it('hashes a key as SHA-256 in lower-case hex (the FIPS 180-4 test vector "abc")', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('mints keys of the prefix and 43 base64url characters (256 bits), never twice the same', () => {
    const keys = Array.from({ length: 50 }, () => mintApiKey());
    for (const key of keys) expect(key).toMatch(/^cgw_[A-Za-z0-9_-]{43}$/);
    expect(new Set(keys).size).toBe(50);
    expect(API_KEY_PREFIX).toBe('cgw_');
  });

  it('finds the entry whose hash is the key\'s, and none for another key, a prefix of it or an empty one', () => {
    const entries: ApiKeyEntry[] = [
      { name: 'crm-sync', sha256: hashApiKey('cgw_one'), scopes: ['profile:read'] },
      { name: 'personalizer', sha256: hashApiKey('cgw_two'), scopes: ['insights:read'] },
    ];
    expect(findApiKey('cgw_two', entries)?.name).toBe('personalizer');
    expect(findApiKey('cgw_one', entries)?.name).toBe('crm-sync');
    for (const other of ['cgw_three', 'cgw_tw', '', 'CGW_TWO']) expect(findApiKey(other, entries), other).toBeUndefined();
    // An entry with a malformed hash (of another length) never matches rather than throwing.
    expect(findApiKey('cgw_one', [{ name: 'short', sha256: 'abcd', scopes: ['admin'] }])).toBeUndefined();
  });

  it('reads the configured entries, lower-casing the hash and dropping a repeated scope', () => {
    const sha256 = 'AB'.repeat(32);
    expect(parseApiKeys([{ name: 'x', sha256, scopes: ['admin', 'admin', 'pii:read'] }])).toEqual({ ok: true, keys: [{ name: 'x', sha256: 'ab'.repeat(32), scopes: ['admin', 'pii:read'] }] });
    expect(parseApiKeys({ name: 'x' })).toEqual({ ok: false, errors: ['expected a JSON array of { "name", "sha256", "scopes" } objects (`npm run api-key` prints one).'] });
    expect(parseApiKeys(['cgw_key'])).toEqual({ ok: false, errors: ['key 1: expected an object { "name", "sha256", "scopes" }.'] });
    expect(parseApiKeys([{ sha256, scopes: ['admin'] }])).toEqual({ ok: false, errors: ['key 1: "name" must be a non-empty string.'] });
  });
});

describe('bearer credentials', () => {
  it('reads the token of a Bearer header, the scheme in any case', () => {
    expect(bearerTokenOf('Bearer abc.def.ghi')).toEqual({ kind: 'token', token: 'abc.def.ghi' });
    expect(bearerTokenOf('bearer  cgw_x ')).toEqual({ kind: 'token', token: 'cgw_x' });
    expect(bearerTokenOf(undefined)).toEqual({ kind: 'missing' });
    expect(bearerTokenOf('  ')).toEqual({ kind: 'missing' });
    expect(bearerTokenOf('Basic dXNlcjpwYXNz')).toEqual({ kind: 'malformed', reason: 'The Authorization scheme must be Bearer (a JWT or an API key of this gateway).' });
    expect(bearerTokenOf('Bearer')).toEqual({ kind: 'malformed', reason: 'The Authorization header must be `Bearer <token>`: one scheme and one token.' });
    expect(bearerTokenOf('Bearer a b')).toEqual({ kind: 'malformed', reason: 'The Authorization header must be `Bearer <token>`: one scheme and one token.' });
  });

  it('tells an API key from a JWT by its form', () => {
    expect(credentialKind('cgw_abc')).toBe('apiKey');
    expect(credentialKind('eyJh.eyJz.c2ln')).toBe('jwt');
    expect(credentialKind('eyJh.eyJz.')).toBe('jwt');
    expect(credentialKind('opaque-token')).toBe('malformed');
    expect(credentialKind('a.b.c.d.e')).toBe('malformed');
  });
});

describe('JWT claims', () => {
  it('reads known scopes from a space-separated scope claim, else an scp array or string, leaving unknown ones out', () => {
    expect([...scopesOfClaims({ scope: 'openid profile:read  pii:read' })]).toEqual(['profile:read', 'pii:read']);
    expect([...scopesOfClaims({ scp: ['admin', 'other.api', 3] })]).toEqual(['admin']);
    expect([...scopesOfClaims({ scp: 'journey:read' })]).toEqual(['journey:read']);
    // scope wins over scp when both are there.
    expect([...scopesOfClaims({ scope: 'profile:read', scp: ['admin'] })]).toEqual(['profile:read']);
    expect([...scopesOfClaims({ scope: 42 })]).toEqual([]);
    expect([...scopesOfClaims({})]).toEqual([]);
  });

  it('names the client by azp, then client_id, then sub', () => {
    expect(clientOfClaims({ azp: 'web', client_id: 'x', sub: 'y' })).toBe('web');
    expect(clientOfClaims({ client_id: 'personalizer', sub: 'y' })).toBe('personalizer');
    expect(clientOfClaims({ sub: 'user-7', azp: '' })).toBe('user-7');
    expect(clientOfClaims({})).toBe('unnamed');
  });
});

describe('scope lists', () => {
  it('reads names separated by commas or spaces, refusing an unknown one', () => {
    expect(parseScopeList('pii:read, profile:read admin')).toEqual({ ok: true, scopes: ['pii:read', 'profile:read', 'admin'] });
    expect(parseScopeList('')).toEqual({ ok: true, scopes: [] });
    expect(parseScopeList('pii:read,PII:READ')).toEqual({ ok: false, error: 'unknown scope "PII:READ"; scopes are profile:read, pii:read, journey:read, insights:read, admin.' });
  });
});
