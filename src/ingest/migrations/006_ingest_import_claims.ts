/**
 * Per-conversation import claims (src/ingest/claims.ts): before importing, a
 * consumer claims (tenant, conversation) with an owner id and a lease; only one
 * writer wins the insert-or-conditional-update. The row also records the
 * analysis hand-off (its version, then its confirmation), so a consumer that
 * died after the hand-off is not followed by a second one. Times are epoch
 * milliseconds in `bigint` columns: the claim compares and adds to them, and
 * integers compare alike on SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';

const uuid = 'varchar(64)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ingest_import_claims')
    .addColumn('tenant_id', uuid, (c) => c.notNull())
    .addColumn('conversation_id', uuid, (c) => c.notNull())
    .addColumn('owner', 'varchar(64)')
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('handoff_version', 'varchar(64)')
    .addColumn('handed_off_at', 'bigint')
    .addColumn('recordings', 'integer')
    .addColumn('imported_at', 'varchar(32)')
    .addPrimaryKeyConstraint('ingest_import_claims_pk', ['tenant_id', 'conversation_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ingest_import_claims').execute();
}
