import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ULAW_SILENCE } from '../../../src/audio/index.js';
import { SpeechEngineUnavailableError, createPocketsphinxAsr, type AsrEvent, type PocketsphinxAsrStream } from '../../../src/voicebot/speech/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { HAVE_ESPEAK, HAVE_POCKETSPHINX, POCKETSPHINX_MODEL, childProcesses, spokenUlaw, warnSkip } from './helpers.js';

warnSkip('espeak-ng', HAVE_ESPEAK);
warnSkip('pocketsphinx (pocketsphinx_continuous + pocketsphinx-en-us)', HAVE_POCKETSPHINX);

const silence = (ms: number): Uint8Array => new Uint8Array(ms * 8).fill(ULAW_SILENCE);

/** Listener that hands out events in order, waiting for the next when none is queued. */
class Events {
  private readonly queue: AsrEvent[] = [];
  private waiter: ((e: AsrEvent) => void) | undefined;
  readonly listener = (e: AsrEvent): void => {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(e);
    } else this.queue.push(e);
  };
  next(): Promise<AsrEvent> {
    const e = this.queue.shift();
    return e ? Promise.resolve(e) : new Promise((resolve) => (this.waiter = resolve));
  }
  get pending(): readonly AsrEvent[] {
    return this.queue;
  }
}

/** As the bridge sends it: 20 ms frames. */
function sendFrames(stream: PocketsphinxAsrStream, audio: Uint8Array): void {
  for (let o = 0; o < audio.length; o += 160) stream.send(audio.subarray(o, o + 160));
}

const PHRASES = ['check my balance', 'talk to an agent', 'opening hours', 'goodbye'];
const HAVE_BOTH = HAVE_ESPEAK && HAVE_POCKETSPHINX;

describe.skipIf(!HAVE_BOTH)('pocketsphinx ASR', () => {
  it('keyword mode: recognizes each bot phrase spoken by espeak-ng (8 kHz µ-law) exactly, one final per endUtterance', async () => {
    const events = new Events();
    const stream = await createPocketsphinxAsr({ mode: 'auto' }).connect({ phrases: PHRASES, listener: events.listener });
    expect(stream.search).toBe('grammar');
    try {
      for (const phrase of ['opening hours', 'check my balance', 'goodbye', 'talk to an agent']) {
        sendFrames(stream, Buffer.concat([silence(300), spokenUlaw(phrase)]));
        stream.endUtterance();
        expect(await events.next()).toMatchObject({ type: 'final', text: phrase });
      }
    } finally {
      await stream.close();
    }
    expect(events.pending).toEqual([]);
    expect(stream.droppedBytes).toBe(0);
  });

  it('reports where the utterance was in caller time, with the silence endUtterance inserted taken out', async () => {
    const events = new Events();
    const stream = await createPocketsphinxAsr().connect({ phrases: PHRASES, listener: events.listener });
    try {
      const first = spokenUlaw('goodbye');
      sendFrames(stream, Buffer.concat([silence(500), first]));
      stream.endUtterance();
      await events.next();
      sendFrames(stream, Buffer.concat([silence(1000), spokenUlaw('opening hours')]));
      stream.endUtterance();
      const e = await events.next();
      const truthStart = 500 + first.length / 8 + 1000;
      expect(e).toMatchObject({ type: 'final', text: 'opening hours' });
      if (e.type !== 'final') throw new Error('expected a final');
      expect(Math.abs((e.startMs ?? -1e9) - truthStart)).toBeLessThan(250);
    } finally {
      await stream.close();
    }
  });

  it('continuous mode (language model) gets over half the words of two sentences', async () => {
    // pocketsphinx's wideband model on espeak-ng's voice through 8 kHz µ-law is weak: these two
    // come out at 3/6 and 4/6 words; other sentences fare worse (see the report / docs).
    const sentences: Array<[string, number]> = [
      ['i need help with my order', 150],
      ['what time do you open today', 175],
    ];
    let hits = 0;
    let total = 0;
    for (const [sentence, wpm] of sentences) {
      const events = new Events();
      const stream = await createPocketsphinxAsr({ mode: 'continuous' }).connect({ phrases: PHRASES, listener: events.listener });
      expect(stream.search).toBe('lm');
      try {
        sendFrames(stream, Buffer.concat([silence(300), spokenUlaw(sentence, wpm)]));
        stream.endUtterance();
        const e = await events.next();
        if (e.type !== 'final') throw new Error(`expected a final, got ${e.type}`);
        const heard = new Set(e.text.split(' '));
        hits += sentence.split(' ').filter((w) => heard.has(w)).length;
        total += sentence.split(' ').length;
      } finally {
        await stream.close();
      }
    }
    expect(hits / total).toBeGreaterThan(0.5);
  });

  it('drops phrase words the dictionary lacks (logged once); with nothing left it recognizes continuously', async () => {
    const warn = vi.fn();
    const engine = createPocketsphinxAsr({ mode: 'keyword', logger: { warn } as never });
    const a = await engine.connect({ phrases: ['zzqxv', 'qqxzw blorptz'], listener: () => undefined });
    expect(a.search).toBe('lm');
    await a.close();
    const events = new Events();
    const b = await engine.connect({ phrases: ['goodbye zzqxv', 'opening hours'], listener: events.listener });
    expect(b.search).toBe('grammar');
    try {
      sendFrames(b, Buffer.concat([silence(300), spokenUlaw('goodbye')]));
      b.endUtterance();
      expect(await events.next()).toMatchObject({ type: 'final', text: 'goodbye' });
    } finally {
      await b.close();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ words: ['zzqxv', 'qqxzw', 'blorptz'] });
  });

  it('abort kills the program at once: no final, no process left', async () => {
    const events = new Events();
    const ac = new AbortController();
    const t = tempDir();
    const stream = await createPocketsphinxAsr({ workDir: t.dir }).connect({ phrases: PHRASES, listener: events.listener, signal: ac.signal });
    sendFrames(stream, Buffer.concat([silence(300), spokenUlaw('goodbye')]));
    expect(childProcesses('pocketsphinx')).toHaveLength(1);
    ac.abort();
    // Gone without close() (which would end it anyway, by EOF): wait for the OS to show it.
    while (childProcesses('pocketsphinx').length > 0) await new Promise((r) => setTimeout(r, 20));
    try {
      // Its grammar and FIFO go with it, even without close().
      while (readdirSync(t.dir).some((f) => f.startsWith('hookline-grammar-') || f.startsWith('hookline-audio-'))) await new Promise((r) => setTimeout(r, 20));
      await stream.close();
      expect(events.pending).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});

describe('pocketsphinx ASR failures', () => {
  it.skipIf(!HAVE_POCKETSPHINX)('a program that cannot start gives an error event naming the Debian packages, and close() returns', async () => {
    const events = new Events();
    const stream = await createPocketsphinxAsr({ program: '/nonexistent/pocketsphinx_continuous' }).connect({ listener: events.listener });
    const e = await events.next();
    expect(e.type).toBe('error');
    if (e.type !== 'error') return;
    expect(e.error).toBeInstanceOf(SpeechEngineUnavailableError);
    expect(e.error.message).toMatch(/install the Debian packages pocketsphinx and pocketsphinx-en-us/);
    stream.send(silence(100));
    await stream.close();
    expect(stream.droppedBytes).toBe(800);
  });

  it.skipIf(!HAVE_POCKETSPHINX)('a program that dies mid-stream gives one error event with its exit code', async () => {
    const t = tempDir();
    try {
      const program = join(t.dir, 'dies.sh');
      writeFileSync(program, '#!/bin/sh\necho "bad model" >&2\nexit 3\n');
      chmodSync(program, 0o755);
      const events = new Events();
      const stream = await createPocketsphinxAsr({ program, workDir: t.dir }).connect({ listener: events.listener });
      const e = await events.next();
      expect(e).toMatchObject({ type: 'error', error: { name: 'SpeechEngineError' } });
      if (e.type === 'error') expect(e.error.message).toMatch(/exit code 3.*bad model/s);
      await stream.close();
      expect(events.pending).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it('a missing model gives an error event naming the Debian packages', async () => {
    const t = tempDir();
    try {
      const events = new Events();
      const stream = await createPocketsphinxAsr({ modelDir: t.dir, workDir: t.dir }).connect({ listener: events.listener });
      const e = await events.next();
      expect(e).toMatchObject({ type: 'error', error: { name: 'SpeechEngineUnavailableError' } });
      await stream.close();
    } finally {
      t.cleanup();
    }
  });

  it.skipIf(!HAVE_POCKETSPHINX)('a program that stops reading makes send() drop and count, not buffer; close() still returns (kill after the timeout)', async () => {
    const t = tempDir();
    try {
      const program = join(t.dir, 'stalls.sh');
      writeFileSync(program, '#!/bin/sh\nexec sleep 600\n');
      chmodSync(program, 0o755);
      const stream = await createPocketsphinxAsr({ program, workDir: t.dir, modelDir: POCKETSPHINX_MODEL, maxPendingBytes: 32_000, closeTimeoutMs: 200 }).connect({ listener: () => undefined });
      const minute = silence(60_000);
      sendFrames(stream, minute);
      // The FIFO holds 64 KiB (2 s of 16 kHz PCM), we queue 32,000 bytes (1 s) more: the rest is dropped.
      expect(stream.droppedBytes).toBeGreaterThan(minute.length / 2);
      await stream.close();
      expect(childProcesses('sleep')).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});
