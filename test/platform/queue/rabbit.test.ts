/**
 * What only the RabbitMQ queue has: surviving the broker closing its
 * connections, the dead-letter exchange, delay buckets, and a clear error
 * when the broker cannot be reached.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection } from 'rabbitmq-client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/platform/logging/index.js';
import { QueueError, openQueue } from '../../../src/platform/queue/index.js';
import { delayBucket } from '../../../src/platform/queue/rabbit-topology.js';
import { AMQP_URL, deleteRabbitQueues, uniqueName } from '../../helpers/services.js';

const logger = createLogger({ level: 'silent' });
const rabbitQueues: string[] = [];

afterAll(() => deleteRabbitQueues(rabbitQueues));

function name(): string {
  const q = uniqueName('q');
  rabbitQueues.push(q);
  return q;
}

const run = promisify(execFile);

/**
 * Has the broker close our connections (only ours: other suites share the
 * broker). Asynchronous, so messages keep flowing meanwhile. Returns how many.
 */
async function closeConnections(connectionName: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', '--no-table-headers', 'pid', 'client_properties']);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0] as string);
  for (const pid of pids) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'hookline fault test']);
  return pids.length;
}


describe('RabbitMQ queue', () => {
  it('loses nothing when the broker closes its connections mid-run', { timeout: 90_000 }, async ({ annotate }) => {
    const connectionName = uniqueName('hookline_fault');
    const queue = await openQueue(AMQP_URL, { logger }, { connectionName });
    const q = name();
    const deliveries = new Map<number, number>();
    queue.consume<number>(q, async (m) => void deliveries.set(m.payload, (deliveries.get(m.payload) ?? 0) + 1), { concurrency: 5, maxAttempts: 5 });
    let published = 0;
    let stop = false;
    // Every publish resolves only once confirmed, so `published` counts durable messages.
    const publishing = (async () => {
      while (!stop) {
        await queue.publish(q, published);
        published++;
        await sleep(2);
      }
    })();
    try {
      for (let fault = 0; fault < 2; fault++) {
        const before = deliveries.size;
        await vi.waitFor(() => expect(deliveries.size).toBeGreaterThan(before + 50), { timeout: 30_000, interval: 20 });
        expect(await closeConnections(connectionName)).toBeGreaterThan(0);
      }
      const before = deliveries.size;
      await vi.waitFor(() => expect(deliveries.size).toBeGreaterThan(before + 50), { timeout: 30_000, interval: 20 });
    } finally {
      stop = true;
      await publishing;
    }
    await vi.waitFor(() => expect(deliveries.size).toBe(published), { timeout: 30_000, interval: 50 });
    expect([...deliveries.keys()].sort((a, b) => a - b)).toEqual([...Array(published).keys()]);
    const duplicates = [...deliveries.values()].reduce((sum, n) => sum + n - 1, 0);
    await annotate(`${published} messages, ${duplicates} delivered more than once`);
    await queue.close();
  });

  it('routes messages the broker itself dead-letters to <queue>.dead through the exchange', async () => {
    const queue = await openQueue(AMQP_URL, { logger });
    const connection = new Connection(AMQP_URL);
    const channel = await connection.acquire();
    try {
      const q = name();
      await queue.publish(q, { n: 1 }, { key: 'k' });
      const msg = await channel.basicGet({ queue: q, noAck: false });
      expect(msg).toBeDefined();
      channel.basicNack({ deliveryTag: msg!.deliveryTag, requeue: false });
      await vi.waitFor(async () => expect(await queue.deadLetters(q)).toHaveLength(1), { timeout: 10_000, interval: 20 });
      const [dead] = await queue.deadLetters(q);
      expect(dead).toMatchObject({ payload: { n: 1 }, key: 'k', reason: 'dead-lettered by the broker: rejected', attempts: 0 });
    } finally {
      await channel.close();
      await connection.close();
      await queue.close();
    }
  });

  it('rounds delays up to a power of two milliseconds, so retries share a few delay queues', () => {
    expect([0, -5, 0.3, 1, 3, 1000, 1024, 1025, 60_000].map(delayBucket)).toEqual([0, 0, 1, 1, 4, 1024, 1024, 2048, 65_536]);
    expect(delayBucket(1e12)).toBe(2 ** 31);
  });

  it('fails with a clear error, without the password, when the broker cannot be reached', async () => {
    const open = openQueue('amqp://guest:hunter2@127.0.0.1:1', { logger }, { connectTimeoutMs: 500 });
    await expect(open).rejects.toThrow(QueueError);
    await expect(open).rejects.toThrow(/^queue: cannot connect to amqp:\/\/\*\*\*@127\.0\.0\.1:1: /);
    await expect(open).rejects.not.toThrow(/hunter2/);
  });
});
