/**
 * The system the admission latency is measured on: the Genesys emulator (in
 * this process) with one org whose agents are all in the monitored group, a
 * do-nothing downstream, and Hookline as one process (SQLite, in-memory state)
 * or as two replicas on PostgreSQL and Redis — replica A started first so it
 * leads the tenant and holds the notification channels, the AudioHook
 * integration dialling replica B. `extra` adds configuration keys to every
 * replica (bench:events loads plugins this way); bench:gate passes none.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { startEmulator, type EmulatorControl, type RunningEmulator, type SeededOrg } from '../../src/emulator/index.js';
import { newMasterKey, startHookline, type RunningHookline } from './hookline.js';
import { sleep } from './processes.js';
import { dropSchema } from '../../src/platform/db/index.js';
import { PG_URL, REDIS_URL } from '../../test/helpers/service-urls.js';
import { SPEECH_DIR } from '../lib/paths.js';


export interface Stack {
  emu: RunningEmulator;
  org: SeededOrg;
  replicas: RunningHookline[];
  stop(): Promise<void>;
}

const creds = () => ({ apiKey: `bench-${randomBytes(8).toString('hex')}`, secret: randomBytes(32).toString('base64') });

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function startOrg(agents: number, calls: number): Promise<{ emu: RunningEmulator; org: SeededOrg }> {
  const users = Array.from({ length: agents }, (_, i) => ({ name: `Agent ${i + 1}`, email: `agent${i + 1}@example.com` }));
  const emu = await startEmulator({
    speed: 1,
    speechDir: SPEECH_DIR,
    seed: {
      settings: { log: { maxEntries: Math.max(50_000, calls * 20) } },
      orgs: [{ name: 'Gate bench', users, groups: [{ name: 'Monitored', members: users.map((u) => u.email) }], queues: [{ name: 'Support' }], wrapupCodes: [{ name: 'Resolved' }] }],
    },
  });
  const org = emu.seeded[0];
  if (!org) throw new Error('the emulator seeded no org');
  return { emu, org };
}

/** A destination that accepts every stream and ignores it: admission starts the stream sink, so one must exist. */
async function startNullSink(): Promise<{ url: string; close: () => void }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  wss.on('connection', (ws) => ws.on('error', () => undefined));
  await once(wss, 'listening');
  const addr = wss.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `ws://127.0.0.1:${port}`, close: () => wss.close() };
}

function tenant(org: SeededOrg, key: { apiKey: string; secret: string }, sinkUrl: string): Record<string, unknown> {
  const client = org.clients[0];
  if (!client) throw new Error('the emulator org has no OAuth client');
  return {
    orgId: org.orgId,
    name: 'Gate bench',
    apiKeys: [{ key: key.apiKey, secret: key.secret }],
    genesys: { clientId: client.clientId, clientSecret: client.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
    monitoredGroupId: org.groups[0]?.id,
    admission: 'monitored-group',
    gateTimeoutSeconds: 15,
    downstream: [{ url: sinkUrl, name: 'null', channels: 'both' }],
  };
}

/** The leader has subscribed every agent's topic on a connected channel. */
function tracking(control: EmulatorControl, orgId: string, agents: number): Promise<void> {
  return until('the tenant leader to subscribe the agents', 30_000, async () => {
    const channels = (await control.channels()).filter((c) => c.orgId === orgId && c.connected);
    return channels.reduce((n, c) => n + c.topics, 0) >= agents;
  });
}

async function integrate(control: EmulatorControl, orgId: string, wsUrl: string, key: { apiKey: string; secret: string }): Promise<void> {
  const [integration] = await control.addIntegrations(orgId, [{ connectionUri: wsUrl, apiKey: key.apiKey, clientSecret: key.secret, name: 'Hookline', enabled: true, probe: true }]);
  if (!integration) throw new Error('the emulator created no integration');
  await until('the integration to pass its probe', 15_000, async () => (await control.integration(orgId, integration.id)).reportedState === 'ACTIVE');
}

const TRACKING = { syncIntervalSeconds: 300, leaseTtlSeconds: 3 };

type Extra = Record<string, unknown>;

async function oneProcess(t: Record<string, unknown>, extra: Extra): Promise<{ replicas: RunningHookline[]; cleanup: () => Promise<void> }> {
  const h = await startHookline({ config: { ...extra, tracking: TRACKING, tenants: [t] } });
  return { replicas: [h], cleanup: async () => undefined };
}

/** Replica A first, and only once it leads does B start: B then finds the lease taken. */
async function twoReplicas(t: Record<string, unknown>, extra: Extra, control: EmulatorControl, orgId: string, agents: number) {
  const id = randomBytes(4).toString('hex');
  const schema = `gate_bench_${id}`;
  const shared = { ...extra, database: `${PG_URL}?schema=${schema}`, state: REDIS_URL, namespace: `gate-bench-${id}`, security: { masterKey: newMasterKey() }, tracking: TRACKING, tenants: [t] };
  const replicas: RunningHookline[] = [];
  const cleanup = () => dropSchema(PG_URL, schema);
  try {
    replicas.push(await startHookline({ config: shared }));
    await tracking(control, orgId, agents);
    replicas.push(await startHookline({ config: shared }));
  } catch (err) {
    for (const r of replicas) await r.stop();
    await cleanup();
    throw err;
  }
  return { replicas, cleanup };
}

export async function startStack(replicaCount: 1 | 2, agents: number, calls: number, extra: Extra = {}): Promise<Stack> {
  const { emu, org } = await startOrg(agents, calls);
  const sink = await startNullSink();
  const key = creds();
  const t = tenant(org, key, sink.url);
  const started = await (replicaCount === 1 ? oneProcess(t, extra) : twoReplicas(t, extra, emu.control, org.orgId, agents)).catch(async (err: unknown) => {
    sink.close();
    await emu.stop();
    throw err;
  });
  const stop = async () => {
    for (const r of started.replicas) await r.stop();
    await started.cleanup();
    sink.close();
    await emu.stop();
  };
  try {
    await tracking(emu.control, org.orgId, agents);
    await integrate(emu.control, org.orgId, (started.replicas.at(-1) as RunningHookline).wsUrl, key);
  } catch (err) {
    await stop();
    throw err;
  }
  return { emu, org, replicas: started.replicas, stop };
}
