/**
 * Table types for every capability, in one place (one schema for SQLite and
 * PostgreSQL). Timestamps are ISO-8601 text (queue_jobs excepted, see there);
 * booleans are 0/1 integers; JSON is text.
 */
import type { ColumnType } from 'kysely';

import type { TrackingTables } from './tables/tracking.js';

export interface TenantsTable {
  org_id: string;
  name: string;
  /** JSON of the tenant's non-secret settings (admission, gate, reconcile…). */
  settings: string;
  /** Encrypted JSON of the tenant's secrets (Genesys client secret, downstream tokens). */
  secrets_enc: string | null;
  source: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  api_key: string;
  org_id: string;
  /** Encrypted base64 client secret; null = unsigned requests accepted for this key. */
  secret_enc: string | null;
  label: string | null;
  source: string;
  created_at: string;
}

/**
 * The embedded queue's jobs (src/platform/queue). Unlike the tables above, its
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

export interface Database extends TrackingTables {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  queue_jobs: QueueJobsTable;
}
