/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m008 from './008_api_tokens.js';

export const apiMigrations: Record<string, Migration> = {
  '008_api_tokens': m008,
};
