/**
 * AudioHook dial-out against Hookline's own capture server, in-process: a
 * signed session per call that streams the call audio (the recording's exact
 * bytes), connection probes when an integration is enabled, pause/resume and
 * startPaused honoured with the position still running, server disconnects
 * answered like Genesys, and when the session opens relative to the call.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWav } from '../../../src/audio/index.js';
import type { AdmissionDecision, SessionHandle } from '../../../src/capture/index.js';
import type { AudioHookEntry, CallSummary, RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { NS_PER_SECOND } from '../../../src/protocol/audiohook/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { CollectingSink } from '../../helpers/sinks.js';
import { api, emulator, login, until, type Json } from '../helpers.js';

let t: TestServer;
let emu: RunningEmulator;
let org: SeededOrg;
const sink = new CollectingSink();
const handles = new Map<string, SessionHandle>();
let decide: (conversationId: string) => AdmissionDecision = () => ({ type: 'admit' });
const SHORT = { ivrMs: 500, queueMs: 500, alertMs: 500, talkMs: 6000, acwMs: 1000 };
const EMPTY_SHA = createHash('sha256').digest('hex');

beforeAll(async () => {
  t = await startTestServer({}, {
    sinks: () => [sink],
    admission: () => ({
      decide: (ctx, handle) => {
        handles.set(ctx.sessionId, handle);
        return decide(ctx.conversationId);
      },
    }),
  });
  emu = await emulator({
    speed: 0,
    settings: { recordings: { transcodeDelayMs: 0 } },
    seed: {
      orgs: [
        {
          id: t.orgId,
          name: 'Hooked',
          users: [{ name: 'Alice' }, { name: 'Bob' }],
          integrations: [{ name: 'Hookline', connectionUri: t.wsUrl, apiKey: t.apiKey, clientSecret: t.secret }],
        },
        {
          id: t.otherOrgId,
          name: 'Broken',
          users: [{ name: 'Carol' }],
          // Seeded as already active: the probe that would have caught these never ran.
          integrations: [
            { name: 'Nobody home', connectionUri: 'ws://127.0.0.1:1/audiohook', apiKey: 'k', clientSecret: t.secret },
            { name: 'Wrong secret', connectionUri: t.wsUrl, apiKey: t.otherKey, clientSecret: Buffer.alloc(32, 1).toString('base64') },
          ],
        },
      ],
    },
  });
  org = emu.seeded[0] as SeededOrg;
});
afterAll(async () => {
  await emu.stop();
  await t.stop();
});
beforeEach(() => {
  decide = () => ({ type: 'admit' });
});

const session = (cid: string, kind: 'call' | 'probe' = 'call') =>
  until(async () => (await emu.control.audioHookLog({ conversationId: cid, kind }))[0], 5000, `session for ${cid}`);
const settled = (cid: string) =>
  until(async () => {
    const [e] = await emu.control.audioHookLog({ conversationId: cid, kind: 'call' });
    return e && e.endedAt !== undefined ? e : undefined;
  }, 8000, `session end for ${cid}`);
const advanceTo = async (ms: number) => emu.control.advance(Math.max(0, ms - (await emu.control.clock()).now));
const captured = (e: AudioHookEntry) => until(() => sink.sessions.get(e.sessionId)?.end && sink.sessions.get(e.sessionId), 5000, 'sink end');
const sha = (frames: { data: Buffer }[]) => createHash('sha256').update(Buffer.concat(frames.map((f) => f.data))).digest('hex');
const durationSamples = (c: CallSummary) => (c.endMs - c.startMs) * 8;

async function recordingBytes(c: CallSummary): Promise<Buffer> {
  const token = await login(org);
  const res = await api(org, token, 'GET', `/api/v2/conversations/${c.conversationId}/recordings/${c.recordingId}?formatId=WAV_ULAW&maxWaitMs=0`);
  const file = Buffer.from(await (await fetch(((res.body as Json).mediaUris as Record<string, { mediaUri: string }>).S?.mediaUri as string)).arrayBuffer());
  const wav = parseWav(file);
  return file.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes);
}

describe('dial-out', () => {
  it('streams the whole call in a signed session; the bytes are the recording\'s bytes', async () => {
    const call = await emu.control.startCall(org.orgId, { durations: SHORT });
    const opened = await session(call.conversationId);
    await until(async () => (await session(call.conversationId)).result === 'open', 5000, 'opened');
    await advanceTo(call.finalMs);
    const e = await settled(call.conversationId);
    expect(e).toMatchObject({ result: 'completed', closeReason: 'end', disconnects: [], protocolErrors: [], url: t.wsUrl, orgId: t.orgId, startSample: 0 });
    expect(e.media).toEqual({ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 });
    expect(e.bytesSent).toBe(durationSamples(call) * 2);
    expect(e.framesSent).toBe(Math.ceil(durationSamples(call) / 800));
    const cap = await captured(e);
    expect(cap.info).toMatchObject({ conversationId: call.conversationId, orgId: t.orgId, sessionId: opened.sessionId });
    expect(cap.info.participant.id).toBe(call.participants[0]?.participantId);
    expect(cap.end?.reason).toBe('end');
    expect(cap.end?.position).toBe(((call.endMs - call.startMs) / 1000) * NS_PER_SECOND);
    expect(sha(cap.frames)).toBe(e.sha256);
    const rec = await recordingBytes(call);
    expect(createHash('sha256').update(rec).digest('hex')).toBe(e.sha256);
    expect(rec.some((b) => b !== 0xff)).toBe(true);
  });

  it('plays a fixture call from the start of the talk: with openAt agent-connected, the stream is the fixture from position 0', async () => {
    const fixture = readFileSync(new URL('../../../fixtures/analysis/clean-call.ulaw', import.meta.url));
    const call = await emu.control.startCall(org.orgId, { durations: { ...SHORT, talkMs: 26_000 }, audio: { fixture: 'clean-call' }, dialOut: { openAt: 'agent-connected' } });
    await advanceTo(call.participants.find((p) => p.purpose === 'agent')?.connectedMs as number);
    await until(async () => (await session(call.conversationId)).result === 'open', 5000, 'opened');
    await advanceTo(call.finalMs);
    const e = await settled(call.conversationId);
    const cap = await captured(e);
    const streamed = Buffer.concat(cap.frames.map((f) => f.data));
    expect(streamed.length).toBeGreaterThanOrEqual(fixture.length);
    expect(streamed.subarray(0, fixture.length).equals(fixture)).toBe(true);
    expect(streamed.subarray(fixture.length).every((b) => b === 0xff)).toBe(true);
    await expect(emu.control.startCall(org.orgId, { durations: SHORT, audio: { fixture: 'no-such-call' } })).rejects.toThrow(/no call audio "no-such-call"/);
  });

  it('a server-requested pause and resume: nothing sent while paused, the position keeps running', async () => {
    const call = await emu.control.startCall(org.orgId, { durations: SHORT });
    const e0 = await until(async () => ((await session(call.conversationId)).result === 'open' ? session(call.conversationId) : undefined), 5000, 'open');
    await advanceTo(call.startMs + 1000);
    await until(async () => (await session(call.conversationId)).framesSent === 10, 3000, '10 frames');
    handles.get(e0.sessionId)?.pause();
    await until(async () => (await session(call.conversationId)).pauses === 1, 3000, 'paused');
    await advanceTo(call.startMs + 3000);
    await until(async () => ((await session(call.conversationId)).positionSeconds ?? 0) >= 3, 3000, 'position 3 s');
    expect((await session(call.conversationId)).framesSent).toBe(10);
    handles.get(e0.sessionId)?.resume();
    await until(async () => (await session(call.conversationId)).resumes === 1, 3000, 'resumed');
    await advanceTo(call.finalMs);
    const e = await settled(call.conversationId);
    const total = Math.ceil(durationSamples(call) / 800);
    expect(e.framesSent).toBe(total - 20);
    const cap = await captured(e);
    expect(cap.frames[10]?.position).toBe(3 * NS_PER_SECOND);
    expect(cap.end?.position).toBe(((call.endMs - call.startMs) / 1000) * NS_PER_SECOND);
    expect(cap.controls.find((c) => c.type === 'resumed')).toMatchObject({ start: 1 * NS_PER_SECOND, discarded: 2 * NS_PER_SECOND });
    expect(sha(cap.frames)).toBe(e.sha256);
  });

  it('startPaused (held until admitted) and a session held to the end sends zero frames', async () => {
    decide = () => ({ type: 'hold' });
    const held = await emu.control.startCall(org.orgId, { durations: SHORT });
    await until(async () => (await session(held.conversationId)).pauses === 1, 5000, 'start paused');
    await advanceTo(held.finalMs);
    const e = await settled(held.conversationId);
    expect(e).toMatchObject({ result: 'completed', closeReason: 'end', framesSent: 0, bytesSent: 0, sha256: EMPTY_SHA, resumes: 0 });
    expect(e.positionSeconds).toBe((held.endMs - held.startMs) / 1000);
  });

  it('honours discardTo: skips to it, says so, and streams from there', async () => {
    decide = () => ({ type: 'admit', discardTo: 2 * NS_PER_SECOND });
    const call = await emu.control.startCall(org.orgId, { durations: SHORT });
    await until(async () => (await session(call.conversationId)).result === 'open', 5000, 'opened');
    await advanceTo(call.finalMs);
    const e = await settled(call.conversationId);
    expect(e.framesSent).toBe(Math.ceil(durationSamples(call) / 800) - 20);
    const cap = await captured(e);
    expect(cap.controls.find((c) => c.type === 'discarded')).toMatchObject({ start: 0, discarded: 2 * NS_PER_SECOND });
    expect(cap.frames[0]?.position).toBe(2 * NS_PER_SECOND);
    expect(cap.end?.position).toBe(((call.endMs - call.startMs) / 1000) * NS_PER_SECOND);
    const rec = await recordingBytes(call);
    expect(createHash('sha256').update(rec.subarray(2 * 8000 * 2)).digest('hex')).toBe(e.sha256);
  });

  it('answers a server disconnect with close(disconnect), like Genesys', async () => {
    decide = () => ({ type: 'reject', reason: 'error', info: 'not today' });
    const call = await emu.control.startCall(org.orgId, { durations: SHORT });
    const e = await settled(call.conversationId);
    expect(e).toMatchObject({ result: 'completed', closeReason: 'disconnect', disconnects: [{ reason: 'error', info: 'not today' }], framesSent: 0 });
    await advanceTo(call.finalMs);
  });

  it('opens when the agent connects (after an event), or when the customer does (before it)', async () => {
    const late = await emu.control.startCall(org.orgId, { durations: SHORT, dialOut: { openAt: 'agent-connected', openDelayMs: 200 } });
    const agent = late.participants.find((p) => p.purpose === 'agent')?.connectedMs as number;
    await advanceTo(agent + 100);
    expect(await emu.control.audioHookLog({ conversationId: late.conversationId })).toEqual([]);
    await advanceTo(agent + 200);
    const e = await session(late.conversationId);
    expect(Date.parse(e.startedAt)).toBe(agent + 200);
    expect(e.startSample).toBe((agent + 200 - late.startMs) * 8);
    await advanceTo(late.finalMs);
    const done = await settled(late.conversationId);
    expect(done.bytesSent).toBe((late.endMs - agent - 200) * 8 * 2);
    const early = await emu.control.startCall(org.orgId, { durations: SHORT, dialOut: { frameMs: 20 } });
    const first = await session(early.conversationId);
    expect(Date.parse(first.startedAt)).toBe(early.startMs);
    await advanceTo(early.finalMs);
    expect((await settled(early.conversationId)).framesSent).toBe(Math.ceil(durationSamples(early) / 160));
    expect((await emu.control.startCall(org.orgId, { durations: SHORT, dialOut: { enabled: false } })).conversationId).toBeTruthy();
  });
});

describe('dial-out failures', () => {
  it('logs an unreachable endpoint as failed, and a rejected signature as a disconnect with zero frames', async () => {
    const broken = emu.seeded[1] as SeededOrg;
    const call = await emu.control.startCall(broken.orgId, { durations: SHORT });
    const entries = await until(async () => {
      const list = await emu.control.audioHookLog({ conversationId: call.conversationId });
      return list.length === 2 && list.every((e) => e.endedAt !== undefined) ? list : undefined;
    }, 8000, 'both sessions to end');
    const byName = (i: number) => entries.find((e) => e.integrationId === broken.integrations[i]?.id) as AudioHookEntry;
    expect(byName(0)).toMatchObject({ result: 'failed', error: expect.stringContaining('ECONNREFUSED'), framesSent: 0 });
    expect(byName(1)).toMatchObject({ result: 'completed', closeReason: 'disconnect', disconnects: [{ reason: 'unauthorized' }], framesSent: 0, sha256: EMPTY_SHA });
    await advanceTo(call.finalMs);
  });
});

describe('integrations and the connection probe', () => {
  async function createAudioHook(apiKey: string, secret: string): Promise<string> {
    const token = await login(org);
    const cred = (await api(org, token, 'POST', '/api/v2/integrations/credentials', { name: 'ah', type: 'audioHook', credentialFields: { apiKey, clientSecret: secret } })).body as Json;
    const i = (await api(org, token, 'POST', '/api/v2/integrations', { name: 'Wizard AudioHook', integrationType: { id: 'audiohook' } })).body as Json;
    const cfg = (await api(org, token, 'GET', `/api/v2/integrations/${i.id}/config/current`)).body as Json;
    const put = await api(org, token, 'PUT', `/api/v2/integrations/${i.id}/config/current`, { ...cfg, properties: { channel: 'both', connectionUri: t.wsUrl }, credentials: { audioHook: { id: cred.id } } });
    expect(put.status).toBe(200);
    const patched = await api(org, token, 'PATCH', `/api/v2/integrations/${i.id}`, { intendedState: 'ENABLED' });
    expect((patched.body as Json).intendedState).toBe('ENABLED');
    return String(i.id);
  }

  it('enabling an AudioHook integration probes it: nil ids, no audio, close; then it is ACTIVE', async () => {
    const id = await createAudioHook(t.apiKey, t.secret);
    const state = await until(async () => {
      const s = await emu.control.integration(org.orgId, id);
      return s.reportedState !== 'ACTIVATING' ? s : undefined;
    }, 5000, 'probe outcome');
    expect(state.reportedState).toBe('ACTIVE');
    const probes = await emu.control.audioHookLog({ kind: 'probe', integrationId: id });
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ conversationId: '00000000-0000-0000-0000-000000000000', result: 'completed', closeReason: 'end', framesSent: 0 });
    const token = await login(org);
    const listed = (await api(org, token, 'GET', '/api/v2/integrations?expand=config.current')).body as { entities: Json[] };
    const mine = listed.entities.find((x) => x.id === id) as Json;
    expect(mine).toMatchObject({ intendedState: 'ENABLED', reportedState: { code: 'ACTIVE' }, config: { current: { properties: { connectionUri: t.wsUrl } } } });
    await api(org, token, 'PATCH', `/api/v2/integrations/${id}`, { intendedState: 'DISABLED' });
  });

  it('a failed probe (wrong secret) leaves the integration in ERROR, and calls are not dialled to it', async () => {
    const id = await createAudioHook(t.apiKey, Buffer.alloc(32, 7).toString('base64'));
    const state = await until(async () => {
      const s = await emu.control.integration(org.orgId, id);
      return s.reportedState !== 'ACTIVATING' ? s : undefined;
    }, 5000, 'probe outcome');
    expect(state.reportedState).toBe('ERROR');
    expect(state.detail).toContain('unauthorized');
    const call = await emu.control.startCall(org.orgId, { durations: SHORT });
    await advanceTo(call.finalMs);
    const sessions = await emu.control.audioHookLog({ conversationId: call.conversationId });
    expect(sessions.map((s) => s.integrationId)).not.toContain(id);
    expect(sessions).toHaveLength(1); // the seeded, working integration
    await settled(call.conversationId);
  });
});
