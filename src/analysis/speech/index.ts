export { createSpeechAnalyzerFactory, type SpeechAnalyzerDeps } from './factory.js';
export { transcriptEntity, isoDuration, type TranscriptEntityOptions } from './transcript-entity.js';
export { EngineTimeline } from './timeline.js';
