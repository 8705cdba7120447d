/**
 * Live vs post-call: totals compared directly; findings paired by rule once
 * the lag between the stream's and the recording's timelines is found.
 */
import { describe, expect, it } from 'vitest';
import { compareLive } from '../../src/analysis/index.js';
import type { AcousticMetrics, Finding } from '../../src/analysis/index.js';

const metrics = (talk: number): AcousticMetrics => ({ durationMs: 30_000, parties: { customer: { talkMs: talk, talkRatio: 0.5, interruptions: 0, utterances: 3, syllablesPerSecond: 4, speechLevelDb: -20, peakDb: -3, clippedSamples: 0 } }, silenceMs: 5_000, longestSilenceMs: 3_000, overtalkMs: 500 });
const f = (rule: string, startMs: number): Finding => ({ rule, kind: 'silence', startMs, endMs: startMs + 1000, evidence: {} });
const live = (findings: Finding[]) => [{ sessionId: 's', metrics: metrics(10_000), findings, endedAt: '2026-01-01T00:00:00Z' }];

describe('compareLive', () => {
  it('finds the lag between the timelines and pairs every finding at it', () => {
    const c = compareLive(live([f('a', 1000), f('b', 9000), f('a', 20_000)]), metrics(10_040), [f('a', 2510), f('b', 10_480), f('a', 21_530)]);
    expect(c?.metrics.talkMs.customer).toEqual({ live: 10_000, postCall: 10_040, delta: 40 });
    expect(c?.findings).toEqual({ alignmentMs: 1510, matched: 3, liveOnly: [], postCallOnly: [] });
  });

  it('says which findings only one side has; without a lag that pairs more, none is assumed', () => {
    const c = compareLive(live([f('a', 1000), f('x', 5000)]), metrics(10_000), [f('a', 1100), f('y', 8000)]);
    expect(c?.findings).toEqual({ alignmentMs: 100, matched: 1, liveOnly: [{ rule: 'x', startMs: 5000, endMs: 6000 }], postCallOnly: [{ rule: 'y', startMs: 8000, endMs: 9000 }] });
    expect(compareLive([], metrics(1), [])).toBeNull();
  });
});
