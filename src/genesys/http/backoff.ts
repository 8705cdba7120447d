/**
 * Exponential backoff with jitter. Pure: randomness is a parameter so tests
 * can pin it.
 */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry). "Equal jitter": half
 * the exponential step is fixed, half random, so a herd of clients spreads out
 * but nobody retries immediately.
 */
export function backoffDelay(attempt: number, s: BackoffSettings, random: () => number): number {
  const exp = Math.min(s.maxMs, s.baseMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp / 2 + (exp / 2) * r);
}
