import { describe, expect, it } from 'vitest';
import { sameSecret } from './secrets.js';

describe('sameSecret', () => {
  it('accepts the same text only', () => {
    expect(sameSecret('s3cret-token', 's3cret-token')).toBe(true);
    expect(sameSecret('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(sameSecret('Éclair', 'Éclair')).toBe(true);
  });

  it('answers false, without throwing, for texts of other lengths or empty', () => {
    expect(sameSecret('s3cret', 's3cret-token')).toBe(false);
    expect(sameSecret('', 's3cret-token')).toBe(false);
    expect(sameSecret('s3cret-token-and-more', 's3cret-token')).toBe(false);
  });
});
