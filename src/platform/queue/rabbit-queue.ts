/**
 * The queue on RabbitMQ (rabbitmq-client). One connection per process; one
 * confirming publisher that retries across reconnects; one consumer channel
 * per consume(). Topology: see rabbit-topology.ts.
 */
import { randomUUID } from 'node:crypto';
import { Connection, type Publisher } from 'rabbitmq-client';
import type { Logger } from '../logging/index.js';
import { errorMessage } from '../util/error-message.js';
import { RabbitConsumer } from './rabbit-consumer.js';
import { peekDeadLetters, requeueDeadLetters } from './rabbit-dead-letters.js';
import { envelope } from './rabbit-message.js';
import { Topology } from './rabbit-topology.js';
import {
  QueueError,
  assertConsumeOptions,
  assertPublishable,
  assertQueueName,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type Handler,
  type PublishOptions,
  type Queue,
  type QueueStats,
} from './queue.js';
import { redactUrl } from '../util/redact-url.js';

export interface RabbitQueueOptions {
  /** How long open() keeps trying to reach the broker before it fails. */
  connectTimeoutMs?: number;
  /** Shown in the broker's connection list. */
  connectionName?: string;
}

/**
 * Most the client waits between reconnect tries (its default is 30 s): a
 * replica is back within seconds of the broker, not half a minute later.
 */
const MAX_RECONNECT_DELAY_MS = 5000;

/** Publish attempts across reconnects before publish() rejects. */
const PUBLISH_ATTEMPTS = 5;

export class RabbitQueue implements Queue {
  readonly kind = 'rabbitmq' as const;
  private readonly consumers = new Set<Pick<RabbitConsumer<unknown>, 'queue' | 'inFlight' | 'close'>>();
  private readonly topology: Topology;

  private constructor(
    private readonly connection: Connection,
    private readonly publisher: Publisher,
    private readonly logger: Logger,
  ) {
    this.topology = new Topology(connection);
  }

  static async open(url: string, logger: Logger, options: RabbitQueueOptions = {}): Promise<RabbitQueue> {
    const connection = new Connection({ url, connectionName: options.connectionName ?? 'hookline', retryHigh: MAX_RECONNECT_DELAY_MS });
    connection.on('error', (err) => logger.warn({ err }, 'queue: RabbitMQ connection error'));
    try {
      // Retries until the timeout, then closes the connection.
      await connection.onConnect(options.connectTimeoutMs ?? 10_000);
    } catch (err) {
      throw new QueueError(`queue: cannot connect to ${redactUrl(url)}: ${errorMessage(err)}`);
    }
    const publisher = connection.createPublisher({
      confirm: true,
      maxAttempts: PUBLISH_ATTEMPTS,
      onReturn: (msg) => logger.error({ queue: msg.routingKey, id: msg.messageId }, 'queue: message returned unroutable (was a queue deleted?)'),
    });
    return new RabbitQueue(connection, publisher, logger);
  }

  async publish<T>(queue: string, payload: T, options: PublishOptions = {}): Promise<void> {
    assertQueueName(queue);
    const body = Buffer.from(assertPublishable(payload, options), 'utf8');
    await this.topology.ensure(queue);
    const target = options.delayMs ? await this.topology.ensureDelay(queue, options.delayMs) : queue;
    // The publisher resends after a lost connection (its confirm may be what was lost): the
    // same messageId lets consumers drop the copy.
    await this.publisher.send(envelope({ routingKey: target }, { id: options.id ?? randomUUID(), key: options.key, failed: 0 }), body);
  }

  consume<T>(queue: string, handler: Handler<T>, options: ConsumeOptions): Consumer {
    assertQueueName(queue);
    assertConsumeOptions(options);
    const consumer = new RabbitConsumer(queue, { connection: this.connection, publisher: this.publisher, topology: this.topology, logger: this.logger }, handler, options);
    this.consumers.add(consumer);
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.close();
      },
    };
  }

  async deadLetters<T = unknown>(queue: string, limit = 100): Promise<DeadLetter<T>[]> {
    assertQueueName(queue);
    await this.topology.ensure(queue);
    return peekDeadLetters<T>(this.connection, queue, limit);
  }

  async retryDeadLetters(queue: string, ids?: string[]): Promise<number> {
    assertQueueName(queue);
    await this.topology.ensure(queue);
    return requeueDeadLetters(this.connection, this.publisher, queue, ids);
  }

  async stats(queue: string): Promise<QueueStats> {
    assertQueueName(queue);
    const { ready, dead } = await this.topology.counts(queue);
    let inFlight = 0;
    for (const consumer of this.consumers) if (consumer.queue === queue) inFlight += consumer.inFlight;
    return { ready, inFlight, dead };
  }

  async check(): Promise<void> {
    // The client reconnects by itself; until it has, publishes wait and consumers get nothing.
    if (!this.connection.ready) throw new QueueError('RabbitMQ connection is down (reconnecting)');
  }

  async close(): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((c) => c.close()));
    await this.publisher.close();
    await this.connection.close();
  }
}
