/**
 * STUB: public API only; the implementation follows in a later commit.
 */
import type { AcousticMetrics, ChannelLayout, Party } from '../types.js';

/** One decided 10 ms window: who spoke, and their level. Emitted in timeline order, at most ~hangover late. */
export interface ActivityWindow {
  startMs: number;
  endMs: number;
  speaking: Partial<Record<Party, boolean>>;
  levelDb: Partial<Record<Party, number>>;
}

export interface AcousticAnalysisOptions {
  channels: ChannelLayout;
  onWindow?: ((w: ActivityWindow) => void) | undefined;
}

export interface AcousticAnalysis {
  /** Interleaved µ-law frame (channels.length bytes per sample) starting at positionMs on the stream timeline. O(frame) work. */
  push(frame: Uint8Array, positionMs: number): void;
  /** Figures so far (decided windows only). */
  metrics(): AcousticMetrics;
  /** Decides what is pending (trailing speech/silence) and returns the final figures. */
  end(): AcousticMetrics;
}

const empty = (): AcousticMetrics => ({ durationMs: 0, parties: {}, silenceMs: 0, longestSilenceMs: 0, overtalkMs: 0 });

export function createAcousticAnalysis(o: AcousticAnalysisOptions): AcousticAnalysis {
  void o;
  return { push: () => undefined, metrics: empty, end: empty };
}

/** Whole recording at once (post-call): same code path as live. */
export function analyzeRecording(ulaw: Uint8Array, channels: ChannelLayout, onWindow?: (w: ActivityWindow) => void): AcousticMetrics {
  const a = createAcousticAnalysis({ channels, onWindow });
  a.push(ulaw, 0);
  return a.end();
}
