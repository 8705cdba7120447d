/**
 * Issue 5 "nothing lost": the importer SIGKILLed mid-download and restarted
 * (every conversation present exactly once, objects complete); RabbitMQ
 * connections closed mid-run; the object store down (retried, then
 * dead-lettered with a reason, nothing marked imported).
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { serve, writeConfig, type Served } from '../helpers/process.js';
import { until } from '../helpers/server.js';
import { AMQP_URL, uniqueName } from '../helpers/services.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

/** How many times each conversation was imported, from the importer's one `conversation imported` line per import. */
function importsLogged(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (!line.includes('"conversation imported"')) continue;
    const id = (JSON.parse(line) as { conversationId: string }).conversationId;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
const durations = { ivrMs: 200, queueMs: 200, alertMs: 300, talkMs: 1500, acwMs: 300 };

describe('importer killed mid-download', () => {
  const dir = tempDir('hookline-crash-');
  let p1: Served | undefined;
  let p2: Served | undefined;
  let stopEmu: (() => Promise<void>) | undefined;
  afterAll(async () => {
    p1?.child.kill('SIGKILL');
    p2?.child.kill('SIGKILL');
    await stopEmu?.();
    dir.cleanup();
  });

  it('restarts and imports every conversation exactly once, with complete objects', async () => {
    const emu = await startEmulator({
      speed: 1,
      seed: {
        settings: { analytics: { availabilityLagMs: 300 }, recordings: { transcodeDelayMs: 300 } },
        orgs: [{ name: 'Crash', users: [{ name: 'Ann' }], groups: [{ name: 'M', members: ['Ann'] }], queues: [{ name: 'Q' }] }],
      },
    });
    stopEmu = emu.stop;
    const org = emu.seeded[0]!;
    const apiKey = 'crash-key-0001';
    const secret = randomBytes(32).toString('base64');
    const file = writeConfig(dir.dir, {
      dataDir: dir.dir,
      database: `sqlite:${dir.dir}/h.db`,
      objects: { url: `file:${dir.dir}/objects` },
      server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 0 },
      metrics: { port: 0 },
      logging: { level: 'info' },
      queueLeaseSeconds: 2,
      recorder: { enabled: false },
      tracking: { syncIntervalSeconds: 30, leaseTtlSeconds: 2 },
      // The killed process's import claims run out as soon as its queue leases do.
      ingest: { firstAttemptDelaySeconds: 0, retryBaseSeconds: 0.2, retryMaxSeconds: 1, claimLeaseSeconds: 2 },
      // The hand-offs are counted in the queue table below: no post-call worker may take them first.
      analysis: { postCall: { enabled: false } },
      tenants: [
        {
          orgId: org.orgId,
          name: 'Crash',
          apiKeys: [{ key: apiKey, secret }],
          genesys: { clientId: org.clients[0]!.clientId, clientSecret: org.clients[0]!.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
          monitoredGroupId: org.groups[0]!.id,
          admission: 'all',
        },
      ],
    });
    p1 = await serve(file);
    await until(() => (p1 as Served).lines.some((l) => l.includes('watching the monitored agents')), 20_000, 'tracking');
    // Slow every recording download so the kill lands in the middle of one.
    await emu.control.addFault({ route: 'GET /media/*', kind: 'latency', latencyMs: 3000, probability: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await emu.control.startCall(org.orgId, { agentIds: [org.users[0]!.id], queueId: org.queues[0]!.id, durations, dialOut: { enabled: false } })).conversationId);
    await until(async () => ((await emu.control.happenings({ kind: 'fault.applied' })) as unknown[]).length >= 1, 30_000, 'a download to start');
    p1.child.kill('SIGKILL');
    await p1.exited;
    await emu.control.clearFaults();
    p2 = await serve(file);
    const db = new BetterSqlite3(`${dir.dir}/h.db`, { readonly: true });
    try {
      await until(() => (db.prepare('select count(*) as n from conversations where imported_at is not null').get() as { n: number }).n === 3, 60_000, 'all three imported after the restart');
      const rows = db.prepare('select conversation_id from conversations').all() as { conversation_id: string }[];
      expect(rows.map((r) => r.conversation_id).sort()).toEqual([...ids].sort());
      const recs = db.prepare('select conversation_id, object_key, size, sha256 from recordings').all() as { conversation_id: string; object_key: string; size: number; sha256: string }[];
      expect(recs.map((r) => r.conversation_id).sort()).toEqual([...ids].sort());
      for (const r of recs) {
        const bytes = readFileSync(join(dir.dir, 'objects', ...r.object_key.split('/')));
        expect(bytes.length).toBe(r.size);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.sha256);
      }
      const stored = readdirSync(join(dir.dir, 'objects', 'imports'), { recursive: true }).map(String).filter((f) => f.endsWith('.wav'));
      expect(stored).toHaveLength(3);
      // Rows and object keys are upserts: a second import of a conversation would leave them as they are.
      // Count the imports themselves, across both processes, so a double import fails the test.
      // Wait for the ingest queue to drain, so a second import still queued would have happened.
      const liveIngestJobs = () => (db.prepare("select count(*) as n from queue_jobs where dead_at is null and queue like '%-ingest'").get() as { n: number }).n;
      await until(() => liveIngestJobs() === 0, 20_000, 'the ingest queue to drain');
      const logged = () => importsLogged([...(p1 as Served).lines, ...(p2 as Served).lines]);
      await until(() => logged().size === ids.length, 10_000, 'every import logged');
      const once = new Map(ids.map((id) => [id, 1]));
      expect(logged()).toEqual(once);
      // Each import hands analysis one job, and jobs are never collapsed: one job per conversation.
      const analysis = db.prepare("select payload from queue_jobs where queue like '%-analysis'").all() as { payload: string }[];
      const handed = new Map<string, number>();
      for (const { payload } of analysis) {
        const id = (JSON.parse(payload) as { conversationId: string }).conversationId;
        handed.set(id, (handed.get(id) ?? 0) + 1);
      }
      expect(handed).toEqual(once);
    } finally {
      db.close();
    }
  }, 120_000);
});

describe('RabbitMQ connections closed mid-run', () => {
  let s: Stack;
  afterAll(() => s?.stop());

  it('imports every call exactly once', async () => {
    const namespace = uniqueName('hl').replace(/_/g, '-');
    s = await startStack({ agents: 2, monitored: 2, receiver: false, server: { queue: AMQP_URL, namespace, ingest: { firstAttemptDelaySeconds: 0, retryBaseSeconds: 0.2, retryMaxSeconds: 1 } } });
    await s.tracking();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await s.control.startCall(s.orgId, { agentIds: [s.agents[i % 2]!.id], queueId: s.queueId, durations })).conversationId);
    const connection = `hookline-${namespace}-${s.t.server.replicaId}`;
    let closed = 0;
    for (let i = 0; i < 3; i++) {
      await sleep(1200);
      const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', '--no-table-headers', 'pid', 'client_properties']);
      for (const line of stdout.split('\n').filter((l) => l.includes(`{"connection_name","${connection}"}`))) {
        await run('rabbitmqctl', ['-q', 'close_connection', line.split('\t')[0] as string, 'hookline fault test']);
        closed++;
      }
    }
    expect(closed).toBeGreaterThan(0);
    await until(async () => (await s.t.server.store.importedAmong(s.orgId, ids)).size === ids.length, 60_000, 'all imported');
    for (const id of ids) expect((await s.t.server.store.get(s.orgId, id))?.recordings).toHaveLength(1);
    // Rows are upserts and hide a redelivered import: count the imports (this server's own registry).
    // Every call is imported and there are exactly as many imports as calls, so none was imported twice.
    expect(await s.t.metric('hookline_ingest_imports_total{result="imported"}')).toBe(ids.length);
  }, 120_000);
});

describe('object store down', () => {
  let s: Stack;
  afterAll(() => s?.stop());

  it('retries, then dead-letters with the reason, and marks nothing imported', async () => {
    s = await startStack({
      agents: 1,
      monitored: 1,
      receiver: false,
      server: {
        recorder: { enabled: false },
        objects: { url: 's3://unreachable', s3: { endpoint: 'http://127.0.0.1:1', accessKeyId: 'a', secretAccessKey: 'b', forcePathStyle: true } },
        ingest: { maxAttempts: 3, firstAttemptDelaySeconds: 0, retryBaseSeconds: 0.2, retryMaxSeconds: 1 },
      },
    });
    await s.tracking();
    const id = (await s.control.startCall(s.orgId, { agentIds: [s.agents[0]!.id], queueId: s.queueId, durations })).conversationId;
    const letters = () => s.t.server.queue.deadLetters<{ conversationId: string }>(s.t.server.ingest!.queues.ingest);
    await until(async () => (await letters()).some((l) => l.payload.conversationId === id), 90_000, 'a dead letter');
    const letter = (await letters()).find((l) => l.payload.conversationId === id)!;
    expect(letter.attempts).toBe(3);
    expect(letter.reason).toMatch(/ECONNREFUSED|connect|unreachable/i);
    expect(await s.t.server.store.isImported(s.orgId, id)).toBe(false);
    expect(await s.t.metric('hookline_ingest_imports_total{result="retry"}')).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
