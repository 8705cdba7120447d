/**
 * The live model of one conversation: what the deriver keeps between
 * observations (stored as JSON by LiveStore). Conversation → participants,
 * each with how far it got; the analytics tree (sessions, segments, metrics)
 * stays in the normalized tables that ingest writes.
 */
import type { Stage } from './observation.js';

export interface LiveParticipant {
  id: string;
  purpose: string;
  userId?: string | undefined;
  name?: string | undefined;
  queueId?: string | undefined;
  stage: Stage;
  startTime?: string | undefined;
  connectedTime?: string | undefined;
  endTime?: string | undefined;
  disconnectType?: string | undefined;
  /** Start of the hold in progress, if any. */
  heldSince?: string | undefined;
  /** Every hold start seen: a snapshot showing one of these again is a repeat, not a new hold. */
  holdStarts: string[];
  consultParticipantId?: string | undefined;
  wrapupCode?: string | undefined;
}

/** An agent left by transfer and the agent who took the call is not known yet. */
export interface PendingTransfer {
  fromParticipantId: string;
  kind: 'blind' | 'consult';
  at: string;
}

export interface LiveState {
  tenant: string;
  conversationId: string;
  /** The last event's sequence number (0: none yet). */
  seq: number;
  startedAt?: string | undefined;
  endedAt?: string | undefined;
  direction?: string | undefined;
  ani?: string | undefined;
  dnis?: string | undefined;
  participants: LiveParticipant[];
  pendingTransfers: PendingTransfer[];
  /** Participants already reported as the receiving end of a transfer. */
  transferTargets: string[];
  surveys: string[];
  evaluations: string[];
  /** When ingest merged the analytics record (first time). */
  importedAt?: string | undefined;
}

export function emptyState(tenant: string, conversationId: string): LiveState {
  return { tenant, conversationId, seq: 0, participants: [], pendingTransfers: [], transferTargets: [], surveys: [], evaluations: [] };
}
