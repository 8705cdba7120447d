/**
 * The live model's deriver. Pure (no I/O; the clock is injected):
 * (previous state, observation) → (next state, events). Events come only from
 * the difference between the two states, so a repeated snapshot yields none.
 *
 * Ordering rule (snapshots of one conversation arrive once per monitored
 * agent's topic, in no guaranteed order): a participant only moves forward
 * pending → connected → ended. A snapshot showing a participant behind what
 * the state has seen is stale for that participant and changes nothing except
 * late facts (a wrap-up code). A hold is identified by its `startHoldTime`, so
 * a repeated or stale "held" snapshot is recognised; a snapshot without the
 * hold after one was seen counts as the resume, timed at its arrival — unless
 * the snapshot is provably older than what the model knows (see `isStale`):
 * a stale snapshot only adds facts (participants, stages, holds, wrap-ups),
 * never removes one, so it cannot resume a hold and a later repeat of a newer
 * snapshot is no change. A hold still open when its participant ended is left
 * to the analytics merge (a resume seen only after the end proves nothing).
 * Snapshots carry no resume time and nothing else tells a stale pre-hold
 * snapshot from the resume's when they are identical, so such a snapshot
 * arriving after the hold's is taken as the resume, early; it never adds one.
 *
 * Analytics ("Analytics conversation detail model", Genesys Cloud docs) wins on
 * conflict: its participant facts overwrite the live ones, silently when they
 * only correct a time; changes it reveals that live missed produce their events
 * — holds and resumes included, at the hold segment's start and end (a socket
 * that was down during the hold, or a resume whose snapshot came before the
 * hold's).
 */
import type { AgentRef, DerivedEvent, ParticipantRef, UpdateChange } from './events.js';
import { EVENT_VERSION, type CommonEvent } from './events.js';
import { readAnalyticsParticipant, readSnapshotParticipant, STAGE_RANK, type Observation, type Reading } from './observation.js';
import { emptyState, MAX_FINDING_IDS, type LiveParticipant, type LiveState } from './state.js';

export interface DeriveContext {
  tenant: string;
  now: () => number;
}

export interface Derived {
  state: LiveState;
  events: CommonEvent[];
}

const AGENT_PURPOSES = new Set(['agent', 'user']);
const CUSTOMER_PURPOSES = new Set(['customer', 'external']);

type Emit = (e: DerivedEvent) => void;

/** Within one derivation: the working state, the events so far and the clock. */
interface Work {
  s: LiveState;
  out: DerivedEvent[];
  now: string;
  analytics: boolean;
  /** A snapshot older than what the model knows: it may add facts, never take one back (a hold's end). */
  stale: boolean;
}

export function derive(prev: LiveState | undefined, obs: Observation, ctx: DeriveContext): Derived {
  if (obs.kind === 'finding') return deriveFinding(prev, obs, ctx);
  const conversationId = obs.kind === 'snapshot' ? obs.snapshot.id : obs.conversation.conversationId;
  const readings = obs.kind === 'snapshot' ? (obs.snapshot.participants ?? []).map(readSnapshotParticipant) : readAnalytics(obs.conversation);
  const w: Work = {
    s: prev ? structuredClone(prev) : emptyState(ctx.tenant, conversationId),
    out: [],
    now: new Date(ctx.now()).toISOString(),
    analytics: obs.kind === 'analytics',
    stale: obs.kind === 'snapshot' && prev !== undefined && isStale(prev, readings),
  };
  // A conversation known only from guidance findings (its audio came before any snapshot) is not created yet.
  const fresh = prev?.startedAt === undefined;
  if (fresh && readings.length === 0 && obs.kind === 'snapshot') return { state: w.s, events: [] };
  const base = { version: EVENT_VERSION, tenant: w.s.tenant, conversationId };
  const emit: Emit = (e) => w.out.push(e);
  if (fresh) created(w, readings, obs, base, emit);
  callInfo(w, readings);
  for (const r of readings) applyReading(w, r, base, emit);
  resolveTransfers(w, base, emit);
  if (obs.kind === 'analytics') mergeAnalytics(w, obs, base, emit);
  else maybeEnded(w, base, emit);
  const events = w.out.map((e, i) => ({ ...e, seq: w.s.seq + i + 1 }) as CommonEvent);
  w.s.seq += events.length;
  return { state: w.s, events };
}

type Base = { version: typeof EVENT_VERSION; tenant: string; conversationId: string };

function readAnalytics(c: Extract<Observation, { kind: 'analytics' }>['conversation']): Reading[] {
  return (c.participants ?? []).map((p) => readAnalyticsParticipant(p, c.conversationEnd !== undefined));
}

/**
 * Whether a snapshot is older than what the model knows. Only monotonic facts
 * count, as Genesys keeps them in every later snapshot: a participant once
 * seen stays listed, its state only moves forward, its wrap-up code stays, and
 * a participant shown held since an earlier start than its latest hold's is in
 * a hold that already ended.
 */
function isStale(prev: LiveState, readings: Reading[]): boolean {
  const byId = new Map(readings.map((r) => [r.id, r]));
  return prev.participants.some((p) => {
    const r = byId.get(p.id);
    if (!r) return true;
    if (STAGE_RANK[r.stage] < STAGE_RANK[p.stage]) return true;
    if (p.wrapupCode !== undefined && r.wrapupCode === undefined) return true;
    return r.held !== undefined && p.holdStarts.some((h) => h > r.held!.since);
  });
}

function created(w: Work, readings: Reading[], obs: Observation, base: Base, emit: Emit): void {
  const starts = readings.flatMap((r) => r.startTime ?? []).sort();
  w.s.startedAt = obs.kind === 'analytics' ? obs.conversation.conversationStart : (starts[0] ?? w.now);
  const customer = readings.find((r) => CUSTOMER_PURPOSES.has(r.purpose));
  emit({ ...base, type: 'conversation.created', occurredAt: w.s.startedAt, direction: customer?.direction, ani: customer?.ani, dnis: customer?.dnis });
}

function callInfo(w: Work, readings: Reading[]): void {
  const customer = readings.find((r) => CUSTOMER_PURPOSES.has(r.purpose));
  if (!customer) return;
  const take = <K extends 'direction' | 'ani' | 'dnis'>(k: K) => {
    if (customer[k] !== undefined && (w.analytics || w.s[k] === undefined)) w.s[k] = customer[k];
  };
  take('direction');
  take('ani');
  take('dnis');
}

const isAgent = (p: LiveParticipant): p is LiveParticipant & { userId: string } => AGENT_PURPOSES.has(p.purpose) && p.userId !== undefined;

function participantRef(p: LiveParticipant): ParticipantRef {
  return { participantId: p.id, purpose: p.purpose, userId: p.userId, name: p.name };
}

function agentRef(p: LiveParticipant & { userId: string }): AgentRef {
  return { participantId: p.id, userId: p.userId, name: p.name, queueId: p.queueId };
}

function update(base: Base, occurredAt: string, change: UpdateChange): DerivedEvent {
  return { ...base, type: 'conversation.updated', occurredAt, ...change };
}

function applyReading(w: Work, r: Reading, base: Base, emit: Emit): void {
  let p = w.s.participants.find((x) => x.id === r.id);
  if (!p) {
    p = { id: r.id, purpose: r.purpose, stage: 'pending', startTime: r.startTime, holdStarts: [] };
    w.s.participants.push(p);
    identity(p, r, true);
    emit({ ...base, type: 'participant.added', occurredAt: r.startTime ?? w.now, participant: participantRef(p) });
  } else identity(p, r, w.analytics);
  if (STAGE_RANK[r.stage] >= STAGE_RANK[p.stage]) advance(w, p, r, base, emit);
  if (r.consultParticipantId !== undefined) p.consultParticipantId = r.consultParticipantId;
  if (w.analytics) {
    missedHolds(p, r, base, emit);
    correct(p, r);
  }
  if (r.wrapupCode !== undefined && r.wrapupCode !== p.wrapupCode) {
    p.wrapupCode = r.wrapupCode;
    emit(update(base, r.wrapupAt ?? w.now, { change: 'wrapup', participant: participantRef(p), agent: isAgent(p) ? agentRef(p) : undefined, code: r.wrapupCode }));
  }
}

/** Who the participant is: filled when unknown, overwritten by analytics. */
function identity(p: LiveParticipant, r: Reading, overwrite: boolean): void {
  for (const k of ['userId', 'name', 'queueId'] as const) {
    if (r[k] !== undefined && (overwrite || p[k] === undefined)) p[k] = r[k];
  }
  if (overwrite) p.purpose = r.purpose;
}

/** Analytics wins: its times and disconnect type replace the live ones (no event: the change itself was reported). */
function correct(p: LiveParticipant, r: Reading): void {
  for (const k of ['startTime', 'connectedTime', 'endTime', 'disconnectType'] as const) {
    if (r[k] !== undefined) p[k] = r[k];
  }
}

/**
 * The holds analytics shows that live did not report in full: a hold never
 * seen gets its hold and resume, a hold seen without its resume gets the
 * resume. A hold that lasted until the participant left was never resumed.
 */
function missedHolds(p: LiveParticipant, r: Reading, base: Base, emit: Emit): void {
  const endTime = r.endTime ?? p.endTime;
  const resumedAt = (h: { end?: string | undefined }) => (h.end !== undefined && (endTime === undefined || h.end < endTime) ? h.end : undefined);
  for (const h of r.holds ?? []) {
    const seen = p.holdStarts.includes(h.start);
    if (seen && p.heldSince !== h.start) continue;
    if (!seen) {
      p.holdStarts.push(h.start);
      emit(update(base, h.start, { change: 'hold', participant: participantRef(p) }));
    }
    const at = resumedAt(h);
    if (at !== undefined) emit(update(base, at, { change: 'resume', participant: participantRef(p) }));
    if (at !== undefined || p.heldSince === h.start) p.heldSince = undefined;
  }
  if (p.stage === 'ended') p.heldSince = undefined;
}

function advance(w: Work, p: LiveParticipant, r: Reading, base: Base, emit: Emit): void {
  if (p.stage === 'pending' && (r.stage === 'connected' || (r.stage === 'ended' && r.connectedTime !== undefined))) {
    p.stage = 'connected';
    p.connectedTime = r.connectedTime;
    if (isAgent(p)) emit({ ...base, type: 'agent.connected', occurredAt: r.connectedTime ?? w.now, agent: agentRef(p) });
  }
  if (r.stage === 'connected') hold(w, p, r, base, emit);
  if (r.stage === 'ended' && p.stage !== 'ended') {
    p.stage = 'ended';
    p.endTime = r.endTime;
    p.disconnectType = r.disconnectType;
    // A hold still open here is kept: if it was resumed before the end, the analytics merge says so.
    ended(w, p, base, emit);
  }
}

function hold(w: Work, p: LiveParticipant, r: Reading, base: Base, emit: Emit): void {
  if (r.held && !p.holdStarts.includes(r.held.since)) {
    p.holdStarts.push(r.held.since);
    p.heldSince = r.held.since;
    emit(update(base, r.held.since, { change: 'hold', participant: participantRef(p) }));
  } else if (!r.held && p.heldSince !== undefined && !w.analytics && !w.stale) {
    p.heldSince = undefined;
    emit(update(base, w.now, { change: 'resume', participant: participantRef(p) }));
  }
}

function ended(w: Work, p: LiveParticipant, base: Base, emit: Emit): void {
  const at = p.endTime ?? w.now;
  const type = p.disconnectType ?? '';
  if (!isAgent(p) || p.connectedTime === undefined) {
    emit(update(base, at, { change: 'participant.disconnected', participant: participantRef(p), disconnectType: p.disconnectType }));
  } else if (type.startsWith('transfer')) {
    const kind = type === 'transfer.consult' || p.consultParticipantId !== undefined ? 'consult' : 'blind';
    w.s.pendingTransfers.push({ fromParticipantId: p.id, kind, at });
  } else {
    emit({ ...base, type: 'agent.disconnected', occurredAt: at, agent: agentRef(p), disconnectType: p.disconnectType });
  }
}

/** A transfer is reported once the agent who took the call is in the model (same or a later observation). */
function resolveTransfers(w: Work, base: Base, emit: Emit, flush = false): void {
  w.s.pendingTransfers = w.s.pendingTransfers.filter((t) => {
    const from = w.s.participants.find((p) => p.id === t.fromParticipantId);
    if (!from || !isAgent(from)) return false;
    // Still on the call after the transfer (an analytics record shows everyone ended).
    const after = (p: LiveParticipant) => p.endTime === undefined || p.endTime > t.at;
    const candidates = w.s.participants.filter((p): p is LiveParticipant & { userId: string } => isAgent(p) && p.id !== from.id && after(p) && !w.s.transferTargets.includes(p.id));
    const to = candidates.find((p) => p.id === from.consultParticipantId) ?? candidates.at(-1);
    if (!to && !flush) return true;
    if (to) w.s.transferTargets.push(to.id);
    emit({ ...base, type: 'agent.transferred', occurredAt: t.at, kind: t.kind, agent: agentRef(from), from: agentRef(from), to: to ? agentRef(to) : null });
    return false;
  });
}

function maybeEnded(w: Work, base: Base, emit: Emit, endedAt?: string): void {
  if (w.s.endedAt !== undefined || w.s.participants.length === 0) return;
  if (!w.s.participants.every((p) => p.stage === 'ended')) return;
  resolveTransfers(w, base, emit, true);
  w.s.endedAt = endedAt ?? w.s.participants.flatMap((p) => p.endTime ?? []).sort().at(-1) ?? w.now;
  emit({ ...base, type: 'conversation.ended', occurredAt: w.s.endedAt });
}

function mergeAnalytics(w: Work, obs: Extract<Observation, { kind: 'analytics' }>, base: Base, emit: Emit): void {
  const c = obs.conversation;
  w.s.startedAt = c.conversationStart;
  if (c.conversationEnd !== undefined) {
    maybeEnded(w, base, emit, c.conversationEnd);
    w.s.endedAt = c.conversationEnd;
  }
  if (w.s.importedAt === undefined) {
    w.s.importedAt = obs.importedAt;
    emit({ ...base, type: 'conversation.imported', occurredAt: obs.importedAt, participants: c.participants?.length ?? 0 });
  }
  for (const e of c.evaluations ?? []) attach(w, 'evaluations', e.evaluationId, e.eventTime, (id) => ({ change: 'evaluation', evaluationId: id }), base, emit);
  for (const s of c.surveys ?? []) attach(w, 'surveys', s.surveyId, s.eventTime, (id) => ({ change: 'survey', surveyId: id }), base, emit);
}

function attach(w: Work, list: 'evaluations' | 'surveys', id: unknown, eventTime: unknown, change: (id: string) => UpdateChange, base: Base, emit: Emit): void {
  if (typeof id !== 'string' || w.s[list].includes(id)) return;
  w.s[list].push(id);
  emit(update(base, typeof eventTime === 'string' ? eventTime : w.now, change(id)));
}

/**
 * A guidance finding: one `guidance.triggered` event, unless its id was
 * recorded already (a retried or re-delivered finding). It does not create the
 * conversation: `conversation.created` still comes from the first snapshot.
 */
function deriveFinding(prev: LiveState | undefined, obs: Extract<Observation, { kind: 'finding' }>, ctx: DeriveContext): Derived {
  const s = prev ? structuredClone(prev) : emptyState(ctx.tenant, obs.conversationId);
  const f = obs.finding;
  if (s.findings?.includes(f.id)) return { state: s, events: [] };
  s.findings = [...(s.findings ?? []), f.id].slice(-MAX_FINDING_IDS);
  s.seq += 1;
  const event: CommonEvent = {
    version: EVENT_VERSION,
    tenant: s.tenant,
    conversationId: obs.conversationId,
    seq: s.seq,
    type: 'guidance.triggered',
    occurredAt: f.firedAt,
    rule: f.rule,
    kind: f.kind,
    ...(f.party !== undefined ? { party: f.party } : {}),
    startMs: f.startMs,
    endMs: f.endMs,
    evidence: f.evidence,
    ...(f.agent !== undefined ? { agent: f.agent.name !== undefined ? { userId: f.agent.userId, name: f.agent.name } : { userId: f.agent.userId } } : {}),
    source: f.source,
  };
  return { state: s, events: [event] };
}
