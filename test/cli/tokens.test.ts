/**
 * `hookline token add|list|revoke`: the token is printed once, listed masked
 * (at most its last 4 characters), and never stored.
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

describe('hookline token', () => {
  const orgId = randomUUID();

  it('adds a token (shown once), lists it masked, revokes it', () => {
    expect(cli('tenant', 'add', '--org-id', orgId, '--name', 'Acme').code).toBe(0);
    const added = cli('token', 'add', '--tenant', orgId.toUpperCase(), '--name', 'architect', '--scope', 'read');
    expect(added.code).toBe(0);
    const token = /hlk_[A-Za-z0-9_-]{43}/.exec(added.stdout)?.[0] as string;
    expect(token).toBeDefined();
    const id = /token ([0-9a-f-]{36})/.exec(added.stdout)?.[1] as string;
    const list = cli('token', 'list', '--tenant', orgId, '--json');
    const rows = JSON.parse(list.stdout) as { id: string; tenant: string; name: string; scope: string; token: string; revokedAt: string | null }[];
    expect(rows).toEqual([expect.objectContaining({ id, tenant: orgId, name: 'architect', scope: 'read', token: `…${token.slice(-4)}`, revokedAt: null })]);
    const table = cli('token', 'list');
    for (const out of [list.stdout, table.stdout]) expect(out).not.toContain(token.slice(4, -4));
    expect(readFileSync(join(t.dir, 'h.db')).includes(Buffer.from(token.slice(4)))).toBe(false);
    expect(cli('token', 'revoke', id).code).toBe(0);
    expect((JSON.parse(cli('token', 'list', '--json').stdout) as { revokedAt: string | null }[])[0]?.revokedAt).not.toBeNull();
  });

  it('explains mistakes', () => {
    expect(cli('token', 'add', '--tenant', randomUUID(), '--name', 'x').stderr).toMatch(/--tenant: no tenant/);
    expect(cli('token', 'add', '--tenant', orgId, '--name', 'x', '--scope', 'write').stderr).toMatch(/--scope: must be one of read, admin/);
    expect(cli('token', 'revoke', randomUUID()).stderr).toMatch(/no live token/);
  });
});
