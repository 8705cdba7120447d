/**
 * Exponential backoff: the one formula every retry loop uses (HTTP retries,
 * queue redelivery, reconnects, uploads). Pure: randomness is a parameter so
 * tests can pin it. Jitter kinds as named in "Exponential Backoff And Jitter"
 * (AWS Architecture Blog, 2015).
 */

/**
 * - `none`: the step itself.
 * - `equal`: half the step fixed, half random, so a herd of clients spreads out
 *   but nobody retries much sooner than the step.
 * - `full`: anywhere between 0 and the step.
 */
export type Jitter = 'none' | 'equal' | 'full';

export interface Backoff {
  /** The step before the first retry (attempt 1); it doubles with each attempt. */
  baseMs: number;
  /** Most the step grows to. Default: no cap. */
  maxMs?: number;
  /** Default: none. */
  jitter?: Jitter;
}

/**
 * Delay in ms before retry number `attempt` (1 = first retry; below 1 counts
 * as 1): min(maxMs, baseMs · 2^(attempt−1)), then jittered and rounded to
 * whole ms. `random` returns [0, 1) like Math.random; it is clamped to [0, 1].
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const step = Math.min(backoff.maxMs ?? Infinity, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = backoff.jitter ?? 'none';
  if (jitter === 'none') return step;
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(jitter === 'equal' ? step / 2 + (step / 2) * r : step * r);
}
