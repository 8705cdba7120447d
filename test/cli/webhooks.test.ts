/**
 * `hookline webhooks deliveries|redeliver` against a database a dispatcher
 * wrote: the log as a table/JSON, a failed event sent again with its webhook-id.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import type { Tenant } from '../../src/tenants/index.js';
import { webhooksSchema } from '../../src/webhooks/config.js';
import { WebhookDispatcher, webhookId } from '../../src/webhooks/index.js';
import { runCli, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';
import { startReceiver } from '../webhooks/receiver.js';

const t = tempDir('hookline-cli-webhooks-');
afterAll(() => t.cleanup());
const database = `sqlite:${t.dir}/h.db`;
const config = writeConfig(t.dir, { dataDir: t.dir, database, logging: { level: 'warn' }, security: { masterKey: randomBytes(32).toString('base64') } });
const cli = (...args: string[]) => runCli(['--config', config, ...args]);

describe('hookline webhooks', () => {
  it('lists the delivery log and redelivers a failed event with the same webhook-id', async () => {
    const orgId = randomUUID();
    const conversationId = randomUUID();
    let clock = Date.parse('2026-03-01T12:00:00.000Z');
    const receiver = await startReceiver(() => 500, () => clock);
    const db = await openAppDatabase(database);
    try {
      const at = new Date(clock).toISOString();
      await allTables(db)
        .insertInto('conversation_events')
        .values({ tenant_id: orgId, conversation_id: conversationId, seq: 1, type: 'conversation.created', occurred_at: at, recorded_at: at, payload: JSON.stringify({ version: 1, tenant: orgId, conversationId, seq: 1, type: 'conversation.created', occurredAt: at }) })
        .execute();
      const tenant = { orgId, name: 'Acme', webhooks: [{ name: 'crm', url: receiver.url, secret: `whsec_${randomBytes(32).toString('base64')}`, events: ['*'], enabled: true }] } as unknown as Tenant;
      const d = new WebhookDispatcher({ db, tenants: { all: () => [tenant], tenant: () => tenant }, config: webhooksSchema.parse({ retryForSeconds: 60 }), replicaId: 'r', log: createLogger({ level: 'silent' }), registry: createRegistry(false), now: () => clock });
      for (; clock < Date.parse('2026-03-01T12:05:00.000Z'); clock += 10_000) await d.runOnce();
      const id = webhookId(orgId, 'crm', conversationId, 1);
      expect(new Set(receiver.requests.map((q) => q.headers['webhook-id']))).toEqual(new Set([id]));

      const listed = cli('webhooks', 'deliveries', '--tenant', orgId.toUpperCase(), '--status', 'failed', '--json');
      expect(listed.stderr).toBe('');
      expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ endpoint: 'crm', conversationId, seq: 1, status: 'failed', code: 500, webhookId: id, error: expect.stringMatching(/retryForSeconds 60.*HTTP 500: status 500 from the test receiver/) })]);
      expect(cli('webhooks', 'deliveries', '--tenant', orgId).stdout).toMatch(/^endpoint\s+conversationId\s+seq\s+type\s+status[\s\S]*crm\s+\S+\s+1\s+conversation\.created\s+failed/);

      const bad = cli('webhooks', 'redeliver', '--tenant', orgId, '--endpoint', 'crm');
      expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('give either --conversation <id> [--seq N] or --failed [--since ISO]')]);
      const r = cli('webhooks', 'redeliver', '--tenant', orgId, '--endpoint', 'crm', '--failed', '--since', '2026-03-01T00:00:00Z');
      expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('1 event(s) queued')]);

      receiver.respond = () => 200;
      clock = Date.now() + 1000; // the CLI queued it at its own (real) now
      await d.runOnce();
      expect(receiver.requests.at(-1)).toMatchObject({ status: 200, headers: expect.objectContaining({ 'webhook-id': id }) });
      expect(JSON.parse(cli('webhooks', 'deliveries', '--tenant', orgId, '--json').stdout)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    } finally {
      await db.close();
      await receiver.close();
    }
  });
});
