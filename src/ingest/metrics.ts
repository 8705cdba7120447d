import { Counter, Histogram, type Registry } from '../platform/metrics/index.js';

export class IngestMetrics {
  readonly imports: Counter<'result'>;
  readonly importSeconds: Histogram;
  readonly recordingBytes: Counter;
  readonly recordingsSkipped: Counter<'state'>;
  readonly enqueued: Counter<'source'>;
  readonly reconcileRuns: Counter<'result'>;

  constructor(registry: Registry) {
    this.imports = new Counter({ name: 'hookline_ingest_imports_total', help: 'Import attempts by result: imported, already-imported (skipped), retry, failed (dead-lettered)', labelNames: ['result'], registers: [registry] });
    this.importSeconds = new Histogram({ name: 'hookline_ingest_import_seconds', help: 'Time to import one conversation (details, recordings, hand-off)', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry] });
    this.recordingBytes = new Counter({ name: 'hookline_ingest_recording_bytes_total', help: 'Recording bytes stored', registers: [registry] });
    this.recordingsSkipped = new Counter({ name: 'hookline_ingest_recordings_skipped_total', help: 'Recordings not importable (archived, deleted, error), by file state', labelNames: ['state'], registers: [registry] });
    this.enqueued = new Counter({ name: 'hookline_ingest_enqueued_total', help: 'Conversations queued for import, by source', labelNames: ['source'], registers: [registry] });
    this.reconcileRuns = new Counter({ name: 'hookline_reconcile_runs_total', help: 'Reconciliation runs by result', labelNames: ['result'], registers: [registry] });
  }
}
