/**
 * The two databases a store must work on, for `describe.each`: SQLite in a
 * temporary directory and PostgreSQL in a fresh schema, both removed after
 * the file's tests. One place instead of the same set-up in every file.
 */
import { afterAll } from 'vitest';
import { dropPgSchema, pgUrlWithFreshSchema } from './services.js';
import { tempDir } from './tmp.js';

export type DatabaseCase = [name: 'sqlite' | 'postgres', url: () => string];

/** `file` names the SQLite file (several stores in one test file may want their own). */
export function bothDatabases(file = 'test.db'): DatabaseCase[] {
  const tmp = tempDir();
  const pg = pgUrlWithFreshSchema();
  afterAll(async () => {
    tmp.cleanup();
    await dropPgSchema(pg.schema);
  });
  return [
    ['sqlite', () => `sqlite:${tmp.dir}/${file}`],
    ['postgres', () => pg.url],
  ];
}
