/**
 * What the client and the simulator agree on about the Shopify Admin REST API: the version this
 * connector was written against, where a resource lives, and its batch limit.
 */

/**
 * The Admin REST API version the connector and simulator were written and tested against. Every
 * endpoint used here is unchanged across the versions Shopify supports at the time of writing
 * (2026-01 to 2026-10), so any of them can be configured.
 */
export const SHOPIFY_API_VERSION = '2026-07';

/** Stable versions are named for the first month of a quarter; `unstable` is the preview. */
const API_VERSION_FORMAT = /^(?:\d{4}-(?:01|04|07|10)|unstable)$/;

export function isApiVersion(text: string): boolean {
  return API_VERSION_FORMAT.test(text);
}

/**
 * Shopify's largest `limit` on every list endpoint (the default is 50), and so the most ids one
 * `ids=` call can return.
 */
export const MAX_PAGE_SIZE = 250;

/** `/admin/api/2026-07/customers/search.json` for resource `customers/search`. */
export function adminPath(apiVersion: string, resource: string): string {
  return `/admin/api/${apiVersion}/${resource}.json`;
}

/** The request header that carries an Admin API access token (custom apps: `shpat_...`). */
export const ACCESS_TOKEN_HEADER = 'x-shopify-access-token';
