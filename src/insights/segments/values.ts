/**
 * CEL's values from ours (pure). CEL has two number types (github.com/google/cel-spec,
 * doc/langdef.md, "Numeric Values"): `int`, which @marcbachmann/cel-js holds as a JavaScript
 * bigint, and `double`, a number. A feature that is unknown is `undefined` (an absent value).
 */

/** A CEL `int` from a count or a number of days: its whole part (toward zero); undefined for null, undefined or not finite. */
export function whole(value: number | null | undefined): bigint | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? BigInt(Math.trunc(value)) : undefined;
}

/** A CEL `double`; undefined for null, undefined or not finite. */
export function decimal(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
