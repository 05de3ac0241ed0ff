import { describe, expect, it } from 'vitest';
import { PendingReads } from './pending-reads.js';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const turn = () => new Promise<void>((done) => setImmediate(done));

describe('PendingReads', () => {
  it('runs a waiting callback at once (next turn) when nothing is pending', async () => {
    const reads = new PendingReads();
    let ran = 0;
    reads.whenSettled(() => (ran += 1));
    expect(ran).toBe(0);
    await turn();
    expect(ran).toBe(1);
  });

  it('waits for every tracked read, resolved or rejected', async () => {
    const reads = new PendingReads();
    const a = deferred();
    const b = deferred();
    reads.track(a.promise);
    reads.track(b.promise).catch(() => undefined);
    let ran = 0;
    reads.whenSettled(() => (ran += 1));
    a.resolve();
    await turn();
    expect(ran).toBe(0);
    b.reject(new Error('silo down'));
    await turn();
    await turn();
    expect(ran).toBe(1);
  });

  it('counts a read that a settled read leads to before it releases', async () => {
    const reads = new PendingReads();
    const first = deferred();
    const second = deferred();
    // As a consent gate that opens and starts the customer's histories.
    void reads.track(first.promise).then(() => reads.track(second.promise));
    let ran = 0;
    reads.whenSettled(() => (ran += 1));
    first.resolve();
    await turn();
    await turn();
    expect(ran).toBe(0);
    second.resolve();
    await turn();
    await turn();
    expect(ran).toBe(1);
  });

  it('returns the tracked promise unchanged', async () => {
    const reads = new PendingReads();
    await expect(reads.track(Promise.resolve(7))).resolves.toBe(7);
  });
});
