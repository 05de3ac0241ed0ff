/**
 * The one exhaustiveness check of the code base (gateway and connectors), for the end of a
 * `switch` over a discriminated union or a union of literals (house rule 7).
 *
 * It lives here, in the connectors' shared folder, because that is the lowest layer: the
 * gateway (src/) already imports the connectors, while a connector importing from src/ would be
 * an arrow from a lower room to a higher one.
 */

/**
 * Marks a branch the types prove unreachable: called with a value that is not `never` (a case of
 * the union left out of the `switch`), it fails to compile. At run time a value from outside the
 * types (a cast, a parsed file) can still get there: it then throws
 * `Error("Unhandled <what>: <value>")`. Only the discriminant is shown, never the rest of an
 * object (which could carry personal data): a string or number as `String(value)`, an object
 * with a string `kind` as `{"kind":"…"}`, any other object as `an object without a kind`.
 *
 * @example
 *   switch (rule.kind) {
 *     case 'sourcePriority': return …;
 *     case 'mostRecent': return …;
 *     default: return assertNever(rule, 'survivorship rule');
 *   }
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`Unhandled ${what}: ${shown(value)}`);
}

function shown(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const kind = 'kind' in value ? value.kind : undefined;
  return typeof kind === 'string' ? JSON.stringify({ kind }) : 'an object without a kind';
}
