/**
 * The one backoff formula: min(maxMs, baseMs · 2^(attempt−1)), then jitter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/platform/util/backoff.js';

const attempts = [1, 2, 3, 4, 5, 6];

describe('backoffDelay', () => {
  it('without jitter doubles from the base per attempt and stops at the cap', () => {
    expect(attempts.map((a) => backoffDelay(a, { baseMs: 200, maxMs: 3000 }))).toEqual([200, 400, 800, 1600, 3000, 3000]);
  });

  it('has no cap unless given one', () => {
    expect(backoffDelay(21, { baseMs: 1 })).toBe(2 ** 20);
  });

  it('counts an attempt below 1 as the first', () => {
    expect(backoffDelay(0, { baseMs: 100 })).toBe(100);
    expect(backoffDelay(-3, { baseMs: 100 })).toBe(100);
  });

  it('with equal jitter stays within [step/2, step]', () => {
    const b = { baseMs: 1000, maxMs: 8000, jitter: 'equal' } as const;
    expect(attempts.map((a) => backoffDelay(a, b, () => 0))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(attempts.map((a) => backoffDelay(a, b, () => 0.5))).toEqual([750, 1500, 3000, 6000, 6000, 6000]);
    expect(attempts.map((a) => backoffDelay(a, b, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('with full jitter stays within [0, step]', () => {
    const b = { baseMs: 1000, maxMs: 8000, jitter: 'full' } as const;
    expect(attempts.map((a) => backoffDelay(a, b, () => 0))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(attempts.map((a) => backoffDelay(a, b, () => 0.25))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(attempts.map((a) => backoffDelay(a, b, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('clamps a random source that strays outside [0, 1]', () => {
    expect(backoffDelay(1, { baseMs: 1000, jitter: 'equal' }, () => -5)).toBe(500);
    expect(backoffDelay(1, { baseMs: 1000, jitter: 'full' }, () => 7)).toBe(1000);
  });

  it('uses Math.random when no source is given', () => {
    const d = backoffDelay(3, { baseMs: 100, jitter: 'full' });
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThanOrEqual(400);
  });

  it('never exceeds the cap and never drops below the jitter floor, for any attempt and random value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 5000 }), (attempt, r, base) => {
        const maxMs = base * 16;
        const step = Math.min(maxMs, base * 2 ** (attempt - 1));
        const equal = backoffDelay(attempt, { baseMs: base, maxMs, jitter: 'equal' }, () => r);
        const full = backoffDelay(attempt, { baseMs: base, maxMs, jitter: 'full' }, () => r);
        return equal <= maxMs && equal >= Math.floor(step / 2) && full <= step && full >= 0 && full <= equal;
      }),
    );
  });
});
