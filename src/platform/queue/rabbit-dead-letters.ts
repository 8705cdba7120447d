/**
 * Reading and retrying `q.dead`. AMQP has no "peek", so both take messages
 * with basic.get on a channel of their own and never ack the ones they leave:
 * closing the channel puts those back, in their places.
 */
import type { Connection, Publisher, SyncMessage } from 'rabbitmq-client';
import { encodeBody, envelope, readMeta, toDeadLetter } from './rabbit-message.js';
import { deadQueueName } from './rabbit-topology.js';
import type { DeadLetter } from './queue.js';

type Use<R> = (get: () => Promise<SyncMessage | undefined>, ack: (m: SyncMessage) => void) => Promise<R>;

async function withChannel<R>(connection: Connection, queue: string, use: Use<R>): Promise<R> {
  const channel = await connection.acquire();
  try {
    return await use(
      () => channel.basicGet({ queue, noAck: false }),
      (m) => channel.basicAck({ deliveryTag: m.deliveryTag }),
    );
  } finally {
    await channel.close();
  }
}

export function peekDeadLetters<T>(connection: Connection, q: string, limit: number): Promise<DeadLetter<T>[]> {
  return withChannel(connection, deadQueueName(q), async (get) => {
    const letters: DeadLetter<T>[] = [];
    while (letters.length < limit) {
      const msg = await get();
      if (!msg) break;
      letters.push(toDeadLetter<T>(msg));
    }
    return letters;
  });
}

/**
 * Sends dead letters back to `q` with no failed deliveries, each under a
 * publisher confirm before its ack (a crash in between duplicates, never loses).
 * Stops after the messages that were there when it started.
 */
export function requeueDeadLetters(connection: Connection, publisher: Publisher, q: string, ids: string[] | undefined): Promise<number> {
  const wanted = ids ? new Set(ids) : undefined;
  return withChannel(connection, deadQueueName(q), async (get, ack) => {
    let requeued = 0;
    let remaining = Infinity;
    while (remaining > 0) {
      const msg = await get();
      if (!msg) break;
      remaining = Math.min(remaining - 1, msg.messageCount); // messageCount: how many are left behind it
      const meta = readMeta(msg);
      if (wanted && !wanted.has(meta.id)) continue;
      await publisher.send(envelope({ routingKey: q }, { id: meta.id, key: meta.key, failed: 0 }), encodeBody(msg.body));
      ack(msg);
      requeued++;
    }
    return requeued;
  });
}
