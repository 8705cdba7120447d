export { AUDIOCONNECTOR_PATH_PREFIX, VoicebotEndpoint, type VoicebotEndpointDeps } from './endpoint.js';
export { AUDIOCONNECTOR_MEDIA, VoicebotSession, type SessionParams, type SessionSettings } from './session.js';
export { EngineCache, type VoicebotFactories } from './engines.js';
export { DtmfCollector, type DtmfOptions } from './dtmf.js';
export { VoicebotMetrics, type BotFailureReason } from './metrics.js';
export type { Vad, VadEvent } from './vad.js';
export type * from './bots/types.js';
export type * from './speech/types.js';
