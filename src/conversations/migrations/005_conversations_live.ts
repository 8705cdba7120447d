/**
 * The live conversation model and its event outbox (src/conversations/live).
 * `conversation_live` holds each conversation's current live state with a
 * revision (compare-and-set: one writer per conversation). `conversation_events`
 * is the outbox the delivery side reads: each event once, numbered per
 * conversation, written in the same transaction as the state that implies it.
 */
import type { Kysely } from 'kysely';

type Db = Kysely<unknown>;
const uuid = 'varchar(64)';
const ts = 'varchar(32)';

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('conversation_live')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('ended_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_live_pk', ['tenant_id', 'conversation_id'])
    .execute();
  await db.schema
    .createTable('conversation_events')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'varchar(40)', (c) => c.notNull())
    .addColumn('occurred_at', ts, (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('recorded_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_events_pk', ['tenant_id', 'conversation_id', 'seq'])
    .execute();
  await db.schema.createIndex('conversation_events_recorded').on('conversation_events').columns(['tenant_id', 'recorded_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('conversation_events').execute();
  await db.schema.dropTable('conversation_live').execute();
}
