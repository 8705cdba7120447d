/**
 * One bench:capture case: a server under test on CPU 0, the load generator
 * (one or more processes) on CPU 1, a ramp, a settle pause, then a
 * steady-state window whose edges are sampled on both sides (server CPU and
 * frames, client frames, RTTs and the loaders' own lag).
 */
import { summarize, type LoadOptions, type Summary } from '../../src/simulate/index.js';
import type { CaseSpec, Timing } from './case-spec.js';
import { nofileFor } from './fds.js';
import { defaultLoaders, generatorBound, LoaderGroup, splitSessions } from './loaders.js';
import type { LoaderLag } from './messages.js';
import { newCredentials, startServerUnderTest, type Credentials, type RunningServer } from './servers.js';
import { measureWindow, windowNotes, type Sample } from './window.js';

export interface CaseResult {
  spec: CaseSpec;
  windowSeconds: number;
  offeredFps: number;
  /** Frames the server counted during the window, per second. */
  deliveredFps: number;
  serverCpuPct: number;
  /** All loaders together, and the busiest one, % of one core. */
  loaderCpuPct: number;
  loaderMaxCpuPct: number;
  loaders: number;
  /** The worst loader's lag over the window. */
  lag: LoaderLag;
  /** Set when the generator limited the figures (see loaders.ts). */
  generatorBound?: string | undefined;
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

function loadOptions(spec: CaseSpec, t: Timing, server: RunningServer, creds: Credentials, durationSeconds: number): LoadOptions {
  return {
    url: server.wsUrl,
    orgId: creds.orgId,
    apiKey: creds.apiKey,
    clientSecret: creds.secret,
    sessions: 0,
    connectRate: t.connectRate,
    frameMs: spec.frameMs,
    durationSeconds,
  };
}

interface Totals {
  clean: number;
  openMs: number[];
  errors: Record<string, number>;
}

function figures(spec: CaseSpec, a: Sample, b: Sample, rssMb: number, totals: Totals, notes: string[]): CaseResult {
  const seconds = (b.at - a.at) / 1000;
  const pct = (x: number) => (100 * x) / seconds;
  const server = b.server - a.server;
  const perLoader = b.loaders.map((x, i) => x - (a.loaders[i] ?? 0));
  const loader = perLoader.reduce((s, x) => s + x, 0);
  const loaderPcts = perLoader.map(pct);
  return {
    spec,
    windowSeconds: seconds,
    offeredFps: (spec.sessions * 1000) / spec.frameMs,
    deliveredFps: (b.frames - a.frames) / seconds,
    serverCpuPct: pct(server),
    loaderCpuPct: pct(loader),
    loaderMaxCpuPct: Math.max(0, ...loaderPcts),
    loaders: perLoader.length,
    lag: b.mark.lag,
    generatorBound: generatorBound(b.mark.lag, loaderPcts),
    otherCpuPct: Math.max(0, pct(b.machine - a.machine - server - loader)),
    rssMb,
    openMs: summarize(totals.openMs),
    rttMs: summarize(b.mark.rttMs),
    failed: spec.sessions - totals.clean,
    errors: totals.errors,
    notes,
  };
}

/** Runs one case end to end and stops everything it started. */
export async function runCase(spec: CaseSpec, t: Timing): Promise<CaseResult> {
  const rampSeconds = spec.sessions / t.connectRate;
  // Sessions are ended by 'finish' after the window; the duration only has to outlast a slow ramp.
  const durationSeconds = Math.ceil(3 * rampSeconds + t.settleSeconds + t.windowSeconds + 30);
  const k = t.loaders ?? defaultLoaders(spec.sessions);
  const creds = newCredentials();
  const recorder = spec.kind === 'hookline-on' ? 2 : 1;
  const serverPlace = { cpu: 0, nofile: nofileFor({ who: `the server at ${spec.sessions} sessions`, sessions: spec.sessions, perSession: recorder }) };
  const loaderNofile = nofileFor({ who: 'a load generator', sessions: splitSessions(spec.sessions, k)[0] ?? 0, perSession: 1 });
  const server = await startServerUnderTest(spec.kind, creds, { nodeArgs: t.serverNodeArgs, place: serverPlace, workers: spec.kind === 'baseline' ? undefined : t.workers });
  let loaders: LoaderGroup | undefined;
  try {
    loaders = await LoaderGroup.start(k, loadOptions(spec, t, server, creds, durationSeconds), { cpu: LOADER_CPU, nofile: loaderNofile });
    const w = await measureWindow(server, loaders, spec, t);
    const totals = await loaders.finish((durationSeconds + rampSeconds + 60) * 1000);
    if (!totals) throw new Error('the load generator did not finish');
    return { ...figures(spec, w.a, w.b, w.rssMb, totals, windowNotes(spec, w)), rampSeconds: w.rampSeconds };
  } finally {
    await loaders?.stop();
    await server.stop();
  }
}
