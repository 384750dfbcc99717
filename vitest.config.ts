import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // One browser suite at a time: each drives Chromium against its own server, and two at once on a
          // 2-core machine (beside the unit tests) push page waits past their timeouts.
          fileParallelism: false,
          // The console is built once, before the browser tests start servers that serve it.
          globalSetup: ['test/support/console-build.ts'],
        },
      },
    ],
  },
});
