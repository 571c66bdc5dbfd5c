import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    // Removing a test file's repositories (test/setup.ts) is pure file-system work: about 10,000
    // files for test/git/claim.test.ts, which took 12 s on a loaded 2-core machine.
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
