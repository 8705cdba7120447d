/**
 * The servers the capture benchmarks run, each as a child process (pinned to
 * CPU 0 by default): the bare `ws` baseline, and `hookline serve` from a
 * generated config (temp data dir, one tenant with a signed API key whose
 * gate admits every call, logging at warn). A clustered Hookline is several
 * processes; CPU and memory are summed over the server's process tree.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { processTree, rssBytes, sumOverTree, cpuSeconds as processCpuSeconds } from './proc.js';
import { freePort, spawnNode, stopChild, waitForHttp, type Placement } from './spawn.js';

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
  /** CPU seconds and resident bytes of the whole server: the process and its descendants (workers). */
  cpuSeconds(): number;
  rssBytes(): number;
  /** Audio frames the server has received so far (read over HTTP). */
  framesReceived(): Promise<number>;
  stop(): Promise<void>;
}

/** Where the server runs and how: bench:capture pins it to CPU 0; bench:scale lets it use both cores. */
export interface ServerOptions {
  nodeArgs?: string[];
  place?: Placement;
  /** `server.workers` in the config; written only when set, so today's config (without the key) still loads. */
  workers?: number | undefined;
}

const PINNED: Placement = { cpu: 0 };
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

function treeFigures(root: number): Pick<RunningServer, 'cpuSeconds' | 'rssBytes'> {
  return { cpuSeconds: () => sumOverTree(root, processCpuSeconds), rssBytes: () => sumOverTree(root, rssBytes) };
}

/** Cleans up after a server that never became ready, then rethrows. */
function failStart(child: ChildProcess, dir?: string) {
  return async (err: unknown): Promise<never> => {
    await stopChild(child, 2000);
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw err;
  };
}

async function startBaseline(nodeArgs: string[], place: Placement): Promise<RunningServer> {
  const port = await freePort();
  const child = spawnNode(place, [...nodeArgs, BASELINE_JS, String(port)], ['ignore', 'inherit', 'inherit'], cleanEnv());
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/stats`, child, 15_000).catch(failStart(child));
  return {
    kind: 'baseline',
    pid: pid(child),
    ...treeFigures(pid(child)),
    wsUrl: `ws://127.0.0.1:${port}${AUDIOHOOK_PATH}`,
    framesReceived: async () => ((await (await fetch(`${base}/stats`)).json()) as { frames: number }).frames,
    stop: () => stopChild(child),
  };
}

function hooklineConfig(dir: string, port: number, metricsPort: number, recorder: boolean, creds: Credentials, workers: number | undefined): string {
  return stringify({
    dataDir: dir,
    database: `sqlite:${join(dir, 'hookline.db')}`,
    objects: { url: `file:${join(dir, 'objects')}` },
    server: { host: '127.0.0.1', port, drainTimeoutSeconds: 5, ...(workers === undefined ? {} : { workers }) },
    metrics: { port: metricsPort },
    security: { masterKey: randomBytes(32).toString('base64') },
    logging: { level: 'warn' },
    audiohook: { path: AUDIOHOOK_PATH },
    recorder: { enabled: recorder },
    // `admission: all` (also the default) admits every call at `open`: no Genesys lookup, no held sessions.
    tenants: [{ orgId: creds.orgId, name: 'Bench Org', admission: 'all', apiKeys: [{ key: creds.apiKey, secret: creds.secret, label: 'bench' }] }],
  });
}

/**
 * A Hookline server's own stop: its drain (`server.drainTimeoutSeconds`, default 30 s), the close grace and its
 * workers' slack (src/app/cluster.ts). Killed sooner, the primary left its workers to die on a closed channel
 * and the bench removed the data folder under them.
 */
const HOOKLINE_STOP_GRACE_MS = 60_000;

/** The frame counter from /metrics; NaN when it did not answer (an overloaded server): the window's rate is unknown, not zero. */
async function scrapeFrames(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    return res.ok ? metricValue(await res.text(), 'hookline_audiohook_frames_received_total') : NaN;
  } catch {
    return NaN;
  }
}

function killQuietly(pidToKill: number): void {
  try {
    process.kill(pidToKill, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Sum of every sample of one metric in Prometheus text format. */
function metricValue(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function startHookline(recorder: boolean, creds: Credentials, o: ServerOptions): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const configFile = join(dir, 'hookline.yaml');
  writeFileSync(configFile, hooklineConfig(dir, port, metricsPort, recorder, creds, o.workers));
  const args = [...(o.nodeArgs ?? []), HOOKLINE_JS, 'serve', '--config', configFile];
  const child = spawnNode(o.place ?? PINNED, args, ['ignore', 'inherit', 'inherit'], cleanEnv());
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/readyz`, child, 30_000).catch(failStart(child, dir));
  return {
    kind: recorder ? 'hookline-on' : 'hookline-off',
    pid: pid(child),
    ...treeFigures(pid(child)),
    wsUrl: `ws://127.0.0.1:${port}${AUDIOHOOK_PATH}`,
    framesReceived: () => scrapeFrames(`http://127.0.0.1:${metricsPort}/metrics`),
    stop: async () => {
      const tree = processTree(pid(child));
      await stopChild(child, HOOKLINE_STOP_GRACE_MS);
      // Workers outlive a primary that was killed: they go too, before their folder does.
      for (const p of tree) killQuietly(p);
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/** Starts one server under test; `nodeArgs` go to its node (e.g. --cpu-prof); `workers` only to Hookline. */
export function startServerUnderTest(kind: ServerKind, creds: Credentials, o: ServerOptions = {}): Promise<RunningServer> {
  if (kind === 'baseline') return startBaseline(o.nodeArgs ?? [], o.place ?? PINNED);
  return startHookline(kind === 'hookline-on', creds, o);
}
