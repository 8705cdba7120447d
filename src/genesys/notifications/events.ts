/**
 * What a NotificationsManager emits, and a tiny typed emitter. Not Node's
 * EventEmitter: an `error` event without a listener must not crash the process.
 */
import type { CallConversation, Conversation } from '../models/conversation-events.js';
import type { DetailEvent, DetailEventType } from '../models/detail-events.js';
import type { NotificationEnvelope } from '../models/notifications.js';
import type { HandoverReason, LossReason, OpenReason } from './slot-state.js';

interface Delivery {
  topicName: string;
  /** `metadata.CorrelationId` of the envelope. */
  correlationId: string | undefined;
  /** Local clock when the frame arrived. */
  receivedAt: number;
}

export type ConversationNotification = Delivery &
  ({ kind: 'calls'; userId: string; conversation: CallConversation } | { kind: 'all'; userId: string; conversation: Conversation });

export interface DetailNotification extends Delivery {
  conversationId: string;
  eventType: DetailEventType;
  event: DetailEvent;
}

export interface NotificationsEvents {
  /** `v2.users.{id}.conversations.calls` (`kind: 'calls'`) and `v2.users.{id}.conversations` (`kind: 'all'`). */
  conversation: ConversationNotification;
  /** `v2.detail.events.conversation.{id}.*`. */
  detail: DetailNotification;
  /** Any other topic, raw. */
  notification: Delivery & { envelope: NotificationEnvelope };
  /** A channel's socket is live (first time, after recovery, or after a handover). */
  connected: { slotId: string; channelId: string; reason: OpenReason; topicCount: number };
  disconnected: { slotId: string; channelId: string; reason: LossReason };
  /** Traffic moved to a new socket/channel without a gap. */
  handover: { slotId: string; fromChannelId: string | undefined; toChannelId: string; reason: HandoverReason };
  /**
   * Events on these topics may have been lost between `from` and `to` (epoch
   * ms): reconcile through analytics for that window.
   */
  gap: { slotId: string; from: number; to: number; reason: LossReason; topics: string[] };
  error: { slotId: string | undefined; error: Error; during: string };
}

export type NotificationsEventName = keyof NotificationsEvents;
type Listener<K extends NotificationsEventName> = (event: NotificationsEvents[K]) => void;

export class TypedEmitter {
  private readonly listeners = new Map<NotificationsEventName, Set<(e: never) => void>>();

  /** Returns the unsubscribe function. */
  on<K extends NotificationsEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (e: never) => void);
    return () => set.delete(listener as (e: never) => void);
  }

  emit<K extends NotificationsEventName>(name: K, event: NotificationsEvents[K]): void {
    for (const l of this.listeners.get(name) ?? []) {
      try {
        (l as Listener<K>)(event);
      } catch (err) {
        // A throwing listener must not break delivery to the others or the socket loop.
        if (name !== 'error') this.emit('error', { slotId: undefined, error: err instanceof Error ? err : new Error(String(err)), during: `listener:${name}` });
      }
    }
  }
}
