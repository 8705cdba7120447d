/**
 * The tracker against the reference's call lifecycle (genesys-platform-api.md
 * §4.1: IVR → queue → agent A → blind transfer to agent B → customer hangs up).
 */
import { describe, expect, it } from 'vitest';
import { ConversationTracker, type CallSnapshot, type SnapshotParticipant } from '../../src/tracking/tracker.js';

const ORG = 'd7934305-0972-4844-938e-9060eef73d05';
const C = '11111111-1111-4111-8111-111111111111';
const UA = '5a1e0000-0000-4000-8000-00000000000a';
const UB = '5a1e0000-0000-4000-8000-00000000000b';
const Q = '9ee00000-0000-4000-8000-000000000001';

const customer = (state: string, extra: Partial<SnapshotParticipant> = {}): SnapshotParticipant => ({ id: 'pc', purpose: 'customer', state, ani: 'tel:+15555550100', dnis: 'tel:+15555550199', direction: 'inbound', ...extra });
const ivr: SnapshotParticipant = { id: 'pi', purpose: 'ivr', state: 'disconnected', disconnectType: 'transfer' };
const acd = (state: string): SnapshotParticipant => ({ id: 'pq', purpose: 'acd', state, queue: { id: Q } });
const agentA = (state: string, extra: Partial<SnapshotParticipant> = {}): SnapshotParticipant => ({ id: 'pa', purpose: 'agent', name: 'Alice Agent', user: { id: UA }, queue: { id: Q }, state, ...extra });
const agentB = (state: string, extra: Partial<SnapshotParticipant> = {}): SnapshotParticipant => ({ id: 'pb', purpose: 'agent', name: 'Bob Agent', user: { id: UB }, state, ...extra });
const snap = (...participants: SnapshotParticipant[]): CallSnapshot => ({ id: C, participants });

function tracker(monitored: string[]) {
  let now = Date.parse('2024-05-01T10:00:00Z');
  const t = new ConversationTracker({ orgId: ORG, isMonitored: (u) => monitored.includes(u), now: () => now, retainMs: 60_000 });
  return { t, advance: (ms: number) => (now += ms) };
}

describe('conversation tracker', () => {
  it('derives the common events of a blind transfer from snapshots, once', () => {
    const { t } = tracker([UA]);
    const e1 = t.apply(snap(customer('connected'), ivr, acd('connected'), agentA('alerting')));
    expect(e1.map((e) => e.type)).toEqual(['conversation.created', 'participant.added', 'participant.added', 'participant.added', 'participant.added']);
    expect(e1[0]).toMatchObject({ ani: 'tel:+15555550100', dnis: 'tel:+15555550199', direction: 'inbound' });

    const e2 = t.apply(snap(customer('connected'), ivr, acd('disconnected'), agentA('connected')));
    expect(e2).toEqual([expect.objectContaining({ type: 'agent.connected', agent: { userId: UA, participantId: 'pa', name: 'Alice Agent', queueId: Q, monitored: true } })]);
    // The same snapshot again (from another agent's topic): nothing new.
    expect(t.apply(snap(customer('connected'), ivr, acd('disconnected'), agentA('connected')))).toEqual([]);

    const e3 = t.apply(snap(customer('connected'), ivr, acd('disconnected'), agentA('disconnected', { disconnectType: 'transfer' }), agentB('alerting')));
    expect(e3.map((e) => e.type)).toEqual(['agent.transfer', 'participant.added']);
    expect(e3[0]).toMatchObject({ kind: 'transfer', from: { userId: UA, monitored: true }, to: { userId: UB, monitored: false } });

    // A stale snapshot with A still connected must not resurrect A.
    expect(t.apply(snap(customer('connected'), ivr, acd('disconnected'), agentA('connected')))).toEqual([]);

    const e5 = t.apply(snap(customer('connected'), ivr, acd('disconnected'), agentA('disconnected', { disconnectType: 'transfer' }), agentB('connected')));
    expect(e5).toEqual([expect.objectContaining({ type: 'agent.connected', agent: expect.objectContaining({ userId: UB, monitored: false }) })]);

    const e7 = t.apply(
      snap(
        customer('disconnected', { disconnectType: 'endpoint', endTime: '2024-05-01T10:07:41.800Z' }),
        ivr,
        acd('disconnected'),
        agentA('disconnected', { disconnectType: 'transfer' }),
        agentB('disconnected', { disconnectType: 'peer', endTime: '2024-05-01T10:07:41.803Z' }),
      ),
    );
    expect(e7.map((e) => e.type)).toEqual(['agent.disconnected', 'conversation.ended']);
    expect(e7[1]).toMatchObject({ endedAt: '2024-05-01T10:07:41.803Z' });
    // Wrap-up snapshots after the end: nothing.
    expect(t.apply(snap(customer('disconnected'), agentB('disconnected', { disconnectType: 'peer' })))).toEqual([]);
  });

  it('reads the generic conversations topic shape (userId, calls[])', () => {
    const { t } = tracker([UB]);
    t.apply({ id: C, participants: [{ id: 'pc', purpose: 'customer', calls: [{ state: 'connected' }] }, { id: 'pb', purpose: 'agent', userId: UB, queueId: Q, calls: [{ state: 'alerting' }] }] });
    const e = t.apply({ id: C, participants: [{ id: 'pc', purpose: 'customer', calls: [{ state: 'connected' }] }, { id: 'pb', purpose: 'agent', userId: UB, queueId: Q, calls: [{ state: 'connected' }] }] });
    expect(e).toEqual([expect.objectContaining({ type: 'agent.connected', agent: expect.objectContaining({ userId: UB, queueId: Q, monitored: true }) })]);
  });

  it('reports an abandoned call as ended without an agent', () => {
    const { t } = tracker([UA]);
    t.apply(snap(customer('connected'), acd('connected')));
    const e = t.apply(snap(customer('disconnected'), acd('disconnected')));
    expect(e.map((x) => x.type)).toEqual(['conversation.ended']);
  });

  it('forgets old conversations on sweep', () => {
    const { t, advance } = tracker([UA]);
    t.apply(snap(customer('connected')));
    advance(30_000);
    expect(t.sweep()).toBe(0);
    advance(31_000);
    expect(t.sweep()).toBe(1);
    expect(t.size).toBe(0);
  });
});
