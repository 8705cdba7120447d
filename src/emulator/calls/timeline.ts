/**
 * A call's timeline: who took part, and in which state, from when to when.
 * Everything the emulator says about a call — user-topic snapshots, detail
 * events, the analytics record, the recording and the AudioHook audio — is a
 * pure function of this one structure, which is what keeps the views in step.
 *
 * Times are virtual epoch milliseconds. Disconnect types use the calls-topic
 * spelling; the other views translate (see `spellings.ts`).
 */

export type LegPurpose = 'customer' | 'ivr' | 'acd' | 'agent';
export type Disconnect = 'endpoint' | 'client' | 'peer' | 'transfer' | 'transfer.consult' | 'system';
export type SpanKind = 'alert' | 'interact' | 'hold' | 'ivr';

/** One state of one leg; a leg's spans are contiguous from its start to its end. */
export interface Span {
  kind: SpanKind;
  start: number;
  end: number;
}

export interface Wrapup {
  code: string;
  notes?: string;
  /** After-call work: starts when the agent's leg ends. */
  start: number;
  end: number;
}

export interface Leg {
  participantId: string;
  sessionId: string;
  purpose: LegPurpose;
  name: string;
  address: string;
  userId?: string;
  queueId?: string;
  start: number;
  connected?: number;
  end: number;
  disconnect: Disconnect;
  spans: Span[];
  wrapup?: Wrapup;
  /** Agents: how they reached the call. */
  via?: 'acd' | 'transfer' | 'consult';
  /** Agents: how they left it when it was by transfer. */
  transfer?: 'blind' | 'consult';
  /** Agents: started a consultation with another agent. */
  consulted?: boolean;
  /** Agents reached by consult: the consulting agent's participant id. */
  consultFor?: string;
  /** ACD legs. */
  acdOutcome?: 'ANSWERED' | 'ABANDON';
  answeredUserId?: string;
  /** IVR legs. */
  flow?: { flowId: string; flowName: string; flowVersion: string };
}

export interface Timeline {
  conversationId: string;
  orgId: string;
  divisionId: string;
  scenario: string;
  /** conversationStart: the customer leg's start. */
  start: number;
  /** conversationEnd: the customer leg's end (after-call work is not part of it). */
  end: number;
  ani: string;
  dnis: string;
  customerName: string;
  legs: Leg[];
  /** The recorded span (the customer leg) when an agent answered; absent otherwise. */
  recording?: { id: string; start: number; end: number };
}

/** When the last thing on the timeline happens (the last wrap-up, or the end). */
export function finalTime(t: Timeline): number {
  return Math.max(t.end, ...t.legs.map((l) => l.wrapup?.end ?? l.end));
}

export function customerLeg(t: Timeline): Leg {
  const leg = t.legs.find((l) => l.purpose === 'customer');
  if (!leg) throw new Error(`timeline ${t.conversationId} has no customer leg`);
  return leg;
}

export function agentLegs(t: Timeline): Leg[] {
  return t.legs.filter((l) => l.purpose === 'agent');
}

export function spanAt(leg: Leg, at: number): Span | undefined {
  return leg.spans.find((s) => s.start <= at && at < s.end);
}

/** Every distinct time at which something on the timeline changes, ascending. */
export function changeTimes(t: Timeline): number[] {
  const times = new Set<number>();
  for (const leg of t.legs) {
    times.add(leg.start);
    times.add(leg.end);
    if (leg.connected !== undefined) times.add(leg.connected);
    for (const s of leg.spans) times.add(s.start);
    if (leg.wrapup) times.add(leg.wrapup.end);
  }
  return [...times].sort((a, b) => a - b);
}

/**
 * Intervals when the customer is connected to an agent and neither side holds:
 * where the conversation audio has speech.
 */
export function talkIntervals(t: Timeline): { start: number; end: number }[] {
  const cust = customerLeg(t);
  const out: { start: number; end: number }[] = [];
  for (const agent of agentLegs(t)) {
    for (const s of agent.spans) {
      if (s.kind !== 'interact') continue;
      for (const c of cust.spans) {
        if (c.kind !== 'interact') continue;
        const start = Math.max(s.start, c.start);
        const end = Math.min(s.end, c.end);
        if (end > start) out.push({ start, end });
      }
    }
  }
  out.sort((a, b) => a.start - b.start);
  return mergeIntervals(out);
}

function mergeIntervals(sorted: { start: number; end: number }[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}
