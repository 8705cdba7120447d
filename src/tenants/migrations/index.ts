/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m001 from './001_tenants.js';
import * as m004 from './004_lowercase_org_ids.js';

export const tenantMigrations: Record<string, Migration> = {
  '001_tenants': m001,
  '004_lowercase_org_ids': m004,
};
