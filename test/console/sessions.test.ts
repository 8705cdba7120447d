/** Console sessions in virtual time, on SQLite and PostgreSQL: the idle and absolute timeouts, and only the cookie's hash stored. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDatabase, allTables } from '../../src/app/database.js';
import { SessionStore, TOUCH_RESOLUTION_MS } from '../../src/console/index.js';
import type { Db } from '../../src/platform/db/index.js';
import { bothDatabases } from '../helpers/databases.js';

const MIN = 60_000;

describe.each(bothDatabases('s.db'))('console sessions on %s', (_name, url) => {
  let db: Db;
  let now = Date.UTC(2026, 0, 1);
  let store: SessionStore;
  beforeAll(async () => {
    db = await openAppDatabase(url());
    store = new SessionStore(db, { idleMs: 30 * MIN, absoluteMs: 120 * MIN }, () => now);
  });
  afterAll(() => db.close());

  it('stores the SHA-256 of the cookie, never the cookie', async () => {
    const { session, cookie } = await store.create('u1');
    expect(session.id).toBe(createHash('sha256').update(cookie).digest('hex'));
    const rows = await allTables(db).selectFrom('console_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(cookie);
    expect((await store.find(cookie))?.userId).toBe('u1');
    expect(await store.find(cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
  });

  it('ends a session idle for the idle timeout, and use keeps it alive', async () => {
    const { cookie } = await store.create('u2');
    now += 29 * MIN;
    expect(await store.find(cookie)).toBeDefined(); // seen: the idle clock restarts
    now += 29 * MIN;
    expect(await store.find(cookie)).toBeDefined();
    now += 30 * MIN;
    expect(await store.find(cookie)).toBeUndefined();
    // Deleted when found expired, not only refused.
    now -= 30 * MIN;
    expect(await store.find(cookie)).toBeUndefined();
  });

  it('ends a session at the absolute timeout however it is used', async () => {
    const { cookie } = await store.create('u3');
    for (let i = 0; i < 11; i++) {
      now += 10 * MIN;
      expect(await store.find(cookie)).toBeDefined();
    }
    now += 10 * MIN; // 120 minutes after login
    expect(await store.find(cookie)).toBeUndefined();
  });

  it('writes last seen at most once per resolution', async () => {
    const { session, cookie } = await store.create('u4');
    const seen = async () => (await allTables(db).selectFrom('console_sessions').select('last_seen_at').where('id', '=', session.id).executeTakeFirstOrThrow()).last_seen_at;
    const first = await seen();
    now += TOUCH_RESOLUTION_MS - 1;
    await store.find(cookie);
    expect(await seen()).toBe(first);
    now += 1;
    await store.find(cookie);
    expect(await seen()).not.toBe(first);
  });
});
