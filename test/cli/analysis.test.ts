/**
 * `hookline analysis show|rerun` against a deployment's database and embedded
 * queue: the stored post-call analysis as text and JSON, a re-analysis queued
 * as a forced job from the stored recordings, and clear errors otherwise.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalysisStore, type PostCallAnalysis } from '../../src/analysis/index.js';
import { allTables, openAppDatabase } from '../../src/app/database.js';
import { ConversationStore } from '../../src/conversations/index.js';
import { runCli, writeConfig } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';
import { importedCall } from '../api/fixtures.js';

const t = tempDir('hookline-cli-analysis-');
afterAll(() => t.cleanup());
const database = `sqlite:${t.dir}/h.db`;
const config = writeConfig(t.dir, { dataDir: t.dir, database, namespace: 'clitest', logging: { level: 'warn' }, security: { masterKey: randomBytes(32).toString('base64') } });
const cli = (...args: string[]) => runCli(['--config', config, ...args]);

describe('hookline analysis', () => {
  it('shows a stored analysis and queues a forced re-analysis of an imported conversation', async () => {
    const orgId = randomUUID();
    const conversationId = randomUUID();
    const db = await openAppDatabase(database);
    try {
      const analysis: PostCallAnalysis = {
        importVersion: 'v1',
        recordings: [],
        metrics: { durationMs: 44_000, parties: { customer: { talkMs: 13_000, talkRatio: 0.48, interruptions: 0, utterances: 5, syllablesPerSecond: 4, speechLevelDb: -18.2, peakDb: -1, clippedSamples: 0 } }, silenceMs: 19_000, longestSilenceMs: 7_480, overtalkMs: 2_250 },
        phrases: [],
        findings: [{ rule: 'long-silence', kind: 'silence', startMs: 12_520, endMs: 17_520, evidence: { seconds: 5 } }],
      };
      await new AnalysisStore(db).save(orgId, conversationId, 'done', analysis, null, '2026-03-01T12:00:00.000Z');
      await importedCall(new ConversationStore(db), orgId, conversationId, randomUUID(), '2026-03-01T11:00:00.000Z');
    } finally {
      await db.close();
    }
    const shown = cli('analysis', 'show', conversationId.toUpperCase(), '--tenant', orgId);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toMatch(/silence 19\.0 s \(longest 7\.5 s\)\s+overtalk 2\.3 s/);
    expect(shown.stdout).toMatch(/finding long-silence \(silence\) at 12\.5 s/);
    expect(JSON.parse(cli('analysis', 'show', conversationId, '--tenant', orgId, '--json').stdout)).toMatchObject({ status: 'done', runs: 1 });

    const r = cli('analysis', 'rerun', conversationId, '--tenant', orgId, '--json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const { jobId } = JSON.parse(r.stdout) as { jobId: string };
    const check = await openAppDatabase(database);
    try {
      const job = await allTables(check).selectFrom('queue_jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
      expect(job.queue).toBe('clitest-analysis');
      expect(JSON.parse(job.payload)).toMatchObject({ tenant: orgId, conversationId, force: true, recordings: [{ format: 'WAV_ULAW' }] });
    } finally {
      await check.close();
    }
    const none = cli('analysis', 'show', randomUUID(), '--tenant', orgId);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('has no post-call analysis')]);
    const notImported = cli('analysis', 'rerun', randomUUID(), '--tenant', orgId);
    expect([notImported.code, notImported.stderr]).toEqual([1, expect.stringContaining('has not been imported')]);
  });
});
