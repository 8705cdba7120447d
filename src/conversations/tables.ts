/**
 * Tables of the normalized conversation model (one row per analytics node: Genesys Cloud docs, "Analytics conversation detail model")
 * and of its imported recordings. Portable across SQLite and PostgreSQL: timestamps as ISO-8601 text, JSON and arrays as
 * text, booleans as 0/1.
 */

export interface ConversationsTable {
  tenant_id: string;
  conversation_id: string;
  conversation_start: string;
  conversation_end: string | null;
  originating_direction: string | null;
  conversation_initiator: string | null;
  customer_participation: number | null;
  division_ids: string | null;
  external_tag: string | null;
  min_mos: number | null;
  min_rfactor: number | null;
  /** The last full analytics payload, for replay and debugging. */
  raw: string;
  fetched_at: string;
  /** Set once metadata, recordings and the analysis hand-off are all durable. */
  imported_at: string | null;
  recordings_count: number;
}

export interface ParticipantsTable {
  tenant_id: string;
  conversation_id: string;
  participant_id: string;
  purpose: string;
  user_id: string | null;
  participant_name: string | null;
  team_id: string | null;
  external_contact_id: string | null;
  flagged_reason: string | null;
  attributes: string | null;
}

export interface SessionsTable {
  tenant_id: string;
  conversation_id: string;
  participant_id: string;
  session_id: string;
  media_type: string;
  direction: string | null;
  ani: string | null;
  dnis: string | null;
  session_dnis: string | null;
  remote: string | null;
  peer_id: string | null;
  provider: string | null;
  edge_id: string | null;
  protocol_call_id: string | null;
  recording: number | null;
  requested_routings: string | null;
  used_routing: string | null;
  selected_agent_id: string | null;
  flow: string | null;
  media_endpoint_stats: string | null;
}

export interface SegmentsTable {
  tenant_id: string;
  conversation_id: string;
  participant_id: string;
  session_id: string;
  /** Position in the session's array: segments have no id of their own. */
  ordinal: number;
  segment_type: string;
  segment_start: string;
  segment_end: string | null;
  queue_id: string | null;
  group_id: string | null;
  wrap_up_code: string | null;
  wrap_up_note: string | null;
  wrap_up_tags: string | null;
  disconnect_type: string | null;
  conference: number | null;
  error_code: string | null;
  properties: string | null;
}

export interface SessionMetricsTable {
  tenant_id: string;
  conversation_id: string;
  participant_id: string;
  session_id: string;
  ordinal: number;
  name: string;
  value: number;
  emit_date: string;
}

export interface EvaluationsTable {
  tenant_id: string;
  conversation_id: string;
  evaluation_id: string;
  evaluator_id: string | null;
  user_id: string | null;
  form_id: string | null;
  form_name: string | null;
  status: string | null;
  released: number | null;
  rescored: number | null;
  deleted: number | null;
  total_score: number | null;
  total_critical_score: number | null;
  queue_id: string | null;
  event_time: string | null;
}

export interface SurveysTable {
  tenant_id: string;
  conversation_id: string;
  survey_id: string;
  survey_form_id: string | null;
  survey_form_name: string | null;
  status: string | null;
  survey_type: string | null;
  promoter_score: number | null;
  total_score: number | null;
  partial: number | null;
  completed_at: string | null;
  user_id: string | null;
  queue_id: string | null;
  event_time: string | null;
}

export interface RecordingsTable {
  tenant_id: string;
  conversation_id: string;
  recording_id: string;
  object_key: string;
  format: string;
  content_type: string | null;
  size: number;
  sha256: string;
  media: string | null;
  start_time: string | null;
  end_time: string | null;
  imported_at: string;
}

/** The live model of one conversation (live/state.ts as JSON), revised by compare-and-set. */
export interface ConversationLiveTable {
  tenant_id: string;
  conversation_id: string;
  revision: number;
  /** The last event's sequence number. */
  seq: number;
  state: string;
  ended_at: string | null;
  updated_at: string;
}

/** The event outbox: one row per common event, numbered per conversation. */
export interface ConversationEventsTable {
  tenant_id: string;
  conversation_id: string;
  seq: number;
  type: string;
  occurred_at: string;
  /** The whole event as JSON (valid against docs/events/<type>.v1.json). */
  payload: string;
  recorded_at: string;
}

/** The tables this capability owns, by name (a type alias: see `Db` in src/platform/db/connect.ts). */
export type ConversationTables = {
  conversations: ConversationsTable;
  participants: ParticipantsTable;
  sessions: SessionsTable;
  segments: SegmentsTable;
  session_metrics: SessionMetricsTable;
  evaluations: EvaluationsTable;
  surveys: SurveysTable;
  recordings: RecordingsTable;
  conversation_live: ConversationLiveTable;
  conversation_events: ConversationEventsTable;
};
