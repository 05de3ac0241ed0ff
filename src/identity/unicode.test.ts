import { describe, expect, it } from 'vitest';
import { visibleText } from './unicode.js';

describe('visibleText', () => {
  it('drops zero-width and other format characters', () => {
    expect(visibleText('name@example.com\u200B')).toBe('name@example.com');
    expect(visibleText('\uFEFFAnna\u00AD')).toBe('Anna');
    expect(visibleText('a\u200Cb\u200Dc\u2060d\u202Ee')).toBe('abcde');
  });

  it('composes decomposed accents (NFD to NFC)', () => {
    const decomposed = 'E\u0301lodie';
    expect(visibleText(decomposed)).toBe('Élodie');
    expect(visibleText(decomposed)).toHaveLength(6);
  });

  it('leaves spaces and visible text alone', () => {
    expect(visibleText('  Jean Pierre ')).toBe('  Jean Pierre ');
  });
});
