/**
 * The acoustic analysis's tuning, with defaults chosen on the fixture calls
 * (docs/guidance.md "Acoustic metrics" explains each value).
 */

export interface AcousticTuning {
  /** A 10 ms window is loud when its RMS level is above this (dBFS) … */
  thresholdDb: number;
  /** … and above the channel's noise floor by this much (dB), so steady line noise is not speech. */
  noiseMarginDb: number;
  /** How fast the noise floor may climb while the level stays above it (dB per second); it falls at once. */
  noiseRiseDbPerSecond: number;
  /** Loud time (ms, in 10 ms windows) a stretch needs before it is speech: shorter clicks are not. */
  onsetMs: number;
  /** Pauses up to this long (ms) inside a party's speech are bridged: they count as talk. */
  bridgeMs: number;
  /** A level peak counts as a syllable when it stands this far (dB) above the valleys either side. */
  syllableProminenceDb: number;
}

export const DEFAULT_TUNING: Readonly<AcousticTuning> = Object.freeze({
  // The fixtures' ground truth marks speech with the same -45 dBFS window test.
  thresholdDb: -45,
  noiseMarginDb: 15,
  noiseRiseDbPerSecond: 2,
  onsetMs: 30,
  // espeak-ng's pauses inside an utterance reach 380 ms in the fixtures; one
  // party's separate utterances are at least 1020 ms apart.
  bridgeMs: 500,
  syllableProminenceDb: 6,
});

/** Thrown by createAcousticAnalysis for a layout or tuning it cannot work with (never on the audio path). */
export class AcousticOptionsError extends Error {
  override readonly name = 'AcousticOptionsError';
}

/** Window counts the VAD works in, derived from the tuning. */
export interface WindowTuning {
  onsetWindows: number;
  bridgeWindows: number;
  noiseRiseDbPerWindow: number;
}

export const WINDOW_MS = 10;

export function resolveTuning(partial: Partial<AcousticTuning>): AcousticTuning & WindowTuning {
  const t: AcousticTuning = { ...DEFAULT_TUNING };
  for (const key of Object.keys(DEFAULT_TUNING) as (keyof AcousticTuning)[]) {
    const v = partial[key];
    if (v === undefined) continue;
    if (!Number.isFinite(v)) throw new AcousticOptionsError(`${key} must be a finite number`);
    t[key] = v;
  }
  if (t.onsetMs < WINDOW_MS) throw new AcousticOptionsError(`onsetMs must be at least ${WINDOW_MS}`);
  if (t.bridgeMs < 0 || t.bridgeMs > 10_000) throw new AcousticOptionsError('bridgeMs must be within 0..10000');
  if (t.onsetMs > 1000) throw new AcousticOptionsError('onsetMs must be at most 1000');
  if (t.noiseMarginDb < 0 || t.noiseRiseDbPerSecond < 0 || t.syllableProminenceDb <= 0) {
    throw new AcousticOptionsError('noiseMarginDb, noiseRiseDbPerSecond must be >= 0 and syllableProminenceDb > 0');
  }
  return {
    ...t,
    onsetWindows: Math.ceil(t.onsetMs / WINDOW_MS),
    bridgeWindows: Math.floor(t.bridgeMs / WINDOW_MS),
    noiseRiseDbPerWindow: (t.noiseRiseDbPerSecond * WINDOW_MS) / 1000,
  };
}
