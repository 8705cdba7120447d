import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { ConfigError } from '../../src/platform/config/index.js';
import { tempDir } from '../helpers/tmp.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function file(yaml: string): string {
  const t = tempDir();
  cleanup = t.cleanup;
  const p = join(t.dir, 'hookline.yaml');
  writeFileSync(p, yaml);
  return p;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('applies defaults with no file', () => {
    const c = loadConfig({ env: {} });
    expect(c.server.port).toBe(8080);
    expect(c.database).toBe('sqlite:./data/hookline.db');
    expect(c.audiohook.path).toBe('/api/v1/audiohook/ws');
    expect(c.audiohook.authFailure).toBe('disconnect');
    expect(c.audiohook.media.preference).toEqual([{ format: 'PCMU', channels: 2 }, 'any']);
  });

  it('puts the default database and object store under dataDir', () => {
    const a = loadConfig({ env: { HOOKLINE_DATA_DIR: '/srv/a/' } });
    expect(a.database).toBe('sqlite:/srv/a/hookline.db');
    expect(a.objects.url).toBe('file:/srv/a/objects');
    const b = loadConfig({ file: file('dataDir: /srv/b\n'), env: {} });
    expect(b.database).toBe('sqlite:/srv/b/hookline.db');
    expect(b.objects.url).toBe('file:/srv/b/objects');
    const explicit = loadConfig({ file: file('dataDir: /srv/c\ndatabase: sqlite:/elsewhere/h.db\nobjects:\n  url: s3://bucket\n'), env: {} });
    expect(explicit.database).toBe('sqlite:/elsewhere/h.db');
    expect(explicit.objects.url).toBe('s3://bucket');
  });

  it('reads YAML and lets the environment override nested keys', () => {
    const p = file('server:\n  port: 9000\naudiohook:\n  signature:\n    clockSkewSeconds: 3\n');
    const c = loadConfig({ file: p, env: { HOOKLINE_SERVER__HOST: '127.0.0.1', HOOKLINE_AUDIOHOOK__SIGNATURE__CLOCK_SKEW_SECONDS: '7' } });
    expect(c.server).toMatchObject({ port: 9000, host: '127.0.0.1' });
    expect(c.audiohook.signature.clockSkewSeconds).toBe(7);
  });

  it('takes the file from HOOKLINE_CONFIG and the master key from HOOKLINE_MASTER_KEY', () => {
    const p = file('queue: embedded\n');
    const key = Buffer.alloc(32, 1).toString('base64');
    const c = loadConfig({ env: { HOOKLINE_CONFIG: p, HOOKLINE_MASTER_KEY: key } });
    expect(c.security.masterKey).toBe(key);
  });

  it('names the key, the reason and the source of every problem', () => {
    const p = file('server:\n  port: "eighty"\n  bogus: 1\ndatabase: mysql://x\ntenants:\n  - orgId: not-a-uuid\n    name: Acme\n');
    const list = problems(() => loadConfig({ file: p, env: {} }));
    expect(list.some((m) => m.startsWith('server.port:') && m.includes(p))).toBe(true);
    expect(list.some((m) => m.startsWith('server:') && m.includes('"bogus"'))).toBe(true);
    expect(list.some((m) => m.startsWith('database:') && m.includes('sqlite:'))).toBe(true);
    expect(list.some((m) => m.startsWith('tenants.0.orgId:') && m.includes('UUID'))).toBe(true);
  });

  it('blames the environment variable when the bad value came from it', () => {
    const list = problems(() => loadConfig({ env: { HOOKLINE_SERVER__PORT: '70000' } }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(/^server\.port: .*environment HOOKLINE_SERVER__PORT/);
  });

  it('runs one worker per CPU by default, takes a count or auto, and names server.workers when it is neither', () => {
    expect(loadConfig({ env: {} }).server.workers).toBe(availableParallelism());
    expect(loadConfig({ env: { HOOKLINE_SERVER__WORKERS: '3' } }).server.workers).toBe(3);
    expect(loadConfig({ env: { HOOKLINE_SERVER__WORKERS: 'auto' } }).server.workers).toBe(availableParallelism());
    expect(loadConfig({ env: { HOOKLINE_WORKER_INDEX: '2' } }).server.workers).toBe(availableParallelism());
    for (const bad of ['0', '1.5', 'many']) {
      const list = problems(() => loadConfig({ env: { HOOKLINE_SERVER__WORKERS: bad } }));
      expect(list).toEqual([expect.stringMatching(/^server\.workers: must be "auto" or a whole number of processes >= 1 .*HOOKLINE_SERVER__WORKERS/)]);
    }
  });

  it('keeps digit-only strings from the environment as strings', () => {
    const c = loadConfig({ env: { HOOKLINE_SERVER__PUBLIC_AUTHORITY: '12345' } });
    expect(c.server.publicAuthority).toBe('12345');
  });

  it('reads durations in seconds and carries them in milliseconds, under …Ms keys only', () => {
    const p = file('server:\n  drainTimeoutSeconds: 2\ningest:\n  retryBaseSeconds: 0.2\n');
    const c = loadConfig({ file: p, env: { HOOKLINE_TRACKING__LEASE_TTL_SECONDS: '3', HOOKLINE_QUEUE_LEASE_SECONDS: '45' } });
    expect(c.server.drainTimeoutMs).toBe(2000);
    expect(c.ingest.retryBaseMs).toBe(200);
    expect(c.tracking.leaseTtlMs).toBe(3000);
    expect(c.queueLeaseMs).toBe(45_000);
    // Defaults too, and the seconds keys are gone: nothing downstream can multiply them again.
    expect(c.audiohook).toMatchObject({ closeGraceMs: 10_000, credentialRefreshMs: 10_000 });
    expect(c.stream.deliverAfterEndMs).toBe(30_000);
    expect(c.ingest).toMatchObject({ firstAttemptDelayMs: 15_000, retryMaxMs: 900_000, reconcileSettleMs: 60_000, gapReconcileDelayMs: 120_000 });
    expect(c.tracking.syncIntervalMs).toBe(300_000);
    const seconds = (o: object) => Object.keys(o).filter((k) => k.endsWith('Seconds'));
    for (const section of [c, c.server, c.tracking, c.ingest]) expect(seconds(section)).toEqual([]);
    // Measured against audio positions (samples per second), not timers: these stay in seconds.
    expect(seconds(c.audiohook)).toEqual(['timelineToleranceSeconds']);
    expect(seconds(c.stream)).toEqual(['replayBufferSeconds']);
  });

  it('names the seconds key the file used when a duration is out of bounds', () => {
    const list = problems(() => loadConfig({ file: file('tracking:\n  syncIntervalSeconds: 0\n'), env: {} }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(/^tracking\.syncIntervalSeconds: /);
  });

  it('is read-only once loaded: changing a value at any depth throws, and the value stays', () => {
    const c = loadConfig({ file: 'hookline.example.yaml', env: {} });
    expect(() => void ((c.ingest as { recordingFormat: string }).recordingFormat = 'MP3')).toThrow(TypeError);
    expect(() => void (c.audiohook.media.rates as number[]).push(16_000)).toThrow(TypeError);
    expect(() => void ((c.tenants[0]!.apiKeys[0] as { key: string }).key = 'stolen')).toThrow(TypeError);
    expect(() => void ((c as { server: unknown }).server = {})).toThrow(TypeError);
    expect(c.ingest.recordingFormat).toBe('WAV_ULAW');
    expect(c.audiohook.media.rates).toEqual([8000]);
    expect(c.tenants[0]?.apiKeys[0]?.key).toBe('example-api-key-change-me');
  });

  it('reports a missing file and broken YAML with a location', () => {
    expect(problems(() => loadConfig({ file: '/nonexistent/h.yaml', env: {} }))[0]).toMatch(/not found/);
    const p = file('server:\n  port: [1,\n');
    expect(problems(() => loadConfig({ file: p, env: {} }))[0]).toMatch(/line \d+/);
  });
});

describe('configuration files', () => {
  it('loads the shipped example, where commented-out sections are empty', () => {
    const c = loadConfig({ file: 'hookline.example.yaml', env: {} });
    expect(c.tenants[0]?.apiKeys[0]?.key).toBe('example-api-key-change-me');
    expect(c.security.masterKey).toBeUndefined();
    expect(c.audiohook.media.preference).toEqual([{ format: 'PCMU', channels: 2 }, 'any']);
  });
});
