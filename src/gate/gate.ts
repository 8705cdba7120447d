/**
 * The real-time gate (seed design 000, steps 4–9): every new session of a
 * `monitored-group` tenant is held paused until conversation events say a
 * monitored agent has the call, then resumed and tagged; sessions nobody claims
 * within the tenant's gate timeout are disconnected (or kept paused, by policy).
 *
 * Decisions use local state only — a mirror of the tenant leader's events that
 * every replica keeps — so `opened` never waits. Events may arrive before or
 * after the session opens.
 */
import type { Registry } from '../platform/metrics/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Admission, AdmissionContext, AdmissionDecision, AgentTag, ConversationTag, SessionHandle } from '../capture/index.js';
import type { AgentRef, TenantEvent } from '../tracking/index.js';
import { GateMetrics } from './metrics.js';

export interface GatePolicy {
  admission: 'monitored-group' | 'all';
  gateTimeoutMs: number;
  onGateTimeout: 'disconnect' | 'keep-paused';
  onTransferAway: 'keep' | 'pause';
}

export interface GateOptions {
  policy: (orgId: string) => GatePolicy | undefined;
  registry: Registry;
  log: Logger;
  now?: () => number;
  /** How long a conversation's state is kept after it ended or was last touched. */
  retainMs?: number;
  /**
   * Told when this replica starts and stops holding sessions of a conversation
   * (so the tenant leader, wherever it runs, can resolve it). Must not block.
   */
  held?: { held(orgId: string, conversationId: string): void; released(orgId: string, conversationId: string): void };
}

interface Held {
  since: number;
  timer: NodeJS.Timeout | undefined;
}

interface Conversation {
  orgId: string;
  id: string;
  /** The monitored agent who has the call now, if any. */
  agent: AgentRef | undefined;
  conversation: ConversationTag;
  sessions: Set<SessionHandle>;
  held: Map<SessionHandle, Held>;
  pausedByPolicy: boolean;
  touched: number;
}

const key = (orgId: string, conversationId: string) => `${orgId}/${conversationId}`;
const tag = (a: AgentRef | undefined): AgentTag | undefined => (a ? { id: a.userId, name: a.name, email: a.email } : undefined);

export class Gate implements Admission {
  private readonly conversations = new Map<string, Conversation>();
  private readonly metrics: GateMetrics;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly o: GateOptions) {
    this.now = o.now ?? Date.now;
    this.metrics = new GateMetrics(o.registry, () => this.heldCount());
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  decide(ctx: AdmissionContext, handle: SessionHandle): AdmissionDecision {
    const policy = this.o.policy(ctx.orgId);
    // Fail closed: no settings for this organization (a lookup that missed, a
    // tenant just removed) must not mean "admit every call".
    if (!policy) {
      this.metrics.decisions.inc({ decision: 'no-policy' });
      return { type: 'reject', reason: 'unauthorized', info: 'Unknown organization' };
    }
    const c = this.conversation(ctx.orgId, ctx.conversationId);
    c.sessions.add(handle);
    if (policy.admission === 'all') {
      this.metrics.decisions.inc({ decision: 'all' });
      return { type: 'admit', agent: tag(c.agent), conversation: c.conversation };
    }
    // Already known to be a monitored agent's call: stream from the first sample.
    if (c.agent && !c.pausedByPolicy) {
      this.metrics.decisions.inc({ decision: 'admitted-at-open' });
      return { type: 'admit', agent: tag(c.agent), conversation: c.conversation };
    }
    const timer = setTimeout(() => this.timeout(ctx, handle, policy), policy.gateTimeoutMs);
    timer.unref();
    c.held.set(handle, { since: this.now(), timer });
    if (c.held.size === 1) this.o.held?.held(ctx.orgId, ctx.conversationId);
    this.metrics.decisions.inc({ decision: 'held' });
    return { type: 'hold' };
  }

  ended(handle: SessionHandle): void {
    const c = this.conversations.get(key(handle.context.orgId, handle.context.conversationId));
    if (!c) return;
    c.sessions.delete(handle);
    const h = c.held.get(handle);
    if (h?.timer) clearTimeout(h.timer);
    this.unhold(handle.context.orgId, handle.context.conversationId, c, handle);
  }

  /** Applies an event from the tenant leader (on every replica). */
  onEvent(e: TenantEvent): void {
    if (e.type === 'monitoring.changed') return this.onMonitoringChanged(e.orgId, e.userId, e.monitored);
    const c = this.conversation(e.orgId, e.conversationId);
    switch (e.type) {
      case 'agent.connected':
        c.conversation = { ...c.conversation, ani: e.ani ?? c.conversation.ani, dnis: e.dnis ?? c.conversation.dnis, direction: e.direction ?? c.conversation.direction, queueId: e.agent.queueId ?? c.conversation.queueId, participantId: e.agent.participantId };
        if (e.agent.monitored) this.claim(c, e.agent);
        else if (!c.agent) this.retagAll(c, e.agent);
        break;
      case 'agent.transfer':
        if (c.agent?.userId === e.from.userId) {
          c.agent = undefined;
          if (!e.to?.monitored) this.transferredAway(e.orgId, c, e.to);
        }
        break;
      case 'agent.disconnected':
        if (c.agent?.userId === e.agent.userId) c.agent = undefined;
        break;
      case 'conversation.ended':
        c.agent = undefined;
        break;
      default:
        break;
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const c of this.conversations.values()) for (const h of c.held.values()) if (h.timer) clearTimeout(h.timer);
  }

  private claim(c: Conversation, agent: AgentRef): void {
    c.agent = agent;
    const wasPaused = c.pausedByPolicy;
    c.pausedByPolicy = false;
    for (const [handle, h] of c.held) {
      if (h.timer) clearTimeout(h.timer);
      this.metrics.holdSeconds.observe((this.now() - h.since) / 1000);
      this.metrics.decisions.inc({ decision: 'admitted' });
      handle.admit({ agent: tag(agent), conversation: c.conversation });
    }
    for (const handle of c.sessions) {
      if (c.held.has(handle) || !handle.admitted) continue;
      handle.retag({ agent: tag(agent), conversation: c.conversation });
      if (wasPaused) handle.resume();
    }
    if (c.held.size > 0) this.o.held?.released(c.orgId, c.id);
    c.held.clear();
  }

  private transferredAway(orgId: string, c: Conversation, to: AgentRef | undefined): void {
    const policy = this.o.policy(orgId);
    if (!policy || policy.admission === 'all') return this.retagAll(c, to);
    this.metrics.transfers.inc({ policy: policy.onTransferAway });
    if (policy.onTransferAway === 'pause') {
      c.pausedByPolicy = true;
      for (const handle of c.sessions) if (handle.admitted) handle.pause();
    } else if (to) {
      this.retagAll(c, to);
    }
  }

  private onMonitoringChanged(orgId: string, userId: string, monitored: boolean): void {
    if (monitored) return; // the leader follows up with agent.connected for the agent's live calls
    for (const [k, c] of this.conversations) {
      if (k.startsWith(`${orgId}/`) && c.agent?.userId === userId) {
        c.agent = undefined;
        this.transferredAway(orgId, c, undefined);
      }
    }
  }

  private retagAll(c: Conversation, agent: AgentRef | undefined): void {
    if (!agent) return;
    for (const handle of c.sessions) if (handle.admitted) handle.retag({ agent: tag(agent), conversation: c.conversation });
  }

  private timeout(ctx: AdmissionContext, handle: SessionHandle, policy: GatePolicy): void {
    const c = this.conversations.get(key(ctx.orgId, ctx.conversationId));
    const h = c?.held.get(handle);
    if (!c || !h || handle.ended) return;
    if (policy.onGateTimeout === 'disconnect') {
      this.unhold(ctx.orgId, ctx.conversationId, c, handle);
      this.metrics.decisions.inc({ decision: 'timeout-disconnected' });
      this.o.log.info({ sessionId: ctx.sessionId, conversationId: ctx.conversationId }, 'no monitored agent within the gate timeout; disconnecting');
      handle.disconnect('completed', 'Not a monitored call');
    } else {
      h.timer = undefined;
      this.metrics.decisions.inc({ decision: 'timeout-kept' });
    }
  }

  private unhold(orgId: string, conversationId: string, c: Conversation, handle: SessionHandle): void {
    if (c.held.delete(handle) && c.held.size === 0) this.o.held?.released(orgId, conversationId);
  }

  private conversation(orgId: string, conversationId: string): Conversation {
    const k = key(orgId, conversationId);
    let c = this.conversations.get(k);
    if (!c) {
      c = { orgId, id: conversationId, agent: undefined, conversation: {}, sessions: new Set(), held: new Map(), pausedByPolicy: false, touched: this.now() };
      this.conversations.set(k, c);
    }
    c.touched = this.now();
    return c;
  }

  private sweep(): void {
    const limit = this.now() - (this.o.retainMs ?? 6 * 3600_000);
    for (const [k, c] of this.conversations) if (c.sessions.size === 0 && c.touched < limit) this.conversations.delete(k);
  }

  private heldCount(): number {
    let n = 0;
    for (const c of this.conversations.values()) n += c.held.size;
    return n;
  }
}
