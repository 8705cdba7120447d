/**
 * Post-call analysis results and the live analysis summaries they are
 * compared with (src/analysis/store.ts). One result row per conversation,
 * keyed by tenant and conversation; one live row per AudioHook session.
 */
import type { Kysely } from 'kysely';

type Db = Kysely<unknown>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('analysis_results')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('import_version', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('comparison', 'text')
    .addColumn('analyzed_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('analysis_results_pk', ['tenant_id', 'conversation_id'])
    .execute();
  await db.schema
    .createTable('analysis_live')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('analysis_live_pk', ['tenant_id', 'conversation_id', 'session_id'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('analysis_live').execute();
  await db.schema.dropTable('analysis_results').execute();
}
