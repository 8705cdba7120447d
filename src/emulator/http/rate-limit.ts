/**
 * Token buckets for the Genesys rate limit (Genesys Cloud docs, "Rate limits"): `allowed`
 * requests per window per access token, refilled continuously on the virtual
 * clock, with the numbers Genesys reports in `inin-ratelimit-*` headers.
 * Pure: time is an argument.
 */

export interface RateDecision {
  ok: boolean;
  /** Requests counted against the window (inin-ratelimit-count). */
  count: number;
  allowed: number;
  /** Seconds until the bucket is full again (inin-ratelimit-reset). */
  resetSeconds: number;
  /** Seconds until one request is allowed (Retry-After), when refused. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  take(key: string, allowed: number, windowMs: number, now: number): RateDecision {
    const rate = allowed / windowMs;
    const b = this.buckets.get(key) ?? { tokens: allowed, at: now };
    b.tokens = Math.min(allowed, b.tokens + Math.max(0, now - b.at) * rate);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.prune(now, rate, allowed);
    return {
      ok,
      count: Math.min(allowed, Math.ceil(allowed - b.tokens)),
      allowed,
      resetSeconds: Math.ceil((allowed - b.tokens) / rate / 1000),
      retryAfterSeconds: ok ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)),
    };
  }

  reset(): void {
    this.buckets.clear();
  }

  /** Forgets buckets that would be full by now: they carry no state. */
  private prune(now: number, rate: number, allowed: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + (now - b.at) * rate >= allowed) this.buckets.delete(k);
  }
}
