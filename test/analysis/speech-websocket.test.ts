/**
 * The external streaming engine (Deepgram's live API over WebSocket) behind
 * the speech analyzer, against a local fake server: the configured URL, auth
 * header and audio format are used, partial and final transcripts come back
 * per party on the stream timeline, a rule phrase in a final's text is a hit,
 * and the secret never shows in what is logged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toneUlaw, ULAW_SILENCE } from '../../src/audio/index.js';
import { analysisSchema } from '../../src/analysis/config.js';
import { createSpeechAnalyzerFactory } from '../../src/analysis/speech/index.js';
import type { PhraseHit, SpeechAnalyzer, TranscriptResult } from '../../src/analysis/index.js';
import { startFakeDeepgram } from '../helpers/fake-deepgram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { until } from '../helpers/until.js';

const SECRET = 'ws-secret-0123456789abcdef';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Stereo µ-law: the customer (channel 0) speaks `speechMs` of tone then is silent `silenceMs`; the agent is silent. */
function stereo(speechMs: number, silenceMs: number): Uint8Array {
  const mono = Buffer.concat([toneUlaw([440], speechMs / 1000), new Uint8Array(silenceMs * 8).fill(ULAW_SILENCE)]);
  const out = new Uint8Array(mono.length * 2).fill(ULAW_SILENCE);
  for (let i = 0; i < mono.length; i++) out[i * 2] = mono[i] as number;
  return out;
}

/** 20 ms frames from stream position `atMs`. */
function feed(a: SpeechAnalyzer, audio: Uint8Array, atMs: number): void {
  for (let o = 0; o < audio.length; o += 320) a.audio(audio.subarray(o, o + 320), atMs + o / 16);
}

async function setup(speech: Record<string, unknown>, script: string[][], auth?: { header: string; value: string }) {
  const server = await startFakeDeepgram({ apiKey: SECRET, script, ...(auth ? { auth } : {}) });
  cleanups.push(() => server.close());
  const logs = captureLogs();
  const config = analysisSchema.parse({ speech: { engine: 'websocket', url: server.url, secret: SECRET, endpointingMs: 300, ...speech } });
  const hits: PhraseHit[] = [];
  const transcripts: TranscriptResult[] = [];
  const analyzer = createSpeechAnalyzerFactory(config, { logger: logs.logger }).open(
    { tenant: 't1', conversationId: 'c1', channels: ['customer', 'agent'], language: 'en-US', phrases: { customer: ['Cancel my contract'] }, transcripts: true },
    { phrase: (h) => hits.push(h), transcript: (r) => transcripts.push(r) },
  );
  if (!analyzer) throw new Error('expected an analyzer');
  cleanups.push(() => analyzer.end());
  return { server, analyzer, hits, transcripts, logs };
}

describe('external streaming engine (WebSocket)', () => {
  it('streams each party on its own connection and reports partials, a final on the stream timeline, and the phrase hit', async () => {
    const { server, analyzer, hits, transcripts } = await setup({}, [['i want to cancel', 'my contract today']]);
    // The stream timeline is at 12 s when this call's audio starts (e.g. after a pause).
    feed(analyzer, stereo(600, 400), 12_000);
    await until(() => transcripts.some((t) => t.final), 5000, 'final transcript');
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0]?.auth).toBe(`Token ${SECRET}`);
    expect(server.connections[0]?.query.get('encoding')).toBe('mulaw');
    const final = transcripts.find((t) => t.final) as TranscriptResult;
    expect(final).toMatchObject({ party: 'customer', text: 'i want to cancel my contract today', final: true, confidence: 0.9, language: 'en-US' });
    // The fake hears speech from its first 20 ms window to the end of the tone plus its endpointing.
    expect(final.startMs).toBe(12_000);
    expect(final.endMs).toBeGreaterThanOrEqual(12_600);
    expect(final.endMs).toBeLessThanOrEqual(12_960);
    const partials = transcripts.filter((t) => !t.final);
    expect(partials.length).toBeGreaterThan(0);
    expect(partials.every((p) => p.party === 'customer' && p.startMs >= 12_000 && p.endMs >= p.startMs)).toBe(true);
    expect(hits).toEqual([{ party: 'customer', phrase: 'Cancel my contract', text: 'i want to cancel my contract today', startMs: final.startMs, endMs: final.endMs, confidence: 0.9 }]);
  });

  it('uses the configured auth header, scheme and linear16 audio', async () => {
    const { server, analyzer, transcripts } = await setup({ authHeader: 'X-Api-Key', authScheme: '', encoding: 'linear16' }, [['hello']], { header: 'x-api-key', value: SECRET });
    feed(analyzer, stereo(600, 400), 0);
    await until(() => transcripts.some((t) => t.final), 5000, 'final transcript');
    expect(server.connections[0]?.query.get('encoding')).toBe('linear16');
    expect(server.connections[0]?.audioBytes).toBe(1000 * 8 * 2);
    expect(transcripts.find((t) => t.final)).toMatchObject({ text: 'hello', startMs: 0 });
  });

  it('a refused connection is logged without the secret, and the call carries on', async () => {
    const { analyzer, transcripts, logs } = await setup({ authHeader: 'X-Api-Key' }, [['hello']]);
    feed(analyzer, stereo(600, 400), 0);
    await until(() => logs.text().includes('speech analysis: the engine failed'), 5000, 'failure logged');
    await analyzer.end();
    expect(transcripts).toEqual([]);
    expect(logs.text()).toContain('401');
    expect(logs.text()).not.toContain(SECRET);
  });
});
