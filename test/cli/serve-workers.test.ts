/**
 * `hookline serve` with `server.workers: 2` on a port another process holds:
 * the workers cannot listen, and the whole command must exit non-zero saying
 * so, not hang with a primary waiting for workers that will never be ready.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

describe('hookline serve (workers)', () => {
  it('exits non-zero when the workers cannot listen (port taken)', async () => {
    const dir = tempDir('hookline-serve-workers-');
    const holder = createServer();
    holder.listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const port = (holder.address() as AddressInfo).port;
    const file = writeConfig(dir.dir, {
      dataDir: `${dir.dir}/data`,
      server: { host: '127.0.0.1', port, workers: 2 },
      metrics: { enabled: false },
      logging: { level: 'info' },
      ingest: { enabled: false },
    });
    const child = spawn(process.execPath, [BIN, '--config', file, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Even when the test times out (the hang this guards against): the workers exit with their primary.
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, out).not.toBe(0);
      expect(out).toContain('EADDRINUSE');
      expect(out).toContain('a worker failed to start');
    } finally {
      holder.close();
      dir.cleanup();
    }
  }, 60_000);
});
