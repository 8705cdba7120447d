/**
 * The per-conversation import claim, on SQLite and on PostgreSQL, with two
 * importers on two connections to one database (two replicas): one imports
 * and hands off, the other is deferred and acknowledges once the conversation
 * is imported; a crashed holder is taken over when its lease runs out; a hand-off
 * confirmed before a crash is not repeated; a stalled holder whose lease was
 * taken over does not hand off; a long import renews its lease.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { configSchema } from '../../src/app/config.js';
import { ConversationStore } from '../../src/conversations/index.js';
import type { GenesysClient } from '../../src/genesys/index.js';
import { ClientPool, ImportClaims, ImportDeferredError, Importer, analysisMessageId, type AnalysisJob, type IngestJob } from '../../src/ingest/index.js';
import { IngestMetrics } from '../../src/ingest/metrics.js';
import type { Db } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import { FsObjectStore } from '../../src/platform/objects/index.js';
import { openQueue, type Message, type PublishOptions, type Queue } from '../../src/platform/queue/index.js';
import { TenantStore } from '../../src/tenants/index.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-claims-');
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  t.cleanup();
  await dropPgSchema(pg.schema);
});

const log = createLogger({ level: 'silent' });
const orgId = randomUUID();
const tenant = TenantStore.normalize({ orgId, name: 'Claims', genesys: { clientId: 'c', clientSecret: 's' } });
const analysis = 'claims-analysis';
const LEASE_MS = 10_000;

/** A publish of the hand-off: held by `hold` (the test's hook at the critical point), then counted. */
type PublishHook = (conversationId: string) => Promise<void>;

/** One replica: its own database connection, queue and importer, sharing the test's clock. */
interface Replica {
  db: Db;
  queue: Queue;
  claims: ImportClaims;
  importer(over?: { client?: GenesysClient; store?: ConversationStore; claims?: ImportClaims; renewEveryMs?: number }): Importer;
}

/** What a fake Genesys organization answers for any conversation id; `fetches` counts detail reads. */
function genesys(hold: (what: 'list', conversationId: string) => Promise<void> = async () => undefined) {
  const fetches = new Map<string, number>();
  const client = {
    analytics: {
      conversation: async (id: string) => {
        fetches.set(id, (fetches.get(id) ?? 0) + 1);
        return { conversationId: id, conversationStart: '2026-11-20T10:00:00.000Z', conversationEnd: '2026-11-20T10:05:00.000Z', participants: [] };
      },
    },
    recordings: {
      list: async (id: string) => {
        await hold('list', id);
        return { ready: true, recordings: [{ id: `rec-${id}`, media: 'audio', fileState: 'AVAILABLE', mediaUris: { S: { mediaUri: `mem://${id}` } } }] };
      },
      download: async (uri: string) => ({ stream: Readable.from([Buffer.from(`RIFF-${uri}`)]), contentType: 'audio/wav' }),
    },
  } as unknown as GenesysClient;
  return { client, fetches };
}

const job = (conversationId: string, source: IngestJob['source'], attempts = 1): Message<IngestJob> => ({ id: randomUUID(), key: `${orgId}:${conversationId}`, attempts, payload: { tenant: orgId, conversationId, source } });

describe.each([
  ['SQLite', () => `sqlite:${t.dir}/claims.db`],
  ['PostgreSQL', () => pg.url],
])('import claim on %s', (_name, url) => {
  let clock = Date.parse('2026-11-20T10:10:00.000Z');
  const now = () => clock;
  /** Hand-offs published, by conversation, across both replicas. */
  const handOffs = new Map<string, AnalysisJob[]>();
  let onPublish: PublishHook = async () => undefined;
  let a: Replica;
  let b: Replica;

  async function replica(): Promise<Replica> {
    const db = await openAppDatabase(url());
    const real = await openQueue('embedded', { db, logger: log }, { pollMs: 20 });
    // Every hand-off passes the test's hook, then is counted at publish (RabbitMQ folds nothing by id).
    const publish = async <T,>(name: string, payload: T, options?: PublishOptions) => {
      if (name === analysis) {
        const p = payload as AnalysisJob;
        await onPublish(p.conversationId);
        handOffs.set(p.conversationId, [...(handOffs.get(p.conversationId) ?? []), p]);
        expect(options?.id).toBe(analysisMessageId(orgId, p.conversationId, p.importVersion));
      }
      return real.publish(name, payload, options);
    };
    const queue = new Proxy(real, { get: (target, prop) => (prop === 'publish' ? publish : (Reflect.get(target, prop, target) as unknown)) });
    const claims = new ImportClaims(db, { leaseMs: LEASE_MS, now });
    const store = new ConversationStore(db);
    const base = {
      tenant: (id: string) => (id === orgId ? tenant : undefined),
      objects: new FsObjectStore(`${t.dir}/objects`),
      queue,
      analysisQueue: analysis,
      settings: configSchema.parse({}).ingest,
      metrics: new IngestMetrics(createRegistry(false)),
      log,
    };
    const importer: Replica['importer'] = (over = {}) =>
      new Importer({ ...base, clients: new ClientPool(log, () => over.client ?? genesys().client), store: over.store ?? store, claims: over.claims ?? claims, renewEveryMs: over.renewEveryMs });
    return { db, queue: real, claims, importer };
  }

  beforeAll(async () => {
    a = await replica();
    b = await replica();
  });
  afterAll(async () => {
    for (const r of [a, b]) {
      await r?.queue.close();
      await r?.db.close();
    }
  });

  const imported = async (conversationId: string) => (await new ConversationStore(a.db).isImported(orgId, conversationId));

  it('two replicas racing one conversation: one hand-off, the other job deferred and then acknowledged as imported (many rounds)', async () => {
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const conversationId = randomUUID();
      const [first, second] = round % 2 === 0 ? [a.importer(), b.importer()] : [b.importer(), a.importer()];
      let runs: Promise<void>[] = [];
      // The critical point: the first hand-off waits until the other job has settled (it cannot be its own,
      // held right here), so both are in flight together at the hand-off.
      let published = 0;
      onPublish = async () => {
        if (published++ === 0) await Promise.race(runs.map((p) => p.catch(() => undefined)));
      };
      runs = [first.handle(job(conversationId, 'ended')), second.handle(job(conversationId, 'gap'))];
      const results = await Promise.allSettled(runs);
      expect(handOffs.get(conversationId), `round ${round}`).toHaveLength(1);
      const deferred = results.filter((r) => r.status === 'rejected');
      expect(deferred, `round ${round}`).toHaveLength(1);
      const reason = (deferred[0] as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(ImportDeferredError);
      expect((reason as ImportDeferredError).reason).toBe('claimed');
      expect((reason as ImportDeferredError).delayMs).toBeLessThanOrEqual(LEASE_MS);
      // The queue's retry of the deferred job: acknowledged, nothing handed off again.
      const loser = results[0]!.status === 'rejected' ? first : second;
      await loser.handle(job(conversationId, 'gap', 2));
      expect(handOffs.get(conversationId), `round ${round}`).toHaveLength(1);
      expect(await imported(conversationId)).toBe(true);
    }
    onPublish = async () => undefined;
  });

  it('a replica that died holding the claim is taken over once its lease runs out, and the conversation imported once', async () => {
    const conversationId = randomUUID();
    expect((await a.claims.acquire(orgId, conversationId, 'replica-that-died')).won).toBe(true);
    const g = genesys();
    const other = b.importer({ client: g.client });
    clock += LEASE_MS - 1;
    const early = other.handle(job(conversationId, 'gap'));
    await expect(early).rejects.toBeInstanceOf(ImportDeferredError);
    expect(g.fetches.get(conversationId)).toBeUndefined();
    clock += 1; // the dead replica's lease has run out
    await other.handle(job(conversationId, 'gap', 2));
    expect(g.fetches.get(conversationId)).toBe(1);
    expect(handOffs.get(conversationId)).toHaveLength(1);
    expect(await imported(conversationId)).toBe(true);
  });

  it('a consumer that died after the hand-off, before marking the conversation imported: the retry marks it, no second hand-off', async () => {
    const conversationId = randomUUID();
    const died = new Error('process killed');
    // Nothing after the hand-off runs: not the mark, not the release of the claim.
    const store = new ConversationStore(a.db);
    vi.spyOn(store, 'markImported').mockRejectedValue(died);
    const claims = new ImportClaims(a.db, { leaseMs: LEASE_MS, now });
    vi.spyOn(claims, 'release').mockRejectedValue(died);
    await expect(a.importer({ store, claims }).handle(job(conversationId, 'ended'))).rejects.toThrow(/process killed/);
    expect(handOffs.get(conversationId)).toHaveLength(1);
    expect(await imported(conversationId)).toBe(false);
    // The job comes back (its ack never came) on the other replica once the dead one's lease ran out.
    clock += LEASE_MS;
    const g = genesys();
    await b.importer({ client: g.client }).handle(job(conversationId, 'ended', 2));
    expect(handOffs.get(conversationId)).toHaveLength(1);
    expect(g.fetches.get(conversationId)).toBeUndefined();
    expect(await imported(conversationId)).toBe(true);
  });

  it('a holder stalled past its lease, taken over meanwhile, does not hand off', async () => {
    const conversationId = randomUUID();
    let resume!: () => void;
    const stalled = new Promise<void>((r) => (resume = r));
    let reached!: () => void;
    const atList = new Promise<void>((r) => (reached = r));
    const slow = genesys(async () => {
      reached();
      await stalled;
    });
    // A stall the renewals cannot cover (a frozen process): no renewal before the lease runs out.
    const first = a.importer({ client: slow.client, renewEveryMs: 3_600_000 }).handle(job(conversationId, 'ended'));
    await atList;
    clock += LEASE_MS;
    await b.importer().handle(job(conversationId, 'gap'));
    expect(handOffs.get(conversationId)).toHaveLength(1);
    resume();
    const err = await first.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ImportDeferredError);
    expect((err as ImportDeferredError).reason).toBe('claim-lost');
    expect(handOffs.get(conversationId)).toHaveLength(1);
  });

  it('a long import renews its lease: nobody takes it over while it works', async () => {
    const conversationId = randomUUID();
    let resume!: () => void;
    const stalled = new Promise<void>((r) => (resume = r));
    let reached!: () => void;
    const atList = new Promise<void>((r) => (reached = r));
    const slow = genesys(async () => {
      reached();
      await stalled;
    });
    const first = a.importer({ client: slow.client, renewEveryMs: 10 }).handle(job(conversationId, 'ended'));
    await atList;
    const leaseUntil = async () => Number((await allTables(a.db).selectFrom('ingest_import_claims').select('lease_until').where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).lease_until);
    // Twice half a lease: past the lease taken at the claim, so only renewals keep it.
    for (let step = 0; step < 2; step++) {
      clock += LEASE_MS / 2;
      await vi.waitFor(async () => expect(await leaseUntil()).toBe(clock + LEASE_MS), { timeout: 5000, interval: 10 });
    }
    const g = genesys();
    await expect(b.importer({ client: g.client }).handle(job(conversationId, 'gap'))).rejects.toBeInstanceOf(ImportDeferredError);
    expect(g.fetches.get(conversationId)).toBeUndefined();
    resume();
    await first;
    expect(handOffs.get(conversationId)).toHaveLength(1);
  });
});
