/**
 * Bodies of `v2.users.{id}.conversations.calls` and `v2.users.{id}.conversations`
 * (Genesys Cloud docs, topic "v2.users.{id}.conversations.calls", Genesys Cloud docs, topic "v2.users.{id}.conversations"). Each event is a full snapshot of the conversation.
 */
import type { EntityRef, Open } from './common.js';

export type CallState = Open<
  'alerting' | 'dialing' | 'contacting' | 'offering' | 'connected' | 'disconnected' | 'terminated' | 'converting' | 'uploading' | 'transmitting' | 'scheduled' | 'none'
>;
export type CallDirection = Open<'inbound' | 'outbound'>;
export type CallDisconnectType = Open<
  | 'endpoint' | 'client' | 'system' | 'transfer' | 'timeout' | 'transfer.conference' | 'transfer.consult' | 'transfer.forward'
  | 'transfer.noanswer' | 'transfer.notavailable' | 'transport.failure' | 'error' | 'peer' | 'other' | 'spam' | 'uncallable'
>;
export type RecordingState = Open<'none' | 'active' | 'paused'>;
/** Free string in Genesys; these are the values seen (same vocabulary as analytics). */
export type ParticipantPurpose = Open<'customer' | 'external' | 'agent' | 'user' | 'acd' | 'ivr' | 'voicemail' | 'workflow' | 'station' | 'fax'>;

export interface Wrapup {
  code?: string;
  notes?: string;
  tags: string[];
  durationSeconds?: number;
  endTime?: string;
}

/** A participant on the `.calls` topic: flat, voice only. */
export interface CallParticipant {
  id: string;
  name?: string;
  address?: string;
  startTime?: string;
  connectedTime?: string;
  endTime?: string;
  startHoldTime?: string;
  purpose?: ParticipantPurpose;
  state?: CallState;
  initialState?: CallState;
  direction?: CallDirection;
  disconnectType?: CallDisconnectType;
  held?: boolean;
  wrapupRequired?: boolean;
  wrapupPrompt?: Open<'mandatory' | 'optional' | 'timeout' | 'forcedTimeout' | 'agentRequested'>;
  wrapupTimeoutMs?: number;
  wrapup?: Wrapup;
  startAcwTime?: string;
  endAcwTime?: string;
  muted?: boolean;
  confined?: boolean;
  recording?: boolean;
  recordingState?: RecordingState;
  ani?: string;
  dnis?: string;
  provider?: string;
  peer?: string;
  user?: EntityRef;
  queue?: EntityRef;
  team?: EntityRef;
  alertingTimeoutMs?: number;
  consultParticipantId?: string;
  monitoredParticipantId?: string;
  flaggedReason?: Open<'general'>;
  attributes: Record<string, string>;
  conversationRoutingData?: { queue?: EntityRef; priority?: number; skills: EntityRef[]; language?: EntityRef };
}

export interface ConversationDivision {
  division?: EntityRef;
  entities: EntityRef[];
}

/** eventBody of `v2.users.{userId}.conversations.calls`. */
export interface CallConversation {
  id: string;
  name?: string;
  maxParticipants?: number;
  recordingState?: RecordingState;
  securePause?: boolean;
  divisions: ConversationDivision[];
  participants: CallParticipant[];
}

export interface AfterCallWork {
  state?: Open<'unknown' | 'skipped' | 'pending' | 'complete' | 'notApplicable'>;
  startTime?: string;
  endTime?: string;
}

/** One call leg inside a participant of the generic topic. */
export interface ConversationCall {
  id?: string;
  state?: CallState;
  initialState?: CallState;
  direction?: CallDirection;
  disconnectType?: CallDisconnectType;
  held?: boolean;
  recording?: boolean;
  recordingState?: RecordingState;
  muted?: boolean;
  confined?: boolean;
  recordingId?: string;
  connectedTime?: string;
  disconnectedTime?: string;
  startHoldTime?: string;
  provider?: string;
  peerId?: string;
  self?: { name?: string; nameRaw?: string; addressNormalized?: string; addressRaw?: string; addressDisplayable?: string };
  other?: { name?: string; nameRaw?: string; addressNormalized?: string; addressRaw?: string; addressDisplayable?: string };
  afterCallWork?: AfterCallWork;
  afterCallWorkRequired?: boolean;
}

/** A participant on the generic topic: per-media arrays; the call leg lives in `calls`. */
export interface ConversationParticipant {
  id: string;
  userId?: string;
  queueId?: string;
  teamId?: string;
  purpose?: ParticipantPurpose;
  name?: string;
  address?: string;
  connectedTime?: string;
  endTime?: string;
  wrapupRequired?: boolean;
  wrapupExpected?: boolean;
  wrapupPrompt?: string;
  wrapup?: Wrapup;
  startAcwTime?: string;
  endAcwTime?: string;
  externalContactId?: string;
  externalOrganizationId?: string;
  attributes: Record<string, string>;
  calls: ConversationCall[];
  /** Other media are passed through untyped; a call integration only reads `calls`. */
  callbacks: unknown[];
  chats: unknown[];
  emails: unknown[];
  messages: unknown[];
}

/** eventBody of `v2.users.{userId}.conversations`. */
export interface Conversation {
  id: string;
  name?: string;
  maxParticipants?: number;
  recordingState?: RecordingState;
  divisions: ConversationDivision[];
  participants: ConversationParticipant[];
  recentTransfers: unknown[];
}
