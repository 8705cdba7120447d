/**
 * A fast "the party stopped talking" signal for one channel, so the speech
 * engine can be told to end its utterance at once instead of waiting for its
 * own voice activity detection. pocketsphinx_continuous prints a keyword only
 * when an utterance ends, and its VAD waits 500 ms of silence (sphinxbase
 * `-vad_postspeech` 50 frames); shortening that option instead loses the
 * cancel-call fixture's phrase (measured: docs/guidance.md "Latency").
 *
 * Same loudness test as the acoustic analysis (10 ms windows of 8 kHz µ-law,
 * RMS above thresholdDb dBFS), with a short onset so clicks do not count, and
 * a pause declared after `pauseMs` of quiet following speech: once per pause.
 * Pure: no clock, no I/O; frames of any length (windows span frames).
 */
import { ulawDecode } from '../../audio/index.js';

/** 10 ms at 8 kHz. */
const WINDOW_SAMPLES = 80;
const FULL_SCALE = 32768;

export interface PauseDetectorOptions {
  /** Quiet after speech (ms, in 10 ms windows) that counts as a pause. */
  pauseMs: number;
  /** A window is loud above this RMS level (dBFS). Default -45, as the acoustic analysis. */
  thresholdDb?: number;
  /** Loud time (ms) before it is speech. Default 30, as the acoustic analysis. */
  onsetMs?: number;
}

export class PauseDetector {
  private readonly pauseWindows: number;
  private readonly onsetWindows: number;
  private readonly minEnergy: number;
  private energy = 0;
  private samples = 0;
  private loudRun = 0;
  private quietRun = 0;
  private speaking = false;

  constructor(o: PauseDetectorOptions) {
    if (!(o.pauseMs >= 10 && o.pauseMs <= 10_000)) throw new RangeError('pauseMs must be within 10..10000');
    this.pauseWindows = Math.round(o.pauseMs / 10);
    this.onsetWindows = Math.max(1, Math.round((o.onsetMs ?? 30) / 10));
    // RMS above 10^(dB/20) full scale ⇔ mean square above 10^(dB/10) full scale².
    this.minEnergy = 10 ** ((o.thresholdDb ?? -45) / 10) * FULL_SCALE * FULL_SCALE;
  }

  /**
   * One channel's µ-law audio: where in it (sample offsets, ascending) a pause was declared, so the
   * caller can end the engine's utterance exactly there and not after speech later in the same frame.
   */
  push(mono: Uint8Array): number[] {
    const at: number[] = [];
    const samples = ulawDecode(mono);
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i] as number;
      this.energy += s * s;
      if (++this.samples < WINDOW_SAMPLES) continue;
      if (this.window(this.energy / this.samples > this.minEnergy)) at.push(i + 1);
      this.energy = 0;
      this.samples = 0;
    }
    return at;
  }

  private window(loud: boolean): boolean {
    if (loud) {
      this.quietRun = 0;
      if (++this.loudRun >= this.onsetWindows) this.speaking = true;
      return false;
    }
    this.loudRun = 0;
    if (!this.speaking || ++this.quietRun < this.pauseWindows) return false;
    this.speaking = false;
    this.quietRun = 0;
    return true;
  }
}
