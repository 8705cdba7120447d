/**
 * What happens after a handler throws — shared by both queues so they retry
 * and dead-letter alike.
 */
import { backoffDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-message.js';
import { PermanentError, RetryLaterError, type ConsumeOptions } from './queue.js';

export type Outcome = { action: 'retry'; delayMs: number; reason: string } | { action: 'dead'; reason: string };

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random,
 * so retries of messages that failed together spread out but never come back
 * much sooner than the step.
 */
export function exponentialBackoff({ baseMs = 1000, maxMs = 5 * 60_000 } = {}): (attempt: number) => number {
  return (attempt) => backoffDelay(attempt, { baseMs, maxMs, jitter: 'equal' });
}

const defaultBackoff = exponentialBackoff();

/** `attempts` counts the delivery that just failed (1 on the first). */
export function decideFailure(err: unknown, attempts: number, options: ConsumeOptions): Outcome {
  const reason = errorMessage(err);
  if (err instanceof PermanentError || attempts >= options.maxAttempts) return { action: 'dead', reason };
  const delayMs = err instanceof RetryLaterError ? err.delayMs : (options.backoff ?? defaultBackoff)(attempts);
  return { action: 'retry', delayMs: Math.max(0, Math.round(delayMs)), reason };
}
