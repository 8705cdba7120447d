/**
 * Tenant and API-key management through the CLI, and configuration errors
 * that name the key.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-cli-');
afterAll(() => t.cleanup());
const config = writeConfig(t.dir, { dataDir: t.dir, database: `sqlite:${t.dir}/h.db`, logging: { level: 'warn' } });
const cli = (...args: string[]) => runCli(['--config', config, ...args]);

describe('hookline tenant / apikey', () => {
  const orgId = randomUUID();

  it('adds, lists and removes tenants and keys; secrets are stored encrypted and never listed', () => {
    expect(cli('tenant', 'add', '--org-id', orgId, '--name', 'Acme').code).toBe(0);
    const added = cli('apikey', 'add', '--org-id', orgId, '--key', 'cli-key-0001', '--secret', 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('cli-key-0001');
    const list = cli('apikey', 'list', '--json');
    const keys = JSON.parse(list.stdout) as { orgId: string; hasSecret: boolean; apiKey: string }[];
    expect(keys).toEqual([expect.objectContaining({ orgId, hasSecret: true })]);
    expect(list.stdout).not.toContain('c2VjcmV0LXNlY3JldC1zZWNyZXQ=');
    const db = readFileSync(join(t.dir, 'h.db'));
    expect(db.includes(Buffer.from('c2VjcmV0LXNlY3JldC1zZWNyZXQ='))).toBe(false);
    const tenants = JSON.parse(cli('tenant', 'list', '--json').stdout) as { orgId: string; keys: number }[];
    expect(tenants).toEqual([expect.objectContaining({ orgId, keys: 1 })]);
    expect(cli('apikey', 'remove', 'cli-key-0001').code).toBe(0);
    expect(cli('tenant', 'remove', orgId).code).toBe(0);
    expect(JSON.parse(cli('tenant', 'list', '--json').stdout)).toEqual([]);
  });

  it('explains mistakes and exits non-zero', () => {
    const noTenant = cli('apikey', 'add', '--org-id', randomUUID());
    expect(noTenant.code).not.toBe(0);
    expect(noTenant.stderr).toMatch(/unknown tenant .*add it first/);
    const badOrg = cli('tenant', 'add', '--org-id', 'nope', '--name', 'X');
    expect(badOrg.code).not.toBe(0);
    expect(badOrg.stderr).toMatch(/orgId: must be a UUID/);
    expect(cli('tenant', 'remove', randomUUID()).stderr).toMatch(/no tenant/);
  });

  it('names the broken config key', () => {
    const bad = writeConfig(t.dir, { server: { port: 'eighty' } }, 'broken.yaml');
    const r = runCli(['--config', bad, 'tenant', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/server\.port: .*expected number/);
  });

  it('prints a usable master key', () => {
    const r = runCli(['keygen']);
    expect(Buffer.from(r.stdout.trim(), 'base64')).toHaveLength(32);
  });
});

describe('hookline tenant set / show / downstream', () => {
  it('stores Genesys settings and destinations, masks secrets and never writes them in clear', () => {
    const orgId = randomUUID();
    const added = cli('tenant', 'add', '--org-id', orgId, '--name', 'Gated', '--genesys-client-id', 'cid-1', '--genesys-client-secret', 'gc-secret-value-123', '--region', 'mypurecloud.ie');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(cli('tenant', 'set', orgId, '--group', 'g-1', '--admission', 'monitored-group', '--gate-timeout', '45', '--on-transfer-away', 'pause').code).toBe(0);
    expect(cli('tenant', 'downstream', 'add', orgId, '--url', 'wss://analytics.example.com/in', '--name', 'main', '--bearer-token', 'bearer-secret-456', '--channels', 'agent').code).toBe(0);
    const shown = cli('tenant', 'show', orgId);
    expect(shown.code).toBe(0);
    const tenant = JSON.parse(shown.stdout);
    expect(tenant).toMatchObject({
      orgId,
      admission: 'monitored-group',
      monitoredGroupId: 'g-1',
      gateTimeoutSeconds: 45,
      onTransferAway: 'pause',
      genesys: { clientId: 'cid-1', region: 'mypurecloud.ie' },
      downstream: [{ url: 'wss://analytics.example.com/in', name: 'main', channels: 'agent' }],
    });
    expect(shown.stdout).not.toContain('gc-secret-value-123');
    expect(shown.stdout).not.toContain('bearer-secret-456');
    const db = readFileSync(join(tmpDir(), 'h.db'));
    expect(db.includes(Buffer.from('gc-secret-value-123'))).toBe(false);
    expect(db.includes(Buffer.from('bearer-secret-456'))).toBe(false);
    expect(cli('tenant', 'set', orgId, '--admission', 'sometimes').stderr).toMatch(/admission/);
    expect(cli('tenant', 'downstream', 'remove', orgId, 'main').code).toBe(0);
    expect(JSON.parse(cli('tenant', 'show', orgId).stdout).downstream).toEqual([]);
  });
});

function tmpDir(): string {
  return t.dir;
}
