/**
 * Streaming sample-rate conversion between what AudioConnector carries (8 kHz
 * µ-law) and what speech programs speak (16 kHz PCM for pocketsphinx,
 * 22.05 kHz PCM from espeak-ng).
 *
 * A rational polyphase FIR: upsample by L, low-pass, downsample by M, computing
 * only the outputs that survive. The filter is a Kaiser-windowed sinc whose
 * length follows from the transition band and stopband attenuation asked for
 * (Kaiser's formula; see "Kaiser window", Wikipedia, and J. O. Smith, "Digital
 * Audio Resampling Home Page", ccrma.stanford.edu/~jos/resample/). Without the
 * low-pass, everything between 4 kHz and the input's Nyquist would alias back
 * into the telephone band when going down to 8 kHz.
 *
 * State (the last K-1 input samples and the fractional output phase) is kept
 * across calls, so chunk boundaries are inaudible and the total output length
 * is the input length × L/M, whatever the chunking.
 */
import { ulawDecode, ulawEncode } from './ulaw.js';

export interface ResamplerOptions {
  /** -6 dB point of the low-pass. Default: 90% of the lower rate's Nyquist. */
  cutoffHz?: number;
  /** Width of the transition band. Default: 20% of the lower rate's Nyquist. */
  transitionHz?: number;
  /** Stopband attenuation. Default 60 dB. */
  attenuationDb?: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Zeroth-order modified Bessel function of the first kind (power series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * Low-pass prototype at the upsampled rate, split into L phases of K taps:
 * phases[p][k] = h[p + k·L]. DC gain of each phase ≈ 1 (the prototype's is L).
 */
function designPhases(l: number, upRate: number, cutoffHz: number, transitionHz: number, attenuationDb: number): { phases: Float64Array[]; taps: number } {
  const dw = (2 * Math.PI * transitionHz) / upRate;
  const minLength = Math.ceil((attenuationDb - 8) / (2.285 * dw)) + 1;
  const taps = Math.max(2, Math.ceil(minLength / l));
  const n = taps * l;
  const beta = kaiserBeta(attenuationDb);
  const i0Beta = besselI0(beta);
  const fc = cutoffHz / upRate;
  const center = (n - 1) / 2;
  const phases = Array.from({ length: l }, () => new Float64Array(taps));
  for (let i = 0; i < n; i++) {
    const t = i - center;
    const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
    const r = (2 * i) / (n - 1) - 1;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    (phases[i % l] as Float64Array)[Math.floor(i / l)] = sinc * w * l;
  }
  return { phases, taps };
}

/** PCM16 mono at one rate to PCM16 mono at another, chunk by chunk. */
export class RationalResampler {
  readonly up: number;
  readonly down: number;
  private readonly phases: Float64Array[];
  private readonly taps: number;
  /** The last taps-1 input samples, oldest first. */
  private history: Float64Array;
  /** Next output's position on the upsampled grid, relative to the next input chunk's first sample. */
  private t = 0;

  constructor(readonly inRate: number, readonly outRate: number, options: ResamplerOptions = {}) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
      throw new RangeError(`rates must be positive integers (got ${inRate} → ${outRate})`);
    }
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    const nyquist = Math.min(inRate, outRate) / 2;
    const design = designPhases(
      this.up,
      inRate * this.up,
      options.cutoffHz ?? 0.9 * nyquist,
      options.transitionHz ?? 0.2 * nyquist,
      options.attenuationDb ?? 60,
    );
    this.phases = design.phases;
    this.taps = design.taps;
    this.history = new Float64Array(this.taps - 1);
  }

  process(input: Int16Array): Int16Array {
    const k = this.taps;
    const buf = new Float64Array(k - 1 + input.length);
    buf.set(this.history);
    for (let i = 0; i < input.length; i++) buf[k - 1 + i] = input[i] as number;
    const out: number[] = [];
    let t = this.t;
    for (;;) {
      const j = Math.floor(t / this.up);
      if (j >= input.length) break;
      const phase = this.phases[t - j * this.up] as Float64Array;
      // buf index of input sample j is j + k - 1; tap m multiplies input j - m.
      let acc = 0;
      const base = j + k - 1;
      for (let m = 0; m < k; m++) acc += (phase[m] as number) * (buf[base - m] as number);
      out.push(acc);
      t += this.down;
    }
    this.t = t - input.length * this.up;
    this.history = buf.slice(buf.length - (k - 1));
    const result = new Int16Array(out.length);
    for (let i = 0; i < out.length; i++) result[i] = Math.max(-32768, Math.min(32767, Math.round(out[i] as number)));
    return result;
  }
}

/** Caller audio (8 kHz µ-law) to 16 kHz PCM16, for recognizers. */
export class UlawToPcm16k {
  private readonly resampler = new RationalResampler(8000, 16000);
  push(ulaw: Uint8Array): Int16Array {
    return this.resampler.process(ulawDecode(ulaw));
  }
}

/** PCM16 at any rate (16 kHz, 22.05 kHz, ...) to 8 kHz µ-law, low-passed below 4 kHz. */
export class PcmToUlaw8k {
  private readonly resampler: RationalResampler;
  constructor(inRate: number) {
    this.resampler = new RationalResampler(inRate, 8000);
  }
  push(pcm: Int16Array): Uint8Array {
    const out = this.resampler.process(pcm);
    return out.length === 0 ? new Uint8Array(0) : ulawEncode(out);
  }
}

/**
 * Little-endian PCM16 bytes to samples, carrying an odd trailing byte to the
 * next chunk (pipes split wherever they like).
 */
export class Pcm16Reader {
  private carry: number | undefined;
  push(bytes: Uint8Array): Int16Array {
    const total = bytes.length + (this.carry === undefined ? 0 : 1);
    const out = new Int16Array(total >> 1);
    let i = 0;
    let o = 0;
    if (this.carry !== undefined && bytes.length > 0) {
      const v = this.carry | ((bytes[0] as number) << 8);
      out[o++] = v >= 0x8000 ? v - 0x10000 : v;
      i = 1;
      this.carry = undefined;
    }
    for (; i + 1 < bytes.length; i += 2) {
      const v = (bytes[i] as number) | ((bytes[i + 1] as number) << 8);
      out[o++] = v >= 0x8000 ? v - 0x10000 : v;
    }
    if (i < bytes.length) this.carry = bytes[i];
    return out;
  }
}
