/**
 * The bots and speech engines `hookline serve` puts behind the AudioConnector
 * endpoint, chosen by each connector's settings: offline by default
 * (pocketsphinx and espeak-ng as separate programs, the in-process demo bot),
 * Deepgram-compatible streaming ASR and OpenAI-Realtime-compatible
 * speech-to-speech by configuration. One energy VAD per call finds the ends of
 * utterances and the caller's speech onsets (barge-in).
 */
import type { Logger } from '../platform/logging/index.js';
import type { AsrConfig, ConnectorConfig, RealtimeConfig, TtsConfig } from '../tenants/index.js';
import { createBot } from './bots/index.js';
import type { VoicebotFactories } from './engines.js';
import { createDeepgramAsr, createEspeakTts, createOpenAiRealtime, createPocketsphinxAsr, EnergyVad } from './speech/index.js';
import type { AsrEngine, AsrStream } from './speech/types.js';

export interface DefaultFactoryOptions {
  log: Logger;
}

/** `asr: {engine: none}`: a keypad-only connector; caller audio is only listened to by the VAD. */
const NO_ASR: AsrEngine = {
  name: 'none',
  connect: async (): Promise<AsrStream> => ({ send: () => undefined, close: async () => undefined }),
};

function asr(cfg: AsrConfig, log: Logger): AsrEngine {
  switch (cfg.engine) {
    case 'none':
      return NO_ASR;
    case 'pocketsphinx':
      return createPocketsphinxAsr({ mode: cfg.mode, logger: log });
    case 'deepgram':
      return createDeepgramAsr({ url: cfg.url, apiKey: cfg.apiKey, endpointingMs: cfg.endpointingMs, ...(cfg.model !== undefined ? { model: cfg.model } : {}) }, { logger: log });
  }
}

function tts(cfg: TtsConfig) {
  return createEspeakTts({ voice: cfg.voice, wordsPerMinute: cfg.wordsPerMinute });
}

function realtime(cfg: RealtimeConfig, log: Logger) {
  return createOpenAiRealtime({ url: cfg.url, apiKey: cfg.apiKey, model: cfg.model, voice: cfg.voice, ...(cfg.instructions !== undefined ? { instructions: cfg.instructions } : {}) }, { logger: log });
}

export function defaultFactories(o: DefaultFactoryOptions): VoicebotFactories {
  const log = o.log;
  return {
    bot: (cfg) => createBot(cfg),
    asr: (cfg) => asr(cfg, log),
    tts: (cfg) => tts(cfg),
    realtime: (cfg) => realtime(cfg, log),
    vad: (connector: ConnectorConfig) => new EnergyVad({ minSpeechMs: connector.bargeIn.minSpeechMs }),
  };
}
