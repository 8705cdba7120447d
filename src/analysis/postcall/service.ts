/**
 * The post-call analysis in one process: the worker on `<namespace>-analysis`
 * and re-analysis on demand (API, console, CLI), which queues a job built
 * from the stored recordings on the same queue, so one code path analyses.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../platform/logging/index.js';
import type { ObjectStore } from '../../platform/objects/index.js';
import { exponentialBackoff, type Consumer, type Queue } from '../../platform/queue/index.js';
import type { GuidanceRule } from '../../tenants/index.js';
import type { PostCallConfig } from '../config.js';
import type { AnalysisStore } from '../store.js';
import { PostCallWorker, storedVersion, type AnalysisRequest, type PhraseSpotter, type RuleRunnerFactory } from './worker.js';

/** A stored recording as the conversation store keeps it. */
export interface StoredRecording {
  recording_id: string;
  object_key: string;
  format: string;
  size: number;
  sha256: string;
}

export interface PostCallServiceDeps {
  config: PostCallConfig;
  queue: Queue;
  /** `<namespace>-analysis`. */
  queueName: string;
  objects: Pick<ObjectStore, 'get'>;
  store: AnalysisStore;
  rules: (tenant: string) => readonly GuidanceRule[] | undefined;
  ruleEngine?: RuleRunnerFactory | undefined;
  spotPhrases?: PhraseSpotter | undefined;
  /** The conversation's stored recordings; undefined when the conversation was never imported. */
  recordings: (tenant: string, conversationId: string) => Promise<StoredRecording[] | undefined>;
  log: Logger;
}

export class ConversationNotImportedError extends Error {
  override name = 'ConversationNotImportedError';
}

export class PostCallService {
  readonly worker: PostCallWorker;
  private consumer: Consumer | undefined;

  constructor(private readonly d: PostCallServiceDeps) {
    const { maxRecordingBytes } = d.config;
    this.worker = new PostCallWorker({ objects: d.objects, store: d.store, rules: d.rules, ruleEngine: d.ruleEngine, spotPhrases: d.spotPhrases, maxRecordingBytes, log: d.log });
  }

  start(): void {
    const c = this.d.config;
    if (!c.enabled || this.consumer) return;
    this.consumer = this.d.queue.consume<AnalysisRequest>(this.d.queueName, this.worker.handle, {
      concurrency: c.concurrency,
      maxAttempts: c.maxAttempts,
      backoff: exponentialBackoff({ baseMs: c.retryBaseMs, maxMs: c.retryMaxMs }),
    });
  }

  /** Queues a re-analysis of an imported conversation from its stored recordings; resolves once the job is durable. */
  rerun(tenant: string, conversationId: string): Promise<{ queued: true; jobId: string }> {
    return queueReanalysis(this.d, tenant, conversationId);
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
    this.consumer = undefined;
  }
}

/** Re-analysis on demand, as the API and the CLI do it: a forced job from the stored recordings on the analysis queue. */
export async function queueReanalysis(
  d: Pick<PostCallServiceDeps, 'queue' | 'queueName' | 'recordings'>,
  tenant: string,
  conversationId: string,
): Promise<{ queued: true; jobId: string }> {
  const stored = await d.recordings(tenant, conversationId);
  if (!stored) throw new ConversationNotImportedError(`conversation ${conversationId} has not been imported: nothing to analyse`);
  const recordings = stored.map((r) => ({ recordingId: r.recording_id, objectKey: r.object_key, format: r.format, sha256: r.sha256, size: Number(r.size) }));
  const job: AnalysisRequest = { tenant, conversationId, importVersion: storedVersion(recordings), recordings, force: true };
  const jobId = randomUUID();
  await d.queue.publish(d.queueName, job, { key: `${tenant}:${conversationId}`, id: jobId });
  return { queued: true, jobId };
}
