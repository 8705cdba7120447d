/**
 * The late-attachments pass: analytics details keep changing after a call is
 * imported (a wrap-up code entered late, a survey answered or an evaluation
 * finished hours later). For each tenant, every `attachmentsIntervalSeconds`,
 * one replica re-reads the details of the imported conversations that started
 * within the window, in batches through the multi-get (`GET
 * /api/v2/analytics/conversations/details?id=…`; the client keeps to the rate
 * limits and retries 429s), and merges each record that changed: the stored
 * analytics tree is replaced (analytics wins) and the live model records one
 * `conversation.updated` per new wrap-up code, survey or evaluation.
 * Recordings are not fetched again and nothing is handed to analysis again:
 * the pass only follows the analytics record.
 *
 * Idempotent: an unchanged record (equal to the stored `raw`) writes nothing,
 * and the live merge records a change once even when two passes race (its
 * compare-and-set), so a pass that ran twice in one slot adds nothing.
 */
import { normalize, type AnalyticsConversationLike, type ConversationStore, type LiveSink } from '../conversations/index.js';
import type { AnalyticsConversation } from '../genesys/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { SharedState } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { Tenant } from '../tenants/index.js';
import type { ClientPool } from './clients.js';
import type { IngestMetrics } from './metrics.js';

export interface AttachmentsDeps {
  tenant: (orgId: string) => Tenant | undefined;
  clients: ClientPool;
  store: ConversationStore;
  live?: LiveSink | undefined;
  state: SharedState;
  replicaId: string;
  metrics: IngestMetrics;
  log: Logger;
  /** Imported conversations that started this long ago or less are re-read. */
  windowMs: number;
  /** Time between passes; the run-once slot is this long. */
  intervalMs: number;
  now?: () => number;
}

export interface AttachmentsReport {
  tenant: string;
  /** Conversations in the window whose details were asked for. */
  read: number;
  /** Records that differed from the stored tree and were merged. */
  changed: number;
  /** Asked for, not returned (deleted or no longer indexed): left as stored. */
  missing: number;
  /** Changed, but the merge failed (malformed record, database): tried again by the next pass. */
  failed: number;
}

export class AttachmentsError extends Error {
  override name = 'AttachmentsError';
}

/** Ids read from the database per page, and asked of the multi-get per call. */
const PAGE = 500;
const PER_GET = 100;

export class LateAttachments {
  private readonly now: () => number;

  constructor(private readonly d: AttachmentsDeps) {
    this.now = d.now ?? Date.now;
  }

  /** Runs the pass once across replicas for this tenant and slot; false when another replica has it. */
  async fire(orgId: string, at = this.now()): Promise<boolean> {
    const slot = Math.floor(at / this.d.intervalMs);
    const won = await this.d.state.setIfAbsent(`attachments:${orgId}:${slot}`, this.d.replicaId, this.d.intervalMs).catch((err: unknown) => {
      this.d.log.warn({ orgId, err: errorMessage(err) }, 'late-attachments pass: shared state unavailable; skipped this slot');
      return false;
    });
    if (!won) return false;
    await this.run(orgId, at).catch(() => undefined);
    return true;
  }

  /** Re-reads the window's conversations and merges what changed. Throws when the pass could not finish. */
  async run(orgId: string, at = this.now()): Promise<AttachmentsReport> {
    const report: AttachmentsReport = { tenant: orgId, read: 0, changed: 0, missing: 0, failed: 0 };
    try {
      const tenant = this.d.tenant(orgId);
      if (!tenant?.genesys) throw new AttachmentsError(`tenant ${orgId} is unknown or has no Genesys client`);
      const client = this.d.clients.get(tenant);
      const since = new Date(at - this.d.windowMs).toISOString();
      for (let after: { start: string; id: string } | undefined; ; ) {
        const page = await this.d.store.importedStartedSince(orgId, since, after, PAGE);
        if (page.length === 0) break;
        const last = page.at(-1)!;
        after = { start: last.conversation_start, id: last.conversation_id };
        for (let i = 0; i < page.length; i += PER_GET) {
          const batch = page.slice(i, i + PER_GET);
          const records = await client.analytics.conversations(batch.map((r) => r.conversation_id));
          await this.merge(orgId, batch, records, report);
        }
      }
      this.d.metrics.attachmentPasses.inc({ result: 'ok' });
      this.d.log.info({ ...report }, 'late-attachments pass finished');
      return report;
    } catch (err) {
      this.d.metrics.attachmentPasses.inc({ result: 'error' });
      this.d.log.error({ ...report, err: errorMessage(err) }, 'late-attachments pass failed; the next one reads the window again');
      throw err;
    }
  }

  private async merge(orgId: string, stored: { conversation_id: string; raw: string }[], records: AnalyticsConversation[], report: AttachmentsReport): Promise<void> {
    const byId = new Map(records.map((r) => [r.conversationId, r]));
    for (const { conversation_id: id, raw } of stored) {
      report.read++;
      const record = byId.get(id);
      if (!record) {
        report.missing++;
        this.d.metrics.attachmentReads.inc({ result: 'missing' });
        continue;
      }
      if (JSON.stringify(record) === raw) {
        this.d.metrics.attachmentReads.inc({ result: 'unchanged' });
        continue;
      }
      try {
        // The live model first: a failed merge leaves the stored raw as it was, so the next pass tries again.
        const at = new Date(this.now()).toISOString();
        await this.d.live?.apply(orgId, { kind: 'analytics', conversation: record as unknown as AnalyticsConversationLike, importedAt: at });
        await this.d.store.replace(normalize(orgId, record, at));
        report.changed++;
        this.d.metrics.attachmentReads.inc({ result: 'changed' });
        this.d.log.info({ orgId, conversationId: id }, 'analytics details changed after the import; merged');
      } catch (err) {
        report.failed++;
        this.d.metrics.attachmentReads.inc({ result: 'failed' });
        this.d.log.warn({ orgId, conversationId: id, err: errorMessage(err) }, 'could not merge changed analytics details; the next pass tries again');
      }
    }
  }
}
