/** The DTMF collector, on virtual time: terminator, maxDigits and the inter-digit timeout end the digits. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DtmfCollector } from '../../src/voicebot/index.js';

describe('DtmfCollector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = (terminator: '#' | '*' | 'none' = '#', maxDigits = 4) => {
    const got: string[] = [];
    const c = new DtmfCollector({ terminator, maxDigits, interDigitMs: 3000, onDigits: (d) => got.push(d) });
    return { c, got };
  };

  it('ends at the terminator, which is not part of the digits', () => {
    const { c, got } = make();
    for (const d of ['1', '2', '#']) c.push(d);
    expect(got).toEqual(['12']);
  });

  it('ends at maxDigits', () => {
    const { c, got } = make('none', 3);
    for (const d of ['1', '2', '3', '4']) c.push(d);
    expect(got).toEqual(['123']);
  });

  it('ends after the inter-digit pause, not before', () => {
    const { c, got } = make();
    c.push('7');
    vi.advanceTimersByTime(2999);
    c.push('8');
    vi.advanceTimersByTime(2999);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(got).toEqual(['78']);
  });

  it('ignores what is not a DTMF key', () => {
    const { c, got } = make();
    expect(c.push('x')).toBe(false);
    c.push('#');
    expect(got).toEqual([]);
  });
});
