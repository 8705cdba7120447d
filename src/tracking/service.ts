/**
 * Runs conversation tracking for every tenant that has Genesys credentials and
 * a monitored group: one leader per tenant across replicas (a lease in shared
 * state), which runs the TenantWatcher; its events are published to every
 * replica (the gate needs them wherever the AudioHook session landed) and
 * handed to the leader's own consumers (the ingest producer) once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createGenesysClient, type GenesysClient, type NotificationEnvelope } from '../genesys/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { SharedState, Unsubscribe } from '../platform/state/index.js';
import { backoffDelay } from '../platform/util/backoff.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { TenantEvent } from './events.js';
import type { Tenant } from '../tenants/index.js';
import type { Directory } from './directory.js';
import type { HeldConversations } from './held.js';
import { LeaderLease } from './leader.js';
import { ConversationTracker, type CallSnapshot } from './tracker.js';
import { TenantWatcher, type IntakeResult } from './watcher.js';

export const EVENTS_CHANNEL = 'tenant-events';
/** Where a replica hands an EventBridge notification to the tenant's leader (subscribed only while it can take them). */
const intakeChannel = (orgId: string) => `eventbridge-intake:${orgId.toLowerCase()}`;

export interface TrackingOptions {
  state: SharedState;
  directory: Directory;
  replicaId: string;
  log: Logger;
  syncIntervalMs: number;
  leaseTtlMs: number;
  onGap: (orgId: string, from: Date, to: Date) => void;
  /** The leader's conversation snapshots, for the live conversation model (must return at once). */
  observe?: (orgId: string, snapshot: CallSnapshot) => void;
  client?: (tenant: Tenant) => GenesysClient;
  /** What the leader did with each EventBridge notification (for a metric). */
  onIntake?: (result: IntakeResult) => void;
  /** Sessions held on any replica: a leader resolves them on election and when announced. */
  held?: HeldConversations;
  now?: () => number;
}

type Listener = (e: TenantEvent) => void;

/** What goes over the events channel: the publishing replica skips its own batches (it delivered them locally). */
interface EventBatch {
  from: string;
  events: TenantEvent[];
}

interface Running {
  fingerprint: string;
  tenant: TrackedTenant;
  /** For resolving this replica's own held sessions while shared state is down (built on first use). */
  client?: GenesysClient | undefined;
  lease: LeaderLease;
  watcher: TenantWatcher | undefined;
  /** True between election and deposition. */
  leading: boolean;
  /** Writes "a leader is alive" while leading. */
  heartbeat: NodeJS.Timeout | undefined;
  /** The leader's subscription to EventBridge notifications other replicas received. */
  intake?: Unsubscribe | undefined;
}

/** Watching a tenant again: 1 s doubling, at most 30 s. */
const WATCH_RETRY = { baseMs: 1000, maxMs: 30_000 };
/** Publishing events again: 100 ms doubling, at most 2 s. */
const PUBLISH_RETRY = { baseMs: 100, maxMs: 2_000 };
/** Batches of events kept while shared state is down; the oldest go first beyond this. */
const OUTBOX_MAX_BATCHES = 10_000;
/** How long "the last time a leader was alive" is remembered: longer downtimes are the nightly run's. */
const ALIVE_TTL_MS = 7 * 24 * 3600_000;
/** A takeover's gap is queued once per previous heartbeat, whichever replica wins. */
const GAP_ONCE_TTL_MS = 24 * 3600_000;
/** How long a takeover gap may still be unreconciled (ingest runs a second pass an hour later). */
const GAP_PENDING_TTL_MS = 2 * 3600_000;
const aliveKey = (orgId: string) => `leader-alive:${orgId.toLowerCase()}`;

/** What makes a running watcher stale: credentials, endpoints or the group changed. */
function fingerprint(t: Tenant): string {
  return JSON.stringify([t.genesys, t.monitoredGroupId, t.notifications?.source]);
}

/** A tenant with Genesys credentials and a monitored group: the ones this service watches. */
export type TrackedTenant = Tenant & { genesys: NonNullable<Tenant['genesys']> };

export function isTracked(t: Tenant): t is TrackedTenant {
  return t.genesys !== undefined && !!t.monitoredGroupId;
}

export class TrackingService {
  private readonly running = new Map<string, Running>();
  private readonly listeners: Listener[] = [];
  private readonly leaderListeners: Listener[] = [];
  private unsubscribe: Unsubscribe | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly outbox: TenantEvent[][] = [];
  private flushing = false;
  private stopped = false;
  private readonly resolving = new Set<string>();

  constructor(private readonly o: TrackingOptions) {}

  /** Events from every tenant's leader, on every replica. */
  onEvent(l: Listener): void {
    this.listeners.push(l);
  }

  /** Events produced by this replica while it leads the tenant (each exactly once deployment-wide). */
  onLeaderEvent(l: Listener): void {
    this.leaderListeners.push(l);
  }

  async start(): Promise<void> {
    const events = await this.o.state.subscribe(EVENTS_CHANNEL, (message) => {
      const batch = JSON.parse(message) as EventBatch;
      if (batch.from === this.o.replicaId) return; // delivered here already, without the round trip
      this.deliver(batch.events);
    });
    // A replica started holding a call: the leader resolves it now rather than wait for an event that may be lost.
    const held = await this.o.held?.onAnnounce((a) => {
      const w = this.running.get(a.orgId)?.watcher;
      w?.resolve(a.conversationId).catch((err: unknown) => this.o.log.warn({ orgId: a.orgId, conversationId: a.conversationId, err: errorMessage(err) }, 'could not resolve a held session'));
    });
    this.unsubscribe = async () => {
      await events();
      await held?.();
    };
  }

  /** Starts, restarts or stops leases to match the tenants. Serialized. */
  update(tenants: Tenant[]): Promise<void> {
    this.chain = this.chain.then(() => this.apply(tenants)).catch((err: unknown) => this.o.log.error({ err: errorMessage(err) }, 'tracking update failed'));
    return this.chain;
  }

  /** The watcher of a tenant this replica leads. */
  watcher(orgId: string): TenantWatcher | undefined {
    return this.running.get(orgId)?.watcher;
  }

  isLeader(orgId: string): boolean {
    return this.running.get(orgId)?.lease.isLeader ?? false;
  }

  /**
   * An EventBridge notification for the tenant, received on this replica:
   * handled here when this replica leads, otherwise handed to the leader
   * through shared state. False when no leader can take it now (none elected
   * yet, its watcher still starting, shared state down): the caller answers
   * 503 so EventBridge delivers it again.
   */
  async handOver(orgId: string, envelope: NotificationEnvelope): Promise<boolean> {
    const w = this.readyWatcher(orgId);
    if (w) {
      this.intake(w, envelope);
      return true;
    }
    try {
      return (await this.o.state.publish(intakeChannel(orgId), JSON.stringify(envelope))) > 0;
    } catch (err) {
      this.o.log.warn({ orgId, err: errorMessage(err) }, 'could not hand an EventBridge notification to the leader');
      return false;
    }
  }

  private readyWatcher(orgId: string): TenantWatcher | undefined {
    const r = this.running.get(orgId);
    return r?.leading && r.watcher?.ready ? r.watcher : undefined;
  }

  private intake(w: TenantWatcher, envelope: NotificationEnvelope): void {
    this.o.onIntake?.(w.intake(envelope));
  }

  /** While this replica leads an EventBridge tenant, notifications received by other replicas come here. */
  private async listenForIntake(r: Running, orgId: string): Promise<void> {
    if (r.tenant.notifications?.source !== 'eventbridge') return;
    try {
      const unsubscribe = await this.o.state.subscribe(intakeChannel(orgId), (message) => {
        const w = this.readyWatcher(orgId);
        if (w) this.intake(w, JSON.parse(message) as NotificationEnvelope);
      });
      if (r.leading) r.intake = unsubscribe;
      else await unsubscribe();
    } catch (err) {
      // Other replicas answer 503 meanwhile, so EventBridge retries; the next election subscribes again.
      this.o.log.warn({ orgId, err: errorMessage(err) }, 'could not listen for EventBridge notifications from other replicas');
    }
  }

  /**
   * Shared state is unreachable, so neither the leader nor an announcement can
   * reach this replica: it looks its own held session up in Genesys and tells
   * only its own gate. The leader (this replica or another) takes over again
   * once shared state is back and the session is announced.
   */
  async resolveLocally(orgId: string, conversationId: string): Promise<void> {
    const r = this.running.get(orgId);
    const key = `${orgId}/${conversationId}`;
    if (!r || this.resolving.has(key)) return; // one look-up at a time per conversation
    this.resolving.add(key);
    try {
      await this.resolveFromGenesys(r, orgId, conversationId);
    } finally {
      this.resolving.delete(key);
    }
  }

  private async resolveFromGenesys(r: Running, orgId: string, conversationId: string): Promise<void> {
    if (r.watcher) return r.watcher.resolve(conversationId);
    const monitored = new Set((await this.o.directory.monitored(orgId)).map((a) => a.userId));
    r.client ??= this.o.client ? this.o.client(r.tenant) : createGenesysClient(r.tenant.genesys, { logger: this.o.log });
    const snapshot = await r.client.conversations.get(conversationId.toLowerCase());
    if (!snapshot) return;
    const tracker = new ConversationTracker({ orgId, isMonitored: (id) => monitored.has(id), now: Date.now });
    this.deliver(tracker.connectedNow(snapshot).filter((e) => e.type === 'agent.connected' && e.agent.monitored));
  }

  async stop(): Promise<void> {
    await this.update([]);
    this.stopped = true;
    await this.unsubscribe?.();
  }

  private async apply(tenants: Tenant[]): Promise<void> {
    const wanted = new Map(tenants.filter(isTracked).map((t) => [t.orgId, t]));
    for (const [orgId, r] of this.running) {
      const t = wanted.get(orgId);
      if (!t || fingerprint(t) !== r.fingerprint) {
        await r.lease.stop();
        this.running.delete(orgId);
      }
    }
    for (const [orgId, t] of wanted) if (!this.running.has(orgId)) this.begin(t);
  }

  private begin(tenant: TrackedTenant): void {
    // The lease's callbacks close over `r`; they run only after `lease.start()` below.
    const lease = new LeaderLease({
      state: this.o.state,
      name: `tracking:${tenant.orgId}`,
      owner: this.o.replicaId,
      ttlMs: this.o.leaseTtlMs,
      log: this.o.log,
      onElected: () => {
        r.leading = true;
        void this.lead(r, tenant);
      },
      onDeposed: async () => {
        r.leading = false;
        clearInterval(r.heartbeat);
        r.heartbeat = undefined;
        const intake = r.intake;
        r.intake = undefined;
        await intake?.().catch(() => undefined);
        const w = r.watcher;
        r.watcher = undefined;
        await w?.stop();
      },
    });
    const r: Running = { fingerprint: fingerprint(tenant), tenant, watcher: undefined, leading: false, heartbeat: undefined, lease };
    this.running.set(tenant.orgId, r);
    r.lease.start();
  }

  /**
   * Notifications were not watched from the last time a leader was alive until
   * now (a leader died, or the deployment was down): calls that ended then
   * produced no event. Queue a gap reconciliation of that window — once per
   * window, whichever replica wins — and keep saying we are alive.
   */
  private async takeOver(r: Running, orgId: string): Promise<void> {
    const now = () => (this.o.now ?? Date.now)();
    const key = aliveKey(orgId);
    const beat = () => this.o.state.set(key, String(now()), ALIVE_TTL_MS);
    try {
      // No heartbeat (the embedded memory state starts empty, or Redis lost it): the directory's last
      // sync, written by whichever process last led, is the latest moment a leader surely watched.
      const last = Number(await this.o.state.get(key)) || ((await this.o.directory.lastSynced(orgId))?.getTime() ?? 0);
      await beat();
      if (last > 0) await this.queueGap(orgId, last, now());
    } catch (err) {
      this.o.log.warn({ orgId, err: errorMessage(err) }, 'could not read the last leader heartbeat; the nightly run covers the window');
    }
    clearInterval(r.heartbeat);
    r.heartbeat = setInterval(() => void beat().catch(() => undefined), Math.max(50, Math.floor(this.o.leaseTtlMs / 3)));
    r.heartbeat.unref();
  }

  /**
   * Once per window. The reconciliation runs later, on the leader: one that
   * dies before it would lose it, so a takeover while an earlier gap may be
   * unfinished starts its window at that gap.
   */
  private async queueGap(orgId: string, last: number, at: number): Promise<void> {
    const org = orgId.toLowerCase();
    if (!(await this.o.state.setIfAbsent(`leader-gap:${org}:${last}`, this.o.replicaId, GAP_ONCE_TTL_MS))) return;
    const pendingKey = `leader-gap-pending:${org}`;
    const pending = Number(await this.o.state.get(pendingKey));
    const from = pending > 0 ? Math.min(pending, last) : last;
    // Not refreshed by later takeovers: the earliest start is forgotten once its passes are surely done.
    await this.o.state.setIfAbsent(pendingKey, String(from), GAP_PENDING_TTL_MS);
    this.o.log.info({ orgId, lastAlive: new Date(last).toISOString(), from: new Date(from).toISOString() }, 'no leader watched since the last heartbeat; reconciling the window');
    this.o.onGap(orgId, new Date(from), new Date(at));
  }

  /** Starts the watcher, retrying with backoff (bad credentials, Genesys down) while still leading. */
  private async lead(r: Running, tenant: Tenant): Promise<void> {
    await this.takeOver(r, tenant.orgId);
    if (!r.leading) {
      clearInterval(r.heartbeat);
      return;
    }
    const held = this.o.held;
    for (let attempt = 1; r.leading; attempt++) {
      const w = new TenantWatcher({
        tenant,
        directory: this.o.directory,
        publish: (events) => this.publish(events),
        onGap: this.o.onGap,
        ...(this.o.observe ? { observe: (snapshot: CallSnapshot) => this.o.observe?.(tenant.orgId, snapshot) } : {}),
        ...(held ? { held: () => held.list(tenant.orgId) } : {}),
        log: this.o.log.child({ orgId: tenant.orgId }),
        syncIntervalMs: this.o.syncIntervalMs,
        ...(this.o.client ? { client: this.o.client } : {}),
      });
      r.watcher = w;
      try {
        await w.start();
        if (!r.leading) await w.stop();
        else await this.listenForIntake(r, tenant.orgId);
        return;
      } catch (err) {
        const delay = backoffDelay(attempt, WATCH_RETRY);
        this.o.log.error({ orgId: tenant.orgId, err: errorMessage(err), retryInMs: delay }, 'cannot watch the tenant; retrying');
        await w.stop().catch(() => undefined);
        if (r.watcher === w) r.watcher = undefined;
        await sleep(delay, undefined, { ref: false });
      }
    }
  }

  private publish(events: TenantEvent[]): void {
    for (const e of events) for (const l of this.leaderListeners) l(e);
    // This replica's own sessions hear the leader at once, whether shared state is up or not.
    this.deliver(events);
    this.outbox.push(events);
    void this.flush();
  }

  private deliver(events: TenantEvent[]): void {
    for (const e of events) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          this.o.log.error({ err: errorMessage(err), type: e.type }, 'tenant event listener failed');
        }
      }
    }
  }

  /**
   * Sends the outbox in order. Shared state that is down (a Redis restart) keeps
   * the batches, bounded, and a retry with backoff sends them once it is back:
   * a gate decision must not be lost with the connection.
   */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let attempt = 0; !this.stopped; ) {
        const batch = this.outbox[0];
        if (batch === undefined) break;
        try {
          await this.o.state.publish(EVENTS_CHANNEL, JSON.stringify({ from: this.o.replicaId, events: batch } satisfies EventBatch));
          this.outbox.shift();
          attempt = 0;
        } catch (err) {
          this.trimOutbox();
          const delay = backoffDelay(++attempt, PUBLISH_RETRY);
          this.o.log.warn({ err: errorMessage(err), pending: this.outbox.length, retryInMs: delay }, 'could not publish tenant events; retrying');
          await sleep(delay, undefined, { ref: false });
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private trimOutbox(): void {
    const excess = this.outbox.length - OUTBOX_MAX_BATCHES;
    if (excess <= 0) return;
    this.outbox.splice(0, excess);
    this.o.log.error({ dropped: excess }, 'tenant event outbox full; dropped the oldest batches (held sessions are resolved again on announcement)');
  }
}
