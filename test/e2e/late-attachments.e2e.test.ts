/**
 * The late-attachments pass end to end: emulator + `hookline serve` (embedded), a call imported by ingest, then
 * a survey and an evaluation added in Genesys after the import (the emulator's control API, virtual time past
 * the analytics lag). The pass re-reads the analytics details and merges them: one `conversation.updated` per
 * attachment in the outbox, and the stored analytics tree holds them; a second pass adds nothing; a conversation
 * that started before the window is not read; two replicas firing in one slot run it once, and a pass that runs
 * twice anyway (a replica that read the stored tree before the other wrote it) records each attachment once.
 *
 * The server's own timer keeps its default hour of real time, which a run of this file never reaches: each pass
 * here is started by the test, at the emulator's virtual time, so what a pass finds is fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStore, type CommonEvent, type ConversationStore } from '../../src/conversations/index.js';
import type { CallSummary } from '../../src/emulator/index.js';
import { ClientPool, IngestMetrics, LateAttachments } from '../../src/ingest/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { Registry } from '../../src/platform/metrics/index.js';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
let live: LiveStore;

const D = { ivrMs: 2000, queueMs: 2000, alertMs: 2000, talkMs: 20_000, holdMs: 5000, consultMs: 5000, acwMs: 3000 };
const HOUR = 3600_000;

const now = async () => (await s.control.clock()).now;
async function to(ms: number): Promise<void> {
  const d = ms - (await now());
  if (d > 0) await s.control.advance(d);
}

/** A call to agent A, run to its end, its wrap-up and its import by ingest. */
async function importedCall(): Promise<CallSummary> {
  const call = await s.control.startCall(s.orgId, { scenario: 'inbound', queueId: s.queueId, agentIds: [s.agents[0]!.id], durations: D, delayMs: 1000, dialOut: { enabled: false } });
  await to(call.finalMs + 1500);
  await until(async () => (await s.t.server.store.isImported(s.orgId, call.conversationId)) && (await live.get(s.orgId, call.conversationId))?.importedAt !== undefined, 20_000, 'import');
  return call;
}

/** Adds an attachment in Genesys now, and moves past the analytics lag so the details show it. */
async function attach(kind: 'survey' | 'evaluation', conversationId: string): Promise<void> {
  if (kind === 'survey') await s.control.addSurvey(conversationId, { delayMs: 0, surveyStatus: 'Finished', surveyFormName: 'CSAT' });
  else await s.control.addEvaluation(conversationId, { delayMs: 0, evaluatorId: s.agents[1]!.id, evaluationStatus: 'FINISHED', oTotalScore: 90 });
  await to((await now()) + 1500);
}

const changes = (events: CommonEvent[]) => events.flatMap((e) => (e.type === 'conversation.updated' ? [e.change] : []));
const stored = async (id: string) => {
  const tree = await s.t.server.store.get(s.orgId, id);
  return { surveys: tree?.surveys.length, evaluations: tree?.evaluations.length };
};

/** Another replica's pass: its own client pool and metrics, the same database, shared state and interval. */
function replica(name: string, windowMs = 72 * HOUR, store: Partial<ConversationStore> = {}): LateAttachments {
  const server = s.t.server;
  const log = createLogger({ level: 'silent' });
  return new LateAttachments({
    tenant: (orgId) => server.tenants.tenant(orgId),
    clients: new ClientPool(log),
    store: Object.assign(Object.create(server.store) as ConversationStore, store),
    live: new LiveStore(server.ctx.db),
    state: server.state,
    replicaId: name,
    metrics: new IngestMetrics(new Registry()),
    log,
    windowMs,
    intervalMs: HOUR,
  });
}

beforeAll(async () => {
  s = await startStack({ speed: 0, agents: 3, monitored: 2, receiver: false, server: { ingest: { firstAttemptDelaySeconds: 0, retryBaseSeconds: 0.1, retryMaxSeconds: 0.5 } } });
  await s.tracking();
  live = new LiveStore(s.t.server.ctx.db);
}, 60_000);
afterAll(() => s?.stop());

describe('late-attachments pass (emulator + serve, embedded)', () => {
  let first: CallSummary;
  let recent: CallSummary;

  it('merges a survey and an evaluation added after the import: one conversation.updated each, and the stored tree', async () => {
    first = await importedCall();
    const before = await live.events(s.orgId, first.conversationId);
    expect(await stored(first.conversationId)).toEqual({ surveys: 0, evaluations: 0 });
    await attach('survey', first.conversationId);
    await attach('evaluation', first.conversationId);

    const report = await s.t.server.ingest!.attachments.run(s.orgId, await now());
    expect(report).toMatchObject({ read: 1, changed: 1, missing: 0, failed: 0 });
    const added = (await live.events(s.orgId, first.conversationId)).slice(before.length);
    expect(added.map((e) => e.type)).toEqual(['conversation.updated', 'conversation.updated']);
    expect(changes(added).sort()).toEqual(['evaluation', 'survey']);
    expect(await stored(first.conversationId)).toEqual({ surveys: 1, evaluations: 1 });
  }, 60_000);

  it('a second pass with nothing new records nothing', async () => {
    const before = await live.events(s.orgId, first.conversationId);
    const report = await s.t.server.ingest!.attachments.run(s.orgId, await now());
    expect(report).toMatchObject({ read: 1, changed: 0 });
    expect(await live.events(s.orgId, first.conversationId)).toEqual(before);
    expect(await stored(first.conversationId)).toEqual({ surveys: 1, evaluations: 1 });
  }, 30_000);

  it('does not read a conversation that started before the window', async () => {
    await to((await now()) + HOUR);
    recent = await importedCall();
    await attach('evaluation', first.conversationId);
    await attach('evaluation', recent.conversationId);
    const oldBefore = await live.events(s.orgId, first.conversationId);
    // Half an hour back: the recent call is in, the first one (over an hour ago) is not.
    const report = await replica('narrow', HOUR / 2).run(s.orgId, await now());
    expect(report).toMatchObject({ read: 1, changed: 1 });
    expect(changes(await live.events(s.orgId, recent.conversationId))).toContain('evaluation');
    expect(await live.events(s.orgId, first.conversationId)).toEqual(oldBefore);
    expect(await stored(first.conversationId)).toEqual({ surveys: 1, evaluations: 1 });
    // The default window still has it.
    expect(await s.t.server.ingest!.attachments.run(s.orgId, await now())).toMatchObject({ read: 2, changed: 1 });
    expect(await stored(first.conversationId)).toEqual({ surveys: 1, evaluations: 2 });
  }, 60_000);

  it('two replicas firing in the same slot: the pass runs once', async () => {
    await attach('survey', first.conversationId);
    const before = await live.events(s.orgId, first.conversationId);
    const at = await now();
    const won = await Promise.all([s.t.server.ingest!.attachments.fire(s.orgId, at), replica('other').fire(s.orgId, at)]);
    expect(won.filter(Boolean)).toHaveLength(1);
    const added = (await live.events(s.orgId, first.conversationId)).slice(before.length);
    expect(changes(added)).toEqual(['survey']);
    expect(await stored(first.conversationId)).toEqual({ surveys: 2, evaluations: 2 });
  }, 30_000);

  it('a pass that runs twice (the second read the stored tree before the first wrote it) records each attachment once', async () => {
    await attach('evaluation', first.conversationId);
    const before = await live.events(s.orgId, first.conversationId);
    const recentBefore = await live.events(s.orgId, recent.conversationId);
    const at = await now();
    expect(await s.t.server.ingest!.attachments.run(s.orgId, at)).toMatchObject({ changed: 1 });
    // The late one still sees the old stored records, so it merges both conversations again.
    const stale = replica('late', 72 * HOUR, { importedStartedSince: async (...a) => (await s.t.server.store.importedStartedSince(...a)).map((r) => ({ ...r, raw: '{}' })) });
    expect(await stale.run(s.orgId, at)).toMatchObject({ read: 2, changed: 2, failed: 0 });
    const added = (await live.events(s.orgId, first.conversationId)).slice(before.length);
    expect(changes(added)).toEqual(['evaluation']);
    expect(await live.events(s.orgId, recent.conversationId)).toEqual(recentBefore);
    expect(await stored(first.conversationId)).toEqual({ surveys: 2, evaluations: 3 });
  }, 30_000);
});
