/**
 * The reconciliation reports ingest keeps (one row per run). Created by the
 * shipped migration 003_tracking, which src/conversations owns (see
 * docs/database.md). Timestamps are ISO-8601 text.
 */

export interface ReconcileReportsTable {
  id: string;
  tenant_id: string;
  /** Text in the database; only the reconciler writes it, always one of these. */
  trigger: Trigger;
  window_start: string;
  window_end: string;
  found: number;
  already_imported: number;
  enqueued: number;
  failed: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type IngestTables = {
  reconcile_reports: ReconcileReportsTable;
};

/** What started a reconciliation run (stored in `reconcile_reports.trigger`). */
export type Trigger = 'nightly' | 'manual' | 'gap' | 'backfill';
