/**
 * Outbound webhook delivery (src/webhooks): per-conversation delivery streams
 * with their lease, and the delivery log. See tables.ts.
 */
import type { Kysely } from 'kysely';

type Db = Kysely<unknown>;
const uuid = 'varchar(64)';
const ts = 'varchar(32)';
const name = 'varchar(64)';

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('webhook_streams')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('endpoint', name, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('next_seq', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', ts)
    .addColumn('leased_by', 'varchar(128)')
    .addColumn('leased_until', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_streams_pk', ['tenant_id', 'endpoint', 'conversation_id'])
    .execute();
  await db.schema.createIndex('webhook_streams_due').on('webhook_streams').columns(['next_attempt_at']).execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('endpoint', name, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('event_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'varchar(512)')
    .addColumn('first_attempt_at', ts)
    .addColumn('last_attempt_at', ts)
    .addColumn('delivered_at', ts)
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['tenant_id', 'endpoint', 'conversation_id', 'seq'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_status').on('webhook_deliveries').columns(['tenant_id', 'endpoint', 'status', 'last_attempt_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_streams').execute();
}
