/**
 * One RabbitMQ consumer. rabbitmq-client re-declares and re-subscribes after a
 * reconnect, limits handlers to `concurrency` (prefetch is the same), acks when
 * our callback resolves and requeues when it throws.
 *
 * A failed message is not nacked: a copy goes to a delay queue (retry) or to
 * the dead-letter exchange (with the reason) under a publisher confirm, and
 * only then is the original acked. If that publish fails the callback throws,
 * so the message is requeued, never lost.
 */
import type { AsyncMessage, Connection, Consumer as AmqpConsumer, Publisher } from 'rabbitmq-client';
import type { Logger } from '../logging/index.js';
import { HEADERS, decodeBody, encodeBody, envelope, readMeta, type Meta } from './rabbit-message.js';
import { DEAD_LETTER_EXCHANGE, mainQueue, type Topology } from './rabbit-topology.js';
import type { ConsumeOptions, Consumer, Handler } from './queue.js';
import { decideFailure } from './retry.js';

export interface RabbitParts {
  connection: Connection;
  publisher: Publisher;
  topology: Topology;
  logger: Logger;
}

export class RabbitConsumer<T> implements Consumer {
  /** Handlers running now, for stats (AMQP cannot count unacked messages). */
  inFlight = 0;
  private readonly consumer: AmqpConsumer;

  constructor(
    readonly queue: string,
    private readonly parts: RabbitParts,
    private readonly handler: Handler<T>,
    private readonly options: ConsumeOptions,
  ) {
    const { queue: _name, ...queueOptions } = mainQueue(queue);
    this.consumer = parts.connection.createConsumer(
      { queue, queueOptions, qos: { prefetchCount: options.concurrency }, concurrency: options.concurrency, requeue: true },
      (msg) => this.onMessage(msg),
    );
    this.consumer.on('error', (err) => parts.logger.warn({ err, queue }, 'queue: consumer error'));
    // The dead-letter queue and binding, which the consumer does not declare.
    parts.topology.ensure(queue).catch((err) => parts.logger.warn({ err, queue }, 'queue: declaring the dead-letter queue failed; will retry on first failure'));
  }

  close(): Promise<void> {
    return this.consumer.close();
  }

  private async onMessage(msg: AsyncMessage): Promise<void> {
    const meta = readMeta(msg);
    this.inFlight++;
    try {
      const payload = decodeBody(msg.body) as T;
      await this.handler({ id: meta.id, payload, attempts: meta.attempts, ...(meta.key !== undefined ? { key: meta.key } : {}) });
    } catch (err) {
      await this.onFailure(msg, meta, err);
    } finally {
      this.inFlight--;
    }
  }

  private async onFailure(msg: AsyncMessage, meta: Meta, err: unknown): Promise<void> {
    const outcome = decideFailure(err, meta.attempts, this.options);
    const body = encodeBody(msg.body);
    const copy = { id: meta.id, key: meta.key, failed: meta.attempts };
    if (outcome.action === 'dead') {
      await this.parts.topology.ensure(this.queue);
      const extra = { [HEADERS.reason]: outcome.reason, [HEADERS.failedAt]: Date.now() };
      await this.parts.publisher.send(envelope({ exchange: DEAD_LETTER_EXCHANGE, routingKey: this.queue }, copy, extra), body);
      this.parts.logger.warn({ queue: this.queue, id: meta.id, attempts: meta.attempts, reason: outcome.reason }, 'queue: message dead-lettered');
      return;
    }
    const target = outcome.delayMs > 0 ? await this.parts.topology.ensureDelay(this.queue, outcome.delayMs) : this.queue;
    await this.parts.publisher.send(envelope({ routingKey: target }, copy), body);
  }
}
