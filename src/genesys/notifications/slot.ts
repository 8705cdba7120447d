/**
 * Adapter for one channel slot: performs the effects decided by slot-state.ts
 * (REST calls through ChannelsApi, sockets through socket.ts) and feeds their
 * outcomes back. REST work on a slot is serialised, so a topic change never
 * interleaves with a handover's subscribe.
 */
import type { ChannelsApi } from '../api/channels.js';
import { GenesysApiError, SocketUpgradeError, TopicRejectedError } from '../errors.js';
import { jitteredBackoff, type BackoffSettings } from '../http/retry-policy.js';
import type { GenesysLogger } from '../log.js';
import type { ChannelTopic, NotificationEnvelope } from '../models/notifications.js';
import type { Clock, Sleep } from '../time.js';
import { parseFrame, PING_FRAME } from './frames.js';
import { initialSlotState, stepSlot, type ChannelRef, type Phase, type SlotEffect, type SlotEvent, type SlotInput, type SlotSettings } from './slot-state.js';
import { nextSocketId, openSocket, type NotificationSocket } from './socket.js';

export interface SlotRuntime extends SlotSettings {
  reconnectBackoff: BackoffSettings;
  handshakeTimeoutMs: number;
  /** Lifetime assumed after a resubscribe (Genesys: 24 h). */
  channelTtlMs: number;
}

export interface SlotDeps {
  channels: ChannelsApi;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  logger: GenesysLogger;
  settings: SlotRuntime;
  /** True when no further channel may be created (then handovers reuse the channel). */
  channelBudgetFull(): boolean;
  onEvent(envelope: NotificationEnvelope, receivedAt: number): void;
  onSlotEvent(event: SlotEvent): void;
  onRejected(error: TopicRejectedError): void;
}

export interface SlotStatus {
  slotId: string;
  phase: Phase;
  channelId: string | undefined;
  topicCount: number;
  expiresAt: number | undefined;
  lastFrameAt: number | undefined;
}

const isGone = (err: unknown) => (err instanceof GenesysApiError || err instanceof SocketUpgradeError) && err.status === 404;
const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

export class ChannelSlot {
  private state = initialSlotState();
  private readonly sockets = new Map<number, NotificationSocket>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();
  private markReady!: () => void;
  /** Resolves the first time the slot is live. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    readonly slotId: string,
    private topics: string[],
    private readonly d: SlotDeps,
  ) {}

  get topicList(): readonly string[] {
    return this.topics;
  }

  status(): SlotStatus {
    const a = this.state.active;
    return { slotId: this.slotId, phase: this.state.phase, channelId: a?.channelId, topicCount: this.topics.length, expiresAt: a?.expiresAt, lastFrameAt: a?.lastFrameAt };
  }

  start(): void {
    this.dispatch({ type: 'start' });
  }

  tick(now: number): void {
    this.dispatch({ type: 'tick', now });
  }

  /** Applies a new topic list to the live channel (POST for pure additions, PUT otherwise). */
  updateTopics(next: string[], added: readonly string[], removed: readonly string[]): Promise<void> {
    this.topics = next;
    return this.exclusive(async () => {
      const active = this.state.active;
      // Not connected: the next open subscribes the current list anyway.
      if (!active || (added.length === 0 && removed.length === 0)) return;
      try {
        const result = removed.length === 0 ? await this.d.channels.addSubscriptions(active.channelId, added) : await this.d.channels.setSubscriptions(active.channelId, next);
        this.checkRejected(result);
      } catch (err) {
        if (!isGone(err)) throw err;
        // The channel vanished: recover onto a new one, which subscribes `next`.
        this.sockets.get(active.socketId)?.close();
        this.dispatch({ type: 'closed', socketId: active.socketId, channelGone: true, now: this.d.clock.now() });
      }
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.dispatch({ type: 'stop' });
    await this.queue.catch(() => undefined);
  }

  private dispatch(input: SlotInput): void {
    const { state, effects } = stepSlot(this.state, input, this.d.settings);
    this.state = state;
    for (const e of effects) this.run(e);
  }

  private run(e: SlotEffect): void {
    switch (e.type) {
      case 'open':
        void this.open(e);
        return;
      case 'ping':
        this.sockets.get(e.socketId)?.send(PING_FRAME);
        return;
      case 'close':
        this.sockets.get(e.socketId)?.close();
        this.sockets.delete(e.socketId);
        return;
      case 'release':
        void this.exclusive(() => this.d.channels.clearSubscriptions(e.channelId)).catch((err: unknown) =>
          this.d.logger.debug({ channelId: e.channelId, err: String(err) }, 'releasing a notification channel failed'),
        );
        return;
      case 'renew':
        void this.renew(e.channelId);
        return;
      case 'emit':
        if (e.event.type === 'connected') this.markReady();
        this.d.onSlotEvent(e.event);
        return;
    }
  }

  private async open(e: Extract<SlotEffect, { type: 'open' }>): Promise<void> {
    if (e.attempt > 0) await this.d.sleep(jitteredBackoff(e.attempt, this.d.settings.reconnectBackoff, this.d.random), this.abort.signal);
    if (this.abort.signal.aborted) return;
    try {
      await this.exclusive(async () => {
        if (this.abort.signal.aborted) return;
        const channel = await this.channelFor(e);
        const id = nextSocketId();
        const socket = await openSocket(channel.connectUri, { onFrame: (t) => this.onFrame(id, t), onClose: () => this.onClose(id) }, { id, handshakeTimeoutMs: this.d.settings.handshakeTimeoutMs });
        this.sockets.set(id, socket);
        const now = this.d.clock.now();
        this.dispatch({ type: 'opened', conn: { ...channel, socketId: id, connectedAt: now, lastFrameAt: now, lastPingAt: now }, now });
      });
    } catch (err) {
      this.dispatch({ type: 'open-failed', reason: e.reason, error: asError(err), channelGone: isGone(err), now: this.d.clock.now() });
    }
  }

  /**
   * A handover that may not create a channel reconnects to the same one (its
   * subscriptions stand). A recovery checks the old channel still exists and
   * resubscribes (which also extends it); otherwise a new channel is made.
   */
  private async channelFor(e: Extract<SlotEffect, { type: 'open' }>): Promise<ChannelRef> {
    if (e.reuse && e.reason === 'handover') return e.reuse;
    if (e.reuse && (await this.d.channels.exists(e.reuse.channelId))) {
      try {
        return { ...e.reuse, expiresAt: await this.subscribe(e.reuse.channelId) };
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
    const created = await this.d.channels.create();
    const expiresAt = await this.subscribe(created.id);
    const stated = created.expires ? Date.parse(created.expires) : NaN;
    return { channelId: created.id, connectUri: created.connectUri, expiresAt: Number.isNaN(stated) ? expiresAt : Math.min(stated, expiresAt) };
  }

  /** PUTs the slot's topics; returns the expiry this implies. */
  private async subscribe(channelId: string): Promise<number> {
    this.checkRejected(await this.d.channels.setSubscriptions(channelId, this.topics));
    return this.d.clock.now() + this.d.settings.channelTtlMs;
  }

  private async renew(channelId: string): Promise<void> {
    try {
      const expiresAt = await this.exclusive(() => this.subscribe(channelId));
      this.dispatch({ type: 'renewed', channelId, expiresAt, now: this.d.clock.now() });
    } catch (err) {
      this.dispatch({ type: 'renew-failed', channelId, error: asError(err), channelGone: isGone(err), now: this.d.clock.now() });
    }
  }

  private checkRejected(result: readonly ChannelTopic[]): void {
    const rejected = result.filter((t) => t.state === 'Rejected');
    if (rejected.length > 0) {
      this.d.onRejected(new TopicRejectedError(rejected.map((t) => ({ id: t.id, reason: t.rejectionReason, missingPermissions: t.missingPermissions }))));
    }
  }

  private onFrame(socketId: number, text: string): void {
    const now = this.d.clock.now();
    this.dispatch({ type: 'frame', socketId, now });
    const frame = parseFrame(text);
    switch (frame.type) {
      case 'event':
        this.d.onEvent(frame.envelope, now);
        return;
      case 'socket-closing':
        this.dispatch({ type: 'socket-closing', socketId, sameChannel: this.d.channelBudgetFull(), now });
        return;
      case 'reply':
        if (frame.result === '404') {
          this.sockets.get(socketId)?.close();
          this.dispatch({ type: 'closed', socketId, channelGone: true, now });
        }
        return;
      case 'invalid':
        this.d.logger.debug({ slotId: this.slotId, reason: frame.reason }, 'ignoring an unreadable notification frame');
        return;
      case 'metadata':
        return;
    }
  }

  private onClose(socketId: number): void {
    this.sockets.delete(socketId);
    this.dispatch({ type: 'closed', socketId, channelGone: false, now: this.d.clock.now() });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
