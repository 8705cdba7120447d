import { describe, expect, it } from 'vitest';
import { ulawDecode } from '../../../src/audio/index.js';
import { SpeechEngineUnavailableError, createEspeakTts } from '../../../src/voicebot/speech/index.js';
import { HAVE_ESPEAK, childProcesses, espeakWav, warnSkip, wavSamples } from './helpers.js';

warnSkip('espeak-ng', HAVE_ESPEAK);

const base = { engine: 'espeak-ng' as const, voice: 'en-us', wordsPerMinute: 165 };

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of it) out.push(c);
  return out;
}

function rmsDb(samples: Int16Array): number {
  let s = 0;
  for (const v of samples) s += v * v;
  return 20 * Math.log10(Math.sqrt(s / samples.length) / 32768);
}

const LONG = Array.from({ length: 60 }, (_, i) => `This is sentence number ${i + 1} of a long prompt.`).join(' ');

describe.skipIf(!HAVE_ESPEAK)('espeak-ng TTS', () => {
  it('yields 8 kHz µ-law as long as espeak-ng’s own WAV × 8000/22050, and not silence', async () => {
    const text = 'Your balance is forty two dollars and seventeen cents.';
    const reference = wavSamples(espeakWav(text));
    expect(reference.rate).toBe(22050);
    const chunks = await collect(createEspeakTts(base).synthesize(text));
    const audio = Buffer.concat(chunks);
    const expected = (reference.samples.length * 8000) / 22050;
    expect(Math.abs(audio.length - expected)).toBeLessThan(8); // ≤ 1 ms
    expect(rmsDb(ulawDecode(audio))).toBeGreaterThan(-35);
  });

  it('treats text that looks like an option as text (it goes in on stdin)', async () => {
    const audio = Buffer.concat(await collect(createEspeakTts(base).synthesize('--version')));
    expect(audio.length).toBeGreaterThan(4000);
  });

  it('stops the program when the signal aborts: the stream ends early and no espeak-ng process is left', async () => {
    const tts = createEspeakTts(base);
    const ac = new AbortController();
    let bytes = 0;
    for await (const chunk of tts.synthesize(LONG, { signal: ac.signal })) {
      bytes += chunk.length;
      expect(childProcesses('espeak-ng')).toHaveLength(1);
      ac.abort();
    }
    expect(bytes).toBeLessThan(8000 * 30); // the whole prompt is minutes long
    expect(childProcesses('espeak-ng')).toEqual([]);
    expect(tts.stats().running).toBe(0);
  });

  it('stops the program when the consumer stops reading', async () => {
    const tts = createEspeakTts(base);
    for await (const chunk of tts.synthesize(LONG)) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    expect(childProcesses('espeak-ng')).toEqual([]);
  });

  it('serves a repeated prompt from its cache without running the program again', async () => {
    const tts = createEspeakTts(base);
    const first = Buffer.concat(await collect(tts.synthesize('Please hold.')));
    const second = Buffer.concat(await collect(tts.synthesize('Please hold.')));
    expect(second.equals(first)).toBe(true);
    expect(tts.stats()).toMatchObject({ spawned: 1, cacheHits: 1, cacheBytes: first.length });
    await collect(tts.synthesize('Please hold.', { voice: 'en-gb' }));
    expect(tts.stats().spawned).toBe(2);
  });

  it('keeps the cache within its byte bound, evicting the least recently used prompt', async () => {
    const tts = createEspeakTts({ ...base, cacheBytes: 20_000 });
    const a = Buffer.concat(await collect(tts.synthesize('One moment please.')));
    await collect(tts.synthesize('Thank you for calling.'));
    expect(tts.stats().cacheBytes).toBeLessThanOrEqual(20_000);
    expect(a.length).toBeLessThan(20_000);
    await collect(tts.synthesize('Goodbye and have a nice day.'));
    expect(tts.stats().cacheBytes).toBeLessThanOrEqual(20_000);
    await collect(tts.synthesize('One moment please.'));
    expect(tts.stats()).toMatchObject({ spawned: 4, cacheHits: 0 });
  });

  it('runs at most maxConcurrent programs; the rest wait for a slot', async () => {
    const tts = createEspeakTts({ ...base, maxConcurrent: 1 });
    const a = tts.synthesize(LONG)[Symbol.asyncIterator]();
    const b = tts.synthesize('Hello there.')[Symbol.asyncIterator]();
    await a.next();
    const bNext = b.next();
    await Promise.resolve();
    expect(tts.stats()).toMatchObject({ running: 1, queued: 1 });
    expect(childProcesses('espeak-ng')).toHaveLength(1);
    await a.return?.(undefined);
    expect((await bNext).done).toBe(false);
    await b.return?.(undefined);
    expect(tts.stats()).toMatchObject({ running: 0, queued: 0 });
  });
});

describe('espeak-ng TTS without the program', () => {
  it('fails with SpeechEngineUnavailableError naming the Debian package', async () => {
    const tts = createEspeakTts({ ...base, program: '/nonexistent/espeak-ng' });
    const err = await collect(tts.synthesize('hello')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpeechEngineUnavailableError);
    expect(String((err as Error).message)).toMatch(/install the Debian package espeak-ng/);
    expect(tts.stats().running).toBe(0);
  });

  it('rejects a malformed voice and over-long text, naming the field', async () => {
    const tts = createEspeakTts({ ...base, maxTextChars: 10 });
    await expect(collect(tts.synthesize('hi', { voice: 'en us; rm' }))).rejects.toThrow(/voice/);
    await expect(collect(tts.synthesize('x'.repeat(11)))).rejects.toThrow(/text is 11 characters/);
  });
});
