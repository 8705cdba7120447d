/**
 * Post-call ingest in one process: the producer (ended conversations of
 * monitored agents → the ingest queue), the importer consuming it, the nightly
 * reconciliation and gap reconciliation after a notifications outage, and the
 * late-attachments pass (attachments.ts).
 */
import type { ConversationStore, LiveSink } from '../conversations/index.js';
import type { Db } from '../platform/db/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Registry } from '../platform/metrics/index.js';
import type { ObjectStore } from '../platform/objects/index.js';
import { exponentialBackoff, type Consumer, type Queue } from '../platform/queue/index.js';
import type { SharedState } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { Tenant } from '../tenants/index.js';
import type { Directory, TenantEvent } from '../tracking/index.js';
import { LateAttachments } from './attachments.js';
import { ImportClaims } from './claims.js';
import { ClientPool } from './clients.js';
import type { IngestConfig } from './config.js';
import { Importer } from './importer.js';
import { jobKey, queueNames, type IngestJob } from './jobs.js';
import { IngestMetrics } from './metrics.js';
import { Reconciler, type ReconcileReport, type Trigger } from './reconcile.js';
import { ReconcileScheduler } from './scheduler.js';

export interface IngestDeps {
  config: { ingest: IngestConfig; namespace: string };
  tenant: (orgId: string) => Tenant | undefined;
  db: Db;
  store: ConversationStore;
  directory: Directory;
  objects: ObjectStore;
  queue: Queue;
  state: SharedState;
  registry: Registry;
  replicaId: string;
  log: Logger;
  clients?: ClientPool;
  /** The live conversation model, merged with each imported analytics record. */
  live?: LiveSink;
}

/** A gap is reconciled once analytics caught up, and again an hour later for late records. */
const GAP_SECOND_PASS_MS = 60 * 60_000;
const GAP_MARGIN_MS = 5 * 60_000;
/** Between tries to queue an ended conversation while the queue is down. */
const PUBLISH_BACKOFF = exponentialBackoff({ baseMs: 1000, maxMs: 30_000 });

export class IngestService {
  readonly metrics: IngestMetrics;
  readonly reconciler: Reconciler;
  readonly importer: Importer;
  readonly queues: { ingest: string; analysis: string };
  readonly attachments: LateAttachments;
  private readonly scheduler: ReconcileScheduler;
  private consumer: Consumer | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private tenants: Tenant[] = [];
  private attachmentsTimer: NodeJS.Timeout | undefined;
  private passing = false;

  constructor(private readonly d: IngestDeps) {
    this.metrics = new IngestMetrics(d.registry);
    this.queues = queueNames(d.config.namespace);
    const clients = d.clients ?? new ClientPool(d.log);
    const common = { tenant: d.tenant, clients, store: d.store, queue: d.queue, metrics: this.metrics, log: d.log };
    const claims = new ImportClaims(d.db, { leaseMs: d.config.ingest.claimLeaseMs });
    this.importer = new Importer({ ...common, objects: d.objects, analysisQueue: this.queues.analysis, settings: d.config.ingest, live: d.live, claims });
    this.reconciler = new Reconciler({ ...common, directory: d.directory, ingestQueue: this.queues.ingest, db: d.db, settleMs: d.config.ingest.reconcileSettleMs });
    const { attachmentsWindowMs: windowMs, attachmentsIntervalMs: intervalMs } = d.config.ingest;
    this.attachments = new LateAttachments({ ...common, live: d.live, state: d.state, replicaId: d.replicaId, windowMs, intervalMs: Math.max(intervalMs, 1000) });
    this.scheduler = new ReconcileScheduler({ state: d.state, replicaId: d.replicaId, overlapMinutes: d.config.ingest.reconcileOverlapMinutes, log: d.log, run: (orgId, from, to) => this.reconcile(orgId, from, to, 'nightly') });
  }

  start(): void {
    const s = this.d.config.ingest;
    this.consumer = this.d.queue.consume<IngestJob>(this.queues.ingest, this.importer.handle, {
      concurrency: s.concurrency,
      maxAttempts: s.maxAttempts,
      backoff: exponentialBackoff({ baseMs: s.retryBaseMs, maxMs: s.retryMaxMs }),
    });
    if (s.attachmentsIntervalMs > 0) {
      this.attachmentsTimer = setInterval(() => void this.attachmentsPass(), s.attachmentsIntervalMs);
      this.attachmentsTimer.unref();
    }
  }

  /** Every tenant with a Genesys client, one after the other; a pass still running when the next is due is not doubled. */
  private async attachmentsPass(): Promise<void> {
    if (this.passing) return;
    this.passing = true;
    try {
      for (const t of this.tenants) if (t.genesys && !this.stopped) await this.attachments.fire(t.orgId);
    } finally {
      this.passing = false;
    }
  }

  /** Tenants changed: reschedule their nightly runs. */
  update(tenants: Tenant[]): void {
    this.tenants = tenants;
    this.scheduler.update(tenants);
  }

  /** The producer: the tenant leader's events, exactly once per deployment. */
  onLeaderEvent = (e: TenantEvent): void => {
    if (e.type !== 'conversation.ended') return;
    const job: IngestJob = { tenant: e.orgId, conversationId: e.conversationId, endedAt: e.endedAt, source: 'ended' };
    this.enqueueEnded(job, 1);
  };

  /**
   * The queue may be down (a broker restart): try again with backoff for as
   * long as the service runs, so the call is imported once the queue is back.
   * One still unqueued at stop is not lost either: the nightly reconciliation
   * finds it.
   */
  private enqueueEnded(job: IngestJob, attempt: number): void {
    const delayMs = this.d.config.ingest.firstAttemptDelayMs;
    const ids = { orgId: job.tenant, conversationId: job.conversationId };
    this.d.queue.publish(this.queues.ingest, job, { key: jobKey(job.tenant, job.conversationId), delayMs }).then(
      () => this.metrics.enqueued.inc({ source: 'ended' }),
      (err: unknown) => {
        if (this.stopped) return void this.d.log.error({ ...ids, err: errorMessage(err) }, 'could not queue an ended conversation; the nightly reconciliation will import it');
        const retryInMs = PUBLISH_BACKOFF(attempt);
        this.d.log.warn({ ...ids, attempt, retryInMs, err: errorMessage(err) }, 'could not queue an ended conversation; retrying');
        this.later(() => this.enqueueEnded(job, attempt + 1), retryInMs);
      },
    );
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /**
   * Notifications were lost from `from` until the socket came back: reconcile
   * from just before the gap up to the time of the run (calls that were live
   * during the gap end later, and are caught by the same window).
   */
  onGap = (orgId: string, from: Date, _to: Date): void => {
    for (const delay of [this.d.config.ingest.gapReconcileDelayMs, GAP_SECOND_PASS_MS]) {
      this.later(() => void this.reconcile(orgId, new Date(from.getTime() - GAP_MARGIN_MS), new Date(Date.now()), 'gap'), delay);
    }
  };

  reconcile(orgId: string, from: Date, to: Date, trigger: Trigger): Promise<ReconcileReport> {
    return this.reconciler.run(orgId, from, to, trigger);
  }

  /** "Run now" (console, API): the nightly run's window — the last 24 h plus the overlap — ending now. */
  reconcileNow(orgId: string): Promise<ReconcileReport> {
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600_000 - this.d.config.ingest.reconcileOverlapMinutes * 60_000);
    return this.reconcile(orgId, from, to, 'manual');
  }

  nextReconcile(orgId: string): Date | null {
    return this.scheduler.next(orgId);
  }

  /**
   * Stops taking work and waits up to `timeoutMs` for imports in flight. One
   * still running then is abandoned unacknowledged: the queue redelivers it.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    this.scheduler.stop();
    clearInterval(this.attachmentsTimer);
    for (const t of this.timers) clearTimeout(t);
    if (!this.consumer) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([this.consumer.close(), late]);
    clearTimeout(timer);
  }
}
