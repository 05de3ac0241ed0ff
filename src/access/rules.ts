/**
 * Field access rules, as the schema declares them with the Apollo Federation directives
 * `@authenticated` and `@requiresScopes(scopes: [[federation__Scope!]!]!)`, and whether a grant
 * satisfies one. Pure: no I/O.
 *
 * The meaning is the one Apollo Federation documents for these directives (federation v2.5,
 * https://specs.apollo.dev/requiresScopes/v0.1 and https://specs.apollo.dev/authenticated/v0.1,
 * "Authorization in the GraphOS Router"): `scopes` is a list of alternatives (OR), each a list of
 * scopes that must all be held (AND). `[["profile:read"], ["pii:read", "journey:read"]]` is
 * satisfied by a grant with `profile:read`, or with both `pii:read` and `journey:read`.
 * `@authenticated` is satisfied by any client that presented credentials (a grant that is not
 * `anonymous`), whatever its scopes.
 */
import { isScope, SCOPES, type AccessGrant, type Scope } from './scopes.js';

/** Alternatives (any one suffices) of scope sets (all of them needed): `@requiresScopes(scopes:)`. */
export type ScopeAlternatives = ReadonlyArray<readonly Scope[]>;

/** The access rule of one field: its `@authenticated` and `@requiresScopes`, either or both. */
export interface FieldRule {
  /** `@authenticated`: an anonymous grant is refused. */
  readonly authenticated: boolean;
  /** `@requiresScopes(scopes:)`, or null when the field has none. */
  readonly scopes: ScopeAlternatives | null;
}

/**
 * Reads the `scopes` argument of a `@requiresScopes` into alternatives of known scopes.
 * `where` names the field (`Customer.email`) for the error.
 * @throws Error naming the field when the list is empty, an alternative is empty, or a scope is
 *   not one of {@link SCOPES} (a typo in the schema must stop the gateway at start, not leave a
 *   field that nobody, or everybody, can read).
 */
export function parseScopeAlternatives(raw: ReadonlyArray<ReadonlyArray<string>>, where: string): ScopeAlternatives {
  if (raw.length === 0) throw new Error(`${where}: @requiresScopes(scopes: []) lists no alternative; give at least one, e.g. [["pii:read"]].`);
  return raw.map((alternative) => {
    if (alternative.length === 0) throw new Error(`${where}: @requiresScopes has an empty alternative ([]), which anyone would satisfy; remove it or name a scope.`);
    return alternative.map((name) => {
      if (!isScope(name)) throw new Error(`${where}: @requiresScopes names an unknown scope "${name}". Known scopes: ${SCOPES.join(', ')}.`);
      return name;
    });
  });
}

/**
 * The first alternative of `alternatives` that `grant` holds every scope of, or null when it holds
 * none of them. The check is one Set lookup per scope of an alternative.
 */
export function satisfiedAlternative(grant: AccessGrant, alternatives: ScopeAlternatives): readonly Scope[] | null {
  for (const alternative of alternatives) {
    if (alternative.every((scope) => grant.scopes.has(scope))) return alternative;
  }
  return null;
}

/** True when `grant` may read a field with this rule. */
export function allows(grant: AccessGrant, rule: FieldRule): boolean {
  if (rule.authenticated && grant.kind === 'anonymous') return false;
  return rule.scopes === null || satisfiedAlternative(grant, rule.scopes) !== null;
}

/**
 * The scopes of a rule in words, for an error message: `"pii:read"`, `"profile:read" or
 * "pii:read"`, `"pii:read" and "journey:read"`.
 */
export function describeAlternatives(alternatives: ScopeAlternatives): string {
  return alternatives.map((alternative) => alternative.map((scope) => `"${scope}"`).join(' and ')).join(' or ');
}

/**
 * Both rules at once (a field under another guarded field needs both): every pair of
 * alternatives joined. Null stands for "no scope needed".
 */
export function bothAlternatives(a: ScopeAlternatives | null, b: ScopeAlternatives | null): ScopeAlternatives | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.flatMap((left) => b.map((right) => [...new Set([...left, ...right])]));
}
