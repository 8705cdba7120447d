/**
 * The config file's tenants reach the database through `serve` only, and a
 * sync removes only what the same file declared before: a management command
 * run without the server's config (or a second deployment with another file on
 * the same database) must not delete the server's tenants.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, serve, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-sync-');
afterAll(() => t.cleanup());

const database = `sqlite:${t.dir}/h.db`;
const base = {
  dataDir: t.dir,
  database,
  objects: { url: `file:${t.dir}/objects` },
  server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 0 },
  ingest: { enabled: false },
  logging: { level: 'info' },
};
/** What a management command sees without --config: the same database through the environment only. */
const env = { HOOKLINE_DATABASE_URL: database, HOOKLINE_DATA_DIR: t.dir, HOOKLINE_CONFIG: '' };

async function serveOnce(file: string): Promise<void> {
  const s = await serve(file);
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
}

function listed(): string[] {
  const r = runCli(['tenant', 'list', '--json'], env);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { orgId: string }[]).map((x) => x.orgId);
}

describe('config tenants and management commands', () => {
  const orgId = randomUUID();
  const tenantA = { orgId, name: 'From file A', apiKeys: [{ key: 'sync-key-a', secret: randomBytes(32).toString('base64') }] };
  const fileA = writeConfig(t.dir, { ...base, tenants: [tenantA] }, 'a.yaml');

  it('a management command without --config lists the served tenants and deletes none', async () => {
    await serveOnce(fileA);
    expect(listed()).toEqual([orgId]);
    // Twice: the first call must not have removed anything either.
    expect(listed()).toEqual([orgId]);
    expect(JSON.parse(runCli(['apikey', 'list', '--json'], env).stdout)).toEqual([expect.objectContaining({ orgId })]);
    // A writing command with another config does not apply that config's (empty) tenant list.
    const other = writeConfig(t.dir, { ...base }, 'empty.yaml');
    expect(runCli(['--config', other, 'tenant', 'set', orgId, '--gate-timeout', '30']).code).toBe(0);
    expect(listed()).toEqual([orgId]);
  });

  it("serving another file on the same database keeps file A's tenants; file A itself removes what it dropped", async () => {
    const fileB = writeConfig(t.dir, { ...base }, 'b.yaml');
    await serveOnce(fileB);
    expect(listed()).toEqual([orgId]);
    writeConfig(t.dir, { ...base, tenants: [] }, 'a.yaml');
    await serveOnce(fileA);
    expect(listed()).toEqual([]);
  });

  it('a read-only command creates no database where there is none', () => {
    const empty = tempDir('hookline-nodb-');
    try {
      const r = runCli(['tenant', 'list'], { HOOKLINE_CONFIG: '' }, empty.dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/does not exist|no key file/);
      expect(existsSync(join(empty.dir, 'data'))).toBe(false);
    } finally {
      empty.cleanup();
    }
  });
});
