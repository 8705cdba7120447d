/**
 * The Conversations page's calls: the documented read API (GET /api/v1/conversations,
 * /conversations/{id}, /conversations/{id}/capture) and the media URLs an <audio>
 * element loads (same origin, the session cookie, the tenant in the query).
 */
import { v1 } from './api.js';

export type ConversationState = 'live' | 'ended' | 'imported';

export interface ConversationSummary {
  conversationId: string;
  state: ConversationState;
  startedAt: string;
  endedAt: string | null;
}

export interface Participant {
  participantId: string;
  purpose: string;
  userId: string | null;
  participantName: string | null;
}

export interface Segment {
  participantId: string;
  sessionId: string;
  ordinal: number;
  segmentType: string;
  segmentStart: string;
  segmentEnd: string | null;
  disconnectType: string | null;
}

export interface Recording {
  recordingId: string;
  format: string;
  contentType: string | null;
  size: number;
  startTime: string | null;
  endTime: string | null;
}

export interface LiveParticipant {
  id: string;
  purpose: string;
  userId?: string;
  name?: string;
  stage: 'pending' | 'connected' | 'ended';
  startTime?: string;
  connectedTime?: string;
  endTime?: string;
  heldSince?: string;
}

export interface ConversationEvent {
  seq: number;
  type: string;
  occurredAt: string;
}

export interface ConversationDetail extends ConversationSummary {
  importedAt: string | null;
  participants: Participant[];
  segments: Segment[];
  recordings: Recording[];
  live: { participants: LiveParticipant[]; direction?: string; ani?: string; dnis?: string } | null;
  events: ConversationEvent[];
}

export interface CaptureSession {
  sessionId: string;
  size: number;
  openedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  format: string | null;
  channels: string[];
  agentName: string | null;
}

export interface ConversationQuery {
  from?: string;
  to?: string;
  agent?: string;
  state?: ConversationState;
  q?: string;
  cursor?: string;
}

const path = (id: string) => `conversations/${encodeURIComponent(id)}`;

/** A media URL for an <audio> element: it sends the cookie but no header, so the tenant goes in the query. */
const media = (tenant: string, p: string) => `/api/v1/${p}?${new URLSearchParams({ tenant }).toString()}`;

export const conversationsApi = {
  list: (tenant: string, q: ConversationQuery) =>
    v1<{ items: ConversationSummary[]; nextCursor: string | null }>('GET', 'conversations', tenant, undefined, Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>),
  detail: (tenant: string, id: string) => v1<ConversationDetail>('GET', path(id), tenant),
  captures: (tenant: string, id: string) => v1<{ items: CaptureSession[] }>('GET', `${path(id)}/capture`, tenant),
  recordingUrl: (tenant: string, id: string, recordingId: string) => media(tenant, `${path(id)}/recordings/${encodeURIComponent(recordingId)}/media`),
  captureUrl: (tenant: string, id: string, sessionId: string) => media(tenant, `${path(id)}/capture/${encodeURIComponent(sessionId)}/media`),
};

export type Party = 'customer' | 'agent';

export interface PartyMetrics {
  talkMs: number;
  talkRatio: number;
  interruptions: number;
  utterances: number;
  syllablesPerSecond: number;
  speechLevelDb: number;
  peakDb: number;
  clippedSamples: number;
}

export interface AnalysisMetrics {
  durationMs: number;
  parties: Partial<Record<Party, PartyMetrics>>;
  silenceMs: number;
  longestSilenceMs: number;
  overtalkMs: number;
}

export interface AnalysisFinding {
  rule: string;
  kind: string;
  party?: Party;
  startMs: number;
  endMs: number;
  evidence: Record<string, string | number | boolean>;
}

export interface AnalysisPhrase {
  party: Party;
  phrase: string;
  text: string;
  startMs: number;
  endMs: number;
  confidence?: number;
}

export interface MetricDelta {
  live: number;
  postCall: number;
  delta: number;
}

export interface FindingRef {
  rule: string;
  startMs: number;
  endMs: number;
}

/** docs/guidance-postcall.md: post-call minus live. */
export interface AnalysisComparison {
  liveSessions: number;
  metrics: { durationMs: MetricDelta; silenceMs: MetricDelta; longestSilenceMs: MetricDelta; overtalkMs: MetricDelta; talkMs: Partial<Record<Party, MetricDelta>> };
  findings: { alignmentMs: number; matched: number; liveOnly: FindingRef[]; postCallOnly: FindingRef[] };
}

/** GET /api/v1/conversations/{id}/analysis (the `analysisResult` schema). */
export interface ConversationAnalysis {
  conversationId: string;
  status: 'done' | 'unsupported';
  analyzedAt: string;
  runs: number;
  importVersion: string;
  metrics?: AnalysisMetrics;
  phrases: AnalysisPhrase[];
  findings: AnalysisFinding[];
  recordings: { recordingId: string; format: string; status: 'done' | 'unsupported'; reason?: string }[];
  comparison: AnalysisComparison | null;
}

export const analysisApi = {
  get: (tenant: string, id: string) => v1<ConversationAnalysis>('GET', `${path(id)}/analysis`, tenant),
  rerun: (tenant: string, id: string, csrf: string) => v1<{ queued: true; jobId: string }>('POST', `${path(id)}/analysis`, tenant, csrf),
};
