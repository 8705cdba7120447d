/**
 * What the gate decided about a conversation's AudioHook session and whether
 * its audio flows, readable from any replica: the Data Action asks on
 * whichever replica Genesys reaches, while the session lives on another.
 *
 * An Admission decorator writes one small record per conversation into shared
 * state (memory or Redis, through the SharedState interface) at each decision
 * and state change: fire-and-forget, never awaited on the audio path, with a
 * TTL so the set stays bounded by the calls of the last STATUS_TTL_MS.
 */
import { z } from 'zod';
import type { Admission, AdmissionContext, AdmissionDecision, AgentTag, SessionHandle } from '../capture/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { SharedState } from '../platform/state/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import { CAPTURE_STATES, GATE_DECISIONS } from './schemas.js';

/** Longer than any call we expect; a record is rewritten at every change, so a long call's last change restarts it. */
export const STATUS_TTL_MS = 12 * 3600_000;

const statusSchema = z.object({
  gate: z.enum(GATE_DECISIONS),
  capture: z.enum(CAPTURE_STATES),
  agentUserId: z.string().optional(),
  agentName: z.string().optional(),
  /** When the gate first decided (absent in records written before the live view had it). */
  startedAt: z.string().optional(),
  at: z.string(),
});
export type SessionStatus = z.infer<typeof statusSchema>;

const prefixOf = (orgId: string) => `session-status:${orgId.toLowerCase()}:`;
const keyOf = (orgId: string, conversationId: string) => `${prefixOf(orgId)}${conversationId.toLowerCase()}`;

/** Told of each record as it is written (the live-calls view publishes it); must not block. */
export type StatusListener = (orgId: string, conversationId: string, status: SessionStatus) => void;

export class SessionStatusStore {
  constructor(
    private readonly state: SharedState,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly onRecord?: StatusListener,
  ) {}

  /** This store's clock as an ISO instant (a session's startedAt). */
  stamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Returns at once; a failed write is logged (the record is advisory: the Data Action then says less). */
  record(orgId: string, conversationId: string, s: Omit<SessionStatus, 'at'>): void {
    const status: SessionStatus = { ...s, at: this.stamp() };
    this.state.set(keyOf(orgId, conversationId), JSON.stringify(status), STATUS_TTL_MS).catch((err: unknown) => this.log.debug({ err: errorMessage(err) }, 'session status not recorded'));
    this.onRecord?.(orgId.toLowerCase(), conversationId.toLowerCase(), status);
  }

  /** The tenant's records by conversation id (a scan: the records of the last STATUS_TTL_MS). */
  async list(orgId: string): Promise<Map<string, SessionStatus>> {
    const prefix = prefixOf(orgId);
    const out = new Map<string, SessionStatus>();
    for (const [key, raw] of await this.state.list(prefix)) {
      const parsed = parseStatus(raw);
      if (parsed) out.set(key.slice(key.lastIndexOf(':') + 1), parsed);
    }
    return out;
  }

  async get(orgId: string, conversationId: string): Promise<SessionStatus | undefined> {
    const raw = await this.state.get(keyOf(orgId, conversationId));
    return raw === undefined ? undefined : parseStatus(raw);
  }
}

function parseStatus(raw: string): SessionStatus | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = statusSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

const agentOf = (a: AgentTag | undefined) => (a ? { agentUserId: a.id, ...(a.name !== undefined ? { agentName: a.name } : {}) } : {});

/** Wraps the admission (the gate): same decisions, each one and each later change recorded. */
export function recordingStatus(inner: Admission, store: SessionStatusStore): Admission {
  const wrapped = new WeakMap<SessionHandle, { proxy: SessionHandle; set: (next: Partial<Omit<SessionStatus, 'at'>>) => void }>();
  return {
    decide(ctx: AdmissionContext, handle: SessionHandle): AdmissionDecision {
      let current: Omit<SessionStatus, 'at'> = { gate: 'none', capture: 'none', startedAt: store.stamp() };
      const set = (next: Partial<Omit<SessionStatus, 'at'>>) => {
        current = { ...current, ...next };
        store.record(ctx.orgId, ctx.conversationId, current);
      };
      const proxy: SessionHandle = {
        get context() { return handle.context; },
        get admitted() { return handle.admitted; },
        get ended() { return handle.ended; },
        get position() { return handle.position; },
        admit: (tags) => { handle.admit(tags); set({ gate: 'admitted', capture: 'streaming', ...agentOf(tags?.agent) }); },
        retag: (tags) => { handle.retag(tags); if (tags.agent) set(agentOf(tags.agent)); },
        pause: () => { handle.pause(); set({ capture: 'paused' }); },
        resume: () => { handle.resume(); set({ capture: 'streaming' }); },
        disconnect: (reason, info) => {
          handle.disconnect(reason, info);
          // The gate disconnects a held session only when no monitored agent claimed it in time: a refusal.
          set({ capture: 'ended', ...(current.gate === 'held' ? { gate: 'refused' as const } : {}) });
        },
      };
      wrapped.set(handle, { proxy, set });
      const decision = inner.decide(ctx, proxy);
      if (decision.type === 'admit') set({ gate: 'admitted', capture: 'streaming', ...agentOf(decision.agent) });
      else if (decision.type === 'hold') set({ gate: 'held', capture: 'paused' });
      else set({ gate: 'refused', capture: 'ended' });
      return decision;
    },
    ended(handle: SessionHandle): void {
      const entry = wrapped.get(handle);
      inner.ended?.(entry?.proxy ?? handle);
      entry?.set({ capture: 'ended' });
    },
  };
}
