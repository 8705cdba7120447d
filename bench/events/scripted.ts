/**
 * The notification snapshots of scripted calls (the emulator's own timelines,
 * as the unit tests of the live model use them), as live-model observations.
 */
import type { Observation } from '../../src/conversations/index.js';
import type { ScenarioName } from '../../src/emulator/calls/scenarios.js';
import { snapshots, timeline } from '../../test/conversations/live/scripted.js';

export const SCENARIOS_WITH_TRANSFERS: readonly ScenarioName[] = ['inbound', 'hold', 'blind-transfer', 'consult-transfer'];

/** Every snapshot of call `i` of a scenario, in order; ids differ per call. */
export function snapshotsOf(scenario: ScenarioName, i: number): Observation[] {
  const id = `c0ffee00-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  return snapshots(timeline(scenario, id)).map((x): Observation => ({ kind: 'snapshot', snapshot: x.snapshot }));
}
