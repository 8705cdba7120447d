/**
 * Databases made before the tables moved to their owners open with the
 * composed migration set: no error, no migration run again, no row lost
 * (docs/database.md). The shipped set is reconstructed from the moved files,
 * whose effects did not change, under the names it shipped with.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import * as m003 from '../../src/conversations/migrations/003_tracking.js';
import { migrate, openDatabase, type Db, type Migrations } from '../../src/platform/db/index.js';
import * as m002 from '../../src/platform/queue/migrations/002_queue.js';
import * as m001 from '../../src/tenants/migrations/001_tenants.js';
import * as m004 from '../../src/tenants/migrations/004_lowercase_org_ids.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

/** The one list src/platform/db/migrations/index.ts shipped. */
const SHIPPED: Migrations = { '001_tenants': m001, '002_queue': m002, '003_tracking': m003, '004_lowercase_org_ids': m004 };

const tmp = tempDir();
const pg = { old: pgUrlWithFreshSchema(), renamed: pgUrlWithFreshSchema() };
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.old.schema);
  await dropPgSchema(pg.renamed.schema);
});

interface Executed {
  name: string;
  timestamp: string;
}

async function executed(db: Db): Promise<Executed[]> {
  const { rows } = await sql<Executed>`select name, timestamp from kysely_migration order by name`.execute(db.kysely);
  return rows.map((r) => ({ name: r.name, timestamp: String(r.timestamp) }));
}

type Name = keyof typeof pg;
const dialects: [string, (name: Name) => string][] = [
  ['sqlite', (name) => `sqlite:${tmp.dir}/${name}.db`],
  ['postgres', (name) => pg[name].url],
];

describe.each(dialects)('a database migrated by the shipped set, on %s', (_dialect, url) => {
  it('opens with the composed set: nothing run again, nothing lost', async () => {
    const orgId = randomUUID();
    const conversationId = randomUUID();
    const old = await openDatabase(url('old'), { migrations: SHIPPED });
    let before: Executed[];
    try {
      before = await executed(old);
      expect(before.map((m) => m.name)).toEqual(Object.keys(SHIPPED));
      const k = allTables(old);
      const now = new Date().toISOString();
      await k.insertInto('tenants').values({ org_id: orgId, name: 'Old', settings: '{}', secrets_enc: null, source: 'cli', created_at: now, updated_at: now }).execute();
      await k.insertInto('conversations').values({ tenant_id: orgId, conversation_id: conversationId, conversation_start: now, conversation_end: null, originating_direction: null, conversation_initiator: null, customer_participation: null, division_ids: null, external_tag: null, min_mos: null, min_rfactor: null, raw: '{}', fetched_at: now, imported_at: now, recordings_count: 0 }).execute();
    } finally {
      await old.close();
    }

    const db = await openAppDatabase(url('old'));
    try {
      // The shipped rows as they were (same names, same times); migrations added later sort after them.
      expect((await executed(db)).slice(0, before.length)).toEqual(before);
      const k = allTables(db);
      expect(await k.selectFrom('tenants').select('name').where('org_id', '=', orgId).executeTakeFirst()).toEqual({ name: 'Old' });
      expect(await k.selectFrom('conversations').select('imported_at').where('conversation_id', '=', conversationId).executeTakeFirst()).toEqual({ imported_at: expect.any(String) });
    } finally {
      await db.close();
    }
  });

  it('would not open had a shipped migration been renamed (why the names stay)', async () => {
    const db = await openDatabase(url('renamed'), { migrations: SHIPPED });
    try {
      const { '003_tracking': _shipped, ...rest } = SHIPPED;
      await expect(migrate(db, { ...rest, '003_conversations': m003 })).rejects.toThrow(/previously executed migration 003_tracking is missing/);
    } finally {
      await db.close();
    }
  });
});
