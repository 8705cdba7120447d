/**
 * Time is injected everywhere so retry, pacing, token-expiry and heartbeat
 * decisions can be tested without real waiting.
 */

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

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
