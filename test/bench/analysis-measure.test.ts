/** bench:analysis: the live measurement feeds a plugged-in recognizer like the acoustic analysis, and the report says what was not measured. */
import { describe, expect, it } from 'vitest';
import type { SpeechCall } from '../../src/analysis/index.js';
import { loadFixtures, measureLive, measurePostCall, measurePostCallSpeech } from '../../bench/analysis/measure.js';
import { liveTable, postCallSpeechLine, type AnalysisResults } from '../../bench/analysis/report.js';
import type { KeywordSpotting } from '../../bench/analysis/speech.js';

describe('bench:analysis', () => {
  const fixtures = loadFixtures().slice(0, 1);

  it('feeds every frame of every call to the keyword spotter and awaits its end', async () => {
    const calls: SpeechCall[] = [];
    let bytes = 0;
    let ended = 0;
    const speech: KeywordSpotting = {
      label: 'fake',
      factory: {
        open: (call) => {
          calls.push(call);
          return { audio: (frame) => void (bytes += frame.length), end: async () => void ended++ };
        },
      },
      close: async () => undefined,
    };
    const r = await measureLive(fixtures, 100, 2, speech);
    const f = fixtures[0]!;
    // One warm-up pass, then two measured ones.
    expect(calls).toHaveLength(3);
    expect(ended).toBe(3);
    expect(bytes).toBe(3 * f.ulaw.length);
    expect(calls[0]?.phrases.customer).toContain('cancel my contract');
    expect(r.callSeconds).toBeCloseTo((2 * f.durationMs) / 1000, 6);
    expect(r.cpuMsPerCallSecond).toBeGreaterThan(0);
    expect(r.callsPerCore).toBeCloseTo(1000 / r.cpuMsPerCallSecond, 6);
  });

  it('reports the keyword-spotting case as not measured until a recognizer is plugged in', () => {
    const live = { frameMs: 100, callSeconds: 10, cpuMs: 1, cpuMsPerCallSecond: 0.1, callsPerCore: 10_000, pushP99Us: 5, pushMaxUs: 9 };
    const postCall = measurePostCall(fixtures, 1);
    const without: AnalysisResults = { acoustic: [live], withSpeech: undefined, postCall, otherLoadPct: 0 };
    expect(liveTable(without)).toMatch(/acoustic \+ keyword spotting \| — .*not measured/);
    const withIt: AnalysisResults = { ...without, withSpeech: { label: 'pocketsphinx', results: [live] } };
    expect(liveTable(withIt)).toContain('| acoustic + keyword spotting (pocketsphinx) | 100 | 10.0 | 0.100 | 0.010 | 10000 |');
    expect(postCall.realTimeFactor).toBeGreaterThan(0);
  });

  it('post-call phrase spotting feeds every recording through the recognizer at the pace and counts its hits', async () => {
    let bytes = 0;
    const speech: KeywordSpotting = {
      label: 'fake',
      factory: {
        open: (_call, out) => ({
          audio: (frame) => void (bytes += frame.length),
          end: async () => out.phrase({ party: 'customer', phrase: 'cancel my contract', text: 'cancel my contract', startMs: 0, endMs: 1 }),
        }),
      },
      close: async () => undefined,
    };
    const f = fixtures[0]!;
    const r = await measurePostCallSpeech(fixtures, 1, speech, 100);
    // Warm-up and one measured pass, each the whole recording.
    expect(bytes).toBe(2 * f.ulaw.length);
    expect(r).toMatchObject({ speed: 100, hits: 1, recordings: 1 });
    // Paced at 100× real time: at least the recording's duration ÷ 100, minus the last step's pause.
    expect(r.wallMs).toBeGreaterThanOrEqual(f.durationMs / 100 - 10);
    expect(postCallSpeechLine(r)).toContain('speechSpeed = 100×');
    expect(postCallSpeechLine(undefined)).toContain('not measured');
  });
});
