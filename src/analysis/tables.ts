/**
 * The analysis capability's tables. Portable across SQLite and PostgreSQL:
 * timestamps as ISO-8601 text, figures as JSON text (docs/database.md).
 */

/** The post-call analysis of one conversation: one row, replaced by each (re-)analysis. */
export interface AnalysisResultsTable {
  tenant_id: string;
  conversation_id: string;
  /** The import analysed (ingest's importVersion); a redelivered job of the same import is skipped. */
  import_version: string;
  /** done | unsupported (no recording in a format we decode) | failed (kept after the last attempt). */
  status: string;
  /** JSON: PostCallAnalysis (metrics, per recording, phrases, findings). */
  result: string;
  /** JSON: LiveComparison, or null when no live analysis of the call was kept. */
  comparison: string | null;
  analyzed_at: string;
  /** How many times this conversation was analysed (re-analysis on demand raises it). */
  runs: number;
}

/** What the live analysis saw of one AudioHook session when it ended (compared with the post-call result). */
export interface AnalysisLiveTable {
  tenant_id: string;
  conversation_id: string;
  session_id: string;
  /** JSON: AcousticMetrics. */
  metrics: string;
  /** JSON: Finding[] (bounded). */
  findings: string;
  ended_at: string;
}

/** A type alias, not an interface: Kysely's withTables needs the index signature only aliases get. */
export type AnalysisTables = {
  analysis_results: AnalysisResultsTable;
  analysis_live: AnalysisLiveTable;
};
