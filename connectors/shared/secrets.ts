/**
 * The one comparison of secrets in the code base: the gateway's admin token, the loyalty
 * client's and simulator's JWT signatures, and every simulator's credentials. It lives in the
 * connectors' shared folder, the lowest layer, so that the gateway (src/) and the connectors use
 * the same function without a connector importing from src/.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` equals `expected`, in a time that does not depend on where they differ nor on
 * their lengths, so that timing tells an attacker nothing about how much of a guess was right.
 * Both sides are hashed with SHA-256 first: `crypto.timingSafeEqual` needs buffers of one length
 * and throws otherwise (https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b), and
 * comparing the lengths first would leak the secret's length. Strings are compared as UTF-8.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
