/**
 * Bodies of `v2.detail.events.conversation.{conversationId}.*` (Genesys Cloud docs, topic "v2.detail.events.conversation.{id}").
 * Flat, UPPERCASE enums, `eventTime` in epoch milliseconds.
 */
import type { Open } from './common.js';

export type DetailEventType = Open<
  | 'customer.start' | 'customer.end' | 'user.start' | 'user.end' | 'acd.start' | 'acd.end' | 'acw' | 'wrapup'
  | 'flow.start' | 'flow.end' | 'flow.outcome' | 'voicemail.start' | 'voicemail.end' | 'outbound' | 'attributes' | 'contact'
>;
export type DetailMediaType = Open<'VOICE' | 'CHAT' | 'EMAIL' | 'CALLBACK' | 'COBROWSE' | 'VIDEO' | 'SCREENSHARE' | 'MESSAGE' | 'INTERNALMESSAGE' | 'UNKNOWN'>;
export type DetailDirection = Open<'INBOUND' | 'OUTBOUND' | 'UNKNOWN'>;
export type DetailDisconnectType = Open<
  | 'ENDPOINT' | 'CLIENT' | 'SYSTEM' | 'TRANSFER' | 'ERROR' | 'PEER' | 'OTHER' | 'SPAM' | 'TIMEOUT' | 'TRANSPORT_FAILURE'
  | 'CONFERENCE_TRANSFER' | 'CONSULT_TRANSFER' | 'FORWARD_TRANSFER' | 'NO_ANSWER_TRANSFER' | 'NOT_AVAILABLE_TRANSFER'
  | 'UNCALLABLE' | 'DND_ENDPOINT' | 'DND_TRANSFER' | 'UNKNOWN'
>;
export type DetailRouting = Open<'STANDARD' | 'BULLSEYE' | 'CONDITIONAL' | 'LAST' | 'MANUAL' | 'PREDICTIVE' | 'PREFERRED' | 'VIP' | 'OTHER' | 'UNKNOWN'>;

/** Fields common to every detail event; each type adds a few (all optional here). */
export interface DetailEvent {
  eventTime: number;
  conversationId: string;
  participantId?: string;
  sessionId?: string;
  mediaType?: DetailMediaType;
  provider?: string;
  direction?: DetailDirection;
  ani?: string;
  dnis?: string;
  addressFrom?: string;
  addressTo?: string;
  divisionId?: string;
  externalContactId?: string;
  externalOrganizationId?: string;
  conversationExternalContactIds?: string[];
  // user.* / acw / acd.*
  userId?: string;
  queueId?: string;
  // *.end
  disconnectType?: DetailDisconnectType;
  interactingDurationMs?: number;
  heldDurationMs?: number;
  alertingDurationMs?: number;
  connectedDurationMs?: number;
  // acd.*
  acdOutcome?: Open<'ANSWERED' | 'ABANDON' | 'FLOW_OUT' | 'UNKNOWN'>;
  answeredUserId?: string;
  routingPriority?: number;
  requestedRoutingSkillIds?: string[];
  requestedRoutings?: DetailRouting[];
  usedRouting?: DetailRouting;
  // acw / wrapup
  wrapupCode?: string;
  wrapupNotes?: string;
  wrapupDurationMs?: number;
  // flow.*
  flowId?: string;
  flowType?: string;
  flowVersion?: string;
  exitReason?: string;
  transferType?: string;
}
