/**
 * Conformance items 7 and 11: pause/resume from both sides, startPaused,
 * discardTo, discarded, and a server timeline that advances by samples plus
 * discarded time — checked against the client's own position.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmissionDecision, SessionHandle } from '../../src/capture/index.js';
import { NS_PER_SECOND } from '../../src/protocol/audiohook/index.js';
import type { AudioHookClient } from '../../src/simulate/index.js';
import { CollectingSink } from '../helpers/sinks.js';
import { openSession, startTestServer, until, type TestServer } from '../helpers/server.js';

let t: TestServer;
const handles = new Map<string, SessionHandle>();
const sink = new CollectingSink();
let nextDecision: AdmissionDecision = { type: 'admit' };

beforeAll(async () => {
  t = await startTestServer({}, {
    admission: () => ({
      decide: (ctx, handle) => {
        handles.set(ctx.sessionId, handle);
        const d = nextDecision;
        nextDecision = { type: 'admit' };
        return d;
      },
    }),
    sinks: () => [sink],
  });
});
afterAll(() => t.stop());

const FRAME_20MS = 320; // stereo PCMU: 160 samples × 2 channels
const frame = (n: number, bytes = FRAME_20MS) => Buffer.alloc(bytes, n & 0xff);
const ticks = (c: AudioHookClient, n: number, bytes = FRAME_20MS) => {
  for (let i = 0; i < n; i++) c.tick(frame(i, bytes));
};

/** Ends the session and returns what the sink saw, after checking the timelines agree. */
async function finish(c: AudioHookClient) {
  const mismatches = await t.metric('hookline_audiohook_position_mismatches_total');
  c.ping();
  await until(() => !c.core.awaitingPong);
  c.close();
  await c.waitFor('closed');
  await until(() => sink.sessions.get(c.sessionId)?.end !== undefined);
  const captured = sink.sessions.get(c.sessionId);
  if (!captured) throw new Error('no sink session');
  expect(captured.end?.position).toBe(c.core.position);
  expect(await t.metric('hookline_audiohook_position_mismatches_total')).toBe(mismatches);
  expect(c.core.protocolErrors).toEqual([]);
  return captured;
}

describe('stream timeline', () => {
  it('counts samples: frames of 1 sample, 20 ms, 100 ms, 200 ms and 4 s', async () => {
    const c = t.client();
    await openSession(c);
    const sizes = [2, 320, 1600, 3200, 64000];
    for (const s of sizes) c.tick(Buffer.alloc(s, 0x55));
    const cap = await finish(c);
    const total = sizes.reduce((a, b) => a + b, 0) / 2;
    expect(cap.end?.position).toBe((total * NS_PER_SECOND) / 8000);
    expect(cap.frames.map((f) => f.samples)).toEqual(sizes.map((s) => s / 2));
  });

  it('client-initiated pause: the position keeps running and resumed.discarded advances the server', async () => {
    const c = t.client();
    await openSession(c);
    ticks(c, 50); // 1 s
    c.holdStart();
    ticks(c, 25); // 0.5 s paused: not sent, still on the timeline
    c.holdEnd();
    ticks(c, 50);
    const cap = await finish(c);
    const r = cap.controls.find((e) => e.type === 'resumed');
    expect(r).toMatchObject({ start: 1 * NS_PER_SECOND, discarded: 0.5 * NS_PER_SECOND, position: 1.5 * NS_PER_SECOND });
    expect(cap.frames[50]?.position).toBe(1.5 * NS_PER_SECOND);
    expect(cap.end?.position).toBe(2.5 * NS_PER_SECOND);
  });

  it('server pause → paused → resume → resumed', async () => {
    const c = t.client();
    await openSession(c);
    ticks(c, 10);
    handles.get(c.sessionId)?.pause();
    await c.waitFor('pause');
    await until(() => sink.sessions.get(c.sessionId)?.controls.some((e) => e.type === 'paused') ?? false);
    ticks(c, 10);
    handles.get(c.sessionId)?.resume();
    await c.waitFor('resume');
    ticks(c, 10);
    const cap = await finish(c);
    expect(cap.controls.filter((e) => e.type === 'paused' || e.type === 'resumed').map((e) => e.type)).toEqual(['paused', 'resumed']);
    expect(cap.frames).toHaveLength(20);
    expect(cap.frames[10]?.position).toBe(0.4 * NS_PER_SECOND);
  });

  it('discarded messages advance the timeline without a pause', async () => {
    const c = t.client();
    await openSession(c);
    ticks(c, 5);
    c.discard(0.25 * NS_PER_SECOND);
    ticks(c, 5);
    const cap = await finish(c);
    expect(cap.controls.find((e) => e.type === 'discarded')).toMatchObject({ start: 0.1 * NS_PER_SECOND, discarded: 0.25 * NS_PER_SECOND });
    expect(cap.frames[5]?.position).toBe(0.35 * NS_PER_SECOND);
  });

  it('startPaused holds the stream until admitted, then the resumed gap is on the timeline', async () => {
    nextDecision = { type: 'hold' };
    const c = t.client();
    const opened = await openSession(c);
    expect(opened.startPaused).toBe(true);
    ticks(c, 25); // 0.5 s while held: discarded by the client
    expect(c.framesSent).toBe(0);
    handles.get(c.sessionId)?.admit({ agent: { id: 'agent-1', name: 'Alice' } });
    await c.waitFor('resume');
    ticks(c, 10);
    const cap = await finish(c);
    expect(cap.info.agent).toEqual({ id: 'agent-1', name: 'Alice' });
    expect(cap.frames[0]?.position).toBe(0.5 * NS_PER_SECOND);
  });

  it('discardTo in opened: the client skips to it and says so', async () => {
    nextDecision = { type: 'admit', discardTo: 1 * NS_PER_SECOND };
    const c = t.client();
    const opened = await openSession(c);
    expect(opened.discardTo).toBe('PT1S');
    ticks(c, 60);
    const cap = await finish(c);
    expect(cap.controls.find((e) => e.type === 'discarded')).toMatchObject({ start: 0, discarded: 1 * NS_PER_SECOND });
    expect(cap.frames[0]?.position).toBe(1 * NS_PER_SECOND);
    expect(cap.frames).toHaveLength(10);
  });

  it('stray audio while paused is dropped and counted, not fatal', async () => {
    const c = t.client();
    await openSession(c);
    c.holdStart();
    const before = await t.metric('hookline_audiohook_stray_frames_total');
    c.sendBinary(frame(1));
    c.sendBinary(frame(2));
    c.ping();
    await c.waitFor('pong');
    expect(await t.metric('hookline_audiohook_stray_frames_total')).toBe(before + 2);
    expect(c.received.some((m) => m.type === 'disconnect')).toBe(false);
  });
});
