/**
 * The live model of one conversation: what the deriver keeps between
 * observations (stored as JSON by LiveStore). Conversation → participants,
 * each with how far it got; the analytics tree (sessions, segments, metrics)
 * stays in the normalized tables that ingest writes.
 */
import type { ParticipantFacts } from './observation.js';

export interface LiveParticipant extends ParticipantFacts {
  /** Start of the hold in progress, if any. */
  heldSince?: string | undefined;
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
  /** Ids of the guidance findings already recorded (the newest MAX_FINDING_IDS): a re-delivered one makes no second event. */
  findings?: string[] | undefined;
  /** What plugins keep with the conversation (their before-commit `enrich.state`), by plugin name. */
  enrichment?: Record<string, Record<string, unknown>> | undefined;
}

/** Findings remembered per conversation for de-duplication; a call fires far fewer rules than this. */
export const MAX_FINDING_IDS = 500;

export function emptyState(tenant: string, conversationId: string): LiveState {
  return { tenant, conversationId, seq: 0, participants: [], pendingTransfers: [], transferTargets: [], surveys: [], evaluations: [] };
}
