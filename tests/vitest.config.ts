import { defineConfig } from 'vitest/config';

// End-to-end suites start real processes (the product, a browser, mail servers): one file at a
// time, with timeouts sized for a 2-core CI machine.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'artifacts/**', '**/*.netns.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // A real browser, a real Dovecot and the product share CI's two cores with the build: a step that
    // misses its timeout there once gets one more try (each retry is reported in the output).
    retry: process.env.CI ? 1 : 0,
  },
});
