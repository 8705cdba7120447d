/**
 * The admission hook: decides, from local state only, whether a new session's
 * audio flows at once, is held paused until something admits it (the gate), or
 * is refused. The default admits every call.
 */
import type { DisconnectReason, Nanos, OpenParameters } from '../protocol/audiohook/index.js';
import type { AgentTag, ConversationTag } from './sinks/port.js';

export interface AdmissionContext {
  orgId: string;
  sessionId: string;
  correlationId: string;
  conversationId: string;
  open: OpenParameters;
}

export type AdmissionDecision =
  /** Stream now; `discardTo` asks the client to skip audio up to that position. */
  | { type: 'admit'; agent?: AgentTag; conversation?: ConversationTag; discardTo?: Nanos }
  /** Answer `opened` with startPaused and wait for `handle.admit()` or `handle.disconnect()`. */
  | { type: 'hold' }
  | { type: 'reject'; reason: DisconnectReason; info?: string };

/** What an admission policy can do to a held (or admitted) session later. */
export interface SessionHandle {
  readonly context: AdmissionContext;
  readonly admitted: boolean;
  readonly ended: boolean;
  readonly position: Nanos;
  /** Starts the sinks with these tags and resumes the stream. */
  admit(tags?: { agent?: AgentTag; conversation?: ConversationTag }): void;
  /** Re-tags an admitted session (e.g. after a transfer). */
  retag(tags: { agent?: AgentTag; conversation?: ConversationTag }): void;
  pause(): void;
  resume(): void;
  disconnect(reason: DisconnectReason, info?: string): void;
}

export interface Admission {
  decide(ctx: AdmissionContext, handle: SessionHandle): AdmissionDecision;
  /** The session ended (closed or dropped). */
  ended?(handle: SessionHandle): void;
}

export const admitAll: Admission = {
  decide: () => ({ type: 'admit' }),
};
