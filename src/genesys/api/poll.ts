/**
 * Poll-with-backoff until a deadline: recordings still transcoding, analytics
 * jobs still running. Time comes from the injected clock and sleep.
 */
import { GenesysTimeoutError } from '../errors.js';
import { jitteredBackoff } from '../http/retry-policy.js';
import type { ApiContext } from './context.js';

export interface PollOptions {
  /** Give up after this long (default 5 min). */
  timeoutMs?: number;
  /** First wait (default 2 s); doubles up to maxDelayMs (default 30 s), with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Calls `check` until it returns a value (not undefined), sleeping with
 * backoff between tries, never past the deadline. Throws GenesysTimeoutError.
 */
export async function pollUntil<T>(ctx: ApiContext, what: string, check: () => Promise<T | undefined>, opts: PollOptions = {}): Promise<T> {
  const started = ctx.clock.now();
  const deadline = started + (opts.timeoutMs ?? 300_000);
  const backoff = { baseMs: opts.initialDelayMs ?? 2_000, maxMs: opts.maxDelayMs ?? 30_000 };
  for (let attempt = 1; ; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    const now = ctx.clock.now();
    if (now >= deadline || opts.signal?.aborted) {
      throw new GenesysTimeoutError(`${what} not ready after ${now - started} ms`, now - started);
    }
    await ctx.sleep(Math.min(jitteredBackoff(attempt, backoff, ctx.random), deadline - now), opts.signal);
  }
}
