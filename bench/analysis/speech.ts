/**
 * KEYWORD SPOTTING — the recognizer bench:analysis measures the "acoustic +
 * keyword spotting" case with: the offline default, pocketsphinx keyword
 * spotting (src/analysis/speech), opened on each call next to the acoustic
 * analysis (same frames, its end() awaited, the CPU of the engine programs it
 * runs counted through cutime/cstime once they are reaped). Not measured where
 * pocketsphinx_continuous is not installed (Debian pocketsphinx,
 * pocketsphinx-en-us).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysisSchema } from '../../src/analysis/config.js';
import { createSpeechAnalyzerFactory } from '../../src/analysis/speech/index.js';
import type { SpeechAnalyzerFactory } from '../../src/analysis/types.js';

export interface KeywordSpotting {
  /** Shown in the report, e.g. "pocketsphinx keyword mode". */
  label: string;
  factory: SpeechAnalyzerFactory;
  /** Releases what the factory holds (engine processes, models), after the runs. */
  close(): Promise<void>;
}

/** The rule phrases the bench asks the recognizer to spot (the cancel-call fixture says the first). */
export const BENCH_PHRASES = { customer: ['cancel my contract'], agent: ['late fee'] } as const;

/**
 * The bench pushes a whole call at once (faster than real time), so the engine may lag by all of it:
 * the longest fixture (46 s) fits, nothing is dropped, and the CPU counted is that of the whole call.
 */
const BENCH_MAX_PENDING_MS = 60_000;

function havePocketsphinx(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v pocketsphinx_continuous && test -d /usr/share/pocketsphinx/model/en-us/en-us'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function keywordSpotting(): Promise<KeywordSpotting | undefined> {
  if (!havePocketsphinx()) return undefined;
  const workDir = mkdtempSync(join(tmpdir(), 'hookline-bench-kws-'));
  const config = analysisSchema.parse({ maxPendingMs: BENCH_MAX_PENDING_MS });
  return {
    label: 'pocketsphinx keyword spotting',
    factory: createSpeechAnalyzerFactory(config, { workDir }),
    close: async () => rmSync(workDir, { recursive: true, force: true }),
  };
}
