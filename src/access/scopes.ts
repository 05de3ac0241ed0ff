/**
 * The access scopes a client can hold, and the grant a request carries once its credentials are
 * checked. A JWT's `scope` claim (RFC 8693 section 4.2: space-separated) and an API key's configured
 * scopes are both read into an {@link AccessGrant}; field resolvers only ever see the grant.
 */

/**
 * Every scope, with what it lets a client read. The schema declares the same names with the Apollo
 * Federation directive `@requiresScopes(scopes: [["pii:read"]])` on the fields they guard.
 */
export const SCOPE_DESCRIPTIONS = {
  'profile:read': 'A customer without personal data: golden id, source record keys, resolution, loyalty tier, lifecycle stage, segments.',
  'pii:read':
    'Personal data: names, emails, phones, postal addresses, birth dates, identities, card numbers, the silo records, and looking a customer up by email: or phone:.',
  'journey:read': "The customer's journey (touchpoints) and its summary.",
  'insights:read': 'RFM, lifetime value (P(alive), expected purchases and spend) and the purchase-history figures.',
  admin: 'Admin operations on the identity-link cache (`evictCustomer`).',
} as const;

/** One access scope (see {@link SCOPE_DESCRIPTIONS}). */
export type Scope = keyof typeof SCOPE_DESCRIPTIONS;

/** Every scope, in the order of {@link SCOPE_DESCRIPTIONS}. */
export const SCOPES: readonly Scope[] = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];

/** True when `name` is a scope this gateway knows. */
export function isScope(name: string): name is Scope {
  return Object.hasOwn(SCOPE_DESCRIPTIONS, name);
}

/**
 * Who is asking and what they may read, fixed for the whole request.
 * - `jwt`: a bearer token verified against the configured key set; `client` is its `azp`, else
 *   `client_id`, else `sub` claim.
 * - `apiKey`: a configured API key; `client` is the key's configured name.
 * - `anonymous`: no credentials, on a gateway configured with an anonymous scope set on purpose.
 * `client` goes to the access log; it is never a secret.
 */
export interface AccessGrant {
  readonly kind: 'jwt' | 'apiKey' | 'anonymous';
  readonly client: string;
  readonly scopes: ReadonlySet<Scope>;
}

/** A grant of every scope: the in-process tests and benchmarks that do not exercise access control. */
export const FULL_ACCESS: AccessGrant = { kind: 'apiKey', client: 'in-process', scopes: new Set(SCOPES) };
