/**
 * Flattens an analytics conversation (Genesys Cloud docs, "Analytics conversation detail model") into the
 * normalized rows of tables.ts. Pure. Segments and metrics are positional (they
 * have no ids), so rows are keyed by their ordinal in the session's array.
 */
import type {
  ConversationsTable,
  EvaluationsTable,
  ParticipantsTable,
  SegmentsTable,
  SessionMetricsTable,
  SessionsTable,
  SurveysTable,
} from './tables.js';
import type { AnalyticsConversation, AnalyticsEvaluation, AnalyticsSession, AnalyticsSurvey } from '../genesys/index.js';

type Obj = Record<string, unknown>;

/** The analytics record as far as the model reads it; unknown fields are kept in `raw`. */
export interface AnalyticsConversationLike {
  conversationId: string;
  conversationStart: string;
  conversationEnd?: string;
  originatingDirection?: string;
  participants?: (Obj & { participantId: string; purpose?: string; sessions?: SessionLike[] })[];
  evaluations?: Obj[];
  surveys?: Obj[];
  [key: string]: unknown;
}

export interface ConversationRows {
  conversation: Omit<ConversationsTable, 'imported_at' | 'recordings_count'>;
  participants: ParticipantsTable[];
  sessions: SessionsTable[];
  segments: SegmentsTable[];
  metrics: SessionMetricsTable[];
  evaluations: EvaluationsTable[];
  surveys: SurveysTable[];
}

export class MalformedConversationError extends Error {
  override name = 'MalformedConversationError';
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : v === undefined || v === null ? null : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): number | null => (typeof v === 'boolean' ? (v ? 1 : 0) : null);
const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

type SessionLike = Obj & { sessionId: string; segments?: Obj[]; metrics?: Obj[] };

/**
 * Throws MalformedConversationError when the record cannot be a conversation. Takes the Genesys client's
 * typed record as it comes, or any record shaped like one; either way every field is checked as it is read.
 */
export function normalize(tenantId: string, c: AnalyticsConversationLike | AnalyticsConversation, fetchedAt: string): ConversationRows {
  if (typeof c?.conversationId !== 'string' || typeof c.conversationStart !== 'string') {
    throw new MalformedConversationError('analytics record lacks conversationId or conversationStart');
  }
  if (c.participants !== undefined && !Array.isArray(c.participants)) throw new MalformedConversationError('participants is not an array');
  const conv = { tenant_id: tenantId, conversation_id: c.conversationId };
  const rows: ConversationRows = {
    conversation: {
      ...conv,
      conversation_start: c.conversationStart,
      conversation_end: str(c.conversationEnd),
      originating_direction: str(c.originatingDirection),
      conversation_initiator: str(c.conversationInitiator),
      customer_participation: bool(c.customerParticipation),
      division_ids: json(c.divisionIds),
      external_tag: str(c.externalTag),
      min_mos: num(c.mediaStatsMinConversationMos),
      min_rfactor: num(c.mediaStatsMinConversationRFactor),
      raw: JSON.stringify(c),
      fetched_at: fetchedAt,
    },
    participants: [],
    sessions: [],
    segments: [],
    metrics: [],
    evaluations: [],
    surveys: [],
  };
  for (const p of c.participants ?? []) {
    if (typeof p?.participantId !== 'string') throw new MalformedConversationError('participant without participantId');
    const part = { ...conv, participant_id: p.participantId };
    rows.participants.push({
      ...part,
      purpose: str(p.purpose) ?? 'unknown',
      user_id: str(p.userId),
      participant_name: str(p.participantName),
      team_id: str(p.teamId),
      external_contact_id: str(p.externalContactId),
      flagged_reason: str(p.flaggedReason),
      attributes: json(p.attributes),
    });
    for (const s of p.sessions ?? []) addSession(rows, part, s);
  }
  for (const e of c.evaluations ?? []) rows.evaluations.push(evaluation(conv, e));
  for (const s of c.surveys ?? []) rows.surveys.push(survey(conv, s));
  return rows;
}

function addSession(rows: ConversationRows, part: { tenant_id: string; conversation_id: string; participant_id: string }, s: SessionLike | AnalyticsSession): void {
  if (typeof s?.sessionId !== 'string') throw new MalformedConversationError('session without sessionId');
  const sess = { ...part, session_id: s.sessionId };
  rows.sessions.push({
    ...sess,
    media_type: str(s.mediaType) ?? 'unknown',
    direction: str(s.direction),
    ani: str(s.ani),
    dnis: str(s.dnis),
    session_dnis: str(s.sessionDnis),
    remote: str(s.remote),
    peer_id: str(s.peerId),
    provider: str(s.provider),
    edge_id: str(s.edgeId),
    protocol_call_id: str(s.protocolCallId),
    recording: bool(s.recording),
    requested_routings: json(s.requestedRoutings),
    used_routing: str(s.usedRouting),
    selected_agent_id: str(s.selectedAgentId),
    flow: json(s.flow),
    media_endpoint_stats: json(s.mediaEndpointStats),
  });
  (s.segments ?? []).forEach((g, ordinal) => {
    if (typeof g?.segmentStart !== 'string') throw new MalformedConversationError('segment without segmentStart');
    rows.segments.push({
      ...sess,
      ordinal,
      segment_type: str(g.segmentType) ?? 'unknown',
      segment_start: g.segmentStart,
      segment_end: str(g.segmentEnd),
      queue_id: str(g.queueId),
      group_id: str(g.groupId),
      wrap_up_code: str(g.wrapUpCode),
      wrap_up_note: str(g.wrapUpNote),
      wrap_up_tags: json(g.wrapUpTags),
      disconnect_type: str(g.disconnectType),
      conference: bool(g.conference),
      error_code: str(g.errorCode),
      properties: json(g.properties),
    });
  });
  (s.metrics ?? []).forEach((m, ordinal) => {
    const value = num(m.value);
    if (typeof m?.name !== 'string' || value === null) throw new MalformedConversationError('metric without name or numeric value');
    rows.metrics.push({ ...sess, ordinal, name: m.name, value, emit_date: str(m.emitDate) ?? '' });
  });
}

function evaluation(conv: { tenant_id: string; conversation_id: string }, e: Obj | AnalyticsEvaluation): EvaluationsTable {
  if (typeof e.evaluationId !== 'string') throw new MalformedConversationError('evaluation without evaluationId');
  return {
    ...conv,
    evaluation_id: e.evaluationId,
    evaluator_id: str(e.evaluatorId),
    user_id: str(e.userId),
    form_id: str(e.formId),
    form_name: str(e.formName),
    status: str(e.evaluationStatus),
    released: bool(e.released),
    rescored: bool(e.rescored),
    deleted: bool(e.deleted),
    total_score: num(e.oTotalScore),
    total_critical_score: num(e.oTotalCriticalScore),
    queue_id: str(e.queueId),
    event_time: str(e.eventTime),
  };
}

function survey(conv: { tenant_id: string; conversation_id: string }, s: Obj | AnalyticsSurvey): SurveysTable {
  if (typeof s.surveyId !== 'string') throw new MalformedConversationError('survey without surveyId');
  return {
    ...conv,
    survey_id: s.surveyId,
    survey_form_id: str(s.surveyFormId),
    survey_form_name: str(s.surveyFormName),
    status: str(s.surveyStatus),
    survey_type: str(s.surveyType),
    promoter_score: num(s.surveyPromoterScore),
    total_score: num(s.oSurveyTotalScore),
    partial: bool(s.surveyPartialResponse),
    completed_at: str(s.surveyCompletedDate),
    user_id: str(s.userId),
    queue_id: str(s.queueId),
    event_time: str(s.eventTime),
  };
}
