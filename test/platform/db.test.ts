import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/platform/db/index.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

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
    const db: Db = await openDatabase(url());
    try {
      const now = new Date().toISOString();
      await db.kysely.insertInto('tenants').values({ org_id: 'o1', name: 'Acme', settings: '{}', secrets_enc: null, source: 'cli', created_at: now, updated_at: now }).execute();
      await db.kysely.insertInto('api_keys').values({ api_key: 'k1', org_id: 'o1', secret_enc: null, label: null, source: 'cli', created_at: now }).execute();
      await expect(
        db.kysely.insertInto('api_keys').values({ api_key: 'k1', org_id: 'o1', secret_enc: null, label: null, source: 'cli', created_at: now }).execute(),
      ).rejects.toThrow();
      await db.kysely.deleteFrom('tenants').where('org_id', '=', 'o1').execute();
      const left = await db.kysely.selectFrom('api_keys').selectAll().execute();
      expect(left).toEqual([]);
    } finally {
      await db.close();
    }
    const again = await openDatabase(url());
    await again.close();
  });
});

describe('database errors', () => {
  it('reports an unreachable PostgreSQL after retrying, without the password', async () => {
    await expect(openDatabase('postgres://user:hunter2@127.0.0.1:1/x', 2)).rejects.toThrow(/cannot connect to postgres:\/\/\*\*\*@127\.0\.0\.1:1/);
  });
});
