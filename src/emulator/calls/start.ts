/**
 * Turns a start-call request (control API or steady load) into a timeline for
 * one org: picks agents (free ones first), queue, wrap-up code and IVR flow,
 * draws customer numbers, and runs the scenario script.
 */
import { z } from 'zod';
import { botOptionSchema } from '../botcall/script.js';
import type { Rng } from '../core/rng.js';
import { ControlError, describeIssues } from '../errors.js';
import type { Named, Org } from '../state/model.js';
import type { AgentRef } from './builder.js';
import { agentsNeeded, buildScenario, SCENARIOS } from './scenarios.js';
import type { Timeline } from './timeline.js';

const durations = z
  .strictObject({
    ivrMs: z.number().min(0),
    queueMs: z.number().min(0),
    alertMs: z.number().min(0),
    talkMs: z.number().min(0),
    holdMs: z.number().min(0),
    consultMs: z.number().min(0),
    acwMs: z.number().min(0),
  })
  .partial();

export const startCallSchema = z.strictObject({
  scenario: z.enum(SCENARIOS).default('inbound'),
  conversationId: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a UUID').optional(),
  /** User ids of the agents, in the order the scenario uses them. */
  agentIds: z.array(z.string()).optional(),
  queueId: z.string().optional(),
  wrapupCodeId: z.string().optional(),
  wrapupNotes: z.string().optional(),
  durations: durations.optional(),
  /** Start this much (virtual ms) after now; lets a test subscribe to the conversation's topics first. */
  delayMs: z.number().int().min(0).default(0),
  customer: z.strictObject({ ani: z.string(), dnis: z.string(), name: z.string() }).partial().optional(),
  dialOut: z
    .strictObject({
      openAt: z.enum(['customer-connected', 'agent-connected']),
      openDelayMs: z.number().int().min(0),
      frameMs: z.number().int().min(10).max(1000),
      /** false: no AudioHook session for this call. */
      enabled: z.boolean(),
    })
    .partial()
    .optional(),
  /** Route the call through a bot during its IVR segment (durations.ivrMs bounds the bot leg). */
  bot: botOptionSchema.optional(),
  /**
   * Play a fixture call (fixtures/analysis/<fixture>.ulaw, known content in truth.json) from the start of the
   * talk instead of arranged phrases: with dialOut.openAt agent-connected, its sample 0 is the stream's position 0.
   */
  audio: z.strictObject({ fixture: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a fixture name (lower-case letters, digits, -)') }).optional(),
});

export type StartCallRequest = z.input<typeof startCallSchema>;
export type StartCall = z.output<typeof startCallSchema>;

export function parseStartCall(body: unknown): StartCall {
  const r = startCallSchema.safeParse(body ?? {});
  if (!r.success) throw new ControlError(`invalid call request: ${describeIssues(r.error.issues)}`);
  return r.data;
}

function pickNamed(map: Map<string, Named>, id: string | undefined, what: string, fallback: () => Named): Named {
  if (id !== undefined) {
    const found = map.get(id);
    if (!found) throw new ControlError(`unknown ${what} ${id}`, 400, 'unknown_reference');
    return found;
  }
  const first = map.values().next().value as Named | undefined;
  if (first) return first;
  const made = fallback();
  map.set(made.id, made);
  return made;
}

function pickAgents(org: Org, req: StartCall, need: number, freeAt: (userId: string) => number): AgentRef[] {
  if (req.agentIds) {
    return req.agentIds.map((id) => {
      const u = org.users.get(id);
      if (!u) throw new ControlError(`unknown agent user ${id} in org ${org.id}`, 400, 'unknown_reference');
      return { userId: u.id, name: u.name };
    });
  }
  const users = [...org.users.values()].filter((u) => u.state === 'active');
  if (users.length < need) throw new ControlError(`scenario ${req.scenario} needs ${need} agent(s); org ${org.id} has ${users.length} active user(s)`, 400, 'not_enough_agents');
  // Free agents first; Array.prototype.sort is stable, so ties keep directory order.
  return [...users].sort((a, b) => freeAt(a.id) - freeAt(b.id)).slice(0, need).map((u) => ({ userId: u.id, name: u.name }));
}

export function timelineFor(org: Org, req: StartCall, now: number, rng: Rng, freeAt: (userId: string) => number): Timeline {
  const conversationId = req.conversationId ?? rng.uuid();
  const queue = pickNamed(org.queues, req.queueId, 'queue', () => ({ id: rng.uuid(), name: 'Support' }));
  const wrap = pickNamed(org.wrapupCodes, req.wrapupCodeId, 'wrap-up code', () => ({ id: rng.uuid(), name: 'Resolved' }));
  const flow = pickNamed(org.flows, undefined, 'flow', () => ({ id: rng.uuid(), name: 'Main IVR' }));
  const number = `tel:+1555${String(rng.int(0, 9999999)).padStart(7, '0')}`;
  return buildScenario({
    scenario: req.scenario,
    conversationId,
    orgId: org.id,
    divisionId: org.divisionId,
    start: now + req.delayMs,
    agents: pickAgents(org, req, agentsNeeded(req.scenario), freeAt),
    queue,
    flow: { flowId: flow.id, flowName: flow.name },
    wrapupCode: wrap.id,
    ...(req.wrapupNotes ? { wrapupNotes: req.wrapupNotes } : {}),
    customer: { ani: req.customer?.ani ?? number, dnis: req.customer?.dnis ?? 'tel:+15555550199', name: req.customer?.name ?? 'Mobile Number' },
    ...(req.durations ? { durations: req.durations } : {}),
    newId: () => rng.uuid(),
  });
}
