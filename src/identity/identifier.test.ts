import { describe, expect, it } from 'vitest';
import { IDENTIFIER_MAX_LENGTHS, parseCustomerId } from './identifier.js';

const options = { defaultCountry: 'FR' as const };

describe('identifier lengths', () => {
  it('accepts an email of 254 characters and refuses one of 255, naming both figures and quoting 40 characters', () => {
    const local = 'a'.repeat(254 - '@example.com'.length);
    expect(parseCustomerId(`email:${local}@example.com`, options).ok).toBe(true);
    const refused = parseCustomerId(`email:a${local}@example.com`, options);
    expect(refused).toEqual({ ok: false, message: expect.stringMatching(/^The id "email:a{34}…" is too long: the email value has 255 characters, over the 254 allowed\. Accepted: /) });
  });

  it.each(Object.entries(IDENTIFIER_MAX_LENGTHS))('refuses a %s value one character over its maximum of %i', (type, max) => {
    const id = type === 'golden' ? `cus_${'A'.repeat(max - 3)}` : `${type}:${'1'.repeat(max + 1)}`;
    const refused = parseCustomerId(id, options);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toContain(`characters, over the ${max} allowed`);
  });

  it('refuses a 1 MB id without a type by its length, with a message under 1 KB', () => {
    const refused = parseCustomerId('z'.repeat(1_000_000), options);
    expect(!refused.ok && refused.message).toMatch(/^The id "z{40}…" is too long: the id has 1,000,000 characters, over the 264 allowed\./);
    expect(!refused.ok && refused.message.length).toBeLessThan(1_000);
  });
});
