/**
 * The log record of one AudioConnector session (a bot call or a connection
 * probe of an audio-connector integration), read by tests through
 * `GET /control/log/botcalls`. Times are milliseconds since the session
 * started, on the session's clock.
 */
import type { PlaybackSpan } from './playout.js';

export interface BargeInRecord {
  /** When the caller frame holding the barge-in phrase's speech onset was sent (undefined: no barge-in step spoke). */
  onsetSentAtMs?: number;
  /** When the `barge_in` event arrived and the playout was flushed. */
  flushedAtMs: number;
  /** flushedAtMs − onsetSentAtMs. */
  latencyMs?: number;
  /** Queued bot audio dropped by the flush (0 when nothing was playing). */
  bytesFlushed: number;
}

/** The end of one caller input: what a bot's response time is measured from. */
export interface CallerTurnRecord {
  kind: 'say' | 'dtmf';
  /** The phrase name, or the keys pressed. */
  input: string;
  /** When the frame holding the phrase's measured speech end was sent, or the step's last key. */
  endSentAtMs: number;
}

export interface BotCallEntry {
  kind: 'bot' | 'probe';
  sessionId: string;
  correlationId: string;
  conversationId: string;
  orgId: string;
  integrationId: string;
  connectorId: string;
  url: string;
  startedAt: string;
  openedAt?: string;
  endedAt?: string;
  /** connecting → open → closing → completed | failed | dropped */
  result: 'connecting' | 'open' | 'closing' | 'completed' | 'failed' | 'dropped';
  httpStatus?: number;
  error?: string;
  /** Reason of the `close` this client sent. */
  closeReason?: string;
  inputVariables: Record<string, string>;
  /** Caller audio sent. */
  framesSent: number;
  bytesSent: number;
  /** Binary messages the server sent (accepted or not) and their bytes. */
  receivedMessages: number;
  receivedBytes: number;
  /** Messages over the binary rate limit: answered with error 429 and dropped. */
  rateLimited: number;
  /** SHA-256 (hex) of the accepted bot audio, in order, and how much of it the log keeps. */
  receivedSha256: string;
  keptBytes: number;
  playbacks: PlaybackSpan[];
  /** The first 1000 barge-ins; `bargeInCount` counts them all. */
  bargeIns: BargeInRecord[];
  bargeInCount: number;
  /** One per `say` and `dtmf` step done (the script has at most 100 steps). */
  callerTurns: CallerTurnRecord[];
  /** Keys sent, in order, one `dtmf` message each. */
  dtmfSent: string;
  /** The caller script: index of the step running (script length when done). */
  step: number;
  disconnect?: { reason: string; info?: string; outputVariables?: Record<string, string> };
  /** `bot_turn_response` events (the first 100; `turnResponseCount` counts them all). */
  turnResponses: { disposition: string; text?: string; confidence?: number }[];
  turnResponseCount: number;
  protocolErrors: string[];
}
