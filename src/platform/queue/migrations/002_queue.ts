import { sql, type Kysely } from 'kysely';

/**
 * The embedded queue's job table (see src/platform/queue/job-table.ts).
 * Timestamps are epoch milliseconds in `bigint` columns, not ISO text: the
 * claim query compares and adds to them, and integers compare the same way on
 * SQLite and PostgreSQL whatever the collation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('queue_jobs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('queue', 'varchar(200)', (c) => c.notNull())
    .addColumn('key', 'varchar(255)')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('locked_by', 'varchar(200)')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('dead_at', 'bigint')
    .execute();
  // Partial indexes: the claim query only looks at live jobs, the dead-letter
  // listing only at dead ones, so each index stays as small as its question.
  await db.schema
    .createIndex('queue_jobs_live')
    .on('queue_jobs')
    .columns(['queue', 'run_at'])
    .where(sql.ref('dead_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('queue_jobs_dead')
    .on('queue_jobs')
    .columns(['queue', 'dead_at'])
    .where(sql.ref('dead_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('queue_jobs').execute();
}
