/**
 * Small collection and value helpers the connectors and their simulators share, so that each is
 * written (and fixed) once rather than copied into every silo's files.
 */

/**
 * Splits `values` into consecutive arrays of at most `size` items, in order: the batches a
 * product's per-call limit allows (the last one may be shorter). An empty input gives no batch.
 */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/** The distinct values (compared with `SameValueZero`, as a Set does), in the order each first appears. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** Whether a value is neither null nor undefined; as a filter, it narrows `Array<T | null | undefined>` to `T[]`. */
export function isPresent<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

/** Whether a parsed JSON value is an object (not null, not an array): what a body or an entry of one must be. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a connector's `limit` argument (how many items of a list per record) before any call:
 * a programming error in the caller, not a silo failure, hence a RangeError naming the method.
 */
export function checkListLimit(method: string, limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new RangeError(`${method} takes a limit from 1 to ${max}, got ${limit}.`);
  }
}

/**
 * Appends every item of `items` to `target`, in order, and returns `target`. Unlike
 * `target.push(...items)`, whose items all become call arguments, it works for arrays of any
 * length: a spread of about 120,000 items overflows the call stack (RangeError: Maximum call
 * stack size exceeded), and a silo's page can be that long.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
