/**
 * Wires one emulator: clock and scheduler, stores, services, and the hooks
 * between them (calls → notifications and dial-out, watermark announcements).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { errorMessage } from '../platform/util/error-message.js';
import { JobService } from './analytics/jobs.js';
import { AnalyticsView } from './analytics/view.js';
import { loadSpeechClips, type SpeechClips } from './audio/fixtures.js';
import { CallEngine } from './calls/engine.js';
import { agentLegs } from './calls/timeline.js';
import { Urls, type EmulatorContext } from './context.js';
import { systemTime, VirtualClock, type RealTime } from './core/clock.js';
import { Rng } from './core/rng.js';
import { Scheduler } from './core/scheduler.js';
import { BotCaller } from './botcall/caller.js';
import { loadCallerPhrases, type Phrases } from './botcall/phrases.js';
import { Dialer } from './dialout/dialer.js';
import { FaultInjector } from './http/faults.js';
import { RateLimiter } from './http/rate-limit.js';
import { IntegrationStore } from './integrations/store.js';
import { EventLog } from './log/event-log.js';
import { EventBridgeSink } from './notify/eventbridge.js';
import { Notifications } from './notify/service.js';
import { NotificationSockets } from './notify/sockets.js';
import { BatchService } from './recordings/batch.js';
import { RecordingFiles } from './recordings/files.js';
import { readyAt } from './recordings/recordings.js';
import { MediaSigner } from './recordings/signer.js';
import { patchSettingsOf, settingsSchema, type Settings } from './settings.js';
import { OrgRegistry } from './state/orgs.js';
import { TokenStore } from './state/tokens.js';

export interface BuildOptions {
  host: string;
  speed: number;
  startTime: number;
  idSeed: string;
  settings?: Record<string, unknown>;
  speechDir?: string;
  real?: RealTime;
  onError?: (err: unknown) => void;
}

export interface Built {
  ctx: EmulatorContext;
  view: AnalyticsView;
}

export function buildContext(o: BuildOptions): Built {
  const real = o.real ?? systemTime;
  const clock = new VirtualClock(real, o.startTime, o.speed);
  // A failing timer must not stop the others; it is kept in the log so tests can insist on none.
  const scheduler = new Scheduler(clock, real, (err) => {
    log.happening(new Date(clock.now()).toISOString(), 'internal.error', { message: errorMessage(err), stack: (err as Error).stack });
    o.onError?.(err);
  });
  const rng = new Rng(`ids:${o.idSeed}`);
  let settings: Settings = o.settings ? patchSettingsOf(settingsSchema.parse({}), o.settings) : settingsSchema.parse({});
  const getSettings = () => settings;
  const now = () => clock.now();
  const nowIso = () => new Date(clock.now()).toISOString();
  const log = new EventLog(() => settings.log.maxEntries);
  let clips: SpeechClips | undefined;
  const urls = new Urls(o.host);
  const notifications = new Notifications({ scheduler, now, settings: getSettings, log, rng });
  notifications.sockets = new NotificationSockets({ channels: notifications.registry, scheduler, now, heartbeatMs: () => settings.notifications.heartbeatSeconds * 1000, log, rng });
  const media = new MediaSigner(() => urls.http, now, () => settings.recordings.mediaUrlTtlMs);
  const orgs = new OrgRegistry();
  // Its own id stream: an org with a sink must not shift the ids of everything else.
  const eventBridge = new EventBridgeSink({ sink: (orgId) => orgs.get(orgId)?.eventBridge, now, rng: new Rng(`eventbridge:${o.idSeed}`), log });
  // Late-bound: the dialler needs the engine, and the engine reports new calls to the dialler.
  const late: { dialer?: Dialer; botCaller?: BotCaller } = {};
  let phrases: Phrases | undefined;
  // The caller phrases live in speechDir's caller/ folder: a build elsewhere (dist-bench) names speechDir, so this follows it.
  const getPhrases = () => (phrases ??= loadCallerPhrases(o.speechDir !== undefined ? join(o.speechDir, 'caller') : undefined));
  const calls = new CallEngine({
    onCall: (call) => {
      late.dialer?.planCall(call);
      late.botCaller?.planCall(call);
    },
    scheduler,
    clips: () => (clips ??= loadSpeechClips(o.speechDir)),
    publish: (org, topic, body) => {
      if (!eventBridge.wants(org, topic)) return notifications.publish(org, topic, body);
      const eventBody = typeof body === 'function' ? (body as () => unknown)() : body;
      eventBridge.offer(org, topic, eventBody);
      return notifications.publish(org, topic, eventBody);
    },
    recordingReadyAt: (t) => readyAt(t, settings.recordings.transcodeDelayMs),
    onRecordingReady: (call) => {
      const t = call.timeline;
      const env = orgs.get(t.orgId)?.env;
      if (!t.recording || !env) return;
      const rec = t.recording;
      const body = () => ({
        id: rec.id,
        conversationId: t.conversationId,
        fileState: 'AVAILABLE',
        mediaUris: [{ channelId: 'S', mediaUri: media.url({ env, conversationId: t.conversationId, recordingId: rec.id, channel: 'S', format: 'WAV_ULAW' }) }],
        estimatedTranscodeTimeMs: settings.recordings.transcodeDelayMs,
        actualTranscodeTimeMs: settings.recordings.transcodeDelayMs,
      });
      for (const userId of new Set(agentLegs(t).map((l) => l.userId))) notifications.publish(t.orgId, `v2.users.${userId}.conversations.${t.conversationId}.recordings`, body);
    },
  });
  const view = new AnalyticsView(calls, now, () => settings.analytics.availabilityLagMs);
  const integrations = new IntegrationStore(rng, now);
  const partial = { clock, scheduler, rng, orgs, log, urls, calls, integrations, nowIso };
  const dialer = new Dialer({ integrations, calls, orgs, scheduler, now, nowIso, settings: getSettings, log, rng });
  late.dialer = dialer;
  const botCaller = new BotCaller({ integrations, scheduler, nowIso, settings: getSettings, log, rng, phrases: getPhrases });
  late.botCaller = botCaller;
  const ctx: EmulatorContext = {
    ...partial,
    settings: getSettings,
    setSettings: (s) => void (settings = s),
    tokens: new TokenStore(rng),
    notifications,
    eventBridge,
    jobs: new JobService(view, now, getSettings, rng),
    batches: new BatchService(calls, now, getSettings, rng),
    dialer,
    botCaller,
    phrases: getPhrases,
    media,
    recordingFiles: new RecordingFiles((call) => calls.audioOf(call)),
    limiter: new RateLimiter(),
    faults: new FaultInjector(new Rng(`faults:${o.idSeed}`)),
  };
  announceWatermark(ctx);
  return { ctx, view };
}

/** Publishes the data-lake watermark to every org each time it moves. */
function announceWatermark(ctx: EmulatorContext): void {
  const next = () =>
    ctx.scheduler.at(ctx.jobs.nextWatermarkMove(), () => {
      const body = { dataAvailabilityDate: new Date(ctx.jobs.watermark()).toISOString() };
      for (const org of ctx.orgs.all()) ctx.notifications.publish(org.id, 'v2.analytics.conversations.details.jobs.availability', body);
      next();
    });
  next();
}

export const randomSeed = (): string => randomUUID();
