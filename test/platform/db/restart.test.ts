/**
 * PostgreSQL restarts under a running pool: the server terminating its
 * backends (57P01, what a restart does) and a stretch where it cannot be
 * reached at all. The process must survive both and the pool recover by itself.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openAppDatabase } from '../../../src/app/database.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { proxyFor } from '../../helpers/proxy.js';
import { until } from '../../helpers/server.js';
import { PG_URL, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../../helpers/services.js';
import { watchUncaught } from '../../helpers/uncaught.js';

const fresh = pgUrlWithFreshSchema();
afterAll(() => dropPgSchema(fresh.schema));

function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

async function terminateBackends(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    const res = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return res.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL restarts', () => {
  it('survives its idle connections being terminated (57P01) and reconnects', async () => {
    const name = uniqueName('hl_restart');
    const uncaught = watchUncaught();
    const logs = captureLogs();
    const db = await openAppDatabase(withApplicationName(fresh.url, name), { attempts: 2, log: logs.logger });
    try {
      await sql`select 1`.execute(db.kysely); // leaves an idle pooled connection
      expect(await terminateBackends(name)).toBeGreaterThan(0);
      await until(() => logs.text().includes('57P01') || uncaught.errors.length > 0, 10_000, 'the pool to report the terminated connection');
      expect(uncaught.errors).toEqual([]);
      const { rows } = await sql<{ n: number }>`select 1 as n`.execute(db.kysely);
      expect(rows).toEqual([{ n: 1 }]);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      await db.close();
    }
  });

  it('fails queries while the server is unreachable, and recovers once it is back', async () => {
    const proxy = await proxyFor(PG_URL);
    const uncaught = watchUncaught();
    const logs = captureLogs();
    const url = new URL(proxy.url(fresh.url));
    const db = await openAppDatabase(url.toString(), { attempts: 2, log: logs.logger });
    try {
      await sql`select 1`.execute(db.kysely);
      await proxy.cut();
      await expect(sql`select 1`.execute(db.kysely)).rejects.toThrow();
      await proxy.restore();
      await until(async () => sql`select 1`.execute(db.kysely).then(() => true, () => false), 10_000, 'queries to succeed again');
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      await db.close();
      await proxy.close();
    }
  });
});
