/**
 * What a first-time user meets: help that lists every option a command
 * reads, and a gate configuration that cannot work refused up front with the
 * missing flags named.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-cli-newcomer-');
afterAll(() => t.cleanup());
const config = writeConfig(t.dir, { dataDir: t.dir, database: `sqlite:${t.dir}/h.db`, logging: { level: 'warn' } });
const cli = (...args: string[]) => runCli(['--config', config, ...args]);

describe('help', () => {
  it('`serve --help` lists --config', () => {
    const r = runCli(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-c, --config <file>/);
  });
});

describe('tenant add|set --admission monitored-group', () => {
  it('refuses a tenant without group or Genesys credentials, naming every missing flag, and stores nothing', () => {
    const orgId = randomUUID();
    const r = runCli(['--config', writeConfig(t.dir, { dataDir: join(t.dir, 'fresh'), database: `sqlite:${t.dir}/fresh.db` }, 'fresh.yaml'), 'tenant', 'add', '--org-id', orgId, '--name', 'Gated', '--admission', 'monitored-group']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/monitored-group .*missing --group, --genesys-client-id, --genesys-client-secret/);
    expect(existsSync(join(t.dir, 'fresh.db'))).toBe(false);
  });

  it('names only what is missing', () => {
    const r = cli('tenant', 'add', '--org-id', randomUUID(), '--name', 'Gated', '--admission', 'monitored-group', '--genesys-client-id', 'cid', '--genesys-client-secret', 'secret-1234');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing --group$/m);
  });

  it('accepts a complete one, and refuses `set` that would make a tenant unusable', () => {
    const orgId = randomUUID();
    expect(cli('tenant', 'add', '--org-id', orgId, '--name', 'Open').code).toBe(0);
    const r = cli('tenant', 'set', orgId, '--admission', 'monitored-group', '--group', 'g-1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing --genesys-client-id, --genesys-client-secret/);
    expect(JSON.parse(cli('tenant', 'show', orgId).stdout)).toMatchObject({ admission: 'all' });
    const ok = cli('tenant', 'set', orgId, '--admission', 'monitored-group', '--group', 'g-1', '--genesys-client-id', 'cid', '--genesys-client-secret', 'secret-1234');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });
});
