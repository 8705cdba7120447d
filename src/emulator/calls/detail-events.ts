/**
 * `v2.detail.events.conversation.{id}.*` events (Genesys Cloud docs, topic "v2.detail.events.conversation.{id}"): flat
 * bodies, UPPERCASE enums, epoch-millisecond `eventTime`, derived from the
 * same timeline as the snapshots and the analytics record.
 */
import { detailDisconnect } from './spellings.js';
import type { Leg, Timeline } from './timeline.js';

export interface DetailEvent {
  at: number;
  /** Topic suffix after `v2.detail.events.conversation.{id}.` */
  suffix: string;
  body: Record<string, unknown>;
}

export const detailTopic = (conversationId: string, suffix: string) => `v2.detail.events.conversation.${conversationId}.${suffix}`;

function base(t: Timeline, leg: Leg, at: number): Record<string, unknown> {
  return {
    eventTime: at,
    conversationId: t.conversationId,
    participantId: leg.participantId,
    sessionId: leg.sessionId,
    mediaType: 'VOICE',
    provider: 'Edge',
    direction: 'INBOUND',
    ani: t.ani,
    dnis: t.dnis,
    addressFrom: t.ani,
    addressTo: t.dnis,
    divisionId: t.divisionId,
  };
}

const heldMs = (leg: Leg) => leg.spans.filter((s) => s.kind === 'hold').reduce((n, s) => n + s.end - s.start, 0);
const connectedMs = (leg: Leg) => (leg.connected === undefined ? 0 : leg.end - leg.connected);

function customerEvents(t: Timeline, leg: Leg): DetailEvent[] {
  return [
    { at: leg.start, suffix: 'customer.start', body: base(t, leg, leg.start) },
    {
      at: leg.end,
      suffix: 'customer.end',
      body: { ...base(t, leg, leg.end), disconnectType: detailDisconnect(leg.disconnect), interactingDurationMs: connectedMs(leg) },
    },
  ];
}

function flowEvents(t: Timeline, leg: Leg): DetailEvent[] {
  const flow = { flowId: leg.flow?.flowId, flowName: leg.flow?.flowName, flowType: 'INBOUNDCALL', flowVersion: leg.flow?.flowVersion };
  return [
    { at: leg.start, suffix: 'flow.start', body: { ...base(t, leg, leg.start), ...flow } },
    {
      at: leg.end,
      suffix: 'flow.end',
      body: {
        ...base(t, leg, leg.end),
        ...flow,
        connectedDurationMs: leg.end - leg.start,
        exitReason: 'TRANSFER',
        transferType: 'ACD',
        disconnectType: detailDisconnect(leg.disconnect),
      },
    },
  ];
}

function acdEvents(t: Timeline, leg: Leg): DetailEvent[] {
  const q = { queueId: leg.queueId };
  const end: Record<string, unknown> = {
    ...base(t, leg, leg.end),
    ...q,
    acdOutcome: leg.acdOutcome ?? 'UNKNOWN',
    connectedDurationMs: leg.end - leg.start,
    requestedRoutings: ['STANDARD'],
    usedRouting: 'STANDARD',
    disconnectType: detailDisconnect(leg.disconnect),
  };
  if (leg.answeredUserId) end.answeredUserId = leg.answeredUserId;
  return [
    { at: leg.start, suffix: 'acd.start', body: { ...base(t, leg, leg.start), ...q, routingPriority: 0, requestedRoutingSkillIds: [] } },
    { at: leg.end, suffix: 'acd.end', body: end },
  ];
}

function agentEvents(t: Timeline, leg: Leg): DetailEvent[] {
  const who = { userId: leg.userId, ...(leg.queueId ? { queueId: leg.queueId } : {}) };
  const out: DetailEvent[] = [
    { at: leg.start, suffix: 'user.start', body: { ...base(t, leg, leg.start), ...who } },
    {
      at: leg.end,
      suffix: 'user.end',
      body: {
        ...base(t, leg, leg.end),
        ...who,
        disconnectType: detailDisconnect(leg.disconnect),
        interactingDurationMs: connectedMs(leg),
        heldDurationMs: heldMs(leg),
        alertingDurationMs: (leg.connected ?? leg.end) - leg.start,
      },
    },
  ];
  const w = leg.wrapup;
  if (w) {
    const wrap = { wrapupCode: w.code, ...(w.notes ? { wrapupNotes: w.notes } : {}) };
    out.push({ at: w.end, suffix: 'acw', body: { ...base(t, leg, w.end), ...who, ...wrap, wrapupDurationMs: w.end - w.start } });
    // The wrapup event carries no userId (Genesys Cloud docs, topic "v2.detail.events.conversation.{id}").
    const { userId: _ignored, ...noUser } = { ...base(t, leg, w.end), ...who };
    out.push({ at: w.end, suffix: 'wrapup', body: { ...noUser, ...wrap, wrapupDurationMs: w.end - w.start } });
  }
  return out;
}

/** All detail events of a call, in time order. */
export function detailEvents(t: Timeline): DetailEvent[] {
  const out: DetailEvent[] = [];
  for (const leg of t.legs) {
    if (leg.purpose === 'customer') out.push(...customerEvents(t, leg));
    else if (leg.purpose === 'ivr') out.push(...flowEvents(t, leg));
    else if (leg.purpose === 'acd') out.push(...acdEvents(t, leg));
    else out.push(...agentEvents(t, leg));
  }
  return out.sort((a, b) => a.at - b.at);
}
