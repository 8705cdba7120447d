/** The embedded queue's migrations by their shipped names (naming rule: docs/database.md). */
import type { Migration } from 'kysely';
import * as m002 from './002_queue.js';

export const queueMigrations: Record<string, Migration> = {
  '002_queue': m002,
};
