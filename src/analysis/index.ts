/**
 * Real-time guidance and post-call analysis (docs/guidance.md): acoustic
 * metrics, phrase spotting, transcripts back to Genesys, guidance rules and
 * the post-call analysis worker.
 */
export type { Finding, FindingSink, GuidanceRule, Party, PhraseHit, Span, TranscriptResult } from './types.js';
