import { describe, expect, it } from 'vitest';
import { assertNever } from './exhaustive.js';

/** Calls assertNever with a value the types say cannot exist, as a cast or a parsed file can make. */
function reach(value: unknown, what: string): () => never {
  return () => assertNever(value as never, what);
}

describe('assertNever', () => {
  it('names what was unhandled and a primitive value', () => {
    expect(reach('fuzzy', 'segment operator')).toThrow(new Error('Unhandled segment operator: fuzzy'));
    expect(reach(7, 'setting kind')).toThrow(new Error('Unhandled setting kind: 7'));
  });

  it("shows only an object's kind, never its other fields", () => {
    expect(reach({ kind: 'newest', email: 'anna@example.com' }, 'survivorship rule')).toThrow(
      new Error('Unhandled survivorship rule: {"kind":"newest"}'),
    );
    expect(reach({ email: 'anna@example.com' }, 'resolution')).toThrow(new Error('Unhandled resolution: an object without a kind'));
  });
});
