/**
 * Keeps a desired set of topics flowing over as few channels as the limits
 * allow (≤1,000 topics per channel, ≤20 channels per OAuth client), through
 * socket_closing handovers, drops, silent sockets and channel expiry. Emits
 * typed, deduplicated events, and `gap` whenever events may have been lost.
 */
import type { ChannelsApi } from '../api/channels.js';
import { GenesysApiError, GenesysAuthError, type TopicRejectedError } from '../errors.js';
import type { BackoffSettings } from '../http/retry-policy.js';
import type { GenesysLogger } from '../log.js';
import type { NotificationEnvelope } from '../models/notifications.js';
import type { Clock, Sleep } from '../time.js';
import { decodeNotification } from './decode.js';
import { Deduper, eventKey } from './dedupe.js';
import { TypedEmitter, type NotificationsEventName, type NotificationsEvents } from './events.js';
import { GENESYS_LIMITS, planAssignment, type PlanLimits } from './plan.js';
import { ChannelSlot, type SlotRuntime, type SlotStatus } from './slot.js';
import type { SlotEvent } from './slot-state.js';
import { classifyTopic, isSubscribable } from './topics.js';

export interface NotificationsOptions {
  /** Initial desired topics (also settable later with setTopics). */
  topics?: Iterable<string>;
  /** Default 1,000. */
  maxTopicsPerChannel?: number;
  /** Default 20. Lower it when several processes share one OAuth client. */
  maxChannels?: number;
  /** Default 30 s. */
  pingIntervalMs?: number;
  /** Default 75 s without any frame. */
  deadAfterMs?: number;
  /** Resubscribe this long before expiry. Default 1 h. */
  renewBeforeMs?: number;
  /** Channel lifetime after a (re)subscribe. Default 24 h. */
  channelTtlMs?: number;
  /** Keep a replaced socket this long. Default 10 s. */
  drainMs?: number;
  /** How often timers are evaluated. Default 5 s. */
  tickMs?: number;
  /** Default 1 s doubling to 60 s, with jitter. */
  reconnectBackoff?: BackoffSettings;
  /** Default 15 s. */
  handshakeTimeoutMs?: number;
  /** Duplicate suppression window. Default 2 min. */
  dedupeWindowMs?: number;
  /** Defaults: the client's. */
  clock?: Clock;
  sleep?: Sleep;
}

export interface ManagerDeps {
  channels: ChannelsApi;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  logger: GenesysLogger;
}

/** Errors that retrying will not fix: stop and tell the caller. */
function isFatal(err: Error): boolean {
  if (err instanceof GenesysAuthError) return err.status < 500;
  return err instanceof GenesysApiError && (err.status === 400 || err.status === 401 || err.status === 403);
}

export class NotificationsManager {
  private readonly emitter = new TypedEmitter();
  private desired = new Set<string>();
  private slots: ChannelSlot[] = [];
  private slotSeq = 0;
  private ops: Promise<unknown> = Promise.resolve();
  private running = false;
  private loopAbort: AbortController | undefined;
  private readonly limits: PlanLimits;
  private readonly runtime: SlotRuntime;
  private readonly deduper: Deduper;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly tickMs: number;

  constructor(
    private readonly deps: ManagerDeps,
    opts: NotificationsOptions = {},
  ) {
    this.clock = opts.clock ?? deps.clock;
    this.sleep = opts.sleep ?? deps.sleep;
    this.tickMs = opts.tickMs ?? 5_000;
    this.limits = { maxTopicsPerChannel: opts.maxTopicsPerChannel ?? GENESYS_LIMITS.maxTopicsPerChannel, maxChannels: opts.maxChannels ?? GENESYS_LIMITS.maxChannels };
    this.runtime = {
      pingIntervalMs: opts.pingIntervalMs ?? 30_000,
      deadAfterMs: opts.deadAfterMs ?? 75_000,
      renewBeforeMs: opts.renewBeforeMs ?? 3_600_000,
      channelTtlMs: opts.channelTtlMs ?? 86_400_000,
      drainMs: opts.drainMs ?? 10_000,
      renewRetryMs: 60_000,
      reconnectBackoff: opts.reconnectBackoff ?? { baseMs: 1_000, maxMs: 60_000 },
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 15_000,
    };
    this.deduper = new Deduper(opts.dedupeWindowMs ?? 120_000);
    if (opts.topics) this.desired = this.validated(opts.topics);
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends NotificationsEventName>(name: K, listener: (event: NotificationsEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  get topics(): ReadonlySet<string> {
    return this.desired;
  }

  status(): SlotStatus[] {
    return this.slots.map((s) => s.status());
  }

  /**
   * Connects every channel. Resolves when each is live; rejects (and stops)
   * on an error retrying cannot fix, such as bad credentials.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.loopAbort = new AbortController();
    void this.tickLoop(this.loopAbort.signal);
    let fatal: ((e: Error) => void) | undefined;
    const failed = new Promise<never>((_, reject) => (fatal = reject));
    const off = this.on('error', (e) => {
      if (isFatal(e.error)) fatal?.(e.error);
    });
    try {
      await Promise.race([this.enqueue(() => this.apply()), failed]);
    } catch (err) {
      await this.stop();
      throw err;
    } finally {
      off();
    }
  }

  /**
   * Replaces the desired topic set. Topics that stay keep their channel;
   * TopicLimitError if the set cannot fit. Resolves once applied (new
   * channels connected) when running; just records the set otherwise.
   */
  setTopics(topics: Iterable<string>): Promise<void> {
    let next: Set<string>;
    try {
      next = this.validated(topics);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(async () => {
      this.desired = next;
      if (this.running) await this.apply();
    });
  }

  addTopics(topics: Iterable<string>): Promise<void> {
    return this.setTopics([...this.desired, ...topics]);
  }

  removeTopics(topics: Iterable<string>): Promise<void> {
    const drop = new Set(topics);
    return this.setTopics([...this.desired].filter((t) => !drop.has(t)));
  }

  /** Closes every socket and releases the channels' subscriptions. */
  async stop(): Promise<void> {
    this.running = false;
    this.loopAbort?.abort();
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.stop()));
  }

  private validated(topics: Iterable<string>): Set<string> {
    const set = new Set([...topics].filter(isSubscribable));
    planAssignment([], set, this.limits); // throws TopicLimitError early, before anything changes
    return set;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.ops.then(fn, fn);
    this.ops = run.catch(() => undefined);
    return run;
  }

  private async apply(): Promise<void> {
    const plan = planAssignment(
      this.slots.map((s) => ({ slotId: s.slotId, topics: new Set(s.topicList) })),
      this.desired,
      this.limits,
    );
    const retired = new Set(plan.retired);
    const stopping = this.slots.filter((s) => retired.has(s.slotId)).map((s) => s.stop());
    this.slots = this.slots.filter((s) => !retired.has(s.slotId));
    const byId = new Map(this.slots.map((s) => [s.slotId, s]));
    const updates = plan.kept.map((k) => byId.get(k.slotId)?.updateTopics(k.topics, k.added, k.removed));
    const created = plan.created.map((topics) => this.createSlot(topics));
    // Wait for new channels only: an existing one that is recovering must not block a topic change.
    await Promise.all([...stopping, ...updates, ...created.map((s) => s.ready)]);
  }

  private createSlot(topics: string[]): ChannelSlot {
    const slotId = `slot-${++this.slotSeq}`;
    const slot = new ChannelSlot(slotId, topics, {
      channels: this.deps.channels,
      clock: this.clock,
      sleep: this.sleep,
      random: this.deps.random,
      logger: this.deps.logger,
      settings: this.runtime,
      channelBudgetFull: () => this.slots.length >= this.limits.maxChannels,
      onEvent: (envelope, receivedAt) => this.deliver(envelope, receivedAt),
      onSlotEvent: (event) => this.onSlotEvent(slot, event),
      onRejected: (error: TopicRejectedError) => this.emitter.emit('error', { slotId, error, during: 'subscribe' }),
    });
    this.slots.push(slot);
    slot.start();
    return slot;
  }

  private async tickLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.sleep(this.tickMs, signal);
      if (signal.aborted) return;
      const now = this.clock.now();
      for (const s of this.slots) s.tick(now);
    }
  }

  private onSlotEvent(slot: ChannelSlot, e: SlotEvent): void {
    const slotId = slot.slotId;
    switch (e.type) {
      case 'connected':
        return this.emitter.emit('connected', { slotId, channelId: e.channelId, reason: e.reason, topicCount: slot.topicList.length });
      case 'disconnected':
        return this.emitter.emit('disconnected', { slotId, channelId: e.channelId, reason: e.reason });
      case 'handover':
        return this.emitter.emit('handover', { slotId, fromChannelId: e.fromChannelId, toChannelId: e.toChannelId, reason: e.reason });
      case 'gap':
        return this.emitter.emit('gap', { slotId, from: e.from, to: e.to, reason: e.reason, topics: [...slot.topicList] });
      case 'error':
        this.deps.logger.warn({ slotId, during: e.during, err: e.error.message }, 'genesys notifications error');
        return this.emitter.emit('error', { slotId, error: e.error, during: e.during });
    }
  }

  private deliver(envelope: NotificationEnvelope, receivedAt: number): void {
    const { topicName } = envelope;
    const kind = classifyTopic(topicName);
    // After an unsubscribe, a draining socket may still carry the old topics.
    if (kind.kind !== 'system' && !this.desired.has(topicName)) return;
    if (!this.deduper.firstSeen(eventKey(topicName, envelope.eventBody, envelope.metadata?.CorrelationId), receivedAt)) return;
    const d = decodeNotification(envelope, receivedAt);
    // One emit per kind keeps the emitter's name and payload types paired.
    if (d.event === 'conversation') this.emitter.emit('conversation', d.payload);
    else if (d.event === 'detail') this.emitter.emit('detail', d.payload);
    else this.emitter.emit('notification', d.payload);
  }
}
