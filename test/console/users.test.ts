/**
 * The user store, on SQLite and PostgreSQL: usernames lower-cased and checked, roles parsed, passwords
 * checked, disabled users refused, and an unknown user paying the same scrypt
 * as a wrong password.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import { UserError, UserStore, normalizeUsername, parseRole, PasswordError } from '../../src/console/index.js';
import * as password from '../../src/console/password.js';
import type { Db } from '../../src/platform/db/index.js';
import { bothDatabases } from '../helpers/databases.js';
import { FAST_SCRYPT } from './fixtures.js';

describe.each(bothDatabases('u.db'))('console users on %s', (_name, url) => {
  let db: Db;
  let users: UserStore;
  beforeAll(async () => {
    db = await openAppDatabase(url());
    users = new UserStore(db, Date.now, FAST_SCRYPT);
  });
  afterAll(() => db.close());

  it('checks usernames, role specs and passwords, naming what is wrong', async () => {
    expect(normalizeUsername(' Alice@Example.COM ')).toBe('alice@example.com');
    for (const bad of ['', 'bad name', '-x', 'a'.repeat(65), 'ümlaut']) expect(() => normalizeUsername(bad)).toThrow(/^username: must be/);
    expect(parseRole('ORG-1:admin')).toEqual({ tenant: 'org-1', role: 'admin' });
    for (const bad of ['org', ':viewer', 'org:owner', 'org:Admin']) expect(() => parseRole(bad)).toThrow(UserError);
    await expect(users.add({ username: 'x', password: 'short', roles: [] })).rejects.toThrow(PasswordError);
    await users.add({ username: 'Dup', password: 'long enough', roles: [] });
    await expect(users.add({ username: 'dup', password: 'long enough', roles: [] })).rejects.toThrow(/user dup already exists/);
  });

  it('verifies case-insensitively by username, and refuses a disabled user with the right password', async () => {
    await users.add({ username: 'carol', password: 'carol password', roles: [{ tenant: 'T1', role: 'viewer' }] });
    expect((await users.verify('CAROL', 'carol password'))?.roles).toEqual([{ tenant: 't1', role: 'viewer' }]);
    expect(await users.verify('carol', 'carol passworD')).toBeUndefined();
    await users.setDisabled('carol', true);
    expect(await users.verify('carol', 'carol password')).toBeUndefined();
  });

  it('runs scrypt for an unknown or malformed username too', async () => {
    const spy = vi.spyOn(password, 'verifyPassword');
    try {
      for (const name of ['nobody', 'not a username']) {
        spy.mockClear();
        expect(await users.verify(name, 'whatever')).toBeUndefined();
        expect(spy).toHaveBeenCalledTimes(1);
        expect(spy.mock.calls[0]?.[1]).toMatch(/^scrypt\$1024\$8\$1\$/);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
