/** This capability's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m003 from './003_tracking.js';
import * as m005 from './005_conversations_live.js';

export const conversationMigrations: Record<string, Migration> = {
  '003_tracking': m003,
  '005_conversations_live': m005,
};
