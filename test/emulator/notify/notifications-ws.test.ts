/**
 * The notifications WebSocket: heartbeats on the virtual clock, ping/pong, a
 * second connection kicking the first, socket_closing then close, a hard drop
 * without a close frame, the event envelope, and events lost while no socket
 * is connected.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, channelWith, emulator, Listener, login, until, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;

beforeAll(async () => {
  emu = await emulator({ speed: 0, seed: { orgs: [{ name: 'WS', users: [{ name: 'Alice' }] }] } });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
});
afterAll(() => emu.stop());

const channel = async () => (await api(org, token, 'POST', '/api/v2/notifications/channels')).body as { id: string; connectUri: string };
const HEARTBEAT = { topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } };

describe('socket behaviour', () => {
  it('sends a heartbeat every 30 virtual seconds by default', async () => {
    const l = await Listener.open((await channel()).connectUri);
    await emu.control.advance(29_000);
    await sleep(50);
    expect(l.frames).toEqual([]);
    await emu.control.advance(1_000);
    await l.waitFor((f) => f.topicName === 'channel.metadata');
    expect(l.frames).toEqual([HEARTBEAT]);
    await emu.control.advance(30_000);
    await until(() => l.frames.length === 2, 2000, 'second heartbeat');
    l.close();
  });

  it('the heartbeat interval is configurable', async () => {
    await emu.control.patchSettings({ notifications: { heartbeatSeconds: 5 } });
    const l = await Listener.open((await channel()).connectUri);
    await emu.control.advance(5_000);
    await l.waitFor((f) => f.topicName === 'channel.metadata');
    await emu.control.patchSettings({ notifications: { heartbeatSeconds: 30 } });
    l.close();
  });

  it('answers {"message":"ping"} with a pong', async () => {
    const l = await Listener.open((await channel()).connectUri);
    l.ws.send(JSON.stringify({ message: 'ping' }));
    expect(await l.waitFor((f) => (f.eventBody as Json | undefined)?.message === 'pong')).toEqual({ topicName: 'channel.metadata', eventBody: { message: 'pong' } });
    l.close();
  });

  it('a second connection to the same channel kicks the first', async () => {
    const ch = await channel();
    const first = await Listener.open(ch.connectUri);
    const second = await Listener.open(ch.connectUri);
    expect((await first.waitClosed()).code).toBe(1000);
    second.ws.send(JSON.stringify({ message: 'ping' }));
    await second.waitFor((f) => (f.eventBody as Json | undefined)?.message === 'pong');
    expect(second.closed).toBeUndefined();
    second.close();
  });

  it('socket_closing arrives, then the socket closes after the given time; the channel lives on', async () => {
    const ch = await channel();
    const l = await Listener.open(ch.connectUri);
    await emu.control.socketClosing(ch.id, 10_000);
    const msg = await l.waitFor((f) => f.topicName === 'v2.system.socket_closing');
    expect(msg).toMatchObject({ version: '2', eventBody: { channelId: ch.id, organizationId: org.orgId }, metadata: { CorrelationId: expect.any(String) } });
    await emu.control.advance(9_000);
    await sleep(50);
    expect(l.closed).toBeUndefined();
    await emu.control.advance(1_000);
    expect((await l.waitClosed()).code).toBe(1001);
    const again = await Listener.open(ch.connectUri);
    expect(again.closed).toBeUndefined();
    again.close();
  });

  it('a hard drop closes the TCP connection without a close frame', async () => {
    const ch = await channel();
    const l = await Listener.open(ch.connectUri);
    await emu.control.dropSocket(ch.id);
    expect((await l.waitClosed()).code).toBe(1006);
    expect((await api(org, token, 'HEAD', `/api/v2/notifications/channels/${ch.id}`)).status).toBe(200);
  });

  it('expiring a channel from the control API closes its socket and removes it', async () => {
    const ch = await channel();
    const l = await Listener.open(ch.connectUri);
    await emu.control.expireChannel(ch.id);
    await l.waitClosed();
    expect((await api(org, token, 'HEAD', `/api/v2/notifications/channels/${ch.id}`)).status).toBe(404);
    await expect(Listener.open(ch.connectUri)).rejects.toThrow('HTTP 404');
  });

  it('refuses an upgrade for an unknown channel or path', async () => {
    await expect(Listener.open(`ws://127.0.0.1:${emu.port}/r/mypurecloud.com/streaming/channels/streaming-0-none`)).rejects.toThrow('HTTP 404');
    const ws = new WebSocket(`ws://127.0.0.1:${emu.port}/elsewhere`);
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
  });
});

describe('event delivery', () => {
  it('delivers subscribed events in the Genesys envelope and logs them per channel; nothing while disconnected', async () => {
    const agent = org.users[0]?.id as string;
    const call = await emu.control.startCall(org.orgId, { scenario: 'inbound', agentIds: [agent], delayMs: 1000 });
    const topic = `v2.users.${agent}.conversations.calls`;
    const { id, listener } = await channelWith(org, token, [topic]);
    await emu.control.advance(call.finalMs - (await emu.control.clock()).now);
    const events = await until(() => listener.events(topic).length >= 4 && listener.events(topic), 3000, 'call events');
    for (const e of events) {
      expect(e).toEqual({ topicName: topic, version: '2', eventBody: expect.objectContaining({ id: call.conversationId }), metadata: { CorrelationId: expect.any(String) } });
    }
    const logged = await emu.control.notificationLog({ channelId: id, topic });
    expect(logged.map((n) => n.correlationId)).toEqual(events.map((e) => (e.metadata as Json).CorrelationId));

    listener.close();
    await listener.waitClosed();
    const later = await emu.control.startCall(org.orgId, { scenario: 'inbound', agentIds: [agent], delayMs: 1000 });
    await emu.control.advance(later.finalMs - (await emu.control.clock()).now);
    expect(await emu.control.notificationLog({ channelId: id, conversationId: later.conversationId })).toEqual([]);
  });
});
