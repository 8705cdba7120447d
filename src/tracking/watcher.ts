/**
 * What a tenant's leader does: keep the agent directory in sync with the
 * monitored Genesys group, hold the notification channels for those agents'
 * conversation topics, turn snapshots into common events, and hand them to
 * every replica. One source of truth for the gate, the ingest producer and
 * integrators.
 */
import {
  classifyTopic,
  createGenesysClient,
  decodeNotification,
  Deduper,
  detailsQuery,
  eventKey,
  topics,
  type ConversationNotification,
  type DetailNotification,
  type GenesysClient,
  type NotificationEnvelope,
  type NotificationsManager,
  type User,
} from '../genesys/index.js';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { ConversationEvent, TenantEvent } from './events.js';
import type { Tenant } from '../tenants/index.js';
import type { Agent, Directory } from './directory.js';
import { ConversationTracker, type CallSnapshot } from './tracker.js';

export interface WatcherDeps {
  tenant: Tenant;
  directory: Directory;
  /** Delivers events to every replica (and the leader's own consumers). */
  publish: (events: TenantEvent[]) => void;
  /**
   * Every conversation snapshot the leader sees, for the live conversation
   * model. Must return at once (it runs on the notification path).
   */
  observe?: (snapshot: CallSnapshot) => void;
  /** Notifications may have been lost in this window: reconcile it. */
  onGap: (orgId: string, from: Date, to: Date) => void;
  /** Conversations some replica holds a session of (resolved on start). */
  held?: () => Promise<string[]>;
  log: Logger;
  syncIntervalMs: number;
  now?: () => number;
  /** For tests: how to build the Genesys client. */
  client?: (tenant: Tenant) => GenesysClient;
}

export class WatcherError extends Error {
  override name = 'WatcherError';
}

const CUSTOMER_END = 'customer.end';

/** What became of a notification handed over from Amazon EventBridge. */
export type IntakeResult = 'applied' | 'ignored' | 'duplicate';

/** What exists only once start() has checked the tenant: set together, never half. */
interface Started {
  client: GenesysClient;
  tracker: ConversationTracker;
  groupId: string;
}

function toAgent(u: User): Agent {
  return { userId: u.id, name: u.name, email: u.email, active: (u.state ?? 'active') === 'active' };
}

export class TenantWatcher {
  private started: Started | undefined;
  private manager: NotificationsManager | undefined;
  private monitored = new Map<string, Agent>();
  /** Conversations whose monitored agents left before the end: followed by their detail topic. */
  private followed = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  /** EventBridge delivers at least once (and Genesys retries): the same window as a channel's handover dedupe. */
  private readonly intakeDedupe = new Deduper();
  private intakeOpen = false;
  private readonly now: () => number;
  private readonly orgId: string;

  constructor(private readonly d: WatcherDeps) {
    this.now = d.now ?? Date.now;
    this.orgId = d.tenant.orgId;
  }

  get monitoredAgents(): Agent[] {
    return [...this.monitored.values()];
  }

  async start(): Promise<void> {
    const t = this.d.tenant;
    if (!t.genesys) throw new WatcherError(`tenant ${t.orgId}: no Genesys credentials (tenant set --genesys-client-id …)`);
    if (!t.monitoredGroupId) throw new WatcherError(`tenant ${t.orgId}: no monitored group (tenant set --group …)`);
    const s: Started = {
      client: this.d.client ? this.d.client(t) : createGenesysClient(t.genesys, { logger: this.d.log }),
      tracker: new ConversationTracker({ orgId: this.orgId, isMonitored: (id) => this.monitored.has(id), now: this.now }),
      groupId: t.monitoredGroupId,
    };
    this.started = s;
    await this.syncDirectory(s);
    this.intakeOpen = true;
    // With Amazon EventBridge, Genesys pushes the topics to AWS and the events come in through intake().
    if ((t.notifications?.source ?? 'websocket') === 'websocket') await this.openChannels(s);
    // Events between the previous leader's end and our subscription are lost.
    // Held sessions first: their agents wait for audio, and analytics lags the
    // newest calls. Then the calls analytics knows, so they are tracked too.
    await this.resolveHeld().catch((err: unknown) => this.d.log.warn({ orgId: this.orgId, err: errorMessage(err) }, 'could not resolve the held sessions after taking over'));
    await this.claimLiveCalls(s, [...this.monitored.keys()]).catch((err: unknown) => this.d.log.warn({ orgId: this.orgId, err: errorMessage(err) }, 'could not look up live calls after taking over'));
    this.every(this.d.syncIntervalMs, () => this.resync());
    this.every(60_000, () => s.tracker.sweep());
    this.d.log.info({ orgId: this.orgId, monitored: this.monitored.size }, 'watching the monitored agents');
  }

  private async openChannels(s: Started): Promise<void> {
    const manager = s.client.notifications.createManager({ topics: this.topicSet() });
    this.manager = manager;
    manager.on('conversation', (n) => this.onConversation(s, n));
    manager.on('detail', (n) => this.onDetail(s, n));
    manager.on('gap', (g) => {
      this.d.log.warn({ orgId: this.orgId, from: new Date(g.from).toISOString(), to: new Date(g.to).toISOString(), reason: g.reason }, 'notification gap; reconciling the window');
      this.d.onGap(this.orgId, new Date(g.from), new Date(g.to));
    });
    manager.on('error', (e) => this.d.log.error({ orgId: this.orgId, during: e.during, err: e.error.message }, 'notifications error'));
    await manager.start();
  }

  private onConversation(s: Started, n: ConversationNotification): void {
    this.apply(s.tracker.apply(n.conversation));
    this.d.observe?.(n.conversation);
  }

  private onDetail(s: Started, n: DetailNotification): void {
    // Event bodies are not validated (genesys/models/normalize.ts): a missing eventTime means now.
    if (n.eventType === CUSTOMER_END) this.apply(s.tracker.endFromDetail(n.conversationId, typeof n.event.eventTime === 'number' ? n.event.eventTime : this.now()));
  }

  /** True once start() knows the monitored agents: intake() can take events. */
  get ready(): boolean {
    return this.intakeOpen;
  }

  /**
   * A notification from Amazon EventBridge, whose topic filters (`{id}` is a
   * wildcard there) cover every user and conversation of the organization:
   * only the topics a channel of ours would carry are handled, each once,
   * exactly as if it had come over the channel.
   */
  intake(envelope: NotificationEnvelope): IntakeResult {
    const s = this.started;
    if (!s || !this.intakeOpen || !this.wanted(envelope.topicName)) return 'ignored';
    const now = this.now();
    if (!this.intakeDedupe.firstSeen(eventKey(envelope.topicName, envelope.eventBody, envelope.metadata?.CorrelationId), now)) return 'duplicate';
    const d = decodeNotification(envelope, now);
    if (d.event === 'conversation') this.onConversation(s, d.payload);
    else if (d.event === 'detail') this.onDetail(s, d.payload);
    return 'applied';
  }

  /** The topics subscribed over a channel: monitored agents' calls, and the customer end of followed calls. */
  private wanted(topicName: string): boolean {
    const k = classifyTopic(topicName);
    if (k.kind === 'user-calls') return this.monitored.has(k.userId.toLowerCase());
    return k.kind === 'detail' && k.eventType === CUSTOMER_END && this.followed.has(k.conversationId.toLowerCase());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.manager?.stop();
    this.manager = undefined;
  }

  /** Re-reads the group; updates subscriptions and tells replicas who joined or left. */
  async resync(): Promise<void> {
    try {
      const s = this.started;
      if (!s) throw new WatcherError(`tenant ${this.orgId}: resync before start`);
      const diff = await this.syncDirectory(s);
      if (diff.added.length === 0 && diff.removed.length === 0) return;
      await this.manager?.setTopics(this.topicSet());
      const at = new Date(this.now()).toISOString();
      this.d.publish([
        ...diff.removed.map((userId): TenantEvent => ({ type: 'monitoring.changed', orgId: this.orgId, userId, monitored: false, at })),
        ...diff.added.map((userId): TenantEvent => ({ type: 'monitoring.changed', orgId: this.orgId, userId, monitored: true, at })),
      ]);
      if (diff.added.length > 0) await this.claimLiveCalls(s, diff.added);
    } catch (err) {
      this.d.log.error({ orgId: this.orgId, err: errorMessage(err) }, 'directory sync failed; keeping the previous agents');
    }
  }

  private async syncDirectory(s: Started): Promise<{ added: string[]; removed: string[] }> {
    const members = async function* (): AsyncIterable<Agent> {
      for await (const u of s.client.groups.members(s.groupId)) yield toAgent(u);
    };
    const result = await this.d.directory.sync(this.orgId, members());
    this.monitored = result.monitored;
    if (result.added.length || result.removed.length) {
      this.d.log.info({ orgId: this.orgId, monitored: [...this.monitored.values()].map((a) => a.name ?? a.userId), added: result.added.length, removed: result.removed.length }, 'monitored agents');
    }
    return result;
  }

  /**
   * Reads the conversation's current state (no analytics lag) through the
   * tracker, so it is tracked like any other, and publishes what it implies.
   * `reannounce` picks the connected agents to announce even when the tracker
   * knew them: a replica holding the call may have missed the first event.
   */
  async resolve(conversationId: string, reannounce: (userId: string) => boolean = () => true): Promise<void> {
    const s = this.started;
    if (!s) return;
    const { client, tracker } = s;
    const snapshot = await client.conversations.get(conversationId.toLowerCase());
    if (!snapshot) return;
    const events = tracker.apply(snapshot);
    this.d.observe?.(snapshot);
    const told = new Set(events.flatMap((e) => (e.type === 'agent.connected' ? [e.agent.userId] : [])));
    const again = tracker.connectedNow(snapshot).filter((e) => e.type === 'agent.connected' && e.agent.monitored && !told.has(e.agent.userId) && reannounce(e.agent.userId));
    this.apply([...events, ...again]);
  }

  private async resolveHeld(): Promise<void> {
    const ids = (await this.d.held?.()) ?? [];
    if (ids.length) this.d.log.info({ orgId: this.orgId, held: ids.length }, 'resolving the held sessions');
    for (const id of ids) await this.resolve(id).catch((err: unknown) => this.d.log.warn({ orgId: this.orgId, conversationId: id, err: errorMessage(err) }, 'could not resolve a held session'));
  }

  /**
   * An agent added to the group mid-call produces no new snapshot until the
   * call changes, and a new leader missed what happened before it subscribed:
   * find the agents' live calls in analytics and resolve each from its
   * current state (analytics lags: held sessions are resolved apart).
   */
  private async claimLiveCalls({ client }: Started, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const to = new Date(this.now());
    const from = new Date(to.getTime() - 12 * 3600_000);
    const live = new Set<string>();
    for await (const c of client.analytics.query(detailsQuery({ from, to, userIds, endedOnly: false }))) {
      if (!c.conversationEnd) live.add(c.conversationId);
    }
    const wanted = new Set(userIds);
    for (const id of live) await this.resolve(id, (userId) => wanted.has(userId)).catch((err: unknown) => this.d.log.warn({ orgId: this.orgId, conversationId: id, err: errorMessage(err) }, 'could not resolve a live call'));
  }

  private apply(events: ConversationEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) {
      if (e.type === 'agent.connected') e.agent.email = this.monitored.get(e.agent.userId)?.email;
      if (e.type === 'agent.transfer' && e.from.monitored && !e.to?.monitored) this.follow(e.conversationId);
      if (e.type === 'agent.disconnected' && e.agent.monitored && this.started?.tracker.isOpen(e.conversationId)) this.follow(e.conversationId);
      if (e.type === 'conversation.ended') this.unfollow(e.conversationId);
    }
    this.d.publish(events);
  }

  private follow(conversationId: string): void {
    if (this.followed.has(conversationId)) return;
    this.followed.add(conversationId);
    void this.manager?.addTopics([topics.conversationDetail(conversationId, CUSTOMER_END)]).catch((err: unknown) => this.d.log.warn({ err: errorMessage(err) }, 'could not follow a transferred call'));
  }

  private unfollow(conversationId: string): void {
    if (!this.followed.delete(conversationId)) return;
    void this.manager?.removeTopics([topics.conversationDetail(conversationId, CUSTOMER_END)]).catch(() => undefined);
  }

  private topicSet(): string[] {
    return [...[...this.monitored.keys()].map(topics.userCalls), ...[...this.followed].map((c) => topics.conversationDetail(c, CUSTOMER_END))];
  }

  private every(ms: number, fn: () => unknown): void {
    const t = setInterval(() => void fn(), ms);
    t.unref();
    this.timers.push(t);
  }
}
