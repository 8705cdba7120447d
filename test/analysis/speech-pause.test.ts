/** The fast pause signal and the recognizer ending the engine's utterance on it (docs/guidance.md "Latency"). */
import { describe, expect, it } from 'vitest';
import { ulawEncode } from '../../src/audio/index.js';
import { PauseDetector } from '../../src/analysis/speech/pause.js';
import { ChannelRecognizer, type ChannelEngine } from '../../src/analysis/speech/recognizer.js';
import type { AsrStream } from '../../src/voicebot/index.js';

/** `ms` of one channel's µ-law: a 440 Hz tone at about -20 dBFS (loud) or digital silence. */
function audio(ms: number, loud: boolean): Uint8Array {
  const pcm = new Int16Array(ms * 8);
  if (loud) for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return ulawEncode(pcm);
}

/** Pushes `parts` in 20 ms frames; the call time (ms) of each pause reported. */
function pausesIn(d: PauseDetector, parts: [number, boolean][]): number[] {
  const at: number[] = [];
  let t = 0;
  for (const [ms, loud] of parts) {
    const a = audio(ms, loud);
    for (let o = 0; o < a.length; o += 160) {
      t += 20;
      for (const off of d.push(a.subarray(o, o + 160))) at.push(t - 20 + off / 8);
    }
  }
  return at;
}

describe('pause detector', () => {
  it('reports a pause once, `pauseMs` after speech stops, and again after the next speech', () => {
    const d = new PauseDetector({ pauseMs: 150 });
    expect(pausesIn(d, [[1000, true], [400, false], [600, true], [1000, false]])).toEqual([1150, 2150]);
  });

  it('does not report shorter quiet inside speech, nor quiet without speech before it', () => {
    const d = new PauseDetector({ pauseMs: 150 });
    expect(pausesIn(d, [[500, false], [500, true], [140, false], [500, true], [100, false]])).toEqual([]);
  });

  it('does not take a click (shorter than the onset) for speech', () => {
    const d = new PauseDetector({ pauseMs: 150 });
    expect(pausesIn(d, [[20, true], [1000, false]])).toEqual([]);
  });

  it('finds windows across frames of any size', () => {
    const d = new PauseDetector({ pauseMs: 150 });
    const a = new Uint8Array([...audio(300, true), ...audio(300, false)]);
    const seen: number[] = [];
    for (let o = 0; o < a.length; o += 37) for (const off of d.push(a.subarray(o, o + 37))) seen.push(o + off);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(450 * 8);
  });

  it('rejects a pause outside 10..10000 ms', () => {
    expect(() => new PauseDetector({ pauseMs: 0 })).toThrow(RangeError);
  });
});

describe('the recognizer ends the engine utterance at a pause', () => {
  async function run(endOnPauseMs: number | undefined): Promise<number[]> {
    const ends: number[] = [];
    let fed = 0;
    const stream: AsrStream = { send: (a) => void (fed += a.length / 8), endUtterance: () => void ends.push(fed), close: async () => undefined };
    const ce: ChannelEngine = { engine: { name: 'fake', connect: async () => stream }, dropped: () => 0, clockIncludesDrops: true, endOnPauseMs };
    const r = new ChannelRecognizer(ce, { party: 'customer', phrases: ['cancel my contract'], transcripts: false, out: { phrase: () => undefined, transcript: () => undefined }, maxPendingBytes: 1e6, onDrop: () => undefined });
    await Promise.resolve();
    await Promise.resolve();
    let pos = 0;
    for (const [ms, loud] of [[1000, true], [500, false], [800, true], [500, false]] as const) {
      const a = audio(ms, loud);
      for (let o = 0; o < a.length; o += 160, pos += 20) r.audio(a.subarray(o, o + 160), pos);
    }
    await r.end();
    return ends;
  }

  it('after `endOnPauseMs` of quiet following speech, once per pause, exactly where it was declared (ms of audio fed then)', async () => {
    expect(await run(150)).toEqual([1150, 2450]);
  });

  it('never without endOnPauseMs (the engine endpoints itself)', async () => {
    expect(await run(undefined)).toEqual([]);
  });
});
