/**
 * The recorder sink: aligned WAV + sidecar through a real server, crash
 * recovery from the spool, object store outages, and the bounded queue.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../../src/audio/index.js';
import { RecorderSink, recordingKey } from '../../../src/capture/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { FsObjectStore, type ObjectStore } from '../../../src/platform/objects/index.js';
import { NS_PER_SECOND } from '../../../src/protocol/audiohook/index.js';
import type { SessionInfo } from '../../../src/capture/sinks/port.js';
import { findObject } from '../../helpers/objects.js';
import { openSession, startTestServer, until, type TestServer } from '../../helpers/server.js';
import { FIXED_SESSION, sessionInfo } from '../../helpers/sinks.js';
import { tempDir } from '../../helpers/tmp.js';

const log = createLogger({ level: 'silent' });

describe('recorder through the server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('writes a WAV aligned to the timeline (silence in gaps, audio byte-identical) and a sidecar', async () => {
    const c = t.client();
    await openSession(c);
    const sent: Buffer[] = [];
    const tick = (n: number) => {
      for (let i = 0; i < n; i++) {
        const f = Buffer.alloc(320);
        for (let j = 0; j < f.length; j++) f[j] = (sent.length * 7 + j) % 254; // never 0xFF (silence)
        sent.push(f);
        c.tick(f);
      }
    };
    tick(50); // 1 s
    c.holdStart();
    for (let i = 0; i < 25; i++) c.tick(Buffer.alloc(320)); // 0.5 s paused
    c.holdEnd();
    tick(25);
    c.discard(0.25 * NS_PER_SECOND);
    tick(25);
    c.ping();
    await c.waitFor('pong');
    c.ping();
    await until(() => !c.core.awaitingPong);
    c.close();
    await c.waitFor('closed');
    const wavKey = `${c.sessionId}.wav`;
    await until(() => findObject(t.dir, `${c.sessionId}.json`) !== undefined, 5000, 'recording stored');
    const wavPath = findObject(t.dir, wavKey) as string;
    expect(wavPath).toContain(`recordings/${t.orgId}/`);
    expect(wavPath).toContain(`/${c.conversationId}/`);
    const wav = readFileSync(wavPath);
    const h = parseWav(wav);
    expect(h).toMatchObject({ format: 'PCMU', channels: 2, rate: 8000 });
    const data = wav.subarray(h.dataOffset);
    // 1 s audio + 0.5 s silence + 0.5 s audio + 0.25 s silence + 0.5 s audio = 2.75 s.
    expect(data.length).toBe(2.75 * 16000);
    const audio = (from: number, n: number) => Buffer.concat(sent.slice(from, from + n));
    expect(data.subarray(0, 16000).equals(audio(0, 50))).toBe(true);
    expect(data.subarray(16000, 24000).every((b) => b === 0xff)).toBe(true);
    expect(data.subarray(24000, 32000).equals(audio(50, 25))).toBe(true);
    expect(data.subarray(32000, 36000).every((b) => b === 0xff)).toBe(true);
    expect(data.subarray(36000).equals(audio(75, 25))).toBe(true);

    const sidecar = JSON.parse(readFileSync(findObject(t.dir, `${c.sessionId}.json`) as string, 'utf8'));
    expect(sidecar).toMatchObject({ sessionId: c.sessionId, orgId: t.orgId, conversationId: c.conversationId, timelineStart: 'PT0S' });
    expect(sidecar.open.media).toHaveLength(3);
    expect(sidecar.events.map((e: { type: string }) => e.type)).toEqual(['paused', 'resumed', 'discarded']);
    expect(sidecar.events[1]).toMatchObject({ position: 'PT1.5S', start: 'PT1S', discarded: 'PT0.5S' });
    expect(sidecar.end).toMatchObject({ reason: 'end', position: 'PT2.75S' });
    expect(sidecar.rtt.count).toBe(1);
    expect(sidecar.audio).toMatchObject({ samples: 22000, silenceSamples: 6000, droppedFrames: 0 });
  });
});

function info(sessionId: string): SessionInfo {
  return sessionInfo({ ...FIXED_SESSION, participant: { ...FIXED_SESSION.participant }, sessionId });
}

class FailingStore implements ObjectStore {
  readonly kind = 'file' as const;
  attempts = 0;
  async put(): Promise<never> {
    this.attempts++;
    throw new Error('store down');
  }
  async get(): Promise<Readable> {
    throw new Error('store down');
  }
  async head() {
    return undefined;
  }
  async delete() {}
  async *list() {}
  async check() {
    throw new Error('store down');
  }
  async close() {}
}

describe('recorder sink', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('recovers a recording a crashed process left in the spool', async () => {
    const spool = join(t.dir, 'spool1');
    const store = new FsObjectStore(join(t.dir, 'objects1'));
    const crashed = new RecorderSink({ store, spoolDir: spool, maxBufferedBytes: 1 << 20, log, onDrop: () => undefined });
    const s = crashed.open(info('aaaaaaaa-0000-4000-8000-000000000001'));
    for (let i = 0; i < 10; i++) s.audio(Buffer.alloc(320, 0x11), i * 0.02 * NS_PER_SECOND, 160);
    await until(() => readdirSync(spool).some((f) => f.includes('aaaaaaaa-0000-4000-8000-000000000001') && f.endsWith('.meta.json')));
    // Once the audio is on disk (header + 10 frames), "crash": never call end.
    const wavName = () => readdirSync(spool).find((f) => f.includes('aaaaaaaa-0000-4000-8000-000000000001') && f.endsWith('.wav'));
    await until(() => { const f = wavName(); return f !== undefined && statSync(join(spool, f)).size >= 44 + 3200; });
    const fresh = new RecorderSink({ store, spoolDir: spool, maxBufferedBytes: 1 << 20, log, onDrop: () => undefined });
    expect(await fresh.recover()).toBe(1);
    const key = recordingKey(info('aaaaaaaa-0000-4000-8000-000000000001'), 'wav');
    const chunks: Buffer[] = [];
    for await (const ch of await store.get(key)) chunks.push(ch as Buffer);
    const wav = Buffer.concat(chunks);
    const h = parseWav(wav);
    expect(h.dataBytes).toBe(3200);
    expect(wav.subarray(h.dataOffset).every((b) => b === 0x11)).toBe(true);
    expect(readdirSync(spool)).toEqual([]);
  });

  it('keeps the spool when the object store is down, and uploads it once the store is back', async () => {
    const spool = join(t.dir, 'spool2');
    const down = new FailingStore();
    const sink = new RecorderSink({ store: down, spoolDir: spool, maxBufferedBytes: 1 << 20, log, onDrop: () => undefined, uploadAttempts: 2 });
    const s = sink.open(info('aaaaaaaa-0000-4000-8000-000000000002'));
    s.audio(Buffer.alloc(320, 0x22), 0, 160);
    await expect(s.end({ reason: 'end', position: 0.02 * NS_PER_SECOND, endedAt: new Date().toISOString() })).rejects.toThrow('store down');
    expect(down.attempts).toBe(2);
    const spooled = readdirSync(spool).sort();
    expect(spooled).toHaveLength(2);
    expect(spooled[0]).toMatch(/_aaaaaaaa-0000-4000-8000-000000000002_[0-9a-f]{12}\.meta\.json$/);
    expect(spooled[1]).toBe(spooled[0]!.replace(/\.meta\.json$/, '.wav'));
    const up = new FsObjectStore(join(t.dir, 'objects2'));
    expect(await new RecorderSink({ store: up, spoolDir: spool, maxBufferedBytes: 1 << 20, log, onDrop: () => undefined }).recover()).toBe(1);
    const sidecar = JSON.parse(readFileSync(join(t.dir, 'objects2', recordingKey(info('aaaaaaaa-0000-4000-8000-000000000002'), 'json')), 'utf8'));
    expect(sidecar).toMatchObject({ recovered: true, end: { reason: 'end' } });
  });

  it("summarizes the session's RTTs in the sidecar with the shared nearest-rank percentile", async () => {
    const store = new FsObjectStore(join(t.dir, 'objects4'));
    const sink = new RecorderSink({ store, spoolDir: join(t.dir, 'spool4'), maxBufferedBytes: 1 << 20, log, onDrop: () => undefined });
    const s = sink.open(info('aaaaaaaa-0000-4000-8000-000000000004'));
    s.audio(Buffer.alloc(320, 0x44), 0, 160);
    // Two RTTs: nearest-rank p50 is the lower one (floor(p × n) indexing would give the higher).
    for (const ms of [20, 10]) s.control({ type: 'rtt', position: 0.02 * NS_PER_SECOND, rtt: ms * 1e6 });
    await s.end({ reason: 'end', position: 0.02 * NS_PER_SECOND, endedAt: new Date().toISOString() });
    const sidecar = JSON.parse(readFileSync(join(t.dir, 'objects4', recordingKey(info('aaaaaaaa-0000-4000-8000-000000000004'), 'json')), 'utf8'));
    expect(sidecar.rtt).toEqual({ count: 2, min: 0.01, p50: 0.01, p99: 0.02, max: 0.02 });
  });

  it('drops and counts frames when its bounded queue is full, keeping the file aligned', async () => {
    const spool = join(t.dir, 'spool3');
    const store = new FsObjectStore(join(t.dir, 'objects3'));
    let dropped = 0;
    const sink = new RecorderSink({ store, spoolDir: spool, maxBufferedBytes: 1000, log, onDrop: (n = 1) => (dropped += n) });
    const s = sink.open(info('aaaaaaaa-0000-4000-8000-000000000003'));
    // 100 frames in one synchronous burst: the disk cannot keep up, the queue bound holds.
    for (let i = 0; i < 100; i++) s.audio(Buffer.alloc(320, 0x33), i * 0.02 * NS_PER_SECOND, 160);
    await s.end({ reason: 'end', position: 2 * NS_PER_SECOND, endedAt: new Date().toISOString() });
    expect(dropped).toBeGreaterThan(0);
    const wav = readFileSync(join(t.dir, 'objects3', recordingKey(info('aaaaaaaa-0000-4000-8000-000000000003'), 'wav')));
    const h = parseWav(wav);
    const written = 100 - dropped;
    // Dropped frames that precede a kept frame become silence; trailing drops leave the file shorter.
    expect(h.dataBytes).toBeGreaterThanOrEqual(written * 320);
    const sidecar = JSON.parse(readFileSync(join(t.dir, 'objects3', recordingKey(info('aaaaaaaa-0000-4000-8000-000000000003'), 'json')), 'utf8'));
    expect(sidecar.audio.droppedFrames).toBe(dropped);
  });
});
