/**
 * Steady call load on the virtual clock: N calls per minute for an org, with
 * talk times drawn from a range and scenarios from a list, handed to the
 * least busy agents, until a call count or a run time is reached.
 */
import { z } from 'zod';
import { errorMessage } from '../../platform/util/error-message.js';
import { Rng } from '../core/rng.js';
import type { Scheduler, Timer } from '../core/scheduler.js';
import { ControlError, describeIssues } from '../errors.js';
import { agentsNeeded, DURATION_RANGES, SCENARIOS } from './scenarios.js';
import type { StartCallRequest } from './start.js';

export const loadSchema = z
  .strictObject({
    callsPerMinute: z.number().positive().max(100_000),
    /** Stop after this many calls… */
    totalCalls: z.number().int().positive().optional(),
    /** …or after this much virtual time. */
    runForMs: z.number().int().positive().optional(),
    scenarios: z.array(z.enum(SCENARIOS)).min(1).default(['inbound']),
    /** Total talk time per call, [min, max] ms. */
    talkMs: z.tuple([z.number().min(0), z.number().min(0)]).default([30_000, 90_000]),
    /** Other fixed durations (ms) for every call, e.g. short IVR/queue/ACW in tests. */
    durations: z.record(z.string(), z.number().min(0)).optional(),
    /** Agents to use (default: every active user of the org). */
    agentIds: z.array(z.string()).optional(),
    dialOut: z.record(z.string(), z.unknown()).optional(),
    seed: z.string().default('load'),
  })
  .refine((l) => l.talkMs[0] <= l.talkMs[1], { message: 'talkMs must be [min, max] with min ≤ max' });

export type LoadSpec = z.output<typeof loadSchema>;
export type LoadRequest = z.input<typeof loadSchema>;

export function parseLoad(body: unknown): LoadSpec {
  const r = loadSchema.safeParse(body ?? {});
  if (!r.success) throw new ControlError(`invalid load request: ${describeIssues(r.error.issues)}`);
  const unknown = Object.keys(r.data.durations ?? {}).filter((k) => !(k in DURATION_RANGES));
  if (unknown.length > 0) throw new ControlError(`invalid load request: unknown durations ${unknown.join(', ')} (known: ${Object.keys(DURATION_RANGES).join(', ')})`);
  return r.data;
}

export interface LoadStatus {
  id: string;
  orgId: string;
  running: boolean;
  callsStarted: number;
  failures: number;
  lastError?: string;
  conversationIds: string[];
}

export interface LoadDeps {
  scheduler: Scheduler;
  now: () => number;
  agents: () => string[];
  freeAt: (userId: string) => number;
  startCall: (req: StartCallRequest) => string;
}

export class LoadRun {
  readonly status: LoadStatus;
  private readonly rng: Rng;
  private timer: Timer | undefined;
  private readonly startedAt: number;

  constructor(id: string, orgId: string, private readonly spec: LoadSpec, private readonly deps: LoadDeps) {
    this.status = { id, orgId, running: true, callsStarted: 0, failures: 0, conversationIds: [] };
    this.rng = new Rng(`${spec.seed}:${id}`);
    this.startedAt = deps.now();
    this.tick();
  }

  stop(): void {
    this.status.running = false;
    this.timer?.cancel();
  }

  private tick(): void {
    if (!this.status.running) return;
    const s = this.spec;
    if ((s.totalCalls !== undefined && this.status.callsStarted + this.status.failures >= s.totalCalls) || (s.runForMs !== undefined && this.deps.now() - this.startedAt >= s.runForMs)) {
      this.stop();
      return;
    }
    this.startOne();
    this.timer = this.deps.scheduler.after(60_000 / s.callsPerMinute, () => this.tick());
  }

  private startOne(): void {
    const scenario = this.rng.pick(this.spec.scenarios);
    const pool = (this.spec.agentIds ?? this.deps.agents()).slice().sort((a, b) => this.deps.freeAt(a) - this.deps.freeAt(b));
    const req: StartCallRequest = {
      scenario,
      agentIds: pool.slice(0, agentsNeeded(scenario)),
      durations: { ...this.spec.durations, talkMs: this.rng.int(this.spec.talkMs[0], this.spec.talkMs[1]) },
      ...(this.spec.dialOut ? { dialOut: this.spec.dialOut } : {}),
    };
    try {
      this.status.conversationIds.push(this.deps.startCall(req));
      this.status.callsStarted++;
    } catch (err) {
      this.status.failures++;
      this.status.lastError = errorMessage(err);
    }
  }
}
