/**
 * KEYWORD SPOTTING — the slot for the "acoustic + keyword spotting" case.
 *
 * The recognizer (a SpeechAnalyzerFactory from src/analysis) is added by its
 * own change: return its factory here and bench:analysis measures every live
 * case a second time with it opened on each call next to the acoustic
 * analysis (same frames, its end() awaited, the CPU of the engine programs it
 * runs counted through cutime/cstime). Until then the case is reported as
 * not measured.
 */
import type { SpeechAnalyzerFactory } from '../../src/analysis/index.js';

export interface KeywordSpotting {
  /** Shown in the report, e.g. "pocketsphinx keyword mode". */
  label: string;
  factory: SpeechAnalyzerFactory;
  /** Releases what the factory holds (engine processes, models), after the runs. */
  close(): Promise<void>;
}

/** The rule phrases the bench asks the recognizer to spot (the cancel-call fixture says the first). */
export const BENCH_PHRASES = { customer: ['cancel my contract'], agent: ['late fee'] } as const;

export async function keywordSpotting(): Promise<KeywordSpotting | undefined> {
  return undefined;
}
