/**
 * The seam between the AudioConnector endpoint and the bots and speech
 * engines: the endpoint asks these factories for an adapter by its tenant
 * configuration, and the composition root (src/app/serve.ts) decides which
 * implementations stand behind them. Adapters are cached per tenant and
 * configuration revision, not built per call.
 */
import { createHash } from 'node:crypto';
import type { AsrConfig, BotConfig, ConnectorConfig, RealtimeConfig, TtsConfig } from '../tenants/index.js';
import type { BotAdapter } from './bots/types.js';
import type { AsrEngine, RealtimeEngine, TtsEngine } from './speech/types.js';
import type { Vad } from './vad.js';

export interface VoicebotFactories {
  bot(cfg: BotConfig): BotAdapter;
  asr(cfg: AsrConfig): AsrEngine;
  tts(cfg: TtsConfig): TtsEngine;
  realtime(cfg: RealtimeConfig): RealtimeEngine;
  /** A voice activity detector per call (end of utterance, barge-in); without it the ASR's own events serve. */
  vad?(connector: ConnectorConfig): Vad;
}

type Kind = 'bot' | 'asr' | 'tts' | 'realtime';
type Adapter = BotAdapter | AsrEngine | TtsEngine | RealtimeEngine;

/** Enough for every tenant's few engines; beyond it the oldest revision goes (a config change leaves garbage). */
const MAX_CACHED = 512;

/**
 * Builds each adapter once per (tenant, kind, configuration): a tenant refresh re-reads equal settings as new
 * objects, so the key is a digest of the settings (secrets included, never kept in clear as a key).
 */
export class EngineCache {
  private readonly cache = new Map<string, Adapter>();

  constructor(private readonly factories: VoicebotFactories) {}

  bot(tenant: string, cfg: BotConfig): BotAdapter {
    return this.get(tenant, 'bot', cfg, () => this.factories.bot(cfg));
  }
  asr(tenant: string, cfg: AsrConfig): AsrEngine {
    return this.get(tenant, 'asr', cfg, () => this.factories.asr(cfg));
  }
  tts(tenant: string, cfg: TtsConfig): TtsEngine {
    return this.get(tenant, 'tts', cfg, () => this.factories.tts(cfg));
  }
  realtime(tenant: string, cfg: RealtimeConfig): RealtimeEngine {
    return this.get(tenant, 'realtime', cfg, () => this.factories.realtime(cfg));
  }
  vad(connector: ConnectorConfig): Vad | undefined {
    return this.factories.vad?.(connector);
  }

  get size(): number {
    return this.cache.size;
  }

  private get<T extends Adapter>(tenant: string, kind: Kind, cfg: unknown, make: () => T): T {
    const key = createHash('sha256').update(`${tenant}\u0000${kind}\u0000${JSON.stringify(cfg)}`).digest('base64url');
    const hit = this.cache.get(key);
    if (hit) return hit as T;
    const made = make();
    this.cache.set(key, made);
    if (this.cache.size > MAX_CACHED) {
      const oldest = this.cache.keys().next().value as string;
      const old = this.cache.get(oldest);
      this.cache.delete(oldest);
      if (old && 'synthesize' in old) void old.close?.().catch(() => undefined);
    }
    return made;
  }
}
