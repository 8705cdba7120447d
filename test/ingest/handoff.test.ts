/**
 * The analysis hand-off is idempotent: importing the same conversation again
 * (a redelivered ingest job whose ack was lost with the connection) hands off
 * the same message id, which the table queue keeps once; a later import with
 * new data (a wrap-up, a new recording) is a new hand-off with a new id.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import { ConversationStore } from '../../src/conversations/index.js';
import type { GenesysClient } from '../../src/genesys/index.js';
import { ClientPool, ImportClaims, analysisMessageId, type AnalysisJob } from '../../src/ingest/index.js';
import { Importer } from '../../src/ingest/importer.js';
import { IngestMetrics } from '../../src/ingest/metrics.js';
import { configSchema } from '../../src/app/config.js';
import type { Db } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { createRegistry } from '../../src/platform/metrics/index.js';
import { FsObjectStore } from '../../src/platform/objects/index.js';
import { RetryLaterError, openQueue, type Message, type Queue } from '../../src/platform/queue/index.js';
import { TenantStore } from '../../src/tenants/index.js';
import { tempDir } from '../helpers/tmp.js';

const t = tempDir('hookline-handoff-');
const log = createLogger({ level: 'silent' });
const orgId = randomUUID();
const conversationId = randomUUID();
const tenant = TenantStore.normalize({ orgId, name: 'Handoff', genesys: { clientId: 'c', clientSecret: 's' } });

/** What the fake Genesys organization holds for the conversation; tests change it between imports. */
const genesys = {
  details: { conversationId, conversationStart: '2026-11-20T10:00:00.000Z', conversationEnd: '2026-11-20T10:05:00.000Z', participants: [] as unknown[] },
  recordings: [{ id: randomUUID(), bytes: Buffer.from('RIFF-first-recording') }],
};

const client = {
  analytics: { conversation: async () => structuredClone(genesys.details) },
  recordings: {
    list: async () => ({ ready: true, recordings: genesys.recordings.map((r) => ({ id: r.id, media: 'audio', fileState: 'AVAILABLE', mediaUris: { S: { mediaUri: `mem://${r.id}` } } })) }),
    download: async (uri: string) => ({ stream: Readable.from([genesys.recordings.find((r) => uri.endsWith(r.id))!.bytes]), contentType: 'audio/wav' }),
  },
} as unknown as GenesysClient;

let db: Db;
let queue: Queue;
let importer: Importer;
let deps: ConstructorParameters<typeof Importer>[0];
const analysis = 'handoff-analysis';

beforeAll(async () => {
  db = await openAppDatabase(`sqlite:${t.dir}/h.db`);
  queue = await openQueue('embedded', { db, logger: log }, { pollMs: 20 });
  deps = {
    tenant: (id) => (id === orgId ? tenant : undefined),
    clients: new ClientPool(log, () => client),
    store: new ConversationStore(db),
    objects: new FsObjectStore(`${t.dir}/objects`),
    queue,
    analysisQueue: analysis,
    settings: configSchema.parse({}).ingest,
    metrics: new IngestMetrics(createRegistry(false)),
    log,
    claims: new ImportClaims(db, { leaseMs: 30_000 }),
  };
  importer = new Importer(deps);
});
afterAll(async () => {
  await queue.close();
  await db.close();
  t.cleanup();
});

async function drain(expected: number): Promise<Message<AnalysisJob>[]> {
  const seen: Message<AnalysisJob>[] = [];
  const consumer = queue.consume<AnalysisJob>(analysis, async (m) => void seen.push(m), { concurrency: 1, maxAttempts: 1 });
  try {
    await vi.waitFor(() => expect(seen).toHaveLength(expected), { timeout: 5000, interval: 10 });
    await vi.waitFor(async () => expect(await queue.stats(analysis)).toEqual({ ready: 0, inFlight: 0, dead: 0 }), { timeout: 5000, interval: 10 });
  } finally {
    await consumer.close();
  }
  return seen;
}

describe('analysis hand-off', () => {
  it('is one message for the same import, however often it is imported', async () => {
    await importer.import(orgId, conversationId);
    await importer.import(orgId, conversationId); // the ingest job again, after a lost ack
    expect((await queue.stats(analysis)).ready).toBe(1);
    const [m] = await drain(1);
    expect(m?.key).toBe(`${orgId}:${conversationId}`);
    expect(m?.payload.importVersion).toMatch(/^[0-9a-f]{32}$/);
    expect(m?.id).toBe(analysisMessageId(orgId, conversationId, m!.payload.importVersion));
  });

  it('is a new message with a new id when the import found new data', async () => {
    await importer.import(orgId, conversationId);
    const [first] = await drain(1);
    genesys.details.participants = [{ participantId: randomUUID(), purpose: 'agent', sessions: [] }]; // a later wrap-up
    await importer.import(orgId, conversationId);
    genesys.recordings.push({ id: randomUUID(), bytes: Buffer.from('RIFF-second-recording') });
    await importer.import(orgId, conversationId);
    const [wrapUp, recording] = await drain(2);
    const ids = new Set([first?.id, wrapUp?.id, recording?.id]);
    expect(ids.size).toBe(3);
    expect(recording?.payload.recordings).toHaveLength(2);
  });

  it('writes nothing for a second ingest job of an imported call; a backfill re-imports', async () => {
    const other = randomUUID();
    let detailReads = 0;
    const counting = { ...client, analytics: { conversation: async () => (detailReads++, { ...structuredClone(genesys.details), conversationId: other }) } } as unknown as GenesysClient;
    const once = new Importer({ ...deps, clients: new ClientPool(log, () => counting) });
    const job = (source: 'ended' | 'gap' | 'backfill') => ({ id: randomUUID(), key: other, attempts: 1, payload: { tenant: orgId, conversationId: other, source } }) as unknown as Message<{ tenant: string; conversationId: string; source: 'ended' | 'gap' | 'backfill' }>;
    await once.handle(job('ended'));
    await once.handle(job('gap')); // the takeover's gap reconcile found it too
    expect(detailReads).toBe(1);
    await drain(1);
    await once.handle(job('backfill'));
    expect(detailReads).toBe(2);
  });

  it('hands off once when two jobs for the same call arrive at the same time (a takeover gap reconcile during the import); the second is retried, not lost', async () => {
    const other = randomUUID();
    let listed = 0;
    let secondSettled!: () => void;
    const settled = new Promise<void>((resolve) => (secondSettled = resolve));
    const racing = {
      ...client,
      analytics: { conversation: async () => ({ ...structuredClone(genesys.details), conversationId: other }) },
      recordings: {
        ...client.recordings,
        // The first import holds here until the second job has had its go: both are in flight together.
        list: async (...args: Parameters<GenesysClient['recordings']['list']>) => {
          if (++listed === 1) await settled;
          return client.recordings.list(...args);
        },
      },
    } as unknown as GenesysClient;
    const a = new Importer({ ...deps, clients: new ClientPool(log, () => racing) });
    const b = new Importer({ ...deps, clients: new ClientPool(log, () => racing) });
    const job = (source: 'ended' | 'gap', attempts = 1) => ({ id: randomUUID(), key: other, attempts, payload: { tenant: orgId, conversationId: other, source } }) as unknown as Message<{ tenant: string; conversationId: string; source: 'ended' | 'gap' }>;
    // Counted at publish: the embedded queue would fold two unacked messages with one id, RabbitMQ does not.
    const publish = vi.spyOn(queue, 'publish');
    try {
      const first = a.handle(job('ended'));
      const second = b.handle(job('gap')).finally(secondSettled);
      await expect(second).rejects.toBeInstanceOf(RetryLaterError);
      await first;
      await b.handle(job('gap', 2)); // the queue's retry: imported by now, acknowledged
      expect(listed).toBe(1);
      const handOffs = publish.mock.calls.filter(([name, payload]) => name === analysis && (payload as AnalysisJob).conversationId === other);
      expect(handOffs).toHaveLength(1);
    } finally {
      publish.mockRestore();
    }
  });
});
