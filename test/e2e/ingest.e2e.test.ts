/**
 * Issue 5 end to end, on embedded defaults and on PostgreSQL + RabbitMQ +
 * Swift S3 + Redis: calls of monitored agents end → queued → imported with
 * the normalized model and recordings byte-identical to the emulator's;
 * calls of unmonitored agents are not imported; each imported call is handed
 * to the analysis queue, whose worker saves the recording's metrics.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenesysClient } from '../../src/genesys/index.js';
import { until } from '../helpers/server.js';
import { AMQP_URL, REDIS_URL, S3, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../helpers/services.js';
import { startStack, type Stack } from '../helpers/stack.js';

const pg = pgUrlWithFreshSchema();
afterAll(() => dropPgSchema(pg.schema));

const stacks: [string, () => Record<string, unknown>][] = [
  ['embedded (SQLite, table queue, files)', () => ({})],
  [
    'scale-out (PostgreSQL, RabbitMQ, Swift S3, Redis)',
    () => ({
      database: pg.url,
      queue: AMQP_URL,
      state: REDIS_URL,
      namespace: uniqueName('hl').replace(/_/g, '-'),
      objects: { url: `s3://${uniqueName('imports').replace(/_/g, '-')}`, s3: { ...S3, forcePathStyle: true, createBucket: true } },
    }),
  ],
];

async function sha256(stream: AsyncIterable<unknown>): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

describe.each(stacks)('post-call ingest: %s', (_name, server) => {
  let s: Stack;
  afterAll(() => s?.stop());

  it('imports every monitored agent’s call with its model and recording, and nothing else', async () => {
    s = await startStack({ agents: 3, monitored: 2, server: server(), receiver: false, tenant: { gateTimeoutSeconds: 30 } });
    await s.tracking();
    const [a, b, c] = s.agents;
    const durations = { ivrMs: 200, queueMs: 200, alertMs: 300, talkMs: 1500, acwMs: 300 };
    const monitored: Awaited<ReturnType<typeof s.control.startCall>>[] = [];
    for (const agent of [a, b, a, b]) monitored.push(await s.control.startCall(s.orgId, { agentIds: [agent!.id], queueId: s.queueId, durations }));
    const other = await s.control.startCall(s.orgId, { agentIds: [c!.id], queueId: s.queueId, durations });
    const { store } = s.t.server;
    await until(async () => (await store.importedAmong(s.orgId, monitored.map((m) => m.conversationId))).size === monitored.length, 60_000, 'all monitored calls imported');

    const org = (await s.control.org(s.orgId)) as { clients: { clientId: string; clientSecret: string }[]; apiUrl: string; loginUrl: string };
    const genesys = createGenesysClient({ clientId: org.clients[0]!.clientId, clientSecret: org.clients[0]!.clientSecret, region: 'mypurecloud.com', apiUrl: org.apiUrl, loginUrl: org.loginUrl });
    for (const call of monitored) {
      const tree = await store.get(s.orgId, call.conversationId);
      expect(tree?.conversation.conversation_end).toBeTruthy();
      const purposes = tree?.participants.map((p) => p.purpose).sort();
      expect(purposes).toEqual(expect.arrayContaining(['acd', 'agent', 'customer', 'ivr']));
      const agentUser = call.participants.find((p) => p.purpose === 'agent')?.userId;
      expect(tree?.participants.find((p) => p.purpose === 'agent')?.user_id).toBe(agentUser);
      expect(tree?.segments.some((g) => g.segment_type === 'interact')).toBe(true);
      expect(tree?.metrics.some((m) => m.name === 'tTalk')).toBe(true);
      expect(tree?.recordings).toHaveLength(1);
      const rec = tree!.recordings[0]!;
      // The stored object is byte-identical to the emulator's recording media.
      const stored = await sha256(await s.t.server.ctx.objects.get(rec.object_key));
      expect(stored).toBe(rec.sha256);
      const fresh = await genesys.recordings.get(call.conversationId, call.recordingId as string, { formatId: 'WAV_ULAW' });
      if (!fresh.ready) throw new Error('emulator recording not ready');
      const original = await sha256((await genesys.recordings.download(fresh.recording.mediaUris?.S?.mediaUri as string)).stream);
      expect(stored).toBe(original);
    }
    expect(await store.get(s.orgId, other.conversationId)).toBeUndefined();
    // Each hand-off is consumed by the post-call worker: the recording's metrics are saved with the conversation.
    const analysis = s.t.server.analysis.store;
    for (const call of monitored) {
      const a = await until(async () => analysis.get(s.orgId, call.conversationId), 30_000, 'post-call analysis');
      expect(a.status).toBe('done');
      expect(a.analysis.metrics?.durationMs).toBeGreaterThan(durations.talkMs);
      expect(Object.keys(a.analysis.metrics?.parties ?? {}).sort()).toEqual(['agent', 'customer']);
    }
    expect(await s.t.metric('hookline_ingest_imports_total{result="imported"}')).toBeGreaterThanOrEqual(monitored.length);
  }, 120_000);
});
