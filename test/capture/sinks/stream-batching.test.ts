/**
 * The stream sink's byte ring and batches, against stand-in destination
 * sockets (what the sink sends, in order) and fake timers: contiguous frames
 * coalesce into one binary message per `batchMs` with the bytes and timeline
 * positions the reference receiver would write; `batchMs: 0` sends frame by
 * frame; a control message flushes the audio before it; a batch that stops
 * filling goes out when `batchMs` has passed; a reconnect replays the ring
 * byte for byte; eviction past the ring's bound is a `gap`; channel
 * extraction writes the mono channel into the ring.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseWav } from '../../../src/audio/index.js';
import type { SessionInfo, SinkSession } from '../../../src/capture/sinks/port.js';
import { StreamSink } from '../../../src/capture/sinks/stream.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { NS_PER_SECOND, formatDuration } from '../../../src/protocol/audiohook/index.js';
import type { StreamMessage } from '../../../src/protocol/stream/index.js';
import { ReceivedSession } from '../../../src/receiver/session.js';
import type { DownstreamConfig } from '../../../src/tenants/index.js';
import { streamViolations, type Frame } from '../../helpers/stream-invariants.js';
import { tempDir } from '../../helpers/tmp.js';
import { sessionInfo } from '../../helpers/sinks.js';

const FRAME_NS = 0.02 * NS_PER_SECOND;
const FRAME_BYTES = 320; // 20 ms of stereo PCMU

/** A destination socket as the forwarder sees it; the test opens and closes it. */
class StandIn extends EventEmitter {
  readyState = 0;
  bufferedAmount = 0;
  readonly out: (StreamMessage | Buffer)[] = [];
  send(data: string | Uint8Array): void {
    // Copied, as ws copies while masking: a later write to the ring must not change what was "sent".
    this.out.push(typeof data === 'string' ? (JSON.parse(data) as StreamMessage) : Buffer.from(data));
  }
  open(): void {
    this.readyState = 1;
    this.emit('open');
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close', 1000);
  }
  terminate(): void {
    this.close();
  }
  get binaries(): Buffer[] {
    return this.out.filter((m): m is Buffer => Buffer.isBuffer(m));
  }
  get texts(): StreamMessage[] {
    return this.out.filter((m): m is StreamMessage => !Buffer.isBuffer(m));
  }
  frames(): Frame[] {
    return this.out.map((m) => (Buffer.isBuffer(m) ? { binary: m.length } : { text: m }));
  }
}

const info = (): SessionInfo => sessionInfo();

interface Rig {
  session: SinkSession;
  sockets: StandIn[];
  drops: { n: number };
  /** Sends `n` distinct 20 ms frames from the current position; returns their bytes. */
  frames(n: number): Buffer[];
  at: { pos: number; seq: number };
  end(): Promise<void>;
}

function rig(d: Partial<DownstreamConfig>, replayBufferSeconds = 10): Rig {
  const sockets: StandIn[] = [];
  const drops = { n: 0 };
  const sink = new StreamSink({
    destinations: () => [{ url: 'ws://127.0.0.1:1', channels: 'both', ...d }],
    replayBufferSeconds,
    maxBufferedBytes: 64 * 1024,
    deliverAfterEndMs: 60_000,
    log: createLogger({ level: 'silent' }),
    onDrop: (n = 1) => void (drops.n += n),
    backoff: { initialMs: 10, maxMs: 10 },
    connect: () => {
      const s = new StandIn();
      sockets.push(s);
      return s as never;
    },
    now: () => Date.now(),
  });
  const session = sink.open(info()) as SinkSession;
  const at = { pos: 0, seq: 0 };
  return {
    session,
    sockets,
    drops,
    at,
    frames: (n) => {
      const out: Buffer[] = [];
      for (let i = 0; i < n; i++, at.seq++) {
        const f = Buffer.alloc(FRAME_BYTES);
        for (let j = 0; j < f.length; j++) f[j] = (at.seq * 7 + j) % 251;
        session.audio(f, at.pos, 160);
        at.pos += FRAME_NS;
        out.push(f);
      }
      return out;
    },
    end: () => session.end({ reason: 'end', position: at.pos, endedAt: new Date().toISOString() }),
  };
}

/** What the reference receiver writes for one connection's messages: the WAV's audio bytes. */
async function received(socket: StandIn, dir: string): Promise<Buffer> {
  const [start, ...rest] = socket.out;
  if (!start || Buffer.isBuffer(start) || start.type !== 'start') throw new Error('no start');
  const r = new ReceivedSession(start, dir);
  for (const m of rest) {
    if (Buffer.isBuffer(m)) r.onAudio(m);
    else r.onText(m);
  }
  await r.finish();
  const wav = readFileSync(r.path('wav'));
  return wav.subarray(parseWav(wav).dataOffset);
}

const out = tempDir('hookline-batch-');
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('batching', () => {
  it('coalesces contiguous frames into one message per batchMs, with the same bytes and positions', async () => {
    const r = rig({ batchMs: 100 });
    r.sockets[0]?.open();
    const sent = r.frames(25); // 500 ms
    const done = r.end();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    const s = r.sockets[0] as StandIn;
    expect(s.binaries.map((b) => b.length)).toEqual([1600, 1600, 1600, 1600, 1600]);
    expect(Buffer.concat(s.binaries).equals(Buffer.concat(sent))).toBe(true);
    expect(streamViolations(s.frames(), { timelineEnd: 25 * FRAME_NS })).toEqual([]);
    expect((await received(s, out.dir)).equals(Buffer.concat(sent))).toBe(true);
  });

  it('batchMs 0 sends frame by frame', async () => {
    const r = rig({ batchMs: 0 });
    r.sockets[0]?.open();
    const sent = r.frames(25);
    const s = r.sockets[0] as StandIn;
    expect(s.binaries.map((b) => b.length)).toEqual(sent.map(() => FRAME_BYTES));
    const done = r.end();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect((await received(s, out.dir)).equals(Buffer.concat(sent))).toBe(true);
  });

  it('a batch that stops filling goes out once batchMs has passed since its first frame', async () => {
    const r = rig({ batchMs: 100 });
    r.sockets[0]?.open();
    r.frames(2); // 40 ms: not a batch's worth
    const s = r.sockets[0] as StandIn;
    await vi.advanceTimersByTimeAsync(90);
    expect(s.binaries).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(15);
    expect(s.binaries.map((b) => b.length)).toEqual([2 * FRAME_BYTES]);
  });

  it('a control message flushes the audio before it and never overtakes it', async () => {
    const r = rig({ batchMs: 100 });
    r.sockets[0]?.open();
    const a = r.frames(3);
    r.session.control({ type: 'paused', position: r.at.pos });
    const s = r.sockets[0] as StandIn;
    expect(s.out.slice(1).map((m) => (Buffer.isBuffer(m) ? m.length : m.type))).toEqual([3 * FRAME_BYTES, 'paused']);
    const resumeAt = r.at.pos + 0.5 * NS_PER_SECOND;
    r.session.control({ type: 'resumed', position: resumeAt, start: r.at.pos, discarded: 0.5 * NS_PER_SECOND });
    r.at.pos = resumeAt;
    const b = r.frames(2);
    r.session.control({ type: 'tagged', position: r.at.pos, agent: { id: randomUUID(), name: 'Bob' } });
    const done = r.end();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(s.out.slice(1).map((m) => (Buffer.isBuffer(m) ? m.length : m.type))).toEqual([3 * FRAME_BYTES, 'paused', 'resumed', 2 * FRAME_BYTES, 'tagged', 'end']);
    expect(Buffer.concat(s.binaries).equals(Buffer.concat([...a, ...b]))).toBe(true);
    expect(streamViolations(s.frames(), { timelineEnd: r.at.pos })).toEqual([]);
  });

  it('forwards one channel from the byte ring, batched', async () => {
    const r = rig({ batchMs: 100, channels: 'agent' });
    r.sockets[0]?.open();
    const sent = r.frames(10);
    const done = r.end();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    const s = r.sockets[0] as StandIn;
    const mono = Buffer.from(Buffer.concat(sent).filter((_, i) => i % 2 === 1));
    expect(s.binaries.map((b) => b.length)).toEqual([800, 800]);
    expect(Buffer.concat(s.binaries).equals(mono)).toBe(true);
    expect((await received(s, out.dir)).equals(mono)).toBe(true);
  });
});

describe('the byte ring across reconnects', () => {
  it('replays what the ring holds byte for byte, with the positions it was first sent at', async () => {
    const r = rig({ batchMs: 100 });
    r.sockets[0]?.open();
    const a = r.frames(20);
    r.sockets[0]?.close();
    const b = r.frames(20); // kept in the ring while the destination is away
    await vi.advanceTimersByTimeAsync(20); // backoff, then a new socket
    const second = r.sockets[1] as StandIn;
    second.open();
    const c = r.frames(20);
    const done = r.end();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(second.texts[0]).toMatchObject({ type: 'start', resumed: true, position: 'PT0S' });
    expect(Buffer.concat((r.sockets[0] as StandIn).binaries).equals(Buffer.concat(a))).toBe(true);
    expect(Buffer.concat(second.binaries).equals(Buffer.concat([...a, ...b, ...c]))).toBe(true);
    expect((await received(second, out.dir)).equals(Buffer.concat([...a, ...b, ...c]))).toBe(true);
    expect(r.drops.n).toBe(0);
    expect(streamViolations(second.frames(), { timelineEnd: r.at.pos })).toEqual([]);
  });

  it('audio evicted past the ring\'s bound while the destination was away is a gap, and counted', async () => {
    const r = rig({ batchMs: 100 }, 0.2); // 10 frames
    r.sockets[0]?.open();
    r.frames(10);
    r.sockets[0]?.close();
    r.frames(30); // 20 fall out unsent
    await vi.advanceTimersByTimeAsync(20);
    const second = r.sockets[1] as StandIn;
    second.open();
    const done = r.end();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(r.drops.n).toBe(20);
    expect(second.texts[0]).toMatchObject({ type: 'start', resumed: true, position: formatDuration(30 * FRAME_NS) });
    expect(second.texts.filter((m) => m.type === 'gap')).toEqual([{ type: 'gap', from: formatDuration(10 * FRAME_NS), to: formatDuration(30 * FRAME_NS), reason: 'downstream-unavailable' }]);
    expect(Buffer.concat(second.binaries).length).toBe(10 * FRAME_BYTES);
    expect(second.texts.at(-1)).toMatchObject({ type: 'end', droppedFrames: 20 });
  });
});
