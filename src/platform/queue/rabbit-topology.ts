/**
 * The RabbitMQ objects behind one logical queue `q`:
 *
 * - `q`: durable. Whatever the broker itself dead-letters from it (a reject,
 *   a max-length or TTL policy an operator adds) goes to DEAD_LETTER_EXCHANGE.
 * - `q.dead`: durable, no consumer; bound to DEAD_LETTER_EXCHANGE by `q`. The
 *   consumer dead-letters through the same exchange, adding the reason.
 * - `q.delay.<ms>`: durable, per-queue TTL of <ms>; expired messages are
 *   dead-lettered back to `q`. One queue per delay, not a per-message TTL in
 *   one queue, because RabbitMQ only expires messages at the head: a 5-minute
 *   delay would hold up a 1-second one behind it. Delays round up to a power
 *   of two milliseconds (at most 2× late, never early) so a queue has a few
 *   dozen delay queues at most, and unused ones expire.
 */
import type { Connection, MethodParams, Cmd } from 'rabbitmq-client';

type QueueDeclare = MethodParams[Cmd.QueueDeclare];

export const DEAD_LETTER_EXCHANGE = 'hookline.dead-letter';

/** Longest delay: about 24.8 days, within RabbitMQ's TTL limit. */
const MAX_DELAY_MS = 2 ** 31;
/** How long an unused delay queue outlives its TTL before the broker deletes it. */
const DELAY_QUEUE_IDLE_MS = 10 * 60_000;

export function mainQueue(q: string): QueueDeclare {
  return { queue: q, durable: true, arguments: { 'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE } };
}

export function deadQueueName(q: string): string {
  return `${q}.dead`;
}

/** 0 for no delay, else the next power of two whole milliseconds. */
export function delayBucket(ms: number): number {
  if (ms <= 0) return 0;
  return Math.min(MAX_DELAY_MS, 2 ** Math.max(0, Math.ceil(Math.log2(ms))));
}

function delayQueue(q: string, bucketMs: number): QueueDeclare {
  return {
    queue: `${q}.delay.${bucketMs}`,
    durable: true,
    arguments: {
      'x-message-ttl': bucketMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': q,
      'x-expires': bucketMs + DELAY_QUEUE_IDLE_MS,
    },
  };
}

export class Topology {
  /** Declared once per process: the objects are durable, declaring is idempotent. */
  private readonly declared = new Map<string, Promise<void>>();

  constructor(private readonly connection: Connection) {}

  /** Declares `q`, `q.dead`, the exchange and the binding. */
  ensure(q: string): Promise<void> {
    let done = this.declared.get(q);
    if (!done) {
      done = this.declare(q);
      done.catch(() => this.declared.delete(q)); // try again next time
      this.declared.set(q, done);
    }
    return done;
  }

  /** Declares the delay queue and returns its name. Every time: redeclaring renews its expiry. */
  async ensureDelay(q: string, delayMs: number): Promise<string> {
    const declaration = delayQueue(q, delayBucket(delayMs));
    await this.connection.queueDeclare(declaration);
    return declaration.queue as string;
  }

  /** Messages ready in `q` and waiting in `q.dead`. */
  async counts(q: string): Promise<{ ready: number; dead: number }> {
    await this.ensure(q);
    const [main, dead] = await Promise.all([
      this.connection.queueDeclare(mainQueue(q)),
      this.connection.queueDeclare({ queue: deadQueueName(q), durable: true }),
    ]);
    return { ready: main.messageCount, dead: dead.messageCount };
  }

  private async declare(q: string): Promise<void> {
    await this.connection.exchangeDeclare({ exchange: DEAD_LETTER_EXCHANGE, type: 'direct', durable: true });
    await this.connection.queueDeclare(mainQueue(q));
    await this.connection.queueDeclare({ queue: deadQueueName(q), durable: true });
    await this.connection.queueBind({ queue: deadQueueName(q), exchange: DEAD_LETTER_EXCHANGE, routingKey: q });
  }
}
