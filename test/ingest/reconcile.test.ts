/**
 * The nightly Reconciler on stubbed Genesys, store and queue: windows split
 * into 7-day chunks, users in groups of 100, results outside the window and
 * repeats dropped, imported conversations skipped, and a chunk past the
 * 10,000-result paging limit read through an async analytics job.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import type { ConversationStore } from '../../src/conversations/index.js';
import { PagingLimitError, type AnalyticsConversation, type GenesysClient } from '../../src/genesys/index.js';
import { ClientPool } from '../../src/ingest/clients.js';
import { IngestMetrics } from '../../src/ingest/metrics.js';
import { Reconciler } from '../../src/ingest/reconcile.js';
import type { Db } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import type { Queue } from '../../src/platform/queue/index.js';
import type { Tenant } from '../../src/tenants/index.js';
import type { Directory } from '../../src/tracking/index.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 24 * 3600_000;
const log = createLogger({ level: 'silent' });
const orgId = randomUUID();
const tenant = { orgId, genesys: { clientId: 'c', clientSecret: 's', apiUrl: 'http://127.0.0.1:1', loginUrl: 'http://127.0.0.1:1' } } as unknown as Tenant;

interface Query {
  interval: string;
  userIds: string[];
  paging?: unknown;
}

/** Records every query (interval, user ids) and answers it with `answer`; async jobs return `jobResults`. */
function fakeClient(answer: (q: Query) => AnalyticsConversation[] | PagingLimitError, jobResults: AnalyticsConversation[] = []) {
  const queries: Query[] = [];
  const jobs: Record<string, unknown>[] = [];
  const userIdsOf = (q: Record<string, unknown>): string[] =>
    JSON.stringify(q)
      .match(/"dimension":"userId","operator":"matches","value":"[^"]+"/g)
      ?.map((m) => m.slice(m.lastIndexOf(':') + 2, -1)) ?? [];
  const client = {
    analytics: {
      async *query(q: Record<string, unknown>) {
        const rec: Query = { interval: q.interval as string, userIds: userIdsOf(q), paging: q.paging };
        queries.push(rec);
        const a = answer(rec);
        if (a instanceof PagingLimitError) throw a;
        yield* a;
      },
      jobs: {
        submit: async (q: Record<string, unknown>) => (jobs.push(q), 'job-1'),
        waitFor: async () => undefined,
        async *results() {
          yield* jobResults;
        },
      },
    },
  } as unknown as GenesysClient;
  return { client, queries, jobs };
}

const conv = (id: string, endMs: number) => ({ conversationId: id, conversationStart: new Date(endMs - 60_000).toISOString(), conversationEnd: new Date(endMs).toISOString() }) as AnalyticsConversation;

describe('Reconciler', () => {
  let db: Db;
  let dir: ReturnType<typeof tempDir>;
  const published: string[] = [];
  beforeEach(async () => {
    dir = tempDir('hookline-reconcile-');
    db = await openAppDatabase(`sqlite:${dir.dir}/r.db`);
    published.length = 0;
  });
  afterEach(async () => {
    await db.close();
    dir.cleanup();
  });

  function reconciler(client: GenesysClient, users: string[], imported: Set<string>, now: number) {
    const queue = { publish: async (_q: string, job: { conversationId: string }) => void published.push(job.conversationId) } as unknown as Queue;
    const store = { importedAmong: async (_o: string, ids: string[]) => new Set(ids.filter((id) => imported.has(id))) } as unknown as ConversationStore;
    const directory = { monitored: async () => users.map((userId) => ({ userId })) } as unknown as Directory;
    return new Reconciler({
      tenant: (o) => (o === orgId ? tenant : undefined),
      clients: new ClientPool(log, () => client),
      store,
      directory,
      queue,
      ingestQueue: 'ingest',
      db,
      metrics: new IngestMetrics(createRegistry(false)),
      log,
      settleMs: 0,
      now: () => now,
    });
  }

  it('splits a 20-day window into 7-day chunks and users into groups of 100, keeping only the window, once each, and queues what is not imported', async () => {
    const from = Date.UTC(2026, 0, 1);
    const to = from + 20 * DAY;
    const users = Array.from({ length: 150 }, () => randomUUID());
    const f = fakeClient((q) => {
      const start = Date.parse(q.interval.split('/')[0] as string);
      // Every query answers one conversation of its own chunk, one repeated everywhere, and one just outside the window.
      return [conv(`c-${start}-${q.userIds.length}`, start + DAY), conv('everywhere', from + 3 * DAY), conv('outside', to + 1)];
    });
    const report = await reconciler(f.client, users, new Set([`c-${from}-100`]), to + DAY).run(orgId, new Date(from), new Date(to), 'manual');
    expect(f.queries.map((q) => q.interval)).toEqual(
      [0, 0, 7, 7, 14, 14].map((d) => `${new Date(from + d * DAY).toISOString()}/${new Date(Math.min(from + (d + 7) * DAY, to)).toISOString()}`),
    );
    expect(f.queries.map((q) => q.userIds.length)).toEqual([100, 50, 100, 50, 100, 50]);
    expect(new Set(f.queries.flatMap((q) => q.userIds))).toEqual(new Set(users));
    // 6 per-query conversations + "everywhere"; "outside" ended after the window.
    expect(report).toMatchObject({ found: 7, alreadyImported: 1, enqueued: 6, failed: 0 });
    expect(published.sort()).toEqual([...new Set(f.queries.map((q) => `c-${Date.parse(q.interval.split('/')[0] as string)}-${q.userIds.length}`)), 'everywhere'].filter((id) => id !== `c-${from}-100`).sort());
    const [row] = await reconciler(f.client, users, new Set(), to).reports(orgId);
    expect(row).toMatchObject({ id: report.id, found: 7, alreadyImported: 1, enqueued: 6, trigger: 'manual' });
  });

  it('reads a chunk past the 10,000-result paging limit through an async job', async () => {
    const from = Date.UTC(2026, 1, 1);
    const to = from + DAY;
    const big = Array.from({ length: 3 }, (_, i) => conv(`big-${i}`, from + (i + 1) * 3600_000));
    const f = fakeClient(() => new PagingLimitError(12_000, 10_000), big);
    const report = await reconciler(f.client, ['u1'], new Set(), to + DAY).run(orgId, new Date(from), new Date(to), 'nightly');
    expect(report.error).toBeUndefined();
    expect(f.jobs).toHaveLength(1);
    expect(f.jobs[0]).not.toHaveProperty('paging');
    expect(f.jobs[0]?.interval).toBe(`${new Date(from).toISOString()}/${new Date(to).toISOString()}`);
    expect(report).toMatchObject({ found: 3, enqueued: 3 });
    expect(published.sort()).toEqual(['big-0', 'big-1', 'big-2']);
  });

  it('never reads past now minus the settle time', async () => {
    const from = Date.UTC(2026, 2, 1);
    const now = from + DAY;
    const f = fakeClient(() => []);
    const report = await reconciler(f.client, ['u1'], new Set(), now).run(orgId, new Date(from), new Date(now + 5 * DAY), 'manual');
    expect(report.windowEnd).toBe(new Date(now).toISOString());
    expect(f.queries.map((q) => q.interval)).toEqual([`${new Date(from).toISOString()}/${new Date(now).toISOString()}`]);
  });
});
