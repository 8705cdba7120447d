/**
 * Topic names: builders for the ones this service subscribes to, and a
 * classifier for what arrives (Genesys Cloud docs, "Notification service: WebSocket", Genesys Cloud docs, "Available notification topics"). Pure.
 */
import type { DetailEventType } from '../models/detail-events.js';

export const topics = {
  /** Voice-only conversation snapshots for one user (flat participants). */
  userCalls: (userId: string): string => `v2.users.${userId}.conversations.calls`,
  /** All-media conversation snapshots for one user. */
  userConversations: (userId: string): string => `v2.users.${userId}.conversations`,
  /** One detail event type of one conversation (over WebSocket there is no wildcard). */
  conversationDetail: (conversationId: string, type: DetailEventType): string => `v2.detail.events.conversation.${conversationId}.${type}`,
};

export type TopicKind =
  | { kind: 'user-calls'; userId: string }
  | { kind: 'user-conversations'; userId: string }
  | { kind: 'detail'; conversationId: string; eventType: DetailEventType }
  | { kind: 'channel-metadata' }
  | { kind: 'socket-closing' }
  | { kind: 'system' }
  | { kind: 'other' };

const USER_CALLS = /^v2\.users\.([^.]+)\.conversations\.calls$/;
const USER_CONVERSATIONS = /^v2\.users\.([^.]+)\.conversations$/;
const DETAIL = /^v2\.detail\.events\.conversation\.([^.]+)\.(.+)$/;

export function classifyTopic(topicName: string): TopicKind {
  let m = USER_CALLS.exec(topicName);
  if (m) return { kind: 'user-calls', userId: m[1] as string };
  m = USER_CONVERSATIONS.exec(topicName);
  if (m) return { kind: 'user-conversations', userId: m[1] as string };
  m = DETAIL.exec(topicName);
  if (m) return { kind: 'detail', conversationId: m[1] as string, eventType: m[2] as string };
  if (topicName === 'channel.metadata') return { kind: 'channel-metadata' };
  if (topicName === 'v2.system.socket_closing') return { kind: 'socket-closing' };
  if (topicName.startsWith('v2.system.')) return { kind: 'system' };
  return { kind: 'other' };
}

/**
 * System topics and heartbeats arrive without a subscription; the Genesys
 * SDKs skip them when subscribing, and so do we.
 */
export function isSubscribable(topicName: string): boolean {
  return topicName !== 'channel.metadata' && !topicName.startsWith('v2.system.') && topicName.trim() === topicName && topicName !== '';
}
