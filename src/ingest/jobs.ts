import { createHash } from 'node:crypto';

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

/**
 * Handed to analysis (a later capability consumes it). Its message id is
 * analysisMessageId(tenant, conversationId, importVersion): consumers dedupe by it.
 */
export interface AnalysisJob {
  tenant: string;
  conversationId: string;
  /** Names what was imported: the same for a repeated import of the same data, new when the data changed. */
  importVersion: string;
  recordings: { recordingId: string; objectKey: string; format: string; sha256: string; size: number }[];
  importedAt: string;
}

export const jobKey = (tenant: string, conversationId: string): string => `${tenant}:${conversationId}`;

/**
 * The import version: a digest of the analytics record and the recordings
 * stored. A redelivered ingest job (its ack lost with the connection) imports
 * the same data again and gets the same version; a later import that found a
 * new wrap-up or recording gets a new one.
 */
export function importVersion(details: unknown, recordings: AnalysisJob['recordings']): string {
  const files = recordings.map((r) => [r.recordingId, r.objectKey, r.sha256, r.size]);
  return createHash('sha256').update(JSON.stringify([details, files])).digest('hex').slice(0, 32);
}

/**
 * The analysis hand-off's message id: a name-based UUID (RFC 9562 version 8,
 * from SHA-256) of tenant, conversation and import version, so every publish
 * of one import — retried, or from a redelivered job — is one logical message.
 */
export function analysisMessageId(tenant: string, conversationId: string, version: string): string {
  const b = createHash('sha256').update(`analysis:${tenant}:${conversationId}:${version}`).digest().subarray(0, 16);
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x80, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function queueNames(namespace: string): { ingest: string; analysis: string } {
  return { ingest: `${namespace}-ingest`, analysis: `${namespace}-analysis` };
}
