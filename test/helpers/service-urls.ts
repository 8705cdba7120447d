/**
 * Where the local services are, for the test suite (through services.ts) and
 * the benchmarks in bench/; each address can be overridden by its environment
 * variable. No test-framework imports: bench/ loads this module outside vitest.
 */
export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const S3 = {
  endpoint: process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:8089',
  accessKeyId: process.env.TEST_S3_ACCESS_KEY ?? 'test:tester',
  secretAccessKey: process.env.TEST_S3_SECRET_KEY ?? 'testing',
  region: 'us-east-1',
};
