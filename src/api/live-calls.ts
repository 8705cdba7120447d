/**
 * The calls in progress, as the live view reads them from any replica: the
 * gate's status records (session-status.ts: held, admitted, paused, agent,
 * start) joined with the level meters' records (live-meter-sink.ts: levels,
 * forwarded destinations), both in shared state. Changes travel on the
 * tenant's calls channel (live-hub.ts) as small messages, which the stream
 * route turns into patches of one call.
 *
 * An admitted call is listed only while its meter record lives (the meter
 * refreshes it while audio flows, with a short TTL): a replica that dies
 * leaves no call "in progress" for hours behind it. A held or paused call
 * sends no audio; it is listed while the gate's record is recent.
 */
import { z } from 'zod';
import type { SharedState } from '../platform/state/index.js';
import { GATE_DECISIONS } from './schemas.js';
import type { SessionStatus, SessionStatusStore } from './session-status.js';

export const LIVE_STATES = ['held', 'admitted', 'paused'] as const;
export type LiveState = (typeof LIVE_STATES)[number];

/** A held session that was never decided after this long is stale (the gate's timeout is far shorter). */
export const HELD_WINDOW_MS = 15 * 60_000;
/** A replica's meter record outlives its last rewrite by this much (meter-board.ts rewrites it every ~2 s while audio flows). */
export const METER_TTL_MS = 10_000;

const levels = z
  .object({
    customer: z.number().nullable().describe('RMS level of the customer channel over the last ~250 ms, dBFS (-96 is silence); null when the call has no such channel'),
    agent: z.number().nullable().describe('RMS level of the agent channel, dBFS; null when the call has no such channel'),
    at: z.string().describe('When the levels were measured'),
  })
  .describe('Per-channel levels, updated about four times a second while audio flows');

export const liveCall = z.object({
  conversationId: z.string(),
  agent: z.object({ id: z.string(), name: z.string().optional() }).nullable().describe('The monitored agent the call was admitted for; null while held'),
  state: z.enum(LIVE_STATES).describe('held: waiting for the gate; admitted: audio flows; paused: admitted, audio paused'),
  gate: z.enum(GATE_DECISIONS).describe("The gate's decision"),
  startedAt: z.string().describe('When the AudioHook session was first decided on'),
  levels: levels.nullable(),
  forwarded: z.array(z.string()).describe("Names of the tenant's downstream destinations the session is forwarded to"),
});
export type LiveCall = z.infer<typeof liveCall>;

export const liveCallPage = z.object({ items: z.array(liveCall) });

/** A stream's `call` event: the fields present replace the call's; a call not seen before is new. */
export const liveCallPatch = liveCall.partial().required({ conversationId: true });
export type LiveCallPatch = z.infer<typeof liveCallPatch>;

/** What the meters keep per admitted call in shared state (and publish changes of, in `meters`). */
export const meterRecord = z.object({
  startedAt: z.string(),
  forwarded: z.array(z.string()),
  levels: levels.nullable(),
});
export type MeterRecord = z.infer<typeof meterRecord>;

/** One replica's record of one tenant: every call it meters, by conversation id. */
const replicaMeters = z.object({ calls: z.record(z.string(), z.unknown()) });

const meterChange = z.object({ conversationId: z.string(), meter: meterRecord.partial() });

/**
 * The calls channel's messages. The meters publish `meters`: every call's change of one replica
 * and tenant since the last one, a few times a second (live-meter-sink.ts). `meter`, one call's
 * change, is what replicas of an earlier version publish; it is still read.
 */
export const liveCallMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('status'), conversationId: z.string(), status: z.looseObject({ gate: z.enum(GATE_DECISIONS), capture: z.string(), agentUserId: z.string().optional(), agentName: z.string().optional(), startedAt: z.string().optional(), at: z.string() }) }),
  meterChange.extend({ t: z.literal('meter') }),
  z.object({ t: z.literal('meters'), items: z.array(meterChange) }),
  z.object({ t: z.literal('end'), conversationId: z.string() }),
]);
export type LiveCallMessage = z.infer<typeof liveCallMessage>;

/** The key of one replica's meter record of one tenant; a snapshot lists the tenant's prefix. */
export const metersKey = (orgId: string, replicaId: string): string => `live-meters:${orgId.toLowerCase()}:${replicaId}`;

/** The call's state from the gate's record; undefined once it ended (or before any decision). */
export function stateOf(s: Pick<SessionStatus, 'gate' | 'capture'>): LiveState | undefined {
  if (s.capture === 'ended' || s.gate === 'refused' || s.gate === 'none') return undefined;
  if (s.gate === 'held') return 'held';
  return s.capture === 'paused' ? 'paused' : 'admitted';
}

/** What a status record says about a call, as a patch. */
export function statusPatch(conversationId: string, s: SessionStatus | Extract<LiveCallMessage, { t: 'status' }>['status']): LiveCallPatch | undefined {
  const state = stateOf(s as SessionStatus);
  if (!state) return undefined;
  return {
    conversationId,
    state,
    gate: s.gate,
    agent: s.agentUserId ? { id: s.agentUserId, ...(s.agentName !== undefined ? { name: s.agentName } : {}) } : null,
    ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
  };
}

export type LiveCallEvent = { kind: 'call'; patch: LiveCallPatch } | { kind: 'ended'; conversationId: string };

/** A channel message as stream events: patches, or a call's end. Anything unreadable is ignored. */
export function messageToEvents(raw: string): LiveCallEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return [];
  }
  const m = liveCallMessage.safeParse(json);
  if (!m.success) return [];
  const msg = m.data;
  if (msg.t === 'end') return [{ kind: 'ended', conversationId: msg.conversationId }];
  if (msg.t === 'meter') return [{ kind: 'call', patch: { conversationId: msg.conversationId, ...msg.meter } }];
  if (msg.t === 'meters') return msg.items.map((i) => ({ kind: 'call', patch: { conversationId: i.conversationId, ...i.meter } }));
  const patch = statusPatch(msg.conversationId, msg.status as SessionStatus);
  return [patch ? { kind: 'call', patch } : { kind: 'ended', conversationId: msg.conversationId }];
}

export class LiveCalls {
  constructor(
    private readonly state: SharedState,
    private readonly status: SessionStatusStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The tenant's calls in progress now, oldest first. */
  async snapshot(orgId: string): Promise<LiveCall[]> {
    const [statuses, meters] = await Promise.all([this.status.list(orgId), this.meters(orgId)]);
    const out: LiveCall[] = [];
    for (const [conversationId, s] of statuses) {
      const patch = statusPatch(conversationId, s);
      if (!patch?.state) continue;
      const meter = meters.get(conversationId);
      // Admitted: audio flows, so the meter's record lives. Held or paused: no audio, so the gate's record must be recent.
      if (patch.state === 'admitted' ? !meter : this.now() - Date.parse(s.at) > HELD_WINDOW_MS) continue;
      out.push({ conversationId, agent: patch.agent ?? null, state: patch.state, gate: s.gate, startedAt: s.startedAt ?? meter?.startedAt ?? s.at, levels: meter?.levels ?? null, forwarded: meter?.forwarded ?? [] });
    }
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  /** Every replica's metered calls of the tenant. */
  private async meters(orgId: string): Promise<Map<string, MeterRecord>> {
    const out = new Map<string, MeterRecord>();
    for (const [, raw] of await this.state.list(metersKey(orgId, ''))) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        continue; // A record this version cannot read is no call of ours.
      }
      const r = replicaMeters.safeParse(json);
      if (!r.success) continue;
      for (const [conversationId, call] of Object.entries(r.data.calls)) {
        const m = meterRecord.safeParse(call);
        if (m.success) out.set(conversationId, m.data);
      }
    }
    return out;
  }
}
