/**
 * A seeded source of numbers in [0, 1) (mulberry32), for a simulator's `setRandom` or a property test's
 * data: the same seed gives the same sequence on every run, so a test cannot be flaky itself. In a
 * file of its own (no vitest hooks), so that unit tests beside pure modules import it too.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
