import { describe, expect, it } from 'vitest';
import { formatOriginPattern, originAllowed, parseOriginPattern, type OriginPattern } from './origins.js';

const patterns = (...texts: string[]): OriginPattern[] =>
  texts.map((text) => {
    const parsed = parseOriginPattern(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.pattern;
  });

describe('origin patterns', () => {
  it('reads exact origins as browsers send them: lower case, without the default port', () => {
    expect(patterns('HTTPS://App.Example.com', 'https://app.example.com:443', 'http://localhost:5173', 'http://[::1]:8080')).toEqual([
      { kind: 'exact', origin: 'https://app.example.com' },
      { kind: 'exact', origin: 'https://app.example.com' },
      { kind: 'exact', origin: 'http://localhost:5173' },
      { kind: 'exact', origin: 'http://[::1]:8080' },
    ]);
  });

  it('refuses a path, a wildcard anywhere but the first label, a bare wildcard, a wildcard on a public suffix, another scheme, a bad port', () => {
    const accepted = 'an origin is scheme://host[:port] such as https://app.example.com or http://localhost:5173, or https://*.example.com for its subdomains';
    for (const text of ['https://app.example.com/', 'https://a*.example.com', 'https://app.*.com', '*', 'ftp://x.example.com', 'https://user@x.example.com', 'app.example.com']) {
      expect(parseOriginPattern(text), text).toEqual({ ok: false, error: `"${text}" is not an origin pattern: ${accepted}.` });
    }
    expect(parseOriginPattern('https://*.com')).toEqual({ ok: false, error: '"https://*.com" would allow every site registered under the public suffix com; name your own domain (https://*.example.com).' });
    // Public suffixes of more than one label (the Public Suffix List), private ones included.
    expect(parseOriginPattern('https://*.co.uk')).toEqual({ ok: false, error: '"https://*.co.uk" would allow every site registered under the public suffix co.uk; name your own domain (https://*.example.com).' });
    expect(parseOriginPattern('https://*.github.io').ok).toBe(false);
    expect(parseOriginPattern('https://*.shop.example.co.uk')).toEqual({ ok: true, pattern: { kind: 'subdomains', scheme: 'https', suffix: '.shop.example.co.uk', port: '' } });
    expect(parseOriginPattern('https://x.example.com:70000')).toEqual({ ok: false, error: '"https://x.example.com:70000" has port 70000; a port is 1-65535.' });
  });

  it('allows an exact origin and the subdomains of a pattern at any depth, never the bare domain, another scheme or port', () => {
    const allowed = patterns('https://app.example.com', 'https://*.shops.example.org', 'http://*.local.test:3000');
    const cases: Record<string, boolean> = {
      'https://app.example.com': true,
      'https://APP.example.com': true,
      'https://app.example.com:8443': false,
      'http://app.example.com': false,
      'https://paris.shops.example.org': true,
      'https://a.b.shops.example.org': true,
      'https://shops.example.org': false,
      'https://evilshops.example.org': false,
      'https://paris.shops.example.org:444': false,
      'http://web.local.test:3000': true,
      'http://web.local.test': false,
      null: false,
    };
    const got = Object.fromEntries(Object.keys(cases).map((origin) => [origin, originAllowed(origin, allowed)]));
    expect(got).toEqual(cases);
  });

  it('writes a pattern back as configured', () => {
    expect(patterns('https://*.example.com:8443', 'https://app.example.com').map(formatOriginPattern)).toEqual(['https://*.example.com:8443', 'https://app.example.com']);
  });
});
