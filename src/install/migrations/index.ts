/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m010 from './010_install.js';

export const installMigrations: Record<string, Migration> = {
  '010_install': m010,
};
