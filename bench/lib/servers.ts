/**
 * The servers bench:capture compares, each started as a child process pinned
 * to CPU 0: the bare `ws` baseline, and `hookline serve` from a generated
 * config (temp data dir, one tenant with a signed API key, logging at warn).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort, spawnNodeOnCpu, stopChild, waitForHttp } from './spawn.js';

export type ServerKind = 'baseline' | 'hookline-off' | 'hookline-on';

export const SERVER_LABELS: Record<ServerKind, string> = {
  baseline: 'ws baseline',
  'hookline-off': 'Hookline, recorder off',
  'hookline-on': 'Hookline, recorder on',
};

export interface Credentials {
  orgId: string;
  apiKey: string;
  secret: string;
}

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  wsUrl: string;
  /** Audio frames the server has received so far (read over HTTP). */
  framesReceived(): Promise<number>;
  stop(): Promise<void>;
}

const SERVER_CPU = 0;
const AUDIOHOOK_PATH = '/api/v1/audiohook/ws';
const BASELINE_JS = fileURLToPath(new URL('./baseline-server.js', import.meta.url));
const HOOKLINE_JS = fileURLToPath(new URL('../../../bin/hookline.js', import.meta.url));

export function newCredentials(): Credentials {
  return { orgId: randomUUID(), apiKey: `bench-${randomBytes(8).toString('hex')}`, secret: randomBytes(32).toString('base64') };
}

/** Environment without HOOKLINE_* so a developer's overrides do not leak into the config under test. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKLINE_')));
}

function pid(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('could not start the server process');
  return child.pid;
}

/** Cleans up after a server that never became ready, then rethrows. */
function failStart(child: ChildProcess, dir?: string) {
  return async (err: unknown): Promise<never> => {
    await stopChild(child, 2000);
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw err;
  };
}

async function startBaseline(nodeArgs: string[]): Promise<RunningServer> {
  const port = await freePort();
  const child = spawnNodeOnCpu(SERVER_CPU, [...nodeArgs, BASELINE_JS, String(port)], ['ignore', 'inherit', 'inherit'], cleanEnv());
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/stats`, child, 15_000).catch(failStart(child));
  return {
    kind: 'baseline',
    pid: pid(child),
    wsUrl: `ws://127.0.0.1:${port}${AUDIOHOOK_PATH}`,
    framesReceived: async () => ((await (await fetch(`${base}/stats`)).json()) as { frames: number }).frames,
    stop: () => stopChild(child),
  };
}

function hooklineConfig(dir: string, port: number, metricsPort: number, recorder: boolean, creds: Credentials): string {
  return stringify({
    dataDir: dir,
    database: `sqlite:${join(dir, 'hookline.db')}`,
    objects: { url: `file:${join(dir, 'objects')}` },
    server: { host: '127.0.0.1', port, drainTimeoutSeconds: 5 },
    metrics: { port: metricsPort },
    security: { masterKey: randomBytes(32).toString('base64') },
    logging: { level: 'warn' },
    audiohook: { path: AUDIOHOOK_PATH },
    recorder: { enabled: recorder },
    tenants: [{ orgId: creds.orgId, name: 'Bench Org', apiKeys: [{ key: creds.apiKey, secret: creds.secret, label: 'bench' }] }],
  });
}

/** Sum of every sample of one metric in Prometheus text format. */
function metricValue(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function startHookline(recorder: boolean, creds: Credentials, nodeArgs: string[]): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const configFile = join(dir, 'hookline.yaml');
  writeFileSync(configFile, hooklineConfig(dir, port, metricsPort, recorder, creds));
  const child = spawnNodeOnCpu(SERVER_CPU, [...nodeArgs, HOOKLINE_JS, 'serve', '--config', configFile], ['ignore', 'inherit', 'inherit'], cleanEnv());
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/readyz`, child, 30_000).catch(failStart(child, dir));
  return {
    kind: recorder ? 'hookline-on' : 'hookline-off',
    pid: pid(child),
    wsUrl: `ws://127.0.0.1:${port}${AUDIOHOOK_PATH}`,
    framesReceived: async () => metricValue(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), 'hookline_audiohook_frames_received_total'),
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts one server under test; `nodeArgs` go to its node (e.g. --cpu-prof). */
export function startServerUnderTest(kind: ServerKind, creds: Credentials, nodeArgs: string[] = []): Promise<RunningServer> {
  if (kind === 'baseline') return startBaseline(nodeArgs);
  return startHookline(kind === 'hookline-on', creds, nodeArgs);
}
