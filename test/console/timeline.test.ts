/**
 * The Conversations page's timeline data (console/src/timeline.ts, pure):
 * analytics segments placed as fractions of the conversation's span, one lane
 * per participant; the live model's times (connected, on hold since) when
 * there is no analytics record; nothing when neither says anything.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationDetail } from '../../console/src/conversations-api.js';
import { seconds, timelineOf } from '../../console/src/timeline.js';

const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString();

const base: ConversationDetail = { conversationId: 'c', state: 'imported', startedAt: T(0), endedAt: T(100), importedAt: null, participants: [], segments: [], recordings: [], live: null, events: [] };

describe('timelineOf', () => {
  it('places analytics segments by time, a lane per participant, ordered by start', () => {
    const seg = (participantId: string, segmentType: string, from: number, to: number, ordinal = 0) => ({ participantId, sessionId: 's', ordinal, segmentType, segmentStart: T(from), segmentEnd: T(to), disconnectType: null });
    const t = timelineOf(
      {
        ...base,
        participants: [
          { participantId: 'p1', purpose: 'customer', userId: null, participantName: null },
          { participantId: 'p2', purpose: 'agent', userId: 'u', participantName: 'Alice' },
        ],
        segments: [seg('p1', 'interact', 0, 100), seg('p2', 'hold', 50, 75, 1), seg('p2', 'interact', 25, 50, 0)],
      },
      T(200),
    );
    expect(t?.start).toBe(T(0));
    expect(t?.end).toBe(T(100));
    expect(t?.lanes.map((l) => l.label)).toEqual(['customer', 'agent: Alice']);
    expect(t?.lanes[1]?.bars.map((b) => [b.type, b.left, b.width])).toEqual([
      ['interact', 0.25, 0.25],
      ['hold', 0.5, 0.25],
    ]);
  });

  it('uses the live model when there are no segments: an open hold runs to now', () => {
    const t = timelineOf(
      { ...base, state: 'live', endedAt: null, live: { participants: [{ id: 'a', purpose: 'agent', name: 'Bob', stage: 'connected', startTime: T(0), connectedTime: T(10), heldSince: T(40) }] } },
      T(60),
    );
    expect(t?.lanes[0]?.bars.map((b) => [b.type, b.start, b.end])).toEqual([
      ['alert', T(0), T(10)],
      ['interact', T(10), T(40)],
      ['hold', T(40), null],
    ]);
    expect(t?.end).toBe(T(60));
    expect(t?.lanes[0]?.bars[2]?.left).toBeCloseTo(40 / 60);
  });

  it('is undefined when nothing is known, and seconds counts an open span to now', () => {
    expect(timelineOf(base, T(0))).toBeUndefined();
    expect(seconds(T(5), null, T(65))).toBe(60);
  });
});
