/**
 * One bench:scale ramp: a long-lived Hookline (recorder on, gate admitting
 * all) and a growing load. Each step adds sessions to those already open,
 * waits for them to open, settles, and measures a window. Neither the server
 * nor the loaders are pinned: on a 2-core machine the server may use both
 * cores (with server.workers), and the loaders take what is left.
 */
import { summarize, type LoadOptions } from '../../src/simulate/index.js';
import { fdLimits, nofileFor } from './fds.js';
import { defaultLoaders, generatorBound, LoaderGroup, splitSessions } from './loaders.js';
import { fdLimit, openFds, processTree, sumOverTree } from './proc.js';
import { barMisses, stepsWithinFdLimit, type SkippedStep, type StepResult } from './ramp.js';
import type { ScaleOptions } from './scale-args.js';
import { newCredentials, startServerUnderTest, type Credentials, type RunningServer } from './servers.js';
import { sleep } from './spawn.js';
import { sampleEnd, sampleStart, type Sample } from './window.js';

const UNPINNED = { cpu: undefined };
/** Sessions last until `finish`; this only bounds a loader that lost its parent. */
const SESSION_SECONDS = 4 * 3600;
/** Open files above this share of the limit get a note: the next step may hit EMFILE. */
const FD_WARN_SHARE = 0.9;

export type StepProgress = (s: StepResult) => void;

function loadOptions(server: RunningServer, creds: Credentials, frameMs: number, o: ScaleOptions): LoadOptions {
  return { url: server.wsUrl, orgId: creds.orgId, apiKey: creds.apiKey, clientSecret: creds.secret, sessions: 0, connectRate: o.connectRate, frameMs, durationSeconds: SESSION_SECONDS };
}

function fdsOf(server: RunningServer): { serverFds: number; serverFdLimit: number } {
  return { serverFds: sumOverTree(server.pid, openFds), serverFdLimit: fdLimit(server.pid) };
}

interface StepInput {
  frameMs: number;
  sessions: number;
  rampSeconds: number | undefined;
  a: Sample;
  b: Sample;
  server: RunningServer;
}

function stepFigures({ frameMs, sessions, rampSeconds, a, b, server }: StepInput): StepResult {
  const seconds = (b.at - a.at) / 1000;
  const pct = (x: number) => (100 * x) / seconds;
  const perLoader = b.loaders.map((x, i) => pct(x - (a.loaders[i] ?? 0)));
  const loader = perLoader.reduce((s, x) => s + x, 0);
  const serverPct = pct(b.server - a.server);
  const fds = fdsOf(server);
  const notes: string[] = [];
  if (rampSeconds === undefined) notes.push('not every new session opened before the window');
  if (fds.serverFds >= FD_WARN_SHARE * fds.serverFdLimit) notes.push(`server has ${fds.serverFds} files open of its limit ${fds.serverFdLimit}`);
  if (Number.isNaN(a.frames) || Number.isNaN(b.frames)) notes.push("the server's /metrics did not answer at an edge of the window: delivered frames unknown");
  return {
    frameMs,
    sessions,
    live: b.mark.live,
    failed: b.mark.failed + b.mark.pending,
    openMs: summarize([...a.mark.openMs, ...b.mark.openMs]),
    rttMs: summarize(b.mark.rttMs),
    rampSeconds,
    offeredFps: (sessions * 1000) / frameMs,
    deliveredFps: (b.frames - a.frames) / seconds,
    serverCpuPct: serverPct,
    serverProcesses: processTree(server.pid).length,
    rssMb: server.rssBytes() / 2 ** 20,
    ...fds,
    loaderCpuPct: loader,
    loaderMaxCpuPct: Math.max(0, ...perLoader),
    lag: b.mark.lag,
    generatorBound: generatorBound(b.mark.lag, perLoader),
    otherCpuPct: Math.max(0, pct(b.machine - a.machine) - serverPct - loader),
    notes,
  };
}

async function step(server: RunningServer, loaders: LoaderGroup, frameMs: number, from: number, to: number, o: ScaleOptions): Promise<StepResult> {
  loaders.grow(to - from);
  const rampSeconds = await loaders.waitOpened((((to - from) / o.connectRate) * 3 + 20) * 1000);
  await sleep(o.settleSeconds * 1000);
  const a = await sampleStart(server, loaders);
  await sleep(o.windowSeconds * 1000);
  const b = await sampleEnd(server, loaders);
  return stepFigures({ frameMs, sessions: to, rampSeconds, a, b, server });
}

/** Recorder on: a socket and a spool file per session. */
const SERVER_FDS_PER_SESSION = 2;

export interface Ramp {
  steps: StepResult[];
  /** Steps the open-files limit did not allow, with the reason. */
  skipped: SkippedStep[];
}

/**
 * Runs the steps at `frameMs` on one server; with `stopOnMiss`, stops after the
 * first step that misses the bar. Steps the server's open-files limit cannot
 * hold are not run and come back as skipped, with the reason.
 */
export async function runRamp(frameMs: number, wanted: readonly number[], o: ScaleOptions, stopOnMiss: boolean, progress: StepProgress): Promise<Ramp> {
  const processes = o.workers ?? 1;
  const { run: steps, skipped } = stepsWithinFdLimit(frameMs, wanted, processes, SERVER_FDS_PER_SESSION, fdLimits());
  for (const s of skipped) process.stdout.write(`  ${s.sessions} × ${frameMs} ms: ${s.reason}\n`);
  if (steps.length === 0) return { steps: [], skipped };
  const max = Math.max(...steps);
  const k = o.loaders ?? defaultLoaders(max);
  const perProcess = Math.ceil(max / processes);
  const serverNofile = nofileFor({ who: `a server process at ${perProcess} sessions`, sessions: perProcess, perSession: SERVER_FDS_PER_SESSION });
  const loaderNofile = nofileFor({ who: `each of ${k} load generators`, sessions: splitSessions(max, k)[0] ?? 0, perSession: 1 });
  const creds = newCredentials();
  const server = await startServerUnderTest('hookline-on', creds, { place: { ...UNPINNED, nofile: serverNofile }, workers: o.workers });
  let loaders: LoaderGroup | undefined;
  const results: StepResult[] = [];
  try {
    loaders = await LoaderGroup.start(k, loadOptions(server, creds, frameMs, o), { ...UNPINNED, nofile: loaderNofile });
    let open = 0;
    for (const to of steps) {
      const r = await step(server, loaders, frameMs, open, to, o);
      open = to;
      results.push(r);
      progress(r);
      if (stopOnMiss && barMisses(r).length > 0) break;
    }
    await loaders.finish(60_000);
    return { steps: results, skipped };
  } finally {
    await loaders?.stop();
    await server.stop();
  }
}
