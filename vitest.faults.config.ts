import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): long, one file, its own include
 * pattern so `npm test` stays fast. Tests run in order in one worker: each
 * fault row starts from the state the previous one left (both replicas up).
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
