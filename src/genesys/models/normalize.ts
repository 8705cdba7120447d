/**
 * Genesys omits empty arrays and maps. These functions put them back at the
 * boundary, so callers never write `?? []`. They copy; they never validate
 * or drop unknown fields (forward compatibility).
 */
import type { AnalyticsConversation, AnalyticsParticipant, AnalyticsSegment, AnalyticsSession } from './analytics.js';
import type { CallConversation, CallParticipant, Conversation, ConversationParticipant, Wrapup } from './conversation-events.js';
import type { DetailEvent } from './detail-events.js';
import type { Group, User } from './directory.js';
import type { Integration, IntegrationConfiguration } from './integrations.js';
import type { BatchDownloadJobStatus, Recording, RecordingMetadata } from './recordings.js';

/** A record with possibly missing arrays, as received. */
type Loose = Record<string, unknown>;

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const loose = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {});

/**
 * The one unchecked step. The model types transcribe the documented Genesys
 * schema and are trusted for field types: checking them would reject what a
 * newer API sends. Only the arrays and maps Genesys omits are checked, and
 * filled in, before this.
 */
function trusted<T>(filled: Loose): T {
  return filled as T;
}

export function normalizeUser(raw: unknown): User {
  const u = loose(raw);
  return trusted<User>({ ...u, primaryContactInfo: arr(u.primaryContactInfo), addresses: arr(u.addresses), groups: arr(u.groups) });
}

export function normalizeGroup(raw: unknown): Group {
  const g = loose(raw);
  return trusted<Group>({ ...g, owners: arr(g.owners), addresses: arr(g.addresses), images: arr(g.images) });
}

function segment(raw: unknown): AnalyticsSegment {
  const s = loose(raw);
  return trusted<AnalyticsSegment>({
    ...s,
    wrapUpTags: arr(s.wrapUpTags),
    sipResponseCodes: arr(s.sipResponseCodes),
    q850ResponseCodes: arr(s.q850ResponseCodes),
    requestedRoutingSkillIds: arr(s.requestedRoutingSkillIds),
    requestedRoutingUserIds: arr(s.requestedRoutingUserIds),
    scoredAgents: arr(s.scoredAgents),
    properties: arr(s.properties),
  });
}

function session(raw: unknown): AnalyticsSession {
  const s = loose(raw);
  const flow = s.flow === undefined ? {} : { flow: { ...loose(s.flow), outcomes: arr(loose(s.flow).outcomes) } };
  return trusted<AnalyticsSession>({
    ...s,
    ...flow,
    requestedRoutings: arr(s.requestedRoutings),
    segments: arr(s.segments).map(segment),
    metrics: arr(s.metrics),
    mediaEndpointStats: arr(s.mediaEndpointStats).map(loose).map((m) => ({ ...m, codecs: arr(m.codecs) })),
    proposedAgents: arr(s.proposedAgents),
    agentGroups: arr(s.agentGroups),
  });
}

function participant(raw: unknown): AnalyticsParticipant {
  const p = loose(raw);
  return trusted<AnalyticsParticipant>({ ...p, sessions: arr(p.sessions).map(session) });
}

export function normalizeAnalyticsConversation(raw: unknown): AnalyticsConversation {
  const c = loose(raw);
  return trusted<AnalyticsConversation>({
    ...c,
    divisionIds: arr(c.divisionIds),
    knowledgeBaseIds: arr(c.knowledgeBaseIds),
    consultationConversationIds: arr(c.consultationConversationIds),
    participants: arr(c.participants).map(participant),
    evaluations: arr(c.evaluations),
    surveys: arr(c.surveys),
    resolutions: arr(c.resolutions),
  });
}

function wrapup(raw: unknown): { wrapup?: Wrapup } {
  return raw === undefined ? {} : { wrapup: trusted<Wrapup>({ ...loose(raw), tags: arr(loose(raw).tags) }) };
}

function callParticipant(raw: unknown): CallParticipant {
  const p = loose(raw);
  const routing = p.conversationRoutingData === undefined ? {} : { conversationRoutingData: { ...loose(p.conversationRoutingData), skills: arr(loose(p.conversationRoutingData).skills) } };
  return trusted<CallParticipant>({ ...p, ...wrapup(p.wrapup), ...routing, attributes: loose(p.attributes) });
}

export function normalizeCallConversation(raw: unknown): CallConversation {
  const c = loose(raw);
  return trusted<CallConversation>({
    ...c,
    divisions: arr(c.divisions).map(loose).map((d) => ({ ...d, entities: arr(d.entities) })),
    participants: arr(c.participants).map(callParticipant),
  });
}

function conversationParticipant(raw: unknown): ConversationParticipant {
  const p = loose(raw);
  return trusted<ConversationParticipant>({
    ...p,
    ...wrapup(p.wrapup),
    attributes: loose(p.attributes),
    calls: arr(p.calls),
    callbacks: arr(p.callbacks),
    chats: arr(p.chats),
    emails: arr(p.emails),
    messages: arr(p.messages),
  });
}

export function normalizeConversation(raw: unknown): Conversation {
  const c = loose(raw);
  return trusted<Conversation>({
    ...c,
    divisions: arr(c.divisions).map(loose).map((d) => ({ ...d, entities: arr(d.entities) })),
    participants: arr(c.participants).map(conversationParticipant),
    recentTransfers: arr(c.recentTransfers),
  });
}

export function normalizeRecording(raw: unknown): Recording {
  const r = loose(raw);
  return trusted<Recording>({ ...r, annotations: arr(r.annotations), users: arr(r.users), associatedConversationIds: arr(r.associatedConversationIds), mediaUris: loose(r.mediaUris) });
}

export function normalizeRecordingMetadata(raw: unknown): RecordingMetadata {
  const r = loose(raw);
  return trusted<RecordingMetadata>({ ...r, annotations: arr(r.annotations), users: arr(r.users), associatedConversationIds: arr(r.associatedConversationIds) });
}

export function normalizeBatchStatus(raw: unknown): BatchDownloadJobStatus {
  const b = loose(raw);
  return trusted<BatchDownloadJobStatus>({ ...b, results: arr(b.results) });
}

export function normalizeConfiguration(raw: unknown): IntegrationConfiguration {
  const c = loose(raw);
  return trusted<IntegrationConfiguration>({ ...c, properties: loose(c.properties), advanced: loose(c.advanced), credentials: loose(c.credentials) });
}

export function normalizeIntegration(raw: unknown): Integration {
  const i = loose(raw);
  const config = loose(i.config);
  const current = config.current === undefined ? {} : { config: { ...config, current: normalizeConfiguration(config.current) } };
  return trusted<Integration>({ ...i, ...current, attributes: loose(i.attributes) });
}

/** Detail events are flat: nothing to fill in, but the body must be a record. */
export function normalizeDetailEvent(raw: unknown): DetailEvent {
  return trusted<DetailEvent>(loose(raw));
}
