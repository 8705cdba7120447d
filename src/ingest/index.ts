export { ClientPool } from './clients.js';
export { Importer, NotReadyError, importKey } from './importer.js';
export { analysisMessageId, importVersion, jobKey, queueNames, type AnalysisJob, type IngestJob } from './jobs.js';
export { Reconciler, chunks, type ReconcileReport, type Trigger } from './reconcile.js';
export { IngestService, type IngestDeps } from './service.js';
export type { IngestTables, ReconcileReportsTable } from './tables.js';
export { ingestSchema, type IngestConfig } from './config.js';
