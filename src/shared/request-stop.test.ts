import { describe, expect, it } from 'vitest';
import { whenStopped } from './request-stop.js';

describe('whenStopped', () => {
  it('runs each listener still registered once when the signal aborts, and none taken back', () => {
    const controller = new AbortController();
    const ran: string[] = [];
    whenStopped(controller.signal, () => ran.push('a'));
    const takeBack = whenStopped(controller.signal, () => ran.push('b'));
    whenStopped(controller.signal, () => ran.push('c'));
    takeBack();
    controller.abort();
    controller.abort();
    expect(ran).toEqual(['a', 'c']);
  });

  it('keeps one listener on the signal however many calls listen, so Node warns of no leak', async () => {
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      let ran = 0;
      for (let i = 0; i < 50; i++) whenStopped(controller.signal, () => (ran += 1));
      controller.abort();
      expect(ran).toBe(50);
      // Node emits the warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('does not run a listener that one running before it took back, as EventTarget does', () => {
    const controller = new AbortController();
    const ran: number[] = [];
    let takeBackSecond = (): void => undefined;
    whenStopped(controller.signal, () => {
      ran.push(1);
      takeBackSecond();
    });
    takeBackSecond = whenStopped(controller.signal, () => ran.push(2));
    whenStopped(controller.signal, () => ran.push(3));
    controller.abort();
    expect(ran).toEqual([1, 3]);
  });
});
