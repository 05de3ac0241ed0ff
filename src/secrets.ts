/** Comparing secrets without telling an attacker, through timing, how much of a guess was right. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives both sides the same length, which timingSafeEqual requires.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
