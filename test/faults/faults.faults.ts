/**
 * The fault suite (`npm run test:faults`): two `hookline serve` replicas on
 * PostgreSQL, Redis, RabbitMQ and S3, the Genesys emulator dialling AudioHook
 * sessions through a round-robin balancer, the reference receiver downstream.
 * Each replica reaches every backing service through a TCP proxy of this
 * suite's own, so a "restart" is a cut of that proxy (open connections reset,
 * new ones refused) and the shared services other tests use are never touched.
 *
 * In turn: no fault (the harness's own control row), SIGKILL of the tenant's
 * tracking leader, PostgreSQL restart (the suite's backends terminated — the
 * clients get 57P01 — and the proxy cut), RabbitMQ connection loss, Redis
 * restart, S3 outage; each lasts FAULT_SECONDS while monitored and unmonitored
 * calls are live and the calls that just ended are being imported. After the
 * fault and a settle, per row: every monitored call admitted and forwarded,
 * zero bytes of unmonitored calls downstream, every ended monitored call
 * imported by exactly one write (a trigger counts the writes), zero duplicate
 * analysis hand-offs (a consumer of `<namespace>-analysis` counts them),
 * nothing lost, no replica crashed. The table goes to docs/reliability.md; a
 * row that is not clean fails its test.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorControl } from '../../src/emulator/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { Receiver } from '../../src/receiver/index.js';
import { writeConfig } from '../helpers/process.js';
import { until } from '../helpers/server.js';
import { AMQP_URL, PG_URL, REDIS_URL, RUN_ID, S3, dropPgSchema, pgUrlWithFreshSchema, uniqueName } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { AnalysisTap, ImportWrites, deadLetters, deleteNamespaceQueues, pendingWork } from './counters.js';
import { Replica } from './replica.js';
import { block, clean, table, writeReliabilityDoc, type Row } from './report.js';
import { TcpProxy } from './tcp-proxy.js';

const FAULT_MS = Number(process.env.FAULT_SECONDS ?? 12) * 1000;
/** After the last call of a row ends: how long imports get before what is missing counts as lost. */
const SETTLE_MS = Number(process.env.FAULT_SETTLE_SECONDS ?? 30) * 1000;
const MONITORED_AGENTS = 8;
const UNMONITORED_AGENTS = 3;

const dir = tempDir('hookline-faults-');
const pg = pgUrlWithFreshSchema();
const namespace = uniqueName('hlf').replace(/_/g, '-').slice(0, 40);
const bucket = `hlf-${RUN_ID}-${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 60);
const appName = `hookline-faults-${namespace}`;

const address = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};
const proxies = {
  pg: new TcpProxy('postgres', [address(PG_URL)]),
  redis: new TcpProxy('redis', [address(REDIS_URL)]),
  amqp: new TcpProxy('rabbitmq', [address(AMQP_URL)]),
  s3: new TcpProxy('s3', [address(S3.endpoint)]),
};
const balancer = new TcpProxy('balancer', []);

let control: EmulatorControl;
let stopEmulator: (() => Promise<void>) | undefined;
let receiver: Receiver;
let replicas: Replica[] = [];
let writes: ImportWrites | undefined;
let tap: AnalysisTap | undefined;
let orgId: string;
let queueId: string;
let monitoredAgents: { id: string }[];
let unmonitoredAgents: { id: string }[];
const rows: Row[] = [];
const started = Date.now();

/** A URL of the shared service with host:port swapped for its proxy. */
function viaProxy(url: string, proxy: TcpProxy): URL {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u;
}

function replicaConfig(name: string, org: { clientId: string; clientSecret: string; apiUrl: string; loginUrl: string; groupId: string }, apiKey: string, secret: string): string {
  const database = viaProxy(pg.url, proxies.pg);
  database.searchParams.set('application_name', appName);
  return writeConfig(
    dir.dir,
    {
      dataDir: `${dir.dir}/${name}`,
      database: database.toString(),
      state: viaProxy(REDIS_URL, proxies.redis).toString(),
      queue: viaProxy(AMQP_URL, proxies.amqp).toString(),
      namespace,
      objects: {
        url: `s3://${bucket}`,
        s3: { endpoint: viaProxy(S3.endpoint, proxies.s3).toString().replace(/\/$/, ''), region: S3.region, accessKeyId: S3.accessKeyId, secretAccessKey: S3.secretAccessKey, forcePathStyle: true, createBucket: true },
      },
      server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 0 },
      metrics: { port: 0 },
      security: { masterKey: Buffer.alloc(32, 7).toString('base64') },
      logging: { level: 'info' },
      recorder: { enabled: false },
      tracking: { syncIntervalSeconds: 2, leaseTtlSeconds: 2 },
      ingest: { firstAttemptDelaySeconds: 0, retryBaseSeconds: 0.2, retryMaxSeconds: 2, gapReconcileDelaySeconds: 2, reconcileSettleSeconds: 0, claimLeaseSeconds: 5 },
      // The suite's tap counts every analysis hand-off: no post-call worker may compete with it.
      analysis: { postCall: { enabled: false } },
      tenants: [
        {
          orgId,
          name: 'Faults',
          apiKeys: [{ key: apiKey, secret }],
          genesys: { clientId: org.clientId, clientSecret: org.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
          monitoredGroupId: org.groupId,
          admission: 'monitored-group',
          gateTimeoutSeconds: 30,
          downstream: [{ url: `ws://127.0.0.1:${receiver.port}`, name: 'receiver', channels: 'both' }],
        },
      ],
    },
    `${name}.yaml`,
  );
}

/** The balancer sends new AudioHook connections to the replicas that run. */
function rebalance(): void {
  balancer.setUpstreams(replicas.filter((r) => r.alive).map((r) => ({ host: '127.0.0.1', port: r.port })));
}

const leader = () => replicas.find((r) => r.alive && r.leads);

/** What a supervisor does: start the replicas that are not running (crashed, or killed by a fault). */
async function restartDead(): Promise<void> {
  for (const r of replicas) if (!r.alive) await r.start();
  rebalance();
}

/** Both replicas up, one leading, the leader's notification topics subscribed. */
async function healthy(): Promise<void> {
  await restartDead();
  await until(() => leader() !== undefined, 30_000, 'a replica to lead the tenant');
  await until(async () => {
    const channels = (await control.channels()).filter((c) => c.orgId === orgId && c.connected);
    return channels.reduce((n, c) => n + c.topics, 0) >= MONITORED_AGENTS;
  }, 30_000, 'the leader to subscribe the monitored agents');
}

beforeAll(async () => {
  await Promise.all([...Object.values(proxies), balancer].map((p) => p.start()));
  const users = Array.from({ length: MONITORED_AGENTS + UNMONITORED_AGENTS }, (_, i) => ({ name: `Agent ${i}`, email: `agent${i}@example.com` }));
  const emu = await startEmulator({
    speed: 1,
    seed: {
      settings: { analytics: { availabilityLagMs: 300 }, recordings: { transcodeDelayMs: 300 }, notifications: { heartbeatSeconds: 5 } },
      orgs: [{ name: 'Faults', users, groups: [{ name: 'Monitored', members: users.slice(0, MONITORED_AGENTS).map((u) => u.email) }], queues: [{ name: 'Q' }] }],
    },
  });
  control = emu.control;
  stopEmulator = emu.stop;
  const org = emu.seeded[0]!;
  orgId = org.orgId;
  queueId = org.queues[0]!.id;
  monitoredAgents = org.users.slice(0, MONITORED_AGENTS);
  unmonitoredAgents = org.users.slice(MONITORED_AGENTS);
  receiver = new Receiver({ port: 0, outDir: dir.dir, log: createLogger({ level: 'silent' }) });
  await receiver.start();
  const apiKey = 'faults-key-0001';
  const secret = randomBytes(32).toString('base64');
  const client = org.clients[0]!;
  const orgInfo = { clientId: client.clientId, clientSecret: client.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl, groupId: org.groups[0]!.id };
  replicas = ['r0', 'r1'].map((name) => new Replica(name, replicaConfig(name, orgInfo, apiKey, secret)));
  await replicas[0]!.start(); // runs the migrations alone
  await replicas[1]!.start();
  writes = await ImportWrites.install(pg.schema);
  tap = await AnalysisTap.start(`${namespace}-analysis`);
  await healthy();
  const [integration] = await control.addIntegrations(orgId, [{ connectionUri: `ws://127.0.0.1:${balancer.port}/api/v1/audiohook/ws`, apiKey, clientSecret: secret, enabled: true, probe: true }]);
  await until(async () => (await control.integration(orgId, integration!.id)).reportedState === 'ACTIVE', 15_000, 'the integration to pass its probe');
}, 120_000);

afterAll(async () => {
  const text = block(rows, (Date.now() - started) / 1000);
  console.log(`\nFault suite (${namespace}):\n\n${table(rows)}\n`);
  // A partial run (FAULTS_ONLY) or FAULTS_WRITE_DOC=0 leaves the document alone.
  if (rows.length === FAULTS.length && process.env.FAULTS_WRITE_DOC !== '0') writeReliabilityDoc(text);
  await Promise.all(replicas.map((r) => r.kill()));
  await Promise.all([...Object.values(proxies), balancer].map((p) => p.stop()));
  await tap?.close().catch(() => undefined);
  await writes?.close().catch(() => undefined);
  await receiver?.stop();
  await stopEmulator?.();
  await deleteNamespaceQueues(namespace).catch(() => undefined);
  await dropPgSchema(pg.schema).catch(() => undefined);
  dir.cleanup();
}, 60_000);

interface Fault {
  name: string;
  inject(): Promise<void>;
  restore(): Promise<void>;
}

const cutting = (name: string, proxy: TcpProxy): Fault => ({ name, inject: () => proxy.cut(), restore: () => proxy.restore() });

const FAULTS: Fault[] = [
  { name: 'none (control)', inject: async () => undefined, restore: async () => undefined },
  {
    name: 'SIGKILL of the tracking leader',
    async inject() {
      const killed = leader();
      if (!killed) throw new Error('no replica leads the tenant');
      await killed.kill('SIGKILL');
      rebalance();
    },
    restore: restartDead,
  },
  {
    name: 'PostgreSQL restart',
    async inject() {
      // Refuse first so nothing reconnects, then end the suite's backends (the
      // clients read 57P01 as in a real restart), then reset what is left.
      await proxies.pg.refuse();
      await writes!.terminate(appName);
      proxies.pg.reset();
    },
    restore: () => proxies.pg.restore(),
  },
  cutting('RabbitMQ connection loss', proxies.amqp),
  cutting('Redis restart', proxies.redis),
  cutting('S3 outage', proxies.s3),
];

const durations = (talkMs: number) => ({ ivrMs: 200, queueMs: 200, alertMs: 300, talkMs, acwMs: 200 });
let nextMonitored = 0;
let nextUnmonitored = 0;

interface Started {
  id: string;
  finalMs: number;
}

async function call(monitored: boolean, talkMs: number): Promise<Started> {
  const agent = monitored ? monitoredAgents[nextMonitored++ % MONITORED_AGENTS]! : unmonitoredAgents[nextUnmonitored++ % UNMONITORED_AGENTS]!;
  const c = await control.startCall(orgId, { agentIds: [agent.id], queueId, durations: durations(talkMs) });
  return { id: c.conversationId, finalMs: c.finalMs };
}

const sessionsOf = (id: string) => [...receiver.sessions.values()].filter((s) => s.start.conversationId === id);
const bytesOf = (id: string) => sessionsOf(id).reduce((n, s) => n + s.bytesReceived, 0);

/** Every AudioHook session of these calls has finished (completed, failed or dropped). */
async function sessionsFinished(ids: string[]): Promise<boolean> {
  for (const id of ids) {
    const entries = await control.audioHookLog({ conversationId: id, kind: 'call' });
    if (entries.some((e) => e.result === 'connecting' || e.result === 'open' || e.result === 'closing')) return false;
  }
  return true;
}

/** The uncaught error a crashed replica printed last, at the start of a line (its last log line when there is none); the indented dump after it can be long. */
function exitReason(tail: string[]): string {
  const error = tail.findLast((l) => /^(\w*Error|error)(:|\s\[)/.test(l) || /"level":(50|60)/.test(l));
  const line = error ?? tail.filter((l) => l.trim() && !l.trim().startsWith('at ')).at(-1) ?? '';
  return (/"msg":"([^"]*)/.exec(line)?.[1] ?? line.trim()).slice(0, 160);
}

async function runFault(fault: Fault): Promise<Row> {
  await healthy();
  const crashesBefore = replicas.map((r) => r.crashes.length);
  const republishedBefore = [...tap!.messageIds.values()].filter((n) => n > 1).length;
  const monitored: Started[] = [];
  const unmonitored: Started[] = [];
  // Calls that end just after the fault starts: their imports run while it lasts.
  monitored.push(await call(true, 2000), await call(true, 2500));
  unmonitored.push(await call(false, 2000));
  await sleep(2000);
  await fault.inject();
  try {
    // Calls whose agents answer inside the fault window; some end inside it, some after.
    await sleep(1000);
    monitored.push(await call(true, 3000), await call(true, 3000));
    unmonitored.push(await call(false, 3000));
    await sleep(Math.max(0, FAULT_MS / 2 - 1000));
    monitored.push(await call(true, FAULT_MS));
    unmonitored.push(await call(false, FAULT_MS));
    await sleep(Math.max(0, FAULT_MS / 2));
  } finally {
    await fault.restore();
  }
  // A replica that crashed in the fault is counted, and restarted as a supervisor would.
  await restartDead();
  // Calls after the service is back.
  monitored.push(await call(true, 2500), await call(true, 2500));
  unmonitored.push(await call(false, 2500));
  const all = [...monitored, ...unmonitored];
  const ids = monitored.map((c) => c.id);

  // Wait for events, not for time: every call over and its AudioHook session closed…
  const lastFinal = Math.max(...all.map((c) => c.finalMs));
  await until(async () => (await control.clock()).now >= lastFinal, FAULT_MS + 30_000, 'every call to end');
  await until(() => sessionsFinished(all.map((c) => c.id)), 30_000, 'every AudioHook session to close').catch(() => undefined);
  // …then every monitored call imported and its hand-off seen, and the queues quiet — or the deadline.
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline) {
    const counts = await writes!.counts(ids);
    const handedOff = ids.every((id) => (tap!.perConversation.get(id) ?? 0) > 0);
    if (counts.size === ids.length && handedOff && (await pendingWork(namespace)) === 0) break;
    await sleep(500);
  }
  // Let the receiver finish what it was sent (a session ends with `end`).
  await until(() => monitored.every((c) => sessionsOf(c.id).every((s) => s.ended)), 10_000, 'the receiver to see every stream end').catch(() => undefined);

  const counts = await writes!.counts(ids);
  const admitted = monitored.filter((c) => sessionsOf(c.id).length > 0).length;
  const forwarded = monitored.filter((c) => bytesOf(c.id) > 0).length;
  const importedOnce = ids.filter((id) => counts.get(id) === 1).length;
  const duplicateImports = ids.reduce((n, id) => n + Math.max(0, (counts.get(id) ?? 0) - 1), 0);
  const duplicateHandoffs = ids.reduce((n, id) => n + Math.max(0, (tap!.perConversation.get(id) ?? 0) - 1), 0);
  const notImported = ids.filter((id) => !counts.has(id));
  const notForwarded = monitored.filter((c) => bytesOf(c.id) === 0).map((c) => c.id);
  const crashed = replicas.filter((r, i) => r.crashes.length > (crashesBefore[i] ?? 0));
  const unmonitoredBytes = unmonitored.reduce((n, c) => n + bytesOf(c.id), 0);
  const dead = await deadLetters(namespace);
  const row: Row = {
    fault: fault.name,
    monitored: monitored.length,
    admitted,
    forwarded,
    unmonitored: unmonitored.length,
    unmonitoredBytes,
    ended: ids.length,
    importedOnce,
    handedOff: ids.filter((id) => (tap!.perConversation.get(id) ?? 0) > 0).length,
    duplicateImports,
    duplicateHandoffs,
    lost: new Set([...notImported, ...notForwarded]).size,
    crashes: replicas.reduce((n, r, i) => n + r.crashes.length - (crashesBefore[i] ?? 0), 0),
    notes: [],
  };
  const short = (id: string) => id.slice(0, 8);
  if (notForwarded.length) row.notes.push(`not forwarded: ${notForwarded.map(short).join(', ')}`);
  if (notImported.length) row.notes.push(`not imported within ${SETTLE_MS / 1000} s: ${notImported.map(short).join(', ')}`);
  if (duplicateImports) row.notes.push(`imported more than once: ${ids.filter((id) => (counts.get(id) ?? 0) > 1).map((id) => `${short(id)}×${counts.get(id)}`).join(', ')}`);
  if (duplicateHandoffs) row.notes.push(`handed off more than once: ${ids.filter((id) => (tap!.perConversation.get(id) ?? 0) > 1).map((id) => `${short(id)}×${tap!.perConversation.get(id)}`).join(', ')}`);
  if (unmonitoredBytes) row.notes.push(`unmonitored audio forwarded: ${unmonitored.filter((c) => bytesOf(c.id) > 0).map((c) => short(c.id)).join(', ')}`);
  if (dead) row.notes.push(`${dead} ingest dead letters so far`);
  const republished = [...tap!.messageIds.values()].filter((n) => n > 1).length - republishedBefore;
  if (republished) row.notes.push(`${republished} analysis messages delivered more than once under the same message id`);
  for (const r of crashed) {
    const last = r.crashes[r.crashes.length - 1]!;
    row.notes.push(`replica ${r.name} exited with ${last.code}: ${exitReason(last.lines)}`);
  }
  return row;
}

/** `FAULTS_ONLY=redis,s3`: only the rows whose name contains one of these (case-insensitive). */
const only = (process.env.FAULTS_ONLY ?? '').toLowerCase().split(',').filter(Boolean);
const selected = only.length ? FAULTS.filter((f) => only.some((o) => f.name.toLowerCase().includes(o))) : FAULTS;

describe('fault suite', () => {
  for (const fault of selected) {
    it(`${fault.name}: every monitored call admitted and forwarded, none unmonitored, every ended call imported once, no duplicate hand-off`, async () => {
      const row = await runFault(fault);
      rows.push(row);
      console.log(`${table([row])}${row.notes.length ? `\n  ${row.notes.join('\n  ')}` : ''}`);
      expect(clean(row), row.notes.join('; ') || 'row not clean').toBe(true);
    }, FAULT_MS + SETTLE_MS + 150_000);
  }
});
