/**
 * Pure decision logic: backoff, retry policy, rate-limit headers, pacing,
 * token freshness.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { waitBeforeNext } from '../../../src/genesys/http/limiter.js';
import { readRateLimitHeaders } from '../../../src/genesys/http/rate-limit-headers.js';
import { decideRetry, DEFAULT_RETRY, jitteredBackoff, type Attempts } from '../../../src/genesys/http/retry-policy.js';
import { cacheToken, tokenFreshness } from '../../../src/genesys/http/token-policy.js';

const none: Attempts = { failures: 0, rateLimited: 0, malformed: 0 };
const half = () => 0.5;

describe('jitteredBackoff', () => {
  it('doubles per attempt within [exp/2, exp] and stops at the cap', () => {
    const s = { baseMs: 1000, maxMs: 8000 };
    expect([1, 2, 3, 4, 5].map((a) => jitteredBackoff(a, s, () => 0))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((a) => jitteredBackoff(a, s, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
});

describe('decideRetry', () => {
  const rate = {};
  it('retries 429 for any method, honouring Retry-After, then inin-ratelimit-reset, then backoff', () => {
    expect(decideRetry({ kind: 'status', status: 429, rate: { retryAfterMs: 7000, resetMs: 30_000 } }, 'POST', false, none, DEFAULT_RETRY, half)).toEqual({ retry: true, delayMs: 7000, reason: '429' });
    expect(decideRetry({ kind: 'status', status: 429, rate: { resetMs: 30_000 } }, 'POST', false, none, DEFAULT_RETRY, half)).toEqual({ retry: true, delayMs: 30_000, reason: '429' });
    const fallback = decideRetry({ kind: 'status', status: 429, rate }, 'GET', true, { ...none, rateLimited: 2 }, DEFAULT_RETRY, half);
    expect(fallback).toEqual({ retry: true, delayMs: 3000, reason: '429' }); // third 429: 4 s step, half fixed + half × 0.5
  });

  it('gives up on 429 after maxRateLimitRetries, and caps a huge Retry-After', () => {
    expect(decideRetry({ kind: 'status', status: 429, rate }, 'GET', true, { ...none, rateLimited: 20 }, DEFAULT_RETRY, half)).toEqual({ retry: false });
    const capped = decideRetry({ kind: 'status', status: 429, rate: { retryAfterMs: 3_600_000 } }, 'GET', true, none, DEFAULT_RETRY, half);
    expect(capped).toMatchObject({ retry: true, delayMs: DEFAULT_RETRY.maxDelayMs });
  });

  it.each([
    [502, 'GET', true, true],
    [503, 'PUT', true, true],
    [504, 'POST', true, true], // read-only POST marked idempotent
    [503, 'POST', false, false],
    [500, 'GET', true, true],
    [500, 'POST', true, false],
    [500, 'PUT', true, false],
    [400, 'GET', true, false],
    [404, 'GET', true, false],
    [409, 'PUT', true, false],
  ])('status %i on %s (idempotent %s) → retry %s', (status, method, idempotent, retry) => {
    expect(decideRetry({ kind: 'status', status, rate }, method, idempotent, none, DEFAULT_RETRY, half).retry).toBe(retry);
  });

  it('retries network errors for idempotent calls only, with growing bounded backoff', () => {
    const delays = [0, 1, 2, 3].map((f) => decideRetry({ kind: 'network' }, 'GET', true, { ...none, failures: f }, DEFAULT_RETRY, half));
    expect(delays.map((d) => (d.retry ? d.delayMs : -1))).toEqual([375, 750, 1500, 3000]); // 0.5, 1, 2, 4 s steps at jitter 0.5
    expect(decideRetry({ kind: 'network' }, 'GET', true, { ...none, failures: 4 }, DEFAULT_RETRY, half)).toEqual({ retry: false });
    expect(decideRetry({ kind: 'network' }, 'POST', false, none, DEFAULT_RETRY, half)).toEqual({ retry: false });
  });

  it('retries a malformed body exactly once', () => {
    expect(decideRetry({ kind: 'malformed' }, 'GET', true, none, DEFAULT_RETRY, half).retry).toBe(true);
    expect(decideRetry({ kind: 'malformed' }, 'GET', true, { ...none, malformed: 1 }, DEFAULT_RETRY, half).retry).toBe(false);
  });
});

describe('readRateLimitHeaders', () => {
  it('reads the inin-ratelimit triple and Retry-After in seconds or as a date', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    const h = new Headers({ 'inin-ratelimit-allowed': '180', 'inin-ratelimit-count': '12', 'inin-ratelimit-reset': '61', 'retry-after': '3' });
    expect(readRateLimitHeaders(h, now)).toEqual({ allowed: 180, count: 12, resetMs: 61_000, retryAfterMs: 3000 });
    expect(readRateLimitHeaders(new Headers({ 'retry-after': 'Wed, 01 May 2024 10:00:09 GMT' }), now)).toEqual({ retryAfterMs: 9000 });
    expect(readRateLimitHeaders(new Headers({ 'retry-after': 'soon', 'inin-ratelimit-allowed': '0' }), now)).toEqual({});
  });
});

describe('waitBeforeNext (sliding window)', () => {
  it('admits up to the budget, then waits for the oldest start to leave the window', () => {
    expect(waitBeforeNext([0, 10, 20], 4, 1000, 0, 30)).toBe(0);
    expect(waitBeforeNext([0, 10, 20], 3, 1000, 0, 30)).toBe(970);
    expect(waitBeforeNext([0, 10, 20], 2, 1000, 0, 30)).toBe(980);
    expect(waitBeforeNext([], 3, 1000, 5000, 30)).toBe(4970);
  });

  it('never lets any window hold more than the budget, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 60 }), (budget, gaps) => {
        const windowMs = 1000;
        const starts: number[] = [];
        let now = 0;
        for (const g of gaps) {
          now += g;
          const inWindow = starts.filter((s) => s > now - windowMs);
          now += waitBeforeNext(inWindow, budget, windowMs, 0, now);
          starts.push(now);
        }
        return starts.every((s) => starts.filter((x) => x >= s && x < s + windowMs).length <= budget);
      }),
    );
  });
});

describe('tokenFreshness', () => {
  it('is fresh before 85 % of the lifetime, refresh-due after, expired at the end', () => {
    const t = cacheToken('x', 100, 0);
    expect(tokenFreshness(t, 84_999)).toBe('fresh');
    expect(tokenFreshness(t, 85_000)).toBe('refresh-due');
    expect(tokenFreshness(t, 100_000)).toBe('expired');
    expect(tokenFreshness(undefined, 0)).toBe('expired');
  });

  it('treats a missing or nonsensical expires_in as a short lifetime', () => {
    expect(cacheToken('x', undefined, 0).expiresAt).toBe(60_000);
    expect(cacheToken('x', -5, 0).expiresAt).toBe(60_000);
  });
});
