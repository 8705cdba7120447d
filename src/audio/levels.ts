/**
 * Per-channel signal level of interleaved G.711 µ-law frames: energy and peak
 * in one pass over the bytes, by table lookup (no decoded copy, no object per
 * frame). The live view's level meters and the acoustic analysis both read
 * levels through this one piece; the meters read a sample in METER_STEP.
 *
 * Levels are dBFS against a full-scale 16-bit sine convention: a square wave
 * at full scale reads 0 dBFS, digital silence reads LEVEL_FLOOR_DB.
 */
import { ulawDecode } from './ulaw.js';

/** What an empty or all-zero channel reads (and the lowest level ever reported). */
export const LEVEL_FLOOR_DB = -96;

const FULL_SCALE = 32768;
const SQUARE = new Float64Array(256);
const ABS = new Uint16Array(256);
{
  const all = new Uint8Array(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const pcm = ulawDecode(all);
  for (let i = 0; i < 256; i++) {
    const v = pcm[i] as number;
    SQUARE[i] = v * v;
    ABS[i] = Math.abs(v);
  }
}

/** One channel's sums over a span of samples; add frames with `accumulate`, read with `rmsDb`/`peakDb`. */
export interface ChannelLevel {
  /** Sum of squared linear samples. */
  energy: number;
  /** Largest absolute linear sample. */
  peak: number;
  /** Samples counted. */
  samples: number;
}

export const emptyLevel = (): ChannelLevel => ({ energy: 0, peak: 0, samples: 0 });

/**
 * Adds one interleaved frame (`channels` bytes per sample) to `out[c]` for each channel c.
 * `out` must hold `channels` entries; nothing is allocated. With `step` > 1 only every
 * step-th sample is read, starting at sample `offset`: an estimate for a display (the live
 * meters), at a fraction of the cost; metrics read every sample.
 */
export function accumulate(frame: Uint8Array, channels: number, out: ChannelLevel[], step = 1, offset = 0): void {
  const stride = channels * step;
  for (let c = 0; c < channels; c++) {
    const level = out[c] as ChannelLevel;
    let energy = 0;
    let peak = level.peak;
    let n = 0;
    for (let i = offset * channels + c; i < frame.length; i += stride) {
      const b = frame[i] as number;
      energy += SQUARE[b] as number;
      const a = ABS[b] as number;
      if (a > peak) peak = a;
      n++;
    }
    level.energy += energy;
    level.peak = peak;
    level.samples += n;
  }
}

const db = (ratio: number): number => (ratio <= 0 ? LEVEL_FLOOR_DB : Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(ratio)));

/** Root-mean-square level in dBFS. */
export const rmsDb = (l: ChannelLevel): number => (l.samples === 0 ? LEVEL_FLOOR_DB : db(Math.sqrt(l.energy / l.samples) / FULL_SCALE));

/** Peak level in dBFS. */
export const peakDb = (l: ChannelLevel): number => db(l.peak / FULL_SCALE);

/** Starts a new span (for a meter: after each reading). */
export function reset(l: ChannelLevel): void {
  l.energy = 0;
  l.peak = 0;
  l.samples = 0;
}
