/**
 * Issue 4, many replicas: two `hookline serve` processes on one PostgreSQL
 * schema and one Redis. Replica A leads the tenant (holds the Genesys
 * notification channels); the AudioHook sessions land on replica B, which
 * admits them from A's events published through Redis. A is killed with
 * SIGKILL mid-run: B takes the lead and every monitored call is still admitted
 * — those whose agents answered while no replica led included. Analytics lags
 * by an hour here, so only the held sessions known in Redis can say so.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioHookEntry, type EmulatorControl } from '../../src/emulator/index.js';
import { monitoredTenant, startMonitoredOrgEmulator } from '../helpers/monitored-org.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { Receiver } from '../../src/receiver/index.js';
import { serve, writeConfig, type Served } from '../helpers/process.js';
import { until } from '../helpers/server.js';
import { REDIS_URL, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('hookline-replicas-');
const pg = pgUrlWithFreshSchema();
let control: EmulatorControl;
let stopEmulator: () => Promise<void>;
let receiver: Receiver;
let a: Served;
let b: Served;
let orgId: string;
let agents: { id: string }[];
let queueId: string;

const leads = (p: Served) => p.lines.some((l) => l.includes('watching the monitored agents'));

beforeAll(async () => {
  const emu = await startMonitoredOrgEmulator('Replicas');
  control = emu.control;
  stopEmulator = emu.stop;
  const org = emu.seeded[0]!;
  orgId = org.orgId;
  agents = org.users;
  queueId = org.queues[0]!.id;
  receiver = new Receiver({ port: 0, outDir: dir.dir, log: createLogger({ level: 'silent' }) });
  await receiver.start();
  const apiKey = 'replica-key-0001';
  const secret = randomBytes(32).toString('base64');
  const config = (name: string) =>
    writeConfig(
      dir.dir,
      {
        dataDir: `${dir.dir}/${name}`,
        database: pg.url,
        state: REDIS_URL,
        namespace: uniqueName('hl').replace(/_/g, '-'),
        objects: { url: `file:${dir.dir}/objects` },
        server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 0 },
        metrics: { port: 0 },
        security: { masterKey: Buffer.alloc(32, 3).toString('base64') },
        logging: { level: 'info' },
        tracking: { syncIntervalSeconds: 2, leaseTtlSeconds: 2 },
        ingest: { enabled: false },
        tenants: [monitoredTenant(org, 'Replicas', { apiKey, secret }, receiver.port)],
      },
      `${name}.yaml`,
    );
  // The namespace must be shared: write both configs from one object.
  const fileA = config('a');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const fileB = fileA.replace('a.yaml', 'b.yaml');
  writeFileSync(fileB, readFileSync(fileA, 'utf8').replace(`${dir.dir}/a`, `${dir.dir}/b`));
  a = await serve(fileA);
  await until(() => leads(a), 20_000, 'replica A to lead the tenant');
  b = await serve(fileB);
  const [integration] = await control.addIntegrations(orgId, [{ connectionUri: `ws://127.0.0.1:${b.port}/api/v1/audiohook/ws`, apiKey, clientSecret: secret, enabled: true, probe: true }]);
  await until(async () => (await control.integration(orgId, integration!.id)).reportedState === 'ACTIVE', 10_000, 'the integration to pass its probe');
}, 90_000);

afterAll(async () => {
  a?.child.kill('SIGKILL');
  b?.child.kill('SIGTERM');
  await b?.exited;
  await receiver?.stop();
  await stopEmulator?.();
  await dropPgSchema(pg.schema);
  dir.cleanup();
});

const received = (conversationId: string) => [...receiver.sessions.values()].some((r) => r.start.conversationId === conversationId && r.ended);

async function calls(n: number, talkMs: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const agent = agents[i % 2]!;
    const c = await control.startCall(orgId, { agentIds: [agent.id], queueId, durations: { ivrMs: 200, queueMs: 200, alertMs: 300, talkMs, acwMs: 200 } });
    out.push(c.conversationId);
  }
  return out;
}

describe('two replicas on Redis', () => {
  it('admits calls on the non-leader, and keeps admitting after the leader is killed', async () => {
    expect(leads(b)).toBe(false);
    const before = await calls(2, 2500);
    await until(() => before.every(received), 30_000, 'calls admitted on B from A\'s events');

    // Kill the leader with calls in flight whose agents answer during the hand-over.
    const during = await calls(2, 4000);
    a.child.kill('SIGKILL');
    // Agents who answer in the leaderless window (the lease outlives A by up to its TTL).
    const leaderless = await calls(2, 4000);
    await until(() => leads(b), 20_000, 'replica B to take the lead');
    const after = await calls(2, 2500);
    await until(() => [...during, ...leaderless, ...after].every(received), 40_000, 'every monitored call admitted');
    const unmonitored = await control.startCall(orgId, { agentIds: [agents[2]!.id], queueId, durations: { ivrMs: 200, queueMs: 200, alertMs: 300, talkMs: 1500, acwMs: 200 } });
    // Wait for the unmonitored call's AudioHook session to have reached B and ended with the call,
    // rather than sleeping: a fixed wait passes just as well when the session never arrived.
    let session: AudioHookEntry | undefined;
    await until(async () => {
      [session] = await control.audioHookLog({ conversationId: unmonitored.conversationId, kind: 'call' });
      return session?.endedAt !== undefined;
    }, 30_000, 'the unmonitored call\'s session to end');
    expect(session?.openedAt).toBeDefined();
    expect(session?.url).toContain(`:${b.port}/`);
    expect(session).toMatchObject({ resumes: 0, framesSent: 0 });
    expect(received(unmonitored.conversationId)).toBe(false);
  }, 120_000);
});
