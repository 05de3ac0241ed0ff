/**
 * Which of a run's slowest requests their server's own collections caught: the journey's p99 on
 * the bench's VM is the requests in flight while a server runs a mark-compact (bench/README.md,
 * "The journey question"), which a difference of percentiles alone does not say.
 */

/** A GC pause: when it began on the wall clock (ms since the epoch) and how long it lasted (ms). */
export type Pause = readonly [startMs: number, durationMs: number];

/**
 * Of the slowest `share` of a run's requests (at least one, as the p99 takes its rank), how many
 * were in flight during one of `pauses`: request i was sent at `starts[i]` (wall clock, ms since
 * the epoch, the clock `pauses` is on) and answered `latencies[i]` ms later. `of` is 0 when
 * there are no requests or the two lists do not pair up.
 */
export function slowestCaught(latencies: readonly number[], starts: readonly number[], pauses: readonly Pause[], share = 0.01): { caught: number; of: number } {
  if (latencies.length === 0 || starts.length !== latencies.length) return { caught: 0, of: 0 };
  const of = Math.max(1, Math.ceil(latencies.length * share));
  const slowest = latencies
    .map((_, i) => i)
    .sort((a, b) => latencies[b]! - latencies[a]!)
    .slice(0, of);
  const inFlight = (i: number) => pauses.some(([at, ms]) => at <= starts[i]! + latencies[i]! && at + ms >= starts[i]!);
  return { caught: slowest.filter(inFlight).length, of };
}
