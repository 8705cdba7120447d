/**
 * The log of everything the emulator emitted, for tests to read through the
 * control API: notification frames sent (per channel and topic), AudioHook
 * sessions dialled (with frame/byte counts and the SHA-256 of the audio), and
 * notable happenings (evictions, probes, socket controls), and AudioConnector
 * bot calls (with the bot audio received). Bounded: the oldest entries go first.
 */
import type { EventEntity } from '../../protocol/audiohook/index.js';
import type { BotCallEntry } from '../botcall/entry.js';

/** Server `event` messages kept per session (Transcription Connector sends one per final); beyond it they are counted. */
export const MAX_SESSION_EVENTS = 1000;

/** One server `event` message as Genesys received it: its entities untouched (transcripts keep their offsets). */
export interface ReceivedEvent {
  /** Virtual time it arrived. */
  at: string;
  entities: EventEntity[];
}

export interface NotificationEntry {
  seq: number;
  at: string;
  orgId: string;
  channelId: string;
  topic: string;
  correlationId: string;
  body: unknown;
  /** Real time the frame was handed to the socket (epoch ms, sub-ms); `at` is virtual time. */
  sentAtMs: number;
  /** A delivery fault acted on this send: the repeat of a duplicated frame, or a frame released out of order. */
  fault?: 'duplicate' | 'reordered';
}

export interface AudioHookEntry {
  kind: 'call' | 'probe';
  sessionId: string;
  correlationId: string;
  conversationId: string;
  orgId: string;
  integrationId: string;
  url: string;
  startedAt: string;
  openedAt?: string;
  endedAt?: string;
  /** connecting → open → closing → completed | failed | dropped */
  result: 'connecting' | 'open' | 'closing' | 'completed' | 'failed' | 'dropped';
  httpStatus?: number;
  error?: string;
  media?: unknown;
  closeReason?: string;
  disconnects: { reason: string; info?: string }[];
  protocolErrors: string[];
  pauses: number;
  resumes: number;
  /** Real time each server `resume` arrived and was acted on (epoch ms, sub-ms). */
  resumedAtMs: number[];
  framesSent: number;
  bytesSent: number;
  /** SHA-256 (hex) of every audio byte sent, in order. */
  sha256: string;
  /** Offset of the stream's first sample in the call audio (8 kHz samples). */
  startSample: number;
  /** Final stream position (seconds) reported by the client core. */
  positionSeconds?: number;
  /** Every server `event` message received, in order (at most MAX_SESSION_EVENTS). */
  events: ReceivedEvent[];
  /** Events received beyond MAX_SESSION_EVENTS, not kept. */
  eventsDropped: number;
}

export interface HappeningEntry {
  seq: number;
  at: string;
  kind: string;
  [key: string]: unknown;
}

/** A type alias (not an interface) so it fits the control client's record-typed query builder. */
export type NotificationQuery = {
  channelId?: string;
  topic?: string;
  topicPrefix?: string;
  conversationId?: string;
  since?: number;
  limit?: number;
};

export class EventLog {
  private seq = 0;
  private readonly notes: NotificationEntry[] = [];
  private readonly sessions = new Map<string, AudioHookEntry>();
  private readonly happenings: HappeningEntry[] = [];
  private readonly botCalls = new Map<string, { entry: BotCallEntry; audio: () => Uint8Array }>();

  constructor(private readonly maxEntries: () => number) {}

  notification(e: Omit<NotificationEntry, 'seq'>): void {
    this.notes.push({ seq: ++this.seq, ...e });
    trim(this.notes, this.maxEntries());
  }

  happening(at: string, kind: string, fields: Record<string, unknown> = {}): void {
    this.happenings.push({ seq: ++this.seq, at, kind, ...fields });
    trim(this.happenings, this.maxEntries());
  }

  /** Registers a session entry; the dialler keeps mutating it as the session runs. */
  session(e: AudioHookEntry): AudioHookEntry {
    this.sessions.set(e.sessionId, e);
    if (this.sessions.size > this.maxEntries()) this.sessions.delete(this.sessions.keys().next().value as string);
    return e;
  }

  /** Registers a bot-call entry and how to read the bot audio it received (kept up to a bound). */
  botCall(e: BotCallEntry, audio: () => Uint8Array): BotCallEntry {
    this.botCalls.set(e.sessionId, { entry: e, audio });
    if (this.botCalls.size > this.maxEntries()) this.botCalls.delete(this.botCalls.keys().next().value as string);
    return e;
  }

  queryBotCalls(q: { conversationId?: string; integrationId?: string }): BotCallEntry[] {
    return [...this.botCalls.values()]
      .map((b) => b.entry)
      .filter((e) => (q.conversationId === undefined || e.conversationId === q.conversationId) && (q.integrationId === undefined || e.integrationId === q.integrationId));
  }

  botCallAudio(sessionId: string): Uint8Array | undefined {
    return this.botCalls.get(sessionId)?.audio();
  }

  queryNotifications(q: NotificationQuery): NotificationEntry[] {
    const out = this.notes.filter(
      (n) =>
        (q.channelId === undefined || n.channelId === q.channelId) &&
        (q.topic === undefined || n.topic === q.topic) &&
        (q.topicPrefix === undefined || n.topic.startsWith(q.topicPrefix)) &&
        (q.conversationId === undefined || n.topic.includes(q.conversationId) || bodyId(n.body) === q.conversationId) &&
        (q.since === undefined || n.seq > q.since),
    );
    return q.limit !== undefined ? out.slice(0, q.limit) : out;
  }

  querySessions(q: { conversationId?: string; kind?: string; integrationId?: string }): AudioHookEntry[] {
    return [...this.sessions.values()].filter(
      (s) =>
        (q.conversationId === undefined || s.conversationId === q.conversationId) &&
        (q.kind === undefined || s.kind === q.kind) &&
        (q.integrationId === undefined || s.integrationId === q.integrationId),
    );
  }

  queryHappenings(q: { kind?: string; since?: number }): HappeningEntry[] {
    return this.happenings.filter((h) => (q.kind === undefined || h.kind === q.kind) && (q.since === undefined || h.seq > q.since));
  }
}

function bodyId(body: unknown): unknown {
  if (!body || typeof body !== 'object') return undefined;
  return ('id' in body ? body.id : undefined) ?? ('conversationId' in body ? body.conversationId : undefined);
}

function trim<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}
