/**
 * The NotificationsManager against a loopback notifications service (REST +
 * WebSocket): channel splitting, subscription changes, socket_closing
 * handover, hard drops with gap reports, vanished channels, silent sockets,
 * renewal. Timers run on a manual clock; sockets and HTTP are real.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGenesysClient,
  GenesysAuthError,
  TopicLimitError,
  TopicRejectedError,
  topics,
  type NotificationsEventName,
  type NotificationsEvents,
  type NotificationsManager,
  type NotificationsOptions,
} from '../../../src/genesys/index.js';
import { startFake, type FakeGenesys } from '../helpers/fake-genesys.js';
import { FakeNotifications } from '../helpers/fake-notifications.js';
import { next, whenTrue } from '../helpers/manager-events.js';
import { ManualTime } from '../helpers/virtual-time.js';

let time: ManualTime;
let fake: FakeGenesys;
let hub: FakeNotifications;
let managers: NotificationsManager[] = [];

beforeEach(async () => {
  time = new ManualTime();
  fake = await startFake(time);
  hub = new FakeNotifications(fake);
});
afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  managers = [];
  await fake.close();
});

const users = (n: number, from = 0) => Array.from({ length: n }, (_, i) => topics.userCalls(`user-${from + i}`));

function manager(topicList: string[], o: NotificationsOptions = {}, config: Record<string, unknown> = {}) {
  const gc = createGenesysClient(fake.config(config), { clock: time, sleep: time.sleep, random: () => 0.5 });
  const m = gc.notifications.createManager({ topics: topicList, ...o });
  managers.push(m);
  return m;
}

type Log = { [K in NotificationsEventName]: NotificationsEvents[K][] };
function record(m: NotificationsManager): Log {
  const log = { conversation: [], detail: [], notification: [], connected: [], disconnected: [], handover: [], gap: [], error: [] } as unknown as Log;
  for (const k of Object.keys(log) as NotificationsEventName[]) m.on(k, (e) => (log[k] as unknown[]).push(e));
  return log;
}

/** A full-snapshot call event body with a unique id. */
const call = (id: string, userId = 'user-0') => ({
  id,
  participants: [{ id: `p-${id}`, purpose: 'agent', state: 'connected', user: { id: userId } }],
});

/** Resolves once the manager has delivered conversation events with all these ids. */
const delivered = (m: NotificationsManager, log: Log, ids: string[]) =>
  whenTrue(m, 'conversation', () => ids.every((id) => log.conversation.some((c) => c.conversation.id === id)));

describe('channels and topics', () => {
  it('splits more than 1,000 topics across channels and delivers typed events from each', async () => {
    const m = manager(users(2500));
    const log = record(m);
    await m.start();
    expect(hub.list.map((c) => c.topics.size)).toEqual([1000, 1000, 500]);
    expect(hub.connected).toHaveLength(3);
    expect(new Set(hub.list.flatMap((c) => [...c.topics]))).toEqual(new Set(users(2500)));
    expect(log.connected.map((c) => c.topicCount)).toEqual([1000, 1000, 500]);
    for (const n of [0, 1500, 2499]) expect(hub.publish(topics.userCalls(`user-${n}`), call(`conv-${n}`, `user-${n}`))).toBe(1);
    await delivered(m, log, ['conv-0', 'conv-1500', 'conv-2499']);
    // Three sockets: arrival order across them is not defined.
    expect(log.conversation.map((c) => [c.kind, c.userId, c.conversation.id]).sort()).toEqual([
      ['calls', 'user-0', 'conv-0'],
      ['calls', 'user-1500', 'conv-1500'],
      ['calls', 'user-2499', 'conv-2499'],
    ]);
    const first = log.conversation.find((c) => c.userId === 'user-0');
    expect(first?.conversation.participants[0]).toMatchObject({ attributes: {}, user: { id: 'user-0' } });
    expect(first?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses more than 20,000 topics with a clear error', async () => {
    const m = manager([]);
    await expect(m.setTopics(users(20_001))).rejects.toBeInstanceOf(TopicLimitError);
    expect(() => manager(users(20_001))).toThrow(/20001 notification topics requested/);
  });

  it('applies topic changes with minimal churn and retires emptied channels', async () => {
    const m = manager(users(1500));
    await m.start();
    const [a, b] = hub.list as [(typeof hub.list)[0], (typeof hub.list)[0]];
    const aBefore = new Set(a.topics);
    // Drop 100 of channel A's topics and add 250 new ones.
    const dropped = users(100);
    const added = users(250, 5000);
    await m.setTopics([...users(1400, 100), ...added]);
    expect(hub.list).toHaveLength(2); // no new channel: spare room is used
    expect([...aBefore].filter((t) => !dropped.includes(t)).every((t) => a.topics.has(t))).toBe(true);
    expect(a.topics.size).toBe(1000);
    expect(b.topics.size).toBe(650);
    expect(dropped.some((t) => a.topics.has(t) || b.topics.has(t))).toBe(false);
    expect(added.every((t) => a.topics.has(t) || b.topics.has(t))).toBe(true);
    // A lost topics (PUT replaces its list); B only gained (POST adds).
    expect(fake.calls('PUT', `/api/v2/notifications/channels/${a.id}/subscriptions`)).toHaveLength(2);
    expect(fake.calls('POST', `/api/v2/notifications/channels/${b.id}/subscriptions`)).toHaveLength(1);
    expect(hub.publish(dropped[0] as string, call('c-dropped'))).toBe(0);
    // Shrinking to channel A's topics retires B: socket closed, subscriptions released.
    await m.setTopics([...a.topics]);
    await fake.until(() => fake.calls('DELETE', `/api/v2/notifications/channels/${b.id}/subscriptions`).length === 1);
    expect(b.topics.size).toBe(0);
    expect(m.status()).toHaveLength(1);
  });

  it('delivers detail events typed by conversation and event type', async () => {
    const topic = topics.conversationDetail('conv-9', 'customer.end');
    const m = manager([topic]);
    await m.start();
    const got = next(m, 'detail');
    hub.publish(topic, { id: 'e1', eventTime: 1714557600000, conversationId: 'conv-9', disconnectType: 'ENDPOINT' });
    expect(await got).toMatchObject({ conversationId: 'conv-9', eventType: 'customer.end', event: { disconnectType: 'ENDPOINT' } });
  });

  it('reports topics Genesys rejects, and keeps the others', async () => {
    const [ok, denied] = users(2) as [string, string];
    hub.rejectTopics.add(denied);
    const m = manager([ok, denied]);
    const error = next(m, 'error');
    await m.start();
    const e = await error;
    expect(e.error).toBeInstanceOf(TopicRejectedError);
    expect((e.error as TopicRejectedError).rejected).toEqual([{ id: denied, reason: 'missing permission', missingPermissions: ['conversation:call:view'] }]);
    expect(fake.requests.find((r) => r.method === 'PUT')?.query).toEqual({ ignoreErrors: 'true' });
    expect([...(hub.list[0]?.topics ?? [])]).toEqual([ok]);
  });

  it('fails start() on bad credentials instead of retrying forever', async () => {
    const m = manager(users(3), {}, { clientSecret: 'wrong' });
    await expect(m.start()).rejects.toBeInstanceOf(GenesysAuthError);
    expect(hub.list).toHaveLength(0);
  });
});

describe('socket_closing handover', () => {
  it('switches to a new channel before the old socket closes: zero lost, zero duplicated', async () => {
    const topicList = users(10);
    const m = manager(topicList);
    const log = record(m);
    await m.start();
    const old = hub.list[0]?.id as string;
    const published: string[] = [];
    const pub = (id: string) => {
      hub.publish(topicList[published.length % 10] as string, call(id));
      published.push(id);
    };
    for (let i = 0; i < 20; i++) pub(`before-${i}`);
    const handover = next(m, 'handover');
    hub.socketClosing(old);
    // Keep publishing while the client creates, subscribes and connects the replacement.
    let switched = false;
    void handover.then(() => (switched = true));
    for (let i = 0; !switched && i < 10_000; i++) {
      pub(`during-${i}`);
      await new Promise((r) => setImmediate(r));
    }
    expect(switched).toBe(true);
    for (let i = 0; i < 20; i++) pub(`overlap-${i}`); // both sockets subscribed and open
    await hub.closeSocket(old); // the server finally closes the old one
    for (let i = 0; i < 20; i++) pub(`after-${i}`);
    await delivered(m, log, published);

    const ids = log.conversation.map((c) => c.conversation.id);
    expect(new Set(ids)).toEqual(new Set(published));
    expect(ids).toHaveLength(published.length);
    // The overlap really was delivered twice by the server, so dedupe mattered.
    expect(published.filter((id) => id.startsWith('overlap-')).every((id) => hub.sends.get(id) === 2)).toBe(true);
    const h = await handover;
    expect(h).toMatchObject({ fromChannelId: old, reason: 'socket-closing' });
    expect(h.toChannelId).not.toBe(old);
    expect(log.gap).toEqual([]);
    expect(hub.list.find((c) => c.id === h.toChannelId)?.topics).toEqual(new Set(topicList));
  });

  it('reconnects to the same channel when no channel budget is left', async () => {
    const m = manager(users(5), { maxChannels: 1 });
    await m.start();
    const ch = hub.list[0] as (typeof hub.list)[0];
    const handover = next(m, 'handover');
    hub.socketClosing(ch.id);
    expect(await handover).toMatchObject({ fromChannelId: ch.id, toChannelId: ch.id });
    expect(hub.list).toHaveLength(1);
    expect(ch.connections).toBe(2);
  });
});

describe('losses and recovery', () => {
  it('after a hard drop reconnects with backoff and reports the gap with exact bounds', async () => {
    const topicList = users(3);
    const m = manager(topicList);
    const log = record(m);
    await m.start();
    const ch = hub.list[0] as (typeof hub.list)[0];
    const t1 = (time.t += 1_000);
    hub.publish(topicList[0] as string, call('e1'));
    await delivered(m, log, ['e1']);
    const t2 = (time.t += 40_000);
    hub.failUpgrades = 2;
    const firstFailure = next(m, 'error');
    hub.drop(ch.id);
    await firstFailure;
    expect(hub.publish(topicList[1] as string, call('lost'))).toBe(0); // nobody listening: lost at t2
    const secondFailure = next(m, 'error');
    await time.advance(1_500); // first backoff
    await secondFailure;
    const connected = next(m, 'connected');
    await time.advance(3_000); // second backoff
    await connected;
    expect(log.disconnected).toEqual([{ slotId: 'slot-1', channelId: ch.id, reason: 'closed' }]);
    expect(log.gap).toEqual([{ slotId: 'slot-1', from: t1, to: t2 + 4_500, reason: 'closed', topics: topicList }]);
    expect(hub.list).toHaveLength(1); // same channel: it still existed
    expect(fake.calls('HEAD', `/api/v2/notifications/channels/${ch.id}`)).toHaveLength(3);
    hub.publish(topicList[2] as string, call('e3'));
    await delivered(m, log, ['e3']);
    expect(log.conversation.map((c) => c.conversation.id)).toEqual(['e1', 'e3']);
  });

  it('recreates a channel that is gone, with the same subscriptions', async () => {
    const topicList = users(7);
    const m = manager(topicList);
    const log = record(m);
    await m.start();
    const old = hub.list[0]?.id as string;
    const gap = next(m, 'gap');
    hub.forget(old);
    expect(await gap).toMatchObject({ reason: 'closed', topics: topicList });
    const fresh = hub.list[0] as (typeof hub.list)[0];
    expect(fresh.id).not.toBe(old);
    expect(fresh.topics).toEqual(new Set(topicList));
    expect(log.connected.map((c) => c.reason)).toEqual(['initial', 'recover']);
    hub.publish(topicList[0] as string, call('after'));
    await delivered(m, log, ['after']);
    expect(log.conversation).toHaveLength(1);
  });

  it('recreates the channel when a subscription change finds it gone (404)', async () => {
    const m = manager(users(2));
    const log = record(m);
    await m.start();
    const old = hub.list[0]?.id as string;
    hub.forget(old, { keepSocket: true }); // the socket still looks open
    const recovered = next(m, 'connected', (e) => e.reason === 'recover');
    await m.setTopics(users(4));
    await recovered;
    expect(hub.list.map((c) => [...c.topics])).toEqual([users(4)]);
    expect(log.disconnected).toMatchObject([{ channelId: old, reason: 'channel-gone' }]);
    expect(log.gap).toHaveLength(1);
  });

  it('pings every 30 s and treats 75 s of silence as dead: reconnects and reports the gap', async () => {
    const m = manager(users(1), { pingIntervalMs: 30_000, deadAfterMs: 75_000, tickMs: 5_000 });
    const log = record(m);
    await m.start();
    const ch = hub.list[0] as (typeof hub.list)[0];
    const t0 = time.now();
    hub.silent.add(ch.id);
    await time.advance(30_000);
    await fake.until(() => hub.pings === 1);
    await time.advance(30_000);
    await fake.until(() => hub.pings === 2);
    expect(log.disconnected).toEqual([]);
    const gap = next(m, 'gap');
    await time.advance(15_000);
    expect(await gap).toMatchObject({ from: t0, to: t0 + 75_000, reason: 'heartbeat-timeout' });
    expect(ch.connections).toBe(2);
  });

  it('answered pings keep a quiet channel alive', async () => {
    const m = manager(users(1), { pingIntervalMs: 30_000, deadAfterMs: 75_000, tickMs: 5_000 });
    const log = record(m);
    await m.start();
    for (let n = 1; n <= 6; n++) {
      await time.advance(30_000);
      await fake.until(() => hub.pings === n);
    }
    expect(log.disconnected).toEqual([]);
    expect(hub.list[0]?.connections).toBe(1);
  });

  it('resubscribes before the channel expires, without reconnecting', async () => {
    const m = manager(users(3), { channelTtlMs: 600_000, renewBeforeMs: 120_000, deadAfterMs: 3_600_000, tickMs: 5_000 });
    const log = record(m);
    await m.start();
    const ch = hub.list[0] as (typeof hub.list)[0];
    const start = time.now();
    const puts = () => fake.calls('PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`);
    await time.advance(475_000);
    expect(puts()).toHaveLength(1); // only the initial subscribe so far
    await time.advance(5_000); // 480 s = 10 min − 2 min
    await fake.until(() => puts().length === 2);
    expect((puts()[1]?.at ?? 0) - start).toBe(480_000);
    expect(puts()[1]?.body).toEqual(users(3).map((id) => ({ id })));
    // The next renewal is due 8 minutes after this one, not before.
    await time.advance(475_000);
    expect(puts()).toHaveLength(2);
    await time.advance(5_000);
    await fake.until(() => puts().length === 3);
    expect(log.connected).toHaveLength(1);
    expect(ch.connections).toBe(1);
  });
});
