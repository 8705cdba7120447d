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
  const o: Record<string, unknown> = Object.fromEntries(Object.entries(raw));
  if (typeof o.topicName === 'string') {
    const kind = classifyTopic(o.topicName).kind;
    const body = record(o.eventBody);
    if (kind === 'channel-metadata') return { type: 'metadata', message: typeof body.message === 'string' ? body.message : undefined };
    if (kind === 'socket-closing') return { type: 'socket-closing', body: systemMessage(body) };
    return { type: 'event', envelope: { ...o, topicName: o.topicName, eventBody: o.eventBody } };
  }
  if (o.result !== undefined) return { type: 'reply', result: String(o.result), status: typeof o.status === 'string' ? o.status : undefined };
  return { type: 'invalid', reason: 'no topicName' };
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {};
}

const SYSTEM_STRINGS = ['channelId', 'systemTopicType', 'correlationId', 'organizationId', 'userId', 'oauthClientId', 'oauthClientOrgId', 'reason', 'message'] as const;

/** The documented fields of a system message that have their documented types. */
function systemMessage(body: Record<string, unknown>): SystemMessage {
  const out: SystemMessage = {};
  for (const k of SYSTEM_STRINGS) {
    const v = body[k];
    if (typeof v === 'string') out[k] = v;
  }
  if (body.data !== undefined) out.data = record(body.data);
  return out;
}

/** The application-level ping Genesys answers with a pong (not a WebSocket ping frame). */
export const PING_FRAME = JSON.stringify({ message: 'ping' });
