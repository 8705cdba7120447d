/**
 * The measurement window of a bench:capture case: start the sessions, wait
 * for every `opened`, settle, then sample both edges — server CPU (its whole
 * process tree), each loader's CPU, machine CPU, the server's frame counter,
 * and a mark from the loaders (live sessions, RTTs and lag since the last mark).
 */
import type { CaseSpec, Timing } from './case-spec.js';
import type { LoaderGroup, MergedMark } from './loaders.js';
import { machineBusySeconds } from './proc.js';
import type { RunningServer } from './servers.js';
import { sleep } from './spawn.js';

export interface Sample {
  at: number;
  server: number;
  /** CPU seconds per loader. */
  loaders: number[];
  machine: number;
  frames: number;
  mark: MergedMark;
}

function cpuNow(server: RunningServer, loaders: LoaderGroup): Pick<Sample, 'at' | 'server' | 'loaders' | 'machine'> {
  return { at: performance.now(), server: server.cpuSeconds(), loaders: loaders.cpuSeconds(), machine: machineBusySeconds() };
}

/** Window start: the HTTP read of the frame counter costs the server CPU, so it goes before the CPU reading. */
export async function sampleStart(server: RunningServer, loaders: LoaderGroup): Promise<Sample> {
  const frames = await server.framesReceived();
  const mark = await loaders.mark();
  return { ...cpuNow(server, loaders), frames, mark };
}

/** Window end: CPU first, then the counters. */
export async function sampleEnd(server: RunningServer, loaders: LoaderGroup): Promise<Sample> {
  const cpu = cpuNow(server, loaders);
  return { ...cpu, frames: await server.framesReceived(), mark: await loaders.mark() };
}

export interface Window {
  a: Sample;
  b: Sample;
  rssMb: number;
  rampSeconds: number | undefined;
}

/** Starts the sessions, waits for every `opened`, settles, then samples both edges of the window. */
export async function measureWindow(server: RunningServer, loaders: LoaderGroup, spec: CaseSpec, t: Timing): Promise<Window> {
  const rampSeconds = spec.sessions / t.connectRate;
  loaders.grow(spec.sessions);
  const opened = await loaders.waitOpened((rampSeconds * 3 + 20) * 1000);
  await sleep(t.settleSeconds * 1000);
  const a = await sampleStart(server, loaders);
  await sleep(t.windowSeconds * 1000);
  const b = await sampleEnd(server, loaders);
  return { a, b, rssMb: server.rssBytes() / 2 ** 20, rampSeconds: opened };
}

export function windowNotes(spec: CaseSpec, w: Window): string[] {
  const notes: string[] = [];
  if (w.rampSeconds === undefined) notes.push('not every session opened before the window');
  if (w.b.mark.live < spec.sessions) notes.push(`${spec.sessions - w.b.mark.live} sessions were not streaming at the end of the window`);
  return notes;
}
