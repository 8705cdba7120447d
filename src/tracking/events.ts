/**
 * Conversation events, derived from Genesys notifications by the tracker,
 * published by the tenant's leader and consumed by the gate and the ingest
 * producer (through tracking's index). Times are ISO-8601 strings.
 */

export interface AgentRef {
  userId: string;
  participantId: string;
  name?: string | undefined;
  email?: string | undefined;
  queueId?: string | undefined;
  /** Whether the agent is in the tenant's monitored group at the time of the event. */
  monitored: boolean;
}

interface Base {
  orgId: string;
  conversationId: string;
  at: string;
}

export type ConversationEvent =
  | (Base & { type: 'conversation.created'; ani?: string | undefined; dnis?: string | undefined; direction?: string | undefined })
  | (Base & { type: 'participant.added'; participantId: string; purpose: string; userId?: string | undefined; name?: string | undefined })
  /** An agent answered (connected). `monitored` tells the gate whether to admit. */
  | (Base & { type: 'agent.connected'; agent: AgentRef; ani?: string | undefined; dnis?: string | undefined; direction?: string | undefined })
  /** An agent left by transfer; `to` is the agent now handling the call when known. */
  | (Base & { type: 'agent.transfer'; from: AgentRef; to?: AgentRef | undefined; kind: string })
  | (Base & { type: 'agent.disconnected'; agent: AgentRef; disconnectType?: string | undefined })
  | (Base & { type: 'conversation.ended'; endedAt: string });

/** An agent joined or left the tenant's monitored group. */
export interface MonitoringChanged {
  type: 'monitoring.changed';
  orgId: string;
  userId: string;
  monitored: boolean;
  at: string;
}

/** What the tenant's leader publishes to every replica. */
export type TenantEvent = ConversationEvent | MonitoringChanged;
