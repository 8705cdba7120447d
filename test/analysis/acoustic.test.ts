import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AcousticOptionsError,
  analyzeRecording,
  createAcousticAnalysis,
  type AcousticMetrics,
  type ActivityWindow,
  type Party,
  type PartyMetrics,
} from '../../src/analysis/index.js';
import { ulawEncode } from '../../src/audio/index.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'analysis');
const CHANNELS: readonly Party[] = ['customer', 'agent'];
const PARTIES = ['customer', 'agent'] as const;
/** The tolerance for talk, silence and overtalk against ground truth. */
const TOLERANCE_MS = 100;

interface Truth {
  name: string;
  durationMs: number;
  clippedSamples: Record<Party, number>;
  utterances: { party: Party; startMs: number; endMs: number; gainDb: number }[];
  truth: {
    talkMs: Record<Party, number>;
    silenceMs: number;
    longestSilenceMs: number;
    overtalkMs: number;
    interruptions: Record<Party, number>;
  };
}

const calls = (JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { calls: Truth[] }).calls;
const audio = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, `${name}.ulaw`)));
const party = (m: AcousticMetrics, p: Party): PartyMetrics => m.parties[p] as PartyMetrics;

/** Pushes the recording in frames of `frameMs`, as the live sink would. */
function live(ulaw: Uint8Array, frameMs: number, onWindow?: (w: ActivityWindow) => void): AcousticMetrics {
  const a = createAcousticAnalysis({ channels: CHANNELS, onWindow });
  const bytes = frameMs * 8 * CHANNELS.length;
  for (let at = 0; at < ulaw.length; at += bytes) a.push(ulaw.subarray(at, at + bytes), at / (8 * CHANNELS.length));
  return a.end();
}

/** Interleaved stereo µ-law from per-channel linear samples. */
function stereo(customer: Int16Array, agent: Int16Array): Uint8Array {
  const pcm = new Int16Array(customer.length * 2);
  for (let i = 0; i < customer.length; i++) {
    pcm[2 * i] = customer[i] as number;
    pcm[2 * i + 1] = agent[i] as number;
  }
  return ulawEncode(pcm);
}

/** A channel with a 200 Hz tone at `amplitude` over each [startMs, endMs) span, digital silence elsewhere. */
function tones(durationMs: number, spans: [number, number][], amplitude = 8000): Int16Array {
  const out = new Int16Array(durationMs * 8);
  for (const [s, e] of spans) for (let i = s * 8; i < e * 8; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 200 * i) / 8000));
  return out;
}

describe('acoustic analysis on the fixture calls (ground truth made offline)', () => {
  for (const call of calls) {
    describe(call.name, () => {
      const m = analyzeRecording(audio(call.name), CHANNELS);

      it(`talk per party, silence, longest silence and overtalk are within ${TOLERANCE_MS} ms of truth`, () => {
        for (const p of PARTIES) expect(Math.abs(party(m, p).talkMs - call.truth.talkMs[p]), p).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(Math.abs(m.silenceMs - call.truth.silenceMs)).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(Math.abs(m.longestSilenceMs - call.truth.longestSilenceMs)).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(Math.abs(m.overtalkMs - call.truth.overtalkMs)).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(m.durationMs).toBe(call.durationMs);
      });

      it('counts the interruptions and utterances of truth', () => {
        for (const p of PARTIES) {
          expect(party(m, p).interruptions, p).toBe(call.truth.interruptions[p]);
          expect(party(m, p).utterances, p).toBe(call.utterances.filter((u) => u.party === p).length);
        }
      });

      it('counts clipped samples close to truth (the top µ-law code also holds loud unclipped samples)', () => {
        for (const p of PARTIES) {
          const truth = call.clippedSamples[p];
          expect(Math.abs(party(m, p).clippedSamples - truth), p).toBeLessThanOrEqual(truth * 0.2 + 5);
        }
      });

      it('talk ratios add up to 1 and follow talk time; the speaking rate is a plausible syllable rate', () => {
        const c = party(m, 'customer');
        const a = party(m, 'agent');
        expect(c.talkRatio + a.talkRatio).toBeCloseTo(1, 9);
        expect(c.talkRatio).toBeCloseTo(c.talkMs / (c.talkMs + a.talkMs), 9);
        for (const p of PARTIES) {
          // espeak-ng at 160 words per minute: roughly 3 to 5 syllables a second.
          expect(party(m, p).syllablesPerSecond, p).toBeGreaterThan(2);
          expect(party(m, p).syllablesPerSecond, p).toBeLessThan(7);
        }
      });

      for (const frameMs of [20, 100]) {
        it(`live in ${frameMs} ms frames gives the same figures and windows as the whole recording`, () => {
          const whole: ActivityWindow[] = [];
          const pushed: ActivityWindow[] = [];
          const ulaw = audio(call.name);
          expect(live(ulaw, frameMs, (w) => pushed.push(w))).toEqual(analyzeRecording(ulaw, CHANNELS, (w) => whole.push(w)));
          expect(pushed).toEqual(whole);
        });
      }
    });
  }

  it("the customer's speech level rises with the gain in cancel-call (0, then +8 dB, then +12 dB)", () => {
    const call = calls.find((c) => c.name === 'cancel-call') as Truth;
    const ulaw = audio(call.name);
    const bytesPerMs = 8 * CHANNELS.length;
    const levelOf = (startMs: number, endMs: number): number => {
      const a = createAcousticAnalysis({ channels: CHANNELS });
      a.push(ulaw.subarray(startMs * bytesPerMs, endMs * bytesPerMs), startMs);
      return party(a.end(), 'customer').speechLevelDb;
    };
    const byGain = new Map<number, number>();
    for (const u of call.utterances.filter((x) => x.party === 'customer')) {
      if (!byGain.has(u.gainDb)) byGain.set(u.gainDb, levelOf(u.startMs, u.endMs));
    }
    const [plain, plus8, plus12] = [0, 8, 12].map((g) => byGain.get(g) as number);
    expect(plus8).toBeGreaterThan((plain as number) + 4);
    // +12 dB clips (572 samples in truth), which eats part of the last 4 dB.
    expect(plus12).toBeGreaterThan((plus8 as number) + 1);
    expect(party(analyzeRecording(ulaw, CHANNELS), 'customer').speechLevelDb).toBeGreaterThan(plain as number);
  });
});

describe('acoustic analysis in frames of any size', () => {
  it('gives the same windows and figures as the whole recording, whatever the frame sizes (not whole 10 ms windows either)', () => {
    const ulaw = audio('clean-call').subarray(0, 8000 * 2 * 8); // 8 s: turn-taking, pauses, silence
    const windows: ActivityWindow[] = [];
    const whole = analyzeRecording(ulaw, CHANNELS, (w) => windows.push(w));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1700 }), { minLength: 1, maxLength: 30 }), (sizes) => {
        const got: ActivityWindow[] = [];
        const a = createAcousticAnalysis({ channels: CHANNELS, onWindow: (w) => got.push(w) });
        for (let sample = 0, i = 0; sample * 2 < ulaw.length; i++) {
          const n = sizes[i % sizes.length] as number;
          a.push(ulaw.subarray(sample * 2, (sample + n) * 2), sample / 8);
          sample += n;
        }
        expect(a.end()).toEqual(whole);
        expect(got).toEqual(windows);
      }),
      { numRuns: 25 },
    );
  });
});

describe('acoustic analysis on synthetic audio', () => {
  it('emits windows in timeline order with final flags, at most a bridge late', () => {
    const ulaw = stereo(tones(3000, [[500, 1500]]), tones(3000, []));
    const a = createAcousticAnalysis({ channels: CHANNELS, bridgeMs: 300, onWindow: (w) => seen.push(w) });
    const seen: ActivityWindow[] = [];
    let maxLagMs = 0;
    for (let at = 0; at < 3000; at += 20) {
      a.push(ulaw.subarray(at * 16, (at + 20) * 16), at);
      maxLagMs = Math.max(maxLagMs, at + 20 - (seen.at(-1)?.endMs ?? 0));
    }
    a.end();
    expect(seen.map((w) => w.startMs)).toEqual(Array.from({ length: 300 }, (_, i) => i * 10));
    const speech = seen.filter((w) => w.speaking.customer);
    expect(speech[0]?.startMs).toBe(500);
    expect(speech.at(-1)?.endMs).toBe(1500);
    expect(maxLagMs).toBeLessThanOrEqual(300 + 20);
  });

  it('bridges pauses up to bridgeMs inside speech and splits utterances at longer ones', () => {
    const customer = tones(4000, [
      [0, 500],
      [800, 1300], // 300 ms pause: bridged
      [2000, 2500], // 700 ms pause: a new utterance
    ]);
    const m = analyzeRecording(stereo(customer, tones(4000, [])), CHANNELS);
    expect(party(m, 'customer').utterances).toBe(2);
    expect(party(m, 'customer').talkMs).toBe(1300 + 500);
    expect(m.silenceMs).toBe(4000 - 1800);
    expect(m.longestSilenceMs).toBe(1500);
  });

  it('measures the speech level over loud speech only, not over the pauses bridged inside it', () => {
    const level = (spans: [number, number][]): number =>
      party(analyzeRecording(stereo(tones(3000, spans), tones(3000, [])), CHANNELS), 'customer').speechLevelDb;
    const steady = level([[0, 1000]]);
    const paused = level([
      [0, 500],
      [900, 1400],
    ]);
    expect(steady).toBeGreaterThan(-18); // an 8000-amplitude sine: RMS 5657, about -15 dBFS
    expect(Math.abs(paused - steady)).toBeLessThan(0.5);
  });

  it('ignores a click shorter than the onset', () => {
    const m = analyzeRecording(stereo(tones(1000, [[400, 420]]), tones(1000, [])), CHANNELS);
    expect(party(m, 'customer').talkMs).toBe(0);
    expect(m.silenceMs).toBe(1000);
  });

  it('does not take steady line noise above the threshold for speech', () => {
    const noise = new Int16Array(20_000 * 8);
    let seed = 7;
    for (let i = 0; i < noise.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      noise[i] = ((seed / 0x7fffffff) * 2 - 1) * 600; // uniform: RMS 346, about -40 dBFS
    }
    const speech = tones(20_000, [[15_000, 16_000]]);
    for (let i = 0; i < noise.length; i++) speech[i] = (speech[i] as number) + (noise[i] as number);
    const windows: ActivityWindow[] = [];
    analyzeRecording(stereo(speech, tones(20_000, [])), CHANNELS, (w) => windows.push(w));
    // The floor climbs from -60 dBFS to the noise at 2 dB/s (about 10 s); from then on only the tone is speech.
    const lastNoiseTalk = windows.filter((w) => w.speaking.customer && w.endMs <= 15_000).at(-1)?.endMs ?? 0;
    expect(lastNoiseTalk).toBeLessThan(12_000);
    const toneTalk = windows.filter((w) => w.speaking.customer && w.startMs >= 14_000).length * 10;
    expect(Math.abs(toneTalk - 1000)).toBeLessThanOrEqual(20);
  });

  it('counts neither talk nor silence over a gap in positions, and ends an utterance before it', () => {
    // Speech runs up to the gap and resumes right after it: two utterances, not one bridged over the gap.
    const ulaw = stereo(tones(2000, [[500, 1500]]), tones(2000, []));
    const windows: ActivityWindow[] = [];
    const a = createAcousticAnalysis({ channels: CHANNELS, onWindow: (w) => windows.push(w) });
    a.push(ulaw.subarray(0, 1000 * 16), 0);
    a.push(ulaw.subarray(1000 * 16), 5000); // 4 s of paused audio between
    const m = a.end();
    expect(m.durationMs).toBe(2000);
    expect(m.silenceMs).toBe(1000);
    expect(party(m, 'customer').talkMs).toBe(1000);
    expect(party(m, 'customer').utterances).toBe(2);
    expect(windows.filter((w) => w.startMs >= 1000 && w.startMs < 5000)).toEqual([]);
    expect(windows.find((w) => w.startMs >= 5000)?.startMs).toBe(5000);
  });

  it('does not run a silence across a gap', () => {
    const quiet = stereo(tones(1000, []), tones(1000, []));
    const a = createAcousticAnalysis({ channels: CHANNELS });
    a.push(quiet, 0);
    a.push(quiet, 3000);
    const m = a.end();
    expect(m.silenceMs).toBe(2000);
    expect(m.longestSilenceMs).toBe(1000);
  });

  it('analyses overlapping audio once', () => {
    const ulaw = stereo(tones(1000, [[0, 1000]]), tones(1000, []));
    const a = createAcousticAnalysis({ channels: CHANNELS });
    a.push(ulaw.subarray(0, 600 * 16), 0);
    a.push(ulaw.subarray(400 * 16), 400);
    const m = a.end();
    expect(m.durationMs).toBe(1000);
    expect(party(m, 'customer').talkMs).toBe(1000);
  });

  it('an utterance started while the other party speaks is an interruption; a hand-over is not', () => {
    const customer = tones(4000, [
      [0, 1000],
      [2500, 3000],
    ]);
    const agent = tones(4000, [
      [500, 1500], // starts while the customer speaks
      [1800, 2500], // the customer takes over right at its end
    ]);
    const m = analyzeRecording(stereo(customer, agent), CHANNELS, undefined);
    expect(party(m, 'agent').interruptions).toBe(1);
    expect(party(m, 'customer').interruptions).toBe(0);
    expect(m.overtalkMs).toBe(500);
  });

  it('metrics() reports decided windows only, and end() decides the trailing speech', () => {
    const ulaw = stereo(tones(1300, [[500, 1000]]), tones(1300, []));
    const a = createAcousticAnalysis({ channels: CHANNELS });
    a.push(ulaw, 0);
    const before = a.metrics();
    // The 300 ms after the speech could still be a pause inside it: undecided.
    expect(before.durationMs).toBe(1000);
    expect(party(before, 'customer').talkMs).toBe(500);
    const after = a.end();
    expect(after.durationMs).toBe(1300);
    expect(after.silenceMs).toBe(800);
    expect(party(after, 'customer').talkMs).toBe(500);
    expect(party(after, 'customer').talkRatio).toBe(1);
  });

  it('decides continuous speech as it comes instead of holding it until it ends', () => {
    const minute = stereo(tones(60_000, [[0, 60_000]]), tones(60_000, []));
    const a = createAcousticAnalysis({ channels: CHANNELS });
    for (let i = 0; i < 5; i++) a.push(minute, i * 60_000);
    expect(a.metrics().durationMs).toBeGreaterThan(5 * 60_000 - 600);
  });

  it('refuses a layout or tuning it cannot work with', () => {
    expect(() => createAcousticAnalysis({ channels: [] })).toThrow(AcousticOptionsError);
    expect(() => createAcousticAnalysis({ channels: ['agent', 'agent'] })).toThrow(AcousticOptionsError);
    expect(() => createAcousticAnalysis({ channels: CHANNELS, bridgeMs: Number.NaN })).toThrow(AcousticOptionsError);
    expect(() => createAcousticAnalysis({ channels: CHANNELS, onsetMs: 0 })).toThrow(AcousticOptionsError);
  });
});
