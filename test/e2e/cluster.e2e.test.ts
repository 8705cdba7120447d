/**
 * `server.workers: 2` end to end: one `hookline serve` on the embedded defaults
 * (SQLite, memory state, table queue), two worker processes behind one port.
 * One worker leads the tenant (its lease is in the primary's memory state);
 * AudioHook sessions land on both workers and every monitored call is admitted,
 * so the leader's events reached the worker holding each session through the
 * primary. /metrics on the shared admin port answers the sum over both workers,
 * and a signed upgrade replayed to the port opens no second session whichever
 * worker it reaches.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type EmulatorControl } from '../../src/emulator/index.js';
import { monitoredTenant, startMonitoredOrgEmulator } from '../helpers/monitored-org.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { signRequest } from '../../src/protocol/signature/index.js';
import { Receiver } from '../../src/receiver/index.js';
import { serve, writeConfig, type Served } from '../helpers/process.js';
import { until } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('hookline-cluster-');
let control: EmulatorControl;
let stopEmulator: () => Promise<void>;
let receiver: Receiver;
let served: Served;
let orgId: string;
let agents: { id: string }[];
let queueId: string;
const apiKey = 'cluster-key-00001';
const secret = randomBytes(32).toString('base64');

type Line = { msg?: string; worker?: number; conversationId?: string };
const logged = (msg: string): Line[] =>
  served.lines.flatMap((l) => {
    try {
      const j = JSON.parse(l) as Line;
      return j.msg === msg ? [j] : [];
    } catch {
      return [];
    }
  });
const workersThat = (msg: string) => new Set(logged(msg).map((l) => l.worker));

beforeAll(async () => {
  const emu = await startMonitoredOrgEmulator('Cluster');
  control = emu.control;
  stopEmulator = emu.stop;
  const org = emu.seeded[0]!;
  orgId = org.orgId;
  agents = org.users;
  queueId = org.queues[0]!.id;
  receiver = new Receiver({ port: 0, outDir: `${dir.dir}/received`, log: createLogger({ level: 'silent' }) });
  await receiver.start();
  const file = writeConfig(dir.dir, {
    dataDir: `${dir.dir}/data`,
    server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 0, workers: 2 },
    metrics: { port: 0 },
    logging: { level: 'info' },
    tracking: { syncIntervalSeconds: 2, leaseTtlSeconds: 2 },
    ingest: { enabled: false },
    tenants: [monitoredTenant(org, 'Cluster', { apiKey, secret }, receiver.port)],
  });
  served = await serve(file);
  await until(() => workersThat('hookline serving').size === 2, 20_000, 'both workers serving');
  await until(() => workersThat('watching the monitored agents').size > 0, 20_000, 'a worker to lead the tenant');
  const [integration] = await control.addIntegrations(orgId, [{ connectionUri: `ws://127.0.0.1:${served.port}/api/v1/audiohook/ws`, apiKey, clientSecret: secret, enabled: true, probe: true }]);
  await until(async () => (await control.integration(orgId, integration!.id)).reportedState === 'ACTIVE', 10_000, 'the integration to pass its probe');
}, 90_000);

afterAll(async () => {
  served?.child.kill('SIGKILL');
  await receiver?.stop();
  await stopEmulator?.();
  dir.cleanup();
});

const received = (conversationId: string) => [...receiver.sessions.values()].some((r) => r.start.conversationId === conversationId && r.ended);

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${served.metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Connects with these headers and sends `open`; the first reply's type: `opened`, or `disconnect` when refused. */
async function firstReply(headers: Record<string, string>): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${served.port}/api/v1/audiohook/ws`, { headers, perMessageDeflate: false });
  const types: string[] = [];
  ws.on('message', (d) => types.push(String((JSON.parse(String(d)) as { type: string }).type)));
  await once(ws, 'open');
  const open = { organizationId: orgId, conversationId: randomUUID(), participant: { id: randomUUID(), ani: '', aniName: '', dnis: '' }, media: [{ type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 }] };
  ws.send(JSON.stringify({ version: '2', id: headers['audiohook-session-id'], type: 'open', seq: 1, serverseq: 0, position: 'PT0S', parameters: open }));
  await until(() => types.length > 0, 5000, 'a reply');
  ws.terminate();
  return types[0] as string;
}

describe('hookline serve with server.workers: 2', () => {
  it('admits monitored calls on both workers from the one leader\'s events, and /metrics sums the workers', async () => {
    const calls: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await control.startCall(orgId, { agentIds: [agents[i % 2]!.id], queueId, durations: { ivrMs: 200, queueMs: 200, alertMs: 300, talkMs: 2000, acwMs: 200 } });
      calls.push(c.conversationId);
    }
    await until(() => calls.every(received), 40_000, 'every monitored call admitted and streamed');
    // The sessions were spread over both workers, and only one of them led the tenant all along:
    // the other admitted its sessions from events that reached it through the primary.
    const opened = logged('session opened').filter((l) => l.conversationId !== undefined && calls.includes(l.conversationId));
    expect(opened).toHaveLength(calls.length);
    const byWorker = new Map<number | undefined, number>();
    for (const l of opened) byWorker.set(l.worker, (byWorker.get(l.worker) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual([1, 2]);
    expect(workersThat('watching the monitored agents').size).toBe(1);
    // The sum over both workers: each alone opened fewer than the calls.
    const all = logged('session opened').length;
    expect(await metric('hookline_audiohook_sessions_opened_total{')).toBe(all);
    expect(Math.max(...byWorker.values())).toBeLessThan(all);
  }, 90_000);

  it('refuses a replayed signed upgrade whichever worker it reaches', async () => {
    const headers: Record<string, string> = { 'audiohook-organization-id': orgId, 'audiohook-session-id': randomUUID(), 'audiohook-correlation-id': randomUUID(), 'x-api-key': apiKey };
    Object.assign(headers, signRequest({ requestTarget: '/api/v1/audiohook/ws', authority: `127.0.0.1:${served.port}`, headers }, { apiKey, clientSecret: secret, nowSeconds: Date.now() / 1000 }));
    const replies: string[] = [];
    // Round-robin hands consecutive connections to alternate workers: four tries reach both.
    for (let i = 0; i < 4; i++) replies.push(await firstReply(headers));
    expect(replies.filter((r) => r === 'opened')).toHaveLength(1);
  }, 30_000);

  it('drains both workers on SIGTERM and exits 0', async () => {
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  }, 30_000);
});
