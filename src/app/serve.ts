/**
 * `hookline serve`: wires the capabilities into one process. The same code is
 * one embedded process or one of many replicas; configuration decides.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { CaptureServer, RecorderSink } from '../capture/index.js';
import { StreamSink } from '../capture/sinks/stream.js';
import { Gate, type GatePolicy } from '../gate/index.js';
import type { GenesysClient } from '../genesys/index.js';
import { ClientPool, IngestService } from '../ingest/index.js';
import type { Config } from './config.js';
import type { Logger } from '../platform/logging/index.js';
import { createRegistry, type Registry } from '../platform/metrics/index.js';
import { openQueue, type Queue } from '../platform/queue/index.js';
import { openState, type SharedState } from '../platform/state/index.js';
import type { Tenant } from '../tenants/index.js';
import { CONFIG_ORIGIN, TenantCache, type ConfigOrigin } from '../tenants/index.js';
import { ConversationStore, Directory, HeldConversations, TrackingService, isTracked } from '../tracking/index.js';
import { ConnectionGuard } from './connection-guard.js';
import { openContext, type Context } from './context.js';
import { createHttp } from './http.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';

export interface Server {
  ctx: Context;
  capture: CaptureServer;
  gate: Gate;
  tracking: TrackingService;
  ingest: IngestService | undefined;
  tenants: TenantCache;
  store: ConversationStore;
  directory: Directory;
  queue: Queue;
  state: SharedState;
  registry: Registry;
  replicaId: string;
  /** Base URL the server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /** The metrics listener, when enabled. */
  metrics: MetricsServer | undefined;
  /** Graceful stop: unready, drain sessions, close everything. */
  stop(drainMs?: number): Promise<void>;
}

export interface ServerOverrides {
  /** How Genesys clients are built (tests inject faults or clocks). */
  genesysClient?: (tenant: Tenant) => GenesysClient;
  replicaId?: string;
  /** Who owns the config's tenants in the database (see TenantStore.applyConfig); `serve` names its file. */
  configOrigin?: ConfigOrigin;
}

function gatePolicy(t: Tenant | undefined): GatePolicy | undefined {
  if (!t) return undefined;
  // Tenant settings keep seconds as stored in the database and written by `tenant set`; the gate counts in ms.
  return { admission: t.admission, gateTimeoutMs: t.gateTimeoutSeconds * 1000, onGateTimeout: t.onGateTimeout, onTransferAway: t.onTransferAway };
}

export async function startServer(config: Config, log?: Logger, overrides: ServerOverrides = {}): Promise<Server> {
  const ctx = await openContext(config, log, { syncTenants: { origin: overrides.configOrigin ?? CONFIG_ORIGIN } });
  const logger = ctx.log;
  const registry = createRegistry();
  const replicaId = overrides.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const tenants = new TenantCache(ctx.tenants, logger);
  await tenants.start(config.audiohook.credentialRefreshMs);
  const state = await openState(config.state, { logger, keyPrefix: `${config.namespace}:` });
  const queue = await openQueue(config.queue, { db: ctx.db, logger }, { connectionName: `hookline-${config.namespace}-${replicaId}`, leaseMs: config.queueLeaseMs });

  const guard = new ConnectionGuard(config.server, registry);
  const capture = new CaptureServer({
    config,
    log: logger.child({ component: 'audiohook' }),
    registry,
    credentials: tenants,
    onAuthenticated: (socket) => guard.authenticated(socket),
    // With Redis, a signature used on one replica cannot open a session on another.
    ...(state.kind === 'redis' ? { replay: { remember: (key: string, ttlMs: number) => state.setIfAbsent(`audiohook-nonce:${key}`, '1', ttlMs) } } : {}),
  });
  // Held sessions go into shared state, so whichever replica leads the tenant can resolve them.
  const held = new HeldConversations({
    state,
    replicaId,
    log: logger.child({ component: 'gate' }),
    // Shared state down: resolve our own held sessions from Genesys until the leader can reach us again.
    onUnreachable: (c) => void tracking.resolveLocally(c.orgId, c.conversationId).catch((err: Error) => logger.warn({ ...c, err: err.message }, 'could not resolve a held session locally')),
  });
  const gate = new Gate({ policy: (orgId) => gatePolicy(tenants.tenant(orgId)), registry, log: logger.child({ component: 'gate' }), held });
  capture.setAdmission(gate);
  if (config.recorder.enabled) {
    const recorder = new RecorderSink({
      store: ctx.objects,
      spoolDir: config.recorder.spoolDir ?? join(resolve(config.dataDir), 'spool'),
      maxBufferedBytes: config.recorder.maxBufferedBytes,
      maxEvents: config.recorder.maxEvents,
      maxEventBytes: config.recorder.maxEventBytes,
      timelineToleranceSeconds: config.audiohook.timelineToleranceSeconds,
      log: logger.child({ component: 'recorder' }),
      onDrop: capture.metrics.sinkDropCounter('recorder'),
    });
    capture.addSink(recorder);
    recorder.recover().catch((err: Error) => logger.error({ err: err.message }, 'spool recovery failed'));
  }
  capture.addSink(
    new StreamSink({
      destinations: (orgId) => tenants.tenant(orgId)?.downstream ?? [],
      replayBufferSeconds: config.stream.replayBufferSeconds,
      maxBufferedBytes: config.stream.maxBufferedBytes,
      deliverAfterEndMs: config.stream.deliverAfterEndMs,
      log: logger.child({ component: 'stream' }),
      onDrop: capture.metrics.sinkDropCounter('stream'),
    }),
  );

  const store = new ConversationStore(ctx.db);
  const directory = new Directory(ctx.db);
  const clients = new ClientPool(logger.child({ component: 'genesys' }), overrides.genesysClient);
  const ingest = config.ingest.enabled
    ? new IngestService({ config, tenant: (orgId) => tenants.tenant(orgId), db: ctx.db, store, directory, objects: ctx.objects, queue, state, registry, replicaId, log: logger.child({ component: 'ingest' }), clients })
    : undefined;
  const tracking = new TrackingService({
    state,
    directory,
    replicaId,
    log: logger.child({ component: 'tracking' }),
    syncIntervalMs: config.tracking.syncIntervalMs,
    leaseTtlMs: config.tracking.leaseTtlMs,
    onGap: (orgId, from, to) => ingest?.onGap(orgId, from, to),
    held,
    ...(overrides.genesysClient ? { client: overrides.genesysClient } : {}),
  });
  tracking.onEvent((e) => gate.onEvent(e));
  if (ingest) tracking.onLeaderEvent(ingest.onLeaderEvent);
  await tracking.start();
  const warned = new Set<string>();
  const onTenants = (list: Tenant[]) => {
    for (const t of list) {
      if (t.admission === 'monitored-group' && !isTracked(t) && !warned.has(t.orgId)) {
        warned.add(t.orgId);
        logger.warn({ orgId: t.orgId }, 'tenant admits only monitored agents but has no Genesys credentials or group: every call will be held, then dropped');
      }
    }
    void tracking.update(list);
    ingest?.update(list);
  };
  tenants.onRefresh(onTenants);
  onTenants(tenants.all());
  ingest?.start();

  const http = createHttp(
    logger,
    [
      { name: 'database', check: async () => void (await sql`select 1`.execute(ctx.db.kysely)) },
      { name: 'objects', check: () => ctx.objects.check() },
      { name: 'tenants', check: () => { if (!tenants.ready) throw new Error('not loaded'); } },
      // The embedded queue and memory state live in the database and this process: nothing more to check.
      ...(queue.kind === 'rabbitmq' ? [{ name: 'queue', check: () => queue.check() }] : []),
      ...(state.kind === 'redis' ? [{ name: 'state', check: () => state.check() }] : []),
    ],
    () => capture.isDraining,
    { server: config.server, guard },
  );
  http.onUpgrade((req, socket, head) => capture.handleUpgrade(req, socket, head));
  await http.app.listen({ host: config.server.host, port: config.server.port });
  const addr = http.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.server.port;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const metrics = config.metrics.enabled ? await startMetricsServer(config.metrics, registry, logger.child({ component: 'metrics' })) : undefined;
  logger.info({ port, metricsPort: metrics?.port ?? null, path: config.audiohook.path, tenants: tenants.all().length, keys: tenants.size, replicaId, queue: queue.kind, state: state.kind }, 'hookline serving');

  let stopping: Promise<void> | undefined;
  return {
    ctx,
    capture,
    gate,
    tracking,
    ingest,
    tenants,
    store,
    directory,
    queue,
    state,
    registry,
    replicaId,
    url: `http://${host}:${port}`,
    port,
    metrics,
    stop(drainMs = config.server.drainTimeoutMs) {
      stopping ??= (async () => {
        await capture.drain(drainMs);
        // Recordings and downstream streams finish writing before the stores close.
        await capture.flushed(config.stream.deliverAfterEndMs + 5000);
        capture.close();
        await tracking.stop();
        await ingest?.stop(Math.max(drainMs, 1000));
        gate.stop();
        held.stop();
        tenants.stop();
        await http.app.close();
        await metrics?.close();
        await queue.close();
        await state.close();
        await ctx.close();
      })();
      return stopping;
    },
  };
}
