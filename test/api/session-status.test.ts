/**
 * The gate's record for the Data Action, on both shared-state backends: each
 * decision and later change of a session lands in shared state, where another
 * replica's reader finds it; the wrapped admission decides exactly as before.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionStatusStore, recordingStatus, type SessionStatus } from '../../src/api/index.js';
import type { Admission, AdmissionContext, AdmissionDecision, SessionHandle } from '../../src/capture/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { openState, type SharedState } from '../../src/platform/state/index.js';
import { REDIS_URL, uniqueName } from '../helpers/services.js';
import { until } from '../helpers/until.js';

const logger = createLogger({ level: 'silent' });

function handleFor(ctx: AdmissionContext): SessionHandle & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    context: ctx,
    admitted: false,
    ended: false,
    position: 0n as never,
    admit: () => void calls.push('admit'),
    retag: () => void calls.push('retag'),
    pause: () => void calls.push('pause'),
    resume: () => void calls.push('resume'),
    disconnect: () => void calls.push('disconnect'),
  };
}

describe.each([
  ['memory', () => openState('memory', { logger })],
  ['redis', () => openState(REDIS_URL, { logger, keyPrefix: `${uniqueName('status')}:` })],
])('session status on %s state', (_name, open) => {
  async function withState(fn: (writer: SessionStatusStore, reader: SessionStatusStore) => Promise<void>): Promise<void> {
    const state: SharedState = await open();
    try {
      // Writer and reader are separate objects over the same state, as two replicas are.
      await fn(new SessionStatusStore(state, logger), new SessionStatusStore(state, logger));
    } finally {
      // Records live 12 h: remove this run's from Redis rather than leave them to expire.
      for (const key of (await state.list('session-status:')).keys()) await state.delete(key);
      await state.close();
    }
  }

  it('records hold, admission with its agent, pause, resume and the end', async () => {
    await withState(async (writer, reader) => {
      let held: SessionHandle | undefined;
      const gate: Admission = { decide: (_c, h): AdmissionDecision => ((held = h), { type: 'hold' }), ended: () => undefined };
      const admission = recordingStatus(gate, writer);
      const ctx = { orgId: randomUUID(), sessionId: randomUUID(), correlationId: randomUUID(), conversationId: randomUUID(), open: {} as never };
      const handle = handleFor(ctx);
      const status = () => reader.get(ctx.orgId.toUpperCase(), ctx.conversationId);
      const becomes = (want: Partial<SessionStatus>) => until(async () => { const s = await status(); return s && Object.entries(want).every(([k, v]) => s[k as keyof SessionStatus] === v) && s; }, 3000, JSON.stringify(want));

      expect(admission.decide(ctx, handle)).toEqual({ type: 'hold' });
      await becomes({ gate: 'held', capture: 'paused' });
      held?.admit({ agent: { id: 'agent-1', name: 'Alice' } });
      expect(handle.calls).toEqual(['admit']);
      await becomes({ gate: 'admitted', capture: 'streaming', agentUserId: 'agent-1', agentName: 'Alice' });
      held?.pause();
      await becomes({ capture: 'paused' });
      held?.resume();
      await becomes({ capture: 'streaming' });
      admission.ended?.(handle);
      await becomes({ gate: 'admitted', capture: 'ended' });
    });
  });

  it('a held session the gate disconnects is refused; a rejected one too', async () => {
    await withState(async (writer, reader) => {
      let held: SessionHandle | undefined;
      const admission = recordingStatus({ decide: (c, h) => (c.sessionId === 'reject' ? { type: 'reject', reason: 'unauthorized' } : ((held = h), { type: 'hold' })) }, writer);
      const ctx = { orgId: randomUUID(), sessionId: randomUUID(), correlationId: randomUUID(), conversationId: randomUUID(), open: {} as never };
      admission.decide(ctx, handleFor(ctx));
      await until(async () => (await reader.get(ctx.orgId, ctx.conversationId))?.gate === 'held', 3000, 'held');
      held?.disconnect('completed');
      await until(async () => { const s = await reader.get(ctx.orgId, ctx.conversationId); return s?.gate === 'refused' && s.capture === 'ended'; }, 3000, 'refused');
      const rejected = { ...ctx, sessionId: 'reject', conversationId: randomUUID() };
      expect(admission.decide(rejected, handleFor(rejected)).type).toBe('reject');
      await until(async () => (await reader.get(ctx.orgId, rejected.conversationId))?.gate === 'refused', 3000, 'rejected');
    });
  });
});
