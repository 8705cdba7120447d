/**
 * The analytics conversation detail record (Genesys Cloud docs, "Analytics conversation detail model") as it stands at
 * time `asOf`: lowercase enums, ISO dates, segments and metrics computed from
 * the timeline. Records grow after conversationEnd (wrap-up segments, tAcw,
 * tHandle; evaluations and surveys attached later), which is why the record is
 * a function of time rather than a stored document.
 */
import { analyticsDisconnect, iso } from './spellings.js';
import type { Leg, Span, Timeline } from './timeline.js';

type Json = Record<string, unknown>;

export interface Attachment {
  /** When it becomes part of the record. */
  eventTime: number;
  data: Json;
}

export interface RecordExtras {
  evaluations?: Attachment[];
  surveys?: Attachment[];
  /** Async jobs return participants with attributes; the sync APIs do not. */
  withAttributes?: boolean;
}

interface Metric {
  name: string;
  value: number;
  at: number;
}

const SEGMENT_TYPE: Record<Span['kind'], string> = { alert: 'alert', interact: 'interact', hold: 'hold', ivr: 'ivr' };
const sum = (spans: Span[], kind: Span['kind']) => spans.filter((s) => s.kind === kind).reduce((n, s) => n + s.end - s.start, 0);

function segments(leg: Leg, asOf: number): Json[] {
  const spans = leg.spans.filter((s) => s.start <= asOf);
  const out = spans.map((s, i) => {
    const seg: Json = { segmentStart: iso(s.start), segmentType: SEGMENT_TYPE[s.kind], conference: false };
    if (s.end <= asOf) seg.segmentEnd = iso(s.end);
    if (leg.queueId) seg.queueId = leg.queueId;
    if (i === leg.spans.length - 1 && leg.end <= asOf) seg.disconnectType = analyticsDisconnect(leg.disconnect);
    return seg;
  });
  const w = leg.wrapup;
  if (w && w.start <= asOf) {
    const seg: Json = { segmentStart: iso(w.start), segmentType: 'wrapup', conference: false };
    if (leg.queueId) seg.queueId = leg.queueId;
    if (w.end <= asOf) Object.assign(seg, { segmentEnd: iso(w.end), wrapUpCode: w.code, ...(w.notes ? { wrapUpNote: w.notes } : {}) });
    out.push(seg);
  }
  return out;
}

function agentMetrics(t: Timeline, leg: Leg): Metric[] {
  const m: Metric[] = [];
  if (leg.connected !== undefined) {
    const acd = t.legs.find((l) => l.purpose === 'acd' && l.answeredUserId === leg.userId && l.end === leg.connected);
    m.push({ name: 'tAlert', value: leg.connected - leg.start, at: leg.connected });
    m.push({ name: 'tAnswered', value: leg.connected - (acd?.start ?? leg.start), at: leg.connected });
  }
  for (const s of leg.spans) {
    if (s.kind === 'interact') m.push({ name: 'tTalk', value: s.end - s.start, at: s.end });
    if (s.kind === 'hold') m.push({ name: 'tHeld', value: s.end - s.start, at: s.end });
  }
  const talk = sum(leg.spans, 'interact');
  const held = sum(leg.spans, 'hold');
  if (leg.connected !== undefined) m.push({ name: 'tTalkComplete', value: talk, at: leg.end });
  if (held > 0) m.push({ name: 'tHeldComplete', value: held, at: leg.end });
  if (leg.consulted) {
    const partner = t.legs.find((l) => l.consultFor === leg.participantId);
    m.push({ name: 'nConsult', value: 1, at: partner?.start ?? leg.end });
  }
  if (leg.transfer) {
    m.push({ name: 'nTransferred', value: 1, at: leg.end });
    m.push({ name: leg.transfer === 'blind' ? 'nBlindTransferred' : 'nConsultTransferred', value: 1, at: leg.end });
  }
  if (leg.wrapup) {
    const acw = leg.wrapup.end - leg.wrapup.start;
    m.push({ name: 'tAcw', value: acw, at: leg.wrapup.end });
    m.push({ name: 'tHandle', value: talk + held + acw, at: leg.wrapup.end });
  }
  return m;
}

function metricsOf(t: Timeline, leg: Leg): Metric[] {
  const span = leg.end - leg.start;
  switch (leg.purpose) {
    case 'customer':
      return [{ name: 'nConnected', value: 1, at: leg.connected ?? leg.start }];
    case 'ivr':
      return [
        { name: 'nFlow', value: 1, at: leg.start },
        { name: 'tFlow', value: span, at: leg.end },
        { name: 'tIvr', value: span, at: leg.end },
        { name: 'tFlowExit', value: span, at: leg.end },
      ];
    case 'acd': {
      const m: Metric[] = [{ name: 'nOffered', value: 1, at: leg.start }, { name: 'tAcd', value: span, at: leg.end }];
      if (leg.acdOutcome === 'ABANDON') m.push({ name: 'tAbandon', value: span, at: leg.end });
      return m;
    }
    case 'agent':
      return agentMetrics(t, leg);
  }
}

function session(t: Timeline, leg: Leg, asOf: number): Json {
  const customer = t.legs[0] as Leg;
  const s: Json = {
    sessionId: leg.sessionId,
    mediaType: 'voice',
    direction: 'inbound',
    ani: t.ani,
    dnis: t.dnis,
    addressFrom: t.ani,
    addressTo: t.dnis,
    provider: 'Edge',
  };
  if (leg !== customer) s.peerId = customer.sessionId;
  if (t.recording && (leg.purpose === 'customer' || leg.purpose === 'agent') && leg.connected !== undefined) s.recording = true;
  if (leg.purpose === 'acd' || leg.via === 'acd') Object.assign(s, { requestedRoutings: ['Standard'], usedRouting: 'Standard' });
  if (leg.purpose === 'acd' && leg.answeredUserId && leg.end <= asOf) s.selectedAgentId = leg.answeredUserId;
  if (leg.flow) {
    s.flow = { flowId: leg.flow.flowId, flowName: leg.flow.flowName, flowType: 'inboundcall', flowVersion: leg.flow.flowVersion, entryType: 'dnis', entryReason: t.dnis };
    if (leg.end <= asOf) Object.assign(s.flow as Json, { exitReason: 'TRANSFER', transferType: 'ACD' });
  }
  s.segments = segments(leg, asOf);
  s.metrics = metricsOf(t, leg)
    .filter((m) => m.at <= asOf)
    .map((m) => ({ name: m.name, value: m.value, emitDate: iso(m.at) }));
  return s;
}

/** The record at `asOf`, or undefined before the conversation started. */
export function analyticsRecord(t: Timeline, asOf: number, extras: RecordExtras = {}): Json | undefined {
  if (asOf < t.start) return undefined;
  const rec: Json = { conversationId: t.conversationId, conversationStart: iso(t.start) };
  if (t.end <= asOf) rec.conversationEnd = iso(t.end);
  Object.assign(rec, { originatingDirection: 'inbound', divisionIds: [t.divisionId], mediaStatsMinConversationMos: 4.41 });
  rec.participants = t.legs
    .filter((l) => l.start <= asOf)
    .map((leg) => {
      const p: Json = { participantId: leg.participantId, participantName: leg.name, purpose: leg.purpose };
      if (leg.userId) p.userId = leg.userId;
      if (extras.withAttributes) p.attributes = {};
      p.sessions = [session(t, leg, asOf)];
      return p;
    });
  const evaluations = (extras.evaluations ?? []).filter((e) => e.eventTime <= asOf).map((e) => e.data);
  const surveys = (extras.surveys ?? []).filter((e) => e.eventTime <= asOf).map((e) => e.data);
  if (evaluations.length > 0) rec.evaluations = evaluations;
  if (surveys.length > 0) rec.surveys = surveys;
  return rec;
}
