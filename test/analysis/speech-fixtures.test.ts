/**
 * Offline phrase spotting on the analysis fixtures (espeak-ng calls with
 * known phrase spans, fixtures/analysis/truth.json): pocketsphinx keyword
 * spotting finds "cancel my contract" where the customer said it, on the
 * stream timeline, and fires nothing on calls without a rule phrase.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisSchema } from '../../src/analysis/config.js';
import { createSpeechAnalyzerFactory } from '../../src/analysis/speech/index.js';
import type { PhraseHit, SpeechCall, TranscriptResult } from '../../src/analysis/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';
import { HAVE_POCKETSPHINX, childProcesses, warnSkip } from '../voicebot/speech/helpers.js';

warnSkip('pocketsphinx (pocketsphinx_continuous + pocketsphinx-en-us)', HAVE_POCKETSPHINX);

const DIR = join(import.meta.dirname, '../../fixtures/analysis');
const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as {
  calls: { name: string; phrases: { party: string; phrase: string; startMs: number; endMs: number }[] }[];
};
const RULE_PHRASES = ['cancel my contract', 'speak to a manager', 'this is unacceptable'];
/** 20 ms of stereo µ-law. */
const FRAME = 320;

/** Feeds a fixture as capture does (20 ms frames, positions on the stream timeline, from `offsetMs`), returns what was reported. */
async function analyse(name: string, offsetMs = 0, gapAtMs?: { atMs: number; gapMs: number }) {
  const audio = readFileSync(join(DIR, `${name}.ulaw`));
  const t = tempDir();
  const hits: PhraseHit[] = [];
  const transcripts: TranscriptResult[] = [];
  let dropped = 0;
  try {
    // The whole call is fed at once (faster than real time), so the program may lag by all of it.
    const factory = createSpeechAnalyzerFactory(analysisSchema.parse({ maxPendingMs: 60_000 }), { workDir: t.dir, drops: { inc: (n = 1) => (dropped += n) } });
    const call: SpeechCall = { tenant: 't', conversationId: 'c', channels: ['customer', 'agent'], phrases: { customer: RULE_PHRASES, agent: RULE_PHRASES }, transcripts: false };
    const analyzer = factory.open(call, { phrase: (h) => hits.push(h), transcript: (r) => transcripts.push(r) });
    if (!analyzer) throw new Error('expected an analyzer');
    for (let o = 0; o < audio.length; o += FRAME) {
      const callMs = o / 16;
      const gap = gapAtMs && callMs >= gapAtMs.atMs ? gapAtMs.gapMs : 0;
      analyzer.audio(audio.subarray(o, o + FRAME), offsetMs + callMs + gap);
    }
    await analyzer.end();
  } finally {
    t.cleanup();
  }
  return { hits, transcripts, dropped };
}

describe.skipIf(!HAVE_POCKETSPHINX)('offline phrase spotting on the fixtures', () => {
  const cancel = truth.calls.find((c) => c.name === 'cancel-call')?.phrases[0];

  it('finds "cancel my contract" by the customer within ±300 ms of where it was said', async () => {
    const { hits, dropped } = await analyse('cancel-call');
    expect(dropped).toBe(0);
    expect(hits).toHaveLength(1);
    const hit = hits[0] as PhraseHit;
    expect(hit).toMatchObject({ party: 'customer', phrase: 'cancel my contract' });
    expect(Math.abs(hit.startMs - (cancel?.startMs ?? NaN))).toBeLessThanOrEqual(300);
    expect(Math.abs(hit.endMs - (cancel?.endMs ?? NaN))).toBeLessThanOrEqual(300);
  }, 60_000);

  it('keeps the offsets on the stream timeline when the stream started later and had a gap (pause) before the phrase', async () => {
    // Stream position 5 s at the call's first sample, and 3 s of timeline with no audio at call time 20 s.
    const { hits } = await analyse('cancel-call', 5000, { atMs: 20_000, gapMs: 3000 });
    expect(hits).toHaveLength(1);
    expect(Math.abs((hits[0] as PhraseHit).startMs - ((cancel?.startMs ?? NaN) + 8000))).toBeLessThanOrEqual(300);
  }, 60_000);

  it.each(['clean-call', 'agent-monologue'])('fires no rule phrase on %s (no rule phrase said)', async (name) => {
    const { hits, dropped } = await analyse(name);
    expect(dropped).toBe(0);
    expect(hits).toEqual([]);
  }, 60_000);

  it('reports rule words missing from the dictionary: the phrase is not spotted, the others still are', async () => {
    const audio = readFileSync(join(DIR, 'cancel-call.ulaw'));
    const t = tempDir();
    const logs = captureLogs();
    const hits: PhraseHit[] = [];
    try {
      const factory = createSpeechAnalyzerFactory(analysisSchema.parse({ maxPendingMs: 60_000 }), { workDir: t.dir, logger: logs.logger });
      const phrases = { customer: ['cancel my contract', 'cancel my zorblaxx'] };
      const analyzer = factory.open({ tenant: 't', conversationId: 'c', channels: ['customer', 'agent'], phrases, transcripts: false }, { phrase: (h) => hits.push(h), transcript: () => undefined });
      for (let o = 0; o < audio.length; o += FRAME) analyzer?.audio(audio.subarray(o, o + FRAME), o / 16);
      await analyzer?.end();
      // Only unknown words: nothing to spot, said once for the channel.
      const none = factory.open({ tenant: 't', conversationId: 'c2', channels: ['customer'], phrases: { customer: ['zorblaxx'] }, transcripts: false }, { phrase: (h) => hits.push(h), transcript: () => undefined });
      await none?.end();
    } finally {
      t.cleanup();
    }
    expect(hits.map((h) => h.phrase)).toEqual(['cancel my contract']);
    expect(logs.text()).toMatch(/phrases with words not in the dictionary are not spotted.*zorblaxx|zorblaxx.*phrases with words not in the dictionary are not spotted/);
    expect(logs.text()).toMatch(/no phrase can be spotted: words not in the pocketsphinx dictionary: zorblaxx/);
  }, 60_000);

  it('never blocks on a program that stops reading: audio beyond maxPendingMs is dropped and counted, end() still returns', async () => {
    const t = tempDir();
    let dropped = 0;
    try {
      const program = join(t.dir, 'stalls.sh');
      writeFileSync(program, '#!/bin/sh\nexec sleep 600\n');
      chmodSync(program, 0o755);
      const config = analysisSchema.parse({ maxPendingMs: 500, speech: { engine: 'pocketsphinx', program } });
      const analyzer = createSpeechAnalyzerFactory(config, { workDir: t.dir, drops: { inc: (n = 1) => (dropped += n) } }).open(
        { tenant: 't', conversationId: 'c', channels: ['customer', 'agent'], phrases: { customer: RULE_PHRASES }, transcripts: false },
        { phrase: () => undefined, transcript: () => undefined },
      );
      const minute = new Uint8Array(60_000 * 16).fill(0xff);
      // Wait until the program runs, so what is dropped is dropped for lagging, not while connecting.
      analyzer?.audio(minute.subarray(0, FRAME), 0);
      await until(() => childProcesses('sleep').length > 0, 10_000, 'the program started');
      for (let o = FRAME; o < minute.length; o += FRAME) analyzer?.audio(minute.subarray(o, o + FRAME), o / 16);
      // One channel (the customer's) of a minute: all but the FIFO's 64 KiB and 0.5 s queued is dropped.
      expect(dropped).toBeGreaterThan(60_000 * 8 * 0.9);
      await analyzer?.end();
      expect(childProcesses('sleep')).toEqual([]);
    } finally {
      t.cleanup();
    }
  }, 30_000);

  it('transcripts (Transcription Connector mode) come from the language model as finals on the stream timeline', async () => {
    const audio = readFileSync(join(DIR, 'clean-call.ulaw'));
    const t = tempDir();
    const results: TranscriptResult[] = [];
    try {
      const factory = createSpeechAnalyzerFactory(analysisSchema.parse({ maxPendingMs: 60_000 }), { workDir: t.dir });
      const analyzer = factory.open(
        { tenant: 't', conversationId: 'c', channels: ['customer', 'agent'], language: 'en-US', phrases: {}, transcripts: true },
        { phrase: () => undefined, transcript: (r) => results.push(r) },
      );
      for (let o = 0; o < audio.length; o += FRAME) analyzer?.audio(audio.subarray(o, o + FRAME), 60_000 + o / 16);
      await analyzer?.end();
    } finally {
      t.cleanup();
    }
    const utterances = truth.calls.find((c) => c.name === 'clean-call') as unknown as { utterances: { party: string; startMs: number; endMs: number }[] };
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r).toMatchObject({ final: true, language: 'en-US' });
      // Each result lies within (around) an utterance of its party: offsets are on the stream timeline (60 s in).
      const near = utterances.utterances.some((u) => u.party === r.party && r.startMs >= 60_000 + u.startMs - 300 && r.endMs <= 60_000 + u.endMs + 300);
      expect(near, JSON.stringify(r)).toBe(true);
    }
  }, 60_000);
});
