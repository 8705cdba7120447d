/**
 * Scripted snapshot sequences from the emulator's own call timelines: the
 * notification bodies a monitored agent's topic carries at every change of a
 * scenario, and the analytics record after the call.
 */
import { analyticsRecord, type Attachment } from '../../../src/emulator/calls/analytics-record.js';
import { buildScenario, type ScenarioName } from '../../../src/emulator/calls/scenarios.js';
import { callsSnapshot, conversationSnapshot } from '../../../src/emulator/calls/snapshot.js';
import { changeTimes, finalTime, type Timeline } from '../../../src/emulator/calls/timeline.js';
import { Rng } from '../../../src/emulator/core/rng.js';
import type { AnalyticsConversationLike } from '../../../src/conversations/index.js';
import type { SnapshotLike } from '../../../src/conversations/index.js';

export const START = Date.parse('2024-05-01T10:00:00.000Z');

export function timeline(scenario: ScenarioName, id = 'c0ffee00-0000-4000-8000-000000000001'): Timeline {
  const rng = new Rng(id);
  return buildScenario({
    scenario,
    conversationId: id,
    orgId: 'org',
    divisionId: 'div',
    start: START,
    agents: [
      { userId: 'ua', name: 'A' },
      { userId: 'ub', name: 'B' },
    ],
    queue: { id: 'q', name: 'Q' },
    flow: { flowId: 'f', flowName: 'IVR' },
    wrapupCode: 'wrap-1',
    customer: { ani: 'tel:+1', dnis: 'tel:+2', name: 'C' },
    durations: { ivrMs: 5_000, queueMs: 5_000, alertMs: 3_000, talkMs: 60_000, holdMs: 10_000, consultMs: 10_000, acwMs: 15_000 },
    newId: () => rng.uuid(),
  });
}

/** One snapshot per change time, in order, on the given topic shape. */
export function snapshots(t: Timeline, shape: 'calls' | 'conversations' = 'calls'): { at: number; snapshot: SnapshotLike }[] {
  const body = shape === 'calls' ? callsSnapshot : conversationSnapshot;
  // Round-tripped through JSON like a notification body.
  return changeTimes(t).map((at) => ({ at, snapshot: JSON.parse(JSON.stringify(body(t, at))) as SnapshotLike }));
}

export function analytics(t: Timeline, extras: { evaluations?: Attachment[]; surveys?: Attachment[] } = {}, asOf = finalTime(t) + 3_600_000): AnalyticsConversationLike {
  return analyticsRecord(t, asOf, extras) as AnalyticsConversationLike;
}
