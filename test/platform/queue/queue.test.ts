/**
 * The queue's contract, run against each implementation over real services:
 * the table queue on SQLite and on PostgreSQL, and RabbitMQ.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { PermanentError, QueueError, RetryLaterError, openQueue, queueMigrations, type Consumer, type Message, type Queue } from '../../../src/platform/queue/index.js';
import { AMQP_URL, deleteRabbitQueues, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../../helpers/services.js';
import { tempDir } from '../../helpers/tmp.js';

const logger = createLogger({ level: 'silent' });
const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
const rabbitQueues: string[] = [];

afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
  await deleteRabbitQueues(rabbitQueues);
});

const POLL = { timeout: 10_000, interval: 10 };

interface Backend {
  open(): Promise<{ queue: Queue; db?: Db }>;
  isRabbit: boolean;
}

const backends: [string, Backend][] = [
  ['table queue on SQLite', { isRabbit: false, open: async () => tableQueue(await openDatabase(`sqlite:${tmp.dir}/queue.sqlite`, { migrations: queueMigrations })) }],
  ['table queue on PostgreSQL', { isRabbit: false, open: async () => tableQueue(await openDatabase(pg.url, { migrations: queueMigrations })) }],
  ['RabbitMQ', { isRabbit: true, open: async () => ({ queue: await openQueue(AMQP_URL, { logger }, { connectionName: uniqueName('hookline_test') }) }) }],
];

async function tableQueue(db: Db): Promise<{ queue: Queue; db: Db }> {
  return { queue: await openQueue('embedded', { db, logger }, { pollMs: 20, leaseMs: 2000 }), db };
}

/** Resolves the returned promise's resolver on demand: a handler that waits until told. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe.each(backends)('%s', (_name, backend) => {
  let queue: Queue;
  let db: Db | undefined;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    ({ queue, db } = await backend.open());
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  function name(): string {
    const q = uniqueName('q');
    if (backend.isRabbit) rabbitQueues.push(q);
    return q;
  }

  function consume<T>(q: string, handler: (m: Message<T>) => Promise<void>, options: Partial<{ concurrency: number; maxAttempts: number; backoff: (n: number) => number }> = {}): Consumer {
    const consumer = queue.consume<T>(q, handler, { concurrency: 1, maxAttempts: 3, backoff: () => 5, ...options });
    consumers.push(consumer);
    return consumer;
  }

  it('delivers a message with its key and acknowledges it once the handler resolves', async () => {
    const q = name();
    await queue.publish(q, { n: 1, text: 'héllo' }, { key: 'org-1:conv-1' });
    const seen: Message<{ n: number }>[] = [];
    const consumer = consume<{ n: number }>(q, async (m) => void seen.push(m));
    await vi.waitFor(() => expect(seen).toHaveLength(1), POLL);
    await consumer.close();
    expect(seen[0]).toMatchObject({ payload: { n: 1, text: 'héllo' }, key: 'org-1:conv-1', attempts: 1 });
    expect(seen[0]?.id).toEqual(expect.any(String));
    // Closing a consumer returns unacknowledged messages; nothing came back, so it was acked.
    expect(await queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 0 });
  });

  it('carries a message id given at publish to the consumer; the table queue keeps one job per id', async () => {
    const q = name();
    const id = randomUUID();
    await queue.publish(q, { n: 1 }, { id, key: 'org-1:conv-1' });
    await queue.publish(q, { n: 2 }, { id, key: 'org-1:conv-1' }); // the same hand-off, published again
    await queue.publish(q, { n: 3 }, { key: 'org-1:conv-1' });
    // RabbitMQ cannot refuse the copy: it arrives with the same id for the consumer to drop.
    const expected = backend.isRabbit ? 3 : 2;
    if (!backend.isRabbit) expect((await queue.stats(q)).ready).toBe(2);
    const seen: Message<{ n: number }>[] = [];
    consume<{ n: number }>(q, async (m) => void seen.push(m));
    await vi.waitFor(() => expect(seen).toHaveLength(expected), POLL);
    const withId = seen.filter((m) => m.id === id);
    expect(withId.length).toBe(expected - 1);
    expect(withId[0]?.payload.n).toBe(1);
    expect(seen.find((m) => m.payload.n === 3)?.id).not.toBe(id);
  });

  it('retries a failing message with the backoff until it succeeds', async () => {
    const q = name();
    await queue.publish(q, 'payload');
    const attempts: number[] = [];
    const backoffCalls: number[] = [];
    consume<string>(
      q,
      async (m) => {
        attempts.push(m.attempts);
        if (m.attempts < 3) throw new Error(`fail ${m.attempts}`);
      },
      { maxAttempts: 5, backoff: (n) => (backoffCalls.push(n), 5) },
    );
    await vi.waitFor(() => expect(attempts).toEqual([1, 2, 3]), POLL);
    expect(backoffCalls).toEqual([1, 2]);
    await vi.waitFor(async () => expect(await queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 0 }), POLL);
  });

  it('keeps a failed message back for its backoff: a later message overtakes it', async () => {
    const q = name();
    const seen: string[] = [];
    consume<string>(
      q,
      async (m) => {
        seen.push(`${m.payload}#${m.attempts}`);
        if (m.payload === 'first') throw new Error('not yet');
      },
      { backoff: () => 60_000 },
    );
    await queue.publish(q, 'first');
    await vi.waitFor(() => expect(seen).toEqual(['first#1']), POLL);
    await queue.publish(q, 'second');
    await vi.waitFor(() => expect(seen).toEqual(['first#1', 'second#1']), POLL);
  });

  it("honours a RetryLaterError's delay instead of the backoff", async () => {
    const q = name();
    await queue.publish(q, 'x');
    const attempts: number[] = [];
    const backoff = vi.fn(() => 60_000);
    consume<string>(
      q,
      async (m) => {
        attempts.push(m.attempts);
        if (m.attempts === 1) throw new RetryLaterError(20);
      },
      { backoff },
    );
    await vi.waitFor(() => expect(attempts).toEqual([1, 2]), POLL);
    expect(backoff).not.toHaveBeenCalled();
  });

  it('delays a message published with delayMs, and a long delay does not hold up a short one', async () => {
    const q = name();
    const seen: string[] = [];
    consume<string>(q, async (m) => void seen.push(m.payload));
    await queue.publish(q, 'in a minute', { delayMs: 60_000 });
    await queue.publish(q, 'soon', { delayMs: 30.5 });
    await vi.waitFor(() => expect(seen).toEqual(['soon']), POLL);
    await queue.publish(q, 'now');
    await vi.waitFor(() => expect(seen).toEqual(['soon', 'now']), POLL);
  });

  it('dead-letters after maxAttempts with the reason, and retryDeadLetters brings it back', async () => {
    const q = name();
    let failing = true;
    const succeeded: Message<{ order: number }>[] = [];
    consume<{ order: number }>(
      q,
      async (m) => {
        if (failing) throw new Error(`downstream said no (attempt ${m.attempts})`);
        succeeded.push(m);
      },
      { maxAttempts: 2, backoff: () => 1 },
    );
    const before = Date.now();
    await queue.publish(q, { order: 7 }, { key: 'k-7' });
    await vi.waitFor(async () => expect(await queue.deadLetters(q)).toHaveLength(1), POLL);
    const [dead] = await queue.deadLetters<{ order: number }>(q);
    expect(dead).toMatchObject({ payload: { order: 7 }, key: 'k-7', reason: 'downstream said no (attempt 2)', attempts: 2 });
    expect(dead?.failedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(dead?.failedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 1 });
    // Reading dead letters leaves them there.
    expect(await queue.deadLetters(q)).toHaveLength(1);

    failing = false;
    expect(await queue.retryDeadLetters(q)).toBe(1);
    await vi.waitFor(() => expect(succeeded).toHaveLength(1), POLL);
    expect(succeeded[0]).toMatchObject({ id: dead?.id, payload: { order: 7 }, key: 'k-7', attempts: 1 });
    await vi.waitFor(async () => expect(await queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 0 }), POLL);
    expect(await queue.deadLetters(q)).toEqual([]);
  });

  it('dead-letters at once on a PermanentError, and retries only the dead letters asked for', async () => {
    const q = name();
    let calls = 0;
    consume<string>(
      q,
      async (m) => {
        calls++;
        throw new PermanentError(`cannot parse ${m.payload}`);
      },
      { maxAttempts: 5 },
    );
    await queue.publish(q, 'a');
    await queue.publish(q, 'b');
    await vi.waitFor(async () => expect(await queue.deadLetters(q)).toHaveLength(2), POLL);
    expect(calls).toBe(2);
    const letters = await queue.deadLetters<string>(q);
    expect(letters.map((l) => [l.payload, l.reason, l.attempts]).sort()).toEqual([
      ['a', 'cannot parse a', 1],
      ['b', 'cannot parse b', 1],
    ]);
    expect(await queue.deadLetters(q, 1)).toHaveLength(1);

    expect(await queue.retryDeadLetters(q, [])).toBe(0);
    const a = letters.find((l) => l.payload === 'a');
    expect(await queue.retryDeadLetters(q, [a!.id])).toBe(1);
    await vi.waitFor(() => expect(calls).toBe(3), POLL);
    await vi.waitFor(async () => expect((await queue.deadLetters<string>(q)).map((l) => l.payload).sort()).toEqual(['a', 'b']), POLL);
  });

  it('runs at most `concurrency` handlers at once', async () => {
    const q = name();
    for (let i = 0; i < 8; i++) await queue.publish(q, i);
    let active = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    let releaseAll = false;
    const done: number[] = [];
    consume<number>(
      q,
      async (m) => {
        active++;
        most = Math.max(most, active);
        await new Promise<void>((r) => (releaseAll ? r() : gates.push(r)));
        active--;
        done.push(m.payload);
      },
      { concurrency: 3 },
    );
    try {
      // Three taken, five left waiting: had the limit been ignored, none would wait.
      await vi.waitFor(async () => expect(await queue.stats(q)).toEqual({ ready: 5, inFlight: 3, dead: 0 }), POLL);
      expect(active).toBe(3);
      for (let released = 0; released < 8; released++) {
        await vi.waitFor(() => expect(gates.length).toBeGreaterThan(0), POLL);
        gates.shift()?.();
      }
      await vi.waitFor(() => expect(done).toHaveLength(8), POLL);
    } finally {
      releaseAll = true; // lets afterEach's close drain, should an expectation fail
      gates.splice(0).forEach((open) => open());
    }
    expect(most).toBe(3);
    expect(done.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("drains in-flight handlers on a consumer's close", async () => {
    const q = name();
    await queue.publish(q, 'slow');
    const release = gate();
    let started = false;
    let finished = false;
    const consumer = consume<string>(q, async () => {
      started = true;
      await release.wait;
      finished = true;
    });
    await vi.waitFor(() => expect(started).toBe(true), POLL);
    setTimeout(release.open, 100);
    await consumer.close();
    expect(finished).toBe(true);
    expect(await queue.stats(q)).toEqual({ ready: 0, inFlight: 0, dead: 0 });
  });

  it('rejects invalid names, payloads and options with a QueueError', async () => {
    await expect(queue.publish('has.dot', 1)).rejects.toThrow(QueueError);
    await expect(queue.publish(name(), undefined)).rejects.toThrow(/JSON-serialisable/);
    await expect(queue.publish(name(), 1, { key: '' })).rejects.toThrow(QueueError);
    await expect(queue.publish(name(), 1, { id: 'not-a-uuid' })).rejects.toThrow(/message id must be a UUID/);
    expect(() => queue.consume(name(), async () => {}, { concurrency: 0, maxAttempts: 1 })).toThrow(/concurrency/);
  });
});
