/**
 * Client secrets: one that decodes to fewer than 16 bytes ("a", "==") is
 * refused wherever it enters (CLI, config), a key is unsigned only when said
 * so, and a degenerate secret already stored authenticates nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { SecretBox } from '../../src/platform/crypto/index.js';
import { TenantStore } from '../../src/tenants/index.js';
import { runCli, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-secrets-');
afterAll(() => t.cleanup());
const config = writeConfig(t.dir, { dataDir: t.dir, logging: { level: 'warn' } });
const cli = (...args: string[]) => runCli(['--config', config, ...args]);

describe('apikey add', () => {
  const orgId = randomUUID();

  beforeAll(() => {
    expect(cli('tenant', 'add', '--org-id', orgId, '--name', 'S').code).toBe(0);
  });

  it.each(['a', '==', Buffer.alloc(15).toString('base64')])('refuses the secret %j', (secret) => {
    const r = cli('apikey', 'add', '--org-id', orgId, '--key', `k-${randomBytes(4).toString('hex')}`, '--secret', secret);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/at least 16 bytes/);
    expect(JSON.parse(cli('apikey', 'list', '--org-id', orgId, '--json').stdout)).toEqual([]);
  });

  it('accepts 16 bytes, and is unsigned only with --unsigned', () => {
    const secret = randomBytes(16).toString('base64');
    expect(cli('apikey', 'add', '--org-id', orgId, '--key', 'signed-16', '--secret', secret).code).toBe(0);
    expect(cli('apikey', 'add', '--org-id', orgId, '--key', 'open-key', '--unsigned').code).toBe(0);
    const both = cli('apikey', 'add', '--org-id', orgId, '--key', 'both-key', '--unsigned', '--secret', secret);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/not both/);
    const listed = JSON.parse(cli('apikey', 'list', '--org-id', orgId, '--json').stdout) as { apiKey: string; signed: string }[];
    expect(listed.map((k) => k.signed).sort()).toEqual(['no', 'yes']);
  });
});

describe('config apiKeys', () => {
  it.each([
    [{ key: 'k1', secret: 'a' }, /apiKeys\.0\.secret: must decode to at least 16 bytes/],
    [{ key: 'k1', secret: '' }, /apiKeys\.0\.secret: must decode to at least 16 bytes/],
    [{ key: 'k1' }, /apiKeys\.0\.secret: required .* or set unsigned: true/],
  ])('refuses %j and names the key', (apiKey, message) => {
    const bad = writeConfig(t.dir, { dataDir: t.dir, tenants: [{ orgId: randomUUID(), name: 'X', apiKeys: [apiKey] }] }, 'bad-secret.yaml');
    const r = runCli(['--config', bad, 'tenant', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('a degenerate secret already stored', () => {
  it('authenticates nothing (it is not taken as "unsigned")', async () => {
    const db = await openAppDatabase(`sqlite:${t.dir}/legacy.db`);
    try {
      const box = new SecretBox(randomBytes(32));
      const store = new TenantStore(db, box);
      const orgId = randomUUID();
      await store.upsertTenant(TenantStore.normalize({ orgId, name: 'Legacy' }), 'cli');
      // Written the way the old code stored `--secret a`.
      await allTables(db).insertInto('api_keys').values({ api_key: 'legacy', org_id: orgId, secret_enc: box.encrypt('a'), label: null, source: 'cli', created_at: new Date().toISOString() }).execute();
      await store.addApiKey({ orgId, apiKey: 'good', secret: randomBytes(32).toString('base64') }, 'cli');
      expect((await store.loadCredentials()).map((c) => c.apiKey)).toEqual(['good']);
    } finally {
      await db.close();
    }
  });
});

describe('secrets in tenant settings', () => {
  const orgId = randomUUID();

  beforeAll(() => {
    expect(cli('tenant', 'add', '--org-id', orgId, '--name', 'Downstream').code).toBe(0);
  });

  it('refuses a password in a downstream URL and keeps it out of the database', () => {
    const r = cli('tenant', 'downstream', 'add', orgId, '--url', 'wss://bob:pw-in-url-123@processor.example.com/in');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/url: must not contain user:password@/);
    expect(readFileSync(join(t.dir, 'hookline.db')).includes(Buffer.from('pw-in-url-123'))).toBe(false);
    expect(JSON.parse(cli('tenant', 'show', orgId).stdout).downstream).toEqual([]);
  });

  it('masks show at most the last 4 characters and never more than a quarter', () => {
    expect(cli('tenant', 'downstream', 'add', orgId, '--url', 'wss://processor.example.com/in', '--bearer-token', 'abcdefghi', '--header-name', 'X-Key', '--header-value', 'k'.repeat(40) + 'WXYZ').code).toBe(0);
    const list = JSON.parse(cli('tenant', 'show', orgId).stdout).downstream as { url: string; bearerToken: string; header: { value: string } }[];
    const d = list.find((x) => x.url === 'wss://processor.example.com/in');
    expect(d?.bearerToken).toBe('…hi');
    expect(d?.header.value).toBe('…WXYZ');
  });
});
