import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests open real sockets and services; run files in parallel but
    // keep each file sequential so ports and fixtures stay simple.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
