/**
 * The importer (seed design 001, "Conversation Consumer"): for one ended
 * conversation, fetch the analytics details and store the normalized model,
 * fetch the recordings and stream each to object storage (size and sha256
 * recorded), queue the conversation for analysis, and only then mark it
 * imported — the queue acknowledges when this resolves, so nothing is
 * acknowledged that is not durable. Idempotent by (tenant, conversation):
 * a redelivery replaces the same rows and objects, and hands the same import
 * to analysis under the same message id (see analysisMessageId).
 */
import { normalize, type AnalyticsConversationLike, type ConversationStore, type LiveSink } from '../conversations/index.js';
import type { GenesysClient, Recording } from '../genesys/index.js';
import type { Logger } from '../platform/logging/index.js';
import { datePath, type ObjectStore } from '../platform/objects/index.js';
import { PermanentError, type Message, type Queue } from '../platform/queue/index.js';
import type { Tenant } from '../tenants/index.js';
import type { ClientPool } from './clients.js';
import type { IngestConfig } from './config.js';
import { classify } from './errors.js';
import { analysisMessageId, importVersion, jobKey, type AnalysisJob, type IngestJob } from './jobs.js';
import type { IngestMetrics } from './metrics.js';

export interface ImporterDeps {
  tenant: (orgId: string) => Tenant | undefined;
  clients: ClientPool;
  store: ConversationStore;
  objects: ObjectStore;
  queue: Queue;
  analysisQueue: string;
  settings: IngestConfig;
  metrics: IngestMetrics;
  log: Logger;
  /** The live conversation model: merges the analytics record and records `conversation.imported`. */
  live?: LiveSink | undefined;
}

/** Not ready yet: retried with the queue's backoff. */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

const EXTENSIONS: Record<string, string> = { WAV: 'wav', WAV_ULAW: 'wav', WEBM: 'webm', OGG_VORBIS: 'ogg', OGG_OPUS: 'ogg', MP3: 'mp3' };
/** Sources that ask for a fresh import even when the conversation is imported already. */
const REIMPORT_SOURCES = new Set<IngestJob['source']>(['manual', 'backfill']);
const IMPORTABLE_STATES = new Set(['AVAILABLE', 'RESTORED', undefined]);

export function importKey(tenant: string, conversationStart: string, conversationId: string, name: string): string {
  return `imports/${tenant}/${datePath(new Date(conversationStart))}/${conversationId}/${name}`;
}

export class Importer {
  constructor(private readonly d: ImporterDeps) {}

  /** The queue handler. */
  readonly handle = async (msg: Message<IngestJob>): Promise<void> => {
    const { tenant: orgId, conversationId, source } = msg.payload;
    const started = Date.now();
    if (!REIMPORT_SOURCES.has(source) && (await this.d.store.isImported(orgId, conversationId))) {
      // A second job for an imported call (call-ended and a takeover's gap reconcile, or an ack lost after
      // the import) writes nothing: the import happens once. An operator's backfill or manual run re-imports.
      this.d.metrics.imports.inc({ result: 'already-imported' });
      this.d.log.debug({ orgId, conversationId, source }, 'already imported; skipped');
      return;
    }
    try {
      const done = await this.import(orgId, conversationId, { yieldToOther: !REIMPORT_SOURCES.has(source) });
      this.d.metrics.imports.inc({ result: done ? 'imported' : 'already-imported' });
      this.d.metrics.importSeconds.observe((Date.now() - started) / 1000);
    } catch (err) {
      const e = err instanceof NotReadyError ? err : classify(err, `conversation ${conversationId}`);
      this.d.metrics.imports.inc({ result: e instanceof PermanentError ? 'failed' : 'retry' });
      this.d.log.warn({ orgId, conversationId, attempt: msg.attempts, err: e.message }, e instanceof PermanentError ? 'import failed for good' : 'import will be retried');
      throw e;
    }
  };

  /**
   * Imports the conversation; false when `yieldToOther` and another replica finished importing it meanwhile
   * (a takeover's gap reconcile can queue a call whose import is still running elsewhere, and RabbitMQ gives
   * no per-key exclusivity): the rows written here were the same, and the hand-off is that replica's.
   */
  async import(orgId: string, conversationId: string, opts: { yieldToOther?: boolean } = {}): Promise<boolean> {
    const tenant = this.d.tenant(orgId);
    if (!tenant) throw new PermanentError(`unknown tenant ${orgId}`);
    const client = this.d.clients.get(tenant);
    const details = await client.analytics.conversation(conversationId);
    if (!details) throw new NotReadyError('analytics details not available yet');
    if (!details.conversationEnd) throw new NotReadyError('conversation has not ended yet');
    const now = new Date().toISOString();
    const rows = normalize(orgId, details, now);
    await this.d.store.replace(rows);
    const recordings = await this.importRecordings(client, orgId, conversationId, details.conversationStart);
    const version = importVersion(details, recordings);
    // Before markImported: a failed merge fails the job, whose retry imports again (the merge is idempotent).
    await this.d.live?.apply(orgId, { kind: 'analytics', conversation: details as unknown as AnalyticsConversationLike, importedAt: now });
    if (opts.yieldToOther && (await this.d.store.isImported(orgId, conversationId))) {
      this.d.log.debug({ orgId, conversationId }, 'imported meanwhile by another consumer; no second hand-off');
      return false;
    }
    const job: AnalysisJob = { tenant: orgId, conversationId, importVersion: version, recordings, importedAt: now };
    await this.d.queue.publish(this.d.analysisQueue, job, { key: jobKey(orgId, conversationId), id: analysisMessageId(orgId, conversationId, version) });
    await this.d.store.markImported(orgId, conversationId, recordings.length, now);
    this.d.log.info({ orgId, conversationId, recordings: recordings.length }, 'conversation imported');
    return true;
  }

  private async importRecordings(client: GenesysClient, orgId: string, conversationId: string, start: string): Promise<AnalysisJob['recordings']> {
    const format = this.d.settings.recordingFormat;
    const list = await client.recordings.list(conversationId, { formatId: format, maxWaitMs: 5000 });
    if (!list.ready) throw new NotReadyError(list.status === 202 ? 'recordings are transcoding' : 'recordings not available yet');
    const out: AnalysisJob['recordings'] = [];
    for (const rec of list.recordings) {
      if (rec.media && rec.media !== 'audio') continue;
      if (rec.fileState === 'UPLOADING') throw new NotReadyError(`recording ${rec.id} is still uploading`);
      if (!IMPORTABLE_STATES.has(rec.fileState)) {
        this.d.metrics.recordingsSkipped.inc({ state: rec.fileState ?? 'unknown' });
        this.d.log.warn({ orgId, conversationId, recordingId: rec.id, fileState: rec.fileState }, 'recording not importable; skipped');
        continue;
      }
      for (const [channel, uri] of await this.mediaUris(client, conversationId, rec)) {
        const name = `${rec.id}${channel === 'S' ? '' : `-${channel}`}.${EXTENSIONS[format] ?? 'bin'}`;
        const key = importKey(orgId, start, conversationId, name);
        const media = await client.recordings.download(uri);
        // A failed store leaves the download half read: close it, and ignore what it says afterwards.
        media.stream.on('error', (err) => this.d.log.debug({ err: err.message }, 'recording download ended early'));
        const stored = await this.d.objects.put(key, media.stream, { contentType: media.contentType ?? 'application/octet-stream' }).catch((err: unknown) => {
          media.stream.destroy();
          throw err;
        });
        await this.d.store.putRecording({
          tenant_id: orgId,
          conversation_id: conversationId,
          recording_id: channel === 'S' ? rec.id : `${rec.id}-${channel}`,
          object_key: key,
          format,
          content_type: media.contentType ?? null,
          size: stored.size,
          sha256: stored.sha256,
          media: rec.media ?? 'audio',
          start_time: rec.startTime ?? null,
          end_time: rec.endTime ?? null,
          imported_at: new Date().toISOString(),
        });
        this.d.metrics.recordingBytes.inc(stored.size);
        out.push({ recordingId: rec.id, objectKey: key, format, sha256: stored.sha256, size: stored.size });
      }
    }
    return out;
  }

  /** Stereo ("S") when Genesys offers it — the single-recording call does — else each channel. */
  private async mediaUris(client: GenesysClient, conversationId: string, rec: Recording): Promise<[string, string][]> {
    let uris = rec.mediaUris ?? {};
    if (!uris.S) {
      const one = await client.recordings.get(conversationId, rec.id, { formatId: this.d.settings.recordingFormat, maxWaitMs: 5000 });
      if (!one.ready) throw new NotReadyError(`recording ${rec.id} is transcoding`);
      uris = one.recording.mediaUris ?? uris;
    }
    const entries: [string, string][] = [];
    for (const [k, v] of Object.entries(uris)) if (v?.mediaUri) entries.push([k, v.mediaUri]);
    if (entries.length === 0) throw new NotReadyError(`recording ${rec.id} has no media yet`);
    const stereo = entries.find(([k]) => k === 'S');
    return stereo ? [stereo] : entries;
  }
}
