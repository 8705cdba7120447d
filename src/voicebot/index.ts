/**
 * The voice-bot bridge: the AudioConnector endpoint and its sessions, the
 * pacer-fed writer, bots behind one interface (bots/), speech engines
 * (speech/), and the REST channel that lets a Genesys Data Action talk to a
 * tenant's bot.
 */
export { AUDIOCONNECTOR_PATH_PREFIX, VoicebotEndpoint, type VoicebotEndpointDeps } from './endpoint.js';
export { AUDIOCONNECTOR_MEDIA, VoicebotSession, type SessionParams, type SessionSettings } from './session.js';
export { EngineCache, type VoicebotFactories } from './engines.js';
export { defaultFactories, type DefaultFactoryOptions } from './factories.js';
export { DtmfCollector, type DtmfOptions } from './dtmf.js';
export { VoicebotMetrics, type BotFailureReason } from './metrics.js';
export type { Vad, VadEvent } from './vad.js';
export type * from './speech/types.js';
export * from './bots/index.js';
export { DEFAULT_FALLBACK_TEXT, DEFAULT_IDLE_TTL_MS, DEFAULT_MAX_CONVERSATIONS, DEFAULT_TURN_TIMEOUT_MS, MAX_MESSAGE_CHARS, REST_BODY_LIMIT, REST_NO_INPUT_EVENT, REST_START_EVENT, ConversationPool, botRestBody, botRestResponse, botRestRoute, type BotRestBody, type BotRestDeps, type BotRestResponse } from './rest.js';
// The speech engines, for the analysis capability (phrase spotting and transcripts of whole calls).
export {
  SpeechEngineError,
  SpeechEngineUnavailableError,
  SpeechInputError,
  createDeepgramAsr,
  createPocketsphinxAsr,
  normalizePhrase,
  type DeepgramConfig,
  type DeepgramOptions,
  type DropCounter,
  type PocketsphinxAsrConfig,
  type PocketsphinxAsrEngine,
  type PocketsphinxAsrStream,
  type PocketsphinxKwsOptions,
} from './speech/index.js';
