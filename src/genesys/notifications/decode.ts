/**
 * Turns a notification envelope (`{ topicName, eventBody, metadata }`, the
 * same over the WebSocket and in an Amazon EventBridge event's `detail`,
 * Genesys Cloud docs, "Amazon EventBridge integration") into the typed event
 * the manager emits. Pure; event bodies are normalized, not validated.
 */
import { normalizeCallConversation, normalizeConversation, normalizeDetailEvent } from '../models/normalize.js';
import type { NotificationEnvelope } from '../models/notifications.js';
import type { NotificationsEvents } from './events.js';
import { classifyTopic } from './topics.js';

export type DecodedNotification =
  | { event: 'conversation'; payload: NotificationsEvents['conversation'] }
  | { event: 'detail'; payload: NotificationsEvents['detail'] }
  | { event: 'notification'; payload: NotificationsEvents['notification'] };

export function decodeNotification(envelope: NotificationEnvelope, receivedAt: number): DecodedNotification {
  const { topicName } = envelope;
  const kind = classifyTopic(topicName);
  const base = { topicName, correlationId: envelope.metadata?.CorrelationId, receivedAt };
  switch (kind.kind) {
    case 'user-calls':
      return { event: 'conversation', payload: { ...base, kind: 'calls', userId: kind.userId, conversation: normalizeCallConversation(envelope.eventBody) } };
    case 'user-conversations':
      return { event: 'conversation', payload: { ...base, kind: 'all', userId: kind.userId, conversation: normalizeConversation(envelope.eventBody) } };
    case 'detail':
      return { event: 'detail', payload: { ...base, conversationId: kind.conversationId, eventType: kind.eventType, event: normalizeDetailEvent(envelope.eventBody) } };
    default:
      return { event: 'notification', payload: { ...base, envelope } };
  }
}
