/**
 * Migrations come from their owners (each capability, and the embedded queue)
 * and are joined by the application. Kysely runs them in name order and
 * refuses a history with an executed name missing, or a new name sorting
 * before the last one run: names share one global sequence (docs/database.md).
 */
import type { Migration } from 'kysely';
import { DatabaseError } from './errors.js';

/** Migrations by name. */
export type Migrations = Record<string, Migration>;

/** Joins the owners' migrations; a name two owners use is a programming error, not a silent overwrite. */
export function joinMigrations(...sets: Migrations[]): Migrations {
  const all: Migrations = {};
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set)) {
      if (name in all) throw new DatabaseError(`migration ${name} is defined twice`);
      all[name] = migration;
    }
  }
  return all;
}
