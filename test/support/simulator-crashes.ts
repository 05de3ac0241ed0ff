/**
 * Vitest setup file: fails the test during which a silo simulator's handler threw. The simulator
 * answers such a crash with a 500, which the gateway reports as the silo being unavailable; a
 * test asserting partial answers would then pass on a bug of the simulator.
 */
import { afterEach } from 'vitest';
import { takeHandlerCrashes } from '../../connectors/shared/simulator.js';

afterEach(() => {
  const crashes = takeHandlerCrashes();
  if (crashes.length === 0) return;
  const first = crashes[0]!;
  const error = first.error instanceof Error ? first.error : new Error(String(first.error));
  throw new Error(
    `${crashes.length} simulator handler crash(es) during this test; the first: the ${first.source} simulator's ${first.route} threw ${error.message}`,
    { cause: error },
  );
});
