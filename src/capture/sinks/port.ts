/**
 * What capture hands to sinks (recorder, stream forwarding, analysis): an
 * admitted session's metadata, its audio on the stream timeline, its control
 * events and its end. Positions are nanoseconds on the AudioHook timeline.
 */
import type { EventEntity, MediaParameter, Nanos, Participant } from '../../protocol/audiohook/index.js';

export interface AgentTag {
  id: string;
  name?: string | undefined;
  email?: string | undefined;
}

export interface ConversationTag {
  queueId?: string | undefined;
  participantId?: string | undefined;
  ani?: string | undefined;
  dnis?: string | undefined;
  direction?: string | undefined;
}

export interface SessionInfo {
  orgId: string;
  sessionId: string;
  correlationId: string;
  conversationId: string;
  participant: Participant;
  /** The selected media: sinks are only opened for sessions that stream audio. */
  media: MediaParameter;
  language?: string | undefined;
  openedAt: string;
  admittedAt: string;
  /** Timeline position at which the session was admitted. */
  admittedPosition: Nanos;
  agent?: AgentTag | undefined;
  conversation?: ConversationTag | undefined;
  /** The open message's parameters, for sidecars: written out as they came, read by no sink. */
  openParameters: object;
}

export type SinkControl =
  | { type: 'paused'; position: Nanos }
  | { type: 'resumed'; position: Nanos; start: Nanos; discarded: Nanos }
  | { type: 'discarded'; position: Nanos; start: Nanos; discarded: Nanos }
  | { type: 'update'; position: Nanos; parameters: Record<string, unknown> }
  | { type: 'rtt'; position: Nanos; rtt: Nanos }
  | { type: 'tagged'; position: Nanos; agent?: AgentTag | undefined; conversation?: ConversationTag | undefined };

export interface SinkEnd {
  /** Close reason (end, disconnect, error, reconnect), or 'socket-drop' when the socket went without a close. */
  reason: string;
  position: Nanos;
  endedAt: string;
}

/** One admitted session as one sink sees it. `audio` and `control` must not block or throw. */
export interface SinkSession {
  audio(data: Uint8Array, position: Nanos, samples: number): void;
  control(event: SinkControl): void;
  /** Flushes asynchronously; capture has already answered `closed`. */
  end(summary: SinkEnd): Promise<void>;
}

/**
 * The way back to Genesys for one session: AudioHook `event` messages (e.g.
 * Transcription Connector `transcript` entities). Never blocks; returns false
 * when the message was not sent (session no longer active, or over 64 KiB).
 */
export interface SessionEvents {
  send(entities: EventEntity[]): boolean;
}

export interface Sink {
  readonly name: string;
  /** Returns undefined when this sink does not want the session. Must not block. */
  open(info: SessionInfo, events?: SessionEvents): SinkSession | undefined;
  close?(): Promise<void>;
}
