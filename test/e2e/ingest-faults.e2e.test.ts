/**
 * Issue 5 faults and bad input against the emulator (embedded defaults):
 * 429 storms, 5xx bursts, recordings that stay 202 for minutes, a
 * notifications outage reconciled afterwards, malformed details and an
 * unknown recording format — retried, then dead-lettered with a reason, and
 * nothing marked imported that was not stored.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

const stack = async (ingest: Record<string, unknown> = {}) => {
  const started = await startStack({
    agents: 2,
    monitored: 2,
    receiver: false,
    tenant: { gateTimeoutSeconds: 30 },
    server: { tracking: { syncIntervalSeconds: 30, leaseTtlSeconds: 2 }, ingest: { maxAttempts: 4, gapReconcileDelaySeconds: 1, reconcileSettleSeconds: 0, firstAttemptDelaySeconds: 0, retryBaseSeconds: 0.2, retryMaxSeconds: 1, ...ingest } },
  });
  await started.tracking();
  return started;
};

let s: Stack;
beforeAll(async () => {
  s = await stack();
}, 60_000);
afterAll(() => s?.stop());
afterEach(async () => {
  await s.control.clearFaults();
});

const durations = { ivrMs: 200, queueMs: 200, alertMs: 300, talkMs: 1500, acwMs: 300 };
const call = async (i = 0, on = s) => (await on.control.startCall(on.orgId, { agentIds: [on.agents[i % 2]!.id], queueId: on.queueId, durations })).conversationId;
const imported = async (ids: string[], on = s) => (await on.t.server.store.importedAmong(on.orgId, ids)).size === ids.length;
const dead = async (on = s) => on.t.server.queue.deadLetters<{ conversationId: string }>(on.t.server.ingest!.queues.ingest);

describe('ingest under faults', () => {
  it('rides out a 429 storm (Retry-After honoured) and a burst of 5xx without failing an import', async () => {
    await s.control.addFault({ route: 'GET /api/v2/analytics/conversations/*/details', kind: 'status', status: 429, retryAfterSeconds: 1, count: 6 });
    await s.control.addFault({ route: 'GET /api/v2/conversations/*/recordings', kind: 'status', status: 503, count: 5 });
    const ids = [await call(0), await call(1), await call(0)];
    await until(() => imported(ids), 60_000, 'imports despite the faults');
    const happenings = (await s.control.happenings({ kind: 'fault.applied' })) as unknown[];
    expect(happenings.length).toBeGreaterThanOrEqual(11);
    expect((await dead()).filter((d) => ids.includes(d.payload.conversationId))).toEqual([]);
  }, 90_000);

  it('imports the calls that ended while the notifications channel was down, through gap reconciliation', async () => {
    const before = await s.t.metric('hookline_ingest_enqueued_total{source="gap"}');
    // Take the channel away and keep new channels failing for a while: calls end in the gap.
    await s.control.addFault({ route: 'POST /api/v2/notifications/channels', kind: 'status', status: 503, count: 4 });
    const channels = (await s.control.channels()).filter((c) => c.orgId === s.orgId);
    for (const c of channels) await s.control.expireChannel(c.id);
    const ids = [await call(0), await call(1)];
    await until(() => imported(ids), 90_000, 'the missed calls to be imported');
    expect(await s.t.metric('hookline_ingest_enqueued_total{source="gap"}')).toBeGreaterThan(before);
    await s.tracking();
  }, 120_000);

  it('dead-letters malformed details with the reason after the retries, and imports them once retried', async () => {
    await s.control.addFault({ route: 'GET /api/v2/analytics/conversations/*/details', kind: 'malformed', probability: 1 });
    const id = await call();
    await until(async () => (await dead()).some((d) => d.payload.conversationId === id), 60_000, 'a dead letter');
    const letter = (await dead()).find((d) => d.payload.conversationId === id)!;
    expect(letter.reason).toMatch(/JSON|malformed/i);
    expect(letter.attempts).toBe(4);
    expect(await imported([id])).toBe(false);
    await s.control.clearFaults();
    expect(await s.t.server.queue.retryDeadLetters(s.t.server.ingest!.queues.ingest, [letter.id])).toBe(1);
    await until(() => imported([id]), 30_000, 'the import after the retry');
  }, 90_000);

  // Last: it moves the emulator's clock minutes ahead of ours.
  it('waits out recordings that stay 202 for minutes', async () => {
    await s.control.patchSettings({ recordings: { transcodeDelayMs: 4 * 60_000 } });
    const retries = async () => (await s.t.server.registry.getSingleMetric('hookline_ingest_imports_total')?.get())?.values.find((v) => v.labels.result === 'retry')?.value ?? 0;
    const before = await retries();
    const id = await call();
    await until(async () => (await s.t.server.store.get(s.orgId, id)) !== undefined, 30_000, 'the metadata to be stored');
    // The attempt that stored the metadata met the 202 and asked to be retried: only then look.
    await until(async () => (await retries()) > before, 30_000, 'the import to meet the 202 and be retried');
    expect(await imported([id])).toBe(false); // still transcoding: metadata stored, not marked imported
    await s.control.advance(5 * 60_000); // four virtual minutes of 202s go by
    await until(() => imported([id]), 30_000, 'the import once the recording is ready');
    await s.control.patchSettings({ recordings: { transcodeDelayMs: 500 } });
  }, 90_000);
});

// The configuration is read-only once loaded: a different recording format is a server started with it.
describe('ingest asking for a recording format Genesys refuses', () => {
  let mp3: Stack;
  beforeAll(async () => {
    mp3 = await stack({ recordingFormat: 'MP3' }); // the emulator makes WEBM, WAV and WAV_ULAW only
  }, 60_000);
  afterAll(() => mp3?.stop());

  it('dead-letters at once, storing nothing as imported', async () => {
    const id = await call(0, mp3);
    await until(async () => (await dead(mp3)).some((d) => d.payload.conversationId === id), 60_000, 'a dead letter');
    const letter = (await dead(mp3)).find((d) => d.payload.conversationId === id)!;
    expect(letter.reason).toMatch(/400/);
    // Permanent: dead-lettered as soon as Genesys refused, not after every retry was spent
    // (an earlier attempt may have found the details not yet available).
    expect(letter.attempts).toBeLessThan(4);
    expect(await imported([id], mp3)).toBe(false);
    expect((await mp3.t.server.store.get(mp3.orgId, id))?.recordings ?? []).toEqual([]);
  }, 90_000);

});

