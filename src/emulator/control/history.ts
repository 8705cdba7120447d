/**
 * Bulk history: many calls that already ended, added in one control request
 * (a day of 100,000 conversations for reconciliation, a backlog to import).
 * Each is the same timeline `startCall` would build, started in the past, so
 * analytics, jobs and recordings show it; no notification is published and
 * no AudioHook session dialled, because all of that happened "before".
 */
import { z } from 'zod';
import { agentsNeeded, DURATION_RANGES, SCENARIOS, type Durations } from '../calls/scenarios.js';
import { parseStartCall, timelineFor, type StartCall } from '../calls/start.js';
import { finalTime } from '../calls/timeline.js';
import type { EmulatorContext } from '../context.js';
import { ControlError, describeIssues } from '../errors.js';

const when = z.union([z.number(), z.string()]);

export const historySchema = z.strictObject({
  count: z.number().int().positive().max(1_000_000),
  /** Calls start evenly spread from `from`; each ends, wrap-up included, before `to` (≤ now). */
  from: when,
  to: when,
  /** Agents taking the calls in turn (default: every active user of the org). */
  agentIds: z.array(z.string()).min(1).optional(),
  scenarios: z.array(z.enum(SCENARIOS)).min(1).default(['inbound']),
  /** Fixed durations (ms) for every call; the others are drawn per call as for `startCall`. */
  durations: z.record(z.string(), z.number().min(0)).optional(),
  /** Answer every conversation id (a 100,000-call answer is ~4 MB). */
  includeIds: z.boolean().default(false),
});

export type HistoryRequest = z.input<typeof historySchema>;

export interface HistoryResult {
  created: number;
  first: string;
  last: string;
  conversationIds?: string[];
}

function millis(v: number | string, what: string): number {
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) throw new ControlError(`invalid history: ${what} must be epoch ms or an ISO date`);
  return ms;
}

/** The longest call the scenarios can make with these durations: every span at its maximum, two alerts. */
function longestCallMs(fixed: Partial<Durations>): number {
  const max = (k: keyof Durations) => fixed[k] ?? DURATION_RANGES[k][1];
  return max('ivrMs') + max('queueMs') + 2 * max('alertMs') + max('talkMs') + max('holdMs') + max('consultMs') + max('acwMs');
}

function parseHistory(body: unknown) {
  const r = historySchema.safeParse(body ?? {});
  if (!r.success) throw new ControlError(`invalid history: ${describeIssues(r.error.issues)}`);
  const unknown = Object.keys(r.data.durations ?? {}).filter((k) => !(k in DURATION_RANGES));
  if (unknown.length > 0) throw new ControlError(`invalid history: unknown durations ${unknown.join(', ')} (known: ${Object.keys(DURATION_RANGES).join(', ')})`);
  return { ...r.data, from: millis(r.data.from, 'from'), to: millis(r.data.to, 'to'), durations: r.data.durations as Partial<Durations> | undefined };
}

export function addHistory(ctx: EmulatorContext, orgId: string, body: unknown): HistoryResult {
  const org = ctx.orgs.require(orgId);
  const h = parseHistory(body);
  if (h.to > ctx.clock.now()) throw new ControlError('invalid history: `to` must not be after the emulator’s now (history has already happened)');
  const lastStart = h.to - longestCallMs(h.durations ?? {});
  if (lastStart < h.from) throw new ControlError('invalid history: [from, to) is shorter than the longest call these durations can make');
  const agents = h.agentIds ?? [...org.users.values()].filter((u) => u.state === 'active').map((u) => u.id);
  const need = Math.max(...h.scenarios.map(agentsNeeded));
  if (agents.length < need) throw new ControlError(`invalid history: the scenarios need ${need} agent(s), ${agents.length} given`);
  const template: StartCall = parseStartCall({ ...(h.durations ? { durations: h.durations } : {}) });
  const step = h.count > 1 ? (lastStart - h.from) / (h.count - 1) : 0;
  const ids: string[] = [];
  let last = h.from;
  for (let i = 0; i < h.count; i++) {
    const scenario = h.scenarios[i % h.scenarios.length] as StartCall['scenario'];
    const agentIds = Array.from({ length: agentsNeeded(scenario) }, (_, k) => agents[(i + k) % agents.length] as string);
    const timeline = timelineFor(org, { ...template, scenario, agentIds }, Math.round(h.from + i * step), ctx.rng, () => 0);
    ctx.calls.add(timeline, { history: true });
    last = Math.max(last, finalTime(timeline));
    if (h.includeIds) ids.push(timeline.conversationId);
  }
  return { created: h.count, first: new Date(h.from).toISOString(), last: new Date(last).toISOString(), ...(h.includeIds ? { conversationIds: ids } : {}) };
}
