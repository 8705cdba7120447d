/**
 * Connecting to Redis: a few attempts at start, then a clear error, so a
 * misconfigured or absent Redis stops the process instead of hanging it.
 * Once connected, ioredis reconnects by itself (and resubscribes).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/index.js';
import { StateError } from './state.js';
import { backoffDelay } from '../util/backoff.js';
import { redactUrl } from '../util/redact-url.js';

export interface ConnectOptions {
  logger: Logger;
  /** Connection attempts at start before giving up. */
  connectAttempts: number;
  /** Wait after the first failed attempt; doubles after each. */
  retryDelayMs: number;
  /** A command that gets no reply in this time rejects (Redis gone, or a reconnect that takes too long). */
  commandTimeoutMs: number;
  /** Shown by CLIENT LIST. */
  connectionName: string;
}

/** Once running: 200 ms before the first reconnect (ioredis counts `times` from 1), doubling, at most 2 s. */
const RECONNECT_BACKOFF = { baseMs: 200, maxMs: 2000 };

export async function connectRedis(url: string, options: ConnectOptions): Promise<Redis> {
  let running = false;
  let lastError: Error | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: options.connectionName,
    commandTimeout: options.commandTimeoutMs,
    // Before the first connection the loop below retries (and can give up);
    // after it, ioredis reconnects for as long as the process runs.
    retryStrategy: (times) => (running ? backoffDelay(times, RECONNECT_BACKOFF) : null),
  });
  client.on('error', (err: Error) => {
    lastError = err;
    if (running) options.logger.warn({ err: err.message, connection: options.connectionName }, 'state: Redis connection error');
  });
  for (let attempt = 1; attempt <= options.connectAttempts; attempt++) {
    try {
      await client.connect();
      running = true;
      return client;
    } catch (err) {
      lastError ??= err as Error;
    }
    if (attempt < options.connectAttempts) await sleep(backoffDelay(attempt, { baseMs: options.retryDelayMs }));
  }
  client.disconnect();
  throw new StateError(`state: cannot connect to ${redactUrl(url)} after ${options.connectAttempts} attempts: ${lastError?.message ?? 'unknown error'}`);
}
