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
}

/** Where a live analysis hands its findings; must not block or throw (the audio path calls it). */
export interface FindingSink {
  fire(tenant: string, conversationId: string, finding: Finding): void;
}
