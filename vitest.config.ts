import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'demo/**/*.test.ts', 'connectors/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start real HTTP servers on loopback; give them room on a busy 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A simulator handler that throws fails the test (see the file).
    setupFiles: ['test/support/simulator-crashes.ts'],
  },
});
