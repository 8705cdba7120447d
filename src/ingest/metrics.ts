import { Counter, Histogram, type Registry } from '../platform/metrics/index.js';

/** The fixed label set of `hookline_ingest_deferred_total`. */
export const DEFER_REASONS = ['claimed', 'claim-lost'] as const;
export type DeferReason = (typeof DEFER_REASONS)[number];

export class IngestMetrics {
  readonly imports: Counter<'result'>;
  readonly importSeconds: Histogram;
  readonly recordingBytes: Counter;
  readonly recordingsSkipped: Counter<'state'>;
  readonly enqueued: Counter<'source'>;
  readonly reconcileRuns: Counter<'result'>;
  readonly deferred: Counter<'reason'>;
  readonly attachmentPasses: Counter<'result'>;
  readonly attachmentReads: Counter<'result'>;

  constructor(registry: Registry) {
    this.imports = new Counter({ name: 'hookline_ingest_imports_total', help: 'Import attempts by result: imported, already-imported (skipped), retry, failed (dead-lettered)', labelNames: ['result'], registers: [registry] });
    this.importSeconds = new Histogram({ name: 'hookline_ingest_import_seconds', help: 'Time to import one conversation (details, recordings, hand-off)', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry] });
    this.recordingBytes = new Counter({ name: 'hookline_ingest_recording_bytes_total', help: 'Recording bytes stored', registers: [registry] });
    this.recordingsSkipped = new Counter({ name: 'hookline_ingest_recordings_skipped_total', help: 'Recordings not importable (archived, deleted, error), by file state', labelNames: ['state'], registers: [registry] });
    this.enqueued = new Counter({ name: 'hookline_ingest_enqueued_total', help: 'Conversations queued for import, by source', labelNames: ['source'], registers: [registry] });
    this.deferred = new Counter({ name: 'hookline_ingest_deferred_total', help: 'Imports deferred for a retry by contention: claimed (another consumer holds the conversation), claim-lost (this lease ran out before the hand-off)', labelNames: ['reason'], registers: [registry] });
    for (const reason of DEFER_REASONS) this.deferred.inc({ reason }, 0);
    this.attachmentPasses = new Counter({ name: 'hookline_ingest_attachment_passes_total', help: 'Late-attachments passes (re-reading recently imported conversations) by result: ok, error', labelNames: ['result'], registers: [registry] });
    this.attachmentReads = new Counter({ name: 'hookline_ingest_attachment_reads_total', help: 'Conversations re-read by the late-attachments pass, by result: changed (merged), unchanged, missing (not returned), failed (merge failed; retried next pass)', labelNames: ['result'], registers: [registry] });
    this.reconcileRuns = new Counter({ name: 'hookline_reconcile_runs_total', help: 'Reconciliation runs by result', labelNames: ['result'], registers: [registry] });
  }
}
