/**
 * Which failures are retried, and after how long. Pure: the transport feeds
 * it an outcome and does what it says.
 */
import { backoffDelay } from '../../platform/util/backoff.js';
import type { RateLimitHeaders } from './rate-limit-headers.js';

/** Exponential backoff, doubling from `baseMs` up to `maxMs`; always with equal jitter. */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** Equal jitter: half the step fixed, half random, so a herd of clients spreads out but nobody retries at once. */
export function jitteredBackoff(attempt: number, s: BackoffSettings, random: () => number): number {
  return backoffDelay(attempt, { ...s, jitter: 'equal' }, random);
}

export interface RetrySettings {
  /** Retries for 5xx, network errors (not counting the first attempt). */
  maxRetries: number;
  /** Retries for 429: larger, because waiting out a rate limit always ends. */
  maxRateLimitRetries: number;
  /** Backoff for 5xx and network errors. */
  backoff: BackoffSettings;
  /** Backoff for a 429 that says nothing about when to come back (Genesys Cloud docs, "Rate limits": 1–60 s). */
  rateLimitBackoff: BackoffSettings;
  /** Upper bound on any single wait, including a server-sent Retry-After. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 4,
  maxRateLimitRetries: 20,
  backoff: { baseMs: 500, maxMs: 10_000 },
  rateLimitBackoff: { baseMs: 1_000, maxMs: 60_000 },
  maxDelayMs: 120_000,
};

export type Outcome =
  | { kind: 'status'; status: number; rate: RateLimitHeaders }
  | { kind: 'network' }
  /** 2xx with a body that is not JSON. */
  | { kind: 'malformed' };

export interface Attempts {
  /** Retries already made for 5xx/network/malformed. */
  failures: number;
  /** Retries already made for 429. */
  rateLimited: number;
  /** Retries already made for malformed bodies. */
  malformed: number;
}

export type Decision = { retry: false } | { retry: true; delayMs: number; reason: '429' | '5xx' | 'network' | 'malformed' };

/**
 * `idempotent`: repeating the request cannot change the outcome (GET, PUT,
 * DELETE, and read-only POSTs such as a details query).
 */
export function decideRetry(
  outcome: Outcome,
  method: string,
  idempotent: boolean,
  done: Attempts,
  s: RetrySettings,
  random: () => number,
): Decision {
  const cap = (ms: number) => Math.min(s.maxDelayMs, Math.max(0, ms));
  if (outcome.kind === 'status' && outcome.status === 429) {
    // A 429 was rejected before doing anything, so any method may be repeated.
    if (done.rateLimited >= s.maxRateLimitRetries) return { retry: false };
    const hinted = outcome.rate.retryAfterMs ?? outcome.rate.resetMs;
    const delayMs = hinted ?? jitteredBackoff(done.rateLimited + 1, s.rateLimitBackoff, random);
    return { retry: true, delayMs: cap(delayMs), reason: '429' };
  }
  if (outcome.kind === 'malformed') {
    // Usually a truncated or proxy-mangled body: worth exactly one more try.
    if (!idempotent || done.malformed >= 1) return { retry: false };
    return { retry: true, delayMs: cap(jitteredBackoff(1, s.backoff, random)), reason: 'malformed' };
  }
  if (done.failures >= s.maxRetries || !idempotent) return { retry: false };
  if (outcome.kind === 'network') {
    return { retry: true, delayMs: cap(jitteredBackoff(done.failures + 1, s.backoff, random)), reason: 'network' };
  }
  if (!isTransientStatus(outcome.status, method)) return { retry: false };
  return { retry: true, delayMs: cap(jitteredBackoff(done.failures + 1, s.backoff, random)), reason: '5xx' };
}

/**
 * 502/503/504 are the transient set Genesys documents. A 500 may be a real
 * bug, so it is only worth repeating when reading.
 */
export function isTransientStatus(status: number, method: string): boolean {
  if (status === 502 || status === 503 || status === 504) return true;
  return status === 500 && (method === 'GET' || method === 'HEAD');
}
