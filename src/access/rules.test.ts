import { describe, expect, it } from 'vitest';
import { allows, bothAlternatives, describeAlternatives, parseScopeAlternatives, satisfiedAlternative } from './rules.js';
import type { AccessGrant, Scope } from './scopes.js';

const grant = (scopes: Scope[], kind: AccessGrant['kind'] = 'apiKey'): AccessGrant => ({ kind, client: 'test', scopes: new Set(scopes) });

describe('satisfiedAlternative', () => {
  const rule = parseScopeAlternatives([['profile:read'], ['pii:read', 'journey:read']], 'Customer.x');

  it('answers the first alternative whose every scope the grant holds', () => {
    expect(satisfiedAlternative(grant(['profile:read']), rule)).toEqual(['profile:read']);
    expect(satisfiedAlternative(grant(['journey:read', 'pii:read']), rule)).toEqual(['pii:read', 'journey:read']);
    expect(satisfiedAlternative(grant(['profile:read', 'pii:read', 'journey:read']), rule)).toEqual(['profile:read']);
  });

  it('answers null when every alternative misses a scope (AND within, OR across)', () => {
    expect(satisfiedAlternative(grant(['pii:read']), rule)).toBeNull();
    expect(satisfiedAlternative(grant(['journey:read', 'insights:read', 'admin']), rule)).toBeNull();
    expect(satisfiedAlternative(grant([]), rule)).toBeNull();
  });
});

describe('allows', () => {
  it('refuses an anonymous grant on an @authenticated field, whatever its scopes', () => {
    const rule = { authenticated: true, scopes: null };
    expect(allows(grant(['admin'], 'anonymous'), rule)).toBe(false);
    expect(allows(grant([], 'jwt'), rule)).toBe(true);
  });

  it('needs both @authenticated and the scopes when a field has both', () => {
    const rule = { authenticated: true, scopes: parseScopeAlternatives([['admin']], 'Mutation.evictCustomer') };
    expect(allows(grant(['admin'], 'apiKey'), rule)).toBe(true);
    expect(allows(grant(['admin'], 'anonymous'), rule)).toBe(false);
    expect(allows(grant(['pii:read'], 'jwt'), rule)).toBe(false);
  });

  it('lets an anonymous grant read a field that needs only scopes it holds', () => {
    expect(allows(grant(['profile:read'], 'anonymous'), { authenticated: false, scopes: [['profile:read']] })).toBe(true);
  });
});

describe('parseScopeAlternatives', () => {
  it('refuses an unknown scope, naming the field and the known scopes', () => {
    expect(() => parseScopeAlternatives([['pii:reed']], 'Customer.email')).toThrow(
      'Customer.email: @requiresScopes names an unknown scope "pii:reed". Known scopes: profile:read, pii:read, journey:read, insights:read, admin.',
    );
  });

  it('refuses an empty list and an empty alternative, which would guard nothing', () => {
    expect(() => parseScopeAlternatives([], 'Customer.email')).toThrow('Customer.email: @requiresScopes(scopes: []) lists no alternative');
    expect(() => parseScopeAlternatives([['pii:read'], []], 'Customer.email')).toThrow('Customer.email: @requiresScopes has an empty alternative');
  });
});

describe('describeAlternatives', () => {
  it('says the scopes in words, for the FORBIDDEN message', () => {
    expect(describeAlternatives([['pii:read']])).toBe('"pii:read"');
    expect(describeAlternatives([['profile:read'], ['pii:read', 'journey:read']])).toBe('"profile:read" or "pii:read" and "journey:read"');
  });
});

describe('bothAlternatives', () => {
  it('joins every pair of alternatives, without repeating a scope', () => {
    expect(bothAlternatives([['profile:read'], ['pii:read']], [['pii:read']])).toEqual([['profile:read', 'pii:read'], ['pii:read']]);
    expect(bothAlternatives(null, [['admin']])).toEqual([['admin']]);
    expect(bothAlternatives([['admin']], null)).toEqual([['admin']]);
    expect(bothAlternatives(null, null)).toBeNull();
  });
});
