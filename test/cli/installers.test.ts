/**
 * `hookline installer add|list|revoke`: the secret is printed once and works at the token
 * exchange; listing shows no secret; a revoked credential's secret stops working.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import { InstallerCredentials } from '../../src/install/index.js';
import { runCli, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-cli-');
afterAll(() => t.cleanup());
const config = writeConfig(t.dir, { dataDir: t.dir, database: `sqlite:${t.dir}/h.db`, logging: { level: 'warn' } });
const cli = (...args: string[]) => runCli(['--config', config, ...args]);

describe('hookline installer', () => {
  it('adds (secret shown once, and it buys a token), lists without secrets, revokes', async () => {
    const added = cli('installer', 'add', 'Acme');
    expect(added.code).toBe(0);
    const id = /client id: ([0-9a-f-]{36})/.exec(added.stdout)?.[1] as string;
    const secret = /client secret: (\S+)/.exec(added.stdout)?.[1] as string;
    const list = cli('installer', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, name: 'Acme', revokedAt: null })]);
    expect(list.stdout).not.toContain(secret);
    const db = await openAppDatabase(`sqlite:${t.dir}/h.db`);
    try {
      const creds = new InstallerCredentials(db);
      const token = await creds.token(id, secret);
      expect(token?.token).toMatch(/^hli_/);
      expect(await creds.verify(token?.token as string)).toBe(id);
      expect(cli('installer', 'revoke', id).code).toBe(0);
      expect(await creds.token(id, secret)).toBeUndefined();
      expect(await creds.verify(token?.token as string)).toBeUndefined();
    } finally {
      await db.close();
    }
    expect(cli('installer', 'revoke', randomUUID()).stderr).toMatch(/no live installer credential/);
  });
});
