import { describe, expect, it } from 'vitest';
import { ULAW_SILENCE, ulawDecode, ulawEncode } from '../../../src/audio/index.js';
import { EnergyVad, type VadEvent } from '../../../src/voicebot/speech/index.js';
import { HAVE_ESPEAK, spokenUlaw, warnSkip } from './helpers.js';

warnSkip('espeak-ng', HAVE_ESPEAK);

const silence = (ms: number): Uint8Array => new Uint8Array(ms * 8).fill(ULAW_SILENCE);

/** Deterministic white noise of a given RMS (xorshift32), as µ-law. */
function noise(ms: number, rms: number, seed = 12345): Uint8Array {
  let s = seed;
  const pcm = new Int16Array(ms * 8);
  for (let i = 0; i < pcm.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    pcm[i] = Math.round(((s >>> 0) / 2 ** 32 - 0.5) * rms * Math.sqrt(12));
  }
  return ulawEncode(pcm);
}

function mix(a: Uint8Array, b: Uint8Array): Uint8Array {
  const x = ulawDecode(a);
  const y = ulawDecode(b);
  return ulawEncode(x.map((v, i) => Math.max(-32768, Math.min(32767, v + (y[i] ?? 0)))));
}

/** Where the phrase really sounds: first and last sample above 1% of full scale, in ms. */
function soundingSpan(ulaw: Uint8Array): { from: number; to: number } {
  const pcm = ulawDecode(ulaw);
  const loud = (v: number): boolean => Math.abs(v) > 328;
  const first = pcm.findIndex(loud);
  const last = pcm.length - 1 - [...pcm].reverse().findIndex(loud);
  return { from: first / 8, to: (last + 1) / 8 };
}

function run(vad: EnergyVad, audio: Uint8Array, chunk = 160): VadEvent[] {
  const events: VadEvent[] = [];
  for (let o = 0; o < audio.length; o += chunk) events.push(...vad.push(audio.subarray(o, o + chunk)));
  return events;
}

describe('EnergyVad', () => {
  it('hears nothing in digital silence', () => {
    expect(run(new EnergyVad(), silence(10_000))).toEqual([]);
  });

  it('hears nothing in a steady noise floor above its absolute minimum (the floor adapts)', () => {
    // -44 dBFS: louder than minLevelDb (-50), so only the adaptive floor keeps this quiet.
    expect(run(new EnergyVad(), noise(10_000, 200))).toEqual([]);
  });

  it('rejects options that are not positive, naming them', () => {
    expect(() => new EnergyVad({ hangoverMs: 0 })).toThrow(/hangoverMs/);
  });

  describe.skipIf(!HAVE_ESPEAK)('on espeak-ng speech', () => {
    const phrase = HAVE_ESPEAK ? spokenUlaw('I would like to check my balance please') : new Uint8Array(0);
    const truth = soundingSpan(phrase);

    it('finds the speech span of 1 s silence + phrase + 1 s silence within ±100 ms', () => {
      const audio = Buffer.concat([silence(1000), phrase, silence(1000)]);
      const events = run(new EnergyVad(), audio);
      expect(events.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
      expect(Math.abs((events[0] as VadEvent).atMs - (1000 + truth.from))).toBeLessThanOrEqual(100);
      expect(Math.abs((events[1] as VadEvent).atMs - (1000 + truth.to))).toBeLessThanOrEqual(100);
    });

    it('finds it over a steady noise floor too, whatever the chunk sizes', () => {
      const clean = Buffer.concat([silence(1000), phrase, silence(1000)]);
      // -50 dBFS of noise (about 30 dB below the speech): the phrase's faint tail stays audible.
      const audio = mix(clean, noise(clean.length / 8, 100));
      const a = run(new EnergyVad(), audio, 160);
      const b = run(new EnergyVad(), audio, 37);
      expect(b).toEqual(a);
      expect(a.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
      expect(Math.abs((a[0] as VadEvent).atMs - (1000 + truth.from))).toBeLessThanOrEqual(100);
      expect(Math.abs((a[1] as VadEvent).atMs - (1000 + truth.to))).toBeLessThanOrEqual(100);
    });

    it('ends speech only after hangoverMs of quiet (a shorter pause keeps the utterance open)', () => {
      const trimmed = phrase.subarray(Math.floor(truth.from * 8), Math.ceil(truth.to * 8));
      const audio = Buffer.concat([silence(500), trimmed, silence(300), trimmed, silence(1000)]);
      expect(run(new EnergyVad({ hangoverMs: 600 }), audio).map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
      expect(run(new EnergyVad({ hangoverMs: 200 }), audio).map((e) => e.type)).toEqual(['speech-start', 'speech-end', 'speech-start', 'speech-end']);
    });
  });

  it('needs minSpeechMs of sound to start: a 50 ms click is not speech', () => {
    const click = noise(50, 8000);
    expect(run(new EnergyVad({ minSpeechMs: 100 }), Buffer.concat([silence(500), click, silence(1000)]))).toEqual([]);
    const events = run(new EnergyVad({ minSpeechMs: 40 }), Buffer.concat([silence(500), click, silence(1000)]));
    expect(events.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
    expect(events[0]?.atMs).toBe(500);
  });
});
