/**
 * Phrase spotting over a stored recording with the live recognizer: the
 * same speech analyzer the live sink opens, fed the recording in 100 ms
 * frames at `speed` times real time. Live engines drop audio that lags
 * beyond their bound rather than block the audio path, so the recording is
 * paced instead of pushed at once; pocketsphinx decodes several times faster
 * than real time on one core (docs/benchmarks.md), so the default 8× leaves
 * it room on a loaded host.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PhraseHit, SpeechAnalyzerFactory } from '../types.js';
import type { PhraseSpotter } from './worker.js';

const FRAME_MS = 100;
/** Frames fed between two pauses: one second of the call. */
const FRAMES_PER_STEP = 10;

export function speechSpotter(factory: SpeechAnalyzerFactory, speed: number): PhraseSpotter {
  return async (call, audio, phrases) => {
    const hits: PhraseHit[] = [];
    const analyzer = factory.open({ ...call, channels: audio.channels, phrases, transcripts: false, batch: true }, { phrase: (h) => void hits.push(h), transcript: () => undefined });
    if (!analyzer) return [];
    const frameBytes = FRAME_MS * 8 * audio.channels.length;
    try {
      for (let at = 0, n = 0; at < audio.ulaw.length; at += frameBytes, n++) {
        analyzer.audio(audio.ulaw.subarray(at, at + frameBytes), (at / frameBytes) * FRAME_MS);
        if (n % FRAMES_PER_STEP === FRAMES_PER_STEP - 1) await sleep((FRAMES_PER_STEP * FRAME_MS) / speed);
      }
    } finally {
      await analyzer.end();
    }
    return hits.sort((a, b) => a.startMs - b.startMs);
  };
}
