/**
 * The shared percentile is nearest-rank. The recorder used to index
 * floor(p × n), which disagrees wherever p × n is a whole number: these cases
 * fail under that definition.
 */
import { describe, expect, it } from 'vitest';
import { percentile } from '../../../src/platform/metrics/index.js';

describe('percentile (nearest-rank)', () => {
  it('returns the smallest value with at least p % of the sample at or below it', () => {
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 75)).toBe(30);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
  });

  it('rounds the rank up between members and stays inside the sample at the ends', () => {
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30], 0)).toBe(10);
    expect(percentile([10, 20, 30], 100)).toBe(30);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is undefined for an empty sample', () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});
