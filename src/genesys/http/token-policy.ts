/**
 * When a cached client-credentials token must be replaced. Pure.
 */
export interface CachedToken {
  accessToken: string;
  obtainedAt: number;
  expiresAt: number;
}

/** Refresh at this fraction of the lifetime (~85 %; the Genesys JavaScript SDK refreshes at 80–90 %). */
export const DEFAULT_REFRESH_RATIO = 0.85;

export type TokenFreshness = 'fresh' | 'refresh-due' | 'expired';

export function tokenFreshness(t: CachedToken | undefined, now: number, ratio = DEFAULT_REFRESH_RATIO): TokenFreshness {
  if (!t || now >= t.expiresAt) return 'expired';
  const refreshAt = t.obtainedAt + (t.expiresAt - t.obtainedAt) * ratio;
  return now >= refreshAt ? 'refresh-due' : 'fresh';
}

/**
 * Turns `expires_in` (seconds) into a cached token. A missing or silly
 * lifetime is treated as short, so a misbehaving login host cannot make us
 * hold a token for a day.
 */
export function cacheToken(accessToken: string, expiresInSeconds: unknown, now: number): CachedToken {
  const secs = typeof expiresInSeconds === 'number' && Number.isFinite(expiresInSeconds) && expiresInSeconds > 0 ? expiresInSeconds : 60;
  return { accessToken, obtainedAt: now, expiresAt: now + secs * 1000 };
}
