/**
 * Which calls a snapshot lists: admitted ones only while their meter record
 * lives (a dead replica's calls vanish within seconds), held and paused ones
 * (no audio, so no meter) while the gate's record is recent; ended and
 * refused ones never. Virtual clock for the gate's records.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HELD_WINDOW_MS, LiveCalls, SessionStatusStore } from '../../src/api/index.js';
import { metersKey } from '../../src/api/live-calls.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { MemoryState } from '../../src/platform/state/index.js';

const logger = createLogger({ level: 'silent' });

describe('LiveCalls.snapshot', () => {
  it('lists admitted calls with a live meter, and held or paused calls while recent', async () => {
    const state = new MemoryState(logger);
    try {
      const clock = { now: Date.UTC(2026, 0, 1) };
      const status = new SessionStatusStore(state, logger, () => clock.now);
      const calls = new LiveCalls(state, status, () => clock.now);
      const org = randomUUID();
      const [metered, unmetered, held, paused, ended, refused] = Array.from({ length: 6 }, () => randomUUID());
      const startedAt = status.stamp();
      status.record(org, metered as string, { gate: 'admitted', capture: 'streaming', startedAt });
      status.record(org, unmetered as string, { gate: 'admitted', capture: 'streaming', startedAt });
      status.record(org, held as string, { gate: 'held', capture: 'paused', startedAt });
      status.record(org, paused as string, { gate: 'admitted', capture: 'paused', agentUserId: 'u', startedAt });
      status.record(org, ended as string, { gate: 'admitted', capture: 'ended', startedAt });
      status.record(org, refused as string, { gate: 'refused', capture: 'ended', startedAt });
      await state.set(metersKey(org, 'replica-a'), JSON.stringify({ calls: { [metered as string]: { startedAt, forwarded: ['crm'], levels: null } } }), 10_000);
      const listed = async () => Object.fromEntries((await calls.snapshot(org)).map((c) => [c.conversationId, c.state]));
      expect(await listed()).toEqual({ [metered as string]: 'admitted', [held as string]: 'held', [paused as string]: 'paused' });
      clock.now += HELD_WINDOW_MS + 1;
      expect(await listed()).toEqual({ [metered as string]: 'admitted' });
    } finally {
      await state.close();
    }
  });

  it("joins every replica's meter record, and skips one it cannot read", async () => {
    const state = new MemoryState(logger);
    try {
      const status = new SessionStatusStore(state, logger);
      const calls = new LiveCalls(state, status);
      const org = randomUUID();
      const [onA, onB, alsoOnB, unreadable] = Array.from({ length: 4 }, () => randomUUID());
      const startedAt = status.stamp();
      for (const c of [onA, onB, alsoOnB, unreadable]) status.record(org, c as string, { gate: 'admitted', capture: 'streaming', startedAt });
      const record = (levels: unknown) => ({ startedAt, forwarded: [], levels });
      const loud = { customer: -20, agent: -30, at: startedAt };
      await state.set(metersKey(org, 'replica-a'), '{not json', 10_000);
      await state.set(metersKey(org, 'replica-b'), JSON.stringify({ calls: { [onA as string]: record(null) } }), 10_000);
      await state.set(metersKey(org, 'replica-c'), JSON.stringify({ calls: { [unreadable as string]: record('loud'), [onB as string]: record(loud), [alsoOnB as string]: record(null) } }), 10_000);
      const listed = Object.fromEntries((await calls.snapshot(org)).map((c) => [c.conversationId, c.levels]));
      expect(listed).toEqual({ [onA as string]: null, [onB as string]: loud, [alsoOnB as string]: null });
    } finally {
      await state.close();
    }
  });
});
