/**
 * The gate over real AudioHook sessions: events before and after open, the
 * timeout (disconnect or keep paused), transfers into and out of the group,
 * membership changes, and tenants that admit every call.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Gate, type GatePolicy } from '../../src/gate/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import type { AgentRef, TenantEvent } from '../../src/tracking/index.js';
import { CollectingSink } from '../helpers/sinks.js';
import { openSession, startTestServer, until, type TestServer } from '../helpers/server.js';

let t: TestServer;
let gate: Gate;
const sink = new CollectingSink();
let policy: GatePolicy;
const registry = createRegistry(false);

async function metric(name: string): Promise<number> {
  let total = 0;
  for (const line of (await registry.metrics()).split('\n')) if (line.startsWith(name + ' ') || line.startsWith(name + '{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

beforeAll(async () => {
  const log = createLogger({ level: 'silent' });
  // This test's own gate, with its own policy and registry, in place of the server's.
  gate = new Gate({ policy: () => policy, registry, log });
  t = await startTestServer({}, { log, admission: () => gate, sinks: () => [sink] });
});
afterAll(async () => {
  gate.stop();
  await t.stop();
});
beforeEach(() => {
  policy = { admission: 'monitored-group', gateTimeoutMs: 500, onGateTimeout: 'disconnect', onTransferAway: 'pause' };
});

const agent = (userId: string, monitored: boolean, participantId = randomUUID()): AgentRef => ({ userId, participantId, name: `Agent ${userId.slice(0, 4)}`, monitored });
const at = () => new Date().toISOString();
const connected = (conversationId: string, a: AgentRef): TenantEvent => ({ type: 'agent.connected', orgId: t.orgId, conversationId, at: at(), agent: a, ani: 'tel:+1555', dnis: 'tel:+1666' });
const frame = () => Buffer.alloc(320, 0x42);

describe('gate', () => {
  it('admits at open when the monitored agent is already known (event before open)', async () => {
    const conversationId = randomUUID();
    const alice = agent(randomUUID(), true);
    gate.onEvent(connected(conversationId, alice));
    const c = t.client({ conversationId });
    const opened = await openSession(c);
    expect(opened.startPaused).toBeUndefined();
    c.tick(frame());
    await until(() => (sink.sessions.get(c.sessionId)?.frames.length ?? 0) === 1);
    expect(sink.sessions.get(c.sessionId)?.info.agent).toEqual({ id: alice.userId, name: alice.name, email: undefined });
    expect(sink.sessions.get(c.sessionId)?.info.conversation).toMatchObject({ ani: 'tel:+1555', dnis: 'tel:+1666' });
  });

  it('holds the session paused, then resumes and tags it when the event arrives (event after open)', async () => {
    const conversationId = randomUUID();
    const c = t.client({ conversationId });
    const opened = await openSession(c);
    expect(opened.startPaused).toBe(true);
    for (let i = 0; i < 5; i++) c.tick(frame());
    expect(c.framesSent).toBe(0);
    expect(sink.sessions.has(c.sessionId)).toBe(false);
    const bob = agent(randomUUID(), true);
    gate.onEvent(connected(conversationId, bob));
    await c.waitFor('resume');
    c.tick(frame());
    await until(() => (sink.sessions.get(c.sessionId)?.frames.length ?? 0) === 1);
    expect(sink.sessions.get(c.sessionId)?.info.agent?.id).toBe(bob.userId);
    expect(c.framesSent).toBe(1);
    expect(await metric('hookline_gate_hold_seconds_count')).toBeGreaterThanOrEqual(1);
  });

  it('disconnects a session no monitored agent claims within the timeout, having received no audio', async () => {
    const c = t.client({ conversationId: randomUUID() });
    await openSession(c);
    for (let i = 0; i < 10; i++) c.tick(frame());
    const d = await c.waitFor('disconnect', 3000);
    expect(d.parameters).toEqual({ reason: 'completed', info: 'Not a monitored call' });
    await c.waitFor('closed');
    expect(c.framesSent).toBe(0);
    expect(sink.sessions.has(c.sessionId)).toBe(false);
  });

  it('keeps an unclaimed session paused when the policy says so, and admits it later', async () => {
    policy = { ...policy, onGateTimeout: 'keep-paused' };
    const conversationId = randomUUID();
    const c = t.client({ conversationId });
    const kept = 'hookline_gate_decisions_total{decision="timeout-kept"}';
    const before = await metric(kept);
    await openSession(c);
    // The timeout must actually fire (and choose to keep the session), not merely not have fired yet.
    await until(async () => (await metric(kept)) === before + 1, 3000, 'the gate timeout to fire');
    // A pong sent after the timeout arrives after anything the timeout sent: a disconnect would be seen first.
    c.ping();
    await c.waitFor('pong');
    expect(c.received.some((m) => m.type === 'disconnect')).toBe(false);
    expect(c.received.some((m) => m.type === 'resume')).toBe(false);
    gate.onEvent(connected(conversationId, agent(randomUUID(), true)));
    await c.waitFor('resume');
  });

  it('admits a call transferred from an unmonitored agent into the group', async () => {
    const conversationId = randomUUID();
    const c = t.client({ conversationId });
    await openSession(c);
    const outsider = agent(randomUUID(), false);
    gate.onEvent(connected(conversationId, outsider));
    // The gate acts synchronously on the event; a pong asked for afterwards arrives after any resume.
    c.ping();
    await c.waitFor('pong');
    expect(c.received.some((m) => m.type === 'resume')).toBe(false);
    const insider = agent(randomUUID(), true);
    gate.onEvent({ type: 'agent.transfer', orgId: t.orgId, conversationId, at: at(), from: outsider, to: { ...insider, monitored: true }, kind: 'transfer' });
    gate.onEvent(connected(conversationId, insider));
    await c.waitFor('resume');
    c.tick(frame());
    await until(() => sink.sessions.get(c.sessionId)?.info.agent?.id === insider.userId);
  });

  it('pauses a call transferred away from the group (policy pause) and resumes if it comes back', async () => {
    const conversationId = randomUUID();
    const insider = agent(randomUUID(), true);
    gate.onEvent(connected(conversationId, insider));
    const c = t.client({ conversationId });
    await openSession(c);
    const outsider = agent(randomUUID(), false);
    gate.onEvent({ type: 'agent.transfer', orgId: t.orgId, conversationId, at: at(), from: insider, to: outsider, kind: 'transfer' });
    await c.waitFor('pause');
    await until(() => c.core.state === 'paused');
    const back = agent(randomUUID(), true);
    gate.onEvent(connected(conversationId, back));
    await c.waitFor('resume');
    await until(() => c.core.state === 'active');
    await until(() => sink.sessions.get(c.sessionId)?.controls.some((e) => e.type === 'tagged' && e.agent?.id === back.userId) ?? false);
  });

  it('keeps streaming and re-tags a call transferred away (policy keep)', async () => {
    policy = { ...policy, onTransferAway: 'keep' };
    const conversationId = randomUUID();
    const insider = agent(randomUUID(), true);
    gate.onEvent(connected(conversationId, insider));
    const c = t.client({ conversationId });
    await openSession(c);
    const outsider = agent(randomUUID(), false);
    gate.onEvent({ type: 'agent.transfer', orgId: t.orgId, conversationId, at: at(), from: insider, to: outsider, kind: 'transfer' });
    await until(() => sink.sessions.get(c.sessionId)?.controls.some((e) => e.type === 'tagged' && e.agent?.id === outsider.userId) ?? false);
    expect(c.received.some((m) => m.type === 'pause')).toBe(false);
  });

  it('applies the transfer-away policy when the agent leaves the monitored group mid-call', async () => {
    const conversationId = randomUUID();
    const insider = agent(randomUUID(), true);
    gate.onEvent(connected(conversationId, insider));
    const c = t.client({ conversationId });
    await openSession(c);
    gate.onEvent({ type: 'monitoring.changed', orgId: t.orgId, userId: insider.userId, monitored: false, at: at() });
    await c.waitFor('pause');
  });

  it('admits every call of a tenant in "all" mode, tagging it when the agent is known', async () => {
    policy = { ...policy, admission: 'all' };
    const conversationId = randomUUID();
    const c = t.client({ conversationId });
    const opened = await openSession(c);
    expect(opened.startPaused).toBeUndefined();
    const someone = agent(randomUUID(), false);
    gate.onEvent(connected(conversationId, someone));
    await until(() => sink.sessions.get(c.sessionId)?.controls.some((e) => e.type === 'tagged' && e.agent?.id === someone.userId) ?? false);
  });

  it('leaves connection probes alone', async () => {
    const before = await metric('hookline_gate_decisions_total');
    const c = t.client({ probe: true });
    const opened = await openSession(c);
    expect(opened.startPaused).toBeUndefined();
    expect(await metric('hookline_gate_decisions_total')).toBe(before);
  });
});
