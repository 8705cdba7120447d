/**
 * What the live model observes, read into one shape. Two sources describe a
 * conversation: Genesys notification snapshots (topics
 * "v2.users.{id}.conversations.calls" and "v2.users.{id}.conversations",
 * Genesys Cloud docs, Notifications topics) while it happens, and the analytics
 * record ("Analytics conversation detail model") after it ended. Both are read
 * into `Reading`s, one per participant, so the deriver has one rule set.
 */
import type { SnapshotParticipant } from '../../tracking/index.js';
import type { AnalyticsConversationLike } from '../model.js';

type SnapshotCall = NonNullable<SnapshotParticipant['calls']>[number];

/**
 * A participant as the two user topics carry it (flat, or with per-media `calls[]`): what the tracker
 * reads, plus the times, holds and wrap-up the live model reads. The Genesys client's notification
 * models fit it as they are.
 */
export interface SnapshotParticipantLike extends SnapshotParticipant {
  startTime?: string;
  connectedTime?: string;
  held?: boolean;
  startHoldTime?: string;
  consultParticipantId?: string;
  wrapup?: { code?: string; endTime?: string };
  endAcwTime?: string;
  calls?: (SnapshotCall & { held?: boolean; startHoldTime?: string; connectedTime?: string })[];
}

export interface SnapshotLike {
  id: string;
  participants?: SnapshotParticipantLike[];
}

/**
 * A guidance rule that fired on the call's audio (docs/guidance.md): becomes
 * one `guidance.triggered` event. `id` is what makes a re-delivered finding no
 * second event; offsets are on the AudioHook stream timeline.
 */
export interface FindingObservation {
  id: string;
  rule: string;
  kind: 'phrase' | 'silence' | 'overtalk' | 'talk-ratio' | 'level-rising';
  party?: 'customer' | 'agent' | undefined;
  startMs: number;
  endMs: number;
  evidence: Record<string, string | number | boolean>;
  agent?: { userId: string; name?: string | undefined } | undefined;
  source: 'live' | 'post-call';
  /** When the rule fired (ISO 8601). */
  firedAt: string;
}

export type Observation =
  | { kind: 'snapshot'; snapshot: SnapshotLike }
  | { kind: 'analytics'; conversation: AnalyticsConversationLike; importedAt: string }
  | { kind: 'finding'; conversationId: string; finding: FindingObservation };

/** The conversation an observation is about. */
export function observedConversation(obs: Observation): string {
  if (obs.kind === 'snapshot') return obs.snapshot.id;
  if (obs.kind === 'analytics') return obs.conversation.conversationId;
  return obs.conversationId;
}

/** How far a participant got: it only moves forward (the ordering rule of the deriver). */
export type Stage = 'pending' | 'connected' | 'ended';
export const STAGE_RANK: Record<Stage, number> = { pending: 0, connected: 1, ended: 2 };

/** What both a stored participant and one read from an observation know about it. */
export interface ParticipantFacts {
  id: string;
  purpose: string;
  userId?: string | undefined;
  name?: string | undefined;
  queueId?: string | undefined;
  stage: Stage;
  startTime?: string | undefined;
  connectedTime?: string | undefined;
  endTime?: string | undefined;
  /** Topic spelling (lowercase, dotted): analytics camelCase is converted. */
  disconnectType?: string | undefined;
  /** Every hold start seen: a snapshot showing one of these again is a repeat, not a new hold. */
  holdStarts: string[];
  consultParticipantId?: string | undefined;
  wrapupCode?: string | undefined;
}

/** One participant as an observation shows it; `holdStarts` are every hold start the source shows (analytics: hold segments). */
export interface Reading extends ParticipantFacts {
  /** Snapshots only: analytics describes the past, where nobody is on hold. */
  held?: { since: string } | undefined;
  /** Analytics only: each hold segment, with its end (a snapshot never says when a hold ended). */
  holds?: { start: string; end?: string | undefined }[] | undefined;
  wrapupAt?: string | undefined;
  direction?: string | undefined;
  ani?: string | undefined;
  dnis?: string | undefined;
}

const GONE = new Set(['disconnected', 'terminated']);

function stageOfState(state: string | undefined): Stage {
  const s = (state ?? '').toLowerCase();
  if (GONE.has(s)) return 'ended';
  return s === 'connected' ? 'connected' : 'pending';
}

/** One participant of a notification snapshot. */
export function readSnapshotParticipant(p: SnapshotParticipantLike): Reading {
  const call = p.calls?.[p.calls.length - 1];
  const connectedTime = p.connectedTime ?? call?.connectedTime;
  const held = p.held ?? call?.held ?? false;
  const holdStart = p.startHoldTime ?? call?.startHoldTime;
  return {
    id: p.id,
    purpose: (p.purpose ?? 'unknown').toLowerCase(),
    userId: p.user?.id ?? p.userId,
    name: p.name,
    queueId: p.queue?.id ?? p.queueId,
    stage: stageOfState(p.state ?? call?.state),
    startTime: p.startTime,
    connectedTime,
    endTime: p.endTime ?? call?.disconnectedTime,
    disconnectType: (p.disconnectType ?? call?.disconnectType)?.toLowerCase(),
    held: held && holdStart ? { since: holdStart } : undefined,
    holdStarts: held && holdStart ? [holdStart] : [],
    consultParticipantId: p.consultParticipantId,
    wrapupCode: p.wrapup?.code,
    wrapupAt: p.wrapup?.endTime ?? p.endAcwTime,
    direction: p.direction ?? call?.direction,
    ani: p.ani,
    dnis: p.dnis,
  };
}

/** Analytics camelCase (`consultTransfer`) to topic spelling (`transfer.consult`). */
export function topicDisconnectType(analytics: string | undefined): string | undefined {
  if (analytics === undefined) return undefined;
  const m = /^([a-z]+)Transfer$/.exec(analytics);
  return m ? `transfer.${m[1]}` : analytics.toLowerCase();
}

type Segment = Record<string, unknown>;
const RINGING = new Set(['alert', 'dialing', 'contacting', 'scheduled']);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** One participant of an analytics record: its sessions' segments say when it connected and ended. */
export function readAnalyticsParticipant(p: NonNullable<AnalyticsConversationLike['participants']>[number], conversationEnded: boolean): Reading {
  const segments: Segment[] = (p.sessions ?? []).flatMap((s) => s.segments ?? []);
  const call = segments.filter((g) => g.segmentType !== 'wrapup');
  const wrapup = segments.find((g) => g.segmentType === 'wrapup' && typeof g.wrapUpCode === 'string');
  const last = call.at(-1);
  const endTime = text(last?.segmentEnd);
  // Connected from the first segment past ringing (analytics segment types: Genesys Cloud docs, "Analytics conversation detail model").
  const connectedTime = text(call.find((g) => !RINGING.has(String(g.segmentType)))?.segmentStart);
  const ended = endTime !== undefined && (conversationEnded || last?.disconnectType !== undefined);
  const session = p.sessions?.[0] as Record<string, unknown> | undefined;
  return {
    id: p.participantId,
    purpose: (text(p.purpose) ?? 'unknown').toLowerCase(),
    userId: text(p.userId),
    name: text(p.participantName),
    queueId: text(call.find((g) => typeof g.queueId === 'string')?.queueId),
    stage: ended ? 'ended' : connectedTime !== undefined ? 'connected' : 'pending',
    startTime: text(segments[0]?.segmentStart),
    connectedTime,
    endTime: ended ? endTime : undefined,
    disconnectType: topicDisconnectType(text(call.findLast((g) => typeof g.disconnectType === 'string')?.disconnectType)),
    held: undefined,
    holdStarts: call.filter((g) => g.segmentType === 'hold').flatMap((g) => text(g.segmentStart) ?? []),
    holds: call.filter((g) => g.segmentType === 'hold' && text(g.segmentStart) !== undefined).map((g) => ({ start: text(g.segmentStart) as string, end: text(g.segmentEnd) })),
    wrapupCode: text(wrapup?.wrapUpCode),
    wrapupAt: text(wrapup?.segmentEnd),
    direction: text(session?.direction),
    ani: text(session?.ani),
    dnis: text(session?.dnis),
  };
}
