/**
 * The measurement window of a bench:capture case: wait for every `opened`,
 * settle, then sample both edges — server and loader CPU, machine CPU, the
 * server's frame counter, and a mark from the load generator (frames sent,
 * live sessions, RTTs since the first mark).
 */
import type { ChildProcess } from 'node:child_process';
import type { CaseSpec, Timing } from './case-spec.js';
import type { Mailbox } from './mailbox.js';
import type { MarkReply } from './messages.js';
import { cpuSeconds, machineBusySeconds, rssBytes } from './proc.js';
import type { RunningServer } from './servers.js';
import { sleep } from './spawn.js';

export interface Sample {
  at: number;
  server: number;
  loader: number;
  machine: number;
  frames: number;
  mark: MarkReply;
}

async function mark(loader: ChildProcess, mailbox: Mailbox): Promise<MarkReply> {
  loader.send({ type: 'mark' });
  const reply = await mailbox.next('mark', 10_000);
  if (!reply) throw new Error('the load generator did not answer a mark');
  return reply;
}

function cpuNow(server: RunningServer, loader: ChildProcess): Pick<Sample, 'at' | 'server' | 'loader' | 'machine'> {
  return { at: performance.now(), server: cpuSeconds(server.pid), loader: cpuSeconds(loader.pid as number), machine: machineBusySeconds() };
}

/** Window start: the HTTP read of the frame counter costs the server CPU, so it goes before the CPU reading. */
async function sampleStart(server: RunningServer, loader: ChildProcess, mailbox: Mailbox): Promise<Sample> {
  const frames = await server.framesReceived();
  const m = await mark(loader, mailbox);
  return { ...cpuNow(server, loader), frames, mark: m };
}

/** Window end: CPU first, then the counters. */
async function sampleEnd(server: RunningServer, loader: ChildProcess, mailbox: Mailbox): Promise<Sample> {
  const cpu = cpuNow(server, loader);
  return { ...cpu, frames: await server.framesReceived(), mark: await mark(loader, mailbox) };
}

export interface Window {
  a: Sample;
  b: Sample;
  rssMb: number;
  rampSeconds: number | undefined;
}

/** Waits for every `opened`, settles, then samples both edges of the window. */
export async function measureWindow(server: RunningServer, loader: ChildProcess, mailbox: Mailbox, spec: CaseSpec, t: Timing): Promise<Window> {
  const rampSeconds = spec.sessions / t.connectRate;
  const opened = await mailbox.next('opened', (rampSeconds * 3 + 20) * 1000);
  await sleep(t.settleSeconds * 1000);
  const a = await sampleStart(server, loader, mailbox);
  await sleep(t.windowSeconds * 1000);
  const b = await sampleEnd(server, loader, mailbox);
  return { a, b, rssMb: rssBytes(server.pid) / 2 ** 20, rampSeconds: opened?.rampSeconds };
}

export function windowNotes(spec: CaseSpec, w: Window): string[] {
  const notes: string[] = [];
  if (w.rampSeconds === undefined) notes.push('not every session opened before the window');
  if (w.b.mark.live < spec.sessions) notes.push(`${spec.sessions - w.b.mark.live} sessions had ended by the end of the window`);
  return notes;
}
