/**
 * Full-conversation snapshots for the user topics (Genesys Cloud docs, topic "v2.users.{id}.conversations.calls", Genesys Cloud docs, topic "v2.users.{id}.conversations"):
 * `v2.users.{id}.conversations.calls` (flat participants) and
 * `v2.users.{id}.conversations` (per-media `calls[]`). Both are pure
 * functions of the timeline and a time; absent facts are omitted, not null.
 */
import { iso } from './spellings.js';
import { spanAt, type Leg, type Timeline } from './timeline.js';

type Json = Record<string, unknown>;

export function legState(leg: Leg, at: number): string {
  if (at >= leg.end) return 'disconnected';
  if (leg.connected === undefined || at < leg.connected) return leg.purpose === 'customer' ? 'offering' : 'alerting';
  return 'connected';
}

function initialState(leg: Leg): string {
  if (leg.purpose === 'customer') return 'offering';
  return leg.purpose === 'agent' ? 'alerting' : 'connected';
}

/** The recording runs while the customer leg is up, for calls an agent answered. */
export function recordingActive(t: Timeline, at: number): boolean {
  return t.recording !== undefined && at >= t.recording.start && at < t.recording.end;
}

function wrapupOf(leg: Leg, at: number): Json | undefined {
  const w = leg.wrapup;
  if (!w || at < w.end) return undefined;
  return { code: w.code, ...(w.notes ? { notes: w.notes } : {}), tags: [], durationSeconds: Math.round((w.end - w.start) / 1000), endTime: iso(w.end) };
}

/** Common, time-dependent facts of one leg. */
function legTimes(leg: Leg, at: number): Json {
  const out: Json = { startTime: iso(leg.start) };
  if (leg.connected !== undefined && at >= leg.connected) out.connectedTime = iso(leg.connected);
  if (at >= leg.end) {
    out.endTime = iso(leg.end);
    out.disconnectType = leg.disconnect;
  }
  return out;
}

/**
 * Hold facts of a leg at `at`: Genesys sets `startHoldTime` (when the current
 * hold began) only while the participant is held, on both user topics.
 */
function holdOf(leg: Leg, at: number): Json {
  const span = spanAt(leg, at);
  return span?.kind === 'hold' ? { held: true, startHoldTime: iso(span.start) } : { held: false };
}

function consultPartner(t: Timeline, leg: Leg, at: number): string | undefined {
  if (!leg.consulted) return undefined;
  const partner = t.legs.find((l) => l.consultFor === leg.participantId && l.start <= at);
  return partner?.participantId;
}

function callsParticipant(t: Timeline, leg: Leg, at: number): Json {
  const recording = recordingActive(t, at) && legState(leg, at) === 'connected' && (leg.purpose === 'customer' || leg.purpose === 'agent');
  const p: Json = {
    id: leg.participantId,
    name: leg.name,
    address: leg.address,
    ...legTimes(leg, at),
    purpose: leg.purpose,
    state: legState(leg, at),
    initialState: initialState(leg),
    direction: 'inbound',
    ...holdOf(leg, at),
    wrapupRequired: leg.purpose === 'agent',
    muted: false,
    confined: false,
    recording,
    recordingState: recording ? 'active' : 'none',
    provider: 'Edge',
    attributes: {},
  };
  if (leg.purpose === 'customer') Object.assign(p, { ani: t.ani, dnis: t.dnis });
  if (leg.queueId) p.queue = { id: leg.queueId };
  if (leg.purpose === 'ivr') p.peer = t.legs[0]?.participantId;
  if (leg.purpose === 'agent') Object.assign(p, agentFields(t, leg, at));
  return p;
}

function agentFields(t: Timeline, leg: Leg, at: number): Json {
  const out: Json = { user: { id: leg.userId }, alertingTimeoutMs: 8000, wrapupPrompt: 'mandatory', wrapupTimeoutMs: 60000 };
  const partner = consultPartner(t, leg, at);
  if (partner) out.consultParticipantId = partner;
  if (leg.wrapup && at >= leg.wrapup.start) out.startAcwTime = iso(leg.wrapup.start);
  const w = wrapupOf(leg, at);
  if (w && leg.wrapup) Object.assign(out, { endAcwTime: iso(leg.wrapup.end), wrapup: w });
  return out;
}

function present(t: Timeline, at: number): Leg[] {
  return t.legs.filter((l) => l.start <= at);
}

/** eventBody for `v2.users.{id}.conversations.calls`. */
export function callsSnapshot(t: Timeline, at: number): Json {
  const legs = present(t, at);
  const queueIds = [...new Set(legs.map((l) => l.queueId).filter((q): q is string => q !== undefined))];
  return {
    id: t.conversationId,
    maxParticipants: legs.length,
    recordingState: recordingActive(t, at) ? 'active' : 'none',
    divisions: [{ division: { id: t.divisionId }, entities: queueIds.map((id) => ({ id })) }],
    participants: legs.map((l) => callsParticipant(t, l, at)),
  };
}

function callOf(t: Timeline, leg: Leg, at: number): Json {
  const customer = t.legs[0] as Leg;
  const recording = recordingActive(t, at) && legState(leg, at) === 'connected' && (leg.purpose === 'customer' || leg.purpose === 'agent');
  const call: Json = {
    id: leg.sessionId,
    state: legState(leg, at),
    initialState: initialState(leg),
    recording,
    recordingState: recording ? 'active' : 'none',
    muted: false,
    confined: false,
    ...holdOf(leg, at),
    direction: 'inbound',
    provider: 'Edge',
    self: { addressNormalized: leg.address },
    other: { addressNormalized: leg === customer ? t.dnis : t.ani },
    afterCallWorkRequired: leg.purpose === 'agent',
  };
  if (leg !== customer) call.peerId = customer.sessionId;
  if (leg.connected !== undefined && at >= leg.connected) call.connectedTime = iso(leg.connected);
  if (at >= leg.end) Object.assign(call, { disconnectType: leg.disconnect, disconnectedTime: iso(leg.end) });
  if (leg.wrapup && at >= leg.wrapup.start) {
    const done = at >= leg.wrapup.end;
    call.afterCallWork = { state: done ? 'complete' : 'pending', startTime: iso(leg.wrapup.start), ...(done ? { endTime: iso(leg.wrapup.end) } : {}) };
  }
  return call;
}

/** eventBody for `v2.users.{id}.conversations` (all media; the call lives in `calls[]`). */
export function conversationSnapshot(t: Timeline, at: number): Json {
  return {
    id: t.conversationId,
    participants: present(t, at).map((leg) => {
      const p: Json = { id: leg.participantId, purpose: leg.purpose, name: leg.name, address: leg.address, attributes: {} };
      if (leg.userId) p.userId = leg.userId;
      if (leg.queueId) p.queueId = leg.queueId;
      if (leg.connected !== undefined && at >= leg.connected) p.connectedTime = iso(leg.connected);
      if (at >= leg.end) p.endTime = iso(leg.end);
      if (leg.purpose === 'agent') {
        Object.assign(p, { wrapupRequired: true, wrapupExpected: true });
        if (leg.wrapup && at >= leg.wrapup.start) p.startAcwTime = iso(leg.wrapup.start);
        const w = wrapupOf(leg, at);
        if (w && leg.wrapup) Object.assign(p, { endAcwTime: iso(leg.wrapup.end), wrapup: w });
      }
      p.calls = [callOf(t, leg, at)];
      return p;
    }),
    recentTransfers: [],
  };
}

/** Agents whose user topics carry this conversation at `at`: from alerting until their wrap-up is done. */
export function watchingAgents(t: Timeline, at: number): string[] {
  const ids = new Set<string>();
  for (const leg of t.legs) {
    if (leg.purpose !== 'agent' || !leg.userId) continue;
    if (leg.start <= at && at <= (leg.wrapup?.end ?? leg.end)) ids.add(leg.userId);
  }
  return [...ids];
}
