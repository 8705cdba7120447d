/**
 * Persists the normalized conversation model. Every fetch replaces the
 * conversation's whole subtree in one transaction (details are mutable: ACW,
 * evaluations and surveys arrive later), keyed by (tenant, conversation).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../platform/db/index.js';
import type { ConversationRows } from './model.js';
import type { ConversationTables, RecordingsTable } from './tables.js';

const CHILD_TABLES = ['participants', 'sessions', 'segments', 'session_metrics', 'evaluations', 'surveys'] as const;
const BATCH = 100;

async function insertAll<T extends (typeof CHILD_TABLES)[number]>(trx: Transaction<ConversationTables>, table: T, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await trx.insertInto(table).values(rows.slice(i, i + BATCH) as never).execute();
  }
}

export class ConversationStore {
  private readonly k: Kysely<ConversationTables>;

  constructor(db: Db) {
    this.k = db.kysely.withTables<ConversationTables>();
  }

  /** Writes the conversation and replaces its subtree; keeps its import state. */
  async replace(rows: ConversationRows): Promise<void> {
    const { tenant_id, conversation_id } = rows.conversation;
    await this.k.transaction().execute(async (trx) => {
      await trx
        .insertInto('conversations')
        .values({ ...rows.conversation, imported_at: null, recordings_count: 0 })
        .onConflict((oc) => oc.columns(['tenant_id', 'conversation_id']).doUpdateSet(rows.conversation))
        .execute();
      for (const t of CHILD_TABLES) {
        await trx.deleteFrom(t).where('tenant_id', '=', tenant_id).where('conversation_id', '=', conversation_id).execute();
      }
      await insertAll(trx, 'participants', rows.participants as never[]);
      await insertAll(trx, 'sessions', rows.sessions as never[]);
      await insertAll(trx, 'segments', rows.segments as never[]);
      await insertAll(trx, 'session_metrics', rows.metrics as never[]);
      // Evaluations/surveys are keyed by their own id; drop any copy filed under another conversation.
      for (const e of rows.evaluations) await trx.deleteFrom('evaluations').where('tenant_id', '=', tenant_id).where('evaluation_id', '=', e.evaluation_id).execute();
      for (const s of rows.surveys) await trx.deleteFrom('surveys').where('tenant_id', '=', tenant_id).where('survey_id', '=', s.survey_id).execute();
      await insertAll(trx, 'evaluations', rows.evaluations as never[]);
      await insertAll(trx, 'surveys', rows.surveys as never[]);
    });
  }

  async putRecording(row: RecordingsTable): Promise<void> {
    const { object_key, format, content_type, size, sha256, media, start_time, end_time, imported_at } = row;
    await this.k
      .insertInto('recordings')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'conversation_id', 'recording_id']).doUpdateSet({ object_key, format, content_type, size, sha256, media, start_time, end_time, imported_at }),
      )
      .execute();
  }

  async markImported(tenantId: string, conversationId: string, recordings: number, at: string): Promise<void> {
    await this.k
      .updateTable('conversations')
      .set({ imported_at: at, recordings_count: recordings })
      .where('tenant_id', '=', tenantId)
      .where('conversation_id', '=', conversationId)
      .execute();
  }

  /** Which of these conversations are completely imported. */
  async importedAmong(tenantId: string, conversationIds: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < conversationIds.length; i += 500) {
      const rows = await this.k
        .selectFrom('conversations')
        .select('conversation_id')
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', 'in', conversationIds.slice(i, i + 500))
        .where('imported_at', 'is not', null)
        .execute();
      for (const r of rows) out.add(r.conversation_id);
    }
    return out;
  }

  /**
   * Imported conversations that started at or after `since` (ISO), after the `after` position, `limit` at a time,
   * with their stored analytics record (the late-attachments pass compares it with a fresh one). Pages run in
   * (start, id) order, the `conversations_start` index's, so each page reads only its own rows.
   */
  async importedStartedSince(tenantId: string, since: string, after: { start: string; id: string } | undefined, limit: number): Promise<{ conversation_id: string; conversation_start: string; raw: string }[]> {
    let q = this.k
      .selectFrom('conversations')
      .select(['conversation_id', 'conversation_start', 'raw'])
      .where('tenant_id', '=', tenantId)
      .where('conversation_start', '>=', since)
      .where('imported_at', 'is not', null);
    if (after) q = q.where((eb) => eb.or([eb('conversation_start', '>', after.start), eb.and([eb('conversation_start', '=', after.start), eb('conversation_id', '>', after.id)])]));
    return q.orderBy('conversation_start').orderBy('conversation_id').limit(limit).execute();
  }

  async isImported(tenantId: string, conversationId: string): Promise<boolean> {
    return (await this.importedAmong(tenantId, [conversationId])).has(conversationId);
  }

  /** The stored tree, for the API, the console and tests. */
  async get(tenantId: string, conversationId: string) {
    const conversation = await this.k.selectFrom('conversations').selectAll().where('tenant_id', '=', tenantId).where('conversation_id', '=', conversationId).executeTakeFirst();
    if (!conversation) return undefined;
    const k = this.k;
    const of = <T extends 'participants' | 'sessions' | 'segments' | 'session_metrics' | 'evaluations' | 'surveys' | 'recordings'>(t: T) =>
      k.selectFrom(t as 'participants').selectAll().where('tenant_id', '=', tenantId).where('conversation_id', '=', conversationId).execute() as Promise<ConversationTables[T][]>;
    const [participants, sessions, segments, metrics, evaluations, surveys, recordings] = await Promise.all([
      of('participants'),
      of('sessions'),
      of('segments'),
      of('session_metrics'),
      of('evaluations'),
      of('surveys'),
      of('recordings'),
    ]);
    return { conversation, participants, sessions, segments, metrics, evaluations, surveys, recordings };
  }
}
