/**
 * Which failures are worth retrying. Rate limits wait for Retry-After; server
 * errors, timeouts and network errors retry with backoff; a request Genesys
 * refuses (4xx) or data that cannot be a conversation goes to the dead
 * letters at once, with the reason.
 */
import { MalformedConversationError } from '../conversations/index.js';
import { GenesysApiError, GenesysResponseFormatError } from '../genesys/index.js';
import { PermanentError, RetryLaterError } from '../platform/queue/index.js';
import type { DeferReason } from './metrics.js';

const RETRYABLE_4XX = new Set([404, 408, 409, 423, 429]);

export function classify(err: unknown, what: string): Error {
  if (err instanceof PermanentError || err instanceof RetryLaterError) return err;
  if (err instanceof MalformedConversationError) return new PermanentError(`${what}: malformed analytics details: ${err.message}`);
  if (err instanceof GenesysResponseFormatError) return new Error(`${what}: ${err.message}`);
  if (err instanceof GenesysApiError) {
    const detail = `${what}: Genesys answered ${err.status}${err.code ? ` ${err.code}` : ''}${err.body?.message ? `: ${err.body.message}` : ''}`;
    if (err.status === 429 && err.retryAfterMs !== undefined) return new RetryLaterError(err.retryAfterMs, detail);
    if (err.status >= 400 && err.status < 500 && !RETRYABLE_4XX.has(err.status)) return new PermanentError(detail);
    return new Error(detail);
  }
  return err instanceof Error ? new Error(`${what}: ${err.message}`) : new Error(`${what}: ${String(err)}`);
}

/**
 * Another consumer holds the conversation's import claim (or took it over from
 * this one): retried later, neither imported here nor dropped, since the other
 * may still fail. The retry acknowledges once the conversation is imported.
 */
export class ImportDeferredError extends RetryLaterError {
  override name = 'ImportDeferredError';
  constructor(
    readonly reason: DeferReason,
    delayMs: number,
    message: string,
  ) {
    super(delayMs, message);
  }
}
