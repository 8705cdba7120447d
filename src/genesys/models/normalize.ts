/**
 * Genesys omits empty arrays and maps. These functions put them back at the
 * boundary, so callers never write `?? []`. They copy; they never validate
 * or drop unknown fields (forward compatibility).
 */
import type { AnalyticsConversation, AnalyticsParticipant, AnalyticsSegment, AnalyticsSession } from './analytics.js';
import type { CallConversation, CallParticipant, Conversation, ConversationParticipant, Wrapup } from './conversation-events.js';
import type { Group, User } from './directory.js';
import type { Integration, IntegrationConfiguration } from './integrations.js';
import type { BatchDownloadJobStatus, Recording, RecordingMetadata } from './recordings.js';

/** A record with possibly missing arrays, as received. */
type Loose = Record<string, unknown>;

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const obj = <T extends object>(v: unknown): T => (v && typeof v === 'object' && !Array.isArray(v) ? (v as T) : ({} as T));
const loose = (v: unknown): Loose => obj<Loose>(v);

export function normalizeUser(raw: unknown): User {
  const u = loose(raw);
  return { ...u, primaryContactInfo: arr(u.primaryContactInfo), addresses: arr(u.addresses), groups: arr(u.groups) } as User;
}

export function normalizeGroup(raw: unknown): Group {
  const g = loose(raw);
  return { ...g, owners: arr(g.owners), addresses: arr(g.addresses), images: arr(g.images) } as Group;
}

function segment(raw: unknown): AnalyticsSegment {
  const s = loose(raw);
  return {
    ...s,
    wrapUpTags: arr(s.wrapUpTags),
    sipResponseCodes: arr(s.sipResponseCodes),
    q850ResponseCodes: arr(s.q850ResponseCodes),
    requestedRoutingSkillIds: arr(s.requestedRoutingSkillIds),
    requestedRoutingUserIds: arr(s.requestedRoutingUserIds),
    scoredAgents: arr(s.scoredAgents),
    properties: arr(s.properties),
  } as AnalyticsSegment;
}

function session(raw: unknown): AnalyticsSession {
  const s = loose(raw);
  const flow = s.flow === undefined ? {} : { flow: { ...loose(s.flow), outcomes: arr(loose(s.flow).outcomes) } };
  return {
    ...s,
    ...flow,
    requestedRoutings: arr(s.requestedRoutings),
    segments: arr(s.segments).map(segment),
    metrics: arr(s.metrics),
    mediaEndpointStats: arr<Loose>(s.mediaEndpointStats).map((m) => ({ ...m, codecs: arr(m.codecs) })),
    proposedAgents: arr(s.proposedAgents),
    agentGroups: arr(s.agentGroups),
  } as AnalyticsSession;
}

function participant(raw: unknown): AnalyticsParticipant {
  const p = loose(raw);
  return { ...p, sessions: arr(p.sessions).map(session) } as AnalyticsParticipant;
}

export function normalizeAnalyticsConversation(raw: unknown): AnalyticsConversation {
  const c = loose(raw);
  return {
    ...c,
    divisionIds: arr(c.divisionIds),
    knowledgeBaseIds: arr(c.knowledgeBaseIds),
    consultationConversationIds: arr(c.consultationConversationIds),
    participants: arr(c.participants).map(participant),
    evaluations: arr(c.evaluations),
    surveys: arr(c.surveys),
    resolutions: arr(c.resolutions),
  } as AnalyticsConversation;
}

function wrapup(raw: unknown): { wrapup?: Wrapup } {
  return raw === undefined ? {} : { wrapup: { ...loose(raw), tags: arr(loose(raw).tags) } as Wrapup };
}

function callParticipant(raw: unknown): CallParticipant {
  const p = loose(raw);
  const routing = p.conversationRoutingData === undefined ? {} : { conversationRoutingData: { ...loose(p.conversationRoutingData), skills: arr(loose(p.conversationRoutingData).skills) } };
  return { ...p, ...wrapup(p.wrapup), ...routing, attributes: obj(p.attributes) } as CallParticipant;
}

export function normalizeCallConversation(raw: unknown): CallConversation {
  const c = loose(raw);
  return {
    ...c,
    divisions: arr<Loose>(c.divisions).map((d) => ({ ...d, entities: arr(d.entities) })),
    participants: arr(c.participants).map(callParticipant),
  } as CallConversation;
}

function conversationParticipant(raw: unknown): ConversationParticipant {
  const p = loose(raw);
  return {
    ...p,
    ...wrapup(p.wrapup),
    attributes: obj(p.attributes),
    calls: arr(p.calls),
    callbacks: arr(p.callbacks),
    chats: arr(p.chats),
    emails: arr(p.emails),
    messages: arr(p.messages),
  } as ConversationParticipant;
}

export function normalizeConversation(raw: unknown): Conversation {
  const c = loose(raw);
  return {
    ...c,
    divisions: arr<Loose>(c.divisions).map((d) => ({ ...d, entities: arr(d.entities) })),
    participants: arr(c.participants).map(conversationParticipant),
    recentTransfers: arr(c.recentTransfers),
  } as Conversation;
}

export function normalizeRecording(raw: unknown): Recording {
  const r = loose(raw);
  return { ...r, annotations: arr(r.annotations), users: arr(r.users), associatedConversationIds: arr(r.associatedConversationIds), mediaUris: obj(r.mediaUris) } as Recording;
}

export function normalizeRecordingMetadata(raw: unknown): RecordingMetadata {
  const r = loose(raw);
  return { ...r, annotations: arr(r.annotations), users: arr(r.users), associatedConversationIds: arr(r.associatedConversationIds) } as RecordingMetadata;
}

export function normalizeBatchStatus(raw: unknown): BatchDownloadJobStatus {
  const b = loose(raw);
  return { ...b, results: arr(b.results) } as BatchDownloadJobStatus;
}

export function normalizeConfiguration(raw: unknown): IntegrationConfiguration {
  const c = loose(raw);
  return { ...c, properties: obj(c.properties), advanced: obj(c.advanced), credentials: obj(c.credentials) } as IntegrationConfiguration;
}

export function normalizeIntegration(raw: unknown): Integration {
  const i = loose(raw);
  const config = loose(i.config);
  const current = config.current === undefined ? {} : { config: { ...config, current: normalizeConfiguration(config.current) } };
  return { ...i, ...current, attributes: obj(i.attributes) } as Integration;
}
