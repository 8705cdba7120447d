import { afterAll, describe, expect, it } from 'vitest';
import { allTables, openAppDatabase } from '../../../src/app/database.js';
import { DatabaseError, joinMigrations, type Db } from '../../../src/platform/db/index.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../../helpers/services.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
});

const dialects: [string, () => string][] = [
  ['sqlite', () => `sqlite:${tmp.dir}/db.sqlite`],
  ['postgres', () => pg.url],
];

describe.each(dialects)('database on %s', (_name, url) => {
  it('migrates, enforces keys and cascades, and migrates again idempotently', async () => {
    const db: Db = await openAppDatabase(url());
    try {
      const k = allTables(db);
      const now = new Date().toISOString();
      await k.insertInto('tenants').values({ org_id: 'o1', name: 'Acme', settings: '{}', secrets_enc: null, source: 'cli', created_at: now, updated_at: now }).execute();
      await k.insertInto('api_keys').values({ api_key: 'k1', org_id: 'o1', secret_enc: null, label: null, source: 'cli', created_at: now }).execute();
      await expect(
        k.insertInto('api_keys').values({ api_key: 'k1', org_id: 'o1', secret_enc: null, label: null, source: 'cli', created_at: now }).execute(),
      ).rejects.toThrow();
      await k.deleteFrom('tenants').where('org_id', '=', 'o1').execute();
      const left = await k.selectFrom('api_keys').selectAll().execute();
      expect(left).toEqual([]);
    } finally {
      await db.close();
    }
    const again = await openAppDatabase(url());
    await again.close();
  });
});

describe('database errors', () => {
  it('reports an unreachable PostgreSQL after retrying, without the password', async () => {
    await expect(openAppDatabase('postgres://user:hunter2@127.0.0.1:1/x', { attempts: 2 })).rejects.toThrow(/cannot connect to postgres:\/\/\*\*\*@127\.0\.0\.1:1/);
  });
});

describe('joining the owners\' migrations', () => {
  it('rejects a name two owners define instead of keeping one of them', () => {
    const one = { up: async () => undefined };
    expect(Object.keys(joinMigrations({ '001_a': one }, { '002_b': one }))).toEqual(['001_a', '002_b']);
    expect(() => joinMigrations({ '001_a': one }, { '001_a': one })).toThrow(DatabaseError);
  });
});
