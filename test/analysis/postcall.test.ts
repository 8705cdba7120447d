/**
 * The post-call worker: metrics of an imported stereo recording saved with
 * the conversation, idempotent per import, re-analysis on demand, unsupported
 * recordings reported (not retried), bad jobs dead-lettered with a reason,
 * and the live comparison stored. On SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisStore } from '../../src/analysis/store.js';
import { PostCallWorker, type AnalysisRequest, type RuleRunnerFactory } from '../../src/analysis/postcall/worker.js';
import { openAppDatabase } from '../../src/app/database.js';
import { wavHeader } from '../../src/audio/index.js';
import type { Db } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { FsObjectStore } from '../../src/platform/objects/index.js';
import { PermanentError, type Message } from '../../src/platform/queue/index.js';
import type { GuidanceRule } from '../../src/tenants/index.js';
import { bothDatabases } from '../helpers/databases.js';
import { tempDir } from '../helpers/tmp.js';

const log = createLogger({ level: 'silent' });
const FIXTURES = join(process.cwd(), 'fixtures', 'analysis');
const truth = JSON.parse(readFileSync(join(FIXTURES, 'truth.json'), 'utf8')) as { calls: { name: string; durationMs: number; truth: { talkMs: Record<string, number>; silenceMs: number; silences: { startMs: number; endMs: number }[] } }[] };
const cancel = truth.calls.find((c) => c.name === 'cancel-call')!;

/** The fixture call as Genesys's stereo WAV_ULAW recording. */
const recordingWav = (): Buffer => {
  const body = readFileSync(join(FIXTURES, 'cancel-call.ulaw'));
  return Buffer.concat([wavHeader({ format: 'PCMU', channels: 2, rate: 8000 }, body.length), body]);
};

/** Records the windows it saw: enough to prove the worker drives the rules with the recording's activity. */
const countingRules = (): { factory: RuleRunnerFactory; windows: () => number } => {
  let windows = 0;
  return {
    windows: () => windows,
    factory: (_rules, onFinding) => ({
      window: () => void windows++,
      phrase: () => undefined,
      end: (atMs) => onFinding({ rule: 'whole-call', kind: 'silence', startMs: 0, endMs: atMs, evidence: { windows } }),
    }),
  };
};

const msg = (payload: AnalysisRequest, attempts = 1): Message<AnalysisRequest> => ({ id: randomUUID(), payload, attempts });

describe.each(bothDatabases('postcall.db'))('post-call worker (%s)', (_name, url) => {
  const files = tempDir('hookline-postcall-objects-');
  const objects = new FsObjectStore(files.dir);
  let db: Db;
  let store: AnalysisStore;
  const tenant = randomUUID();
  const rules: GuidanceRule[] = [{ name: 'long-silence', kind: 'silence', minSeconds: 5 }];

  beforeAll(async () => {
    db = await openAppDatabase(url());
    store = new AnalysisStore(db);
    await objects.put('rec/cancel.wav', recordingWav());
    await objects.put('rec/cancel.mp3', Buffer.from('ID3 not audio we read'));
  });
  afterAll(async () => {
    await db.close();
    files.cleanup();
  });

  const worker = (factory: RuleRunnerFactory) => new PostCallWorker({ objects, store, rules: (t) => (t === tenant ? rules : undefined), ruleEngine: factory, maxRecordingBytes: 10 << 20, log });
  const job = (conversationId: string, over: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
    tenant,
    conversationId,
    importVersion: 'v1',
    recordings: [{ recordingId: 'r1', objectKey: 'rec/cancel.wav', format: 'WAV_ULAW', size: recordingWav().length }],
    ...over,
  });

  it('saves the recording\'s metrics and the rules\' findings with the conversation', async () => {
    const id = randomUUID();
    const rules = countingRules();
    await worker(rules.factory).handle(msg(job(id)));
    const saved = await store.get(tenant, id);
    expect(saved?.status).toBe('done');
    expect(saved?.analysis.metrics?.durationMs).toBeGreaterThanOrEqual(cancel.durationMs - 20);
    expect(Math.abs((saved?.analysis.metrics?.parties.customer?.talkMs ?? 0) - cancel.truth.talkMs.customer!)).toBeLessThanOrEqual(100);
    expect(rules.windows()).toBeGreaterThan(cancel.durationMs / 10 - 5);
    expect(saved?.analysis.findings.map((f) => f.rule)).toEqual(['whole-call']);
  });

  it("runs the tenant's guidance rules on the recording: the 7.5 s silence of the fixture call fires the 5 s silence rule once", async () => {
    const id = randomUUID();
    await new PostCallWorker({ objects, store, rules: () => rules, maxRecordingBytes: 10 << 20, log }).handle(msg(job(id)));
    const findings = (await store.get(tenant, id))?.analysis.findings ?? [];
    expect(findings.map((f) => f.rule)).toEqual(['long-silence']);
    const silence = cancel.truth.silences.find((x) => x.endMs - x.startMs >= 5000)!;
    expect(Math.abs(findings[0]!.startMs - silence.startMs)).toBeLessThanOrEqual(100);
    expect(Math.abs(findings[0]!.endMs - (silence.startMs + 5000))).toBeLessThanOrEqual(100);
  });

  it('analyses an import once: a redelivered job is acknowledged without work; a forced one runs again', async () => {
    const id = randomUUID();
    const rules = countingRules();
    const w = worker(rules.factory);
    await w.handle(msg(job(id)));
    const first = rules.windows();
    await w.handle(msg(job(id), 2));
    expect(rules.windows()).toBe(first);
    expect((await store.get(tenant, id))?.runs).toBe(1);
    await w.handle(msg(job(id, { force: true })));
    expect(rules.windows()).toBe(2 * first);
    expect((await store.get(tenant, id))?.runs).toBe(2);
    await w.handle(msg(job(id, { importVersion: 'v2' })));
    expect((await store.get(tenant, id))?.runs).toBe(3);
  });

  it('reports a recording it cannot decode as unsupported, with the reason, instead of retrying', async () => {
    const id = randomUUID();
    await worker(countingRules().factory).handle(msg(job(id, { recordings: [{ recordingId: 'r2', objectKey: 'rec/cancel.mp3', format: 'MP3', size: 21 }] })));
    const saved = await store.get(tenant, id);
    expect(saved?.status).toBe('unsupported');
    expect(saved?.analysis.recordings[0]?.reason).toMatch(/MP3.*recordingFormat/);
  });

  it('dead-letters a job it can never do, saying why; retries one whose recording is missing', async () => {
    const w = worker(countingRules().factory);
    await expect(w.handle(msg(job(randomUUID(), { tenant: randomUUID() })))).rejects.toThrow(PermanentError);
    await expect(w.handle(msg({ ...job('not-a-uuid') }))).rejects.toThrow(/conversation id/);
    const missing = w.handle(msg(job(randomUUID(), { recordings: [{ recordingId: 'r3', objectKey: 'rec/none.wav', format: 'WAV_ULAW', size: 10 }] })));
    await expect(missing).rejects.toThrow();
    await expect(missing).rejects.not.toBeInstanceOf(PermanentError);
  });

  it('lower-cases the ids of the job (the same conversation whatever its spelling)', async () => {
    const id = randomUUID();
    await worker(countingRules().factory).handle(msg(job(id.toUpperCase(), { tenant: tenant.toUpperCase() })));
    expect((await store.get(tenant, id))?.status).toBe('done');
  });

  it('stores the difference to what the live analysis saw of the call', async () => {
    const id = randomUUID();
    const metrics = { durationMs: 40_000, parties: { customer: { talkMs: 12_000, talkRatio: 0.5, interruptions: 0, utterances: 5, syllablesPerSecond: 4, speechLevelDb: -20, peakDb: -3, clippedSamples: 0 } }, silenceMs: 18_000, longestSilenceMs: 7_000, overtalkMs: 2_000 };
    await store.saveLive(tenant, id, { sessionId: randomUUID(), metrics, findings: [{ rule: 'whole-call', kind: 'silence', startMs: 100, endMs: 200, evidence: {} }, { rule: 'other', kind: 'overtalk', startMs: 5000, endMs: 6000, evidence: {} }], endedAt: new Date().toISOString() });
    await worker(countingRules().factory).handle(msg(job(id)));
    const c = (await store.get(tenant, id))?.comparison as { liveSessions: number; metrics: { durationMs: { delta: number } }; findings: { matched: number; liveOnly: { rule: string }[] } };
    expect(c.liveSessions).toBe(1);
    expect(c.metrics.durationMs.delta).toBeGreaterThan(3_900);
    expect(c.findings.matched).toBe(1);
    expect(c.findings.liveOnly.map((f) => f.rule)).toEqual(['other']);
  });
});
