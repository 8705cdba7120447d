/**
 * Pure notification logic: topic → channel planning, the slot lifecycle
 * reducer (handover, loss, gap, heartbeat, renewal), frames, topics, dedupe.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopicLimitError } from '../../../src/genesys/index.js';
import { Deduper, eventKey } from '../../../src/genesys/notifications/dedupe.js';
import { parseFrame } from '../../../src/genesys/notifications/frames.js';
import { planAssignment, type SlotTopics } from '../../../src/genesys/notifications/plan.js';
import { initialSlotState, stepSlot, type Conn, type SlotEffect, type SlotInput, type SlotSettings, type SlotState } from '../../../src/genesys/notifications/slot-state.js';
import { classifyTopic, isSubscribable, topics } from '../../../src/genesys/notifications/topics.js';

describe('planAssignment', () => {
  const limits = { maxTopicsPerChannel: 1000, maxChannels: 20 };
  const names = (n: number, p = 't') => Array.from({ length: n }, (_, i) => `${p}${i}`);

  it('splits 2,500 topics over three channels of at most 1,000', () => {
    const plan = planAssignment([], names(2500), limits);
    expect(plan.created.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(new Set(plan.created.flat()).size).toBe(2500);
  });

  it('accepts exactly 20,000 topics and refuses one more', () => {
    expect(planAssignment([], names(20_000), limits).created).toHaveLength(20);
    expect(() => planAssignment([], names(20_001), limits)).toThrow(TopicLimitError);
    expect(() => planAssignment([], names(20_001), limits)).toThrow(/20001 notification topics requested.*at most 20000/);
  });

  it('keeps topics where they are, fills spare room first, retires emptied channels', () => {
    const current: SlotTopics[] = [
      { slotId: 'a', topics: new Set(names(1000, 'a')) },
      { slotId: 'b', topics: new Set(names(500, 'b')) },
      { slotId: 'c', topics: new Set(names(10, 'c')) },
    ];
    const desired = [...names(900, 'a'), ...names(500, 'b'), ...names(700, 'n')];
    const plan = planAssignment(current, desired, limits);
    expect(plan.retired).toEqual([]); // c is refilled rather than replaced
    const byId = Object.fromEntries(plan.kept.map((k) => [k.slotId, k]));
    expect(byId.a?.removed).toHaveLength(100);
    expect(byId.a?.added).toHaveLength(100); // spare room is used first, in order
    expect(byId.b?.added).toHaveLength(500);
    expect(byId.c).toMatchObject({ removed: names(10, 'c'), added: names(100, 'n').map((_, i) => `n${600 + i}`) });
    expect(plan.created).toEqual([]);
    const gone = planAssignment(current, names(1000, 'a'), limits);
    expect(gone.retired).toEqual(['b', 'c']);
  });

  const small = { maxTopicsPerChannel: 5, maxChannels: 4 };
  const topicArb = fc.integer({ min: 0, max: 30 }).map((n) => `t${n}`);
  const currentArb = fc
    .uniqueArray(topicArb, { maxLength: 20 })
    .chain((ts) => fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }).map((sizes) => ({ ts, sizes })))
    .map(({ ts, sizes }) => {
      const slots: SlotTopics[] = [];
      let i = 0;
      sizes.forEach((size, n) => {
        slots.push({ slotId: `s${n}`, topics: new Set(ts.slice(i, i + size)) });
        i += size;
      });
      return slots.filter((s) => s.topics.size > 0);
    });

  it('property: every desired topic exactly once, none moved, none undesired, limits kept', () => {
    fc.assert(
      fc.property(currentArb, fc.uniqueArray(topicArb, { maxLength: 20 }), (current, desired) => {
        const plan = planAssignment(current, desired, small);
        const slots = [...plan.kept.map((k) => k.topics), ...plan.created];
        const flat = slots.flat();
        expect(flat.length).toBe(new Set(flat).size);
        expect(new Set(flat)).toEqual(new Set(desired));
        expect(slots.every((s) => s.length > 0 && s.length <= small.maxTopicsPerChannel)).toBe(true);
        expect(slots.length).toBeLessThanOrEqual(small.maxChannels);
        for (const k of plan.kept) {
          const before = current.find((c) => c.slotId === k.slotId)?.topics ?? new Set<string>();
          for (const t of before) if (desired.includes(t)) expect(k.topics).toContain(t);
          expect(k.removed.every((t) => !desired.includes(t))).toBe(true);
          expect(new Set([...[...before].filter((t) => !k.removed.includes(t)), ...k.added])).toEqual(new Set(k.topics));
        }
        // A new channel is opened only when every existing one is full.
        if (plan.created.length > 0) expect(plan.kept.every((k) => k.topics.length === small.maxTopicsPerChannel)).toBe(true);
      }),
    );
  });
});

const cfg: SlotSettings = { pingIntervalMs: 30_000, deadAfterMs: 75_000, renewBeforeMs: 3_600_000, drainMs: 10_000, renewRetryMs: 60_000 };
const DAY = 86_400_000;
const conn = (socketId: number, channelId: string, at: number): Conn => ({
  socketId,
  channelId,
  connectUri: `wss://streaming/${channelId}`,
  connectedAt: at,
  lastFrameAt: at,
  lastPingAt: at,
  expiresAt: at + DAY,
});

/** Runs inputs through the reducer, collecting every effect. */
function run(inputs: SlotInput[], from: SlotState = initialSlotState()) {
  let state = from;
  const effects: SlotEffect[] = [];
  for (const i of inputs) {
    const step = stepSlot(state, i, cfg);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects, events: effects.flatMap((e) => (e.type === 'emit' ? [e.event] : [])) };
}

const live = run([{ type: 'start' }, { type: 'opened', conn: conn(1, 'ch1', 1000), now: 1000 }]);

describe('slot lifecycle', () => {
  it('opens on start and reports connected', () => {
    expect(live.effects[0]).toEqual({ type: 'open', reason: 'initial', attempt: 0 });
    expect(live.events).toEqual([{ type: 'connected', channelId: 'ch1', reason: 'initial' }]);
    expect(live.state.phase).toBe('live');
  });

  it('socket_closing: opens a new channel, switches when it is live, no gap, drains the old one', () => {
    const r = run([{ type: 'frame', socketId: 1, now: 5000 }, { type: 'socket-closing', socketId: 1, sameChannel: false, now: 6000 }], live.state);
    expect(r.effects).toEqual([{ type: 'open', reason: 'handover', attempt: 0 }]);
    expect(r.state.phase).toBe('handover');
    const switched = run([{ type: 'opened', conn: conn(2, 'ch2', 7000), now: 7000 }], r.state);
    expect(switched.events).toEqual([
      { type: 'handover', fromChannelId: 'ch1', toChannelId: 'ch2', reason: 'socket-closing' },
      { type: 'connected', channelId: 'ch2', reason: 'handover' },
    ]);
    expect(switched.state.active?.socketId).toBe(2);
    // The server closes the old socket: it was draining, so no loss, and its channel is released.
    const closed = run([{ type: 'closed', socketId: 1, channelGone: false, now: 8000 }], switched.state);
    expect(closed.effects).toEqual([{ type: 'release', channelId: 'ch1' }]);
    // If the server does not, the tick closes it after drainMs.
    const drained = run([{ type: 'tick', now: 7000 + cfg.drainMs }], switched.state);
    expect(drained.effects).toEqual([{ type: 'close', socketId: 1 }, { type: 'release', channelId: 'ch1' }]);
  });

  it('socket_closing with no channel budget left reconnects to the same channel', () => {
    const r = run([{ type: 'socket-closing', socketId: 1, sameChannel: true, now: 6000 }], live.state);
    expect(r.effects).toEqual([{ type: 'open', reason: 'handover', attempt: 0, reuse: { channelId: 'ch1', connectUri: 'wss://streaming/ch1', expiresAt: 1000 + DAY } }]);
    const done = run([{ type: 'opened', conn: conn(2, 'ch1', 7000), now: 7000 }, { type: 'closed', socketId: 1, channelGone: false, now: 7001 }], r.state);
    expect(done.effects.filter((e) => e.type === 'release')).toEqual([]); // still in use
  });

  it('old socket closing before the replacement is live: a gap from its last frame to the switch', () => {
    const r = run(
      [
        { type: 'frame', socketId: 1, now: 5000 },
        { type: 'socket-closing', socketId: 1, sameChannel: false, now: 6000 },
        { type: 'closed', socketId: 1, channelGone: false, now: 9000 },
      ],
      live.state,
    );
    expect(r.effects.filter((e) => e.type === 'open')).toHaveLength(1); // no second open: the handover's continues
    const done = run([{ type: 'opened', conn: conn(2, 'ch2', 12_000), now: 12_000 }], r.state);
    expect(done.events).toContainEqual({ type: 'gap', from: 6000, to: 12_000, reason: 'closed' });
  });

  it('hard drop: recovers on the same channel, then reports the gap', () => {
    const r = run([{ type: 'frame', socketId: 1, now: 5000 }, { type: 'closed', socketId: 1, channelGone: false, now: 5500 }], live.state);
    expect(r.events).toEqual([{ type: 'disconnected', channelId: 'ch1', reason: 'closed' }]);
    expect(r.effects).toContainEqual({ type: 'open', reason: 'recover', attempt: 0, reuse: { channelId: 'ch1', connectUri: 'wss://streaming/ch1', expiresAt: 1000 + DAY } });
    const failed = run([{ type: 'open-failed', reason: 'recover', error: new Error('refused'), channelGone: false, now: 6000 }], r.state);
    expect(failed.effects).toContainEqual(expect.objectContaining({ type: 'open', reason: 'recover', attempt: 1 }));
    const gone = run([{ type: 'open-failed', reason: 'recover', error: new Error('404'), channelGone: true, now: 7000 }], failed.state);
    expect(gone.effects).toContainEqual({ type: 'open', reason: 'recover', attempt: 2 }); // no reuse: create a channel
    const back = run([{ type: 'opened', conn: conn(3, 'ch9', 20_000), now: 20_000 }], gone.state);
    expect(back.events).toEqual([
      { type: 'connected', channelId: 'ch9', reason: 'recover' },
      { type: 'gap', from: 5000, to: 20_000, reason: 'closed' },
    ]);
    expect(back.state.failures).toBe(0);
  });

  it('pings on schedule, and treats 75 s of silence as a dead socket', () => {
    const t0 = 1000;
    const ping = run([{ type: 'tick', now: t0 + 29_999 }, { type: 'tick', now: t0 + 30_000 }], live.state);
    expect(ping.effects).toEqual([{ type: 'ping', socketId: 1 }]);
    const alive = run([{ type: 'frame', socketId: 1, now: t0 + 60_000 }, { type: 'tick', now: t0 + 130_000 }], live.state);
    expect(alive.events).toEqual([]);
    const dead = run([{ type: 'tick', now: t0 + 75_000 }], live.state);
    expect(dead.effects).toEqual([
      { type: 'close', socketId: 1 },
      { type: 'emit', event: { type: 'disconnected', channelId: 'ch1', reason: 'heartbeat-timeout' } },
      expect.objectContaining({ type: 'open', reason: 'recover', attempt: 0 }),
    ]);
    expect(dead.state.gapFrom).toBe(t0);
  });

  it('resubscribes an hour before the 24 h expiry, once, and retries a failed renewal later', () => {
    const due = 1000 + DAY - cfg.renewBeforeMs;
    const keepAlive = (now: number): SlotInput => ({ type: 'frame', socketId: 1, now });
    const early = run([keepAlive(due - 1), { type: 'tick', now: due - 1 }], live.state);
    expect(early.effects.filter((e) => e.type === 'renew')).toEqual([]);
    const r = run([keepAlive(due), { type: 'tick', now: due }, { type: 'tick', now: due + 1 }], live.state);
    expect(r.effects.filter((e) => e.type === 'renew')).toEqual([{ type: 'renew', channelId: 'ch1' }]);
    const renewed = run([{ type: 'renewed', channelId: 'ch1', expiresAt: due + DAY, now: due }], r.state);
    expect(renewed.state.active?.expiresAt).toBe(due + DAY);
    const failed = run([{ type: 'renew-failed', channelId: 'ch1', error: new Error('503'), channelGone: false, now: due }, keepAlive(due + 30_000), { type: 'tick', now: due + 30_000 }], r.state);
    expect(failed.effects.filter((e) => e.type === 'renew')).toEqual([]);
    const retried = run([keepAlive(due + 60_000), { type: 'tick', now: due + 60_000 }], failed.state);
    expect(retried.effects.filter((e) => e.type === 'renew')).toHaveLength(1);
  });

  it('a channel found gone at renewal moves to a new channel', () => {
    const r = run([{ type: 'renew-failed', channelId: 'ch1', error: new Error('404'), channelGone: true, now: 5000 }], { ...live.state, renewing: true });
    expect(r.effects).toContainEqual({ type: 'open', reason: 'handover', attempt: 0 });
    const done = run([{ type: 'opened', conn: conn(2, 'ch2', 6000), now: 6000 }], r.state);
    expect(done.events[0]).toEqual({ type: 'handover', fromChannelId: 'ch1', toChannelId: 'ch2', reason: 'channel-gone' });
  });

  it('stop closes sockets, releases channels, and closes a socket that opens late', () => {
    const r = run([{ type: 'stop' }], live.state);
    expect(r.effects).toEqual([{ type: 'close', socketId: 1 }, { type: 'release', channelId: 'ch1' }]);
    expect(run([{ type: 'opened', conn: conn(5, 'x', 1), now: 1 }], r.state).effects).toEqual([{ type: 'close', socketId: 5 }]);
  });
});

describe('frames and topics', () => {
  it('classifies heartbeats, pongs, socket_closing, events, replies and junk', () => {
    expect(parseFrame('{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}')).toEqual({ type: 'metadata', message: 'WebSocket Heartbeat' });
    expect(parseFrame('{"topicName":"v2.system.socket_closing","eventBody":{"message":"bye"}}')).toEqual({ type: 'socket-closing', body: { message: 'bye' } });
    expect(parseFrame('{"topicName":"v2.users.u.conversations.calls","eventBody":{"id":"c"},"metadata":{"CorrelationId":"x"}}')).toMatchObject({
      type: 'event',
      envelope: { topicName: 'v2.users.u.conversations.calls', eventBody: { id: 'c' }, metadata: { CorrelationId: 'x' } },
    });
    expect(parseFrame('{"result":"404"}')).toEqual({ type: 'reply', result: '404', status: undefined });
    expect(parseFrame('nope').type).toBe('invalid');
    expect(parseFrame('[1]').type).toBe('invalid');
  });

  it('builds and classifies topic names', () => {
    expect(classifyTopic(topics.userCalls('u1'))).toEqual({ kind: 'user-calls', userId: 'u1' });
    expect(classifyTopic(topics.userConversations('u1'))).toEqual({ kind: 'user-conversations', userId: 'u1' });
    expect(classifyTopic(topics.conversationDetail('c1', 'customer.end'))).toEqual({ kind: 'detail', conversationId: 'c1', eventType: 'customer.end' });
    expect(classifyTopic('v2.system.token_revoked.x')).toEqual({ kind: 'system' });
    expect(isSubscribable('v2.system.socket_closing')).toBe(false);
    expect(isSubscribable('channel.metadata')).toBe(false);
    expect(isSubscribable(topics.userCalls('u1'))).toBe(true);
  });

  it('dedupes the same event within the window only', () => {
    const d = new Deduper(1000);
    const k = eventKey('t', { id: 1, state: 'connected' });
    expect(d.firstSeen(k, 0)).toBe(true);
    expect(d.firstSeen(k, 999)).toBe(false);
    expect(d.firstSeen(eventKey('t', { id: 1, state: 'disconnected' }), 999)).toBe(true);
    expect(d.firstSeen(eventKey('t2', { id: 1, state: 'connected' }), 999)).toBe(true);
    expect(d.firstSeen(k, 1000)).toBe(true);
  });

  it('tells apart two events with the same body (a resume repeats the pre-hold snapshot) by their correlation ids', () => {
    const d = new Deduper(120_000);
    const preHold = { id: 'c', participants: [{ id: 'p', state: 'connected', held: false }] };
    const held = { id: 'c', participants: [{ id: 'p', state: 'connected', held: true, startHoldTime: '2024-05-01T10:00:00.000Z' }] };
    expect(d.firstSeen(eventKey('t', preHold, 'corr-1'), 0)).toBe(true);
    expect(d.firstSeen(eventKey('t', held, 'corr-2'), 1)).toBe(true);
    expect(d.firstSeen(eventKey('t', structuredClone(preHold), 'corr-3'), 2)).toBe(true); // the resume
    expect(d.firstSeen(eventKey('t', structuredClone(preHold), 'corr-3'), 3)).toBe(false); // the same frame again
  });
});
