/**
 * Validation of what a stream sender sends the reference receiver. Whoever
 * can reach the receiver can send anything: every message is checked before
 * its fields go near a file name, a file offset or an allocation.
 */
import { z } from 'zod';
import { NS_PER_SECOND, isUuid, parseDuration } from '../protocol/audiohook/index.js';
import type { StreamMessage } from '../protocol/stream/index.js';

/** Longest position accepted: a day of audio. Offsets derive from positions, so this bounds the file. */
const MAX_POSITION_NS = 24 * 3600 * NS_PER_SECOND;

const uuid = z.string().refine(isUuid, 'must be a UUID');
const duration = z.string().refine((s) => {
  const ns = parseDuration(s);
  return ns !== undefined && ns <= MAX_POSITION_NS;
}, 'must be an ISO 8601 duration of at most 24 h');
const text = z.string().max(256);
const agent = z.object({ id: text, name: text.optional(), email: text.optional() }).nullable();

const start = z.object({
  type: z.literal('start'),
  version: z.number().int(),
  tenant: text,
  conversationId: uuid,
  /** Names the files the call is written to. */
  sessionId: uuid,
  agent,
  participant: z.object({ id: text, ani: text, aniName: text, dnis: text }),
  queueId: text.optional(),
  media: z.object({ format: z.enum(['PCMU', 'L16']), rate: z.number().int().min(1000).max(48_000), channels: z.number().int().min(1).max(2) }),
  channels: z.array(z.enum(['customer', 'agent'])).max(2),
  startTime: text,
  position: duration,
  resumed: z.boolean(),
});

const streamMessage = z.discriminatedUnion('type', [
  start,
  z.object({ type: z.literal('paused'), position: duration }),
  z.object({ type: z.literal('resumed'), position: duration, start: duration, discarded: duration }),
  z.object({ type: z.literal('discarded'), position: duration, start: duration, discarded: duration }),
  z.object({ type: z.literal('gap'), from: duration, to: duration, reason: z.enum(['downstream-unavailable', 'backpressure']) }),
  z.object({ type: z.literal('tagged'), position: duration, agent }),
  z.object({ type: z.literal('end'), reason: text, position: duration, endTime: text, droppedFrames: z.number().int().min(0) }),
]);

export type ParsedMessage = { ok: true; message: StreamMessage } | { ok: false; error: string };

/** Parses one text frame; the error is short enough for a WebSocket close reason (123 bytes). */
export function parseStreamMessage(data: string): ParsedMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return { ok: false, error: 'invalid JSON' };
  }
  const r = streamMessage.safeParse(raw);
  if (r.success) return { ok: true, message: r.data as StreamMessage };
  const issue = r.error.issues[0];
  const where = issue?.path.join('.') || 'message';
  return { ok: false, error: `invalid ${where}: ${issue?.message ?? 'rejected'}`.slice(0, 120) };
}
