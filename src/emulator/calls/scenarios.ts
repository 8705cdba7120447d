/**
 * Scripted call scenarios. Each one is a short script over TimelineBuilder;
 * durations not given are drawn from a generator seeded by the conversation
 * id, so the same id always yields the same call.
 */
import { Rng } from '../core/rng.js';
import { ScenarioError, TimelineBuilder, type AgentRef } from './builder.js';
import type { Timeline } from './timeline.js';

export const SCENARIOS = ['inbound', 'customer-hangup', 'hold', 'blind-transfer', 'consult-transfer', 'agent-hangup', 'abandon'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Durations {
  ivrMs: number;
  queueMs: number;
  alertMs: number;
  talkMs: number;
  holdMs: number;
  consultMs: number;
  acwMs: number;
}

/** Default ranges [min, max] in ms; a `talkMs` given by the caller is the total talk time. */
export const DURATION_RANGES: Record<keyof Durations, [number, number]> = {
  ivrMs: [4_000, 9_000],
  queueMs: [3_000, 15_000],
  alertMs: [2_000, 6_000],
  talkMs: [30_000, 90_000],
  holdMs: [8_000, 20_000],
  consultMs: [8_000, 20_000],
  acwMs: [8_000, 30_000],
};

export interface ScenarioInput {
  scenario: ScenarioName;
  conversationId: string;
  orgId: string;
  divisionId: string;
  start: number;
  agents: AgentRef[];
  queue: { id: string; name: string };
  flow: { flowId: string; flowName: string };
  wrapupCode: string;
  wrapupNotes?: string;
  customer: { ani: string; dnis: string; name: string };
  durations?: Partial<Durations>;
  newId: () => string;
}

export function agentsNeeded(s: ScenarioName): number {
  if (s === 'abandon') return 0;
  return s === 'blind-transfer' || s === 'consult-transfer' ? 2 : 1;
}

export function durationsFor(conversationId: string, given: Partial<Durations> = {}): Durations {
  const rng = new Rng(`durations:${conversationId}`);
  const out = {} as Durations;
  for (const [k, [min, max]] of Object.entries(DURATION_RANGES) as [keyof Durations, [number, number]][]) {
    const drawn = rng.int(min, max);
    const v = given[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new ScenarioError(`durations.${k} must be a non-negative number of ms`);
    out[k] = v ?? drawn;
  }
  return out;
}

export function buildScenario(input: ScenarioInput): Timeline {
  const need = agentsNeeded(input.scenario);
  if (input.agents.length < need) {
    throw new ScenarioError(`scenario ${input.scenario} needs ${need} agent(s), got ${input.agents.length}`);
  }
  const d = durationsFor(input.conversationId, input.durations);
  const b = new TimelineBuilder({ ...input, ...input.customer, customerName: input.customer.name });
  b.ivr(d.ivrMs, input.flow).queue(input.queue).wait(d.queueMs);
  const [a, second] = input.agents as [AgentRef, AgentRef];
  const half = Math.round(d.talkMs / 2);
  switch (input.scenario) {
    case 'abandon':
      b.abandon();
      break;
    case 'inbound':
    case 'customer-hangup':
      b.offer(a, d.alertMs).talk(d.talkMs).customerHangup();
      break;
    case 'hold':
      b.offer(a, d.alertMs).talk(half).hold(d.holdMs).talk(d.talkMs - half).customerHangup();
      break;
    case 'agent-hangup':
      b.offer(a, d.alertMs).talk(d.talkMs).agentHangup();
      break;
    case 'blind-transfer':
      b.offer(a, d.alertMs).talk(half).blindTransfer(second, d.alertMs).talk(d.talkMs - half).customerHangup();
      break;
    case 'consult-transfer':
      b.offer(a, d.alertMs).talk(half).consultTransfer(second, d.alertMs, d.consultMs).talk(d.talkMs - half).customerHangup();
      break;
  }
  const wrap = { code: input.wrapupCode, durationMs: d.acwMs, ...(input.wrapupNotes ? { notes: input.wrapupNotes } : {}) };
  return b.build(input.scenario, () => wrap, input.newId());
}
