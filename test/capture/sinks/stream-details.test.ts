/**
 * AudioHook and downstream stream details, over real sockets: a zero-byte
 * frame is zero samples; a call that ends inside a pause ends at its timeline
 * (stream `end`, the recorder's WAV, the reference receiver's WAV); a held call
 * admitted before its destination connects starts where its audio resumed; one
 * `tagged` per change of agent and none inside a pause; the recorder and the
 * stream cover the same span of a held call.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../../src/audio/index.js';
import type { AdmissionDecision, SessionHandle } from '../../../src/capture/index.js';
import { StreamSink } from '../../../src/capture/sinks/stream.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { NS_PER_SECOND } from '../../../src/protocol/audiohook/index.js';
import { Receiver } from '../../../src/receiver/index.js';
import type { StreamMessage } from '../../../src/protocol/stream/index.js';
import type { AudioHookClient } from '../../../src/simulate/index.js';
import { DownstreamCollector } from '../../helpers/downstream.js';
import { findObject } from '../../helpers/objects.js';
import { receiverEnd } from '../../helpers/receiver.js';
import { openSession, startTestServer, until, type TestServer } from '../../helpers/server.js';
import { streamViolations, type Frame } from '../../helpers/stream-invariants.js';
import { tempDir } from '../../helpers/tmp.js';

const log = createLogger({ level: 'silent' });
const out = tempDir('hookline-details-');
const AGENT_A = { id: '5a1e0000-0000-4000-8000-00000000000a', name: 'Alice' };
const AGENT_B = { id: '5a1e0000-0000-4000-8000-00000000000b', name: 'Bob' };
const BYTES_PER_SECOND = 16000; // stereo PCMU

let t: TestServer;
let receiver: Receiver;
const collector = new DownstreamCollector();
const handles = new Map<string, SessionHandle>();
let nextDecision: AdmissionDecision = { type: 'admit' };

beforeAll(async () => {
  receiver = new Receiver({ port: 0, outDir: out.dir, log });
  await receiver.start();
  await collector.start();
  const destinations = [
    { url: `ws://127.0.0.1:${receiver.port}`, channels: 'both' as const },
    { url: collector.url, channels: 'both' as const },
  ];
  t = await startTestServer({}, {
    admission: () => ({
      decide: (ctx, handle) => {
        handles.set(ctx.sessionId, handle);
        const d = nextDecision;
        nextDecision = { type: 'admit', agent: AGENT_A };
        return d;
      },
    }),
    sinks: () => [new StreamSink({ destinations: () => destinations, replayBufferSeconds: 10, maxBufferedBytes: 1 << 20, deliverAfterEndMs: 4000, log, onDrop: () => undefined })],
  });
});
afterAll(async () => {
  await collector.stop();
  await receiver.stop();
  await t.stop();
  out.cleanup();
});

const ticks = (c: AudioHookClient, n: number) => {
  for (let i = 0; i < n; i++) c.tick(Buffer.alloc(320, (i % 200) + 1)); // 20 ms, never µ-law silence
};
/** A ping answered means the server has processed everything sent before it. */
const sync = async (c: AudioHookClient) => {
  const n = c.received.length;
  c.ping();
  await c.waitFor('pong', 5000, n);
};
const texts = (frames: Frame[]): StreamMessage[] => frames.flatMap((f) => ('text' in f ? [f.text] : []));

const wavBytes = (path: string) => {
  const wav = readFileSync(path);
  return wav.length - parseWav(wav).dataOffset;
};

/** Closes the call and gathers what each consumer made of it. */
async function finish(c: AudioHookClient) {
  const received = receiverEnd(receiver, c.sessionId);
  const streamed = collector.waitEnd(c.sessionId);
  c.close();
  await c.waitFor('closed');
  const frames = await streamed;
  const r = await received;
  await until(() => findObject(t.dir, `${c.sessionId}.json`) !== undefined, 5000, 'recording stored');
  const sidecar = JSON.parse(readFileSync(findObject(t.dir, `${c.sessionId}.json`) as string, 'utf8')) as Record<string, unknown>;
  return {
    frames,
    messages: texts(frames),
    receiverWavBytes: wavBytes(r.path('wav')),
    recorderWavBytes: wavBytes(findObject(t.dir, `${c.sessionId}.wav`) as string),
    sidecar,
  };
}

describe('zero-byte frames (8)', () => {
  it('a connection probe that sends a zero-byte frame is answered, not disconnected', async () => {
    const c = t.client({ probe: true });
    await openSession(c);
    c.sendBinary(Buffer.alloc(0));
    await sync(c);
    c.close();
    await c.waitFor('closed');
    expect(c.received.map((m) => m.type)).toEqual(['opened', 'pong', 'closed']);
  });

  it('a zero-byte frame mid-call adds nothing to the timeline', async () => {
    const c = t.client();
    await openSession(c);
    ticks(c, 10);
    c.sendBinary(Buffer.alloc(0));
    ticks(c, 10);
    const r = await finish(c);
    expect(c.received.some((m) => m.type === 'disconnect')).toBe(false);
    expect(r.messages.at(-1)).toMatchObject({ type: 'end', position: 'PT0.4S' });
  });
});

describe('a call that ends inside a pause (9)', () => {
  it('ends at the timeline: end.position, the recorder WAV and the receiver WAV', async () => {
    const c = t.client();
    await openSession(c);
    ticks(c, 50); // 1 s of audio
    c.holdStart();
    ticks(c, 100); // 2 s paused: the client's timeline keeps running
    await sync(c);
    const r = await finish(c);
    expect(c.core.position).toBe(3 * NS_PER_SECOND);
    expect(r.messages.at(-1)).toMatchObject({ type: 'end', position: 'PT3S' });
    expect(streamViolations(r.frames, { timelineEnd: c.core.position })).toEqual([]);
    expect(r.receiverWavBytes).toBe(3 * BYTES_PER_SECOND);
    expect(r.recorderWavBytes).toBe(3 * BYTES_PER_SECOND);
    expect(r.sidecar).toMatchObject({ timelineStart: 'PT0S', timelineEnd: 'PT3S', end: { position: 'PT3S' } });
  });
});

describe('stream message order (10)', () => {
  it('a held call admitted before its destination connects starts where its audio resumed', async () => {
    nextDecision = { type: 'hold' };
    collector.hold();
    const c = t.client();
    await openSession(c);
    ticks(c, 25); // 0.5 s held
    handles.get(c.sessionId)?.admit({ agent: AGENT_A });
    await c.waitFor('resume');
    ticks(c, 10);
    await sync(c); // the server has the resumed and the audio before the destination connects
    collector.release();
    const r = await finish(c);
    expect(r.messages[0]).toMatchObject({ type: 'start', position: 'PT0.5S', agent: { id: AGENT_A.id } });
    expect(streamViolations(r.frames, { timelineEnd: c.core.position })).toEqual([]);
  });

  it('one tagged per change of agent: a transfer that retags twice (ringing, answered) sends one', async () => {
    const c = t.client();
    await openSession(c);
    ticks(c, 10);
    await sync(c);
    const h = handles.get(c.sessionId);
    h?.retag({ agent: AGENT_B });
    h?.retag({ agent: AGENT_B });
    h?.retag({ agent: AGENT_B });
    ticks(c, 10);
    const r = await finish(c);
    expect(r.messages.filter((m) => m.type === 'tagged')).toEqual([{ type: 'tagged', position: 'PT0.2S', agent: { id: AGENT_B.id, name: 'Bob' } }]);
    expect(streamViolations(r.frames, { timelineEnd: c.core.position })).toEqual([]);
  });

  it('a tag that arrives while paused is sent after resumed, at the resumed position', async () => {
    const c = t.client();
    await openSession(c);
    ticks(c, 10);
    const h = handles.get(c.sessionId);
    h?.pause();
    await c.waitFor('pause');
    await sync(c); // the server has the client's paused
    h?.retag({ agent: AGENT_B });
    ticks(c, 5); // 0.1 s paused
    h?.resume();
    await c.waitFor('resume');
    ticks(c, 10);
    const r = await finish(c);
    const order = r.messages.map((m) => m.type).filter((x) => x !== 'start' && x !== 'end');
    expect(order).toEqual(['paused', 'resumed', 'tagged']);
    expect(r.messages.find((m) => m.type === 'tagged')).toMatchObject({ position: 'PT0.3S', agent: { id: AGENT_B.id } });
    expect(streamViolations(r.frames, { timelineEnd: c.core.position })).toEqual([]);
  });
});

describe('recording and stream span (11)', () => {
  it('a held call: the recorder WAV and the stream cover the same span, from where audio resumed', async () => {
    nextDecision = { type: 'hold' };
    const c = t.client();
    await openSession(c);
    ticks(c, 25); // 0.5 s held
    handles.get(c.sessionId)?.admit({ agent: AGENT_A });
    await c.waitFor('resume');
    ticks(c, 50); // 1 s admitted
    const r = await finish(c);
    expect(r.receiverWavBytes).toBe(r.recorderWavBytes);
    expect(r.recorderWavBytes).toBe(1 * BYTES_PER_SECOND);
    expect(r.messages[0]).toMatchObject({ type: 'start', position: 'PT0.5S' });
    expect(r.messages.at(-1)).toMatchObject({ type: 'end', position: 'PT1.5S' });
    expect(r.sidecar).toMatchObject({ timelineStart: 'PT0.5S', timelineEnd: 'PT1.5S' });
    expect(streamViolations(r.frames, { timelineEnd: c.core.position })).toEqual([]);
  });
});
