export type { AsrEngine, AsrEvent, AsrSessionOptions, AsrStream, RealtimeEngine, RealtimeEvent, RealtimeSession, RealtimeSessionOptions, TtsEngine, TtsOptions } from './types.js';
export { createDeepgramAsr, deepgramListenUrl, type DeepgramConfig, type DeepgramOptions, type Every } from './deepgram.js';
export { createOpenAiRealtime, realtimeInstructions, realtimeSessionUpdate, REALTIME_TOOLS, type OpenAiRealtimeConfig, type OpenAiRealtimeOptions } from './openai-realtime.js';
export { SpeechEngineError, type DropCounter } from './ws-link.js';
