import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 has no `exports` map: Node loads its CommonJS build (`main`) for every importer,
    // ours and the dependencies' alike. Vite would take `module` (index.mjs) for our sources, and
    // a schema made by one build fails the other's type checks ("from another module or realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
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
