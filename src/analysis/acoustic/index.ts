/**
 * Acoustic analysis of a call (no ASR): per-party voice activity on 10 ms
 * windows and the figures derived from it. Pure: no I/O, no clock.
 */
export {
  analyzeRecording,
  createAcousticAnalysis,
  type AcousticAnalysis,
  type AcousticAnalysisOptions,
  type ActivityWindow,
} from './analysis.js';
export { AcousticOptionsError, DEFAULT_TUNING as DEFAULT_ACOUSTIC_TUNING, type AcousticTuning } from './tuning.js';
