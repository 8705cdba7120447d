/**
 * `hookline serve`: wires the capabilities into one process. The same code is
 * one embedded process or one of many replicas; configuration decides.
 *
 * The composition root: every component is built with what it needs through
 * its constructor, then added to one Lifecycle. Components start in the order
 * added and stop in the reverse order, which is the drain order:
 *
 *   sessions   stop taking sessions (unready), drain them, flush the sinks, close capture
 *   findings   record the guidance findings the live analysis fired last in the live model
 *   tracking   leave the tenants' leadership and notification channels
 *   live-model apply the snapshots tracking fed the live conversation model
 *   analysis   finish the post-call analyses under way
 *   ingest     finish the imports under way
 *   plugins    let the after-commit queues empty, then close the plugins (loaded at start before ingest)
 *   gate       drop its timers (held sessions were drained above)
 *   held       stop watching held sessions in shared state
 *   webhooks   stop sweeping; requests in flight get up to 2 s, the rest are retried later
 *   tenants    stop refreshing tenants and keys
 *   http       close the public port (health and readiness answer until here)
 *   admin      close the admin listener (metrics, read API, console)
 *   queue      close the queue
 *   state      close shared state
 *   database   close the object store, then the database, last
 *
 * Starting runs the same list from the bottom: what a component uses is
 * running before it starts, and the public port takes sessions last.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { AnalysisSink, AnalysisStore, createSpeechAnalyzerFactory, LiveFindings, PostCallService, postCallSpeech, speechSpotter, type FindingSink, type SpeechAnalyzerFactory } from '../analysis/index.js';
import { BadRequestError, BoundedPublisher, analysisOperations, analysisRoutes, ChannelHub, ConversationContextService, LiveCalls, LiveMeterSink, MAX_STREAMS_PER_PRINCIPAL, ReadModel, SessionStatusStore, StreamLimiter, TokenStore, callsChannel, dataActionRoute, eventsChannel, mediaRoutes, liveRoutes, openApiDocument, operationsRoutes, readRoutes, tenantAdminRoutes, recordingStatus, registerRoutes, type AnalysisOperations, type IngestOperations } from '../api/index.js';
import { CaptureServer, RecorderSink, SinkDropMetrics, StreamSink, type Admission, type SessionInfo, type Sink } from '../capture/index.js';
import { Gate, type GatePolicy } from '../gate/index.js';
import type { GenesysClient } from '../genesys/index.js';
import { ClientPool, IngestService, queueNames } from '../ingest/index.js';
import { loadPlugins, PluginRunner } from '../plugins/index.js';
import type { Logger } from '../platform/logging/index.js';
import { Counter, createRegistry, workerMetrics, type Registry } from '../platform/metrics/index.js';
import { openQueue, type Queue } from '../platform/queue/index.js';
import { openState, type IpcLink, type SharedState } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import { ConversationStore, LiveFeed, LiveStore } from '../conversations/index.js';
import { SessionStore, UserStore, loadAssets, type TenantSummary } from '../console/index.js';
import { InstallService, InstallerCredentials, RunStore, genesysUrls, withInstallPaths } from '../install/index.js';
import { CONFIG_ORIGIN, TenantCache, type ConfigOrigin, type DownstreamConfig, type Tenant } from '../tenants/index.js';
import { REST_BODY_LIMIT, botRestRoute } from '../voicebot/index.js';
import { Directory, HeldConversations, TrackingService, isTracked, registerEventBridge, type IntakeResult } from '../tracking/index.js';
import { VoicebotEndpoint, defaultFactories, type VoicebotFactories } from '../voicebot/index.js';
import { DeliveryStore, WebhookDispatcher } from '../webhooks/index.js';
import type { Config } from './config.js';
import { ConnectionGuard } from './connection-guard.js';
import { openContext, type Context } from './context.js';
import { createHttp } from './http.js';
import { Lifecycle } from './lifecycle.js';
import { startAdminServer, type AdminServer } from './admin-server.js';

export interface Server {
  ctx: Context;
  capture: CaptureServer;
  /** The AudioConnector endpoint (voice bots). */
  voicebot: VoicebotEndpoint;
  gate: Gate;
  tracking: TrackingService;
  ingest: IngestService | undefined;
  /** The post-call analysis worker and its store. */
  analysis: { store: AnalysisStore; service: PostCallService };
  /** The loaded in-process plugins (after start). */
  plugins: PluginRunner;
  tenants: TenantCache;
  store: ConversationStore;
  /** Hands the leader's snapshots to the live conversation model (`idle()` waits until applied). */
  liveFeed: LiveFeed;
  directory: Directory;
  queue: Queue;
  state: SharedState;
  registry: Registry;
  replicaId: string;
  /** Base URL the server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /** The admin listener (metrics, read API), when either is enabled. */
  metrics: AdminServer | undefined;
  /** Graceful stop: unready, drain sessions, close everything. */
  stop(drainMs?: number): Promise<void>;
}

export interface ServerOverrides {
  /** How Genesys clients are built (tests inject faults or clocks). */
  genesysClient?: (tenant: Tenant) => GenesysClient;
  replicaId?: string;
  /** Who owns the config's tenants in the database (see TenantStore.applyConfig); `serve` names its file. */
  configOrigin?: ConfigOrigin;
  /** The admission the AudioHook endpoint asks, given the gate (tests watch or replace it); default the gate. */
  admission?: (gate: Gate) => Admission;
  /** Sinks after the recorder and the stream sink (tests collect what sinks see), given the drop counters. */
  sinks?: (drops: SinkDropMetrics) => Sink[];
  /** Phrase spotting and transcripts for the live analysis (docs/guidance.md); default: the `analysis` section's engine. */
  speech?: SpeechAnalyzerFactory;
  /** Bots and speech engines behind the AudioConnector endpoint (tests inject fakes); default: defaultFactories. */
  voicebotFactories?: VoicebotFactories;
  /** The console app's build directory (default dist/console-app, where `npm run build` puts it). */
  consoleAssets?: string;
  /** This process is one worker of `hookline serve`'s cluster (`server.workers` > 1; src/app/cluster.ts). */
  cluster?: ClusterWorker;
}

/** A cluster worker: its place among the workers, and its IPC link to the primary. */
export interface ClusterWorker {
  /** 1…workers; a restarted worker gets its predecessor's. */
  index: number;
  workers: number;
  link: IpcLink;
}

/** Where a recorder spools, and the spool folders no live process writes that it recovers at start. */
export function spoolFolders(base: string, cluster: Pick<ClusterWorker, 'index' | 'workers'> | undefined): { own: string; orphans: string[] } {
  const numbered = (): { dir: string; n: number }[] => {
    try {
      return readdirSync(base, { withFileTypes: true }).flatMap((e) => (e.isDirectory() && /^w[1-9]\d*$/.test(e.name) ? [{ dir: join(base, e.name), n: Number(e.name.slice(1)) }] : []));
    } catch {
      return []; // no spool yet
    }
  };
  // One process: the top folder, and every worker folder a former cluster left.
  if (!cluster) return { own: base, orphans: numbered().map((w) => w.dir) };
  // Worker 1 also takes the top folder (a former single process) and the folders of workers beyond today's count.
  const orphans = cluster.index === 1 ? [base, ...numbered().filter((w) => w.n > cluster.workers).map((w) => w.dir)] : [];
  return { own: join(base, `w${cluster.index}`), orphans };
}

/** dist/console-app (not dist/console: tsc writes src/console there), found from dist/app or, run from source, src/app. */
export const CONSOLE_ASSETS = fileURLToPath(new URL('../../dist/console-app/', import.meta.url));

/** What every stop is given: how long live sessions get to end. */
interface Shutdown {
  drainMs: number;
}

interface Shared {
  ctx: Context;
  config: Config;
  logger: Logger;
  registry: Registry;
  replicaId: string;
  tenants: TenantCache;
  state: SharedState;
  queue: Queue;
  overrides: ServerOverrides;
  /** The live API's channels (api enabled): commits, gate status and level meters published; streams fed. */
  live: LivePlumbing | undefined;
}

interface LivePlumbing {
  hub: ChannelHub;
  publisher: BoundedPublisher;
  limiter: StreamLimiter;
}

/** Live updates (events, statuses, levels) in flight to shared state at once, per replica; beyond, dropped and counted. */
const LIVE_MAX_IN_FLIGHT = 2000;
/** Sessions one replica meters at once: far above the calls it can carry, so a bound only against a leak. */
const LIVE_MAX_METERED = 5000;

function livePlumbing(state: SharedState, logger: Logger, registry: Registry): LivePlumbing {
  const dropped = new Counter({ name: 'hookline_live_dropped_total', help: 'Live updates (events, call status, levels) or metered sessions dropped over their bounds', labelNames: ['what'], registers: [registry] });
  return {
    hub: new ChannelHub(state, logger.child({ component: 'live' })),
    publisher: new BoundedPublisher(state, logger.child({ component: 'live' }), LIVE_MAX_IN_FLIGHT, () => dropped.inc({ what: 'update' })),
    limiter: new StreamLimiter(MAX_STREAMS_PER_PRINCIPAL),
  };
}

/** The name the live view shows for a destination: the configured name, else the host (never the URL: it may hold a token). */
function destinationName(d: DownstreamConfig): string {
  if (d.name !== undefined) return d.name;
  try {
    return new URL(d.url).host;
  } catch {
    return 'destination'; // validated at load; never reached
  }
}

function gatePolicy(t: Tenant | undefined): GatePolicy | undefined {
  if (!t) return undefined;
  // Tenant settings keep seconds as stored in the database and written by `tenant set`; the gate counts in ms.
  return { admission: t.admission, gateTimeoutMs: t.gateTimeoutSeconds * 1000, onGateTimeout: t.onGateTimeout, onTransferAway: t.onTransferAway };
}

function sinks(s: Shared, drops: SinkDropMetrics, findings: FindingSink): Sink[] {
  const { config, logger, ctx, tenants } = s;
  const list: Sink[] = [];
  if (config.recorder.enabled) {
    // Each cluster worker spools in its own folder: a worker recovering at start must never take another's live files.
    const spool = spoolFolders(config.recorder.spoolDir ?? join(resolve(config.dataDir), 'spool'), s.overrides.cluster);
    const recorder = new RecorderSink({
      store: ctx.objects,
      spoolDir: spool.own,
      maxBufferedBytes: config.recorder.maxBufferedBytes,
      flushMs: config.recorder.flushMs,
      maxEvents: config.recorder.maxEvents,
      maxEventBytes: config.recorder.maxEventBytes,
      timelineToleranceSeconds: config.audiohook.timelineToleranceSeconds,
      log: logger.child({ component: 'recorder' }),
      onDrop: drops.counterFor('recorder'),
    });
    recorder.recover(spool.orphans).catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'spool recovery failed'));
    list.push(recorder);
  }
  // Level meters for the live view (api enabled): cheap, never blocking; its writes are bounded by the publisher.
  const meter = s.live ? new LiveMeterSink({ out: s.live.publisher, replicaId: s.replicaId, maxSessions: LIVE_MAX_METERED, onDrop: drops.counterFor('live-meter') }) : undefined;
  list.push(
    new StreamSink({
      destinations: (orgId) => tenants.tenant(orgId)?.downstream ?? [],
      replayBufferSeconds: config.stream.replayBufferSeconds,
      maxBufferedBytes: config.stream.maxBufferedBytes,
      deliverAfterEndMs: config.stream.deliverAfterEndMs,
      log: logger.child({ component: 'stream' }),
      onDrop: drops.counterFor('stream'),
      // The live view's "forwarded to": the destinations whose sockets are open for the session now.
      ...(meter ? { onConnection: (info: SessionInfo, d: DownstreamConfig, open: boolean) => meter.connection(info.sessionId, destinationName(d), open) } : {}),
    }),
  );
  if (meter) list.push(meter);
  // Always there: tenants (and their guidance) change at runtime, and a session of a tenant without guidance costs one lookup.
  list.push(analysisSink(s, drops, findings));
  return [...list, ...(s.overrides.sinks?.(drops) ?? [])];
}

/** Phrase spotting and transcripts for the live analysis, with the `analysis` section's engine (docs/guidance-speech.md). */
const speechFactories = new WeakMap<Shared, SpeechAnalyzerFactory>();

/** One speech analyzer factory per server (its drop counter registers once), shared by the live sink and the post-call worker. */
function speechOf(s: Shared): SpeechAnalyzerFactory {
  let f = speechFactories.get(s);
  if (!f) speechFactories.set(s, (f = s.overrides.speech ?? speechFactory(s)));
  return f;
}

/** The post-call phrase spotter's engines: the live settings with the post-call lag bound, drops counted apart. */
function postCallSpeechFactory(s: Shared): SpeechAnalyzerFactory {
  const dropped = new Counter({ name: 'hookline_analysis_postcall_speech_dropped_bytes_total', help: 'Recording audio (µ-law bytes) the post-call phrase spotter\'s engines dropped: engine further behind than analysis.postCall.speechMaxPendingMs', registers: [s.registry] });
  return createSpeechAnalyzerFactory(postCallSpeech(s.config.analysis), { logger: s.logger.child({ component: 'speech' }), drops: dropped });
}

function speechFactory(s: Shared): SpeechAnalyzerFactory {
  const dropped = new Counter({ name: 'hookline_analysis_speech_dropped_bytes_total', help: 'Call audio (µ-law bytes) the speech engines of the live analysis dropped: engine connecting or behind', registers: [s.registry] });
  return createSpeechAnalyzerFactory(s.config.analysis, { logger: s.logger.child({ component: 'speech' }), drops: dropped });
}

/** Live analysis and guidance rules (docs/guidance.md), after the recorder and the stream sink. */
function analysisSink(s: Shared, drops: SinkDropMetrics, findings: FindingSink): Sink {
  const live = new AnalysisStore(s.ctx.db);
  const fired = new Counter({ name: 'hookline_guidance_findings_total', help: 'Guidance rules that fired on live calls, by rule kind', labelNames: ['kind'], registers: [s.registry] });
  return new AnalysisSink({
    guidance: (orgId) => s.tenants.tenant(orgId)?.guidance,
    findings,
    speech: speechOf(s),
    log: s.logger.child({ component: 'analysis' }),
    onDrop: drops.counterFor('analysis'),
    onFinding: (f) => fired.inc({ kind: f.kind }),
    // What the live analysis saw, compared with the post-call analysis of the recording (docs/guidance-postcall.md).
    onSessionEnd: (session, result) =>
      void live.saveLive(session.orgId, session.conversationId, { sessionId: session.sessionId, ...result }).catch((err: unknown) => s.logger.warn({ ...session, err: errorMessage(err) }, 'could not keep the live analysis summary')),
  });
}

/** The AudioHook endpoint with its admission (the gate) and sinks. */
function buildCapture(s: Shared, guard: ConnectionGuard, status: SessionStatusStore | undefined, onUnreachable: (orgId: string, conversationId: string) => void, findings: FindingSink) {
  const { config, logger, registry, state, replicaId, tenants } = s;
  // Held sessions go into shared state, so whichever replica leads the tenant can resolve them.
  const held = new HeldConversations({ state, replicaId, log: logger.child({ component: 'gate' }), onUnreachable: (c) => onUnreachable(c.orgId, c.conversationId) });
  const gate = new Gate({ policy: (orgId) => gatePolicy(tenants.tenant(orgId)), registry, log: logger.child({ component: 'gate' }), held });
  const capture = new CaptureServer({
    config,
    log: logger.child({ component: 'audiohook' }),
    registry,
    credentials: tenants,
    // With the API on, every decision and state change is also recorded for the Data Action (off the audio path).
    admission: status ? recordingStatus(s.overrides.admission?.(gate) ?? gate, status) : (s.overrides.admission?.(gate) ?? gate),
    sinks: sinks(s, new SinkDropMetrics(registry), findings),
    onAuthenticated: (socket) => guard.authenticated(socket),
    // With Redis, or memory held by the cluster primary, a signature used on one replica or worker cannot open a session on another.
    ...(state.shared ? { replay: { remember: (key: string, ttlMs: number) => state.setIfAbsent(`audiohook-nonce:${key}`, '1', ttlMs) } } : {}),
  });
  return { held, gate, capture };
}

/** The AudioConnector endpoint: the same authentication, replay cache and connection bounds as AudioHook. */
function buildVoicebot(s: Shared, guard: ConnectionGuard): VoicebotEndpoint {
  const { config, logger, registry, state, tenants } = s;
  return new VoicebotEndpoint({
    config,
    log: logger.child({ component: 'audioconnector' }),
    registry,
    credentials: tenants,
    tenant: (orgId) => tenants.tenant(orgId),
    // Offline by default (pocketsphinx, espeak-ng, the demo bot); each connector's settings choose.
    factories: s.overrides.voicebotFactories ?? defaultFactories({ log: logger.child({ component: 'voicebot' }) }),
    limits: config.voicebot,
    onAuthenticated: (socket) => guard.authenticated(socket),
    ...(state.kind === 'redis' ? { replay: { remember: (key: string, ttlMs: number) => state.setIfAbsent(`audiohook-nonce:${key}`, '1', ttlMs) } } : {}),
  });
}

/** Post-call ingest (when enabled) and the tracking that feeds it and the gate. */
function buildPipelines(s: Shared, held: HeldConversations) {
  const { config, logger, ctx, registry, replicaId, state, queue, tenants, overrides } = s;
  const store = new ConversationStore(ctx.db);
  // In-process plugins see each change of the live model before it commits (within their budgets) and after.
  const plugins = new PluginRunner({ registry, log: logger.child({ component: 'plugins' }) });
  // Outbound webhooks read the live model's outbox in their own loop; a commit here only wakes them.
  const webhooks = config.webhooks.enabled
    ? new WebhookDispatcher({ db: ctx.db, tenants, config: config.webhooks, replicaId, log: logger.child({ component: 'webhooks' }), registry })
    : undefined;
  // The live conversation model: the leader's snapshots reach it through a bounded feed, off the gate's path.
  const live = new LiveStore(ctx.db, {
    ...(config.plugins.length > 0 ? { beforeCommit: plugins.beforeCommit } : {}),
    onCommit: (events) => {
      plugins.afterCommit(events);
      webhooks?.wake();
      // To every replica's event streams (the live API), best effort: the outbox stays the record.
      for (const e of events) s.live?.publisher.publish(eventsChannel(e.tenant), JSON.stringify(e));
    },
  });
  const liveFeed = new LiveFeed({ sink: live, log: logger.child({ component: 'live-model' }), registry });
  const directory = new Directory(ctx.db);
  const clients = new ClientPool(logger.child({ component: 'genesys' }), overrides.genesysClient);
  const ingest = config.ingest.enabled
    ? new IngestService({ config, tenant: (orgId) => tenants.tenant(orgId), db: ctx.db, store, directory, objects: ctx.objects, queue, state, registry, replicaId, log: logger.child({ component: 'ingest' }), clients, live })
    : undefined;
  const tracking = new TrackingService({
    state,
    directory,
    replicaId,
    log: logger.child({ component: 'tracking' }),
    syncIntervalMs: config.tracking.syncIntervalMs,
    leaseTtlMs: config.tracking.leaseTtlMs,
    onGap: (orgId, from, to) => ingest?.onGap(orgId, from, to),
    observe: (orgId, snapshot) => void liveFeed.offer(orgId, { kind: 'snapshot', snapshot }),
    onIntake: intakeCounter(registry),
    held,
    ...(overrides.genesysClient ? { client: overrides.genesysClient } : {}),
  });
  return { store, live, directory, ingest, tracking, liveFeed, plugins, webhooks, analysis: buildPostCall(s, store) };
}

/** The post-call analysis worker on `<namespace>-analysis` and its store (docs/guidance-postcall.md). */
function buildPostCall(s: Shared, conversations: ConversationStore) {
  const { config, ctx, queue, tenants, logger } = s;
  const store = new AnalysisStore(ctx.db);
  const queueing = { queue, queueName: queueNames(config.namespace).analysis, recordings: async (t: string, id: string) => (await conversations.get(t, id))?.recordings };
  const service = new PostCallService({
    ...queueing,
    config: config.analysis.postCall,
    objects: ctx.objects,
    store,
    rules: (orgId) => {
      const t = tenants.tenant(orgId);
      return t && (t.guidance?.rules ?? []);
    },
    spotPhrases: speechSpotter(s.overrides.speech ?? postCallSpeechFactory(s), config.analysis.postCall.speechSpeed),
    log: logger.child({ component: 'analysis' }),
  });
  return { store, service, operations: analysisOperations(store, queueing) };
}

/** What tenant leaders did with EventBridge notifications. */
function intakeCounter(registry: Registry): (result: IntakeResult) => void {
  const c = new Counter({ name: 'hookline_eventbridge_intake_total', help: 'EventBridge notifications at the tenant leader: applied, ignored (not a monitored agent\'s or followed call\'s topic), duplicate', labelNames: ['result'], registers: [registry] });
  return (result) => c.inc({ result });
}

/** Starts tracking, then keeps tracking and ingest following the tenants (now and on every refresh). */
async function startTracking(s: Shared, tracking: TrackingService, ingest: IngestService | undefined): Promise<void> {
  await tracking.start();
  const warned = new Set<string>();
  const onTenants = (list: Tenant[]) => {
    for (const t of list) {
      if (t.admission === 'monitored-group' && !isTracked(t) && !warned.has(t.orgId)) {
        warned.add(t.orgId);
        s.logger.warn({ orgId: t.orgId }, 'tenant admits only monitored agents but has no Genesys credentials or group: every call will be held, then dropped');
      }
    }
    void tracking.update(list);
    ingest?.update(list);
  };
  s.tenants.onRefresh(onTenants);
  onTenants(s.tenants.all());
}

function buildHttp(s: Shared, capture: CaptureServer, voicebot: VoicebotEndpoint, guard: ConnectionGuard) {
  const { ctx, tenants, queue, state, logger, config } = s;
  const http = createHttp(
    logger,
    [
      { name: 'database', check: async () => void (await sql`select 1`.execute(ctx.db.kysely)) },
      { name: 'objects', check: () => ctx.objects.check() },
      { name: 'tenants', check: () => { if (!tenants.ready) throw new Error('not loaded'); } },
      // The embedded queue lives in the database, memory state in this process or the cluster primary (checked then).
      ...(queue.kind === 'rabbitmq' ? [{ name: 'queue', check: () => queue.check() }] : []),
      ...(state.shared ? [{ name: 'state', check: () => state.check() }] : []),
    ],
    () => capture.isDraining,
    { server: config.server, guard },
  );
  // AudioHook's path first, then the AudioConnector prefix.
  http.onUpgrade((req, socket, head) => capture.handleUpgrade(req, socket, head));
  http.onUpgrade((req, socket, head) => voicebot.handleUpgrade(req, socket, head));
  return http;
}

/** The read API (admin listener) and the Data Action (public listener), over the conversation model. */
function buildApi(s: Shared, store: ConversationStore, live: LiveStore, status: SessionStatusStore, ingest: IngestService | undefined, analysis: AnalysisOperations) {
  const tokens = new TokenStore(s.ctx.db);
  const read = new ReadModel(s.ctx.db, store, live);
  const streams = s.live ? liveRoutes({ hub: s.live.hub, limiter: s.live.limiter, calls: new LiveCalls(s.state, status) }) : [];
  const routes = [...readRoutes({ read, tokens }), ...streams, ...mediaRoutes({ read, objects: s.ctx.objects }), ...operationsRoutes({ read, deliveries: new DeliveryStore(s.ctx.db), ingest: ingest && ingestOperations(s, ingest) }), ...tenantAdminRoutes({ store: s.ctx.tenants, applied: () => s.tenants.refresh() }), ...analysisRoutes(analysis)];
  const dataAction = dataActionRoute(new ConversationContextService({ store, live, status, recorderEnabled: s.config.recorder.enabled }));
  const botRest = botRestRoute({ tenant: (orgId) => s.tenants.tenant(orgId), log: s.logger.child({ component: 'voicebot-rest' }) });
  return { tokens, routes, dataAction, botRest, openapi: openApiDocument([...routes, dataAction, botRest], '1.0.0') };
}

/** Ingest as the operations API drives it: what `hookline deadletters` and `hookline reconcile` do. */
function ingestOperations(s: Shared, ingest: IngestService): IngestOperations {
  return {
    queue: s.queue,
    queueName: ingest.queues.ingest,
    reports: (orgId, limit) => ingest.reconciler.reports(orgId, limit),
    runNow: (orgId) => {
      const t = s.tenants.tenant(orgId);
      // As the CLI: without these a run would find nothing and report "0 found", which reads like success.
      if (!t?.genesys || !t.monitoredGroupId) throw new BadRequestError(`tenant ${orgId} needs Genesys credentials and a monitored group to reconcile (hookline tenant set)`);
      return ingest.reconcileNow(orgId);
    },
  };
}

/** The operator console on the admin listener: users, sessions, the tenants it lists, the built app. */
function buildConsole(s: Shared) {
  const { ctx, config, logger } = s;
  const tenants = async (): Promise<TenantSummary[]> => {
    const [list, keys] = await Promise.all([ctx.tenants.listTenants(), ctx.tenants.listApiKeys()]);
    const count = new Map<string, number>();
    for (const k of keys) count.set(k.orgId, (count.get(k.orgId) ?? 0) + 1);
    return list.map((t) => ({ orgId: t.orgId, name: t.name, admission: t.admission, keyCount: count.get(t.orgId) ?? 0 }));
  };
  const dir = s.overrides.consoleAssets ?? CONSOLE_ASSETS;
  const assets = loadAssets(dir);
  if (assets.size === 0) logger.warn({ dir }, 'the console app is not built (npm run build): /console/ answers 503, its API works');
  const timeouts = { idleMs: config.console.idleTimeoutMs, absoluteMs: config.console.absoluteTimeoutMs };
  return { deps: { users: new UserStore(ctx.db), sessions: new SessionStore(ctx.db, timeouts), config: config.console, tenants }, assets };
}

/** The install wizard (docs/install.md), when `install.enabled`: its routes are added to the API's OpenAPI document. */
function buildInstall(s: Shared, openapi: Record<string, unknown> | undefined) {
  const { ctx, config } = s;
  if (!config.install.enabled) return undefined;
  if (openapi) withInstallPaths(openapi);
  const runs = new RunStore(ctx.db, ctx.box);
  const service = new InstallService({ config: config.install, runs, tenants: ctx.tenants, tenantsChanged: () => s.tenants.refresh() });
  const assets = loadAssets(s.overrides.consoleAssets ?? CONSOLE_ASSETS);
  return { service, runs, credentials: new InstallerCredentials(ctx.db), assets, apiUrl: genesysUrls(config.install).apiUrl, frameAncestors: config.install.frameAncestors, secureCookie: config.console.secureCookie };
}

export async function startServer(config: Config, log?: Logger, overrides: ServerOverrides = {}): Promise<Server> {
  // A cluster's primary applied the config's tenants once before forking; N workers doing it too would race.
  const ctx = await openContext(config, log, { syncTenants: overrides.cluster ? false : { origin: overrides.configOrigin ?? CONFIG_ORIGIN } });
  const life = new Lifecycle<Shutdown>({ onStopError: (name, err) => ctx.log.error({ component: name, err: errorMessage(err) }, 'stop failed') });
  life.add({ name: 'database', stop: () => ctx.close() });
  try {
    return await compose(ctx, config, overrides, life);
  } catch (err) {
    // A failed start stopped what it had started; this stops what was opened before (state, queue, database).
    await life.stop({ drainMs: 0 }).catch(() => undefined); // each failure is logged by onStopError
    throw err;
  }
}

async function compose(ctx: Context, config: Config, overrides: ServerOverrides, life: Lifecycle<Shutdown>): Promise<Server> {
  const logger = ctx.log;
  const registry = createRegistry();
  const cluster = overrides.cluster;
  const replica = overrides.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // Each worker is a replica of its own (leases, held sessions and queue consumers are per replica).
  const replicaId = cluster ? `${replica}-w${cluster.index}` : replica;
  const state = await openState(config.state, { logger, keyPrefix: `${config.namespace}:`, ...(cluster ? { link: cluster.link } : {}) });
  life.add({ name: 'state', stop: () => state.close() });
  const queue = await openQueue(config.queue, { db: ctx.db, logger }, { connectionName: `hookline-${config.namespace}-${replicaId}`, leaseMs: config.queueLeaseMs });
  life.add({ name: 'queue', stop: () => queue.close() });
  const livePipes = config.api.enabled ? livePlumbing(state, logger, registry) : undefined;
  const s: Shared = { ctx, config, logger, registry, replicaId, tenants: new TenantCache(ctx.tenants, logger), state, queue, overrides, live: livePipes };

  const guard = new ConnectionGuard(config.server, registry);
  // The one cycle: tracking takes `held`, and held asks tracking to resolve its own sessions from Genesys while
  // shared state is unreachable (until the leader can reach us again). A late-bound callback: held only calls
  // it for sessions it holds, which need the public port, opened after tracking is built and started.
  const resolveLocally = (orgId: string, conversationId: string) =>
    void tracking.resolveLocally(orgId, conversationId).catch((err: unknown) => logger.warn({ orgId, conversationId, err: errorMessage(err) }, 'could not resolve a held session locally'));
  // Each gate status record is also published to the tenant's live-calls channel (the Live page).
  const status = config.api.enabled
    ? new SessionStatusStore(state, logger.child({ component: 'api' }), Date.now, (orgId, conversationId, st) => livePipes?.publisher.publish(callsChannel(orgId), JSON.stringify({ t: 'status', conversationId, status: st })))
    : undefined;
  // Late-bound like resolveLocally: the live analysis (a capture sink) records findings in the live model, built
  // with the pipelines below; sessions, and so findings, only start once everything is built.
  const late: { live?: LiveStore } = {};
  const findings = new LiveFindings({ live: { apply: async (orgId, obs) => late.live?.apply(orgId, obs) }, log: logger.child({ component: 'analysis' }) });
  const { held, gate, capture } = buildCapture(s, guard, status, resolveLocally, findings);
  const { store, live, directory, ingest, tracking, liveFeed, plugins, webhooks, analysis } = buildPipelines(s, held);
  late.live = live;
  // Tracking's events feed the gate and, from the tenant's leader only, ingest.
  tracking.onEvent((e) => gate.onEvent(e));
  if (ingest) tracking.onLeaderEvent(ingest.onLeaderEvent);
  const voicebot = buildVoicebot(s, guard);
  const http = buildHttp(s, capture, voicebot, guard);
  const api = status ? buildApi(s, store, live, status, ingest, analysis.operations) : undefined;
  // The Data Action is called by Genesys from the cloud: it must be on the public port (docs/data-actions.md).
  if (api) registerRoutes(http.app, [api.dataAction], { tokens: api.tokens, bodyLimit: 1024 });
  // The REST channel for Data Actions, public for the same reason (docs/voicebot-bots.md).
  if (api) registerRoutes(http.app, [api.botRest], { tokens: api.tokens, bodyLimit: REST_BODY_LIMIT });
  // Public, like AudioHook: an EventBridge API destination calls from AWS (docs/eventbridge.md).
  registerEventBridge(http.app, { tenant: (orgId) => s.tenants.tenant(orgId), handOver: (orgId, e) => tracking.handOver(orgId, e), onAuthenticated: (socket) => guard.authenticated(socket), registry, log: logger });
  let metrics: AdminServer | undefined;

  // Added in start order; stopped in reverse (the order is written down at the top of this file).
  life.add({
    name: 'admin',
    start: async () => {
      if (!config.metrics.enabled && !api) return;
      const consoleApp = config.console.enabled ? buildConsole(s) : undefined;
      const metricsText = cluster ? workerMetrics(registry, cluster.link) : undefined;
      metrics = await startAdminServer({ metrics: config.metrics, registry, metricsText, log: logger.child({ component: 'admin' }), limits: config.server, api, console: consoleApp, install: buildInstall(s, api?.openapi) });
    },
    stop: () => metrics?.close(),
  });
  life.add({ name: 'http', stop: () => http.app.close() });
  life.add({ name: 'tenants', start: () => s.tenants.start(config.audiohook.credentialRefreshMs), stop: () => s.tenants.stop() });
  life.add({ name: 'webhooks', start: () => webhooks?.start(), stop: ({ drainMs }) => webhooks?.stop(Math.min(drainMs, 2000)) });
  life.add({ name: 'held', stop: () => held.stop() });
  life.add({ name: 'gate', stop: () => gate.stop() });
  life.add({ name: 'plugins', start: async () => plugins.use(await loadPlugins(config.plugins, { log: logger.child({ component: 'plugins' }) })), stop: () => plugins.close() });
  life.add({ name: 'ingest', start: () => ingest?.start(), stop: ({ drainMs }) => ingest?.stop(Math.max(drainMs, 1000)) });
  life.add({ name: 'analysis', start: () => analysis.service.start(), stop: () => analysis.service.stop() });
  life.add({ name: 'live-model', stop: () => liveFeed.idle() });
  life.add({ name: 'tracking', start: () => startTracking(s, tracking, ingest), stop: () => tracking.stop() });
  life.add({ name: 'findings', stop: () => findings.idle() });
  life.add({
    name: 'sessions',
    start: async () => void (await http.app.listen({ host: config.server.host, port: config.server.port })),
    stop: async ({ drainMs }) => {
      await Promise.all([capture.drain(drainMs), voicebot.drain(drainMs)]);
      voicebot.close();
      // Recordings and downstream streams finish writing before the stores close.
      await capture.flushed(config.stream.deliverAfterEndMs + 5000);
      capture.close();
    },
  });
  await life.start({ drainMs: 0 });

  const addr = http.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.server.port;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  logger.info({ port, metricsPort: metrics?.port ?? null, console: metrics && config.console.enabled ? `${metrics.baseUrl}/console/` : null, path: config.audiohook.path, tenants: s.tenants.all().length, keys: s.tenants.size, replicaId, pid: process.pid, queue: queue.kind, state: state.kind, plugins: plugins.names }, 'hookline serving');
  return {
    ctx,
    capture,
    voicebot,
    gate,
    tracking,
    ingest,
    analysis,
    plugins,
    tenants: s.tenants,
    store,
    liveFeed,
    directory,
    queue,
    state,
    registry,
    replicaId,
    url: `http://${host}:${port}`,
    port,
    metrics,
    stop: (drainMs = config.server.drainTimeoutMs) => life.stop({ drainMs }),
  };
}
