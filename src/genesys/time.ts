/**
 * Time is injected everywhere so retry, pacing, token-expiry and heartbeat
 * decisions can be tested without real waiting.
 */
import { setTimeout } from 'node:timers/promises';

/** Milliseconds since the epoch, like Date.now(). */
export interface Clock {
  now(): number;
}

/**
 * Resolves after `ms`. When `signal` aborts it settles early (resolving, not
 * rejecting): callers re-check their own state after every sleep anyway.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: Clock = { now: () => Date.now() };

/** node:timers/promises rejects with an AbortError on abort; this contract resolves instead. */
export const realSleep: Sleep = (ms, signal) =>
  setTimeout(Math.max(0, ms), undefined, { signal }).catch((err: unknown) => {
    if (!signal?.aborted) throw err;
  });
