/**
 * Classifies WebSocket frames (Genesys Cloud docs, "Notification service: WebSocket"). Pure; never throws.
 */
import type { NotificationEnvelope, SystemMessage } from '../models/notifications.js';
import { classifyTopic } from './topics.js';

export type Frame =
  /** Heartbeat, pong or other `channel.metadata`: proof of life, nothing else. */
  | { type: 'metadata'; message: string | undefined }
  | { type: 'socket-closing'; body: SystemMessage }
  | { type: 'event'; envelope: NotificationEnvelope }
  /** Reply to an in-band request; `result: "404"` means the channel is gone. */
  | { type: 'reply'; result: string; status: string | undefined }
  | { type: 'invalid'; reason: string };

export function parseFrame(text: string): Frame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { type: 'invalid', reason: 'not JSON' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { type: 'invalid', reason: 'not an object' };
  const o = raw as Record<string, unknown>;
  if (typeof o.topicName === 'string') {
    const kind = classifyTopic(o.topicName).kind;
    const body = (o.eventBody && typeof o.eventBody === 'object' ? o.eventBody : {}) as Record<string, unknown>;
    if (kind === 'channel-metadata') return { type: 'metadata', message: typeof body.message === 'string' ? body.message : undefined };
    if (kind === 'socket-closing') return { type: 'socket-closing', body: body as SystemMessage };
    return { type: 'event', envelope: { ...(o as object), topicName: o.topicName, eventBody: o.eventBody } as NotificationEnvelope };
  }
  if (o.result !== undefined) return { type: 'reply', result: String(o.result), status: typeof o.status === 'string' ? o.status : undefined };
  return { type: 'invalid', reason: 'no topicName' };
}

/** The application-level ping Genesys answers with a pong (not a WebSocket ping frame). */
export const PING_FRAME = JSON.stringify({ message: 'ping' });
