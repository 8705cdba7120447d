/**
 * The analysis routes through Fastify inject: a conversation's post-call
 * analysis for read tokens of its tenant only, and re-analysis on demand for
 * admins, which queues a forced job from the stored recordings.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisStore, type AnalysisRequest, type PostCallAnalysis } from '../../src/analysis/index.js';
import { analysisOperations, analysisRoutes } from '../../src/api/index.js';
import { ConversationStore } from '../../src/conversations/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { openQueue, type Message, type Queue } from '../../src/platform/queue/index.js';
import { until } from '../helpers/until.js';
import { consoleApp, type ConsoleApp } from '../console/fixtures.js';
import { at, importedCall } from './fixtures.js';

const QUEUE = 'test-analysis';

describe('analysis routes', () => {
  let c: ConsoleApp;
  let A: string;
  let B: string;
  let queue: Queue;
  let store: AnalysisStore;
  const analysed = randomUUID();
  const imported = randomUUID();
  const analysis: PostCallAnalysis = {
    importVersion: 'v1',
    recordings: [{ recordingId: 'r1', format: 'WAV_ULAW', status: 'done', phrases: [], findings: [] }],
    metrics: { durationMs: 1000, parties: {}, silenceMs: 1000, longestSilenceMs: 1000, overtalkMs: 0 },
    phrases: [],
    findings: [{ rule: 'long-silence', kind: 'silence', startMs: 0, endMs: 1000, evidence: { seconds: 1 } }],
  };

  beforeAll(async () => {
    c = await consoleApp({}, true, async (db) => {
      store = new AnalysisStore(db);
      queue = await openQueue('embedded', { db, logger: createLogger({ level: 'silent' }) });
      const conversations = new ConversationStore(db);
      const recordings = async (t: string, id: string) => (await conversations.get(t, id))?.recordings;
      return analysisRoutes(analysisOperations(store, { queue, queueName: QUEUE, recordings }));
    });
    [A, B] = c.tenants.map((t) => t.orgId) as [string, string];
    await store.save(A, analysed, 'done', analysis, null, at(5));
    await importedCall(new ConversationStore(c.db), A, imported, randomUUID(), at(1));
  });
  afterAll(async () => {
    await queue?.close();
    await c?.close();
  });

  it("answers the tenant's own analysis; another tenant's or a missing one is not found", async () => {
    const { secret } = await c.tokens.create(A, 'reader', 'read');
    const r = await c.app.inject({ url: `/api/v1/conversations/${analysed.toUpperCase()}/analysis`, headers: { authorization: `Bearer ${secret}` } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ conversationId: analysed, status: 'done', runs: 1, findings: [{ rule: 'long-silence' }], comparison: null });
    const { secret: other } = await c.tokens.create(B, 'reader', 'read');
    expect((await c.app.inject({ url: `/api/v1/conversations/${analysed}/analysis`, headers: { authorization: `Bearer ${other}` } })).statusCode).toBe(404);
    expect((await c.app.inject({ url: `/api/v1/conversations/${randomUUID()}/analysis`, headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(404);
  });

  it('queues a forced re-analysis from the stored recordings, for admins only', async () => {
    const { secret: reader } = await c.tokens.create(A, 'reader2', 'read');
    const { secret: admin } = await c.tokens.create(A, 'admin', 'admin');
    const url = `/api/v1/conversations/${imported}/analysis`;
    expect((await c.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${reader}` } })).statusCode).toBe(403);
    const jobs: Message<AnalysisRequest>[] = [];
    const consumer = queue.consume<AnalysisRequest>(QUEUE, async (m) => void jobs.push(m), { concurrency: 1, maxAttempts: 1 });
    try {
      const r = await c.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${admin}` } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ queued: true });
      await until(() => jobs.length === 1);
      expect(jobs[0]?.payload).toMatchObject({ tenant: A, conversationId: imported, force: true, recordings: [{ objectKey: `imports/${A}/${imported}.wav`, format: 'WAV_ULAW' }] });
      expect(jobs[0]?.id).toBe(r.json<{ jobId: string }>().jobId);
    } finally {
      await consumer.close();
    }
    const missing = await c.app.inject({ method: 'POST', url: `/api/v1/conversations/${randomUUID()}/analysis`, headers: { authorization: `Bearer ${admin}` } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error: string }>().error).toMatch(/not been imported/);
  });
});
