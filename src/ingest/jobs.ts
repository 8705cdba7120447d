/**
 * Queue payloads of the post-call pipeline. Keys are tenant + conversation:
 * consumers are idempotent by that key.
 */

export interface IngestJob {
  tenant: string;
  conversationId: string;
  endedAt?: string | undefined;
  /** What queued it: the call-ended event, reconciliation, a backfill, an operator. */
  source: 'ended' | 'reconcile' | 'gap' | 'backfill' | 'manual';
}

/** Handed to analysis (a later capability consumes it). */
export interface AnalysisJob {
  tenant: string;
  conversationId: string;
  recordings: { recordingId: string; objectKey: string; format: string; sha256: string; size: number }[];
  importedAt: string;
}

export const jobKey = (tenant: string, conversationId: string): string => `${tenant}:${conversationId}`;

export function queueNames(namespace: string): { ingest: string; analysis: string } {
  return { ingest: `${namespace}-ingest`, analysis: `${namespace}-analysis` };
}
