/**
 * Notifications REST: channels, the 1,000-topic cap, the 20-channel budget
 * with LRU eviction (unconnected first), 24 h expiry extended by
 * resubscribing, and the topic-rejection toggle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, emulator, Listener, login, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let other: SeededOrg;
const HOUR = 3600_000;

beforeAll(async () => {
  emu = await emulator({ speed: 0, seed: { orgs: [{ name: 'A', users: [{ name: 'Alice' }] }, { name: 'B' }] } });
  [org, other] = emu.seeded as [SeededOrg, SeededOrg];
});
afterAll(() => emu.stop());

const userTopic = (i: number) => ({ id: `v2.users.00000000-0000-4000-8000-${String(i).padStart(12, '0')}.conversations.calls` });
/** A fresh token per call: these tests jump the clock past token lifetimes. */
const tok = () => login(org);
const newChannel = async (t?: string) => (await api(org, t ?? (await tok()), 'POST', '/api/v2/notifications/channels')).body as { id: string; connectUri: string; expires: string };
const exists = async (id: string) => (await api(org, await tok(), 'HEAD', `/api/v2/notifications/channels/${id}`)).status;

describe('channels', () => {
  it('creates a channel whose connectUri carries the region, expiring in 24 h', async () => {
    const now = (await emu.control.clock()).now;
    const ch = await newChannel();
    expect(ch.id).toMatch(/^streaming-0-[a-z0-9]{26}$/);
    expect(ch.connectUri).toBe(`ws://127.0.0.1:${emu.port}/r/mypurecloud.com/streaming/channels/${ch.id}`);
    expect(Date.parse(ch.expires)).toBe(now + 24 * HOUR);
    expect(await exists(ch.id)).toBe(200);
    expect(await exists('streaming-0-nope')).toBe(404);
    const otherToken = await login(other);
    expect((await api(other, otherToken, 'HEAD', `/api/v2/notifications/channels/${ch.id}`)).status).toBe(404);
  });

  it('caps a channel at 1,000 topics: 400 beyond, whether by PUT or POST', async () => {
    const ch = await newChannel();
    const thousand = Array.from({ length: 1000 }, (_, i) => userTopic(i));
    const ok = await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, thousand);
    expect(ok.status).toBe(200);
    expect((ok.body as Json).entities).toHaveLength(1000);
    const over = await api(org, await tok(), 'POST', `/api/v2/notifications/channels/${ch.id}/subscriptions`, [userTopic(1000)]);
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ status: 400, code: 'notification.topic.limit.exceeded' });
    const put = await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, [...thousand, userTopic(1000)]);
    expect(put.status).toBe(400);
    const listed = (await api(org, await tok(), 'GET', `/api/v2/notifications/channels/${ch.id}/subscriptions`)).body as Json;
    expect(listed.entities).toHaveLength(1000);
    expect((await api(org, await tok(), 'DELETE', `/api/v2/notifications/channels/${ch.id}/subscriptions`)).status).toBe(204);
    expect(((await api(org, await tok(), 'GET', `/api/v2/notifications/channels/${ch.id}/subscriptions`)).body as Json).entities).toEqual([]);
  });

  it('the 21st channel of a client evicts the least recently used unconnected one', async () => {
    const t = await login(org);
    // Start from a clean budget: other tests' channels belong to the same client.
    const existing = (await api(org, t, 'GET', '/api/v2/notifications/channels?includechannels=oauthclient')).body as { entities: { id: string }[] };
    for (const c of existing.entities) await emu.control.expireChannel(c.id);
    const made = [];
    for (let i = 0; i < 20; i++) {
      made.push(await newChannel(t));
      await emu.control.advance(1000);
    }
    const oldest = made[0] as { id: string; connectUri: string };
    const listener = await Listener.open(oldest.connectUri); // connected: survives although oldest
    const twentyFirst = await newChannel(t);
    expect(await exists(oldest.id)).toBe(200);
    expect(await exists((made[1] as { id: string }).id)).toBe(404);
    expect(await exists(twentyFirst.id)).toBe(200);
    const all = (await api(org, t, 'GET', '/api/v2/notifications/channels?includechannels=oauthclient')).body as Json;
    expect(all.entities).toHaveLength(20);
    const evictions = await emu.control.happenings({ kind: 'channel.evicted' });
    expect(evictions.at(-1)).toMatchObject({ channelId: (made[1] as { id: string }).id, wasConnected: false, by: twentyFirst.id });
    listener.close();
  });

  it('lists only the token\'s own channels by default', async () => {
    const t = await login(org);
    const ch = await newChannel(t);
    const mine = (await api(org, t, 'GET', '/api/v2/notifications/channels')).body as Json;
    expect(mine.entities).toEqual([{ id: ch.id, connectUri: ch.connectUri, expires: ch.expires }]);
    expect((await api(org, t, 'GET', '/api/v2/notifications/channels?includechannels=bogus')).status).toBe(400);
  });

  it('expires after 24 h unless resubscribed; resubscribing extends it', async () => {
    const ch = await newChannel();
    await emu.control.advance(23 * HOUR);
    const put = await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, [userTopic(1)]);
    expect(put.status).toBe(200);
    const listed = ((await api(org, await tok(), 'GET', '/api/v2/notifications/channels?includechannels=oauthclient')).body as { entities: { id: string; expires: string }[] }).entities.find((c) => c.id === ch.id);
    expect(Date.parse(listed?.expires ?? '')).toBe((await emu.control.clock()).now + 24 * HOUR);
    await emu.control.advance(2 * HOUR); // past the original 24 h
    expect(await exists(ch.id)).toBe(200);
    const listener = await Listener.open(ch.connectUri);
    await emu.control.advance(23 * HOUR);
    expect(await exists(ch.id)).toBe(404);
    expect((await listener.waitClosed()).code).toBe(1000);
  });
});

describe('topic checks', () => {
  it('rejects topics by permission: Rejected with ignoreErrors, an error without', async () => {
    await emu.control.rejectTopics([{ pattern: 'v2.detail.events.*', missingPermissions: ['analytics:conversationDetail:view'] }]);
    const ch = await newChannel();
    const topics = [userTopic(7), { id: 'v2.detail.events.conversation.11111111-1111-4111-8111-111111111111.customer.end' }];
    const lenient = await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions?ignoreErrors=true`, topics);
    expect(lenient.status).toBe(200);
    expect((lenient.body as Json).entities).toEqual([
      { id: userTopic(7).id, state: 'Permitted' },
      { id: topics[1]?.id, state: 'Rejected', rejectionReason: 'Missing permissions', missingPermissions: ['analytics:conversationDetail:view'] },
    ]);
    const strict = await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, topics);
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({ code: 'missing.permissions' });
    await emu.control.patchSettings({ notifications: { rejectionStatus: 403 } });
    expect((await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, topics)).status).toBe(403);
    await emu.control.patchSettings({ notifications: { rejectionStatus: 400, rejectTopics: [] } });
    expect((await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, topics)).status).toBe(200);
  });

  it('unknown topics and malformed bodies are 400s that say why', async () => {
    const ch = await newChannel();
    const bad = await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, [{ id: 'v2.nonsense' }]);
    expect(bad.status).toBe(400);
    expect((bad.body as Json).message).toContain('v2.nonsense');
    expect((await api(org, await tok(), 'PUT', `/api/v2/notifications/channels/${ch.id}/subscriptions`, { id: 'x' })).status).toBe(400);
  });

  it('lists the available topics, with expansions on request', async () => {
    const res = (await api(org, await tok(), 'GET', '/api/v2/notifications/availabletopics?expand=description,requiresPermissions,transports')).body as { entities: Json[] };
    const calls = res.entities.find((t) => t.id === 'v2.users.{id}.conversations.calls');
    expect(calls).toMatchObject({ description: expect.any(String), requiresPermissions: expect.any(Array), transports: ['Websocket', 'EventBridge'] });
    expect(res.entities.map((t) => t.id)).toContain('v2.detail.events.conversation.{id}.acw');
  });
});
