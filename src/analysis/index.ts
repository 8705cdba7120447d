/**
 * Real-time guidance and post-call analysis (docs/guidance.md): acoustic
 * metrics, phrase spotting, transcripts back to Genesys, guidance rules and
 * the post-call analysis worker.
 */
export type {
  AcousticMetrics,
  ChannelLayout,
  Finding,
  FindingSink,
  GuidanceRule,
  Party,
  PartyMetrics,
  PhraseHit,
  Span,
  SpeechAnalyzer,
  SpeechAnalyzerFactory,
  SpeechCall,
  SpeechOutput,
  TranscriptResult,
} from './types.js';
export { analysisSchema, type AnalysisConfig, type SpeechEngineConfig } from './config.js';
export { createSpeechAnalyzerFactory, isoDuration, transcriptEntity, type SpeechAnalyzerDeps, type TranscriptEntityOptions } from './speech/index.js';
