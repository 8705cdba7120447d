import { describe, expect, it } from 'vitest';
import { PcmToUlaw8k, Pcm16Reader, RationalResampler, UlawToPcm16k, toneUlaw, ulawDecode } from '../../src/audio/index.js';

function tone(freq: number, rate: number, seconds: number, amplitude = 10000): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** RMS of the middle half (skips the filter's start-up and tail). */
function rms(x: ArrayLike<number>): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  let s = 0;
  for (let i = from; i < to; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s / (to - from));
}

/** Amplitude of one frequency (a single DFT bin over the middle half). */
function magnitudeAt(x: ArrayLike<number>, freq: number, rate: number): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += (x[i] as number) * Math.cos((2 * Math.PI * freq * i) / rate);
    im += (x[i] as number) * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function inChunks(r: { push(x: Int16Array): Uint8Array }, pcm: Int16Array, sizes: number[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let o = 0;
  let k = 0;
  while (o < pcm.length) {
    const n = sizes[k++ % sizes.length] as number;
    parts.push(r.push(pcm.subarray(o, o + n)));
    o += n;
  }
  return Buffer.concat(parts);
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('resampling', () => {
  it('22.05 kHz → 8 kHz µ-law keeps a 1 kHz tone (within 1 dB) and the length ratio, across odd chunk sizes', () => {
    const input = tone(1000, 22050, 2);
    const out = ulawDecode(inChunks(new PcmToUlaw8k(22050), input, [1, 441, 1000, 7, 4096]));
    expect(Math.abs(out.length - (input.length * 8000) / 22050)).toBeLessThanOrEqual(1);
    expect(Math.abs(db(rms(out) / rms(input)))).toBeLessThan(1);
    expect(magnitudeAt(out, 1000, 8000)).toBeGreaterThan(9000);
  });

  it('gives the same output whatever the chunking (state carries across chunks)', () => {
    const input = tone(1000, 22050, 0.5);
    const whole = new PcmToUlaw8k(22050).push(input);
    const chunked = inChunks(new PcmToUlaw8k(22050), input, [1, 441, 1000, 7, 4096]);
    expect(Buffer.from(chunked).equals(Buffer.from(whole))).toBe(true);
  });

  it('22.05 kHz → 8 kHz attenuates a 6 kHz tone (above the 4 kHz Nyquist) by at least 30 dB', () => {
    const input = tone(6000, 22050, 2);
    const out = ulawDecode(inChunks(new PcmToUlaw8k(22050), input, [2205]));
    // 6 kHz would alias to 2 kHz: measure there and overall.
    expect(db(magnitudeAt(out, 2000, 8000) / 10000)).toBeLessThan(-30);
    expect(db(rms(out) / rms(input))).toBeLessThan(-30);
  });

  it('8 kHz µ-law → 16 kHz PCM keeps a 1 kHz tone, doubles the length and puts nothing at the 7 kHz image', () => {
    const ulaw = toneUlaw([1000], 1, 8000, 10000);
    const r = new UlawToPcm16k();
    const out = Buffer.concat([r.push(ulaw.subarray(0, 333)), r.push(ulaw.subarray(333))].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
    const pcm = new Int16Array(out.buffer, out.byteOffset, out.byteLength / 2);
    expect(pcm.length).toBe(16000);
    expect(magnitudeAt(pcm, 1000, 16000)).toBeGreaterThan(9000);
    expect(db(magnitudeAt(pcm, 7000, 16000) / 10000)).toBeLessThan(-40);
  });

  it('16 kHz PCM → 8 kHz µ-law is the inverse for in-band audio', () => {
    const input = tone(440, 16000, 1);
    const out = ulawDecode(new PcmToUlaw8k(16000).push(input));
    expect(out.length).toBe(8000);
    expect(Math.abs(db(rms(out) / rms(input)))).toBeLessThan(0.5);
  });

  it('rejects rates that are not positive integers, naming them', () => {
    expect(() => new RationalResampler(22050.5, 8000)).toThrow(/22050.5/);
  });

  it('reads PCM16 bytes split at odd offsets', () => {
    const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
    const bytes = new Uint8Array(samples.buffer);
    const r = new Pcm16Reader();
    const got = [...r.push(bytes.subarray(0, 3)), ...r.push(bytes.subarray(3, 4)), ...r.push(bytes.subarray(4))];
    expect(got).toEqual([...samples]);
  });
});
