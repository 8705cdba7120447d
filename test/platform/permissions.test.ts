/**
 * What Hookline writes under dataDir (the database with API keys, the master
 * key, recordings, imports and the recorder's spool) is the service user's
 * only: directories 0700, files 0600, whatever the umask lets through.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RecorderSink } from '../../src/capture/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { FsObjectStore } from '../../src/platform/objects/index.js';
import { runCli, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/server.js';
import { sessionInfo } from '../helpers/sinks.js';

const t = tempDir('hookline-perms-');
afterAll(() => t.cleanup());

const mode = (path: string) => statSync(path).mode & 0o777;

function expectPrivateTree(root: string): void {
  expect(mode(root), root).toBe(0o700);
  for (const name of readdirSync(root, { recursive: true }).map(String)) {
    const p = join(root, name);
    expect(mode(p), p).toBe(statSync(p).isDirectory() ? 0o700 : 0o600);
  }
}

describe('file modes under dataDir', () => {
  it('the CLI creates the data directory 0700 and the database and master key 0600', () => {
    const dataDir = join(t.dir, 'cli', 'data');
    const config = writeConfig(t.dir, { dataDir, logging: { level: 'warn' } }, 'perms.yaml');
    const r = runCli(['--config', config, 'tenant', 'add', '--org-id', randomUUID(), '--name', 'Perms']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(existsSync(join(dataDir, 'hookline.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'master.key'))).toBe(true);
    expectPrivateTree(dataDir);
  });

  it('the filesystem object store writes objects 0600 in 0700 directories', async () => {
    const root = join(t.dir, 'objects');
    await new FsObjectStore(root).put('imports/org/2026/01/02/conv/rec.wav', Buffer.from('RIFF'));
    expectPrivateTree(root);
  });

  it("the recorder's spool files are 0600 in a 0700 directory", async () => {
    const spool = join(t.dir, 'spool');
    const sink = new RecorderSink({ store: new FsObjectStore(join(t.dir, 'rec-objects')), spoolDir: spool, maxBufferedBytes: 1 << 20, log: createLogger({ level: 'silent' }), onDrop: () => undefined });
    const sessionId = randomUUID();
    const info = sessionInfo({ sessionId });
    const s = sink.open(info);
    s.audio(Buffer.alloc(320, 0x11), 0, 160);
    // Spool files are named by tenant, session and connection.
    const spooled = (ext: string) => readdirSync(spool).some((f) => f.includes(sessionId) && f.endsWith(ext));
    await until(() => spooled('.meta.json') && spooled('.wav'));
    expectPrivateTree(spool);
    await s.end({ reason: 'end', position: 20_000_000, endedAt: new Date().toISOString() });
    expectPrivateTree(join(t.dir, 'rec-objects'));
  });
});
