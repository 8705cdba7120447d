import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/protocol/audiohook/index.js';

describe('durations', () => {
  it('parses the forms Genesys and REF send', () => {
    expect(parseDuration('PT0S')).toBe(0);
    expect(parseDuration('PT0.0S')).toBe(0);
    expect(parseDuration('PT1.25S')).toBe(1_250_000_000);
    expect(parseDuration('PT3600.125S')).toBe(3_600_125_000_000);
    expect(parseDuration('PT.5S')).toBe(500_000_000);
    expect(parseDuration('PT1M30S')).toBe(90_000_000_000);
    for (const bad of ['', 'PT', 'P1D', '1.5', 'PT-1S', 'PT1e3S', 'PTS']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('formats with fixed decimals, never exponent notation, and round-trips', () => {
    expect(formatDuration(125_000)).toBe('PT0.000125S');
    expect(formatDuration(1)).toBe('PT0.000000001S');
    expect(formatDuration(2_000_000_000)).toBe('PT2S');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 15 }), (ns) => {
        const text = formatDuration(ns);
        expect(text).toMatch(/^PT\d+(\.\d+)?S$/);
        expect(parseDuration(text)).toBe(ns);
      }),
    );
  });
});
