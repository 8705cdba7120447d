/**
 * bench:events — what common events cost and how fast they reach an integrator:
 *
 *  1. model-update cost: the live model (LiveStore on SQLite, in this process)
 *     applying every notification snapshot of scripted calls — CPU per
 *     observation and per event recorded;
 *  2. delivery: the Genesys emulator (this process, speed 1) with N concurrent
 *     calls, transfers included, and `hookline serve` (a child process) leading
 *     the tenant and delivering every event to a webhook receiver (this
 *     process): events/s in the steady window, and latency from the change's
 *     notification at the emulator to the signed POST arriving;
 *  3. admission with plugins: bench:gate's admission case three times in this
 *     run — no plugin, one that throws, one that sleeps 5 s
 *     (events/admission-plugins.ts) — and each case's latency ratio to the
 *     first.
 *
 * Latency: from the moment the emulator handed the notification that carried
 * the change to the socket (its notification log's `sentAtMs`: the first frame
 * of that conversation at or after the event's `occurredAt` on the emulator's
 * clock) to the webhook POST arriving. The emulator and the receiver run in
 * this process, so both are on one clock.
 *
 *   npm run bench:events [-- --concurrent 200 --window 60 --admission-calls 50 --only model|delivery|admission --no-docs]
 *
 * With --only the docs are left alone (the section holds every part).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openAppDatabase } from '../src/app/database.js';
import { LiveStore, type Observation } from '../src/conversations/index.js';
import { startEmulator, type NotificationEntry, type RunningEmulator, type SeededOrg } from '../src/emulator/index.js';
import { percentile } from '../src/platform/metrics/index.js';
import { SCENARIOS_WITH_TRANSFERS, snapshotsOf } from './events/scripted.js';
import { ADMISSION_PLUGINS_HEAD, TARGET_RATIO, admissionPluginsNotes, admissionPluginsRows, admissionWithPlugins, missingNumbers, type PluginCaseResult } from './events/admission-plugins.js';
import { startHookline, type RunningHookline } from './gate/hookline.js';
import { killAll, sleep } from './gate/processes.js';
import { cpuSeconds } from './lib/proc.js';
import { machineLine, writeSection } from './lib/docs.js';
import { SPEECH_DIR } from './lib/paths.js';
import { markdownTable, textTable } from './lib/table.js';

const PARTS = ['model', 'delivery', 'admission'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  concurrent: number;
  windowSeconds: number;
  modelCalls: number;
  admissionCalls: number;
  parts: ReadonlySet<Part>;
  docs: boolean;
}

const USAGE = 'usage: --concurrent N --window SECONDS (≥ 10) --model-calls N --admission-calls N [--only model|delivery|admission] [--no-docs]';

function parts(only: string | undefined): ReadonlySet<Part> {
  if (only === undefined) return new Set(PARTS);
  const part = PARTS.find((p) => p === only);
  if (!part) throw new Error(`--only: "${only}" is not one of ${PARTS.join(', ')}; ${USAGE}`);
  return new Set([part]);
}

function options(argv: string[]): Options {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      concurrent: { type: 'string', default: '200' },
      window: { type: 'string', default: '60' },
      'model-calls': { type: 'string', default: '400' },
      'admission-calls': { type: 'string', default: '50' },
      only: { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const p = parts(v.only);
  // A part run alone would replace the whole generated section with itself.
  const o = { concurrent: Number(v.concurrent), windowSeconds: Number(v.window), modelCalls: Number(v['model-calls']), admissionCalls: Number(v['admission-calls']), parts: p, docs: v['no-docs'] !== true && p.size === PARTS.length };
  if (!(o.concurrent > 0 && o.windowSeconds >= 10 && o.modelCalls > 0 && Number.isInteger(o.admissionCalls) && o.admissionCalls > 0)) throw new Error(USAGE);
  return o;
}

// ---- 1. model-update cost ---------------------------------------------------

interface ModelCost {
  calls: number;
  observations: number;
  events: number;
  cpuUsPerObservation: number;
  cpuUsPerEvent: number;
  wallUsPerEvent: number;
}

async function modelCost(calls: number): Promise<ModelCost> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-events-'));
  const db = await openAppDatabase(`sqlite:${join(dir, 'live.db')}`);
  try {
    const store = new LiveStore(db);
    const work: Observation[][] = Array.from({ length: calls }, (_, i) => snapshotsOf(SCENARIOS_WITH_TRANSFERS[i % SCENARIOS_WITH_TRANSFERS.length] ?? 'inbound', i));
    let observations = 0;
    let events = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const obs of work) {
      for (const o of obs) {
        events += (await store.apply('bench', o)).length;
        observations++;
      }
    }
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = cpu.user + cpu.system;
    return { calls, observations, events, cpuUsPerObservation: cpuUs / observations, cpuUsPerEvent: cpuUs / events, wallUsPerEvent: wallUs / events };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 2. delivery --------------------------------------------------------------

interface Received {
  at: number;
  type: string;
  occurredAt: number;
  conversationId: string;
  key: string;
}

/** A webhook receiver that answers 204 at once and remembers when each event arrived. */
async function startReceiver(): Promise<{ url: string; received: Received[]; duplicates: () => number; close: () => Promise<void> }> {
  const received: Received[] = [];
  const seen = new Set<string>();
  let dupes = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      res.writeHead(204).end();
      const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; occurredAt: string; conversationId: string; seq: number };
      const key = `${e.conversationId}/${e.seq}`;
      if (seen.has(key)) dupes++;
      seen.add(key);
      received.push({ at, type: e.type, occurredAt: Date.parse(e.occurredAt), conversationId: e.conversationId, key });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    duplicates: () => dupes,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A typical call of this load: IVR, queue, alert, ~60 s of talk, hold or consult, ACW. */
const DURATIONS = { ivrMs: 1000, queueMs: 1000, alertMs: 1000, holdMs: 5000, consultMs: 5000, acwMs: 2000 };
const TALK_MS: [number, number] = [50_000, 70_000];
const CALL_MS = 1000 + 1000 + 1000 + 60_000 + 5000 + 2000;

function tenantConfig(org: SeededOrg, webhookUrl: string): Record<string, unknown> {
  const client = org.clients[0];
  if (!client) throw new Error('the emulator org has no OAuth client');
  return {
    orgId: org.orgId,
    name: 'Events bench',
    genesys: { clientId: client.clientId, clientSecret: client.clientSecret, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
    monitoredGroupId: org.groups[0]?.id,
    admission: 'monitored-group',
    webhooks: [{ name: 'bench', url: webhookUrl, secret: `whsec_${randomBytes(32).toString('base64')}` }],
  };
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

interface Frame {
  /** Emulator time of the change it carries. */
  at: number;
  /** Real time it was handed to the socket. */
  sentAtMs: number;
}

/** Frames per conversation, in emulator-time order. */
function framesByConversation(log: NotificationEntry[]): Map<string, Frame[]> {
  const by = new Map<string, Frame[]>();
  for (const n of log) {
    const id = conversationOf(n.body);
    if (!id || n.fault) continue;
    const list = by.get(id) ?? [];
    list.push({ at: Date.parse(n.at), sentAtMs: n.sentAtMs });
    by.set(id, list);
  }
  for (const list of by.values()) list.sort((a, b) => a.at - b.at || a.sentAtMs - b.sentAtMs);
  return by;
}

function conversationOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || !('id' in body)) return undefined;
  return typeof body.id === 'string' ? body.id : undefined;
}

/**
 * When the notification carrying a change went out: the earliest send of the
 * first frame at or after the change. Agents' topics see a call only from its
 * alerting on, so changes before it (the conversation's creation, the IVR)
 * are carried by that first frame.
 */
function carriedAt(frames: readonly Frame[], occurredAt: number): number | undefined {
  const first = frames.find((f) => f.at >= occurredAt);
  if (!first) return undefined;
  return Math.min(...frames.filter((f) => f.at === first.at).map((f) => f.sentAtMs));
}

interface Delivery {
  concurrent: number;
  calls: number;
  windowSeconds: number;
  eventsPerSecond: number;
  delivered: number;
  duplicates: number;
  p50: number;
  p99: number;
  max: number;
  hooklineCpuPct: number;
}

async function delivery(o: Options): Promise<Delivery> {
  const agents = o.concurrent * 2 + 50; // a transfer takes two agents
  const users = Array.from({ length: agents }, (_, i) => ({ name: `Agent ${i + 1}`, email: `agent${i + 1}@example.com` }));
  const emu: RunningEmulator = await startEmulator({
    speed: 1,
    speechDir: SPEECH_DIR,
    seed: { settings: { log: { maxEntries: 200_000 } }, orgs: [{ name: 'Events bench', users, groups: [{ name: 'Monitored', members: users.map((u) => u.email) }], queues: [{ name: 'Support' }], wrapupCodes: [{ name: 'Resolved' }] }] },
  });
  const receiver = await startReceiver();
  let hookline: RunningHookline | undefined;
  try {
    const org = emu.seeded[0] as SeededOrg;
    hookline = await startHookline({ config: { tracking: { syncIntervalSeconds: 300, leaseTtlSeconds: 5 }, tenants: [tenantConfig(org, receiver.url)] } });
    await until('the tenant leader to subscribe every agent', 60_000, async () => (await emu.control.channels()).filter((c) => c.orgId === org.orgId && c.connected).reduce((n, c) => n + c.topics, 0) >= agents);
    const callsPerMinute = (o.concurrent / CALL_MS) * 60_000;
    const runForMs = CALL_MS + o.windowSeconds * 1000;
    process.stdout.write(`delivery: ${callsPerMinute.toFixed(0)} calls/min for ${(runForMs / 1000).toFixed(0)} s (≈ ${o.concurrent} concurrent), window ${o.windowSeconds} s after the ramp\n`);
    const load = await emu.control.startLoad(org.orgId, { callsPerMinute, runForMs, scenarios: ['inbound', 'blind-transfer', 'consult-transfer', 'hold'], talkMs: TALK_MS, durations: DURATIONS, dialOut: { enabled: false } });
    await sleep(CALL_MS); // the ramp: concurrency builds up over one call's length
    const from = Date.now();
    const cpu0 = cpuSeconds(hookline.pid);
    await sleep(o.windowSeconds * 1000);
    const to = Date.now();
    const cpu1 = cpuSeconds(hookline.pid);
    const inWindow = receiver.received.filter((r) => r.at >= from && r.at < to);
    const frames = framesByConversation(await emu.control.notificationLog({ topicPrefix: 'v2.users.', limit: 200_000 }));
    const latencies = inWindow.flatMap((r) => {
      const sent = carriedAt(frames.get(r.conversationId) ?? [], r.occurredAt);
      return sent === undefined ? [] : [r.at - sent];
    });
    latencies.sort((a, b) => a - b);
    const status = await emu.control.load(load.id).catch(() => undefined);
    return {
      concurrent: o.concurrent,
      calls: status?.callsStarted ?? 0,
      windowSeconds: (to - from) / 1000,
      eventsPerSecond: inWindow.length / ((to - from) / 1000),
      delivered: receiver.received.length,
      duplicates: receiver.duplicates(),
      p50: percentile(latencies, 50) ?? NaN,
      p99: percentile(latencies, 99) ?? NaN,
      max: latencies.at(-1) ?? NaN,
      hooklineCpuPct: ((cpu1 - cpu0) / ((to - from) / 1000)) * 100,
    };
  } finally {
    await hookline?.stop();
    await receiver.close();
    await emu.stop();
  }
}

// ---- report -------------------------------------------------------------------

const MODEL_HEAD = ['calls', 'observations', 'events', 'CPU µs / observation', 'CPU µs / event', 'wall µs / event'] as const;
const DELIVERY_HEAD = ['concurrent calls', 'calls started', 'window s', 'events/s delivered', 'latency p50 ms', 'latency p99 ms', 'max ms', 'duplicates', 'Hookline CPU %'] as const;

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const modelRow = (m: ModelCost) => [String(m.calls), String(m.observations), String(m.events), f(m.cpuUsPerObservation, 0), f(m.cpuUsPerEvent, 0), f(m.wallUsPerEvent, 0)];
const deliveryRow = (d: Delivery) => [String(d.concurrent), String(d.calls), f(d.windowSeconds, 0), f(d.eventsPerSecond), f(d.p50), f(d.p99), f(d.max), String(d.duplicates), f(d.hooklineCpuPct)];

/** bench:gate's admission load: 10 calls/s over 80 monitored agents. */
const ADMISSION_LOAD = { callsPerSecond: 10, agents: 80 };

interface Results {
  model?: ModelCost;
  delivery?: Delivery;
  admission?: PluginCaseResult[];
}

async function run(o: Options): Promise<Results> {
  const r: Results = {};
  if (o.parts.has('model')) {
    process.stdout.write(`model-update cost: ${o.modelCalls} scripted calls through LiveStore on SQLite\n`);
    r.model = await modelCost(o.modelCalls);
  }
  if (o.parts.has('delivery')) r.delivery = await delivery(o);
  if (o.parts.has('admission')) r.admission = await admissionWithPlugins({ calls: o.admissionCalls, ...ADMISSION_LOAD }, (line) => process.stdout.write(`${line}\n`));
  return r;
}

function print(r: Results): void {
  const out: string[] = [];
  if (r.model) out.push(textTable(MODEL_HEAD, [modelRow(r.model)]));
  if (r.delivery) out.push(textTable(DELIVERY_HEAD, [deliveryRow(r.delivery)]));
  if (r.admission) out.push([textTable(ADMISSION_PLUGINS_HEAD, admissionPluginsRows(r.admission)), ...admissionPluginsNotes(r.admission)].join('\n'));
  process.stdout.write(`\n${out.join('\n\n')}\n`);
}

function docsBlock(o: Options, m: ModelCost, d: Delivery, a: PluginCaseResult[]): string {
  return [
    `Command: \`npm run bench:events\`  `,
    `Machine: ${machineLine()}  `,
    `Date: ${new Date().toISOString()}  `,
    `Load: ${o.concurrent} concurrent calls (inbound, hold, blind and consult transfers; ~70 s each), every agent monitored, no AudioHook dial-out, ingest off; one webhook endpoint answering 204 at once. Latency: the notification carrying the change handed to the emulator's socket → the signed POST received.`,
    '',
    '**Model-update cost** (LiveStore on SQLite, one process, snapshots of scripted calls applied in order):',
    '',
    markdownTable(MODEL_HEAD, [modelRow(m)]),
    '',
    '**Delivery** (emulator → notification WebSocket → tracking leader → live model → outbox → webhook):',
    '',
    markdownTable(DELIVERY_HEAD, [deliveryRow(d)]),
    '',
    `**Admission with plugins** (bench:gate's admission case, one process on SQLite, ${o.admissionCalls} calls at ${ADMISSION_LOAD.callsPerSecond}/s each time, run three times in this run; latency: agent-connected notification → \`resume\` at the emulator's AudioHook client; the plugins, from \`bench/plugins/\`, throw or sleep 5 s in \`beforeCommit\` and \`afterCommit\`, default 200 ms budget). Target, not enforced: ratio to "no plugin" ≤ ${TARGET_RATIO} at p50 and p99.`,
    '',
    markdownTable(ADMISSION_PLUGINS_HEAD, admissionPluginsRows(a)),
    ...admissionPluginsNotes(a).map((n, i) => `${i === 0 ? '\n' : ''}- ${n}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const r = await run(o);
  print(r);
  const missing = r.admission ? missingNumbers(r.admission) : undefined;
  if (missing) throw new Error(missing);
  if (!o.docs || !r.model || !r.delivery || !r.admission) return;
  writeSection({ bench: 'events', heading: 'Common events (bench:events)' }, docsBlock(o, r.model, r.delivery, r.admission));
  process.stdout.write('\nwritten to docs/benchmarks.md\n');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    killAll();
    process.stderr.write(`bench:events: ${err.message}\n`);
    process.exit(1);
  },
);
