/**
 * `hookline demo`: the whole system on embedded defaults in one process —
 * the Genesys Cloud emulator with a seeded contact center, Hookline wired to
 * it the way an installation would be (tenant settings, the AudioHook
 * integration created through the Platform API, a stream destination), a
 * downstream receiver, and a steady call load — with a live view.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type Server } from '../app/serve.js';
import { startEmulator } from '../emulator/index.js';
import { createGenesysClient } from '../genesys/index.js';
import { configSchema } from '../app/config.js';
import { createLogger } from '../platform/logging/index.js';
import { Receiver } from '../receiver/index.js';
import { UserStore } from '../console/index.js';
import { AUDIOCONNECTOR_PATH_PREFIX } from '../voicebot/index.js';
import { DEMO_CONNECTOR, placeBotCall, saveBotAudio } from './bot-call.js';
import { snapshot, type DemoStatus } from './status.js';
import { factLines, Screen } from './view.js';

export interface DemoOptions {
  dataDir: string;
  /** Stop after this long; run until Ctrl-C when absent. */
  durationSeconds?: number | undefined;
  callsPerMinute: number;
  out: NodeJS.WriteStream;
}

const MARKER = '.hookline-demo';
const AGENTS = ['Alice Agent', 'Bob Agent', 'Carol Agent', 'Dave Agent', 'Erin Agent', 'Frank Agent'];
const MONITORED = AGENTS.slice(0, 4);
const GATE_TIMEOUT_S = 15;
const DRAIN_MS = 2000;
/**
 * The demo tenant's guidance rules (docs/guidance.md), sized to what the emulator's call audio
 * contains (src/emulator/audio/arrangement.ts): the agent speaks first and turns alternate with
 * 0.25–1.2 s gaps, the parties never overlap, and a turn that does not fit its talk interval leaves
 * a longer pause (and a hold a long one). Measured on 60 calls arranged as the demo's are (talk 8–20 s, every fourth
 * one with a 12 s hold; the recording's view) with the analysis' own VAD and rule engine: a 2.5 s silence fires on about a third
 * of the calls, the agent above 70 % of a 10 s window on about half (calls shorter than the window
 * are never judged). No overtalk rule (nothing overlaps), and no phrase rule: it would need
 * pocketsphinx running per admitted call, which the bot already uses, on a laptop.
 * Each firing is a `guidance.triggered` notification on the console's Notifications page.
 */
const GUIDANCE_RULES = [
  { name: 'long-silence', kind: 'silence', minSeconds: 2.5 },
  { name: 'agent-talks-too-much', kind: 'talk-ratio', party: 'agent', above: 0.7, windowSeconds: 10 },
] as const;
/** How often a new caller talks to the demo bot (the first one right away). */
const BOT_CALL_EVERY_S = 60;

/** Starts from an empty data directory, but only ever deletes one the demo made. */
function freshDataDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, MARKER))) throw new Error(`${dir} exists and was not made by the demo; choose another --data-dir`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'made by `hookline demo`; deleted at its next start\n');
}

/**
 * The console user a newcomer logs in with: admin of the demo tenant, a fresh password each run
 * (the demo's data directory is new each time, so is the user).
 */
async function demoConsoleUser(server: Server, orgId: string): Promise<{ url: string; username: string; password: string } | undefined> {
  const base = server.metrics?.baseUrl;
  if (!base) return undefined;
  const username = 'demo';
  const password = randomBytes(9).toString('base64url');
  await new UserStore(server.ctx.db).add({ username, password, roles: [{ tenant: orgId, role: 'admin' }], globalAdmin: true });
  return { url: `${base}/console/`, username, password };
}

async function until(fn: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await sleep(200);
  }
}

export async function runDemo(o: DemoOptions): Promise<DemoStatus> {
  const dataDir = resolve(o.dataDir);
  freshDataDir(dataDir);
  const say = (line: string) => o.out.write(`${line}\n`);
  say('Starting the Genesys Cloud emulator (a contact center with 6 agents, 4 of them in the monitored group)…');
  const emu = await startEmulator({
    speed: 1,
    seed: {
      settings: { analytics: { availabilityLagMs: 2000 }, recordings: { transcodeDelayMs: 2000 } },
      orgs: [
        {
          name: 'Demo Contact Center',
          users: AGENTS.map((name) => ({ name, email: `${name.split(' ')[0]?.toLowerCase()}@example.com` })),
          groups: [{ name: 'Speech Analytics', members: MONITORED }],
          queues: [{ name: 'Customer Care' }],
          wrapupCodes: [{ name: 'Resolved' }, { name: 'Follow-up' }],
        },
      ],
    },
  });
  const org = emu.seeded[0];
  if (!org) throw new Error('demo: the emulator seeded no organization');
  const oauth = org.clients[0] as { clientId: string; clientSecret: string };
  const receiver = new Receiver({ port: 0, outDir: join(dataDir, 'received'), log: createLogger({ level: 'silent' }) });
  await receiver.start();

  const apiKey = randomBytes(18).toString('base64url');
  const clientSecret = randomBytes(32).toString('base64');
  const config = configSchema.parse({
    dataDir,
    database: `sqlite:${join(dataDir, 'hookline.db')}`,
    objects: { url: `file:${join(dataDir, 'objects')}` },
    server: { host: '127.0.0.1', port: 0, drainTimeoutSeconds: 2 },
    metrics: { port: 0 },
    logging: { level: 'info' },
    tracking: { syncIntervalSeconds: 30 },
    // Reconciliation normally leaves the last minute alone (data still settling); the demo's emulator settles in 2 s.
    ingest: { firstAttemptDelaySeconds: 3, retryBaseSeconds: 2, retryMaxSeconds: 15, reconcileSettleSeconds: 5 },
    tenants: [
      {
        orgId: org.orgId,
        name: org.name,
        apiKeys: [{ key: apiKey, secret: clientSecret, label: 'demo' }],
        genesys: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, region: org.env, apiUrl: org.apiUrl, loginUrl: org.loginUrl },
        monitoredGroupId: org.groups[0]?.id,
        admission: 'monitored-group',
        gateTimeoutSeconds: GATE_TIMEOUT_S,
        downstream: [{ url: `ws://127.0.0.1:${receiver.port}`, name: 'receiver', channels: 'both' }],
        guidance: { rules: GUIDANCE_RULES },
        // The voice-bot bridge: the demo bot behind the offline engines (pocketsphinx, espeak-ng).
        voicebot: { bots: [{ name: 'demo', type: 'demo' }], connectors: [{ id: DEMO_CONNECTOR, bot: 'demo' }] },
      },
    ],
  });
  const logFile = join(dataDir, 'hookline.log');
  say(`Starting Hookline on embedded defaults (SQLite, table queue, files); its log goes to ${logFile}`);
  const server: Server = await startServer(config, createLogger({ level: 'info' }, createWriteStream(logFile)));
  const wsUrl = `${server.url.replace('http', 'ws')}${config.audiohook.path}`;
  const consoleLogin = await demoConsoleUser(server, org.orgId);

  say('Installing the AudioHook integration in the organization through the Platform API (as the install wizard does)…');
  const genesys = createGenesysClient(config.tenants[0]!.genesys!);
  const integration = await genesys.integrations.installAudioHook({ name: 'Hookline', connectionUri: wsUrl, apiKey, clientSecret });
  await until(async () => (await emu.control.integration(org.orgId, integration.id)).reportedState === 'ACTIVE', 15_000, 'the connection probe to activate the integration');
  say('Installing the Audio Connector integration (voice bot) the same way…');
  const botIntegration = await genesys.integrations.installAudioConnector({ name: 'Hookline bots', baseConnectionUri: `${server.url.replace('http', 'ws')}${AUDIOCONNECTOR_PATH_PREFIX}`, apiKey, clientSecret });
  await until(async () => (await emu.control.integration(org.orgId, botIntegration.id)).reportedState === 'ACTIVE', 15_000, 'the connection probe to activate the Audio Connector integration');
  await until(async () => (await emu.control.channels()).some((c) => c.orgId === org.orgId && c.connected), 15_000, 'Hookline to subscribe to the agents');
  const load = await emu.control.startLoad(org.orgId, {
    callsPerMinute: o.callsPerMinute,
    talkMs: [8000, 20000],
    scenarios: ['inbound', 'inbound', 'hold', 'blind-transfer'],
    durations: { ivrMs: 1500, queueMs: 2000, alertMs: 2000, acwMs: 3000 },
  });
  say(`Placing ${o.callsPerMinute} calls a minute. Calls of ${MONITORED.join(', ')} are captured; the others are`);
  say(`rejected at the gate after ${GATE_TIMEOUT_S} s. Genesys emulator ${emu.url}, Hookline ${server.url},`);
  say(`downstream receiver ws://127.0.0.1:${receiver.port}. Files: see README "What the demo shows".`);
  say(`A caller also talks to the demo bot through the Audio Connector now and every ${BOT_CALL_EVERY_S} s.`);
  if (consoleLogin) say(`Operator console: ${consoleLogin.url}  user ${consoleLogin.username}, password ${consoleLogin.password}\n`);
  else say('');
  const botCalls = [await placeBotCall(emu.control, org.orgId)];
  let nextBotCall = Date.now() + BOT_CALL_EVERY_S * 1000;

  const started = Date.now();
  const screen = new Screen(o.out);
  let stopping = false;
  const stop = () => (stopping = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let nextReconcile = started + 45_000;
  let status = await snapshot(server, emu.control, load.id, receiver, org.orgId, botCalls);
  while (!stopping && (o.durationSeconds === undefined || Date.now() - started < o.durationSeconds * 1000)) {
    if (Date.now() >= nextReconcile && server.ingest) {
      nextReconcile = Date.now() + 60_000;
      void server.ingest.reconcile(org.orgId, new Date(Date.now() - 3600_000), new Date(), 'manual');
    }
    if (Date.now() >= nextBotCall) {
      nextBotCall = Date.now() + BOT_CALL_EVERY_S * 1000;
      botCalls.push(await placeBotCall(emu.control, org.orgId));
    }
    status = await snapshot(server, emu.control, load.id, receiver, org.orgId, botCalls);
    screen.draw(status, Date.now() - started);
    await sleep(1000);
  }
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  say('\nStopping: no new calls; live calls are ended by the server drain…');
  await emu.control.stopLoad(load.id);
  // The summary counts what the drain ended and flushed too, so it is taken
  // before the stores close (server.stop drains again: a no-op by then).
  await server.capture.drain(DRAIN_MS);
  await server.capture.flushed(config.stream.deliverAfterEndMs);
  status = await snapshot(server, emu.control, load.id, receiver, org.orgId, botCalls);
  const botAudio = await saveBotAudio(emu.control, botCalls[0]!, dataDir).catch(() => undefined);
  await server.stop(DRAIN_MS);
  await receiver.stop();
  await emu.stop();
  say(['Done.', ...factLines(status)].join('\n'));
  if (botAudio) say(`What the first bot caller heard: ${botAudio}`);
  say(`Everything is in ${dataDir} (see README "What the demo shows").`);
  return status;
}
