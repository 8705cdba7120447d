/**
 * Webhook delivery on SQLite and PostgreSQL, in virtual time: order per
 * conversation, retries through a receiver outage, the retry limit, filters,
 * replicas sharing one outbox, and writers never waiting for an endpoint.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { LiveStore, type Observation } from '../../src/conversations/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import type { Db } from '../../src/platform/db/index.js';
import type { Tenant, WebhookConfig } from '../../src/tenants/index.js';
import { webhooksSchema } from '../../src/webhooks/config.js';
import { DeliveryStore, WebhookDispatcher, webhookId, type TenantSource } from '../../src/webhooks/index.js';
import { snapshots, timeline } from '../conversations/live/scripted.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';
import { startReceiver, verify, type Received, type TestReceiver } from './receiver.js';

const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
});

const log = createLogger({ level: 'silent' });
const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Sent {
  conversationId: string;
  seq: number;
  type: string;
}
const sent = (r: { body: string }): Sent => {
  const e = JSON.parse(r.body) as Sent;
  return { conversationId: e.conversationId, seq: e.seq, type: e.type };
};

function tenants(orgId: string, hooks: WebhookConfig[]): TenantSource {
  const t = { orgId, name: 'Acme', webhooks: hooks } as unknown as Tenant;
  return { all: () => [t], tenant: (id) => (id === orgId ? t : undefined) };
}

const hook = (name: string, url: string, o: Partial<WebhookConfig> = {}): WebhookConfig => ({ name, url, secret: secret(), events: ['*'], enabled: true, ...o });

/** Writes events straight into the outbox, as LiveStore would. */
async function addEvents(db: Db, orgId: string, conversationId: string, types: string[], recordedAt: number, from = 1): Promise<void> {
  const at = new Date(recordedAt).toISOString();
  await allTables(db)
    .insertInto('conversation_events')
    .values(types.map((type, i) => ({ tenant_id: orgId, conversation_id: conversationId, seq: from + i, type, occurred_at: at, recorded_at: at, payload: JSON.stringify({ version: 1, tenant: orgId, conversationId, seq: from + i, type, occurredAt: at }) })))
    .execute();
}

const TYPES = ['conversation.created', 'participant.added', 'agent.connected', 'agent.disconnected', 'conversation.ended'];

describe.each([
  ['sqlite', () => `sqlite:${tmp.dir}/webhooks.db`],
  ['postgres', () => pg.url],
])('webhook delivery on %s', (_name, url) => {
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = await openAppDatabase(url());
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  async function withReceivers<T>(n: number, clock: () => number, fn: (r: TestReceiver[]) => Promise<T>): Promise<T> {
    const rs = await Promise.all(Array.from({ length: n }, () => startReceiver(() => 200, clock)));
    try {
      return await fn(rs);
    } finally {
      await Promise.all(rs.map((r) => r.close()));
    }
  }

  function dispatcher(db: Db, source: TenantSource, now: () => number, replicaId = 'r1', config: Record<string, unknown> = {}) {
    return new WebhookDispatcher({ db, tenants: source, config: webhooksSchema.parse(config), replicaId, log, registry: createRegistry(false), now, random: () => 0.5 });
  }

  /** Runs the dispatcher through virtual time in steps until `done` or `endAt`. */
  async function runUntil(d: WebhookDispatcher[], clock: { t: number }, stepMs: number, endAt: number, done: () => boolean = () => false): Promise<void> {
    while (clock.t <= endAt && !done()) {
      await Promise.all(d.map((x) => x.runOnce()));
      clock.t += stepMs;
    }
  }

  it('a receiver down for 10 minutes gets every event afterwards, in order per conversation, signed, each delivered once', async () => {
    const orgId = randomUUID();
    const clock = { t: T0 };
    const now = () => clock.t;
    await withDb((db) =>
      withReceivers(1, now, async ([r]) => {
        const rec = r as TestReceiver;
        rec.respond = (q) => (q.at < T0 + 10 * MIN ? 500 : 200);
        const h = hook('crm', rec.url);
        const [a, b] = [randomUUID(), randomUUID()];
        await addEvents(db, orgId, a, TYPES, T0);
        await addEvents(db, orgId, b, TYPES.slice(0, 3), T0);
        const d = dispatcher(db, tenants(orgId, [h]), now);
        const ok = () => rec.requests.filter((q) => q.status === 200);
        await runUntil([d], clock, 5000, T0 + 2 * HOUR, () => ok().length >= 8);
        // While it was down, only each conversation's first event was tried: later ones waited behind it.
        const failed = rec.requests.filter((q) => q.status === 500);
        expect(failed.length).toBeGreaterThan(4);
        expect(new Set(failed.map((q) => sent(q).seq))).toEqual(new Set([1]));
        // Then everything, in order per conversation, once each.
        expect(ok().map(sent).filter((e) => e.conversationId === a).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(ok().map(sent).filter((e) => e.conversationId === b).map((e) => e.seq)).toEqual([1, 2, 3]);
        const ids = ok().map((q) => q.headers['webhook-id']);
        expect(new Set(ids).size).toBe(8);
        for (const q of rec.requests) expect(verify(h.secret, q, q.at)).toEqual(JSON.parse(q.body));
        // Retries of one event keep its webhook-id.
        expect(new Set(failed.filter((q) => sent(q).conversationId === a).map((q) => q.headers['webhook-id']))).toEqual(new Set([webhookId(orgId, 'crm', a, 1)]));
        expect(rec.requests[0]?.headers['user-agent']).toMatch(/^hookline\/\d/);
        expect(rec.requests[0]?.headers['content-type']).toBe('application/json');
        // Nothing more once caught up.
        const before = rec.requests.length;
        await runUntil([d], clock, 5 * MIN, clock.t + HOUR);
        expect(rec.requests.length).toBe(before);
        const log = await new DeliveryStore(db).list({ tenant: orgId }, 100);
        expect(log.filter((x) => x.status === 'delivered')).toHaveLength(8);
        expect(log.find((x) => x.conversation_id === a && x.seq === 1)).toMatchObject({ attempts: failed.filter((q) => sent(q).conversationId === a).length + 1, last_status_code: 200 });
      }),
    );
  });

  it('a failing event holds back its own conversation only, never another conversation or endpoint', async () => {
    const orgId = randomUUID();
    const clock = { t: T0 };
    const now = () => clock.t;
    await withDb((db) =>
      withReceivers(2, now, async ([r1, r2]) => {
        const [one, two] = [r1 as TestReceiver, r2 as TestReceiver];
        const [a, b] = [randomUUID(), randomUUID()];
        one.respond = (q) => (sent(q).conversationId === a ? 503 : 200);
        await addEvents(db, orgId, a, TYPES.slice(0, 3), T0);
        await addEvents(db, orgId, b, TYPES.slice(0, 1), T0);
        const d = dispatcher(db, tenants(orgId, [hook('one', one.url), hook('two', two.url)]), now);
        await runUntil([d], clock, 10_000, T0 + 10 * MIN);
        // A is waiting minutes for its next retry; B's new events go out at once.
        await addEvents(db, orgId, b, TYPES.slice(1, 3), clock.t, 2);
        await d.runOnce();
        const okOne = one.requests.filter((q) => q.status === 200).map(sent);
        expect(okOne.map((e) => [e.conversationId, e.seq])).toEqual([[b, 1], [b, 2], [b, 3]]);
        expect(new Set(one.requests.filter((q) => q.status === 503).map((q) => sent(q).seq))).toEqual(new Set([1]));
        expect(two.requests.map(sent).filter((e) => e.conversationId === a).map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(two.requests.map(sent).filter((e) => e.conversationId === b).map((e) => e.seq)).toEqual([1, 2, 3]);
      }),
    );
  });

  it('gives an event up as failed after retryForSeconds (24 h), moves on, and redeliver sends it again with the same webhook-id', async () => {
    const orgId = randomUUID();
    const clock = { t: T0 };
    const now = () => clock.t;
    await withDb((db) =>
      withReceivers(1, now, async ([r]) => {
        const rec = r as TestReceiver;
        const a = randomUUID();
        let down = true;
        rec.respond = (q) => (down && sent(q).seq === 1 ? 500 : 200);
        await addEvents(db, orgId, a, TYPES.slice(0, 3), T0);
        const d = dispatcher(db, tenants(orgId, [hook('crm', rec.url)]), now);
        await runUntil([d], clock, 10 * MIN, T0 + 23 * HOUR);
        expect(rec.requests.filter((q) => q.status === 200)).toEqual([]);
        await runUntil([d], clock, 10 * MIN, T0 + 27 * HOUR);
        const store = new DeliveryStore(db);
        const [first] = await store.list({ tenant: orgId, seq: 1 }, 10);
        expect(first).toMatchObject({ status: 'failed', last_status_code: 500 });
        expect(first?.last_error).toMatch(/still failing \d+ s after the first attempt \(retryForSeconds 86400\); last: HTTP 500/);
        expect(Date.parse(first?.last_attempt_at ?? '') - Date.parse(first?.first_attempt_at ?? '')).toBeGreaterThanOrEqual(24 * HOUR);
        expect(rec.requests.filter((q) => q.status === 200).map((q) => sent(q).seq)).toEqual([2, 3]);
        down = false;
        const failedId = rec.requests[0]?.headers['webhook-id'];
        expect(await store.redeliver({ tenant: orgId, endpoint: 'crm', status: 'failed' }, new Date(clock.t).toISOString())).toBe(1);
        await d.runOnce();
        const again = rec.requests.at(-1) as Received;
        expect([sent(again).seq, again.status, again.headers['webhook-id']]).toEqual([1, 200, failedId]);
        expect((await store.list({ tenant: orgId, seq: 1 }, 10))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
        // A delivered event can be sent again too; the stream does not go back over the others.
        expect(await store.redeliver({ tenant: orgId, endpoint: 'crm', conversationId: a, seq: 3 }, new Date(clock.t).toISOString())).toBe(1);
        const n = rec.requests.length;
        await d.runOnce();
        expect(rec.requests.slice(n).map((q) => [sent(q).seq, q.headers['webhook-id']])).toEqual([[3, webhookId(orgId, 'crm', a, 3)]]);
      }),
    );
  });

  it('two replicas over one outbox deliver each event exactly once, in order per conversation', async () => {
    const orgId = randomUUID();
    const clock = { t: T0 };
    const now = () => clock.t;
    const second = url().startsWith('sqlite:') ? undefined : await openAppDatabase(url());
    try {
      await withDb((db) =>
        withReceivers(1, now, async ([r]) => {
          const rec = r as TestReceiver;
          rec.delayMs = 5;
          const conversations = Array.from({ length: 12 }, () => randomUUID());
          for (const c of conversations) await addEvents(db, orgId, c, TYPES.slice(0, 4), T0);
          const source = tenants(orgId, [hook('crm', rec.url)]);
          const replicas = [dispatcher(db, source, now, 'replica-a', { concurrency: 4, perEndpointConcurrency: 4 }), dispatcher(second ?? db, source, now, 'replica-b', { concurrency: 4, perEndpointConcurrency: 4 })];
          await runUntil(replicas, clock, 1000, T0 + 5 * MIN, () => rec.requests.length >= 48);
          await Promise.all(replicas.map((x) => x.runOnce()));
          expect(rec.requests).toHaveLength(48);
          expect(new Set(rec.requests.map((q) => q.headers['webhook-id'])).size).toBe(48);
          for (const c of conversations) expect(rec.requests.map(sent).filter((e) => e.conversationId === c).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        }),
      );
    } finally {
      await second?.close();
    }
  });

  it('sends only the event types an endpoint asks for; the others move its stream on without a request or a log row', async () => {
    const orgId = randomUUID();
    const clock = { t: T0 };
    const now = () => clock.t;
    await withDb((db) =>
      withReceivers(1, now, async ([r]) => {
        const rec = r as TestReceiver;
        const a = randomUUID();
        await addEvents(db, orgId, a, TYPES, T0);
        const d = dispatcher(db, tenants(orgId, [hook('agents', rec.url, { events: ['agent.*', 'conversation.ended'] })]), now);
        await d.runOnce();
        expect(rec.requests.map((q) => sent(q).type)).toEqual(['agent.connected', 'agent.disconnected', 'conversation.ended']);
        expect((await new DeliveryStore(db).list({ tenant: orgId }, 10)).map((x) => x.event_type).sort()).toEqual(['agent.connected', 'agent.disconnected', 'conversation.ended']);
        // New events later on the same conversation are found and sent too.
        await addEvents(db, orgId, a, ['participant.added', 'agent.connected'], T0 + MIN, 6);
        clock.t += MIN;
        await d.runOnce();
        expect(rec.requests.map((q) => sent(q).seq)).toEqual([3, 4, 5, 7]);
      }),
    );
  });

  it('an endpoint that never answers does not delay LiveStore.apply', async () => {
    const orgId = randomUUID();
    await withDb((db) =>
      withReceivers(1, Date.now, async ([r]) => {
        const rec = r as TestReceiver;
        rec.respond = () => 'hang';
        const d = dispatcher(db, tenants(orgId, [hook('slow', rec.url)]), Date.now, 'r1', { sweepIntervalSeconds: 3600, timeoutSeconds: 3600 });
        const live = new LiveStore(db, { onCommit: () => d.wake() });
        d.start();
        try {
          const obs = snapshots(timeline('consult-transfer', randomUUID())).map((x): Observation => ({ kind: 'snapshot', snapshot: x.snapshot }));
          await live.apply(orgId, obs[0] as Observation);
          // The commit woke delivery (no sweep is due for an hour) and its request hangs.
          await until(() => rec.requests.length > 0, 5000, 'the hanging request');
          let applied = 0;
          for (const o of obs.slice(1)) applied += (await live.apply(orgId, o)).length;
          expect(applied).toBeGreaterThan(3);
          expect(rec.requests).toHaveLength(1);
        } finally {
          await d.stop(0);
        }
      }),
    );
  });
});
