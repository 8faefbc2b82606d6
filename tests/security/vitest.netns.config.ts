import { defineConfig } from 'vitest/config';

// The attacks that need an address the guard treats as public; run by security/netns.sh only.
export default defineConfig({
  test: {
    include: ['security/**/*.netns.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    passWithNoTests: true,
  },
});
