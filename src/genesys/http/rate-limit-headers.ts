/**
 * Reads the rate-limit hints Genesys puts on responses (Genesys Cloud docs, "Platform API: request headers", Genesys Cloud docs, "Rate limits").
 */
export interface RateLimitHeaders {
  /** `inin-ratelimit-allowed`: requests allowed per window. */
  allowed?: number;
  /** `inin-ratelimit-count`: requests used in the current window. */
  count?: number;
  /** `inin-ratelimit-reset`, in ms: time until the window resets. */
  resetMs?: number;
  /** `Retry-After`, in ms (seconds or an HTTP date). */
  retryAfterMs?: number;
}

function num(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function retryAfter(v: string | null, now: number): number | undefined {
  const seconds = num(v);
  if (seconds !== undefined) return seconds * 1000;
  if (!v) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function readRateLimitHeaders(h: Headers, now: number): RateLimitHeaders {
  const out: RateLimitHeaders = {};
  const allowed = num(h.get('inin-ratelimit-allowed'));
  const count = num(h.get('inin-ratelimit-count'));
  const reset = num(h.get('inin-ratelimit-reset'));
  const after = retryAfter(h.get('retry-after'), now);
  if (allowed !== undefined && allowed > 0) out.allowed = allowed;
  if (count !== undefined) out.count = count;
  if (reset !== undefined) out.resetMs = reset * 1000;
  if (after !== undefined) out.retryAfterMs = after;
  return out;
}
