/**
 * `hookline reconcile` and `hookline backfill` against the emulator: they
 * refresh the monitored agents, find the window's ended conversations, queue
 * the ones not imported (with the trigger as the job's source), print a
 * report, and reject a bad date naming the flag. Needs dist/ (npm run build).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN, writeConfig } from '../helpers/process.js';
import { until } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const dir = tempDir('hookline-cli-reconcile-');
let emu: RunningEmulator;
let orgId: string;
let file: string;
const ids: string[] = [];

/** Runs the CLI without blocking this process (the emulator answers it from here). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, '--config', file, ...args], { encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function jobs(): { source: string; conversationId: string }[] {
  const db = new BetterSqlite3(`${dir.dir}/h.db`, { readonly: true });
  try {
    return (db.prepare("select payload from queue_jobs where queue like '%-ingest'").all() as { payload: string }[]).map((r) => JSON.parse(r.payload));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  emu = await startEmulator({
    speed: 1,
    seed: {
      settings: { analytics: { availabilityLagMs: 100 } },
      orgs: [{ name: 'Cli', users: [{ name: 'Ann' }, { name: 'Bob' }], groups: [{ name: 'M', members: ['Ann'] }], queues: [{ name: 'Q' }] }],
    },
  });
  const org = emu.seeded[0]!;
  orgId = org.orgId;
  file = writeConfig(dir.dir, {
    dataDir: dir.dir,
    database: `sqlite:${dir.dir}/h.db`,
    objects: { url: `file:${dir.dir}/objects` },
    security: { masterKey: randomBytes(32).toString('base64') },
    logging: { level: 'warn' },
    ingest: { reconcileSettleSeconds: 0 },
    tenants: [
      {
        orgId,
        name: 'Cli',
        apiKeys: [{ key: 'cli-rec-key-1', secret: randomBytes(32).toString('base64') }],
        genesys: { clientId: org.clients[0]!.clientId, clientSecret: org.clients[0]!.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
        monitoredGroupId: org.groups[0]!.id,
      },
    ],
  });
  const durations = { ivrMs: 50, queueMs: 50, alertMs: 50, talkMs: 300, acwMs: 50 };
  const calls = [];
  for (const agent of [org.users[0]!, org.users[0]!, org.users[1]!]) calls.push(await emu.control.startCall(orgId, { agentIds: [agent.id], queueId: org.queues[0]!.id, durations, dialOut: { enabled: false } }));
  ids.push(calls[0]!.conversationId, calls[1]!.conversationId);
  const last = Math.max(...calls.map((c) => c.endMs));
  await until(async () => (await emu.control.clock()).now > last + 1000, 15_000, 'the calls to end and reach analytics');
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  dir.cleanup();
});

describe('hookline reconcile / backfill', () => {
  it('reconcile queues the monitored agent\'s ended conversations that are not imported', async () => {
    const r = await cli('reconcile', '--tenant', orgId, '--since', '1h', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tenant: orgId, trigger: 'manual', found: 2, alreadyImported: 0, enqueued: 2, failed: 0 });
    const queued = jobs();
    expect(queued.map((j) => j.conversationId).sort()).toEqual([...ids].sort());
    expect(queued.every((j) => j.source === 'reconcile')).toBe(true);
  }, 60_000);

  it('backfill reads a 30-day window in chunks and queues with source backfill', async () => {
    const r = await cli('backfill', '--tenant', orgId, '--since', '30d', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ trigger: 'backfill', found: 2, enqueued: 2 });
    expect(jobs().filter((j) => j.source === 'backfill').map((j) => j.conversationId).sort()).toEqual([...ids].sort());
  }, 60_000);

  it('rejects a bad date, naming the flag', async () => {
    const r = await cli('reconcile', '--tenant', orgId, '--since', 'yesterday-ish');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--since: "yesterday-ish" is not a date/);
  }, 60_000);
});
