/**
 * The importer (seed design 001, "Conversation Consumer"): for one ended
 * conversation, fetch the analytics details and store the normalized model,
 * fetch the recordings and stream each to object storage (size and sha256
 * recorded), queue the conversation for analysis, and only then mark it
 * imported — the queue acknowledges when this resolves, so nothing is
 * acknowledged that is not durable. Idempotent by (tenant, conversation):
 * a redelivery replaces the same rows and objects, and hands the same import
 * to analysis under the same message id (see analysisMessageId). Jobs for one
 * conversation arrive from several paths at once (call ended, gap and nightly
 * reconciliation, on any replica): a per-conversation claim (claims.ts) lets
 * one import at a time, and records the hand-off so it is not repeated.
 */
import { randomUUID } from 'node:crypto';
import { normalize, type AnalyticsConversationLike, type ConversationStore, type LiveSink } from '../conversations/index.js';
import type { GenesysClient, Recording } from '../genesys/index.js';
import type { Logger } from '../platform/logging/index.js';
import { datePath, type ObjectStore } from '../platform/objects/index.js';
import { PermanentError, type Message, type Queue } from '../platform/queue/index.js';
import type { Tenant } from '../tenants/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { ImportClaims } from './claims.js';
import type { ClientPool } from './clients.js';
import type { IngestConfig } from './config.js';
import { ImportDeferredError, classify } from './errors.js';
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
  /** Per-conversation import claims: one importer at a time, one hand-off. */
  claims: ImportClaims;
  /** How often a held claim is renewed; default a third of its lease. */
  renewEveryMs?: number | undefined;
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

export type ImportResult = 'imported' | 'already-imported';

/** A deferred job comes back no sooner than this, however soon the holder's lease ends. */
const MIN_DEFER_MS = 1000;

function tenantOf(d: ImporterDeps, orgId: string): Tenant {
  const tenant = d.tenant(orgId);
  if (!tenant) throw new PermanentError(`unknown tenant ${orgId}`);
  return tenant;
}

export class Importer {
  constructor(private readonly d: ImporterDeps) {}

  /** The queue handler. */
  readonly handle = async (msg: Message<IngestJob>): Promise<void> => {
    const { tenant: orgId, conversationId, source } = msg.payload;
    const started = Date.now();
    const reimport = REIMPORT_SOURCES.has(source);
    if (!reimport && (await this.d.store.isImported(orgId, conversationId))) {
      // A second job for an imported call (call-ended and a takeover's gap reconcile, or an ack lost after
      // the import) writes nothing: the import happens once. An operator's backfill or manual run re-imports.
      this.d.metrics.imports.inc({ result: 'already-imported' });
      this.d.log.debug({ orgId, conversationId, source }, 'already imported; skipped');
      return;
    }
    try {
      const result = await this.import(orgId, conversationId, { reimport });
      this.d.metrics.imports.inc({ result });
      if (result === 'imported') this.d.metrics.importSeconds.observe((Date.now() - started) / 1000);
    } catch (err) {
      if (err instanceof ImportDeferredError) {
        this.d.metrics.deferred.inc({ reason: err.reason });
        this.d.log.info({ orgId, conversationId, source, attempt: msg.attempts, reason: err.reason, retryInMs: err.delayMs }, 'import deferred: another consumer holds the conversation');
        throw err;
      }
      const e = err instanceof NotReadyError ? err : classify(err, `conversation ${conversationId}`);
      this.d.metrics.imports.inc({ result: e instanceof PermanentError ? 'failed' : 'retry' });
      this.d.log.warn({ orgId, conversationId, attempt: msg.attempts, err: e.message }, e instanceof PermanentError ? 'import failed for good' : 'import will be retried');
      throw e;
    }
  };

  /**
   * Imports the conversation under its import claim (claims.ts), so one consumer at a time imports it and hands
   * it off, across replicas. Throws ImportDeferredError while another consumer holds the claim.
   * 'already-imported' when, without `reimport`, the conversation turned out imported, or an earlier consumer
   * had handed it off and died before marking it (marked now, not handed off again). `reimport` (backfill,
   * an operator; the default for direct calls) imports and hands off again whatever was done before.
   */
  async import(orgId: string, conversationId: string, opts: { reimport?: boolean } = {}): Promise<ImportResult> {
    const reimport = opts.reimport ?? true;
    const tenant = tenantOf(this.d, orgId);
    const owner = randomUUID();
    const claim = await this.d.claims.acquire(orgId, conversationId, owner);
    if (!claim.won) {
      if (!reimport && (await this.d.store.isImported(orgId, conversationId))) return 'already-imported';
      const waitMs = Math.min(this.d.claims.leaseMs, Math.max(MIN_DEFER_MS, claim.leaseUntil - this.d.claims.now()));
      throw new ImportDeferredError('claimed', waitMs, `conversation ${conversationId} is being imported by another consumer`);
    }
    const lease = this.keepLease(orgId, conversationId, owner);
    try {
      // Won after the holder finished (or after our own first check): nothing left to do.
      if (!reimport && (await this.d.store.isImported(orgId, conversationId))) return 'already-imported';
      if (!reimport && claim.handedOff) {
        await this.d.store.markImported(orgId, conversationId, claim.handedOff.recordings, claim.handedOff.importedAt);
        this.d.log.info({ orgId, conversationId }, 'hand-off was confirmed before its consumer stopped; marked imported, not handed off again');
        return 'already-imported';
      }
      if (claim.unconfirmedVersion) {
        this.d.log.warn({ orgId, conversationId }, 'an earlier consumer stopped during the hand-off; importing again (an unchanged import is handed off under the same message id)');
      }
      await this.importUnderClaim(tenant, orgId, conversationId, owner);
      return 'imported';
    } finally {
      lease.stop();
      await this.d.claims.release(orgId, conversationId, owner).catch((err: unknown) => this.d.log.warn({ orgId, conversationId, err: errorMessage(err) }, 'could not release an import claim; it expires with its lease'));
    }
  }

  private async importUnderClaim(tenant: Tenant, orgId: string, conversationId: string, owner: string): Promise<void> {
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
    // The fence: a consumer whose lease ran out (a long stall) may have been taken over; it must not hand off.
    if (!(await this.d.claims.beginHandOff(orgId, conversationId, owner, version))) {
      throw new ImportDeferredError('claim-lost', this.d.claims.leaseMs, `conversation ${conversationId}: the import claim expired and was taken over before the hand-off`);
    }
    const job: AnalysisJob = { tenant: orgId, conversationId, importVersion: version, recordings, importedAt: now };
    await this.d.queue.publish(this.d.analysisQueue, job, { key: jobKey(orgId, conversationId), id: analysisMessageId(orgId, conversationId, version) });
    await this.d.claims.confirmHandOff(orgId, conversationId, { version, recordings: recordings.length, importedAt: now });
    await this.d.store.markImported(orgId, conversationId, recordings.length, now);
    this.d.log.info({ orgId, conversationId, recordings: recordings.length }, 'conversation imported');
  }

  /**
   * Renews the claim every third of its lease while the import runs (recordings can take long to download).
   * One renewal at a time: an overlapping one finishing late would move the lease back.
   */
  private keepLease(orgId: string, conversationId: string, owner: string): { stop(): void } {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const renew = async () => {
      try {
        const held = await this.d.claims.renew(orgId, conversationId, owner);
        if (!held) return void this.d.log.warn({ orgId, conversationId }, 'import claim lost to another consumer; this import will not hand off');
      } catch (err) {
        this.d.log.warn({ orgId, conversationId, err: errorMessage(err) }, 'could not renew an import claim');
      }
      schedule();
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => void renew(), this.d.renewEveryMs ?? this.d.claims.leaseMs / 3);
      timer.unref();
    };
    schedule();
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
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
