/**
 * Turns Genesys conversation snapshots (`v2.users.{id}.conversations.calls`
 * and `v2.users.{id}.conversations`, Genesys Cloud docs, topics "v2.users.{id}.conversations[.calls]") into
 * common conversation events. Pure: snapshots in, events out.
 *
 * Every snapshot carries the whole conversation, and the same conversation
 * arrives on the topic of every monitored agent in it, in no guaranteed order.
 * So the tracker diffs each snapshot against what it has seen and never lets a
 * participant move back from disconnected: duplicates and stale snapshots
 * produce no events.
 */
import type { AgentRef, ConversationEvent } from './events.js';

/**
 * The parts of a participant the tracker reads (both topic shapes). The
 * Genesys client's `CallParticipant` and `ConversationParticipant` fit it as
 * they are: the watcher hands the notification and REST models over unchanged.
 */
export interface SnapshotParticipant {
  id: string;
  purpose?: string;
  state?: string;
  name?: string;
  user?: { id: string };
  userId?: string;
  queue?: { id: string };
  queueId?: string;
  disconnectType?: string;
  direction?: string;
  ani?: string;
  dnis?: string;
  endTime?: string;
  calls?: { state?: string; disconnectType?: string; direction?: string; disconnectedTime?: string }[];
}

export interface CallSnapshot {
  id: string;
  participants?: SnapshotParticipant[];
}

export interface TrackerOptions {
  orgId: string;
  isMonitored: (userId: string) => boolean;
  now: () => number;
  /** How long an ended conversation is remembered (to ignore late snapshots). */
  retainMs?: number;
}

interface Seen {
  state: string;
  purpose: string;
  userId?: string | undefined;
}

interface Tracked {
  participants: Map<string, Seen>;
  ended: boolean;
  touched: number;
}

const AGENT_PURPOSES = new Set(['agent', 'user']);
const CUSTOMER_PURPOSES = new Set(['customer', 'external']);
const GONE = new Set(['disconnected', 'terminated']);
const DEFAULT_RETAIN_MS = 30 * 60 * 1000;

function stateOf(p: SnapshotParticipant): string {
  return (p.state ?? p.calls?.[p.calls.length - 1]?.state ?? 'none').toLowerCase();
}

function disconnectTypeOf(p: SnapshotParticipant): string | undefined {
  return p.disconnectType ?? p.calls?.[p.calls.length - 1]?.disconnectType;
}

function userIdOf(p: SnapshotParticipant): string | undefined {
  return p.user?.id ?? p.userId;
}

function callInfoOf(participants: SnapshotParticipant[]): { ani?: string | undefined; dnis?: string | undefined; direction?: string | undefined } {
  const customer = participants.find((p) => CUSTOMER_PURPOSES.has(p.purpose ?? ''));
  return { ani: customer?.ani, dnis: customer?.dnis, direction: customer?.direction ?? customer?.calls?.[0]?.direction };
}

export class ConversationTracker {
  private readonly conversations = new Map<string, Tracked>();

  constructor(private readonly o: TrackerOptions) {}

  get size(): number {
    return this.conversations.size;
  }

  /** Applies one snapshot; returns the events it implies (often none). */
  apply(snapshot: CallSnapshot): ConversationEvent[] {
    const at = new Date(this.o.now()).toISOString();
    const base = { orgId: this.o.orgId, conversationId: snapshot.id, at };
    const participants = snapshot.participants ?? [];
    const out: ConversationEvent[] = [];
    let conv = this.conversations.get(snapshot.id);
    if (conv?.ended) return out;
    const callInfo = callInfoOf(participants);
    if (!conv) {
      conv = { participants: new Map(), ended: false, touched: this.o.now() };
      this.conversations.set(snapshot.id, conv);
      out.push({ ...base, type: 'conversation.created', ...callInfo });
    }
    conv.touched = this.o.now();
    for (const p of participants) this.diffParticipant(conv, p, participants, base, callInfo, out);
    if (participants.length > 0 && [...conv.participants.values()].every((p) => GONE.has(p.state))) {
      conv.ended = true;
      const ends = participants.map((p) => p.endTime ?? p.calls?.[p.calls.length - 1]?.disconnectedTime).filter((x): x is string => !!x);
      out.push({ ...base, type: 'conversation.ended', endedAt: ends.sort().at(-1) ?? at });
    }
    return out;
  }

  /**
   * The conversation ended per a detail event (`customer.end`): used for calls
   * whose monitored agents all left before the end, so no agent topic reports it.
   */
  endFromDetail(conversationId: string, endedAtMs: number): ConversationEvent[] {
    const conv = this.conversations.get(conversationId);
    if (conv?.ended) return [];
    const at = new Date(this.o.now()).toISOString();
    if (conv) conv.ended = true;
    else this.conversations.set(conversationId, { participants: new Map(), ended: true, touched: this.o.now() });
    return [{ orgId: this.o.orgId, conversationId, at, type: 'conversation.ended', endedAt: new Date(endedAtMs).toISOString() }];
  }

  /**
   * `agent.connected` for each agent connected in the snapshot, whether or not
   * it is news: for a replica that holds the call yet missed the first one.
   * Changes nothing.
   */
  connectedNow(snapshot: CallSnapshot): ConversationEvent[] {
    const participants = snapshot.participants ?? [];
    const callInfo = callInfoOf(participants);
    const base = { orgId: this.o.orgId, conversationId: snapshot.id, at: new Date(this.o.now()).toISOString() };
    return participants.flatMap((p): ConversationEvent[] => {
      const userId = userIdOf(p);
      if (!AGENT_PURPOSES.has((p.purpose ?? '').toLowerCase()) || !userId || stateOf(p) !== 'connected') return [];
      return [{ ...base, type: 'agent.connected', agent: this.agentRef(p, userId), ...callInfo }];
    });
  }

  /** Conversations seen but not ended. */
  isOpen(conversationId: string): boolean {
    const c = this.conversations.get(conversationId);
    return c !== undefined && !c.ended;
  }

  /** Forgets conversations not seen for the retention period. */
  sweep(): number {
    const limit = this.o.now() - (this.o.retainMs ?? DEFAULT_RETAIN_MS);
    let removed = 0;
    for (const [id, c] of this.conversations) {
      if (c.touched < limit) {
        this.conversations.delete(id);
        removed++;
      }
    }
    return removed;
  }

  private diffParticipant(
    conv: Tracked,
    p: SnapshotParticipant,
    all: SnapshotParticipant[],
    base: { orgId: string; conversationId: string; at: string },
    callInfo: { ani?: string | undefined; dnis?: string | undefined; direction?: string | undefined },
    out: ConversationEvent[],
  ): void {
    const state = stateOf(p);
    const prev = conv.participants.get(p.id);
    const purpose = (p.purpose ?? 'unknown').toLowerCase();
    const userId = userIdOf(p);
    if (prev && GONE.has(prev.state)) return; // never regress from disconnected
    if (!prev) out.push({ ...base, type: 'participant.added', participantId: p.id, purpose, userId, name: p.name });
    conv.participants.set(p.id, { state, purpose, userId });
    if (!AGENT_PURPOSES.has(purpose) || !userId) return;
    const agent = this.agentRef(p, userId);
    if (state === 'connected' && prev?.state !== 'connected') {
      out.push({ ...base, type: 'agent.connected', agent, ...callInfo });
    } else if (GONE.has(state) && prev && !GONE.has(prev.state)) {
      const kind = (disconnectTypeOf(p) ?? '').toLowerCase();
      if (kind.startsWith('transfer')) {
        const next = all.find((o) => o.id !== p.id && AGENT_PURPOSES.has((o.purpose ?? '').toLowerCase()) && !GONE.has(stateOf(o)) && userIdOf(o));
        const nextUserId = next && userIdOf(next);
        out.push({ ...base, type: 'agent.transfer', from: agent, to: next && nextUserId ? this.agentRef(next, nextUserId) : undefined, kind });
      } else {
        out.push({ ...base, type: 'agent.disconnected', agent, disconnectType: kind || undefined });
      }
    }
  }

  private agentRef(p: SnapshotParticipant, userId: string): AgentRef {
    return {
      userId,
      participantId: p.id,
      name: p.name,
      queueId: p.queue?.id ?? p.queueId,
      monitored: this.o.isMonitored(userId),
    };
  }
}
