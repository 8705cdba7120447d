/**
 * API tokens on SQLite and PostgreSQL: the database holds only the hash;
 * unknown, malformed and revoked tokens are refused; last_used_at is written
 * at most once a minute.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/api/index.js';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { bothDatabases } from '../helpers/databases.js';

describe.each(bothDatabases('tokens.db'))('API tokens on %s', (_name, url) => {
  it('stores only the SHA-256 of the token and a masked hint', async () => {
    const db = await openAppDatabase(url());
    try {
      const tenant = randomUUID();
      const { info, secret } = await new TokenStore(db).create(tenant.toUpperCase(), 'crm', 'read');
      expect(secret).toMatch(/^hlk_[A-Za-z0-9_-]{43}$/);
      expect(info.tenant).toBe(tenant);
      const rows = await allTables(db).selectFrom('api_tokens').selectAll().execute();
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(secret.slice(4, 40));
      expect(rows.find((r) => r.id === info.id)?.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(info.token).toBe(`…${secret.slice(-4)}`);
    } finally {
      await db.close();
    }
  });

  it('authenticates a live token as its tenant and scope; refuses unknown, malformed and revoked ones', async () => {
    const db = await openAppDatabase(url());
    try {
      const store = new TokenStore(db);
      const tenant = randomUUID();
      const { info, secret } = await store.create(tenant, 'architect', 'admin');
      expect(await store.authenticate(secret)).toEqual({ tokenId: info.id, tenant, scope: 'admin' });
      expect(await store.authenticate(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
      expect(await store.authenticate(secret.slice(4))).toBeUndefined();
      expect(await store.revoke(info.id.toUpperCase())).toBe(true);
      expect(await store.revoke(info.id)).toBe(false);
      expect(await store.authenticate(secret)).toBeUndefined();
      expect((await store.list(tenant))[0]?.revokedAt).not.toBeNull();
    } finally {
      await db.close();
    }
  });

  it('writes last_used_at at most once a minute', async () => {
    const db = await openAppDatabase(url());
    try {
      let now = Date.parse('2026-01-01T00:00:00.000Z');
      const store = new TokenStore(db, () => now);
      const { info, secret } = await store.create(randomUUID(), 'poller', 'read');
      const lastUsed = async () => (await store.list(info.tenant))[0]?.lastUsedAt;
      expect(await lastUsed()).toBeNull();
      await store.authenticate(secret);
      expect(await lastUsed()).toBe('2026-01-01T00:00:00.000Z');
      now += 59_000;
      await store.authenticate(secret);
      expect(await lastUsed()).toBe('2026-01-01T00:00:00.000Z');
      now += 2_000;
      await store.authenticate(secret);
      expect(await lastUsed()).toBe('2026-01-01T00:01:01.000Z');
    } finally {
      await db.close();
    }
  });
});
