/**
 * Notification delivery faults: duplicate and out-of-order frames, per org or
 * channel, acting on the frames actually sent (what the socket receives is
 * what the log says), deterministic for a seed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { ControlClientError } from '../../../src/emulator/index.js';
import { releaseOrder } from '../../../src/emulator/notify/delivery-faults.js';
import { Rng } from '../../../src/emulator/core/rng.js';
import { channelWith, emulator, login, until, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;

beforeAll(async () => {
  emu = await emulator({ speed: 0, seed: { orgs: [{ name: 'Faults', users: [{ name: 'Alice' }] }, { name: 'Other', users: [{ name: 'Olga' }] }] } });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
});
afterAll(() => emu.stop());
afterEach(() => emu.control.clearNotificationFaults());

const agent = () => org.users[0]?.id as string;
const topicOf = (userId: string) => `v2.users.${userId}.conversations.calls`;
const correlation = (f: Json) => (f.metadata as Json).CorrelationId as string;
/** What a snapshot says, without the call's own ids: each participant's purpose, state and wrap-up. */
const shape = (f: Json) => ((f.eventBody as Json).participants as Json[]).map((p) => `${String(p.purpose)}:${String(p.state)}${p.wrapup ? '+wrapup' : ''}`).join(' ');

/** Runs one inbound call to its end on a fresh channel; answers what the socket got and what the log says was sent. */
async function call(before?: (channelId: string) => Promise<unknown>, scenario: 'inbound' | 'hold' = 'inbound', afterMs = 5000) {
  const topic = topicOf(agent());
  const { id, listener } = await channelWith(org, token, [topic]);
  await before?.(id);
  const c = await emu.control.startCall(org.orgId, { scenario, agentIds: [agent()], delayMs: 1000, dialOut: { enabled: false } });
  await emu.control.advance(c.finalMs - (await emu.control.clock()).now + afterMs);
  const logged = await until(async () => {
    const l = await emu.control.notificationLog({ channelId: id, topic });
    return l.length > 0 && listener.events(topic).length === l.length && l;
  }, 3000, 'every logged frame to arrive');
  listener.close();
  return { id, received: listener.events(topic), logged, conversationId: c.conversationId };
}

describe('duplicate delivery', () => {
  it('sends every frame of the org twice, each send logged, the repeat marked', async () => {
    const clean = await call();
    await emu.control.addNotificationFault({ kind: 'duplicate', orgId: org.orgId });
    const dup = await call();
    expect(dup.received).toHaveLength(2 * clean.received.length);
    const ids = dup.received.map(correlation);
    expect(ids.filter((_, i) => i % 2 === 0)).toEqual(ids.filter((_, i) => i % 2 === 1));
    expect(dup.logged.map((l) => l.correlationId)).toEqual(ids);
    expect(dup.logged.map((l) => l.fault ?? null)).toEqual(dup.logged.map((_, i) => (i % 2 === 1 ? 'duplicate' : null)));
  });

  it('with a probability, repeats a seeded choice of frames: the same seed repeats the same ones', async () => {
    const pattern = async () => {
      await emu.control.addNotificationFault({ kind: 'duplicate', orgId: org.orgId, probability: 0.5, seed: 'fixed' });
      const r = await call(undefined, 'hold');
      await emu.control.clearNotificationFaults();
      return r.logged;
    };
    const first = await pattern();
    // Each original send draws once from the fault's generator, seeded 'fixed'.
    const rng = new Rng('fixed');
    const expected = first.filter((l) => l.fault === undefined).flatMap(() => (rng.next() < 0.5 ? ['-', 'duplicate'] : ['-']));
    expect(first.map((l) => l.fault ?? '-')).toEqual(expected);
    expect(expected).toContain('duplicate');
    expect(expected.join(' ')).toMatch(/- -/); // and some frames were not repeated
    expect((await pattern()).map((l) => l.fault ?? '-')).toEqual(expected);
  });

  it('an org or channel the fault does not name is untouched', async () => {
    await emu.control.addNotificationFault({ kind: 'duplicate', orgId: emu.seeded[1]!.orgId });
    await emu.control.addNotificationFault({ kind: 'duplicate', channelId: 'streaming-0-someotherchannel' });
    const r = await call();
    expect(r.logged.every((l) => l.fault === undefined)).toBe(true);
    expect(new Set(r.received.map(correlation)).size).toBe(r.received.length);
  });
});

describe('out-of-order delivery', () => {
  it('holds a channel\'s frames for the window and releases them newest first', async () => {
    const clean = await call();
    const r = await call((channelId) => emu.control.addNotificationFault({ kind: 'reorder', channelId, windowMs: 3_600_000 }), 'inbound', 3_600_000);
    // Nothing arrived in order: one window holds the whole call, released reversed.
    expect(r.received.map(shape)).toEqual(clean.received.map(shape).reverse());
    expect(r.logged.every((l) => l.fault === 'reordered')).toBe(true);
    expect(r.logged.map((l) => l.correlationId)).toEqual(r.received.map(correlation));
  });

  it('a short window only reorders the frames within it', async () => {
    const clean = await call();
    const r = await call((channelId) => emu.control.addNotificationFault({ kind: 'reorder', channelId, windowMs: 1 }));
    // The call's changes are seconds apart: each window holds one frame, so the order is kept.
    expect(r.received.map(shape)).toEqual(clean.received.map(shape));
  });

  it('clearing the faults releases what is held at once', async () => {
    const topic = topicOf(agent());
    const { id, listener } = await channelWith(org, token, [topic]);
    await emu.control.addNotificationFault({ kind: 'reorder', channelId: id, windowMs: 3_600_000 });
    const c = await emu.control.startCall(org.orgId, { scenario: 'inbound', agentIds: [agent()], delayMs: 1000, dialOut: { enabled: false } });
    await emu.control.advance(c.finalMs - (await emu.control.clock()).now);
    expect(await emu.control.notificationLog({ channelId: id, topic })).toEqual([]);
    await emu.control.clearNotificationFaults();
    const sent = await emu.control.notificationLog({ channelId: id, topic });
    expect(sent.length).toBeGreaterThan(3);
    await until(() => listener.events(topic).length === sent.length, 3000, 'the released frames');
    listener.close();
  });

  it('shuffles deterministically for a seed', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    const a = releaseOrder(items, 'shuffle', new Rng('s'));
    expect(a).toEqual(releaseOrder(items, 'shuffle', new Rng('s')));
    expect(a).not.toEqual(items);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
  });

  it('a bad fault is a 400 naming the field', async () => {
    const err = await emu.control.addNotificationFault({ kind: 'reorder', windowMs: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlClientError);
    expect((err as ControlClientError).status).toBe(400);
    expect((err as Error).message).toContain('windowMs');
  });
});
