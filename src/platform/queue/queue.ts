/**
 * The durable work queue: one interface, two implementations — a job table in
 * the application database (embedded default) and RabbitMQ — selected by
 * `queue: embedded | amqp://…`.
 *
 * Delivery is at-least-once: a message can reach a handler more than once (a
 * crash before the ack, a lost lease, a reconnect), so handlers must be
 * idempotent, typically by `key`.
 */

export interface PublishOptions {
  /** Idempotency key handed to the consumer unchanged (e.g. `tenant:conversation`). */
  key?: string;
  /**
   * The message id (a UUID), when the producer can name the logical message:
   * publishing it again (a retry after a lost connection, a redelivered job
   * that publishes again) is the same message. Consumers see it as
   * `Message.id` and dedupe by it; the table queue also keeps one job per id
   * while it is queued. RabbitMQ carries it as `messageId`. Default: random.
   */
  id?: string;
  /** Deliver no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface Message<T> {
  id: string;
  payload: T;
  /** 1 on the first delivery. */
  attempts: number;
  key?: string;
}

export type Handler<T> = (message: Message<T>) => Promise<void>;

export interface ConsumeOptions {
  /** Handlers running at once in this consumer. */
  concurrency: number;
  /** Deliveries before a failing message becomes a dead letter. */
  maxAttempts: number;
  /** Delay before retry `attempt` + 1, in ms. Default: exponential with jitter. */
  backoff?: (attempt: number) => number;
}

export interface Consumer {
  /** Stops taking messages and resolves once the handlers in flight have settled. */
  close(): Promise<void>;
}

export interface DeadLetter<T = unknown> {
  id: string;
  payload: T;
  key?: string;
  /** The last error's message. */
  reason: string;
  attempts: number;
  failedAt: Date;
}

export interface QueueStats {
  /** Waiting and deliverable now (messages waiting out a delay are not counted). */
  ready: number;
  /** Being handled. RabbitMQ: by this process only (AMQP does not report unacked counts). */
  inFlight: number;
  dead: number;
}

export interface Queue {
  readonly kind: 'table' | 'rabbitmq';
  /** Resolves once the message is durable (committed row / publisher confirm). */
  publish<T>(queue: string, payload: T, options?: PublishOptions): Promise<void>;
  /**
   * Runs `handler` for each message. Resolving acknowledges; throwing retries
   * after a backoff, or dead-letters the message when attempts are exhausted
   * or the error is a PermanentError. A RetryLaterError sets the delay.
   */
  consume<T>(queue: string, handler: Handler<T>, options: ConsumeOptions): Consumer;
  /** Oldest first. */
  deadLetters<T = unknown>(queue: string, limit?: number): Promise<DeadLetter<T>[]>;
  /** Puts dead letters back on the queue with fresh attempts (all when `ids` is omitted); returns how many. */
  retryDeadLetters(queue: string, ids?: string[]): Promise<number>;
  stats(queue: string): Promise<QueueStats>;
  /** Rejects, saying why, while the broker cannot be reached (readiness). The table queue has nothing of its own to check. */
  check(): Promise<void>;
  /** Closes every consumer (draining them), then the connection. Does not close the database. */
  close(): Promise<void>;
}

export class QueueError extends Error {
  override name = 'QueueError';
}

/** Thrown by a handler: retrying cannot help, dead-letter now. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** Thrown by a handler: retry after `delayMs` (e.g. an HTTP Retry-After), not the backoff. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    readonly delayMs: number,
    message = `retry in ${delayMs} ms`,
  ) {
    super(message);
  }
}

const QUEUE_NAME_RE = /^[A-Za-z0-9_:-]{1,150}$/;
const MAX_KEY_LENGTH = 255;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Names become RabbitMQ queue names with `.dead` and `.delay.N` appended, so no dots of their own. */
export function assertQueueName(queue: string): void {
  if (!QUEUE_NAME_RE.test(queue)) {
    throw new QueueError(`invalid queue name ${JSON.stringify(queue)}: letters, digits, _ : - (at most 150)`);
  }
}

export function assertPublishable(payload: unknown, options: PublishOptions): string {
  if (options.key !== undefined && (options.key.length === 0 || options.key.length > MAX_KEY_LENGTH)) {
    throw new QueueError(`message key must be 1 to ${MAX_KEY_LENGTH} characters`);
  }
  if (options.delayMs !== undefined && !(options.delayMs >= 0)) throw new QueueError('delayMs must be >= 0');
  if (options.id !== undefined && !UUID_RE.test(options.id)) throw new QueueError('message id must be a UUID');
  const json = JSON.stringify(payload);
  if (json === undefined) throw new QueueError('payload must be JSON-serialisable');
  return json;
}

export function assertConsumeOptions(options: ConsumeOptions): void {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new QueueError('concurrency must be an integer >= 1');
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) throw new QueueError('maxAttempts must be an integer >= 1');
}
