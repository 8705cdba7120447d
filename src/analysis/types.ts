/**
 * The analysis capability's shared vocabulary: what recognizers and the
 * acoustic analyser observe about a call, and what guidance rules make of it.
 * Every offset is in milliseconds on the call's AudioHook stream timeline
 * (position 0 = the first sample Genesys sent), so a live finding and a
 * post-call one on the stored recording can be compared directly.
 */
import type { GuidanceRule, Party } from '../tenants/index.js';

export type { GuidanceRule, Party };

/** A span on the stream timeline, in milliseconds. */
export interface Span {
  startMs: number;
  endMs: number;
}

/** A rule's phrase heard in one party's speech (offline keyword spotting or an external engine's transcript). */
export interface PhraseHit extends Span {
  party: Party;
  /** The rule phrase matched, as configured. */
  phrase: string;
  /** What the recognizer heard (at most 200 characters). */
  text: string;
  confidence?: number | undefined;
}

/** Recognized speech with its place on the timeline: partial results precede a final one for the same span. */
export interface TranscriptResult extends Span {
  party: Party;
  text: string;
  final: boolean;
  confidence?: number | undefined;
  language?: string | undefined;
}

/** One guidance rule firing, with the evidence; becomes a `guidance.triggered` common event. */
export interface Finding extends Span {
  /** The rule's name, as configured. */
  rule: string;
  kind: GuidanceRule['kind'];
  party?: Party | undefined;
  /** Short, bounded values that explain the firing (the phrase heard, the silence's length, the ratio …). */
  evidence: Record<string, string | number | boolean>;
  /** Stable for this firing (a re-delivery carries the same id); set by the live analysis, which knows the session. */
  id?: string | undefined;
  /** The agent on the call when the rule fired (the session's tag). */
  agent?: { userId: string; name?: string | undefined } | undefined;
}

/** Where a live analysis hands its findings; must not block or throw (the audio path calls it). */
export interface FindingSink {
  fire(tenant: string, conversationId: string, finding: Finding): void;
}

/** One party's acoustic figures over a call (or over what was analysed so far). */
export interface PartyMetrics {
  /** Time this party was speaking (voice activity, short pauses inside an utterance included). */
  talkMs: number;
  /** talkMs over both parties' talkMs (0 when nobody spoke). */
  talkRatio: number;
  /** Utterances started while the other party was speaking. */
  interruptions: number;
  utterances: number;
  /** Speaking-rate proxy: syllable-like energy peaks per second of talk. */
  syllablesPerSecond: number;
  /** Mean RMS level of this party's speech, dBFS (LEVEL_FLOOR_DB when silent). */
  speechLevelDb: number;
  peakDb: number;
  /** Samples at or next to full scale. */
  clippedSamples: number;
}

/** The acoustic analysis of a call: the same shape live (at any moment) and post-call. */
export interface AcousticMetrics {
  /** Audio analysed, ms on the stream timeline. */
  durationMs: number;
  parties: Partial<Record<Party, PartyMetrics>>;
  /** Neither party speaking: total and the longest single stretch. */
  silenceMs: number;
  longestSilenceMs: number;
  /** Both parties speaking at once. */
  overtalkMs: number;
}

/** The channels of a call's audio in frame order: AudioHook stereo is [external, internal] = [customer, agent]. */
export type ChannelLayout = readonly Party[];

/** What a speech analyzer is opened with for one call. */
export interface SpeechCall {
  tenant: string;
  conversationId: string;
  channels: ChannelLayout;
  language?: string | undefined;
  /** Rule phrases to spot, per party (the same phrase may be listed for both). */
  phrases: Partial<Record<Party, readonly string[]>>;
  /** Whether transcripts are wanted (Transcription Connector mode), not only phrase hits. */
  transcripts: boolean;
  /**
   * A stored recording fed faster than real time (post-call): nobody waits for its hits, so the engine
   * ends utterances itself rather than at each pause (analysis.speech.kws.endOnPauseMs), which would add
   * 700 ms of silence per pause for it to decode at a pace it has little room for. Default false (live).
   */
  batch?: boolean | undefined;
}

/** Where a speech analyzer reports; must not block or throw. */
export interface SpeechOutput {
  phrase(hit: PhraseHit): void;
  transcript(result: TranscriptResult): void;
}

/** Phrase spotting and transcription of one call: interleaved µ-law frames in timeline order. */
export interface SpeechAnalyzer {
  /** `positionMs`: where the frame starts on the stream timeline. Never blocks. */
  audio(frame: Uint8Array, positionMs: number): void;
  /** Flushes what is pending (final results are reported before it resolves) and releases the engine. */
  end(): Promise<void>;
}

export interface SpeechAnalyzerFactory {
  /** Undefined when nothing is to be recognized for this call (no phrases and no transcripts). */
  open(call: SpeechCall, out: SpeechOutput): SpeechAnalyzer | undefined;
}
