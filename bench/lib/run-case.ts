/**
 * One bench:capture case: a server under test on CPU 0, the load generator
 * on CPU 1, a ramp, a settle pause, then a steady-state window whose edges
 * are sampled on both sides (server CPU and frames, client frames and RTTs).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOptions, LoadResult } from '../../src/simulate/index.js';
import type { Summary } from '../../src/simulate/index.js';
import { Mailbox } from './mailbox.js';
import type { CaseSpec, Timing } from './case-spec.js';
import { newCredentials, startServerUnderTest, type Credentials, type RunningServer } from './servers.js';
import { exited, spawnNodeOnCpu, stopChild } from './spawn.js';
import { measureWindow, windowNotes, type Sample } from './window.js';

export interface CaseResult {
  spec: CaseSpec;
  windowSeconds: number;
  offeredFps: number;
  /** Frames the server counted during the window, per second. */
  deliveredFps: number;
  serverCpuPct: number;
  loaderCpuPct: number;
  /** Everything else the machine ran during the window (noise), % of one core. */
  otherCpuPct: number;
  rssMb: number;
  openMs: Summary;
  rttMs: Summary;
  failed: number;
  errors: Record<string, number>;
  notes: string[];
  /** From the first connect to the last `opened` (undefined when not every session opened). */
  rampSeconds?: number | undefined;
}

const LOADER_CPU = 1;
const LOAD_CHILD_JS = fileURLToPath(new URL('./load-child.js', import.meta.url));

function loadOptions(spec: CaseSpec, t: Timing, server: RunningServer, creds: Credentials, durationSeconds: number): LoadOptions {
  return {
    url: server.wsUrl,
    orgId: creds.orgId,
    apiKey: creds.apiKey,
    clientSecret: creds.secret,
    sessions: spec.sessions,
    connectRate: t.connectRate,
    frameMs: spec.frameMs,
    durationSeconds,
  };
}

function figures(spec: CaseSpec, a: Sample, b: Sample, rssMb: number, load: LoadResult & { clean: number }, notes: string[]): CaseResult {
  const seconds = (b.at - a.at) / 1000;
  const pct = (x: number) => (100 * x) / seconds;
  const server = b.server - a.server;
  const loader = b.loader - a.loader;
  return {
    spec,
    windowSeconds: seconds,
    offeredFps: (spec.sessions * 1000) / spec.frameMs,
    deliveredFps: (b.frames - a.frames) / seconds,
    serverCpuPct: pct(server),
    loaderCpuPct: pct(loader),
    otherCpuPct: Math.max(0, pct(b.machine - a.machine - server - loader)),
    rssMb,
    openMs: load.openLatencyMs,
    rttMs: b.mark.rttMs ?? { count: 0 },
    failed: spec.sessions - load.clean,
    errors: load.errors,
    notes,
  };
}

/** Runs one case end to end and stops everything it started. */
export async function runCase(spec: CaseSpec, t: Timing): Promise<CaseResult> {
  const rampSeconds = spec.sessions / t.connectRate;
  // Sessions are ended by 'finish' after the window; the duration only has to outlast a slow ramp.
  const durationSeconds = Math.ceil(3 * rampSeconds + t.settleSeconds + t.windowSeconds + 30);
  const creds = newCredentials();
  const server = await startServerUnderTest(spec.kind, creds, t.serverNodeArgs);
  let loader: ChildProcess | undefined;
  try {
    const opts = loadOptions(spec, t, server, creds, durationSeconds);
    loader = spawnNodeOnCpu(LOADER_CPU, [LOAD_CHILD_JS, JSON.stringify(opts)], ['ignore', 'inherit', 'inherit', 'ipc']);
    const mailbox = new Mailbox(loader);
    const w = await measureWindow(server, loader, mailbox, spec, t);
    loader.send({ type: 'finish' });
    const done = await mailbox.next('result', (durationSeconds + rampSeconds + 60) * 1000);
    if (!done) throw new Error('the load generator did not finish');
    await exited(loader);
    const load = { ...done.result, clean: done.clean };
    return { ...figures(spec, w.a, w.b, w.rssMb, load, windowNotes(spec, w)), rampSeconds: w.rampSeconds };
  } finally {
    if (loader) await stopChild(loader, 2000);
    await server.stop();
  }
}
