/**
 * Spool recovery at start: a recording a crashed process left in the spool is
 * uploaded by the next `hookline serve` on its own, with no session needed.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../../src/audio/index.js';
import { RecorderSink, recordingKey } from '../../../src/capture/index.js';
import { createLogger } from '../../../src/platform/logging/index.js';
import { FsObjectStore } from '../../../src/platform/objects/index.js';
import { NS_PER_SECOND } from '../../../src/protocol/audiohook/index.js';
import type { SessionInfo } from '../../../src/capture/sinks/port.js';
import { startTestServer, until, type TestServer } from '../../helpers/server.js';
import { FIXED_SESSION, sessionInfo } from '../../helpers/sinks.js';
import { tempDir } from '../../helpers/tmp.js';

const log = createLogger({ level: 'silent' });
const info: SessionInfo = sessionInfo({ ...FIXED_SESSION, participant: { ...FIXED_SESSION.participant }, sessionId: 'aaaaaaaa-0000-4000-8000-0000000000a1' });

describe('spool recovery at start', () => {
  const crash = tempDir('hookline-spool-');
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.stop();
    crash.cleanup();
  });

  it('uploads what a crashed process left in the spool when the server starts', async () => {
    const spool = join(crash.dir, 'spool');
    const crashed = new RecorderSink({ store: new FsObjectStore(join(crash.dir, 'unused')), spoolDir: spool, maxBufferedBytes: 1 << 20, log, onDrop: () => undefined });
    const s = crashed.open(info);
    for (let i = 0; i < 10; i++) s.audio(Buffer.alloc(320, 0x5a), i * 0.02 * NS_PER_SECOND, 160);
    // Spool files are named by tenant, session and connection: find this session's by its id.
    const spooled = (ext: string) => readdirSync(spool).find((f) => f.includes(info.sessionId) && f.endsWith(ext));
    const wavFile = () => join(spool, spooled('.wav') ?? 'none');
    // The process "crashes" (end is never called) once the audio is on disk: header + 10 frames.
    await until(() => spooled('.meta.json') !== undefined && existsSync(wavFile()) && statSync(wavFile()).size >= 44 + 3200);

    t = await startTestServer({ recorder: { spoolDir: spool } });
    const key = join(t.dir, 'objects', ...recordingKey(info, 'wav').split('/'));
    await until(() => existsSync(key) && readdirSync(spool).length === 0, 5000, 'the spooled recording to be uploaded');
    const wav = readFileSync(key);
    const h = parseWav(wav);
    expect(h.dataBytes).toBe(3200);
    expect(wav.subarray(h.dataOffset).every((b) => b === 0x5a)).toBe(true);
  });

  it('recovers the orphaned folders it is given as well as its own, and leaves any other folder alone', async () => {
    const base = join(crash.dir, 'cluster-spool');
    const leave = (dir: string, sessionId: string) => {
      const left = sessionInfo({ ...FIXED_SESSION, participant: { ...FIXED_SESSION.participant }, sessionId });
      const s = new RecorderSink({ store: new FsObjectStore(join(crash.dir, 'unused')), spoolDir: dir, maxBufferedBytes: 1 << 20, log, onDrop: () => undefined }).open(left);
      s.audio(Buffer.alloc(320, 0x5a), 0, 160);
      return left;
    };
    const orphan = leave(join(base, 'w3'), 'aaaaaaaa-0000-4000-8000-0000000000b3');
    const live = leave(join(base, 'w2'), 'aaaaaaaa-0000-4000-8000-0000000000b2');
    const meta = (dir: string) => readdirSync(join(base, dir)).filter((f) => f.endsWith('.meta.json'));
    // The recorder's disk thread opens the .wav a moment after the .meta.json is written: wait for both.
    const wav = (dir: string) => readdirSync(join(base, dir)).filter((f) => f.endsWith('.wav'));
    await until(() => meta('w3').length === 1 && meta('w2').length === 1 && wav('w3').length === 1 && wav('w2').length === 1);
    const objects = join(crash.dir, 'cluster-objects');
    const worker1 = new RecorderSink({ store: new FsObjectStore(objects), spoolDir: join(base, 'w1'), maxBufferedBytes: 1 << 20, log, onDrop: () => undefined });
    expect(await worker1.recover([join(base, 'w3'), join(base, 'gone')])).toBe(1);
    expect(existsSync(join(objects, ...recordingKey(orphan, 'wav').split('/')))).toBe(true);
    expect(existsSync(join(objects, ...recordingKey(live, 'wav').split('/')))).toBe(false);
    expect(meta('w2')).toHaveLength(1);
  });
});
