/**
 * The durable work queue, chosen by configuration: `queue: embedded` (a job
 * table in the application database) or `queue: amqp://…` (RabbitMQ).
 */
import type { Db } from '../db/index.js';
import type { Logger } from '../logging/index.js';
import { QueueError, type Queue } from './queue.js';
import { redactUrl } from '../util/redact-url.js';
import { RabbitQueue, type RabbitQueueOptions } from './rabbit-queue.js';
import { TableQueue, type TableQueueOptions } from './table-queue.js';

export * from './queue.js';
export { exponentialBackoff } from './retry.js';
export { RabbitQueue, type RabbitQueueOptions } from './rabbit-queue.js';
export { TableQueue, type TableQueueOptions } from './table-queue.js';
export { queueMigrations } from './migrations/index.js';
export type { EpochMs, QueueJobsTable, QueueTables } from './tables.js';

export interface QueueDeps {
  /** The application database; the embedded queue keeps its jobs there. */
  db?: Db;
  logger: Logger;
}

export type QueueOptions = TableQueueOptions & RabbitQueueOptions;

export async function openQueue(url: string, deps: QueueDeps, options: QueueOptions = {}): Promise<Queue> {
  if (url === 'embedded') {
    if (!deps.db) throw new QueueError('queue: "embedded" needs the application database');
    return new TableQueue(deps.db, deps.logger, options);
  }
  if (/^amqps?:\/\//.test(url)) return RabbitQueue.open(url, deps.logger, options);
  throw new QueueError(`queue: "${redactUrl(url)}" must be "embedded" or an amqp:// URL`);
}
