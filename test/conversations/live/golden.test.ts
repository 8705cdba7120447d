/**
 * Golden event sequences: the emulator's scenarios, as the notification
 * snapshots a monitored agent's topic carries, through the pure deriver.
 */
import { describe, expect, it } from 'vitest';
import { derive, type CommonEvent, type LiveState, type Observation, type SnapshotLike } from '../../../src/conversations/index.js';
import type { ScenarioName } from '../../../src/emulator/calls/scenarios.js';
import { analytics, snapshots, START, timeline } from './scripted.js';

const ctx = { tenant: 'org', now: () => START + 3_600_000 };

function run(observations: Observation[], state?: LiveState): { state: LiveState | undefined; events: CommonEvent[] } {
  const events: CommonEvent[] = [];
  for (const o of observations) {
    const d = derive(state, o, ctx);
    state = d.state;
    events.push(...d.events);
  }
  return { state, events };
}

const snap = (snapshot: SnapshotLike): Observation => ({ kind: 'snapshot', snapshot });

/** One line per event: type, change, who. */
function line(e: CommonEvent): string {
  switch (e.type) {
    case 'participant.added':
      return `participant.added ${e.participant.purpose}`;
    case 'agent.connected':
      return `agent.connected ${e.agent.userId}`;
    case 'agent.disconnected':
      return `agent.disconnected ${e.agent.userId} ${e.disconnectType}`;
    case 'agent.transferred':
      return `agent.transferred ${e.kind} ${e.from.userId}->${e.to?.userId ?? 'none'}`;
    case 'conversation.updated':
      return `updated ${e.change} ${'participant' in e ? e.participant.purpose : 'surveyId' in e ? e.surveyId : e.evaluationId}${e.change === 'wrapup' ? ` ${e.code}` : ''}`;
    default:
      return e.type;
  }
}

const lines = (events: CommonEvent[]) => events.map(line);
const live = (s: ScenarioName, shape: 'calls' | 'conversations' = 'calls') => snapshots(timeline(s), shape).map((x) => snap(x.snapshot));

const HEAD = ['conversation.created', 'participant.added customer', 'participant.added ivr', 'updated participant.disconnected ivr', 'participant.added acd'];
const ANSWERED = [...HEAD, 'participant.added agent', 'updated participant.disconnected acd', 'agent.connected ua'];

const GOLDEN: Record<ScenarioName, string[]> = {
  inbound: [...ANSWERED, 'updated participant.disconnected customer', 'agent.disconnected ua peer', 'conversation.ended', 'updated wrapup agent wrap-1'],
  'customer-hangup': [...ANSWERED, 'updated participant.disconnected customer', 'agent.disconnected ua peer', 'conversation.ended', 'updated wrapup agent wrap-1'],
  'agent-hangup': [...ANSWERED, 'updated participant.disconnected customer', 'agent.disconnected ua client', 'conversation.ended', 'updated wrapup agent wrap-1'],
  hold: [
    ...ANSWERED,
    'updated hold customer',
    'updated hold agent',
    'updated resume customer',
    'updated resume agent',
    'updated participant.disconnected customer',
    'agent.disconnected ua peer',
    'conversation.ended',
    'updated wrapup agent wrap-1',
  ],
  'blind-transfer': [
    ...ANSWERED,
    'participant.added agent',
    'agent.transferred blind ua->ub',
    'agent.connected ub',
    'updated wrapup agent wrap-1',
    'updated participant.disconnected customer',
    'agent.disconnected ub peer',
    'conversation.ended',
    'updated wrapup agent wrap-1',
  ],
  'consult-transfer': [
    ...ANSWERED,
    'updated hold customer',
    'updated hold agent',
    'participant.added agent',
    'agent.connected ub',
    'updated resume customer',
    'agent.transferred consult ua->ub',
    'updated wrapup agent wrap-1',
    'updated participant.disconnected customer',
    'agent.disconnected ub peer',
    'conversation.ended',
    'updated wrapup agent wrap-1',
  ],
  abandon: [...HEAD, 'updated participant.disconnected customer', 'updated participant.disconnected acd', 'conversation.ended'],
};

describe('golden sequences (pure deriver, emulator scenarios)', () => {
  for (const [scenario, golden] of Object.entries(GOLDEN) as [ScenarioName, string[]][]) {
    it(`${scenario}: the calls topic yields exactly the golden sequence, numbered 1…n`, () => {
      const { events } = run(live(scenario));
      expect(lines(events)).toEqual(golden);
      expect(events.map((e) => e.seq)).toEqual(golden.map((_, i) => i + 1));
      expect(new Set(events.map((e) => `${e.tenant}/${e.conversationId}`))).toEqual(new Set([`org/${timeline(scenario).conversationId}`]));
    });

    it(`${scenario}: the generic conversations topic yields the same sequence`, () => {
      expect(lines(run(live(scenario, 'conversations')).events)).toEqual(golden);
    });

    it(`${scenario}: every snapshot twice, on both topics (two monitored agents), yields the same sequence`, () => {
      const calls = live(scenario);
      const other = live(scenario, 'conversations');
      expect(lines(run(calls.flatMap((o, i) => [o, other[i] as Observation, o])).events)).toEqual(golden);
    });

    it(`${scenario}: replaying every snapshot after the end, newest first, adds no event`, () => {
      const all = live(scenario);
      const { state, events } = run(all);
      expect(run([...all].reverse(), state).events).toEqual([]);
      expect(events).toHaveLength(golden.length);
    });
  }
});

describe('out of order and lost notifications', () => {
  it('adjacent snapshots swapped: each real change still yields one event', () => {
    for (const scenario of ['inbound', 'blind-transfer', 'agent-hangup', 'abandon'] as const) {
      const all = live(scenario);
      const swapped = all.flatMap((o, i) => (i % 2 === 1 ? [] : all[i + 1] ? [all[i + 1] as Observation, o] : [o]));
      expect(lines(run(swapped).events).sort(), scenario).toEqual([...GOLDEN[scenario]].sort());
    }
  });

  it('a socket drop that loses every snapshot between the first and the last still reports what happened', () => {
    const all = live('inbound');
    const got = lines(run([all[0] as Observation, all.at(-1) as Observation]).events);
    expect(got).toEqual([
      'conversation.created',
      'participant.added customer',
      'participant.added ivr',
      'updated participant.disconnected customer',
      'updated participant.disconnected ivr',
      'participant.added acd',
      'updated participant.disconnected acd',
      'participant.added agent',
      'agent.connected ua',
      'agent.disconnected ua peer',
      'updated wrapup agent wrap-1',
      'conversation.ended',
    ]);
  });

  it('a blind transfer whose receiving agent appears only in a later snapshot is reported then, once', () => {
    const t = timeline('blind-transfer');
    const all = snapshots(t).map((x) => x.snapshot);
    const i = all.findIndex((s) => s.participants?.some((p) => p.user?.id === 'ua' && p.disconnectType === 'transfer'));
    const withoutB: SnapshotLike = { ...all[i], id: t.conversationId, participants: all[i]?.participants?.filter((p) => p.user?.id !== 'ub') };
    const before = run(all.slice(0, i).map(snap));
    const gap = run([snap(withoutB)], before.state);
    expect(lines(gap.events)).toEqual([]);
    expect(lines(run(all.slice(i).map(snap), gap.state).events).slice(0, 2)).toEqual(['participant.added agent', 'agent.transferred blind ua->ub']);
  });

  const isHeld = (o: Observation) => o.kind === 'snapshot' && (o.snapshot.participants ?? []).some((p) => p.held === true);
  const holdMerge = (): Observation => ({ kind: 'analytics', conversation: analytics(timeline('hold')), importedAt: '2024-05-01T12:00:00.000Z' });
  /** The hold as the timeline has it, per participant purpose: [start, end] ISO. */
  const holdSpan = () => {
    const leg = timeline('hold').legs.find((l) => l.purpose === 'customer');
    const h = leg?.spans.find((x) => x.kind === 'hold');
    return [new Date(h?.start as number).toISOString(), new Date(h?.end as number).toISOString()];
  };

  it('a hold live never saw (the socket was down) is reported by the merge, at its analytics start and end', () => {
    const all = live('hold');
    const held = all.flatMap((o, i) => (isHeld(o) ? [i] : []));
    // Every snapshot from the hold's through the resume's is lost.
    const seen = [...all.slice(0, held[0]), ...all.slice((held.at(-1) as number) + 2)];
    const { state } = run(seen);
    const merged = run([holdMerge()], state).events;
    expect(lines(merged)).toEqual(['updated hold customer', 'updated resume customer', 'updated hold agent', 'updated resume agent', 'conversation.imported']);
    const [start, end] = holdSpan();
    expect(merged.filter((e) => e.type === 'conversation.updated').map((e) => e.occurredAt)).toEqual([start, end, start, end]);
  });

  it('a resume whose snapshot came before the hold\'s: the hold is reported live, the resume by the merge at the hold\'s end', () => {
    const all = live('hold');
    const first = all.findIndex(isHeld);
    const last = all.findLastIndex(isHeld);
    const swapped = [...all.slice(0, first), all[last + 1] as Observation, ...all.slice(first, last + 1), ...all.slice(last + 2)];
    const { state, events } = run(swapped);
    expect(lines(events).filter((l) => l.startsWith('updated hold') || l.startsWith('updated resume'))).toEqual(['updated hold customer', 'updated hold agent']);
    const merged = run([holdMerge()], state).events;
    expect(lines(merged)).toEqual(['updated resume customer', 'updated resume agent', 'conversation.imported']);
    expect(merged.slice(0, 2).map((e) => e.occurredAt)).toEqual([holdSpan()[1], holdSpan()[1]]);
    expect(run([holdMerge()], run([holdMerge()], state).state).events).toEqual([]);
  });

  it('a participant who leaves while held was never resumed: the merge adds no resume', () => {
    const all = live('hold');
    const last = all.findLastIndex(isHeld);
    // The resume is never seen, and analytics shows the customer's hold lasting to its end.
    const { state } = run(all.slice(0, last + 1));
    const record = holdMerge();
    if (record.kind !== 'analytics') throw new Error('unreachable');
    const customer = record.conversation.participants?.find((p) => p.purpose === 'customer');
    const segments = customer?.sessions?.[0]?.segments ?? [];
    const hold = segments.find((g) => g.segmentType === 'hold');
    const end = segments.at(-1)?.segmentEnd;
    if (hold) hold.segmentEnd = end;
    customer!.sessions![0]!.segments = segments.filter((g) => g === hold || g.segmentStart! < hold!.segmentStart!);
    const merged = lines(run([record], state).events);
    expect(merged.filter((l) => l === 'updated resume customer')).toEqual([]);
    expect(merged).toContain('updated resume agent');
  });

  it('times come from Genesys: the same snapshot derived at another clock reading gives the same events', () => {
    const all = live('blind-transfer');
    const at = (ms: number) => {
      let s: LiveState | undefined;
      return all.flatMap((o) => {
        const d = derive(s, o, { tenant: 'org', now: () => ms });
        s = d.state;
        return d.events;
      });
    };
    expect(at(1)).toEqual(at(2));
  });
});

describe('analytics merge', () => {
  const IMPORTED = '2024-05-01T12:00:00.000Z';
  const merge = (c = analytics(timeline('consult-transfer'))): Observation => ({ kind: 'analytics', conversation: c, importedAt: IMPORTED });

  it('after a fully seen call adds conversation.imported only, once', () => {
    const { state } = run(live('consult-transfer'));
    const first = run([merge()], state);
    expect(lines(first.events)).toEqual(['conversation.imported']);
    expect(first.events[0]?.seq).toBe(GOLDEN['consult-transfer'].length + 1);
    expect(run([merge()], first.state).events).toEqual([]);
  });

  it('attaches late surveys and evaluations when they appear, once each', () => {
    const t = timeline('inbound');
    const { state } = run([...live('inbound'), merge(analytics(t))]);
    const later = analytics(t, {
      surveys: [{ eventTime: t.end + 1000, data: { surveyId: 's-1', eventTime: '2024-05-01T11:00:00.000Z' } }],
      evaluations: [{ eventTime: t.end + 1000, data: { evaluationId: 'e-1', eventTime: '2024-05-01T11:30:00.000Z' } }],
    });
    const got = run([merge(later), merge(later)], state);
    expect(lines(got.events)).toEqual(['updated evaluation e-1', 'updated survey s-1']);
  });

  it('a wrap-up code that arrives only with analytics is attached then', () => {
    const all = live('inbound');
    const t = timeline('inbound');
    const ended = all.findIndex((o) => o.kind === 'snapshot' && o.snapshot.participants?.every((p) => p.state === 'disconnected'));
    const { state } = run(all.slice(0, ended + 1));
    expect(lines(run([merge(analytics(t))], state).events)).toEqual(['updated wrapup agent wrap-1', 'conversation.imported']);
  });

  it('a call live never saw gets its whole sequence from analytics', () => {
    const t = timeline('blind-transfer');
    const got = lines(run([merge(analytics(t))]).events);
    expect(got).toContain('agent.transferred blind ua->ub');
    expect(got.filter((l) => l === 'conversation.created' || l === 'conversation.ended' || l === 'conversation.imported')).toEqual(['conversation.created', 'conversation.ended', 'conversation.imported']);
  });

  for (const scenario of Object.keys(GOLDEN) as ScenarioName[]) {
    it(`${scenario}: the live model equals the analytics model, before and after the merge`, () => {
      const t = timeline(scenario);
      const { state: liveState } = run(live(scenario));
      const { state: analyticsOnly } = run([merge(analytics(t))]);
      const { state: merged } = run([merge(analytics(t))], liveState);
      const view = (s: LiveState | undefined) => ({
        endedAt: s?.endedAt,
        participants: s?.participants.map((p) => ({ id: p.id, purpose: p.purpose, userId: p.userId, stage: p.stage, connectedTime: p.connectedTime, endTime: p.endTime, disconnectType: p.disconnectType, wrapupCode: p.wrapupCode })),
      });
      expect(view(liveState)).toEqual(view(analyticsOnly));
      expect(view(merged)).toEqual(view(analyticsOnly));
    });
  }
});
