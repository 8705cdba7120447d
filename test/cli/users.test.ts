/**
 * `hookline user add|list|disable|enable|passwd`: the password comes from
 * stdin (never an argument) and is stored only as a scrypt hash; roles name
 * existing tenants; disabling or a new password ends the user's sessions.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import { SessionStore, UserStore } from '../../src/console/index.js';
import { BIN, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-cli-');
afterAll(() => t.cleanup());
const config = writeConfig(t.dir, { dataDir: t.dir, database: `sqlite:${t.dir}/h.db`, logging: { level: 'warn' } });
const cli = (args: string[], input = '') => {
  const r = spawnSync(process.execPath, [BIN, '--config', config, ...args], { input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const PW = 'a long enough password';

describe('hookline user', () => {
  const orgId = randomUUID();

  it('adds a user with the password from stdin, stored only hashed, and lists it', async () => {
    expect(cli(['tenant', 'add', '--org-id', orgId, '--name', 'Acme']).code).toBe(0);
    const added = cli(['user', 'add', 'Alice', '--role', `${orgId.toUpperCase()}:viewer`, '--password-stdin'], `${PW}\n`);
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe('user alice added\n');
    const list = JSON.parse(cli(['user', 'list', '--json']).stdout) as { username: string; roles: unknown; globalAdmin: boolean; disabled: boolean }[];
    expect(list).toEqual([expect.objectContaining({ username: 'alice', roles: [{ tenant: orgId, role: 'viewer' }], globalAdmin: false, disabled: false })]);
    expect(readFileSync(join(t.dir, 'h.db')).includes(Buffer.from(PW))).toBe(false);
    const db = await openAppDatabase(`sqlite:${t.dir}/h.db`);
    try {
      // The trailing newline is the shell's, not the password's.
      expect(await new UserStore(db).verify('alice', PW)).toBeDefined();
    } finally {
      await db.close();
    }
  });

  it('disables a user and ends their sessions; passwd sets a new password', async () => {
    const db = await openAppDatabase(`sqlite:${t.dir}/h.db`);
    try {
      const users = new UserStore(db);
      const sessions = new SessionStore(db, { idleMs: 60_000, absoluteMs: 60_000 });
      const alice = await users.byUsername('alice');
      const { cookie } = await sessions.create(alice!.id);
      expect(cli(['user', 'disable', 'alice']).code).toBe(0);
      expect(await sessions.find(cookie)).toBeUndefined();
      expect(await users.verify('alice', PW)).toBeUndefined();
      expect(cli(['user', 'enable', 'alice']).code).toBe(0);
      const again = await sessions.create(alice!.id);
      expect(cli(['user', 'passwd', 'alice', '--password-stdin'], 'another password 2').code).toBe(0);
      expect(await sessions.find(again.cookie)).toBeUndefined();
      expect(await users.verify('alice', PW)).toBeUndefined();
      expect(await users.verify('alice', 'another password 2')).toBeDefined();
    } finally {
      await db.close();
    }
  });

  // The store's own checks (username, role spec, password length) are in test/console/users.test.ts.
  it('explains mistakes', () => {
    expect(cli(['user', 'add', 'bob', '--role', `${randomUUID()}:viewer`, '--password-stdin'], PW).stderr).toMatch(/--role: no tenant/);
    expect(cli(['user', 'add', 'bob', '--password-stdin'], PW).stderr).toMatch(/--role or --global-admin/);
    expect(cli(['user', 'add', 'alice', '--global-admin', '--password-stdin'], PW).stderr).toMatch(/user alice already exists/);
    expect(cli(['user', 'disable', 'nobody']).stderr).toMatch(/no user nobody/);
    // No terminal and no --password-stdin: it says how, rather than hanging or reading an argument.
    expect(cli(['user', 'add', 'carol', '--global-admin']).stderr).toMatch(/use --password-stdin/);
  });
});
