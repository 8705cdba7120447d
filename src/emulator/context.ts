/**
 * What the HTTP routes and the control API share: the clock, the stores and
 * the services, created once per emulator by `startEmulator`.
 */
import type { VirtualClock } from './core/clock.js';
import type { Rng } from './core/rng.js';
import type { Scheduler } from './core/scheduler.js';
import type { CallEngine } from './calls/engine.js';
import type { JobService } from './analytics/jobs.js';
import type { BatchService } from './recordings/batch.js';
import type { RecordingFiles } from './recordings/files.js';
import type { MediaSigner } from './recordings/signer.js';
import type { BotCaller } from './botcall/caller.js';
import type { Phrases } from './botcall/phrases.js';
import type { Dialer } from './dialout/dialer.js';
import type { FaultInjector } from './http/faults.js';
import type { RateLimiter } from './http/rate-limit.js';
import type { IntegrationStore } from './integrations/store.js';
import type { EventLog } from './log/event-log.js';
import type { EventBridgeSink } from './notify/eventbridge.js';
import type { Notifications } from './notify/service.js';
import type { Settings } from './settings.js';
import type { OrgRegistry } from './state/orgs.js';
import type { TokenStore } from './state/tokens.js';

export class Urls {
  port = 0;
  constructor(readonly host: string) {}

  get http(): string {
    return `http://${this.host}:${this.port}`;
  }
  apiUrl(env: string): string {
    return `${this.http}/r/${env}`;
  }
  loginUrl(env: string): string {
    return `${this.http}/r/${env}/login`;
  }
  channelUri(env: string, channelId: string): string {
    return `ws://${this.host}:${this.port}/r/${env}/streaming/channels/${channelId}`;
  }
}

export interface EmulatorContext {
  clock: VirtualClock;
  scheduler: Scheduler;
  rng: Rng;
  settings(): Settings;
  setSettings(s: Settings): void;
  orgs: OrgRegistry;
  tokens: TokenStore;
  notifications: Notifications;
  eventBridge: EventBridgeSink;
  calls: CallEngine;
  jobs: JobService;
  batches: BatchService;
  integrations: IntegrationStore;
  dialer: Dialer;
  /** Bot legs of calls (AudioConnector). */
  botCaller: BotCaller;
  /** Caller phrases for bot calls (fixtures/speech/caller), loaded on first use. */
  phrases: () => Phrases;
  log: EventLog;
  media: MediaSigner;
  recordingFiles: RecordingFiles;
  limiter: RateLimiter;
  faults: FaultInjector;
  urls: Urls;
  /** Virtual now as an ISO string (for logs). */
  nowIso(): string;
}
