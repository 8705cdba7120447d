/**
 * Issue 4 gate scenarios against the emulator: conversation events before and
 * after the AudioHook open, transfers into and out of the monitored group, and
 * group membership changes during a call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSession } from '../../src/receiver/index.js';
import type { StreamMessage } from '../../src/protocol/stream/index.js';
import { TenantStore } from '../../src/tenants/index.js';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
// A, B monitored; C, D not.
beforeAll(async () => {
  s = await startStack({ agents: 4, monitored: 2, tenant: { gateTimeoutSeconds: 20, onTransferAway: 'pause' }, server: { audiohook: { credentialRefreshSeconds: 1 } } });
  await s.tracking();
}, 60_000);
afterAll(() => s?.stop());

type Entry = { conversationId: string; result: string; framesSent: number; pauses: number; resumes: number; startSample: number; disconnects: { reason: string }[] };
const log = async (conversationId: string) => ((await s.control.audioHookLog({ conversationId })) as Entry[])[0];
const received = (conversationId: string): ReceivedSession | undefined => [...(s.receiver?.sessions.values() ?? [])].find((r) => r.start.conversationId === conversationId);
const types = (r: ReceivedSession | undefined): string[] => (r?.messages ?? []).map((m: StreamMessage) => m.type);
const short = { ivrMs: 200, queueMs: 200, alertMs: 400, acwMs: 200 };

async function finished(conversationId: string): Promise<Entry> {
  await until(async () => ['completed', 'failed', 'dropped'].includes((await log(conversationId))?.result ?? ''), 40_000, `session of ${conversationId} to finish`);
  return (await log(conversationId)) as Entry;
}

async function setTenant(change: Record<string, unknown>): Promise<void> {
  const current = await s.t.server.ctx.tenants.getTenant(s.orgId);
  await s.t.server.ctx.tenants.upsertTenant(TenantStore.normalize({ ...(current as object), ...change }), 'config');
  await s.t.server.tenants.refresh();
}

describe('gate scenarios', () => {
  it('event before open: the session opens unpaused and streams from its first frame', async () => {
    const [a] = s.agents;
    const call = await s.control.startCall(s.orgId, { agentIds: [a!.id], queueId: s.queueId, durations: { ...short, talkMs: 2500 }, dialOut: { openAt: 'agent-connected', openDelayMs: 500 } });
    const entry = await finished(call.conversationId);
    expect(entry.pauses).toBe(0);
    await until(() => received(call.conversationId)?.finished === true, 10_000);
    expect(received(call.conversationId)?.start.agent?.id).toBe(a!.id);
    expect(received(call.conversationId)?.start.position).toBe('PT0S');
  }, 60_000);

  it('event after open: the session is held paused, then resumed when the agent answers', async () => {
    const [, b] = s.agents;
    const call = await s.control.startCall(s.orgId, { agentIds: [b!.id], queueId: s.queueId, durations: { ...short, talkMs: 2500 } });
    const entry = await finished(call.conversationId);
    expect(entry.resumes).toBeGreaterThanOrEqual(1);
    await until(() => received(call.conversationId)?.finished === true, 10_000);
    expect(received(call.conversationId)?.start.agent?.id).toBe(b!.id);
  }, 60_000);

  it('transfer into the group: admitted when the monitored agent takes the call', async () => {
    const [a, , c] = s.agents;
    const call = await s.control.startCall(s.orgId, { scenario: 'blind-transfer', agentIds: [c!.id, a!.id], queueId: s.queueId, durations: { ...short, talkMs: 2000 } });
    const entry = await finished(call.conversationId);
    await until(() => received(call.conversationId)?.finished === true, 10_000);
    const r = received(call.conversationId) as ReceivedSession;
    expect(r.start.agent?.id).toBe(a!.id);
    // Nothing from C's part of the call: the first forwarded audio is after A answered.
    const answeredA = call.participants.find((p) => p.userId === a!.id)?.connectedMs as number;
    const sessionStartMs = call.startMs + entry.startSample / 8;
    const firstAudioMs = sessionStartMs + (r.origin + (r.written.start / 2 / 8000) * 1e9) / 1e6;
    // The frame in progress when the resume arrived may start up to one frame (100 ms) earlier.
    expect(firstAudioMs).toBeGreaterThanOrEqual(answeredA - 110);
    // …whereas C answered more than a second before A: admitting on C would fail the check above.
    const answeredC = call.participants.find((p) => p.userId === c!.id)?.connectedMs as number;
    expect(answeredA - answeredC).toBeGreaterThan(1000);
  }, 60_000);

  it('transfer out of the group: the stream is paused (policy pause)', async () => {
    const [a, , c] = s.agents;
    const call = await s.control.startCall(s.orgId, { scenario: 'blind-transfer', agentIds: [a!.id, c!.id], queueId: s.queueId, durations: { ...short, talkMs: 2000 } });
    const entry = await finished(call.conversationId);
    await until(() => received(call.conversationId)?.finished === true, 10_000);
    expect(received(call.conversationId)?.start.agent?.id).toBe(a!.id);
    expect(types(received(call.conversationId))).toContain('paused');
    expect(entry.pauses).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('transfer out of the group with policy keep: the stream continues, re-tagged', async () => {
    await setTenant({ onTransferAway: 'keep' });
    const [a, , c] = s.agents;
    const call = await s.control.startCall(s.orgId, { scenario: 'blind-transfer', agentIds: [a!.id, c!.id], queueId: s.queueId, durations: { ...short, talkMs: 2000 } });
    await finished(call.conversationId);
    await until(() => received(call.conversationId)?.finished === true, 10_000);
    const r = received(call.conversationId) as ReceivedSession;
    expect(types(r)).not.toContain('paused');
    expect(r.messages.some((m) => m.type === 'tagged' && m.agent?.id === c!.id)).toBe(true);
    await setTenant({ onTransferAway: 'pause' });
  }, 60_000);

  it('an agent added to the group during a call: the held call is admitted', async () => {
    const [, , , d] = s.agents;
    const call = await s.control.startCall(s.orgId, { agentIds: [d!.id], queueId: s.queueId, durations: { ...short, talkMs: 7000 } });
    // D is not monitored, so the leader hears nothing of this call: wait until its session is open and held.
    await until(async () => ((await log(call.conversationId))?.result ?? '') === 'open', 10_000);
    const held = async () => (await s.t.server.registry.getSingleMetric('hookline_gate_held_sessions')?.get())?.values[0]?.value;
    await until(async () => (await held()) === 1, 10_000, 'the session to be held');
    expect(received(call.conversationId)).toBeUndefined();
    await s.control.addMembers(s.orgId, s.groupId, [d!.id]);
    await until(() => received(call.conversationId) !== undefined, 15_000, 'the call to be admitted after the membership change');
    expect(received(call.conversationId)?.start.agent?.id).toBe(d!.id);
    await finished(call.conversationId);
    await s.control.removeMembers(s.orgId, s.groupId, [d!.id]);
  }, 60_000);

  it('an agent removed from the group during a call: the stream is paused', async () => {
    const [, b] = s.agents;
    const call = await s.control.startCall(s.orgId, { agentIds: [b!.id], queueId: s.queueId, durations: { ...short, talkMs: 7000 } });
    await until(() => received(call.conversationId) !== undefined, 15_000, 'admission');
    await s.control.removeMembers(s.orgId, s.groupId, [b!.id]);
    await until(() => types(received(call.conversationId)).includes('paused'), 15_000, 'the pause after removal');
    await finished(call.conversationId);
    await s.control.addMembers(s.orgId, s.groupId, [b!.id]);
  }, 60_000);
});
