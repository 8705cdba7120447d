/**
 * Builds a Timeline step by step, like a script: the call moves through IVR,
 * queue, alerting, talk, holds, transfers and hang-ups on a time cursor that
 * only moves forward. Pure: ids come from the injected generator, time from
 * the start value and the durations given.
 */
import type { Disconnect, Leg, SpanKind, Timeline } from './timeline.js';

export interface AgentRef {
  userId: string;
  name: string;
}

export interface BuilderInit {
  conversationId: string;
  orgId: string;
  divisionId: string;
  start: number;
  ani: string;
  dnis: string;
  customerName: string;
  newId: () => string;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

interface OpenLeg {
  leg: Leg;
  kind: SpanKind;
  since: number;
}

export class TimelineBuilder {
  private t: number;
  private readonly legs: Leg[] = [];
  private readonly open = new Map<string, OpenLeg>();
  private readonly customer: Leg;
  private acd: Leg | undefined;
  private queueId: string | undefined;
  /** The agent currently serving the customer. */
  private active: Leg | undefined;
  private ended = false;

  constructor(private readonly init: BuilderInit) {
    this.t = init.start;
    this.customer = this.addLeg('customer', init.customerName, init.ani, 'interact');
    this.customer.connected = this.t;
  }

  get now(): number {
    return this.t;
  }

  wait(ms: number): this {
    if (!(ms >= 0)) throw new ScenarioError(`durations must be non-negative (got ${ms})`);
    this.t += Math.round(ms);
    return this;
  }

  ivr(ms: number, flow: { flowId: string; flowName: string }): this {
    const leg = this.addLeg('ivr', flow.flowName, `sip:${flow.flowId}@ivr`, 'ivr');
    leg.connected = this.t;
    leg.flow = { ...flow, flowVersion: '1.0' };
    this.wait(ms);
    this.endLeg(leg, 'transfer');
    return this;
  }

  queue(queue: { id: string; name: string }): this {
    this.acd = this.addLeg('acd', queue.name, `sip:queue-${queue.id}`, 'interact');
    this.acd.connected = this.t;
    this.acd.queueId = queue.id;
    this.queueId = queue.id;
    return this;
  }

  /** Offers the call to an agent, who alerts for `ms` and then answers. */
  offer(agent: AgentRef, ms: number, via: 'acd' | 'transfer' | 'consult' = 'acd'): this {
    if (via === 'acd' && !this.acd) throw new ScenarioError('offer via acd needs a queue first');
    const leg = this.addLeg('agent', agent.name, `sip:${agent.userId}@agents`, 'alert');
    leg.userId = agent.userId;
    leg.via = via;
    if (this.queueId) leg.queueId = this.queueId;
    if (via === 'consult' && this.active) leg.consultFor = this.active.participantId;
    this.wait(ms);
    leg.connected = this.t;
    this.switchSpan(leg, 'interact');
    if (via === 'acd' && this.acd) {
      this.acd.acdOutcome = 'ANSWERED';
      this.acd.answeredUserId = agent.userId;
      this.endLeg(this.acd, 'transfer');
      this.acd = undefined;
    }
    if (via !== 'consult') this.active = leg;
    return this;
  }

  talk(ms: number): this {
    this.requireActive('talk');
    return this.wait(ms);
  }

  hold(ms: number): this {
    const agent = this.requireActive('hold');
    this.setHeld(agent, true);
    this.wait(ms);
    this.setHeld(agent, false);
    return this;
  }

  blindTransfer(to: AgentRef, alertMs: number): this {
    const from = this.requireActive('blind transfer');
    from.transfer = 'blind';
    this.endLeg(from, 'transfer');
    this.active = undefined;
    return this.offer(to, alertMs, 'transfer');
  }

  /** Holds the customer, consults `to`, then completes the transfer to them. */
  consultTransfer(to: AgentRef, alertMs: number, consultMs: number): this {
    const from = this.requireActive('consult transfer');
    from.consulted = true;
    this.setHeld(from, true);
    this.offer(to, alertMs, 'consult');
    this.wait(consultMs);
    from.transfer = 'consult';
    this.endLeg(from, 'transfer.consult');
    this.switchSpan(this.customer, 'interact');
    this.active = this.legs.find((l) => l.consultFor === from.participantId);
    return this;
  }

  customerHangup(): this {
    for (const o of [...this.open.values()]) if (o.leg !== this.customer) this.endLeg(o.leg, 'peer');
    this.endLeg(this.customer, 'endpoint');
    this.ended = true;
    return this;
  }

  agentHangup(): this {
    const agent = this.requireActive('agent hang-up');
    this.endLeg(agent, 'client');
    for (const o of [...this.open.values()]) if (o.leg !== this.customer) this.endLeg(o.leg, 'peer');
    this.endLeg(this.customer, 'peer');
    this.ended = true;
    return this;
  }

  /** The customer gives up while waiting in queue. */
  abandon(): this {
    if (!this.acd) throw new ScenarioError('abandon needs the call to be in queue');
    this.acd.acdOutcome = 'ABANDON';
    this.endLeg(this.acd, 'peer');
    this.acd = undefined;
    this.endLeg(this.customer, 'endpoint');
    this.ended = true;
    return this;
  }

  /** Finishes: every agent leg gets after-call work from `wrapupFor`. */
  build(scenario: string, wrapupFor: (leg: Leg) => { code: string; notes?: string; durationMs: number }, recordingId: string): Timeline {
    if (!this.ended) throw new ScenarioError('the call must end (hang-up or abandon) before it is built');
    for (const leg of this.legs) {
      if (leg.purpose !== 'agent') continue;
      const w = wrapupFor(leg);
      leg.wrapup = { code: w.code, start: leg.end, end: leg.end + Math.round(w.durationMs), ...(w.notes ? { notes: w.notes } : {}) };
    }
    const answered = this.legs.some((l) => l.purpose === 'agent' && l.connected !== undefined);
    const i = this.init;
    return {
      conversationId: i.conversationId,
      orgId: i.orgId,
      divisionId: i.divisionId,
      scenario,
      start: i.start,
      end: this.customer.end,
      ani: i.ani,
      dnis: i.dnis,
      customerName: i.customerName,
      legs: this.legs,
      ...(answered ? { recording: { id: recordingId, start: this.customer.start, end: this.customer.end } } : {}),
    };
  }

  private requireActive(what: string): Leg {
    if (!this.active) throw new ScenarioError(`${what} needs a connected agent`);
    return this.active;
  }

  private setHeld(agent: Leg, held: boolean): void {
    this.switchSpan(agent, held ? 'hold' : 'interact');
    this.switchSpan(this.customer, held ? 'hold' : 'interact');
  }

  private addLeg(purpose: Leg['purpose'], name: string, address: string, kind: SpanKind): Leg {
    const leg: Leg = {
      participantId: this.init.newId(),
      sessionId: this.init.newId(),
      purpose,
      name,
      address,
      start: this.t,
      end: this.t,
      disconnect: 'endpoint',
      spans: [],
    };
    this.legs.push(leg);
    this.open.set(leg.participantId, { leg, kind, since: this.t });
    return leg;
  }

  private switchSpan(leg: Leg, kind: SpanKind): void {
    const o = this.open.get(leg.participantId);
    if (!o || o.kind === kind) return;
    if (this.t > o.since) leg.spans.push({ kind: o.kind, start: o.since, end: this.t });
    o.kind = kind;
    o.since = this.t;
  }

  private endLeg(leg: Leg, disconnect: Disconnect): void {
    const o = this.open.get(leg.participantId);
    if (!o) return;
    if (this.t > o.since) leg.spans.push({ kind: o.kind, start: o.since, end: this.t });
    leg.end = this.t;
    leg.disconnect = disconnect;
    this.open.delete(leg.participantId);
  }
}
