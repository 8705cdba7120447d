/**
 * What only the table queue has: leases (renewed while a handler runs, given
 * up by crashed consumers), claims that two database connections never share,
 * and in-process wake-ups. On SQLite and PostgreSQL.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { JobTable } from '../../../src/platform/queue/job-table.js';
import { TableQueue, queueMigrations, type Message, type TableQueueOptions } from '../../../src/platform/queue/index.js';
import { dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../../helpers/services.js';
import { tempDir } from '../../helpers/tmp.js';

const logger = createLogger({ level: 'silent' });
const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
});

const POLL = { timeout: 10_000, interval: 10 };

const dialects: [string, () => string][] = [
  ['SQLite', () => `sqlite:${tmp.dir}/table.sqlite`],
  ['PostgreSQL', () => pg.url],
];

describe.each(dialects)('table queue on %s', (_name, url) => {
  /** A queue on a connection of its own, as another replica would have. */
  async function replica(options: TableQueueOptions): Promise<{ queue: TableQueue; db: Db; close: () => Promise<void> }> {
    const db = await openDatabase(url(), { migrations: queueMigrations });
    const queue = new TableQueue(db, logger, options);
    return { queue, db, close: async () => (await queue.close(), await db.close()) };
  }

  it('renews the lease while a long handler runs, so no other consumer takes its job', async () => {
    // Renewed every third of it: under load a renewal may run late by up to two thirds.
    const leaseMs = 500;
    const a = await replica({ leaseMs, pollMs: 10 });
    const b = await replica({ leaseMs, pollMs: 10 });
    let release = (): void => {};
    const held = new Promise<void>((r) => (release = r));
    try {
      const q = uniqueName('q');
      await a.queue.publish(q, 'long');
      let startedAt = 0;
      a.queue.consume(q, async () => ((startedAt = Date.now()), await held), { concurrency: 1, maxAttempts: 3 });
      await vi.waitFor(() => expect(startedAt).toBeGreaterThan(0), POLL);
      const taken: Message<unknown>[] = [];
      b.queue.consume(q, async (m) => void taken.push(m), { concurrency: 1, maxAttempts: 3 });
      // Four lease periods: without renewal, b would have taken the job after the first.
      await vi.waitFor(() => expect(Date.now() - startedAt).toBeGreaterThan(4 * leaseMs), POLL);
      expect(await b.queue.stats(q)).toEqual({ ready: 0, inFlight: 1, dead: 0 });
      expect(taken).toEqual([]);
      release();
      await vi.waitFor(async () => expect(await a.queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 0 }), POLL);
      expect(taken).toEqual([]);
    } finally {
      release();
      await a.close();
      await b.close();
    }
  });

  it('dead-letters a job whose deliveries all ended without an outcome, without running it again', async () => {
    const r = await replica({ leaseMs: 1000, pollMs: 10 });
    try {
      const q = uniqueName('q');
      await r.queue.publish(q, 'poison');
      // Two consumers that claimed it and died: their 1 ms leases ran out.
      const jobs = new JobTable(r.db);
      const t0 = Date.now();
      expect(await jobs.claim(q, 'crashed-1', 1, 1, t0)).toHaveLength(1);
      expect(await jobs.claim(q, 'crashed-2', 1, 1, t0 + 2)).toHaveLength(1);
      let calls = 0;
      r.queue.consume(q, async () => void calls++, { concurrency: 1, maxAttempts: 2 });
      await vi.waitFor(async () => expect(await r.queue.deadLetters(q)).toHaveLength(1), POLL);
      const [dead] = await r.queue.deadLetters(q);
      expect(dead?.reason).toMatch(/^gave up after 2 deliveries; the last ended without an outcome/);
      expect(calls).toBe(0);
    } finally {
      await r.close();
    }
  });

  it('never gives one job to two consumers on different connections', async () => {
    const a = await replica({ pollMs: 5 });
    const b = await replica({ pollMs: 5 });
    try {
      const q = uniqueName('q');
      const total = 60;
      for (let i = 0; i < total; i++) await a.queue.publish(q, i);
      const handled: string[] = [];
      const handler = async (m: Message<number>): Promise<void> => {
        handled.push(`${m.payload}`);
        await new Promise((r) => setImmediate(r));
      };
      a.queue.consume(q, handler, { concurrency: 4, maxAttempts: 1 });
      b.queue.consume(q, handler, { concurrency: 4, maxAttempts: 1 });
      await vi.waitFor(async () => expect(await a.queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 0 }), POLL);
      expect(handled).toHaveLength(total);
      expect(new Set(handled).size).toBe(total);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('wakes its own consumers at once on publish, retry and a freed slot, whatever the poll interval', async () => {
    const r = await replica({ pollMs: 60_000 });
    try {
      const q = uniqueName('q');
      const seen: string[] = [];
      let failing = true;
      r.queue.consume<string>(
        q,
        async (m) => {
          seen.push(m.payload);
          if (failing && m.payload === 'dies') throw new Error('no');
        },
        { concurrency: 1, maxAttempts: 1 },
      );
      await r.queue.publish(q, 'one');
      await r.queue.publish(q, 'two'); // waits for the slot 'one' holds
      await vi.waitFor(() => expect(seen).toEqual(['one', 'two']), POLL);
      await r.queue.publish(q, 'dies');
      await vi.waitFor(async () => expect(await r.queue.stats(q)).toMatchObject({ dead: 1 }), POLL);
      failing = false;
      await r.queue.retryDeadLetters(q);
      await vi.waitFor(() => expect(seen).toEqual(['one', 'two', 'dies', 'dies']), POLL);
    } finally {
      await r.close();
    }
  });
});
