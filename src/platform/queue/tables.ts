import type { ColumnType } from 'kysely';

/**
 * The embedded queue's jobs (job-table.ts). Unlike the domain tables, its
 * timestamps are epoch milliseconds: the claim query compares and adds to them.
 * pg returns `bigint` as a string, SQLite as a number, hence `number | string`.
 */
export interface QueueJobsTable {
  id: string;
  queue: string;
  key: string | null;
  /** JSON text. */
  payload: string;
  /** Deliveries so far; incremented when a consumer claims the job. */
  attempts: number;
  run_at: EpochMs;
  /** The claim's lease; another consumer may take the job once it has passed. */
  locked_until: EpochMs | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: EpochMs;
  /** Set when the job became a dead letter. */
  dead_at: EpochMs | null;
}

export type EpochMs = ColumnType<number | string, number, number>;

/** The table the embedded queue owns (a type alias: see `Db` in src/platform/db/connect.ts). */
export type QueueTables = {
  queue_jobs: QueueJobsTable;
};
