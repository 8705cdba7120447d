/**
 * Acoustic analysis of one call, incremental: interleaved µ-law frames go in,
 * each 10 ms window is levelled per channel, a per-channel VAD (./vad.ts)
 * decides speech, and decided windows update running totals. Memory is a
 * fixed ring of undecided windows (a few hundred), whatever the call's length;
 * work per frame is proportional to the frame. The same code serves a live
 * call (frames as they come) and a stored recording (one big push), so the
 * two give the same figures.
 *
 * Timeline: positions are the AudioHook stream's (ms). A jump forward in
 * `positionMs` (paused or discarded audio) is a gap: it is neither talk nor
 * silence; what was pending is decided before it, as at the end of the call,
 * and a silence or utterance does not run across it. A frame that overlaps
 * audio already analysed is analysed only from where the last one ended.
 */
import { accumulate, emptyLevel, LEVEL_FLOOR_DB, peakDb, reset, rmsDb, ulawDecode, type ChannelLevel } from '../../audio/index.js';
import type { AcousticMetrics, ChannelLayout, Party, PartyMetrics } from '../types.js';
import { PeakCounter } from './syllables.js';
import { AcousticOptionsError, resolveTuning, WINDOW_MS, type AcousticTuning, type WindowTuning } from './tuning.js';
import { ChannelVad, maxPendingWindows } from './vad.js';

/** One decided 10 ms window: who spoke, and their level. Emitted in timeline order, at most ~hangover late. */
export interface ActivityWindow {
  startMs: number;
  endMs: number;
  speaking: Partial<Record<Party, boolean>>;
  levelDb: Partial<Record<Party, number>>;
}

export interface AcousticAnalysisOptions extends Partial<AcousticTuning> {
  channels: ChannelLayout;
  /** Called for each decided window, in order; must not block or throw. */
  onWindow?: ((w: ActivityWindow) => void) | undefined;
}

export interface AcousticAnalysis {
  /** Interleaved µ-law frame (channels.length bytes per sample) starting at positionMs on the stream timeline. O(frame) work. */
  push(frame: Uint8Array, positionMs: number): void;
  /** Figures so far (decided windows only). */
  metrics(): AcousticMetrics;
  /** Decides what is pending (trailing speech/silence) and returns the final figures; later pushes are ignored. */
  end(): AcousticMetrics;
}

const RATE = 8000;
const SAMPLES_PER_MS = RATE / 1000;
const WINDOW_SAMPLES = WINDOW_MS * SAMPLES_PER_MS;
/** A position this close (in samples, 1 ms) to where the last frame ended is contiguous: rounding, not a gap. */
const CONTIGUOUS_SAMPLES = SAMPLES_PER_MS;

/**
 * µ-law bytes at the codec's top magnitude (±32124): a sample there was at
 * or next to full scale (the code covers everything above 31612), which is
 * what clipping leaves behind once the audio is G.711.
 */
const AT_FULL_SCALE = (() => {
  const all = new Uint8Array(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const pcm = ulawDecode(all);
  let max = 0;
  for (const v of pcm) max = Math.max(max, Math.abs(v));
  return Uint8Array.from(pcm, (v) => (Math.abs(v) === max ? 1 : 0));
})();

/** One channel's running figures over decided windows. */
interface PartyTotals {
  talkMs: number;
  utterances: number;
  interruptions: number;
  speech: ChannelLevel;
  peak: number;
  clipped: number;
  syllables: PeakCounter;
}

/** Undecided windows, oldest first, in a power-of-two ring indexed by window number. */
class WindowRing {
  readonly mask: number;
  readonly startSample: Float64Array;
  readonly samples: Uint32Array;
  readonly energy: Float64Array[];
  readonly levelDb: Float64Array[];
  readonly loud: Uint8Array[];
  readonly speaking: Uint8Array[];
  readonly peak: Uint16Array[];
  readonly clipped: Uint16Array[];

  constructor(minSize: number, channels: number) {
    let size = 16;
    while (size < minSize) size *= 2;
    this.mask = size - 1;
    this.startSample = new Float64Array(size);
    this.samples = new Uint32Array(size);
    const per = <T>(make: () => T): T[] => Array.from({ length: channels }, make);
    this.energy = per(() => new Float64Array(size));
    this.levelDb = per(() => new Float64Array(size));
    this.loud = per(() => new Uint8Array(size));
    this.speaking = per(() => new Uint8Array(size));
    this.peak = per(() => new Uint16Array(size));
    this.clipped = per(() => new Uint16Array(size));
  }

  get size(): number {
    return this.mask + 1;
  }
}

class Analysis implements AcousticAnalysis {
  private readonly tuning: AcousticTuning & WindowTuning;
  private readonly parties: readonly Party[];
  private readonly nch: number;
  private readonly onWindow: ((w: ActivityWindow) => void) | undefined;
  private readonly ring: WindowRing;
  private readonly vads: ChannelVad[];
  private readonly totals: PartyTotals[];
  /** The window being filled. */
  private readonly open: ChannelLevel[];
  private readonly openClipped: Uint32Array;
  private openStart = 0;
  /** Next expected sample on the stream timeline (-1 before the first frame), and where the open window ends. */
  private pos = -1;
  private boundary = 0;
  /** Windows written to the ring (next window number) and windows emitted. */
  private written = 0;
  private emitted = 0;
  private readonly noiseFloor: Float64Array;
  private readonly prevSpeaking: Uint8Array;
  private readonly nowSpeaking: Uint8Array;
  private durationMs = 0;
  private silenceMs = 0;
  private silenceRunMs = 0;
  private longestSilenceMs = 0;
  private overtalkMs = 0;
  private ended = false;

  constructor(o: AcousticAnalysisOptions) {
    const { channels, onWindow, ...tuning } = o;
    if (channels.length === 0 || new Set(channels).size !== channels.length) {
      throw new AcousticOptionsError('channels must name at least one party, each once');
    }
    this.tuning = resolveTuning(tuning);
    this.parties = channels;
    this.nch = channels.length;
    this.onWindow = onWindow;
    this.ring = new WindowRing(maxPendingWindows(this.tuning.onsetWindows, this.tuning.bridgeWindows) + 1, this.nch);
    this.vads = channels.map((_, c) => new ChannelVad(this.tuning.onsetWindows, this.tuning.bridgeWindows, (from, to) => this.mark(c, from, to)));
    this.totals = channels.map(() => ({
      talkMs: 0,
      utterances: 0,
      interruptions: 0,
      speech: emptyLevel(),
      peak: 0,
      clipped: 0,
      syllables: new PeakCounter(this.tuning.syllableProminenceDb),
    }));
    this.open = channels.map(emptyLevel);
    this.openClipped = new Uint32Array(this.nch);
    // The floor starts where it does not yet restrict the threshold, so a call that opens with speech is heard.
    this.noiseFloor = new Float64Array(this.nch).fill(this.tuning.thresholdDb - this.tuning.noiseMarginDb);
    this.prevSpeaking = new Uint8Array(this.nch);
    this.nowSpeaking = new Uint8Array(this.nch);
  }

  push(frame: Uint8Array, positionMs: number): void {
    if (this.ended || !Number.isFinite(positionMs) || positionMs < 0) return;
    const count = Math.floor(frame.length / this.nch);
    const at = Math.round(positionMs * SAMPLES_PER_MS);
    let skip = 0;
    if (this.pos < 0) this.startAt(at);
    else if (at > this.pos + CONTIGUOUS_SAMPLES) {
      this.closeWindow();
      this.decideAll();
      this.startAt(at);
    } else if (at < this.pos - CONTIGUOUS_SAMPLES) skip = this.pos - at;
    for (let i = skip; i < count; ) {
      const take = Math.min(count - i, this.boundary - this.pos);
      this.fill(frame, i, take);
      i += take;
      this.pos += take;
      if (this.pos === this.boundary) {
        this.closeWindow();
        this.boundary += WINDOW_SAMPLES;
      }
    }
  }

  metrics(): AcousticMetrics {
    const talk = this.totals.reduce((n, t) => n + t.talkMs, 0);
    const parties: Partial<Record<Party, PartyMetrics>> = {};
    this.parties.forEach((party, c) => {
      parties[party] = this.partyMetrics(this.totals[c] as PartyTotals, talk);
    });
    return {
      durationMs: this.durationMs,
      parties,
      silenceMs: this.silenceMs,
      longestSilenceMs: this.longestSilenceMs,
      overtalkMs: this.overtalkMs,
    };
  }

  end(): AcousticMetrics {
    if (!this.ended) {
      this.closeWindow();
      this.decideAll();
      this.ended = true;
    }
    return this.metrics();
  }

  private partyMetrics(t: PartyTotals, allTalkMs: number): PartyMetrics {
    return {
      talkMs: t.talkMs,
      talkRatio: allTalkMs === 0 ? 0 : t.talkMs / allTalkMs,
      interruptions: t.interruptions,
      utterances: t.utterances,
      syllablesPerSecond: t.talkMs === 0 ? 0 : (t.syllables.peaks * 1000) / t.talkMs,
      speechLevelDb: t.speech.samples === 0 ? LEVEL_FLOOR_DB : rmsDb(t.speech),
      peakDb: peakDb({ energy: 0, peak: t.peak, samples: 1 }),
      clippedSamples: t.clipped,
    };
  }

  /** A new stretch of audio starts at sample `at` (first frame, or after a gap). */
  private startAt(at: number): void {
    this.pos = at;
    this.openStart = at;
    this.boundary = (Math.floor(at / WINDOW_SAMPLES) + 1) * WINDOW_SAMPLES;
  }

  /** Adds samples [from, from + n) of the frame to the open window. */
  private fill(frame: Uint8Array, from: number, n: number): void {
    const lo = from * this.nch;
    const hi = (from + n) * this.nch;
    accumulate(frame.subarray(lo, hi), this.nch, this.open);
    for (let c = 0; c < this.nch; c++) {
      let clipped = 0;
      for (let i = lo + c; i < hi; i += this.nch) clipped += AT_FULL_SCALE[frame[i] as number] as number;
      this.openClipped[c] = (this.openClipped[c] as number) + clipped;
    }
  }

  /** Levels the open window, hands it to the VADs and emits what they decided. */
  private closeWindow(): void {
    const samples = (this.open[0] as ChannelLevel).samples;
    if (samples === 0) return;
    if (this.written - this.emitted >= this.ring.size) this.decideAll(); // unreachable by maxPendingWindows; keeps the ring safe
    const n = this.written++;
    const slot = n & this.ring.mask;
    this.ring.startSample[slot] = this.openStart;
    this.ring.samples[slot] = samples;
    for (let c = 0; c < this.nch; c++) this.levelWindow(c, slot);
    this.openStart += samples;
    for (let c = 0; c < this.nch; c++) (this.vads[c] as ChannelVad).window(n, this.ring.loud[c]![slot] === 1);
    this.emitDecided();
  }

  private levelWindow(c: number, slot: number): void {
    const level = this.open[c] as ChannelLevel;
    const db = rmsDb(level);
    const floor = this.noiseFloor[c] as number;
    const loud = db > this.tuning.thresholdDb && db > floor + this.tuning.noiseMarginDb;
    this.noiseFloor[c] = Math.min(db, floor + this.tuning.noiseRiseDbPerWindow);
    const r = this.ring;
    r.energy[c]![slot] = level.energy;
    r.levelDb[c]![slot] = db;
    r.loud[c]![slot] = loud ? 1 : 0;
    r.speaking[c]![slot] = 0;
    r.peak[c]![slot] = level.peak;
    r.clipped[c]![slot] = this.openClipped[c] as number;
    this.openClipped[c] = 0;
    reset(level);
  }

  private mark(c: number, from: number, to: number): void {
    const speaking = this.ring.speaking[c] as Uint8Array;
    for (let n = Math.max(from, this.emitted); n < to; n++) speaking[n & this.ring.mask] = 1;
  }

  /** Decides every pending window (end of audio, or a gap ahead) and starts the next stretch afresh. */
  private decideAll(): void {
    for (const vad of this.vads) vad.close(this.written);
    this.emitDecided();
    this.prevSpeaking.fill(0);
    this.silenceRunMs = 0;
    for (const t of this.totals) t.syllables.restart();
  }

  private emitDecided(): void {
    let decided = this.written;
    for (const vad of this.vads) decided = Math.min(decided, vad.decidedTo);
    while (this.emitted < decided) this.emit(this.emitted++ & this.ring.mask);
  }

  private emit(slot: number): void {
    const r = this.ring;
    const ms = (r.samples[slot] as number) / SAMPLES_PER_MS;
    let speakers = 0;
    for (let c = 0; c < this.nch; c++) {
      this.nowSpeaking[c] = r.speaking[c]![slot] as number;
      speakers += this.nowSpeaking[c] as number;
    }
    for (let c = 0; c < this.nch; c++) this.countParty(c, slot, ms);
    this.countTogether(speakers, ms);
    this.prevSpeaking.set(this.nowSpeaking);
    if (this.onWindow) this.onWindow(this.windowView(slot, ms));
  }

  private countParty(c: number, slot: number, ms: number): void {
    const r = this.ring;
    const t = this.totals[c] as PartyTotals;
    const speaking = this.nowSpeaking[c] === 1;
    if (speaking) {
      t.talkMs += ms;
      if (this.prevSpeaking[c] === 0) {
        t.utterances++;
        if (this.otherKeptSpeaking(c)) t.interruptions++;
      }
      // Speech level over the loud windows of speech only: bridged pauses would drag it down.
      if (r.loud[c]![slot] === 1) {
        t.speech.energy += r.energy[c]![slot] as number;
        t.speech.samples += r.samples[slot] as number;
      }
    }
    t.peak = Math.max(t.peak, r.peak[c]![slot] as number);
    t.clipped += r.clipped[c]![slot] as number;
    t.syllables.step(r.levelDb[c]![slot] as number, speaking);
  }

  /** An utterance interrupts when another party spoke in the window before and still speaks (not a clean hand-over). */
  private otherKeptSpeaking(c: number): boolean {
    for (let o = 0; o < this.nch; o++) if (o !== c && this.prevSpeaking[o] === 1 && this.nowSpeaking[o] === 1) return true;
    return false;
  }

  private countTogether(speakers: number, ms: number): void {
    this.durationMs += ms;
    if (speakers >= 2) this.overtalkMs += ms;
    if (speakers > 0) {
      this.silenceRunMs = 0;
      return;
    }
    this.silenceMs += ms;
    this.silenceRunMs += ms;
    if (this.silenceRunMs > this.longestSilenceMs) this.longestSilenceMs = this.silenceRunMs;
  }

  private windowView(slot: number, ms: number): ActivityWindow {
    const startMs = (this.ring.startSample[slot] as number) / SAMPLES_PER_MS;
    const w: ActivityWindow = { startMs, endMs: startMs + ms, speaking: {}, levelDb: {} };
    this.parties.forEach((party, c) => {
      w.speaking[party] = this.nowSpeaking[c] === 1;
      w.levelDb[party] = this.ring.levelDb[c]![slot] as number;
    });
    return w;
  }
}

export function createAcousticAnalysis(o: AcousticAnalysisOptions): AcousticAnalysis {
  return new Analysis(o);
}

/** Whole recording at once (post-call): same code path as live. */
export function analyzeRecording(ulaw: Uint8Array, channels: ChannelLayout, onWindow?: (w: ActivityWindow) => void): AcousticMetrics {
  const a = createAcousticAnalysis({ channels, onWindow });
  a.push(ulaw, 0);
  return a.end();
}
