/**
 * CORS (the Fetch standard's CORS protocol, fetch.spec.whatwg.org/#http-cors-protocol): which
 * headers answer a browser on another origin. Only configured origins (GATEWAY_CORS_ORIGINS) get
 * `Access-Control-Allow-Origin`; a refused origin gets none, and its browser keeps the answer from
 * the page. No cookies are used, so no `Access-Control-Allow-Credentials`.
 */
import { originAllowed, type OriginPattern } from '../access/origins.js';

/** The methods the endpoint answers (GET for queries in the URL, POST for the rest). */
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/**
 * The request headers a page may send: its credentials, its JSON body, and the headers Apollo
 * Server's CSRF prevention accepts as proof of a preflight (apollographql.com/docs/apollo-server/security/cors#preventing-cross-site-request-forgery-csrf).
 */
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name';
/** How long a browser may reuse a preflight's answer, in seconds (Chromium caps it at 7200). */
const MAX_AGE_S = '600';

/**
 * Headers for an answer to a request with `Origin: origin`. A preflight (OPTIONS) from an allowed
 * origin also gets the methods, headers and max age. `Vary: Origin` always, so that a cache does
 * not serve one origin's answer to another.
 */
export function corsHeaders(origin: string | undefined, patterns: readonly OriginPattern[], preflight: boolean): Record<string, string> {
  const headers: Record<string, string> = { vary: 'Origin' };
  if (origin === undefined || !originAllowed(origin, patterns)) return headers;
  headers['access-control-allow-origin'] = origin;
  if (preflight) {
    headers['access-control-allow-methods'] = ALLOWED_METHODS;
    headers['access-control-allow-headers'] = ALLOWED_HEADERS;
    headers['access-control-max-age'] = MAX_AGE_S;
  }
  return headers;
}
