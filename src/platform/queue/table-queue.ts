/**
 * The embedded queue: a job table in the application database (SQLite or
 * PostgreSQL). Consumers poll with a short interval; a publish in this process
 * wakes this process's consumers at once. Duplicate keys are not collapsed:
 * consumers are idempotent by key, as with RabbitMQ. A publish with an `id`
 * already queued (live or dead) adds nothing.
 */
import type { Db } from '../db/index.js';
import type { Logger } from '../logging/index.js';
import { JobTable, type JobRow } from './job-table.js';
import {
  assertConsumeOptions,
  assertPublishable,
  assertQueueName,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type Handler,
  type PublishOptions,
  type Queue,
  type QueueStats,
} from './queue.js';
import { TableConsumer, type TableSettings } from './table-consumer.js';

export type TableQueueOptions = Partial<TableSettings>;

const DEFAULTS: TableSettings = { leaseMs: 30_000, pollMs: 1000 };

export class TableQueue implements Queue {
  readonly kind = 'table' as const;
  private readonly jobs: JobTable;
  private readonly settings: TableSettings;
  private readonly consumers = new Set<Pick<TableConsumer<unknown>, 'queue' | 'notify' | 'close'>>();

  constructor(
    db: Db,
    private readonly logger: Logger,
    options: TableQueueOptions = {},
  ) {
    this.jobs = new JobTable(db);
    this.settings = { ...DEFAULTS, ...options };
  }

  async publish<T>(queue: string, payload: T, options: PublishOptions = {}): Promise<void> {
    assertQueueName(queue);
    const json = assertPublishable(payload, options);
    const now = Date.now();
    const runAt = now + Math.ceil(options.delayMs ?? 0); // whole ms: run_at is a bigint
    await this.jobs.insert({ id: options.id, queue, payload: json, key: options.key, runAt }, now);
    if (!options.delayMs) this.wake(queue);
  }

  consume<T>(queue: string, handler: Handler<T>, options: ConsumeOptions): Consumer {
    assertQueueName(queue);
    assertConsumeOptions(options);
    const consumer = new TableConsumer(queue, this.jobs, handler, options, this.settings, this.logger);
    this.consumers.add(consumer);
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.close();
      },
    };
  }

  async deadLetters<T = unknown>(queue: string, limit = 100): Promise<DeadLetter<T>[]> {
    assertQueueName(queue);
    const rows = await this.jobs.deadLetters(queue, limit);
    return rows.map((row) => toDeadLetter<T>(row));
  }

  async retryDeadLetters(queue: string, ids?: string[]): Promise<number> {
    assertQueueName(queue);
    const revived = await this.jobs.revive(queue, ids, Date.now());
    if (revived > 0) this.wake(queue);
    return revived;
  }

  stats(queue: string): Promise<QueueStats> {
    assertQueueName(queue);
    return this.jobs.stats(queue, Date.now());
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((c) => c.close()));
  }

  private wake(queue: string): void {
    for (const consumer of this.consumers) if (consumer.queue === queue) consumer.notify();
  }
}

function toDeadLetter<T>(row: JobRow): DeadLetter<T> {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload; // the reason will say it was not JSON
  }
  return {
    id: row.id,
    payload: payload as T,
    ...(row.key !== null ? { key: row.key } : {}),
    reason: row.last_error ?? '',
    attempts: row.attempts,
    failedAt: new Date(row.dead_at ?? 0),
  };
}
