/**
 * A barrier over some of one request's reads: `whenSettled` runs its callbacks once every read
 * tracked so far has settled. Two uses (context.ts RequestLoaders):
 * - the product categories wait for the request's silo reads in flight (records, lists, whole
 *   histories, consent), so that one request asks for the categories of all its customers in one
 *   call, as a hand-written client reading everything first would;
 * - the profiling-consent gates of one request open together (consent-gate.ts).
 *
 * Why a barrier and not DataLoader's tick: each customer's histories arrive in their own network
 * responses, and the consent gate has nothing to read for a customer without a loyalty card, so
 * it opened before the card holders'. A tick-based batch then split a 40-customer request's
 * categories and shop accounts over 2 to 6 calls.
 *
 * Nothing tracked waits for what waits on the barrier, so the wait always ends: it lasts as long
 * as the slowest tracked read, which the answer waits for anyway.
 */
export class PendingReads {
  #pending = 0;
  #waiting: Array<() => void> = [];

  /** Counts `read` as pending until it settles; returns it unchanged. */
  track<T>(read: Promise<T>): Promise<T> {
    this.#pending += 1;
    const settled = () => {
      this.#pending -= 1;
      if (this.#pending === 0) this.#release();
    };
    read.then(settled, settled);
    return read;
  }

  /**
   * Calls `fn` once no tracked read is pending. Checked after the I/O callbacks and promise jobs
   * already queued have run (setImmediate), so that a read a settled one leads to (a gate that
   * opens and starts the customer's histories) is counted before the check.
   */
  whenSettled(fn: () => void): void {
    this.#waiting.push(fn);
    if (this.#pending === 0) this.#release();
  }

  #release(): void {
    setImmediate(() => {
      if (this.#pending > 0 || this.#waiting.length === 0) return;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const fn of waiting) fn();
    });
  }
}
