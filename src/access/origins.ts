/**
 * The browser origins allowed to call the gateway (CORS), and how one is matched. Pure.
 * An origin is `scheme://host[:port]` (RFC 6454 section 6.1, the serialization browsers send in
 * the `Origin` header); a pattern is an exact origin or one whose host starts with `*.`.
 */
import { getPublicSuffix } from 'tldts';

/** One allowed origin: exact, or any subdomain (at any depth) of `suffix`, never the bare domain. */
export type OriginPattern = { kind: 'exact'; origin: string } | { kind: 'subdomains'; scheme: string; suffix: string; port: string };

/**
 * Reads one pattern: `https://app.example.com`, `http://localhost:5173`, `https://*.example.com`.
 * Refused, with what is accepted: a path, query or fragment, a user, `*` alone or anywhere but
 * the whole first label, a scheme other than http(s).
 */
export function parseOriginPattern(text: string): { ok: true; pattern: OriginPattern } | { ok: false; error: string } {
  const accepted = 'an origin is scheme://host[:port] such as https://app.example.com or http://localhost:5173, or https://*.example.com for its subdomains';
  const match = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i.exec(text);
  if (!match || match[3]!.includes('*') || match[3]!.startsWith('.') || match[3]!.endsWith('.')) return { ok: false, error: `"${text}" is not an origin pattern: ${accepted}.` };
  const scheme = match[1]!.toLowerCase();
  const host = match[3]!.toLowerCase();
  const port = match[4] ?? '';
  if (port !== '' && (Number(port) < 1 || Number(port) > 65_535)) return { ok: false, error: `"${text}" has port ${port}; a port is 1-65535.` };
  // Browsers leave the scheme's default port out of the Origin header.
  const shownPort = port === '' || (scheme === 'https' && port === '443') || (scheme === 'http' && port === '80') ? '' : port;
  if (match[2]) {
    // A public suffix (com, co.uk, github.io: the Public Suffix List, private domains included)
    // is where anyone can register a name: `*.co.uk` would let every .co.uk site call.
    if (!host.includes('.') || getPublicSuffix(host, { allowPrivateDomains: true }) === host) {
      return { ok: false, error: `"${text}" would allow every site registered under the public suffix ${host}; name your own domain (https://*.example.com).` };
    }
    return { ok: true, pattern: { kind: 'subdomains', scheme, suffix: `.${host}`, port: shownPort } };
  }
  return { ok: true, pattern: { kind: 'exact', origin: `${scheme}://${host}${shownPort === '' ? '' : `:${shownPort}`}` } };
}

/** True when the `Origin` header's value is one the patterns allow. `null` (a sandboxed frame, a file) never is. */
export function originAllowed(origin: string, patterns: readonly OriginPattern[]): boolean {
  const value = origin.toLowerCase();
  for (const pattern of patterns) {
    if (pattern.kind === 'exact') {
      if (value === pattern.origin) return true;
      continue;
    }
    const match = /^(https?):\/\/([a-z0-9.-]+)(?::(\d+))?$/.exec(value);
    if (!match || match[1] !== pattern.scheme || (match[3] ?? '') !== pattern.port) continue;
    const host = match[2]!;
    if (host.endsWith(pattern.suffix) && host.length > pattern.suffix.length) return true;
  }
  return false;
}

/** A pattern as configured, for the start log. */
export function formatOriginPattern(pattern: OriginPattern): string {
  return pattern.kind === 'exact' ? pattern.origin : `${pattern.scheme}://*${pattern.suffix}${pattern.port === '' ? '' : `:${pattern.port}`}`;
}
