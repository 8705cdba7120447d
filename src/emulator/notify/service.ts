/**
 * Notifications as one service: channel lifecycle (create with eviction,
 * expiry timers on the virtual clock, extension on resubscribe), topic
 * permission checks, and publishing events to connected subscribers.
 * Events published while a channel has no socket are lost, as in Genesys.
 */
import { wallMs } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import type { Scheduler, Timer } from '../core/scheduler.js';
import { ApiError, badRequest } from '../errors.js';
import type { EventLog } from '../log/event-log.js';
import type { Settings } from '../settings.js';
import { ChannelRegistry, type Channel, type ChannelOwner } from './channels.js';
import { DeliveryFaults, releaseOrder } from './delivery-faults.js';
import type { NotificationSockets } from './sockets.js';
import { isKnownTopic, rejectionFor } from './topics.js';

export interface ChannelTopicResult {
  id: string;
  state: 'Permitted' | 'Rejected';
  rejectionReason?: string;
  missingPermissions?: string[];
}

export interface NotificationDeps {
  scheduler: Scheduler;
  now: () => number;
  settings: () => Settings;
  log: EventLog;
  rng: Rng;
}

/** One frame on its way to one channel. */
interface Outgoing {
  ch: Channel;
  frame: string;
  topic: string;
  correlationId: string;
  body: unknown;
}

export class Notifications {
  readonly registry = new ChannelRegistry();
  /** Duplicate and out-of-order delivery (control API `notifications/faults`). */
  readonly deliveryFaults = new DeliveryFaults();
  private readonly expiry = new Map<string, Timer>();
  /** Frames a reorder fault holds back, per channel, with the timer that releases them. */
  private readonly held = new Map<string, { frames: Outgoing[]; timer: Timer }>();
  sockets: NotificationSockets | undefined;

  constructor(private readonly deps: NotificationDeps) {}

  private get lifetimeMs(): number {
    return this.deps.settings().notifications.channelLifetimeHours * 3600_000;
  }

  private at(): string {
    return new Date(this.deps.now()).toISOString();
  }

  createChannel(owner: ChannelOwner): Channel {
    const id = `streaming-0-${this.deps.rng.token(26)}`;
    const n = this.deps.settings().notifications;
    const { channel, evicted } = this.registry.create(id, owner, this.deps.now(), this.lifetimeMs, n.maxChannelsPerClient);
    for (const e of evicted) {
      this.forget(e, 'evicted by a new channel');
      this.deps.log.happening(this.at(), 'channel.evicted', { channelId: e.id, clientId: e.clientId, wasConnected: e.connected, by: id });
    }
    this.armExpiry(channel);
    return channel;
  }

  /** Validates topics, then replaces or extends the channel's subscriptions. */
  subscribe(ch: Channel, topics: string[], replace: boolean, ignoreErrors: boolean): ChannelTopicResult[] {
    const results = topics.map((t) => this.check(t));
    const rejected = results.filter((r) => r.state === 'Rejected');
    if (rejected.length > 0 && !ignoreErrors) {
      const first = rejected[0] as ChannelTopicResult;
      throw new ApiError(first.missingPermissions ? this.deps.settings().notifications.rejectionStatus : 400, first.missingPermissions ? 'missing.permissions' : 'bad.request', `Topic ${first.id} was rejected: ${first.rejectionReason}`, {
        details: rejected.map((r) => ({ errorCode: r.missingPermissions ? 'missing.permissions' : 'invalid.topic', fieldName: r.id })),
      });
    }
    const permitted = [...new Set(results.filter((r) => r.state === 'Permitted').map((r) => r.id))];
    const max = this.deps.settings().notifications.maxTopicsPerChannel;
    const total = replace ? permitted.length : new Set([...ch.topics, ...permitted]).size;
    if (total > max) throw badRequest(`Too many topics: a channel can subscribe to at most ${max} topics (this request would make ${total})`, 'notification.topic.limit.exceeded');
    this.registry.subscribe(ch, permitted, replace, this.deps.now(), this.lifetimeMs);
    this.armExpiry(ch);
    return [...[...ch.topics].map((id): ChannelTopicResult => ({ id, state: 'Permitted' })), ...rejected];
  }

  unsubscribeAll(ch: Channel): void {
    this.registry.clear(ch, this.deps.now());
  }

  /** Removes the channel now (control API, or its expiry). */
  expire(ch: Channel, reason = 'channel expired'): void {
    this.forget(ch, reason);
    this.deps.log.happening(this.at(), 'channel.expired', { channelId: ch.id, reason });
  }

  /** Sends an event to every connected channel subscribed to `topic`; the body is only built if someone listens. */
  publish(orgId: string, topic: string, body: unknown | (() => unknown)): number {
    if (!this.registry.hasSubscribers(orgId, topic)) return 0;
    const eventBody = typeof body === 'function' ? (body as () => unknown)() : body;
    const correlationId = this.deps.rng.uuid();
    const frame = JSON.stringify({ topicName: topic, version: '2', eventBody, metadata: { CorrelationId: correlationId } });
    let sent = 0;
    for (const ch of this.registry.subscribers(orgId, topic)) {
      const out: Outgoing = { ch, frame, topic, correlationId, body: eventBody };
      if (this.hold(out)) sent++;
      else if (this.send(out)) sent++;
    }
    return sent;
  }

  /** Releases every frame a reorder fault holds, then forgets the faults. */
  clearDeliveryFaults(): void {
    for (const channelId of [...this.held.keys()]) this.release(channelId);
    this.deliveryFaults.clear();
  }

  /** Sends one frame (twice when a duplicate fault says so) and logs each send; false when no socket took it. */
  private send(o: Outgoing, fault?: 'reordered'): boolean {
    const sentAtMs = wallMs();
    if (!this.sockets?.send(o.ch.id, o.frame)) return false;
    const entry = { at: this.at(), orgId: o.ch.orgId, channelId: o.ch.id, topic: o.topic, correlationId: o.correlationId, body: o.body };
    this.deps.log.notification({ ...entry, sentAtMs, ...(fault ? { fault } : {}) });
    if (this.deliveryFaults.duplicate(o.ch.orgId, o.ch.id) && this.sockets.send(o.ch.id, o.frame)) {
      this.deps.log.notification({ ...entry, sentAtMs: wallMs(), fault: 'duplicate' });
    }
    return true;
  }

  /** Holds the frame when a reorder fault covers its channel; the first held frame opens the window. */
  private hold(o: Outgoing): boolean {
    const r = this.deliveryFaults.reorder(o.ch.orgId, o.ch.id);
    if (!r || !this.sockets?.isConnected(o.ch.id)) return false;
    r.fault.applied++;
    const pending = this.held.get(o.ch.id);
    if (pending) pending.frames.push(o);
    else {
      // From the instant the frame stands for: after a jump of the clock, the window still spans call time.
      const from = this.deps.scheduler.dueAt ?? this.deps.now();
      this.held.set(o.ch.id, { frames: [o], timer: this.deps.scheduler.at(from + r.fault.windowMs, () => this.release(o.ch.id)) });
    }
    return true;
  }

  private release(channelId: string): void {
    const pending = this.held.get(channelId);
    if (!pending) return;
    this.held.delete(channelId);
    pending.timer.cancel();
    const first = pending.frames[0] as Outgoing;
    const r = this.deliveryFaults.reorder(first.ch.orgId, channelId);
    // Frames held while no socket is connected at release are lost, like any other.
    for (const o of r ? releaseOrder(pending.frames, r.fault.order, r.rng) : pending.frames) this.send(o, 'reordered');
  }

  private check(topic: string): ChannelTopicResult {
    if (typeof topic !== 'string' || !isKnownTopic(topic)) return { id: String(topic), state: 'Rejected', rejectionReason: 'Invalid or unsupported topic' };
    const r = rejectionFor(topic, this.deps.settings().notifications.rejectTopics);
    if (r) return { id: topic, state: 'Rejected', rejectionReason: 'Missing permissions', missingPermissions: r.missingPermissions };
    return { id: topic, state: 'Permitted' };
  }

  private forget(ch: Channel, reason: string): void {
    this.held.get(ch.id)?.timer.cancel();
    this.held.delete(ch.id);
    this.expiry.get(ch.id)?.cancel();
    this.expiry.delete(ch.id);
    this.registry.remove(ch.id);
    this.sockets?.close(ch.id, reason);
  }

  private armExpiry(ch: Channel): void {
    this.expiry.get(ch.id)?.cancel();
    this.expiry.set(
      ch.id,
      this.deps.scheduler.at(ch.expires, () => {
        if (this.registry.get(ch.id) === ch && this.deps.now() >= ch.expires) this.expire(ch);
      }),
    );
  }
}
