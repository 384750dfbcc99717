import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The console is built once, before the browser tests start servers that serve it.
    globalSetup: ['test/support/console-build.ts'],
  },
});
