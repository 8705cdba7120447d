/**
 * Where the real services are, and unique names per run (CI reuses the
 * services "as the session left them", so nothing may collide across runs).
 */
import { randomBytes } from 'node:crypto';
import { AMQP_URL, PG_URL } from './service-urls.js';
import { dropSchema } from '../../src/platform/db/index.js';

export const RUN_ID = process.env.TEST_RUN_ID ?? randomBytes(3).toString('hex');

export function uniqueName(prefix: string): string {
  return `${prefix}_${RUN_ID}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

// The benchmarks use the same services: one place says where they are.
export { AMQP_URL, PG_URL, REDIS_URL, S3 } from './service-urls.js';

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
