/**
 * Test and load audio: sine tones as interleaved µ-law, and framing helpers.
 */
import { ulawEncode } from './ulaw.js';

/** One period-aligned block of interleaved µ-law: channel i carries freqs[i]. */
export function toneUlaw(freqs: number[], seconds: number, rate = 8000, amplitude = 8000): Uint8Array {
  const frames = Math.round(seconds * rate);
  const channels = freqs.length;
  const pcm = new Int16Array(frames * channels);
  for (let n = 0; n < frames; n++) {
    for (let c = 0; c < channels; c++) {
      pcm[n * channels + c] = Math.round(amplitude * Math.sin((2 * Math.PI * (freqs[c] as number) * n) / rate));
    }
  }
  return ulawEncode(pcm);
}

/** Yields successive frames of `frameBytes` from `audio`, looping forever. */
export class LoopingSource {
  private offset = 0;

  constructor(private readonly audio: Uint8Array, private readonly frameBytes: number) {
    if (audio.length < frameBytes) throw new Error('audio shorter than one frame');
  }

  next(): Uint8Array {
    if (this.offset + this.frameBytes > this.audio.length) this.offset = 0;
    const frame = this.audio.subarray(this.offset, this.offset + this.frameBytes);
    this.offset += this.frameBytes;
    return frame;
  }
}
