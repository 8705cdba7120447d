/**
 * The monitored agent directory on SQLite and PostgreSQL: its diff on every
 * sync (who joined, who left).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import { Directory } from '../../src/tracking/directory.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
});

const TENANT = 'd7934305-0972-4844-938e-9060eef73d05';

describe.each([
  ['sqlite', () => `sqlite:${tmp.dir}/t.db`],
  ['postgres', () => pg.url],
])('agent directory on %s', (_name, url) => {
  it('keeps the monitored agent directory and reports who joined and left', async () => {
    const db = await openAppDatabase(url());
    try {
      const dir = new Directory(db);
      const first = await dir.sync(TENANT, [{ userId: 'u1', name: 'Ann', email: 'ann@x', active: true }, { userId: 'u2', name: 'Ben', active: true }]);
      expect(first.added.sort()).toEqual(['u1', 'u2']);
      const second = await dir.sync(TENANT, [{ userId: 'u2', name: 'Ben', active: true }, { userId: 'u3', name: 'Cid', active: false }]);
      expect(second).toMatchObject({ added: ['u3'], removed: ['u1'] });
      expect((await dir.monitored(TENANT)).map((a) => a.userId)).toEqual(['u2', 'u3']);
    } finally {
      await db.close();
    }
  });
});
