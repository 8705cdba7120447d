/**
 * One forwarding case: Hookline (tenant in `admission: all`) pinned to CPU 0,
 * the load generator and — with a destination — the receiver on CPU 1. Ramp,
 * settle, then a steady window over which Hookline's CPU, the frame rates and
 * the per-frame latency at the receiver are taken. The same case without the
 * destination is "capture alone".
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../../src/simulate/index.js';
import { cpuSeconds, machineBusySeconds } from '../lib/proc.js';
import { startHookline, type RunningHookline } from './hookline.js';
import { Inbox } from '../lib/inbox.js';
import type { LoaderMark, LoaderResult } from './loader-child.js';
import { sleep, spawnNode, stop } from './processes.js';
import type { SinkWindow } from './sink-child.js';

export interface ForwardingCase {
  sessions: number;
  frameMs: number;
  downstream: boolean;
  /** The destination's batchMs (with a destination). */
  batchMs: number;
  connectRate: number;
  settleSeconds: number;
  windowSeconds: number;
  /** Node flags for Hookline (profiling). */
  hooklineNodeArgs?: string[];
}

export interface ForwardingResult {
  spec: ForwardingCase;
  windowSeconds: number;
  hooklineCpuPct: number;
  /** Frames/s: offered by the sessions, received by Hookline, received downstream. */
  offeredFps: number;
  inFps: number;
  outFps: number | undefined;
  droppedFrames: number;
  /** CPU the rest of the machine used in the window (not Hookline, loader or receiver), % of one core. */
  otherCpuPct: number;
  sink: SinkWindow | undefined;
  opened: number;
  clean: number;
  errors: Record<string, number>;
}

const HOOKLINE_CPU = 0;
const LOAD_CPU = 1;
const LOADER_JS = fileURLToPath(new URL('./loader-child.js', import.meta.url));
const SINK_JS = fileURLToPath(new URL('./sink-child.js', import.meta.url));
const WITH_IPC = ['ignore', 'inherit', 'inherit', 'ipc'] as const;

interface Sink {
  url: string;
  inbox: Inbox;
  child: ChildProcess;
}

/** Bytes of one source frame of stereo PCMU at 8 kHz: where each stamp sits in a batched message. */
const frameBytes = (frameMs: number): number => frameMs * 16;

async function startSink(frameMs: number): Promise<Sink> {
  const child = spawnNode({ cpu: LOAD_CPU, priority: 'high', args: [SINK_JS, String(frameBytes(frameMs))], stdio: [...WITH_IPC] });
  const inbox = new Inbox(child);
  const { port } = await inbox.next<{ type: 'ready'; port: number }>('ready', 15_000);
  return { url: `ws://127.0.0.1:${port}`, inbox, child };
}

function tenant(creds: { orgId: string; apiKey: string; secret: string }, sink: Sink | undefined, batchMs: number): Record<string, unknown> {
  const downstream = sink ? [{ url: sink.url, name: 'bench-sink', channels: 'both', batchMs }] : [];
  return { orgId: creds.orgId, name: 'Bench', apiKeys: [{ key: creds.apiKey, secret: creds.secret }], admission: 'all', downstream };
}

function startLoader(c: ForwardingCase, hookline: RunningHookline, creds: { orgId: string; apiKey: string; secret: string }): { child: ChildProcess; inbox: Inbox } {
  const ramp = c.sessions / c.connectRate;
  const options: Omit<LoadOptions, 'onSessionOpened'> = {
    url: hookline.wsUrl,
    orgId: creds.orgId,
    apiKey: creds.apiKey,
    clientSecret: creds.secret,
    sessions: c.sessions,
    connectRate: c.connectRate,
    frameMs: c.frameMs,
    durationSeconds: Math.ceil(3 * ramp + c.settleSeconds + c.windowSeconds + 30),
  };
  const child = spawnNode({ cpu: LOAD_CPU, priority: 'high', args: [LOADER_JS, JSON.stringify(options)], stdio: [...WITH_IPC] });
  return { child, inbox: new Inbox(child) };
}

interface Edge {
  at: number;
  cpu: number;
  /** The loader's and receiver's CPU, and the whole machine's. */
  helpers: number;
  machine: number;
  framesIn: number;
  dropped: number;
  sent: LoaderMark;
}

const FRAMES_IN = 'hookline_audiohook_frames_received_total';
const DROPPED = 'hookline_sink_dropped_frames_total';

interface Procs {
  hookline: RunningHookline;
  loader: { child: ChildProcess; inbox: Inbox };
  sink: Sink | undefined;
}

const helperCpu = (p: Procs): number => cpuSeconds(p.loader.child.pid as number) + (p.sink ? cpuSeconds(p.sink.child.pid as number) : 0);

/** Reading /metrics costs Hookline CPU, so it is done outside the CPU readings. */
async function edge(p: Procs, first: boolean): Promise<Edge> {
  const counters = async () => ({ framesIn: await p.hookline.metric(FRAMES_IN), dropped: await p.hookline.metric(DROPPED) });
  const before = first ? await counters() : undefined;
  const at = performance.now();
  const cpu = cpuSeconds(p.hookline.pid);
  const helpers = helperCpu(p);
  const machine = machineBusySeconds();
  const sent = await p.loader.inbox.ask<LoaderMark>({ type: 'mark' }, 'sent');
  return { at, cpu, helpers, machine, sent, ...(before ?? (await counters())) };
}

async function window(c: ForwardingCase, p: Procs) {
  await p.loader.inbox.next('opened', ((c.sessions / c.connectRate) * 3 + 30) * 1000);
  await sleep(c.settleSeconds * 1000);
  await p.sink?.inbox.ask({ type: 'mark' }, 'marked');
  const a = await edge(p, true);
  await sleep(c.windowSeconds * 1000);
  const b = await edge(p, false);
  const s = await p.sink?.inbox.ask<SinkWindow>({ type: 'collect' }, 'window');
  return { a, b, s };
}

function figures(c: ForwardingCase, a: Edge, b: Edge, s: SinkWindow | undefined, r: LoaderResult): ForwardingResult {
  const seconds = (b.at - a.at) / 1000;
  const other = b.machine - a.machine - (b.cpu - a.cpu) - (b.helpers - a.helpers);
  return {
    spec: c,
    windowSeconds: seconds,
    hooklineCpuPct: (100 * (b.cpu - a.cpu)) / seconds,
    offeredFps: (c.sessions * 1000) / c.frameMs,
    inFps: (b.framesIn - a.framesIn) / seconds,
    outFps: s ? s.frames / seconds : undefined,
    droppedFrames: b.dropped - a.dropped,
    otherCpuPct: Math.max(0, (100 * other) / seconds),
    sink: s,
    opened: r.opened,
    clean: r.clean,
    errors: r.errors,
  };
}

export async function runForwarding(c: ForwardingCase): Promise<ForwardingResult> {
  const creds = { orgId: randomUUID(), apiKey: `bench-${randomBytes(8).toString('hex')}`, secret: randomBytes(32).toString('base64') };
  const sink = c.downstream ? await startSink(c.frameMs) : undefined;
  let hookline: RunningHookline | undefined;
  let loader: { child: ChildProcess; inbox: Inbox } | undefined;
  try {
    hookline = await startHookline({ cpu: HOOKLINE_CPU, nodeArgs: c.hooklineNodeArgs ?? [], config: { tenants: [tenant(creds, sink, c.batchMs)] } });
    loader = startLoader(c, hookline, creds);
    const w = await window(c, { hookline, loader, sink });
    loader.child.send({ type: 'finish' });
    const result = await loader.inbox.next<LoaderResult>('result', 60_000);
    return figures(c, w.a, w.b, w.s, result);
  } finally {
    if (loader) await stop(loader.child, 2000);
    await hookline?.stop();
    if (sink) await stop(sink.child, 2000);
  }
}
