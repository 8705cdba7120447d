/**
 * Where the real services are, and unique names per run (CI reuses the
 * services "as the session left them", so nothing may collide across runs).
 */
import { randomBytes } from 'node:crypto';
import { dropSchema } from '../../src/platform/db/index.js';

export const RUN_ID = process.env.TEST_RUN_ID ?? randomBytes(3).toString('hex');

export function uniqueName(prefix: string): string {
  return `${prefix}_${RUN_ID}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const S3 = {
  endpoint: process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:8089',
  accessKeyId: process.env.TEST_S3_ACCESS_KEY ?? 'test:tester',
  secretAccessKey: process.env.TEST_S3_SECRET_KEY ?? 'testing',
  region: 'us-east-1',
};

/** A PostgreSQL URL with a fresh schema for this test file. */
export function pgUrlWithFreshSchema(): { url: string; schema: string } {
  const schema = uniqueName('t');
  return { url: `${PG_URL}?schema=${schema}`, schema };
}

export function dropPgSchema(schema: string): Promise<void> {
  return dropSchema(PG_URL, schema);
}

/** Deletes RabbitMQ queues a test made, with their dead-letter queues (delay queues expire by themselves). */
export async function deleteRabbitQueues(queues: string[]): Promise<void> {
  const { Connection } = await import('rabbitmq-client');
  const connection = new Connection(AMQP_URL);
  try {
    for (const q of queues) {
      await connection.queueDelete({ queue: q });
      await connection.queueDelete({ queue: `${q}.dead` });
    }
  } finally {
    await connection.close();
  }
}
