/**
 * Stale-then-repeated snapshots: per agent topic, snapshot n+1, then the stale
 * snapshot n, then n+1 again, then n again (EventBridge retries after the
 * duplicate filter's window, two monitored agents' topics racing). The derived
 * events must be those of in-order delivery.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derive, type CommonEvent, type LiveState, type Observation, type SnapshotLike, type SnapshotParticipantLike } from '../../../src/conversations/index.js';
import type { ScenarioName } from '../../../src/emulator/calls/scenarios.js';
import { analytics, snapshots, timeline } from './scripted.js';

const SCENARIOS: ScenarioName[] = ['inbound', 'hold', 'blind-transfer', 'consult-transfer', 'agent-hangup', 'customer-hangup', 'abandon'];
const SHAPES = ['calls', 'conversations'] as const;

/** Arrival times (the injected clock) are years after the call, so an event timed at arrival is told from one timed by Genesys. */
const ARRIVAL = Date.parse('2030-01-01T00:00:00.000Z');
const IMPORTED = '2030-06-01T00:00:00.000Z';

function run(observations: Observation[], state?: LiveState): { state: LiveState | undefined; events: CommonEvent[] } {
  let clock = ARRIVAL;
  const events: CommonEvent[] = [];
  for (const o of observations) {
    const d = derive(state, o, { tenant: 'org', now: () => clock });
    clock += 1000;
    state = d.state;
    events.push(...d.events);
  }
  return { state, events };
}

/** What must not depend on delivery order: the event, who, which change, which transfer kind. */
function key(e: CommonEvent): string {
  switch (e.type) {
    case 'participant.added':
      return `participant.added ${e.participant.participantId}`;
    case 'agent.connected':
      return `agent.connected ${e.agent.participantId}`;
    case 'agent.disconnected':
      return `agent.disconnected ${e.agent.participantId} ${e.disconnectType}`;
    case 'agent.transferred':
      return `agent.transferred ${e.kind} ${e.from.participantId}->${e.to?.participantId ?? 'none'}`;
    case 'conversation.updated':
      return `updated ${e.change} ${'participant' in e ? e.participant.participantId : 'surveyId' in e ? e.surveyId : e.evaluationId}${e.change === 'wrapup' ? ` ${e.code}` : ''}`;
    default:
      return e.type;
  }
}

const keys = (events: CommonEvent[]) => events.map(key).sort();
const live = (s: ScenarioName, shape: (typeof SHAPES)[number]): Observation[] => snapshots(timeline(s), shape).map((x) => ({ kind: 'snapshot', snapshot: x.snapshot }));
const merge = (s: ScenarioName): Observation => ({ kind: 'analytics', conversation: analytics(timeline(s)), importedAt: IMPORTED });

/** Events timed by Genesys (not at arrival; a live resume is always timed at arrival): key and time. */
function timed(events: CommonEvent[]): string[] {
  return events.filter((e) => e.occurredAt < '2030').map((e) => `${key(e)} @${e.occurredAt}`).sort();
}

/** `got` less `expected`, as multisets. */
function minus(got: string[], expected: string[]): string[] {
  const left = [...expected];
  return got.filter((k) => {
    const i = left.indexOf(k);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * What stale-then-repeated delivery must give, against in-order delivery:
 * - live: no event that in-order delivery does not give, none twice, every
 *   Genesys-timed event at the same time; the only events it may lack are
 *   resumes (a resume whose snapshot came after the participant ended, or
 *   after a newer snapshot, proves nothing and is left to the merge);
 * - live then the analytics merge: exactly the same events.
 * Events timed at arrival (a resume, or anything a topic gives no time for)
 * are timed at the first snapshot that proves them, so only their keys count.
 */
function expectSameAsInOrder(scenario: ScenarioName, order: Observation[], inOrder: Observation[], label: string): void {
  const got = run(order);
  const want = run(inOrder);
  expect(minus(keys(got.events), keys(want.events)), `${label}: extra live events`).toEqual([]);
  expect(minus(keys(want.events), keys(got.events)).filter((k) => !k.startsWith('updated resume ')), `${label}: missing live events`).toEqual([]);
  expect(timed(got.events), label).toEqual(timed(want.events));
  const all = (r: typeof got) => keys([...r.events, ...run([merge(scenario)], r.state).events]);
  expect(all(got), `${label}: after the merge`).toEqual(all(want));
}

describe('stale-then-repeated snapshots', () => {
  for (const scenario of SCENARIOS) {
    for (const shape of SHAPES) {
      const all = live(scenario, shape);

      it(`${scenario} (${shape}): n+1, n, n+1, n for every adjacent pair yields the in-order events`, () => {
        for (let n = 0; n + 1 < all.length; n++) {
          const a = all[n] as Observation;
          const b = all[n + 1] as Observation;
          expectSameAsInOrder(scenario, [...all.slice(0, n), b, a, b, a, ...all.slice(n + 2)], all, `pair ${n}`);
        }
      });

      it(`${scenario} (${shape}): any earlier snapshot re-delivered after a later one, then the later one again, changes nothing`, () => {
        for (let j = 1; j < all.length; j++) {
          for (let i = 0; i < j; i++) {
            const order = [...all.slice(0, j + 1), all[i] as Observation, all[j] as Observation, all[i] as Observation, ...all.slice(j + 1)];
            expectSameAsInOrder(scenario, order, all, `stale ${i} after ${j}`);
          }
        }
      });
    }
  }

  it('random interleavings of duplicates and stale re-deliveries yield the in-order events, once per real change', () => {
    const cases = SCENARIOS.flatMap((scenario) => SHAPES.map((shape) => ({ scenario, all: live(scenario, shape) })));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: cases.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 12 }), (c, extras) => {
        const { scenario, all } = cases[c] as (typeof cases)[number];
        // In-order delivery, plus after any snapshot: an earlier one re-delivered (then, maybe, the current one repeated).
        const order: Observation[] = [];
        all.forEach((o, i) => {
          order.push(o);
          for (const [at, back, repeat] of extras) if (at % all.length === i) order.push(all[back % (i + 1)] as Observation, ...(repeat ? [o] : []));
        });
        expectSameAsInOrder(scenario, order, all, 'interleaving');
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

describe('what makes a snapshot stale (it then resumes no hold)', () => {
  const snap = (snapshot: SnapshotLike): Observation => ({ kind: 'snapshot', snapshot });
  const calls = (s: ScenarioName) => snapshots(timeline(s)).map((x) => x.snapshot);
  const lines = (events: CommonEvent[]) => events.map((e) => `${e.type}${e.type === 'conversation.updated' ? ` ${e.change} ${'participant' in e ? e.participant.purpose : ''}` : ''}`);
  /** A copy of the snapshot with its participants changed. */
  const edit = (s: SnapshotLike, f: (p: SnapshotParticipantLike) => void): SnapshotLike => {
    const copy = structuredClone(s);
    for (const p of copy.participants ?? []) f(p);
    return copy;
  };
  const isHeld = (s: SnapshotLike) => (s.participants ?? []).some((p) => p.held === true);

  it('a participant behind what the model knows (the ACD leg still connected)', () => {
    const all = calls('hold');
    const held = all.findIndex(isHeld);
    const { state } = run(all.slice(0, held + 1).map(snap));
    // Snapshot 2 shows the agent alerting and the ACD leg up: older than the hold, whatever its hold flags say.
    const stale = run([snap(all[2] as SnapshotLike)], state);
    expect(lines(stale.events)).toEqual([]);
    expect(lines(run([snap(all[held + 1] as SnapshotLike)], stale.state).events)).toEqual(['conversation.updated resume customer', 'conversation.updated resume agent']);
  });

  it('a wrap-up code the model knows missing', () => {
    const all = calls('blind-transfer');
    const k = all.findIndex((s) => (s.participants ?? []).some((p) => p.wrapup !== undefined));
    const HOLD = '2024-05-01T10:00:59.000Z';
    const holdCustomer = (s: SnapshotLike) => edit(s, (p) => (p.purpose === 'customer' ? Object.assign(p, { held: true, startHoldTime: HOLD }) : undefined));
    const { state } = run([...all.slice(0, k).map(snap), snap(holdCustomer(all[k] as SnapshotLike))]);
    // The snapshot before the wrap-up, without the hold: older, not the resume.
    const stale = run([snap(all[k - 1] as SnapshotLike)], state);
    expect(lines(stale.events)).toEqual([]);
    expect(lines(run([snap(all[k] as SnapshotLike)], stale.state).events)).toEqual(['conversation.updated resume customer']);
  });

  it('a participant shown in a hold older than its latest', () => {
    const all = calls('hold');
    const held = all.findIndex(isHeld);
    const first = all[held] as SnapshotLike;
    const S2 = '2024-05-01T10:01:10.000Z';
    // Hold 1: the customer only; resumed; hold 2: customer and agent.
    const customerOnly = edit(first, (p) => (p.purpose === 'agent' ? Object.assign(p, { held: false, startHoldTime: undefined }) : undefined));
    const second = edit(first, (p) => (p.held ? Object.assign(p, { startHoldTime: S2 }) : undefined));
    const { state, events } = run([...all.slice(0, held).map(snap), snap(customerOnly), snap(all[held + 1] as SnapshotLike), snap(second)]);
    expect(lines(events).filter((l) => / (hold|resume) /.test(l))).toEqual(['conversation.updated hold customer', 'conversation.updated resume customer', 'conversation.updated hold customer', 'conversation.updated hold agent']);
    // Hold 1's snapshot again: the agent not held there proves nothing.
    expect(lines(run([snap(customerOnly)], state).events)).toEqual([]);
  });
});
