/**
 * Leader failover without lost admissions, on the in-process emulator (its
 * clock stopped, moved by hand) and the memory shared state: sessions held
 * while no replica led are resolved by the new leader from the conversation's
 * current state — analytics lags by an hour here, so it cannot help — and the
 * resolved call is tracked (a later transfer is seen); a takeover queues a gap
 * reconciliation of the leaderless window.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import type { AdmissionContext, AgentTag, SessionHandle } from '../../src/capture/index.js';
import { startEmulator, type RunningEmulator, type SeededOrg } from '../../src/emulator/index.js';
import { Gate, type GatePolicy } from '../../src/gate/index.js';
import { tenantSchema } from '../../src/tenants/index.js';
import type { Db } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import { MemoryState } from '../../src/platform/state/index.js';
import type { Tenant } from '../../src/tenants/index.js';
import { Directory, EVENTS_CHANNEL, HeldConversations, TrackingService } from '../../src/tracking/index.js';
import { until } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const log = createLogger({ level: (process.env.TEST_LOG as 'silent' | undefined) ?? 'silent' });
const HOUR = 3_600_000;

/** A session as the gate sees it: records what the gate did to it. */
class FakeSession implements SessionHandle {
  admitted = false;
  ended = false;
  paused = false;
  readonly position = 0n as unknown as SessionHandle['position'];
  readonly tags: (AgentTag | undefined)[] = [];
  constructor(readonly context: AdmissionContext) {}
  admit(tags?: { agent?: AgentTag }): void {
    this.admitted = true;
    this.tags.push(tags?.agent);
  }
  retag(tags: { agent?: AgentTag }): void {
    this.tags.push(tags.agent);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  disconnect(): void {
    this.ended = true;
  }
}

let emu: RunningEmulator;
let org: SeededOrg;
let tenant: Tenant;
let db: Db;
let state: MemoryState;
let gate: Gate;
let held: HeldConversations;
const services: TrackingService[] = [];
const tmp = tempDir('hookline-failover-');
let policy: GatePolicy;

beforeEach(async () => {
  emu = await startEmulator({
    speed: 0,
    idSeed: randomUUID(),
    seed: {
      settings: { analytics: { availabilityLagMs: HOUR } },
      orgs: [{ name: 'Failover', users: [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cid' }], groups: [{ name: 'Monitored', members: ['Ann', 'Ben'] }], queues: [{ name: 'Q' }] }],
    },
  });
  org = emu.seeded[0] as SeededOrg;
  const client = org.clients[0] as { clientId: string; clientSecret: string };
  const { apiKeys: _k, ...t } = tenantSchema.parse({
    orgId: org.orgId,
    name: 'Failover',
    genesys: { clientId: client.clientId, clientSecret: client.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
    monitoredGroupId: org.groups[0]?.id,
    admission: 'monitored-group',
  });
  tenant = t;
  db = await openAppDatabase(`sqlite:${tmp.dir}/${randomUUID()}.db`);
  state = new MemoryState(log);
  policy = { admission: 'monitored-group', gateTimeoutMs: 600_000, onGateTimeout: 'keep-paused', onTransferAway: 'pause' };
  held = new HeldConversations({ state, replicaId: 'replica-b', log });
  gate = new Gate({ policy: () => policy, registry: createRegistry(false), log, held });
});

afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  gate.stop();
  held.stop();
  await state.close();
  await db.close();
  await emu.stop();
});

async function tracking(replicaId: string, onGap: (orgId: string, from: Date, to: Date) => void = () => undefined, gated = true): Promise<TrackingService> {
  const s = new TrackingService({ state, directory: new Directory(db), replicaId, log, syncIntervalMs: HOUR, leaseTtlMs: 600, onGap, held });
  if (gated) s.onEvent((e) => gate.onEvent(e));
  services.push(s);
  await s.start();
  return s;
}

const user = (name: string) => (org.users.find((u) => u.name === name) as { id: string }).id;
const durations = { ivrMs: 100, queueMs: 100, alertMs: 100, talkMs: 20_000, acwMs: 100 };

/** A session of the call opened on the replica without the lead: held, as no event names its agent. */
function open(conversationId: string): FakeSession {
  const ctx: AdmissionContext = { orgId: org.orgId, sessionId: randomUUID(), correlationId: randomUUID(), conversationId, open: {} as AdmissionContext['open'] };
  const s = new FakeSession(ctx);
  expect(gate.decide(ctx, s).type).toBe('hold');
  return s;
}

describe('leader failover', () => {
  it('admits a session held while no replica led, at election, without analytics', async () => {
    const call = await emu.control.startCall(org.orgId, { agentIds: [user('Ann')], durations });
    await emu.control.advance(1_000); // Ann answered; no leader saw it
    const session = open(call.conversationId);
    expect(await held.list(org.orgId)).toEqual([call.conversationId]);

    await (await tracking('replica-a')).update([tenant]);
    await until(() => session.admitted, 10_000, 'the held session to be admitted by the new leader');
    expect(session.tags.at(-1)?.id).toBe(user('Ann'));
    await until(async () => (await held.list(org.orgId)).length === 0, 5_000, 'the held record to be cleared on admission');
  });

  it('admits a held session whose events the leader published while shared state was down, once it is back', async () => {
    const call = await emu.control.startCall(org.orgId, { agentIds: [user('Ann')], durations });
    await emu.control.advance(1_000);
    const session = open(call.conversationId);
    // Shared state stops delivering (a Redis restart): every publish fails until it is back.
    const publish = state.publish.bind(state);
    let down = true;
    let refused = 0;
    state.publish = async (channel, message) => {
      if (down) {
        if (channel === EVENTS_CHANNEL) refused++;
        throw new Error('connection is closed');
      }
      return publish(channel, message);
    };
    try {
      // The session is held on replica B, which does not lead; A leads and reaches B only through shared state.
      await tracking('replica-b');
      await (await tracking('replica-a', undefined, false)).update([tenant]);
      await until(() => refused > 0, 10_000, 'the leader to try to publish its events');
      expect(session.admitted).toBe(false);
      down = false;
      await until(() => session.admitted, 10_000, 'the session to be admitted once shared state is back');
      expect(session.tags.at(-1)?.id).toBe(user('Ann'));
    } finally {
      state.publish = publish;
    }
  });

  it("admits the leader's own held sessions while shared state is down", async () => {
    const call = await emu.control.startCall(org.orgId, { agentIds: [user('Ann')], durations });
    await emu.control.advance(1_000);
    const session = open(call.conversationId);
    const publish = state.publish.bind(state);
    state.publish = async () => {
      throw new Error('connection is closed');
    };
    try {
      await (await tracking('replica-a')).update([tenant]);
      await until(() => session.admitted, 10_000, 'the session held on the leader itself to be admitted');
    } finally {
      state.publish = publish;
    }
  });

  it('a replica that does not lead admits its own held session from Genesys while shared state is down', async () => {
    const a = await tracking('replica-a', undefined, false);
    await a.update([tenant]);
    await until(() => a.watcher(org.orgId)?.monitoredAgents.length === 2, 10_000, 'A to lead and sync the directory');
    const b = await tracking('replica-b', undefined, false);
    const bHeld = new HeldConversations({ state, replicaId: 'replica-b', log, retryMs: 50, onUnreachable: (c) => void b.resolveLocally(c.orgId, c.conversationId) });
    const bGate = new Gate({ policy: () => policy, registry: createRegistry(false), log, held: bHeld });
    b.onEvent((e) => bGate.onEvent(e));
    await b.update([tenant]);
    const call = await emu.control.startCall(org.orgId, { agentIds: [user('Ann')], durations });
    // Shared state goes down before Ann answers: no announcement, no event crosses replicas.
    const { publish, set } = { publish: state.publish.bind(state), set: state.set.bind(state) };
    state.publish = async () => {
      throw new Error('connection is closed');
    };
    state.set = async () => {
      throw new Error('connection is closed');
    };
    try {
      const ctx: AdmissionContext = { orgId: org.orgId, sessionId: randomUUID(), correlationId: randomUUID(), conversationId: call.conversationId, open: {} as AdmissionContext['open'] };
      const session = new FakeSession(ctx);
      expect(bGate.decide(ctx, session).type).toBe('hold');
      await emu.control.advance(1_000); // Ann answers
      await until(() => session.admitted, 10_000, 'B to admit its own held session');
      expect(session.tags.at(-1)?.id).toBe(user('Ann'));
    } finally {
      state.publish = publish;
      state.set = set;
      bGate.stop();
      bHeld.stop();
    }
  });

  it('keeps a held conversation in shared state only while a session of it is held here', async () => {
    const conversationId = randomUUID();
    const first = open(conversationId);
    const second = open(conversationId);
    expect(await held.list(org.orgId)).toEqual([conversationId]);
    gate.ended(first);
    expect(await held.list(org.orgId)).toEqual([conversationId]);
    gate.ended(second);
    await until(async () => (await held.list(org.orgId)).length === 0, 5_000, 'the record to be cleared when no session is held');
  });

  it('admits a session held under a running leader that missed the call, once the replica announces it', async () => {
    const a = await tracking('replica-a');
    await a.update([tenant]);
    await until(() => a.watcher(org.orgId)?.monitoredAgents.length === 2, 10_000, 'the leader to watch the agents');
    // Cid is not in the group yet: his call produces no event the leader sees.
    const call = await emu.control.startCall(org.orgId, { agentIds: [user('Cid')], durations });
    await emu.control.advance(1_000);
    await emu.control.addMembers(org.orgId, org.groups[0]!.id, [user('Cid')]);
    // The leader resyncs only hourly here: only the announcement can make it look.
    await a.watcher(org.orgId)!.resync();
    const session = open(call.conversationId);
    await until(() => session.admitted, 10_000, 'the announced session to be admitted');
    expect(session.tags.at(-1)?.id).toBe(user('Cid'));
  });

  it('tracks a call it resolved: a transfer away later pauses and retags the session', async () => {
    const call = await emu.control.startCall(org.orgId, { scenario: 'blind-transfer', agentIds: [user('Ann'), user('Cid')], durations });
    await emu.control.advance(1_000);
    const session = open(call.conversationId);
    const a = await tracking('replica-a');
    await a.update([tenant]);
    await until(() => session.admitted, 10_000, 'the held session to be admitted');
    expect(session.paused).toBe(false);

    await emu.control.advance(10_000); // Ann blind-transfers to Cid, who is not monitored
    await until(() => session.paused, 10_000, 'the session to be paused after the transfer away');
    await until(() => session.tags.at(-1)?.id === user('Cid'), 10_000, 'the session to be retagged with the new agent');
  });

  it("queues a gap reconciliation at start from the directory's last sync when no heartbeat survived (embedded restart)", async () => {
    const a = await tracking('replica-a');
    await a.update([tenant]);
    await until(() => a.watcher(org.orgId)?.monitoredAgents.length === 2, 10_000, 'the first process to lead and sync');
    const synced = await new Directory(db).lastSynced(org.orgId);
    await a.stop();
    // The process restarts: the same database, a new (empty) memory state.
    const fresh = new MemoryState(log);
    const gaps: { from: Date; to: Date }[] = [];
    const b = new TrackingService({ state: fresh, directory: new Directory(db), replicaId: 'restarted', log, syncIntervalMs: HOUR, leaseTtlMs: 600, onGap: (_o, from, to) => gaps.push({ from, to }) });
    try {
      await b.start();
      await b.update([tenant]);
      await until(() => gaps.length > 0, 10_000, 'a gap reconciliation of the down window');
      expect(gaps[0]!.from.getTime()).toBe(synced!.getTime());
    } finally {
      await b.stop();
      await fresh.close();
    }
  });

  it('queues a gap reconciliation of the leaderless window when another replica takes over', async () => {
    const gaps: { replica: string; from: Date; to: Date }[] = [];
    const a = await tracking('replica-a', (_o, from, to) => gaps.push({ replica: 'a', from, to }));
    const b = await tracking('replica-b', (_o, from, to) => gaps.push({ replica: 'b', from, to }));
    const elected = Date.now();
    await a.update([tenant]);
    await until(() => a.isLeader(org.orgId), 5_000, 'replica A to lead');
    await b.update([tenant]);
    await until(() => a.watcher(org.orgId)?.monitoredAgents.length === 2, 10_000, 'replica A to watch');
    await a.update([]); // A is gone
    const gone = Date.now();
    await until(() => b.isLeader(org.orgId), 5_000, 'replica B to take over');
    await until(() => gaps.length > 0, 5_000, 'a gap reconciliation to be queued');
    expect(gaps).toHaveLength(1);
    const [gap] = gaps;
    expect(gap?.replica).toBe('b');
    expect(gap!.from.getTime()).toBeGreaterThanOrEqual(elected);
    expect(gap!.from.getTime()).toBeLessThanOrEqual(gone);
    expect(gap!.to.getTime()).toBeGreaterThanOrEqual(gone);

    // B dies too, before its delayed reconciliation could run: A's takeover covers both windows.
    await a.update([tenant]);
    await b.update([]);
    await until(() => a.isLeader(org.orgId), 5_000, 'replica A to take over again');
    await until(() => gaps.length > 1, 5_000, 'a second gap reconciliation to be queued');
    expect(gaps).toHaveLength(2);
    expect(gaps[1]?.replica).toBe('a');
    expect(gaps[1]?.from.getTime()).toBe(gap!.from.getTime());
  });
});
