/**
 * The conversation resources: `GET /api/v2/conversations/{id}` and
 * `GET /api/v2/conversations/calls/{id}` tell the call's state now, from the
 * same timeline as its notifications (the same participants, states and
 * disconnect types), and 404 for an unknown, future or other org's call.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, channelWith, emulator, login, until, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let other: SeededOrg;
let token: string;
let call: CallSummary;
const SHORT = { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 10_000, acwMs: 2_000 };

beforeAll(async () => {
  emu = await emulator({ speed: 0, seed: { orgs: [{ name: 'Conv', users: [{ name: 'Alice' }] }, { name: 'Other', users: [{ name: 'Olga' }] }] } });
  [org, other] = emu.seeded as [SeededOrg, SeededOrg];
  token = await login(org);
  call = await emu.control.startCall(org.orgId, { durations: SHORT });
});
afterAll(() => emu.stop());

const get = (path: string, t = token, o: SeededOrg = org) => api(o, t, 'GET', path);
const agentOf = (body: Json) => (body.participants as Json[]).find((p) => p.purpose === 'agent') as Json;

describe('conversation resources', () => {
  it('serves the call as its notifications tell it, at every moment', async () => {
    const alice = org.users[0]!.id;
    const { listener } = await channelWith(org, token, [`v2.users.${alice}.conversations.calls`]);
    await emu.control.advance(4_000); // Alice answered
    const snap = (await listener.waitFor((f) => (f.eventBody as Json | undefined)?.id === call.conversationId && agentOf(f.eventBody as Json)?.state === 'connected', 5000, 'connected snapshot')).eventBody as Json;
    const calls = await get(`/api/v2/conversations/calls/${call.conversationId}`);
    expect(calls.status).toBe(200);
    expect(calls.body).toMatchObject({ ...snap, selfUri: `/api/v2/conversations/calls/${call.conversationId}` });
    const conv = await get(`/api/v2/conversations/${call.conversationId}`);
    expect(conv.status).toBe(200);
    const body = conv.body as Json;
    expect(body).toMatchObject({ id: call.conversationId, startTime: call.start, selfUri: `/api/v2/conversations/${call.conversationId}` });
    expect(body.endTime).toBeUndefined();
    expect(agentOf(body)).toMatchObject({ userId: alice, calls: [{ state: 'connected' }] });
    expect((body.participants as Json[]).map((p) => p.id)).toEqual((snap.participants as Json[]).map((p) => p.id));

    await emu.control.advance(call.endMs - (await emu.control.clock()).now);
    const ended = (await get(`/api/v2/conversations/${call.conversationId}`)).body as Json;
    expect(ended.endTime).toBe(call.end);
    expect((agentOf(ended).calls as Json[])[0]).toMatchObject({ state: 'disconnected', disconnectedTime: expect.any(String) });
    await until(() => listener.frames.some((f) => (f.eventBody as Json | undefined)?.id === call.conversationId && agentOf(f.eventBody as Json)?.state === 'disconnected'), 5000, 'disconnected snapshot');
    expect(agentOf((await get(`/api/v2/conversations/calls/${call.conversationId}`)).body as Json)).toMatchObject({ state: 'disconnected', disconnectType: expect.any(String) });
    listener.close();
  });

  it('answers 404 for an unknown conversation, one not started yet, and another org\'s', async () => {
    for (const path of [`/api/v2/conversations/${randomUUID()}`, `/api/v2/conversations/calls/${randomUUID()}`]) expect((await get(path)).status).toBe(404);
    const later = await emu.control.startCall(org.orgId, { durations: SHORT, delayMs: 60_000 });
    expect((await get(`/api/v2/conversations/${later.conversationId}`)).status).toBe(404);
    const otherToken = await login(other);
    expect((await get(`/api/v2/conversations/${call.conversationId}`, otherToken, other)).status).toBe(404);
    expect((await get(`/api/v2/conversations/calls/${call.conversationId}`, otherToken, other)).status).toBe(404);
  });
});
