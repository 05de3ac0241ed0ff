import { describe, expect, it } from 'vitest';
import { clipQuotedInput, inputPrefix } from './errors.js';

describe('what a message quotes of client input', () => {
  it('keeps input of up to 40 characters whole and cuts longer input to 40 and "…"', () => {
    expect(inputPrefix('x'.repeat(40))).toBe('x'.repeat(40));
    expect(inputPrefix('x'.repeat(1_000_000))).toBe(`${'x'.repeat(40)}…`);
  });

  it('never cuts a surrogate pair in half', () => {
    expect(inputPrefix(`${'x'.repeat(39)}😀${'y'.repeat(10)}`)).toBe(`${'x'.repeat(39)}…`);
  });

  it("cuts every long quoted value of a message, not the text between two quoted values", () => {
    const message = `Variable "$first" got invalid value "${'x'.repeat(900_000)}"; Int cannot represent non-integer value: "${'x'.repeat(900_000)}"`;
    expect(clipQuotedInput(message)).toBe(`Variable "$first" got invalid value "${'x'.repeat(40)}…"; Int cannot represent non-integer value: "${'x'.repeat(40)}…"`);
    const between = `Field "a" ${'is long text between two quoted values, '.repeat(5)}"b".`;
    expect(clipQuotedInput(between)).toBe(between);
  });
});
