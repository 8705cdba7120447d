/**
 * The operations routes through Fastify inject, with tokens and with console
 * sessions: the webhook delivery log (paged, newest first, one tenant's) and
 * redelivery; ingest status with the tenant's own dead letters, retry, and
 * reconciliation. Viewers and read tokens cannot change anything; another
 * tenant's delivery or dead letter is "not found".
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BadRequestError, operationsRoutes, type IngestOperations } from '../../src/api/index.js';
import { ConversationStore } from '../../src/conversations/index.js';
import type { ReconcileReport } from '../../src/ingest/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { PermanentError, openQueue, type Consumer, type Queue } from '../../src/platform/queue/index.js';
import { DeliveryStore } from '../../src/webhooks/index.js';
import { consoleApp, cookieOf, type ConsoleApp } from '../console/fixtures.js';
import { at, importedCall } from './fixtures.js';

const PW = 'operations test password';
const QUEUE = 'test-ingest';

describe('operations routes', () => {
  let c: ConsoleApp;
  let A: string;
  let B: string;
  let queue: Queue;
  let consumer: Consumer;
  let deliveries: DeliveryStore;
  const runs: string[] = [];
  const report = (tenant: string): ReconcileReport => ({ id: randomUUID(), tenant, trigger: 'manual', windowStart: at(0), windowEnd: at(1), found: 3, alreadyImported: 1, enqueued: 2, failed: 0 });

  beforeAll(async () => {
    c = await consoleApp({}, true, async (db, read) => {
      deliveries = new DeliveryStore(db);
      queue = await openQueue('embedded', { db, logger: createLogger({ level: 'silent' }) });
      const ingest: IngestOperations = {
        queue,
        queueName: QUEUE,
        reports: async (orgId) => (runs.includes(orgId) ? [{ ...report(orgId), error: 'Genesys said no' }] : []),
        runNow: async (orgId) => {
          if (orgId === B) throw new BadRequestError(`tenant ${orgId} needs Genesys credentials and a monitored group to reconcile`);
          runs.push(orgId);
          return report(orgId);
        },
      };
      return operationsRoutes({ read, deliveries, ingest, now: () => Date.parse('2026-01-01T00:00:00Z') });
    });
    [A, B] = c.tenants.map((t) => t.orgId) as [string, string];
    await c.users.add({ username: 'viewer', password: PW, roles: [{ tenant: A, role: 'viewer' }] });
    await c.users.add({ username: 'admin', password: PW, roles: [{ tenant: A, role: 'admin' }] });
  });
  afterAll(async () => {
    await consumer?.close();
    await queue?.close();
    await c?.close();
  });

  let address = 0;
  const session = async (username: string) => {
    const r = await c.app.inject({ method: 'POST', url: '/console/api/login', payload: { username, password: PW }, remoteAddress: `10.1.0.${++address}` });
    expect(r.statusCode).toBe(200);
    return { cookie: `hookline_session=${cookieOf(r.headers['set-cookie'])}`, csrf: r.json<{ csrfToken: string }>().csrfToken };
  };
  const as = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf, 'sec-fetch-site': 'same-origin' });

  describe('webhook deliveries', () => {
    const conv = [randomUUID(), randomUUID(), randomUUID()];
    const attempt = (seq: number, status: 'delivered' | 'failed', minute: number) => ({ seq, type: 'conversation.created', status, attempts: 3, statusCode: status === 'failed' ? 500 : 200, error: status === 'failed' ? 'HTTP 500' : null, firstAttemptAt: at(minute), at: at(minute) });

    beforeAll(async () => {
      await deliveries.record({ tenant: A, endpoint: 'crm', conversationId: conv[0] as string }, attempt(1, 'delivered', 1));
      await deliveries.record({ tenant: A, endpoint: 'crm', conversationId: conv[1] as string }, attempt(1, 'failed', 3));
      await deliveries.record({ tenant: A, endpoint: 'crm', conversationId: conv[2] as string }, attempt(1, 'delivered', 2));
      await deliveries.record({ tenant: B, endpoint: 'crm', conversationId: conv[0] as string }, attempt(1, 'failed', 5));
    });

    it('lists one tenant\'s log newest first, paged without repeats, filtered by status', async () => {
      const { secret } = await c.tokens.create(A, 'reader', 'read');
      const auth = { authorization: `Bearer ${secret}` };
      const first = await c.app.inject({ url: '/api/v1/webhooks/deliveries?limit=2', headers: auth });
      expect(first.statusCode).toBe(200);
      const p1 = first.json<{ items: { conversationId: string; status: string; webhookId: string }[]; nextCursor: string }>();
      expect(p1.items.map((d) => d.conversationId)).toEqual([conv[1], conv[2]]);
      expect(p1.items[0]).toMatchObject({ status: 'failed', lastStatusCode: 500, webhookId: expect.stringMatching(/^msg_/) });
      const p2 = (await c.app.inject({ url: `/api/v1/webhooks/deliveries?limit=2&cursor=${p1.nextCursor}`, headers: auth })).json<{ items: { conversationId: string }[]; nextCursor: string | null }>();
      expect([p2.items.map((d) => d.conversationId), p2.nextCursor]).toEqual([[conv[0]], null]);
      const failed = (await c.app.inject({ url: '/api/v1/webhooks/deliveries?status=failed', headers: auth })).json<{ items: { conversationId: string }[] }>();
      expect(failed.items.map((d) => d.conversationId)).toEqual([conv[1]]);
      expect((await c.app.inject({ url: `/api/v1/webhooks/deliveries?tenant=${B}`, headers: auth })).statusCode).toBe(404);
      const bad = await c.app.inject({ url: '/api/v1/webhooks/deliveries?cursor=nonsense', headers: auth });
      expect([bad.statusCode, bad.json<{ error: string }>().error]).toEqual([400, 'cursor: not a cursor this API returned']);
    });

    it('redelivers for an admin session with the CSRF token; not for a viewer, without the token, or on another tenant', async () => {
      const viewer = await session('viewer');
      const admin = await session('admin');
      const listed = await c.app.inject({ url: `/api/v1/webhooks/deliveries?tenant=${A}&status=failed`, headers: { cookie: viewer.cookie } });
      expect(listed.statusCode).toBe(200);
      const id = listed.json<{ items: { id: string }[] }>().items[0]?.id as string;
      const url = `/api/v1/webhooks/deliveries/${id}/redeliver?tenant=${A}`;
      expect((await c.app.inject({ method: 'POST', url, headers: as(viewer) })).statusCode).toBe(403);
      expect((await c.app.inject({ method: 'POST', url, headers: { cookie: admin.cookie, 'sec-fetch-site': 'same-origin' } })).statusCode).toBe(403);
      // A tenant the admin has no role on.
      expect((await c.app.inject({ method: 'POST', url: `/api/v1/webhooks/deliveries/${id}/redeliver?tenant=${B}`, headers: as(admin) })).statusCode).toBe(403);
      // B's token with A's delivery id: scoped to B, where no such delivery exists.
      const { secret: bAdmin } = await c.tokens.create(B, 'admin', 'admin');
      expect((await c.app.inject({ method: 'POST', url: `/api/v1/webhooks/deliveries/${id}/redeliver`, headers: { authorization: `Bearer ${bAdmin}` } })).statusCode).toBe(404);
      expect((await deliveries.list({ tenant: A, status: 'failed' }, 10)).length).toBe(1);

      const ok = await c.app.inject({ method: 'POST', url, headers: as(admin) });
      expect([ok.statusCode, ok.json()]).toEqual([200, { queued: 1 }]);
      expect((await deliveries.list({ tenant: A, status: 'pending' }, 10)).map((d) => d.conversation_id)).toEqual([conv[1]]);
      // B's failed delivery of the same conversation id was not touched.
      expect((await deliveries.list({ tenant: B, status: 'failed' }, 10)).length).toBe(1);
      const bad = await c.app.inject({ method: 'POST', url: `/api/v1/webhooks/deliveries/xyz/redeliver?tenant=${A}`, headers: as(admin) });
      expect([bad.statusCode, bad.json<{ error: string }>().error]).toEqual([400, 'id: not a cursor this API returned']);
    });
  });

  describe('ingest', () => {
    const mine = randomUUID();
    const theirs = randomUUID();

    beforeAll(async () => {
      consumer = queue.consume<{ tenant: string; conversationId: string }>(QUEUE, async (m) => {
        throw new PermanentError(`tenant ${m.payload.tenant} has no Genesys credentials`);
      }, { concurrency: 1, maxAttempts: 3 });
      await queue.publish(QUEUE, { tenant: A, conversationId: mine });
      await queue.publish(QUEUE, { tenant: B, conversationId: theirs });
      await vi.waitFor(async () => expect(await queue.deadLetters(QUEUE)).toHaveLength(2), { timeout: 5000, interval: 20 });
      // Nothing consumes from here on: a retried letter stays queued where the test can see it.
      await consumer.close();
      await importedCall(new ConversationStore(c.db), A, randomUUID(), randomUUID(), at(7));
    });

    it('shows the queue, the tenant\'s own dead letters with the reason, and its recent imports', async () => {
      const viewer = await session('viewer');
      const r = await c.app.inject({ url: `/api/v1/ingest/status?tenant=${A}`, headers: { cookie: viewer.cookie } });
      expect(r.statusCode).toBe(200);
      const s = r.json<{ queue: unknown; deadLetters: { conversationId: string; reason: string }[]; recentImports: unknown[] }>();
      expect(s.queue).toEqual({ kind: 'table', ready: 0, inFlight: 0, dead: 2 });
      expect(s.deadLetters).toEqual([expect.objectContaining({ conversationId: mine, reason: `tenant ${A} has no Genesys credentials`, attempts: 1 })]);
      expect(s.recentImports).toHaveLength(1);
    });

    it('retries a dead letter for an admin only, and only the tenant\'s own', async () => {
      const viewer = await session('viewer');
      const admin = await session('admin');
      const letters = await queue.deadLetters<{ tenant: string }>(QUEUE);
      const ours = letters.find((l) => l.payload.tenant === A)?.id as string;
      const other = letters.find((l) => l.payload.tenant === B)?.id as string;
      const retry = (id: string, s: { cookie: string; csrf: string }) => c.app.inject({ method: 'POST', url: `/api/v1/ingest/dead-letters/${id}/retry?tenant=${A}`, headers: as(s) });
      expect((await retry(ours, viewer)).statusCode).toBe(403);
      const foreign = await retry(other, admin);
      expect([foreign.statusCode, foreign.json<{ error: string }>().error]).toEqual([404, `id: no dead letter ${other} of this tenant`]);
      expect(await queue.deadLetters(QUEUE)).toHaveLength(2);

      const ok = await retry(ours, admin);
      expect([ok.statusCode, ok.json()]).toEqual([200, { queued: 1 }]);
      expect((await queue.deadLetters<{ tenant: string }>(QUEUE)).map((l) => l.payload.tenant)).toEqual([B]);
      expect((await queue.stats(QUEUE)).ready).toBe(1);
    });

    it('runs a reconciliation now for an admin, answers its report, and lists reports', async () => {
      const viewer = await session('viewer');
      const admin = await session('admin');
      const url = `/api/v1/ingest/reconcile?tenant=${A}`;
      expect((await c.app.inject({ method: 'POST', url, headers: as(viewer) })).statusCode).toBe(403);
      expect(runs).toEqual([]);
      const ok = await c.app.inject({ method: 'POST', url, headers: as(admin) });
      expect([ok.statusCode, ok.json()]).toEqual([200, expect.objectContaining({ trigger: 'manual', found: 3, enqueued: 2, error: null })]);
      expect(runs).toEqual([A]);
      const list = await c.app.inject({ url: `/api/v1/ingest/reconciliations?tenant=${A}`, headers: { cookie: viewer.cookie } });
      expect(list.json<{ items: unknown[] }>().items).toEqual([expect.objectContaining({ error: 'Genesys said no' })]);
      // A tenant that cannot be reconciled: the reason, as a 400.
      const { secret } = await c.tokens.create(B, 'admin', 'admin');
      const refused = await c.app.inject({ method: 'POST', url: '/api/v1/ingest/reconcile', headers: { authorization: `Bearer ${secret}` } });
      expect([refused.statusCode, refused.json<{ error: string }>().error]).toEqual([400, expect.stringContaining('needs Genesys credentials')]);
    });
  });
});
