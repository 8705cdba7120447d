/**
 * Energy voice-activity detection over caller audio (8 kHz µ-law), for end of
 * utterance and barge-in.
 *
 * Pure: no timers, time is the count of samples pushed. Frames of `frameMs`
 * are scored in dBFS against an adaptive noise floor (follows quieter frames
 * quickly and louder ones slowly, so a steady line noise becomes the floor
 * instead of "speech"). Hysteresis: `speech-start` once `minSpeechMs` of
 * consecutive frames are above the threshold, `speech-end` once `hangoverMs`
 * are below it. Each event's `atMs` is where the run began (the first loud or
 * first quiet frame), not when it was confirmed.
 */
import { ulawDecode } from '../../audio/index.js';

export type VadEvent = { type: 'speech-start' | 'speech-end'; atMs: number };

export interface EnergyVadOptions {
  /** Loud this long (consecutive) to start speech. Default 100 ms. */
  minSpeechMs?: number;
  /** Quiet this long (consecutive) to end speech. Default 600 ms. */
  hangoverMs?: number;
  /** A frame is loud when this many dB above the noise floor. Default 12 dB. */
  marginDb?: number;
  /** ...and at least this loud (dBFS): digital silence and line hiss never count. Default -50 dBFS. */
  minLevelDb?: number;
  /** Analysis frame. Default 10 ms. */
  frameMs?: number;
  /** Time constant of the floor rising towards louder frames. Default 4000 ms. */
  floorRiseMs?: number;
}

const RATE = 8000;
const FULL_SCALE = 32768;
/** Floor for log of digital silence. */
const SILENCE_DB = -100;

function checkPositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`EnergyVad option ${name} must be a positive number (got ${value})`);
  return value;
}

export class EnergyVad {
  private readonly frameSamples: number;
  private readonly frameMs: number;
  private readonly startFrames: number;
  private readonly endFrames: number;
  private readonly marginDb: number;
  private readonly minLevelDb: number;
  private readonly riseAlpha: number;
  /** Pending samples of a frame not yet complete. */
  private readonly partial: Int16Array;
  private partialLength = 0;
  private frameIndex = 0;
  private floorDb: number | undefined;
  private inSpeech = false;
  /** Consecutive frames against the current state, and where that run began. */
  private run = 0;
  private runStartFrame = 0;

  constructor(options: EnergyVadOptions = {}) {
    this.frameMs = checkPositive('frameMs', options.frameMs ?? 10);
    this.frameSamples = Math.max(1, Math.round((this.frameMs * RATE) / 1000));
    this.startFrames = Math.max(1, Math.round(checkPositive('minSpeechMs', options.minSpeechMs ?? 100) / this.frameMs));
    this.endFrames = Math.max(1, Math.round(checkPositive('hangoverMs', options.hangoverMs ?? 600) / this.frameMs));
    this.marginDb = checkPositive('marginDb', options.marginDb ?? 12);
    this.minLevelDb = options.minLevelDb ?? -50;
    this.riseAlpha = this.frameMs / checkPositive('floorRiseMs', options.floorRiseMs ?? 4000);
    this.partial = new Int16Array(this.frameSamples);
  }

  /** Whether the last pushed audio left us inside speech. */
  get speaking(): boolean {
    return this.inSpeech;
  }

  push(ulaw: Uint8Array): VadEvent[] {
    const samples = ulawDecode(ulaw);
    const events: VadEvent[] = [];
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(this.frameSamples - this.partialLength, samples.length - i);
      this.partial.set(samples.subarray(i, i + take), this.partialLength);
      this.partialLength += take;
      i += take;
      if (this.partialLength === this.frameSamples) {
        const event = this.frame(levelDb(this.partial));
        if (event) events.push(event);
        this.partialLength = 0;
      }
    }
    return events;
  }

  private frame(level: number): VadEvent | undefined {
    const index = this.frameIndex++;
    const floor = this.updateFloor(level);
    const loud = level >= this.minLevelDb && level >= floor + this.marginDb;
    if (loud === this.inSpeech) {
      this.run = 0;
      return undefined;
    }
    if (this.run === 0) this.runStartFrame = index;
    this.run++;
    if (this.run < (this.inSpeech ? this.endFrames : this.startFrames)) return undefined;
    this.inSpeech = !this.inSpeech;
    this.run = 0;
    return { type: this.inSpeech ? 'speech-start' : 'speech-end', atMs: this.runStartFrame * this.frameMs };
  }

  /** Quieter frames pull the floor down at once; louder ones lift it slowly (so speech barely moves it). */
  private updateFloor(level: number): number {
    const before = this.floorDb ?? level;
    this.floorDb = level < before ? level : before + this.riseAlpha * (level - before);
    return before;
  }
}

function levelDb(frame: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += (frame[i] as number) ** 2;
  const rms = Math.sqrt(sum / frame.length) / FULL_SCALE;
  return rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB;
}
