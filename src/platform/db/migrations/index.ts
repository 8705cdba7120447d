/**
 * Migrations in order. Add new files here; never edit one that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_tenants.js';
import * as m002 from './002_queue.js';
import * as m003 from './003_tracking.js';
import * as m004 from './004_lowercase_org_ids.js';

const MIGRATIONS: Record<string, Migration> = {
  '001_tenants': m001,
  '002_queue': m002,
  '003_tracking': m003,
  '004_lowercase_org_ids': m004,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
