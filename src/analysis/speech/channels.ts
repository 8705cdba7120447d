/** Splitting AudioHook frames into per-party audio. Pure. */

/** Channel `index` of interleaved 8-bit samples (µ-law: one byte a sample) with `count` channels. */
export function channelOf(frame: Uint8Array, index: number, count: number): Uint8Array {
  if (count === 1) return frame;
  const out = new Uint8Array(Math.floor(frame.length / count));
  for (let i = 0, j = index; i < out.length; i++, j += count) out[i] = frame[j] as number;
  return out;
}

/** Milliseconds of 8 kHz µ-law audio in `bytes` of a `count`-channel frame. */
export const frameMs = (bytes: number, count: number): number => bytes / count / 8;
