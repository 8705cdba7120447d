/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m006 from './006_ingest_import_claims.js';

export const ingestMigrations: Record<string, Migration> = {
  '006_ingest_import_claims': m006,
};
