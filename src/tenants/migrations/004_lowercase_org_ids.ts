import { sql, type Kysely } from 'kysely';

/**
 * Org ids are lower-case UUIDs from now on (config, CLI, headers and `open`
 * are normalized). Rows written before with upper-case letters are moved to
 * the lower-case id, so the case-sensitive lookups find them. api_keys
 * references tenants without ON UPDATE CASCADE: copy the tenant, repoint its
 * keys, then delete the old row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`INSERT INTO tenants (org_id, name, settings, secrets_enc, source, created_at, updated_at)
    SELECT lower(org_id), name, settings, secrets_enc, source, created_at, updated_at FROM tenants t
    WHERE org_id <> lower(org_id) AND NOT EXISTS (SELECT 1 FROM tenants l WHERE l.org_id = lower(t.org_id))`.execute(db);
  await sql`UPDATE api_keys SET org_id = lower(org_id) WHERE org_id <> lower(org_id)`.execute(db);
  await sql`DELETE FROM tenants WHERE org_id <> lower(org_id)`.execute(db);
}

export async function down(): Promise<void> {
  // Lower-case ids stay valid for the old code.
}
