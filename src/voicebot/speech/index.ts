export type * from './types.js';
export { SpeechEngineError, SpeechEngineUnavailableError, SpeechInputError } from './errors.js';
export { createEspeakTts, type EspeakTtsConfig, type EspeakTtsEngine, type EspeakTtsOptions, type EspeakTtsStats } from './espeak.js';
export { EnergyVad, type EnergyVadOptions, type VadEvent } from './vad.js';
export { createPocketsphinxAsr, type PocketsphinxAsrConfig, type PocketsphinxAsrEngine, type PocketsphinxAsrOptions, type PocketsphinxAsrStream, type PocketsphinxKwsOptions } from './pocketsphinx.js';
export { NARROWBAND_CMN_INIT, normalizePhrase } from './pocketsphinx-model.js';
export { createDeepgramAsr, deepgramListenUrl, type DeepgramConfig, type DeepgramOptions, type Every } from './deepgram.js';
export { createOpenAiRealtime, realtimeInstructions, realtimeSessionUpdate, REALTIME_TOOLS, type OpenAiRealtimeConfig, type OpenAiRealtimeOptions } from './openai-realtime.js';
export type { DropCounter } from './ws-link.js';
