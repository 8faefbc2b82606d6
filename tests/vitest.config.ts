import { defineConfig } from 'vitest/config';

// End-to-end suites start real processes (the product, a browser, mail servers): one file at a
// time, with timeouts sized for a 2-core CI machine.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'artifacts/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
