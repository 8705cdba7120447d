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
export {
  AcousticOptionsError,
  analyzeRecording,
  createAcousticAnalysis,
  DEFAULT_ACOUSTIC_TUNING,
  type AcousticAnalysis,
  type AcousticTuning,
  type AcousticAnalysisOptions,
  type ActivityWindow,
} from './acoustic/index.js';
export { createRuleEngine, type RuleEngine, type RuleEngineOptions, type RuleWindow } from './rules/index.js';
export { findingId, LiveFindings, type FindingStore, type LiveFindingsOptions } from './live-findings.js';
export { AnalysisSink, type AnalysisSinkOptions } from './live-sink.js';
export { analysisSchema, type AnalysisConfig, type SpeechEngineConfig } from './config.js';
export { createSpeechAnalyzerFactory, isoDuration, transcriptEntity, type SpeechAnalyzerDeps, type TranscriptEntityOptions } from './speech/index.js';
