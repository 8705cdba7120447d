import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnalysisSink, type Finding, type SpeechAnalyzerFactory, type SpeechCall, type SpeechOutput } from '../../src/analysis/index.js';
import type { EventEntity } from '../../src/protocol/audiohook/index.js';
import { guidanceSchema, type GuidanceConfig } from '../../src/tenants/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import { sessionInfo } from '../helpers/sinks.js';

const cancel = new Uint8Array(readFileSync(new URL('../../fixtures/analysis/cancel-call.ulaw', import.meta.url)));
const FRAME = 20 * 8 * 2; // 20 ms of stereo µ-law
const NS = 1_000_000;

const guidance = (over: Partial<GuidanceConfig> = {}): GuidanceConfig =>
  guidanceSchema.parse({ rules: [{ name: 'long-silence', kind: 'silence', minSeconds: 5 }, { name: 'churn', kind: 'phrase', phrases: ['cancel my contract'], party: 'customer' }], ...over });

function setup(g: GuidanceConfig | undefined, o: { speech?: SpeechAnalyzerFactory; maxQueuedMs?: number } = {}) {
  const fired: { tenant: string; conversationId: string; finding: Finding }[] = [];
  let drops = 0;
  const sink = new AnalysisSink({ guidance: () => g, findings: { fire: (tenant, conversationId, finding) => fired.push({ tenant, conversationId, finding }) }, log: captureLogs().logger, onDrop: (n = 1) => void (drops += n), ...o });
  return { sink, fired, drops: () => drops };
}

/** Feeds `audio` (from its start) as 20 ms frames, all in the caller's turn, as capture would under a burst. */
function play(s: { audio: (d: Uint8Array, p: number, n: number) => void }, audio: Uint8Array, fromMs = 0, toMs = audio.length / 16): void {
  for (let ms = fromMs; ms < toMs; ms += 20) s.audio(audio.subarray(ms * 16, ms * 16 + FRAME), ms * NS, 160);
}

const end = { reason: 'end', position: 44_000 * NS, endedAt: new Date().toISOString() };

describe('AnalysisSink', () => {
  it('opens only for tenants with guidance enabled and something to do, on PCMU 8 kHz', () => {
    expect(setup(undefined).sink.open(sessionInfo())).toBeUndefined();
    expect(setup(guidance({ enabled: false })).sink.open(sessionInfo())).toBeUndefined();
    expect(setup(guidance({ rules: [] })).sink.open(sessionInfo())).toBeUndefined();
    expect(setup(guidance()).sink.open(sessionInfo({ media: { type: 'audio', format: 'L16', channels: ['external', 'internal'], rate: 8000 } }))).toBeUndefined();
    expect(setup(guidance()).sink.open(sessionInfo())).toBeDefined();
  });

  it('analyses off the caller\'s turn and fires the silence rule with the session\'s id and the tagged agent', async () => {
    const t = setup(guidance());
    const info = sessionInfo({ agent: { id: 'agent-1', name: 'Ann' } });
    const s = t.sink.open(info) as NonNullable<ReturnType<AnalysisSink['open']>>;
    play(s, cancel, 0, 5000);
    s.control({ type: 'tagged', position: 5000 * NS, agent: { id: 'agent-2' } });
    // The rest in 1 s bursts, letting the loop turn between them as a live call would.
    for (let ms = 5000; ms < 22_000; ms += 1000) {
      await new Promise((r) => setImmediate(r));
      play(s, cancel, ms, ms + 1000);
    }
    await s.end(end);
    expect(t.drops()).toBe(0);
    expect(t.fired).toHaveLength(1);
    const f = t.fired[0] as (typeof t.fired)[number];
    expect(f).toMatchObject({ tenant: info.orgId, conversationId: info.conversationId, finding: { rule: 'long-silence', kind: 'silence', agent: { userId: 'agent-2' } } });
    expect(f.finding.id).toBe(`${info.sessionId}:silence:long-silence:${Math.round(f.finding.startMs)}-${Math.round(f.finding.endMs)}`);
    expect(Math.abs(f.finding.endMs - 17_520)).toBeLessThanOrEqual(100);
  });

  it("hands over the session's figures and findings when it ends, for the post-call comparison", async () => {
    const summaries: { session: { sessionId: string }; result: { metrics: { durationMs: number; longestSilenceMs: number }; findings: Finding[] } }[] = [];
    const sink = new AnalysisSink({ guidance: () => guidance(), findings: { fire: () => undefined }, log: captureLogs().logger, onDrop: () => undefined, onSessionEnd: (session, result) => void summaries.push({ session, result }) });
    const info = sessionInfo();
    const s = sink.open(info) as NonNullable<ReturnType<AnalysisSink['open']>>;
    for (let ms = 0; ms < 22_000; ms += 1000) {
      await new Promise((r) => setImmediate(r));
      play(s, cancel, ms, ms + 1000);
    }
    expect(summaries).toEqual([]);
    await s.end({ ...end, position: 22_000 * NS });
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.session.sessionId).toBe(info.sessionId);
    expect(summaries[0]?.result.metrics.durationMs).toBeGreaterThan(21_000);
    expect(Math.abs((summaries[0]?.result.metrics.longestSilenceMs ?? 0) - 7_480)).toBeLessThanOrEqual(100);
    expect(summaries[0]?.result.findings.map((f) => f.rule)).toEqual(['long-silence']);
  });

  it('drops and counts frames beyond its bounded queue (the audio path never waits)', async () => {
    let analysed = 0;
    const speech: SpeechAnalyzerFactory = { open: () => ({ audio: () => void analysed++, end: async () => undefined }) };
    const t = setup(guidance(), { maxQueuedMs: 100, speech });
    const s = t.sink.open(sessionInfo()) as NonNullable<ReturnType<AnalysisSink['open']>>;
    play(s, cancel, 0, 1000);
    expect(t.drops()).toBe(45); // 100 ms queued = 5 frames; the other 45 dropped
    await s.end(end);
    expect(analysed).toBe(5);
  });

  it('feeds the speech analyzer the rule phrases, fires on its hits and sends final transcripts back when asked', async () => {
    const calls: SpeechCall[] = [];
    let out: SpeechOutput | undefined;
    let audioMs = 0;
    const speech: SpeechAnalyzerFactory = {
      open(call, o) {
        calls.push(call);
        out = o;
        return { audio: (_f, p) => void (audioMs = p), end: async () => undefined };
      },
    };
    for (const transcripts of [true, false]) {
      const t = setup(guidance({ transcripts }), { speech });
      const sent: EventEntity[][] = [];
      const s = t.sink.open(sessionInfo(), { send: (e) => (sent.push(e), true) }) as NonNullable<ReturnType<AnalysisSink['open']>>;
      audioMs = -1;
      play(s, cancel, 0, 1000);
      expect(audioMs).toBe(-1); // queued only: analysis runs after the caller's turn
      // The sink drains on setImmediate; an immediate queued after its one runs after it. A timer
      // (setTimeout 0) could fire first when this turn began in the check phase and a millisecond passed.
      await new Promise((r) => setImmediate(r));
      expect(audioMs).toBe(980);
      out?.phrase({ party: 'customer', phrase: 'cancel my contract', text: 'i want to cancel my contract', startMs: 27_320, endMs: 28_610 });
      out?.phrase({ party: 'agent', phrase: 'cancel my contract', text: 'cancel my contract', startMs: 30_000, endMs: 31_000 });
      out?.transcript({ party: 'agent', text: 'partial', final: false, startMs: 0, endMs: 500 });
      out?.transcript({ party: 'agent', text: 'let me explain', final: true, startMs: 27_000, endMs: 29_410, confidence: 0.9, language: 'en-US' });
      await s.end(end);
      expect(t.fired.map((f) => [f.finding.kind, f.finding.party, f.finding.startMs])).toEqual([['phrase', 'customer', 27_320]]);
      expect(calls.at(-1)).toMatchObject({ phrases: { customer: ['cancel my contract'] }, transcripts, channels: ['customer', 'agent'] });
      if (!transcripts) {
        expect(sent).toEqual([]);
        continue;
      }
      expect(sent).toHaveLength(1);
      const [entity] = sent[0] as EventEntity[];
      expect(entity).toMatchObject({
        type: 'transcript',
        data: { channelId: 1, isFinal: true, offset: 'PT27S', duration: 'PT2.41S', alternatives: [{ confidence: 0.9, languages: ['en-US'], interpretations: [{ type: 'display', transcript: 'let me explain' }] }] },
      });
    }
  });
});
