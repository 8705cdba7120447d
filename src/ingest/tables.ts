/**
 * The tables ingest owns. `reconcile_reports` (one row per reconciliation run)
 * was created by the shipped migration 003_tracking, which src/conversations
 * keeps (see docs/database.md); its timestamps are ISO-8601 text.
 * `ingest_import_claims` is created by this capability's 006_ingest_import_claims.
 */
import type { EpochMs } from '../platform/queue/index.js';

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

/**
 * One row per conversation whose import was ever claimed (src/ingest/claims.ts).
 * Epoch-millisecond times: pg returns `bigint` as a string, SQLite as a number.
 */
export interface ImportClaimsTable {
  tenant_id: string;
  conversation_id: string;
  /** The consumer holding the claim; null once released. */
  owner: string | null;
  /** The claim is live until then; 0 once released. */
  lease_until: EpochMs;
  claimed_at: EpochMs;
  /** The import version whose hand-off began (set just before the analysis publish). */
  handoff_version: string | null;
  /** Set once that publish was confirmed: a later claimer must not hand off again. */
  handed_off_at: EpochMs | null;
  /** What markImported needs when a later claimer finishes an import whose hand-off was confirmed. */
  recordings: number | null;
  imported_at: string | null;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type IngestTables = {
  reconcile_reports: ReconcileReportsTable;
  ingest_import_claims: ImportClaimsTable;
};

/** What started a reconciliation run (stored in `reconcile_reports.trigger`). */
export type Trigger = 'nightly' | 'manual' | 'gap' | 'backfill';
