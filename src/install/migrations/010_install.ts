/**
 * Installer credentials (issued by a Hookline operator, exchanged by the wizard for a short-lived
 * token) and install runs (one per Genesys org: steps done, ids of every object created, so each
 * step is idempotent and uninstall removes exactly those). docs/install.md.
 */
import type { Kysely } from 'kysely';

type Db = Kysely<unknown>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('install_credentials')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .execute();
  await db.schema
    .createTable('install_runs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('credential_id', 'varchar(64)')
    .addColumn('tenant_name', 'varchar(200)')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('secrets_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('install_runs').execute();
  await db.schema.dropTable('install_credentials').execute();
}
