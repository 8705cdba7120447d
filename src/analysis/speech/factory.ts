/**
 * The speech analyzer factory (docs/guidance-speech.md): per call, one
 * recognizer per party channel that has rule phrases or whose transcripts are
 * wanted. Offline default: pocketsphinx keyword spotting of the call's rule
 * phrases (no firing on phrase-free speech, unlike a grammar), plus its
 * language model for transcripts when the tenant wants them. Or an external
 * streaming engine over WebSocket (Deepgram's live API) for both.
 */
import type { Logger } from '../../platform/logging/index.js';
import {
  createDeepgramAsr,
  createPocketsphinxAsr,
  normalizePhrase,
  type AsrStream,
  type DropCounter,
  type PocketsphinxAsrStream,
} from '../../voicebot/index.js';
import type { AnalysisConfig, SpeechEngineConfig } from '../config.js';
import type { Party, SpeechAnalyzer, SpeechAnalyzerFactory, SpeechCall } from '../types.js';
import { channelOf } from './channels.js';
import { ChannelRecognizer, type ChannelEngine } from './recognizer.js';

export interface SpeechAnalyzerDeps {
  logger?: Logger | undefined;
  /** Counts µ-law bytes dropped because an engine was connecting or behind. */
  drops?: DropCounter | undefined;
  /** Where pocketsphinx keeps its model copy and keyphrase files (default the OS temp directory). */
  workDir?: string | undefined;
}

type PocketsphinxSpeech = Extract<SpeechEngineConfig, { engine: 'pocketsphinx' }>;
type WebsocketSpeech = Extract<SpeechEngineConfig, { engine: 'websocket' }>;

/** What one channel of a call needs: an engine for its phrases, and one for its transcripts (may be the same). */
interface Plan {
  party: Party;
  phrases: readonly string[];
  transcripts: boolean;
  /** End the engine's utterance at the party's pauses (live calls: phrase latency). */
  endOnPause: boolean;
}

export function createSpeechAnalyzerFactory(config: AnalysisConfig, deps: SpeechAnalyzerDeps = {}): SpeechAnalyzerFactory {
  const engines = config.speech.engine === 'pocketsphinx' ? pocketsphinxEngines(config.speech, config.maxPendingMs, deps) : websocketEngines(config.speech, config.maxPendingMs, deps);
  const maxPendingBytes = config.maxPendingMs * 8;
  return {
    open(call, out) {
      const plans = channelPlans(call);
      if (plans.every((p) => p.phrases.length === 0 && !p.transcripts)) return undefined;
      const log = deps.logger?.child({ tenant: call.tenant, conversationId: call.conversationId });
      const byChannel = plans.map((plan) =>
        engines(plan).map(
          ({ engine, phrases, transcripts }) =>
            new ChannelRecognizer(engine, {
              party: plan.party,
              language: call.language,
              phrases,
              transcripts,
              out,
              maxPendingBytes,
              logger: log,
              onDrop: (n) => deps.drops?.inc(n),
            }),
        ),
      );
      return analyzer(byChannel, call.channels.length);
    },
  };
}

function channelPlans(call: SpeechCall): Plan[] {
  return call.channels.map((party) => ({ party, phrases: call.phrases[party] ?? [], transcripts: call.transcripts, endOnPause: call.batch !== true }));
}

function analyzer(byChannel: ChannelRecognizer[][], count: number): SpeechAnalyzer {
  const all = byChannel.flat();
  return {
    audio(frame: Uint8Array, positionMs: number) {
      byChannel.forEach((recognizers, i) => {
        if (recognizers.length === 0) return;
        const mono = channelOf(frame, i, count);
        for (const r of recognizers) r.audio(mono, positionMs);
      });
    },
    async end() {
      await Promise.all(all.map((r) => r.end()));
    },
  };
}

interface Use {
  engine: ChannelEngine;
  phrases: readonly string[];
  transcripts: boolean;
}

/** Keyword spotting for phrases, the language model for transcripts: two programs when both are wanted. */
function pocketsphinxEngines(cfg: PocketsphinxSpeech, maxPendingMs: number, deps: SpeechAnalyzerDeps): (plan: Plan) => Use[] {
  const thresholds = new Map(Object.entries(cfg.kws.thresholds).map(([p, t]) => [normalizePhrase(p).join(' '), t]));
  const common = {
    ...(cfg.program ? { program: cfg.program } : {}),
    ...(cfg.modelDir ? { modelDir: cfg.modelDir } : {}),
    ...(deps.workDir ? { workDir: deps.workDir } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    // The program reads 16 kHz 16-bit PCM: 32 bytes a millisecond.
    maxPendingBytes: maxPendingMs * 32,
    // At the end the program must decode what it still holds (up to maxPendingMs of audio, far faster than
    // real time) before its last results come out: killing it earlier would lose them.
    closeTimeoutMs: maxPendingMs + 2000,
  };
  const spotting = createPocketsphinxAsr({ ...common, mode: 'keyword', kws: { plp: cfg.kws.plp, threshold: (p) => thresholds.get(p) ?? cfg.kws.threshold } });
  const continuous = createPocketsphinxAsr({ ...common, mode: 'continuous' });
  const sphinx = (engine: typeof spotting, endOnPauseMs?: number): ChannelEngine => ({
    engine,
    dropped: (s: AsrStream) => (s as PocketsphinxAsrStream).droppedBytes,
    clockIncludesDrops: true,
    // Keyword spotting reports a phrase only when the utterance ends: end it at the party's pause.
    ...(endOnPauseMs ? { endOnPauseMs } : {}),
  });
  return (plan) => [
    ...(plan.phrases.length > 0 ? [{ engine: sphinx(spotting, plan.endOnPause ? cfg.kws.endOnPauseMs : undefined), phrases: plan.phrases, transcripts: false }] : []),
    ...(plan.transcripts ? [{ engine: sphinx(continuous), phrases: [], transcripts: true }] : []),
  ];
}

/** One streaming connection per channel: its transcripts, and the phrases found in their text. */
function websocketEngines(cfg: WebsocketSpeech, maxPendingMs: number, deps: SpeechAnalyzerDeps): (plan: Plan) => Use[] {
  return (plan) => {
    if (plan.phrases.length === 0 && !plan.transcripts) return [];
    let dropped = 0;
    const engine = createDeepgramAsr(
      {
        url: cfg.url,
        apiKey: cfg.secret,
        endpointingMs: cfg.endpointingMs,
        authHeader: cfg.authHeader,
        authScheme: cfg.authScheme,
        encoding: cfg.encoding,
        ...(cfg.model ? { model: cfg.model } : {}),
      },
      { ...(deps.logger ? { logger: deps.logger } : {}), drops: { inc: (n = 1) => (dropped += n) }, maxBufferedBytes: maxPendingMs * (cfg.encoding === 'linear16' ? 16 : 8) },
    );
    return [{ engine: { engine, dropped: () => dropped, clockIncludesDrops: false }, phrases: plan.phrases, transcripts: plan.transcripts }];
  };
}
