import { describe, expect, it } from 'vitest';
import { LEVEL_FLOOR_DB, accumulate, emptyLevel, peakDb, reset, rmsDb, ulawEncode } from '../../src/audio/index.js';

/** Interleaves two channels of linear samples into one µ-law frame. */
function stereo(left: number[], right: number[]): Uint8Array {
  const pcm = new Int16Array(left.length * 2);
  left.forEach((v, i) => {
    pcm[2 * i] = v;
    pcm[2 * i + 1] = right[i] ?? 0;
  });
  return ulawEncode(pcm);
}

describe('levels of interleaved µ-law frames', () => {
  it('measures each channel apart: a loud left, a silent right', () => {
    const n = 160;
    const sine = Array.from({ length: n }, (_, i) => Math.round(16384 * Math.sin((2 * Math.PI * i) / 20)));
    const out = [emptyLevel(), emptyLevel()];
    accumulate(stereo(sine, new Array<number>(n).fill(0)), 2, out);
    const [left, right] = out as [ReturnType<typeof emptyLevel>, ReturnType<typeof emptyLevel>];
    expect(left.samples).toBe(n);
    expect(right.samples).toBe(n);
    // A half-scale sine: RMS −9 dBFS (−6 for half scale, −3 for a sine), peak about −6 dBFS; µ-law quantization within 0.5 dB.
    expect(rmsDb(left)).toBeCloseTo(-9.03, 0);
    expect(peakDb(left)).toBeGreaterThan(-6.5);
    expect(peakDb(left)).toBeLessThan(-5.5);
    expect(rmsDb(right)).toBe(LEVEL_FLOOR_DB);
  });

  it('accumulates across frames and starts afresh after reset', () => {
    const loud = new Array<number>(80).fill(8000);
    const quiet = new Array<number>(80).fill(800);
    const out = [emptyLevel()];
    accumulate(ulawEncode(Int16Array.from(loud)), 1, out);
    const onlyLoud = rmsDb(out[0]!);
    accumulate(ulawEncode(Int16Array.from(quiet)), 1, out);
    expect(out[0]!.samples).toBe(160);
    expect(rmsDb(out[0]!)).toBeLessThan(onlyLoud);
    reset(out[0]!);
    accumulate(ulawEncode(Int16Array.from(quiet)), 1, out);
    expect(rmsDb(out[0]!)).toBeCloseTo(20 * Math.log10(800 / 32768), 0);
  });
});
