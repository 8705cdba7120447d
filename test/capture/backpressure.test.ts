/**
 * The bounded send buffer (`audiohook.maxSendBufferBytes`): a client that
 * stops reading, so that what the server wrote piles up above the limit, is
 * cut off instead of being written to without bound. Driven through a
 * stand-in socket whose buffered amount the test sets.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { admitAll } from '../../src/capture/index.js';
import { AudioHookConnection } from '../../src/capture/connection.js';
import { StreamSink } from '../../src/capture/sinks/stream.js';
import { Receiver, type ReceivedSession } from '../../src/receiver/index.js';
import { formatDuration, NS_PER_SECOND } from '../../src/protocol/audiohook/index.js';
import { until } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { CaptureMetrics } from '../../src/capture/metrics.js';
import { configSchema } from '../../src/app/config.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import type { MediaPolicy } from '../../src/protocol/audiohook/index.js';
import { sessionInfo } from '../helpers/sinks.js';

const LIMIT = 1000;

class StandInSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  terminated = false;
  send(text: string): void {
    this.sent.push(text);
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close', 1006);
  }
  close(): void {
    this.terminate();
  }
}

function connect() {
  const ws = new StandInSocket();
  const settings = configSchema.parse({ audiohook: { maxSendBufferBytes: LIMIT } }).audiohook;
  const sessionId = randomUUID();
  const orgId = randomUUID();
  const ended: unknown[] = [];
  new AudioHookConnection(
    { ws: ws as unknown as WebSocket, sessionId, correlationId: randomUUID(), orgId },
    {
      settings,
      mediaPolicy: settings.media as MediaPolicy,
      log: createLogger({ level: 'silent' }),
      metrics: new CaptureMetrics(createRegistry(false), () => ({})),
      sinks: [],
      admission: admitAll,
      onEnd: (c) => void ended.push(c),
      onFlush: () => undefined,
    },
  );
  let seq = 0;
  const message = (type: string, parameters: Record<string, unknown>) =>
    ws.emit('message', Buffer.from(JSON.stringify({ version: '2', id: sessionId, type, seq: ++seq, serverseq: seq === 1 ? 0 : 1, position: 'PT0S', parameters })), false);
  message('open', {
    organizationId: orgId,
    conversationId: randomUUID(),
    participant: { id: randomUUID(), ani: 'tel:+1555', aniName: '', dnis: 'tel:+1666' },
    media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }],
    language: 'en-US',
  });
  return { ws, ended, ping: () => message('ping', {}) };
}

const types = (ws: StandInSocket) => ws.sent.map((s) => (JSON.parse(s) as { type: string }).type);

describe('send buffer limit', () => {
  it('keeps sending while the buffered amount is at the limit', () => {
    const { ws, ping } = connect();
    expect(types(ws)).toEqual(['opened']);
    ws.bufferedAmount = LIMIT;
    ping();
    expect(types(ws)).toEqual(['opened', 'pong']);
    expect(ws.terminated).toBe(false);
  });

  it('cuts off a client whose unread data went over the limit, and finalizes the session', () => {
    const { ws, ping, ended } = connect();
    expect(types(ws)).toEqual(['opened']);
    ws.bufferedAmount = LIMIT + 1;
    ping();
    expect(types(ws)).toEqual(['opened']);
    expect(ws.terminated).toBe(true);
    expect(ended).toHaveLength(1);
  });
});

describe('stream forwarding under downstream backpressure', () => {
  const out = tempDir('hookline-bp-');
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = new Receiver({ port: 0, outDir: out.dir, log: createLogger({ level: 'silent' }) });
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    out.cleanup();
  });

  /** A stream sink whose one destination's socket reads as backed up while `full()` says so. */
  function backedUp(replayBufferSeconds: number, full: () => boolean) {
    const url = `ws://127.0.0.1:${receiver.port}`;
    // Only the forwarder's socket to this receiver looks backed up; every other socket reads its real amount.
    const real = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'bufferedAmount')!.get!;
    const spy = vi.spyOn(WebSocket.prototype, 'bufferedAmount', 'get').mockImplementation(function (this: WebSocket) {
      return full() && this.url?.startsWith(url) ? 1 << 30 : (real.call(this) as number);
    });
    const drops = { n: 0 };
    const sink = new StreamSink({
      destinations: () => [{ url, channels: 'both', batchMs: 0 }],
      replayBufferSeconds,
      maxBufferedBytes: 64 * 1024,
      deliverAfterEndMs: 4000,
      log: createLogger({ level: 'silent' }),
      onDrop: (n = 1) => void (drops.n += n),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const sessionId = randomUUID();
    const info = sessionInfo({ sessionId });
    const s = sink.open(info)!;
    let n = 0;
    const send = (count: number) => {
      for (let i = 0; i < count; i++, n++) s.audio(Buffer.alloc(320, n % 250), n * FRAME, 160);
    };
    const ended = new Promise<ReceivedSession>((resolve) => receiver.on('end', (x: ReceivedSession) => x.start.sessionId === sessionId && resolve(x)));
    return { spy, drops, s, send, sessionId, ended };
  }
  const FRAME = 0.02 * NS_PER_SECOND;

  it('holds frames in the ring while the destination\'s buffer is over its bound, and sends them once it drains', async () => {
    let full = false;
    const b = backedUp(10, () => full);
    try {
      await until(() => receiver.sessions.get(b.sessionId) !== undefined, 5000, 'the destination to connect');
      b.send(5);
      await until(() => (receiver.sessions.get(b.sessionId)?.bytesReceived ?? 0) >= 5 * 320);
      full = true;
      b.send(5);
      expect(receiver.sessions.get(b.sessionId)?.bytesReceived).toBe(5 * 320);
      full = false;
      b.send(5);
      await b.s.end({ reason: 'end', position: 15 * FRAME, endedAt: new Date().toISOString() });
      const r = await b.ended;
      expect(b.drops.n).toBe(0);
      expect(r.ended?.droppedFrames).toBe(0);
      expect(r.bytesReceived).toBe(15 * 320);
      expect(r.messages.filter((m) => m.type === 'gap')).toEqual([]);
    } finally {
      b.spy.mockRestore();
    }
  });

  it('drops what overflows the ring while the destination is backed up, counts it, and marks the hole with a gap', async () => {
    let full = false;
    const b = backedUp(0.1, () => full); // 5 frames
    try {
      await until(() => receiver.sessions.get(b.sessionId) !== undefined, 5000, 'the destination to connect');
      b.send(5);
      await until(() => (receiver.sessions.get(b.sessionId)?.bytesReceived ?? 0) >= 5 * 320);
      full = true;
      b.send(10); // the 5 oldest of these fall out of the ring unsent
      full = false;
      b.send(5);
      await b.s.end({ reason: 'end', position: 20 * FRAME, endedAt: new Date().toISOString() });
      const r = await b.ended;
      expect(b.drops.n).toBe(5);
      expect(r.ended?.droppedFrames).toBe(5);
      expect(r.bytesReceived).toBe(15 * 320);
      expect(r.messages.filter((m) => m.type === 'gap')).toEqual([{ type: 'gap', from: formatDuration(5 * FRAME), to: formatDuration(10 * FRAME), reason: 'backpressure' }]);
    } finally {
      b.spy.mockRestore();
    }
  });
});
