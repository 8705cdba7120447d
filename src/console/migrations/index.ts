/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m009 from './009_console_users.js';

export const consoleMigrations: Record<string, Migration> = {
  '009_console_users': m009,
};
