/**
 * Shipped as `003_tracking`, when one module held every table. It creates
 * tables that later moved to several owners:
 * - conversations, participants, sessions, segments, session_metrics,
 *   evaluations, surveys, recordings → src/conversations (tables.ts);
 * - reconcile_reports → src/ingest (tables.ts);
 * - agents → src/tracking (tables.ts).
 * It stays one migration under its shipped name, kept by its main owner:
 * Kysely records executed migration names in `kysely_migration` and refuses a
 * history with a name missing, so splitting or renaming it would break every
 * existing database (docs/database.md). Never change what it does.
 */
import type { Kysely } from 'kysely';

type Db = Kysely<unknown>;
const uuid = 'varchar(64)';
const ts = 'varchar(32)';

async function conversationTables(db: Db): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('conversation_start', ts, (c) => c.notNull())
    .addColumn('conversation_end', ts)
    .addColumn('originating_direction', 'varchar(16)')
    .addColumn('conversation_initiator', 'varchar(32)')
    .addColumn('customer_participation', 'integer')
    .addColumn('division_ids', 'text')
    .addColumn('external_tag', 'text')
    .addColumn('min_mos', 'double precision')
    .addColumn('min_rfactor', 'double precision')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('fetched_at', ts, (c) => c.notNull())
    .addColumn('imported_at', ts)
    .addColumn('recordings_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('conversations_pk', ['tenant_id', 'conversation_id'])
    .execute();
  await db.schema.createIndex('conversations_start').on('conversations').columns(['tenant_id', 'conversation_start']).execute();
  await db.schema
    .createTable('participants')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('participant_id', uuid, (c) => c.notNull())
    .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', uuid)
    .addColumn('participant_name', 'text')
    .addColumn('team_id', uuid)
    .addColumn('external_contact_id', uuid)
    .addColumn('flagged_reason', 'varchar(32)')
    .addColumn('attributes', 'text')
    .addPrimaryKeyConstraint('participants_pk', ['tenant_id', 'conversation_id', 'participant_id'])
    .execute();
  await db.schema.createIndex('participants_user').on('participants').columns(['tenant_id', 'user_id']).execute();
  await db.schema
    .createTable('sessions')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('participant_id', uuid, (c) => c.notNull())
    .addColumn('session_id', uuid, (c) => c.notNull())
    .addColumn('media_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('direction', 'varchar(16)')
    .addColumn('ani', 'text')
    .addColumn('dnis', 'text')
    .addColumn('session_dnis', 'text')
    .addColumn('remote', 'text')
    .addColumn('peer_id', uuid)
    .addColumn('provider', 'text')
    .addColumn('edge_id', uuid)
    .addColumn('protocol_call_id', 'text')
    .addColumn('recording', 'integer')
    .addColumn('requested_routings', 'text')
    .addColumn('used_routing', 'varchar(32)')
    .addColumn('selected_agent_id', uuid)
    .addColumn('flow', 'text')
    .addColumn('media_endpoint_stats', 'text')
    .addPrimaryKeyConstraint('sessions_pk', ['tenant_id', 'conversation_id', 'participant_id', 'session_id'])
    .execute();
}

async function detailTables(db: Db): Promise<void> {
  await db.schema
    .createTable('segments')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('participant_id', uuid, (c) => c.notNull())
    .addColumn('session_id', uuid, (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('segment_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('segment_start', ts, (c) => c.notNull())
    .addColumn('segment_end', ts)
    .addColumn('queue_id', uuid)
    .addColumn('group_id', uuid)
    .addColumn('wrap_up_code', uuid)
    .addColumn('wrap_up_note', 'text')
    .addColumn('wrap_up_tags', 'text')
    .addColumn('disconnect_type', 'varchar(32)')
    .addColumn('conference', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('properties', 'text')
    .addPrimaryKeyConstraint('segments_pk', ['tenant_id', 'conversation_id', 'participant_id', 'session_id', 'ordinal'])
    .execute();
  await db.schema
    .createTable('session_metrics')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('participant_id', uuid, (c) => c.notNull())
    .addColumn('session_id', uuid, (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('emit_date', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('session_metrics_pk', ['tenant_id', 'conversation_id', 'participant_id', 'session_id', 'ordinal'])
    .execute();
  await db.schema
    .createTable('evaluations')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('evaluation_id', uuid, (c) => c.notNull())
    .addColumn('evaluator_id', uuid)
    .addColumn('user_id', uuid)
    .addColumn('form_id', uuid)
    .addColumn('form_name', 'text')
    .addColumn('status', 'varchar(32)')
    .addColumn('released', 'integer')
    .addColumn('rescored', 'integer')
    .addColumn('deleted', 'integer')
    .addColumn('total_score', 'double precision')
    .addColumn('total_critical_score', 'double precision')
    .addColumn('queue_id', uuid)
    .addColumn('event_time', ts)
    .addPrimaryKeyConstraint('evaluations_pk', ['tenant_id', 'evaluation_id'])
    .execute();
  await db.schema
    .createTable('surveys')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('survey_id', uuid, (c) => c.notNull())
    .addColumn('survey_form_id', uuid)
    .addColumn('survey_form_name', 'text')
    .addColumn('status', 'varchar(32)')
    .addColumn('survey_type', 'varchar(16)')
    .addColumn('promoter_score', 'integer')
    .addColumn('total_score', 'double precision')
    .addColumn('partial', 'integer')
    .addColumn('completed_at', ts)
    .addColumn('user_id', uuid)
    .addColumn('queue_id', uuid)
    .addColumn('event_time', ts)
    .addPrimaryKeyConstraint('surveys_pk', ['tenant_id', 'survey_id'])
    .execute();
}

async function operationalTables(db: Db): Promise<void> {
  await db.schema
    .createTable('recordings')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('recording_id', uuid, (c) => c.notNull())
    .addColumn('object_key', 'text', (c) => c.notNull())
    .addColumn('format', 'varchar(16)', (c) => c.notNull())
    .addColumn('content_type', 'varchar(64)')
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('media', 'varchar(16)')
    .addColumn('start_time', ts)
    .addColumn('end_time', ts)
    .addColumn('imported_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('recordings_pk', ['tenant_id', 'conversation_id', 'recording_id'])
    .execute();
  await db.schema
    .createTable('reconcile_reports')
    .addColumn('id', uuid, (c) => c.primaryKey())
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('window_start', ts, (c) => c.notNull())
    .addColumn('window_end', ts, (c) => c.notNull())
    .addColumn('found', 'integer', (c) => c.notNull())
    .addColumn('already_imported', 'integer', (c) => c.notNull())
    .addColumn('enqueued', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .execute();
  await db.schema.createIndex('reconcile_reports_tenant').on('reconcile_reports').columns(['tenant_id', 'started_at']).execute();
  await db.schema
    .createTable('agents')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('user_id', uuid, (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('monitored', 'integer', (c) => c.notNull())
    .addColumn('synced_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('agents_pk', ['tenant_id', 'user_id'])
    .execute();
}

export async function up(db: Db): Promise<void> {
  await conversationTables(db);
  await detailTables(db);
  await operationalTables(db);
}

export async function down(db: Db): Promise<void> {
  for (const t of ['agents', 'reconcile_reports', 'recordings', 'surveys', 'evaluations', 'session_metrics', 'segments', 'sessions', 'participants', 'conversations']) {
    await db.schema.dropTable(t).execute();
  }
}
