/**
 * Reconciliation (seed design 001, nightly job): list the conversations of the
 * tenant's monitored agents that ended in a window, compare with what is
 * imported, queue what is missing, and store a report. Windows longer than the
 * API's 7-day limit are split; a chunk past the 10,000-result paging limit is
 * read through an async analytics job instead.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ConversationStore } from '../conversations/index.js';
import { PagingLimitError, detailsQuery, type AnalyticsConversation, type GenesysClient } from '../genesys/index.js';
import type { Db } from '../platform/db/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Queue } from '../platform/queue/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { Tenant } from '../tenants/index.js';
import type { Directory } from '../tracking/index.js';
import type { ClientPool } from './clients.js';
import { jobKey, type IngestJob } from './jobs.js';
import type { IngestMetrics } from './metrics.js';
import type { IngestTables, Trigger } from './tables.js';

export type { Trigger };

export interface ReconcileReport {
  id: string;
  tenant: string;
  trigger: Trigger;
  windowStart: string;
  windowEnd: string;
  found: number;
  alreadyImported: number;
  enqueued: number;
  failed: number;
  error?: string | undefined;
}

export interface ReconcilerDeps {
  tenant: (orgId: string) => Tenant | undefined;
  clients: ClientPool;
  store: ConversationStore;
  directory: Directory;
  queue: Queue;
  ingestQueue: string;
  db: Db;
  metrics: IngestMetrics;
  log: Logger;
  /** The most recent time never read (conversations still settling shift pages). */
  settleMs?: number;
  now?: () => number;
}

export type Progress = (p: { found: number; enqueued: number; chunk: number; chunks: number }) => void;

const DAY = 24 * 3600_000;
const MAX_INTERVAL = 7 * DAY;
/** The sync query is capped at 10,000 results per interval. */
const USERS_PER_QUERY = 100;
const BATCH = 500;
/** Queue publishes awaited together while reconciling. */
const PUBLISH_IN_FLIGHT = 100;

export class ReconcileError extends Error {
  override name = 'ReconcileError';
}

/** [from, to) split into pieces the details query accepts. */
export function chunks(from: Date, to: Date, max = MAX_INTERVAL): [Date, Date][] {
  const out: [Date, Date][] = [];
  for (let t = from.getTime(); t < to.getTime(); t += max) out.push([new Date(t), new Date(Math.min(t + max, to.getTime()))]);
  return out;
}

export class Reconciler {
  private readonly now: () => number;

  constructor(private readonly d: ReconcilerDeps) {
    this.now = d.now ?? Date.now;
  }

  /** The reports table, typed; taken when used (only a run and `reports` touch the database). */
  private get k(): Kysely<IngestTables> {
    return this.d.db.kysely.withTables<IngestTables>();
  }

  async run(orgId: string, from: Date, to: Date, trigger: Trigger, progress?: Progress): Promise<ReconcileReport> {
    // Data still settling shifts pages: never read the most recent moments.
    const end = new Date(Math.min(to.getTime(), this.now() - (this.d.settleMs ?? 60_000)));
    const report: ReconcileReport = { id: randomUUID(), tenant: orgId, trigger, windowStart: from.toISOString(), windowEnd: end.toISOString(), found: 0, alreadyImported: 0, enqueued: 0, failed: 0 };
    await this.k
      .insertInto('reconcile_reports')
      .values({ id: report.id, tenant_id: orgId, trigger, window_start: report.windowStart, window_end: report.windowEnd, found: 0, already_imported: 0, enqueued: 0, failed: 0, error: null, started_at: new Date(this.now()).toISOString(), finished_at: null })
      .execute();
    try {
      const tenant = this.d.tenant(orgId);
      if (!tenant) throw new ReconcileError(`unknown tenant ${orgId}`);
      const users = (await this.d.directory.monitored(orgId)).map((a) => a.userId);
      if (users.length > 0 && end > from) await this.scan(this.d.clients.get(tenant), orgId, users, from, end, trigger, report, progress);
      this.d.metrics.reconcileRuns.inc({ result: 'ok' });
    } catch (err) {
      report.error = errorMessage(err);
      this.d.metrics.reconcileRuns.inc({ result: 'error' });
      this.d.log.error({ orgId, trigger, err: report.error }, 'reconciliation failed');
    }
    await this.k
      .updateTable('reconcile_reports')
      .set({ found: report.found, already_imported: report.alreadyImported, enqueued: report.enqueued, failed: report.failed, error: report.error ?? null, finished_at: new Date(this.now()).toISOString() })
      .where('id', '=', report.id)
      .execute();
    this.d.log.info({ ...report }, 'reconciliation finished');
    return report;
  }

  async reports(orgId: string, limit = 20): Promise<ReconcileReport[]> {
    const rows = await this.k.selectFrom('reconcile_reports').selectAll().where('tenant_id', '=', orgId).orderBy('started_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, tenant: r.tenant_id, trigger: r.trigger, windowStart: r.window_start, windowEnd: r.window_end, found: r.found, alreadyImported: r.already_imported, enqueued: r.enqueued, failed: r.failed, error: r.error ?? undefined }));
  }

  private async scan(client: GenesysClient, orgId: string, users: string[], from: Date, to: Date, trigger: Trigger, report: ReconcileReport, progress?: Progress): Promise<void> {
    const pieces = chunks(from, to);
    const seen = new Set<string>();
    let batch: string[] = [];
    const flush = async () => {
      const ids = batch;
      batch = [];
      await this.compare(orgId, ids, trigger, report);
    };
    for (const [i, [a, b]] of pieces.entries()) {
      for (let u = 0; u < users.length; u += USERS_PER_QUERY) {
        for await (const c of this.list(client, a, b, users.slice(u, u + USERS_PER_QUERY))) {
          // Sync queries return whole days touched by the interval: keep the window's own.
          const ended = c.conversationEnd ? Date.parse(c.conversationEnd) : NaN;
          if (!(ended >= from.getTime() && ended < to.getTime()) || seen.has(c.conversationId)) continue;
          seen.add(c.conversationId);
          report.found++;
          batch.push(c.conversationId);
          if (batch.length >= BATCH) await flush();
        }
      }
      await flush();
      progress?.({ found: report.found, enqueued: report.enqueued, chunk: i + 1, chunks: pieces.length });
    }
  }

  /** The sync query, or an async job when the chunk holds more than the query can page through. */
  private async *list(client: GenesysClient, from: Date, to: Date, userIds: string[]): AsyncIterable<AnalyticsConversation> {
    const query = detailsQuery({ from, to, userIds, endedOnly: true });
    try {
      yield* client.analytics.query(query);
    } catch (err) {
      if (!(err instanceof PagingLimitError)) throw err;
      this.d.log.info({ from, to, totalHits: err.totalHits }, 'more than the query can page: using an async job');
      const { aggregations: _a, ...jobQuery } = query;
      const jobId = await client.analytics.jobs.submit(jobQuery);
      await client.analytics.jobs.waitFor(jobId, { timeoutMs: 30 * 60_000 });
      yield* client.analytics.jobs.results(jobId);
    }
  }

  private async compare(orgId: string, ids: string[], trigger: Trigger, report: ReconcileReport): Promise<void> {
    if (ids.length === 0) return;
    const imported = await this.d.store.importedAmong(orgId, ids);
    report.alreadyImported += imported.size;
    const missing = ids.filter((id) => !imported.has(id));
    // Publishes overlap (RabbitMQ confirms one by one cost a round trip each: 100,000 took 200 s).
    for (let i = 0; i < missing.length; i += PUBLISH_IN_FLIGHT) {
      await Promise.all(missing.slice(i, i + PUBLISH_IN_FLIGHT).map((id) => this.enqueue(orgId, id, trigger, report)));
    }
  }

  private async enqueue(orgId: string, conversationId: string, trigger: Trigger, report: ReconcileReport): Promise<void> {
    try {
      const job: IngestJob = { tenant: orgId, conversationId, source: trigger === 'nightly' || trigger === 'manual' ? 'reconcile' : trigger };
      await this.d.queue.publish(this.d.ingestQueue, job, { key: jobKey(orgId, conversationId) });
      report.enqueued++;
      this.d.metrics.enqueued.inc({ source: job.source });
    } catch (err) {
      report.failed++;
      this.d.log.error({ orgId, conversationId, err: errorMessage(err) }, 'could not queue a missing conversation');
    }
  }
}
