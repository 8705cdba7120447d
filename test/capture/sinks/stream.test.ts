/**
 * Stream forwarding to a downstream WebSocket and the reference receiver:
 * the protocol's messages, byte-identical audio, channel selection, a
 * receiver restarted mid-call (replay), an outage longer than the replay
 * buffer (drops counted and reported), and bearer-token auth.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../../src/audio/index.js';
import { StreamSink } from '../../../src/capture/sinks/stream.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import type { DownstreamConfig } from '../../../src/tenants/index.js';
import { Receiver } from '../../../src/receiver/index.js';
import type { AudioHookClient } from '../../../src/simulate/index.js';
import { receiverEnd } from '../../helpers/receiver.js';
import { openSession, startTestServer, until, type TestServer } from '../../helpers/server.js';
import { tempDir } from '../../helpers/tmp.js';

const log = createLogger({ level: 'silent' });
const out = tempDir('hookline-recv-');
let t: TestServer;
let receiver: Receiver;
let destinations: DownstreamConfig[] = [];
let replaySeconds = 10;

async function startReceiver(port = 0, token?: string): Promise<Receiver> {
  const r = new Receiver({ port, outDir: out.dir, log, token });
  await r.start();
  return r;
}

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startTestServer({}, {
    sinks: (drops) => [
      new StreamSink({
        destinations: () => destinations,
        get replayBufferSeconds() {
          return replaySeconds;
        },
        maxBufferedBytes: 1 << 20,
        deliverAfterEndMs: 4000,
        log,
        onDrop: drops.counterFor('stream'),
        backoff: { initialMs: 50, maxMs: 200 },
      } as ConstructorParameters<typeof StreamSink>[0]),
    ],
  });
});
afterAll(async () => {
  await receiver.stop();
  await t.stop();
  out.cleanup();
});

/** Sends `n` 20 ms stereo frames with distinct, non-silent bytes; returns them. */
function frames(c: AudioHookClient, n: number, seed: number): Buffer[] {
  const sent: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const f = Buffer.alloc(320);
    for (let j = 0; j < f.length; j++) f[j] = (seed + i * 3 + j) % 250;
    sent.push(f);
    c.tick(f);
  }
  return sent;
}

async function close(c: AudioHookClient): Promise<void> {
  c.close();
  await c.waitFor('closed');
}

describe('stream forwarding', () => {
  it('sends start, audio, control messages and end; the receiver writes the call byte-identical', async () => {
    destinations = [{ url: `ws://127.0.0.1:${receiver.port}`, name: 'main', channels: 'both' }];
    const c = t.client();
    await openSession(c);
    const a = frames(c, 25, 1);
    c.holdStart();
    for (let i = 0; i < 10; i++) c.tick(Buffer.alloc(320));
    c.holdEnd();
    const b = frames(c, 25, 2);
    const ended = receiverEnd(receiver, c.sessionId);
    await close(c);
    const s = await ended;
    expect(s.start).toMatchObject({
      type: 'start',
      version: 1,
      tenant: t.orgId,
      conversationId: c.conversationId,
      sessionId: c.sessionId,
      media: { format: 'PCMU', rate: 8000, channels: 2 },
      channels: ['customer', 'agent'],
      resumed: false,
      position: 'PT0S',
    });
    expect(s.start.participant.ani).toBe('tel:+15555550100');
    expect(s.messages.map((m) => m.type)).toEqual(['start', 'paused', 'resumed', 'end']);
    expect(s.ended).toMatchObject({ reason: 'end', position: 'PT1.2S', droppedFrames: 0 });
    const wav = readFileSync(s.path('wav'));
    const h = parseWav(wav);
    const data = wav.subarray(h.dataOffset);
    expect(data.length).toBe(1.2 * 16000);
    expect(data.subarray(0, 8000).equals(Buffer.concat(a))).toBe(true);
    expect(data.subarray(8000, 11200).every((x) => x === 0xff)).toBe(true);
    expect(data.subarray(11200).equals(Buffer.concat(b))).toBe(true);
  });

  it('forwards only the channel a destination asks for', async () => {
    destinations = [{ url: `ws://127.0.0.1:${receiver.port}`, channels: 'agent' }];
    const c = t.client();
    await openSession(c);
    const sent = frames(c, 10, 3);
    const ended = receiverEnd(receiver, c.sessionId);
    await close(c);
    const s = await ended;
    expect(s.start.channels).toEqual(['agent']);
    const mono = Buffer.concat(sent).filter((_, i) => i % 2 === 1);
    const wav = readFileSync(s.path('wav'));
    expect(wav.subarray(parseWav(wav).dataOffset).equals(Buffer.from(mono))).toBe(true);
  });

  it('resumes after the receiver restarts mid-call, replaying what it missed', async () => {
    const r1 = await startReceiver();
    const port = r1.port;
    destinations = [{ url: `ws://127.0.0.1:${port}`, channels: 'both' }];
    const c = t.client();
    await openSession(c);
    const a = frames(c, 20, 4);
    await until(() => (r1.sessions.get(c.sessionId)?.bytesReceived ?? 0) >= 20 * 320);
    await r1.stop();
    const b = frames(c, 20, 5); // sent while the receiver is down: kept in the replay ring
    await sleep(100);
    const r2 = await startReceiver(port);
    const ended = receiverEnd(r2, c.sessionId);
    await until(() => r2.sessions.get(c.sessionId) !== undefined, 5000, 'reconnect');
    const d = frames(c, 20, 6);
    await close(c);
    const s = await ended;
    expect(s.start.resumed).toBe(true);
    expect(s.ended?.droppedFrames).toBe(0);
    const wav = readFileSync(s.path('wav'));
    const data = wav.subarray(parseWav(wav).dataOffset);
    // r2 got the replay of everything in the ring (a and b) plus d.
    expect(data.equals(Buffer.concat([...a, ...b, ...d]))).toBe(true);
    await r2.stop();
  });

  it('counts and reports drops when the outage outlasts the replay buffer', async () => {
    replaySeconds = 0.1; // 5 frames
    const r1 = await startReceiver();
    const port = r1.port;
    destinations = [{ url: `ws://127.0.0.1:${port}`, channels: 'both' }];
    const before = await t.metric('hookline_sink_dropped_frames_total{sink="stream"}');
    const c = t.client();
    await openSession(c);
    await until(() => r1.sessions.get(c.sessionId) !== undefined, 5000, 'stream start');
    frames(c, 10, 7);
    await until(() => (r1.sessions.get(c.sessionId)?.bytesReceived ?? 0) >= 10 * 320);
    await r1.stop();
    frames(c, 30, 8); // 25 of these fall out of the 5-frame ring unsent
    const r2 = await startReceiver(port);
    const ended = receiverEnd(r2, c.sessionId);
    await until(() => r2.sessions.get(c.sessionId) !== undefined, 5000, 'reconnect');
    await close(c);
    const s = await ended;
    replaySeconds = 10;
    expect(s.ended?.droppedFrames).toBe(25);
    expect(s.messages.some((m) => m.type === 'gap' && m.reason === 'downstream-unavailable')).toBe(true);
    expect(await t.metric('hookline_sink_dropped_frames_total{sink="stream"}')).toBe(before + 25);
    await r2.stop();
  });

  it('authenticates with a bearer token, and gives up on a destination that refuses it', async () => {
    const secure = await startReceiver(0, 's3cret');
    destinations = [
      { url: `ws://127.0.0.1:${secure.port}`, name: 'good', bearerToken: 's3cret', channels: 'both' },
      { url: `ws://127.0.0.1:${secure.port}`, name: 'bad', bearerToken: 'wrong', channels: 'both' },
    ];
    const before = await t.metric('hookline_sink_dropped_frames_total{sink="stream"}');
    const c = t.client();
    await openSession(c);
    frames(c, 5, 9);
    const ended = receiverEnd(secure, c.sessionId);
    await close(c);
    expect((await ended).ended?.droppedFrames).toBe(0);
    // The refused destination never got the 5 frames: dropped after deliverAfterEnd.
    await until(async () => (await t.metric('hookline_sink_dropped_frames_total{sink="stream"}')) === before + 5, 8000, 'drops of the refused destination');
    await secure.stop();
  });
});

