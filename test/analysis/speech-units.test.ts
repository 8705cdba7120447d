/** The pure parts of speech analysis: timeline mapping, phrase matching, transcript entities, and the config section. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisSchema } from '../../src/analysis/config.js';
import { phraseMatcher } from '../../src/analysis/speech/phrases.js';
import { EngineTimeline, isoDuration, transcriptEntity } from '../../src/analysis/speech/index.js';
import { channelOf } from '../../src/analysis/speech/channels.js';
import { loadConfig } from '../../src/app/config.js';
import { ConfigError } from '../../src/platform/config/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('engine time → stream timeline', () => {
  it('is the identity for audio fed from position 0 without gaps', () => {
    const t = new EngineTimeline();
    for (let p = 0; p < 1000; p += 20) t.fed(p, 20, true);
    expect(t.toStream(0)).toBe(0);
    expect(t.toStream(730)).toBe(730);
  });

  it('shifts engine times after a gap in the stream (pause, discard) by the gap', () => {
    const t = new EngineTimeline();
    for (let p = 5000; p < 6000; p += 20) t.fed(p, 20, true); // engine 0..1000 = stream 5000..6000
    for (let p = 9000; p < 10_000; p += 20) t.fed(p, 20, true); // engine 1000..2000 = stream 9000..10000
    expect(t.toStream(500)).toBe(5500);
    expect(t.toStream(1000)).toBe(9000);
    expect(t.toStream(1500)).toBe(9500);
    expect(t.fedMs).toBe(2000);
  });

  it('audio the engine never saw does not move its clock', () => {
    const t = new EngineTimeline();
    t.fed(0, 1000, true);
    t.fed(1000, 500, false); // dropped
    t.fed(1500, 500, true);
    expect(t.toStream(1200)).toBe(1700);
  });
});

describe('phrase matching on recognized text', () => {
  it('matches the configured phrases whose words occur adjacent and in order, whatever the case and punctuation', () => {
    const m = phraseMatcher(['Cancel my contract', 'speak to a manager', "don't"]);
    expect(m.match('i want to CANCEL my contract, today')).toEqual(['Cancel my contract']);
    expect(m.match('cancel the contract of my brother')).toEqual([]);
    expect(m.match('i dont know')).toEqual([]);
    expect(m.match("i don't, and speak to a manager")).toEqual(['speak to a manager', "don't"]);
  });
});

describe('channels', () => {
  it('takes one channel of interleaved µ-law', () => {
    expect([...channelOf(Uint8Array.from([1, 2, 3, 4, 5, 6]), 1, 2)]).toEqual([2, 4, 6]);
    expect([...channelOf(Uint8Array.from([1, 2, 3]), 0, 1)]).toEqual([1, 2, 3]);
  });
});

describe('transcript entity (Transcription Connector)', () => {
  const result = { party: 'agent' as const, text: 'how can I help', final: true, startMs: 61_005, endMs: 62_500, confidence: 0.8 };

  it('puts offset and duration on the stream timeline as ISO-8601 durations, with the party’s channel index', () => {
    expect(transcriptEntity(result, { id: 'e1', channels: ['customer', 'agent'], language: 'en-US' })).toEqual({
      type: 'transcript',
      data: {
        id: 'e1',
        channelId: 1,
        isFinal: true,
        offset: 'PT61.005S',
        duration: 'PT1.495S',
        alternatives: [{ confidence: 0.8, languages: ['en-US'], interpretations: [{ type: 'display', transcript: 'how can I help', tokens: [] }] }],
      },
    });
  });

  it('indexes into the selected channels (a mono agent session is channel 0), and skips a party the session lacks', () => {
    expect((transcriptEntity(result, { id: 'e1', channels: ['agent'] })?.data as { channelId: number }).channelId).toBe(0);
    expect(transcriptEntity(result, { id: 'e1', channels: ['customer'] })).toBeUndefined();
  });

  it('prefers the result’s language, clamps the confidence and formats whole seconds without decimals', () => {
    const e = transcriptEntity({ ...result, startMs: 2000, endMs: 3000, confidence: 1.7, language: 'de-DE' }, { id: 'e', channels: ['customer', 'agent'], language: 'en-US' });
    expect(e?.data).toMatchObject({ offset: 'PT2S', duration: 'PT1S', alternatives: [{ confidence: 1, languages: ['de-DE'] }] });
    expect(isoDuration(27_320)).toBe('PT27.32S');
  });
});

describe('analysis config section', () => {
  function problems(yaml: string): string[] {
    const t = tempDir();
    try {
      const file = join(t.dir, 'hookline.yaml');
      writeFileSync(file, yaml);
      loadConfig({ file, env: {} });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    } finally {
      t.cleanup();
    }
    throw new Error('expected a ConfigError');
  }

  it('defaults to pocketsphinx keyword spotting with the measured thresholds and pause', () => {
    const c = loadConfig({ env: {} });
    expect(c.analysis.speech).toEqual({ engine: 'pocketsphinx', kws: { plp: 1e-8, threshold: 1e-15, thresholds: {}, endOnPauseMs: 150 } });
    expect(c.analysis.maxPendingMs).toBe(4000);
    expect(c.analysis.postCall).toEqual({ enabled: true, concurrency: 2, maxAttempts: 8, retryBaseMs: 5000, retryMaxMs: 900_000, maxRecordingBytes: 256 * 1024 * 1024, speechSpeed: 8, speechMaxPendingMs: 120_000 });
  });

  it('takes a websocket engine with its URL, secret, header and format', () => {
    const c = analysisSchema.parse({ speech: { engine: 'websocket', url: 'wss://asr.example/v1/listen', secret: 's3cret', authScheme: 'Bearer', encoding: 'linear16' } });
    expect(c.speech).toEqual({ engine: 'websocket', url: 'wss://asr.example/v1/listen', secret: 's3cret', authHeader: 'Authorization', authScheme: 'Bearer', encoding: 'linear16', endpointingMs: 400 });
  });

  it('takes the secret from the environment', () => {
    const c = loadConfig({ env: { HOOKLINE_ANALYSIS__SPEECH__ENGINE: 'websocket', HOOKLINE_ANALYSIS__SPEECH__URL: 'wss://asr.example/v1/listen', HOOKLINE_ANALYSIS__SPEECH__SECRET: 'from-env' } });
    expect(c.analysis.speech).toMatchObject({ engine: 'websocket', secret: 'from-env' });
  });

  it('names the key and why when it is wrong', () => {
    const ws = problems('analysis:\n  speech:\n    engine: websocket\n    url: https://asr.example\n    secret: x\n    secrett: y\n');
    expect(ws).toContainEqual(expect.stringMatching(/^analysis\.speech\.url: must be a ws:\/\/ or wss:\/\/ URL/));
    expect(ws).toContainEqual(expect.stringMatching(/^analysis\.speech: unknown key\(s\) "secrett"/));
    // Problems name keys and say why; they never echo a secret's value.
    expect(ws.join('\n')).not.toContain('secret: x');
    const p = problems('analysis:\n  speech:\n    engine: pocketsphinx\n    kws:\n      threshold: 2\n      plpp: 1\n').join('\n');
    expect(p).toMatch(/analysis\.speech\.kws\.threshold.*at most 1/);
    expect(p).toMatch(/analysis\.speech\.kws.*unknown key\(s\) "plpp"/);
    expect(problems('analysis:\n  speech:\n    engine: vosk\n').join('\n')).toMatch(/analysis\.speech\.engine/);
    expect(problems('analysis:\n  speech:\n    engine: websocket\n    url: wss://a.example\n').join('\n')).toMatch(/analysis\.speech\.secret/);
  });
});
