/**
 * The tenant's notification source: `eventbridge` needs its secret (refused
 * naming the key otherwise), the secret goes only into the encrypted column
 * and `tenant show` masks it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { redactTenant } from '../../src/cli/tenant-settings.js';
import { SecretBox } from '../../src/platform/crypto/index.js';
import { TenantStore } from '../../src/tenants/index.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'eb-secret-0123456789abcdefWXYZ';

describe('tenant notifications setting', () => {
  it('defaults to the WebSocket', () => {
    expect(TenantStore.normalize({ orgId: randomUUID(), name: 'W' }).notifications).toEqual({ source: 'websocket' });
  });

  it.each([
    [{ source: 'eventbridge' }, /notifications\.eventbridge\.secret: required when source is eventbridge/],
    [{ source: 'eventbridge', eventbridge: { secret: 'short' } }, /notifications\.eventbridge\.secret: must be at least 24 characters/],
    [{ source: 'sqs' }, /notifications\.source: /],
  ])('refuses %j naming the key', (notifications, message) => {
    expect(() => TenantStore.normalize({ orgId: randomUUID(), name: 'E', notifications })).toThrow(message);
  });

  it('stores the secret encrypted, reads it back, and masks it for display', async () => {
    const t = tempDir('hookline-eb-tenant-');
    const db = await openAppDatabase(`sqlite:${t.dir}/t.db`);
    try {
      const store = new TenantStore(db, new SecretBox(randomBytes(32)));
      const orgId = randomUUID();
      await store.upsertTenant(TenantStore.normalize({ orgId, name: 'E', notifications: { source: 'eventbridge', eventbridge: { header: 'X-My-Key', secret: SECRET } } }), 'cli');
      const rows = await allTables(db).selectFrom('tenants').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(SECRET);
      const back = await store.getTenant(orgId);
      expect(back?.notifications).toEqual({ source: 'eventbridge', eventbridge: { header: 'x-my-key', secret: SECRET } });
      expect(JSON.stringify(redactTenant(back!))).not.toContain(SECRET.slice(0, 8));
      expect((redactTenant(back!).notifications as { eventbridge: { secret: string } }).eventbridge.secret).toBe('…WXYZ');
    } finally {
      await db.close();
      t.cleanup();
    }
  });
});
