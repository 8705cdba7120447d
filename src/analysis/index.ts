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
export { analysisSchema, postCallSchema, postCallSpeech, type AnalysisConfig, type PostCallConfig, type SpeechEngineConfig } from './config.js';
export { AnalysisStore, MAX_LIVE_FINDINGS, type LiveSummary, type PostCallAnalysis, type RecordingAnalysis, type StoredAnalysis } from './store.js';
export { analysisMigrations } from './migrations/index.js';
export type { AnalysisTables } from './tables.js';
export { compareLive, type LiveComparison } from './postcall/compare.js';
export { PostCallWorker, type AnalysisRequest, type PhraseSpotter, type RuleRunner, type RuleRunnerFactory } from './postcall/worker.js';
export { ConversationNotImportedError, PostCallService, queueReanalysis, type PostCallServiceDeps, type StoredRecording } from './postcall/service.js';
export { speechSpotter } from './postcall/spotter.js';
export { decodeRecording, UnsupportedRecordingError, type DecodedRecording } from './postcall/recording.js';
export { createRuleEngine, phrasesOf, type RuleEngine, type RuleEngineOptions, type RuleWindow } from './rules/index.js';
export { findingId, LiveFindings, type FindingStore, type LiveFindingsOptions } from './live-findings.js';
export { AnalysisSink, type AnalysisSinkOptions } from './live-sink.js';
export { createSpeechAnalyzerFactory, isoDuration, transcriptEntity, type SpeechAnalyzerDeps, type TranscriptEntityOptions } from './speech/index.js';
