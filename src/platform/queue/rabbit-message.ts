/**
 * How a queue message maps onto AMQP: the id is the messageId, the payload is
 * JSON in the body, and the key, the deliveries so far and the dead-letter
 * reason travel in headers.
 */
import { randomUUID } from 'node:crypto';
import type { AsyncMessage, Envelope, SyncMessage } from 'rabbitmq-client';
import { PermanentError, type DeadLetter } from './queue.js';

export const HEADERS = {
  key: 'x-hookline-key',
  /** Deliveries that already failed; the next delivery is attempt N + 1. */
  attempts: 'x-hookline-attempts',
  reason: 'x-hookline-reason',
  failedAt: 'x-hookline-failed-at',
} as const;

export interface Meta {
  id: string;
  key: string | undefined;
  /** Deliveries so far, this one included. */
  attempts: number;
}

type Received = AsyncMessage | SyncMessage;

export function readMeta(msg: Received): Meta {
  const headers = msg.headers ?? {};
  const key = headers[HEADERS.key];
  return {
    // Messages from other producers may lack an id; they still need one.
    id: msg.messageId ?? randomUUID(),
    key: typeof key === 'string' ? key : undefined,
    attempts: Number(headers[HEADERS.attempts] ?? 0) + 1,
  };
}

/** rabbitmq-client parses application/json bodies itself; a Buffer left over was not valid JSON. */
export function decodeBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) return body;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new PermanentError('payload is not valid JSON');
  }
}

/** The body to send again (retry, dead letter): JSON, or the original bytes when they were not. */
export function encodeBody(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body), 'utf8');
}

export interface Outgoing {
  id: string;
  key: string | undefined;
  /** Deliveries that failed so far (0 for a new or revived message). */
  failed: number;
}

/**
 * A persistent message. Mandatory, so that a message no queue takes comes
 * back (and is logged) rather than vanishing; publishers declare the queues
 * first, so it should not happen.
 */
export function envelope(routing: { exchange?: string; routingKey: string }, message: Outgoing, extraHeaders: Record<string, unknown> = {}): Envelope {
  const key = message.key !== undefined ? { [HEADERS.key]: message.key } : {};
  return {
    ...routing,
    mandatory: true,
    durable: true,
    messageId: message.id,
    contentType: 'application/json',
    headers: { ...key, [HEADERS.attempts]: message.failed, ...extraHeaders },
  };
}

export function toDeadLetter<T>(msg: SyncMessage): DeadLetter<T> {
  const meta = readMeta(msg);
  const headers = msg.headers ?? {};
  let payload: unknown;
  try {
    payload = decodeBody(msg.body);
  } catch {
    payload = Buffer.isBuffer(msg.body) ? msg.body.toString('utf8') : msg.body;
  }
  return {
    id: meta.id,
    payload: payload as T,
    ...(meta.key !== undefined ? { key: meta.key } : {}),
    reason: String(headers[HEADERS.reason] ?? `dead-lettered by the broker: ${String(brokerDeath(headers)?.reason ?? 'unknown')}`),
    attempts: meta.attempts - 1,
    failedAt: new Date(Number(headers[HEADERS.failedAt] ?? Number(brokerDeath(headers)?.time ?? 0) * 1000)),
  };
}

/** Dead-lettered by the broker (reject, expiry, max-length): x-death says why and when (in seconds). */
function brokerDeath(headers: Record<string, unknown>): { reason?: unknown; time?: unknown } | undefined {
  const deaths = headers['x-death'];
  return Array.isArray(deaths) ? (deaths[0] as { reason?: unknown; time?: unknown } | undefined) : undefined;
}
