/**
 * `hookline serve` as a child process for bench:gate, from a generated config
 * in a temp directory: logging at warn, recorder and ingest off (neither is on
 * the admission or forwarding path; they would only add noise), plus whatever
 * the case sets (tenants, shared state, database).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort, waitForHttp } from '../lib/spawn.js';
import { spawnNode, stop, type Priority } from './processes.js';

const HOOKLINE_JS = fileURLToPath(new URL('../../../bin/hookline.js', import.meta.url));
export const AUDIOHOOK_PATH = '/api/v1/audiohook/ws';

export interface HooklineSpec {
  /** Config keys on top of the defaults below (deep keys replace whole sections). */
  config: Record<string, unknown>;
  cpu?: number | undefined;
  priority?: Priority;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

export interface RunningHookline {
  pid: number;
  port: number;
  wsUrl: string;
  /** Sum of every sample of one metric. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

export const newMasterKey = (): string => randomBytes(32).toString('base64');

function defaults(dir: string, port: number, metricsPort: number): Record<string, unknown> {
  return {
    dataDir: dir,
    database: `sqlite:${join(dir, 'hookline.db')}`,
    objects: { url: `file:${join(dir, 'objects')}` },
    server: { host: '127.0.0.1', port, drainTimeoutSeconds: 0 },
    metrics: { port: metricsPort },
    security: { masterKey: newMasterKey() },
    logging: { level: 'warn' },
    audiohook: { path: AUDIOHOOK_PATH },
    recorder: { enabled: false },
    ingest: { enabled: false },
  };
}

/** Environment without HOOKLINE_* so a developer's overrides do not leak into the config under test. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKLINE_')));
}

function sumMetric(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function ready(child: ChildProcess, base: string, dir: string): Promise<void> {
  try {
    await waitForHttp(`${base}/readyz`, child, 30_000);
  } catch (err) {
    await stop(child, 2000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function startHookline(spec: HooklineSpec): Promise<RunningHookline> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-gate-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const file = join(dir, 'hookline.yaml');
  writeFileSync(file, stringify({ ...defaults(dir, port, metricsPort), ...spec.config }));
  const child = spawnNode({ cpu: spec.cpu, priority: spec.priority ?? 'high', args: [...(spec.nodeArgs ?? []), HOOKLINE_JS, '--config', file, 'serve'], env: cleanEnv() });
  const base = `http://127.0.0.1:${port}`;
  await ready(child, base, dir);
  return {
    pid: child.pid as number,
    port,
    wsUrl: `ws://127.0.0.1:${port}${AUDIOHOOK_PATH}`,
    metric: async (name) => sumMetric(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), name),
    stop: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
