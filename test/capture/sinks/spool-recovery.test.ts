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
});
