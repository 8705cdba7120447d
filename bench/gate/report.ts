/**
 * bench:gate figures as tables (plain text for the terminal, Markdown for the
 * docs) and the target verdicts. Targets: admission p99 < 50 ms in one
 * process and < 100 ms across two replicas; forwarding p99 ≤ batchMs + 10 ms
 * and, per frame, at most half the CPU of receiving it.
 */
import type { Summary } from '../../src/simulate/index.js';
import type { AdmissionResult } from './admission.js';
import type { ForwardingResult } from './forwarding.js';
import { markdownTable, textTable, type Row } from '../lib/table.js';

export { markdownTable, textTable };

export interface GateResults {
  admission: AdmissionResult[];
  /** Per load size and frame length: the same load without, and with the downstream destination at each batchMs. */
  forwarding: ForwardingSet[];
  /** Load sizes whose forwarding cases could not complete, and why. */
  failed: { sessions: number; reason: string }[];
}

export interface ForwardingSet {
  alone: ForwardingResult;
  forwarding: ForwardingResult[];
}


const ms = (v: number | undefined): string => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const pct = (v: number): string => `${v.toFixed(1)} %`;
const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const mark = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

const ADMISSION_TARGET: Record<1 | 2, number> = { 1: 50, 2: 100 };
/** Forwarding latency p99 may exceed the destination's batchMs by this much. */
const FORWARDING_SLACK_MS = 10;
/** Forwarding's added CPU per frame, as a share of capture's. */
const CPU_TARGET = 0.5;

function admissionCase(r: AdmissionResult): string {
  return r.spec.replicas === 1 ? 'one process (SQLite, in-memory state)' : 'two replicas (PostgreSQL + Redis; A leads, B holds sessions)';
}

function latencyRow(figure: string, where: string, s: Summary, target: number): Row {
  const ok = s.p99 !== undefined && s.p99 < target;
  return [figure, where, ms(s.p50), ms(s.p99), ms(s.max), int(s.count), `p99 < ${target} ms`, mark(ok)];
}

export const LATENCY_HEAD = ['figure', 'case', 'p50 ms', 'p99 ms', 'max ms', 'samples', 'target', 'verdict'];

export function latencyRows(g: GateResults): Row[] {
  const rows = g.admission.map((r) => latencyRow('admission', `${admissionCase(r)}, ${r.spec.calls} calls`, r.latencyMs, ADMISSION_TARGET[r.spec.replicas]));
  for (const f of g.forwarding.flatMap((set) => set.forwarding)) {
    const s = f.sink?.latencyMs;
    const summary: Summary = { count: f.sink?.frames ?? 0, p50: s?.p50, p99: s?.p99, max: s?.max };
    rows.push(latencyRow('forwarding', `${int(f.spec.sessions)} stereo sessions × ${f.spec.frameMs} ms, batchMs ${f.spec.batchMs}`, summary, f.spec.batchMs + FORWARDING_SLACK_MS));
  }
  for (const f of g.failed) rows.push(['forwarding', `${int(f.sessions)} stereo sessions: did not complete (see notes)`, '-', '-', '-', '0', '-', 'MISS']);
  return rows;
}

export const CPU_HEAD = ['case', 'Hookline CPU (one core)', 'frames/s offered', 'frames/s into Hookline', 'frames/s downstream', 'messages/s downstream', 'dropped', 'unclean sessions', 'other work'];

function cpuRow(label: string, r: ForwardingResult): Row {
  const unclean = r.spec.sessions - r.clean;
  const messages = r.sink ? int(r.sink.messages / r.windowSeconds) : '-';
  return [label, pct(r.hooklineCpuPct), int(r.offeredFps), int(r.inFps), r.outFps === undefined ? '-' : int(r.outFps), messages, int(r.droppedFrames), String(unclean), pct(r.otherCpuPct)];
}

const caseName = (r: ForwardingResult): string => `${int(r.spec.sessions)} sessions × ${r.spec.frameMs} ms`;

export function cpuRows(g: GateResults): Row[] {
  return g.forwarding.flatMap(({ alone, forwarding }) => [
    cpuRow(`${caseName(alone)}: capture alone (no destination)`, alone),
    ...forwarding.map((f) => cpuRow(`${caseName(f)}: capture + forwarding (1 destination, batchMs ${f.spec.batchMs})`, f)),
  ]);
}

/** Forwarding's CPU over capture alone's, per frame received so a small difference in delivered load does not count. */
export function cpuRatio(alone: ForwardingResult, forwarding: ForwardingResult): { total: number; added: number } {
  const perFrame = (r: ForwardingResult) => r.hooklineCpuPct / r.inFps;
  const total = perFrame(forwarding) / perFrame(alone);
  return { total, added: total - 1 };
}

export function ratioLine(g: GateResults): string {
  return g.forwarding
    .flatMap(({ alone, forwarding }) =>
      forwarding.map((f) => {
        const q = cpuRatio(alone, f);
        return `CPU per frame at ${caseName(f)}, batchMs ${f.spec.batchMs}: capture + forwarding = ${q.total.toFixed(2)} × capture alone, i.e. forwarding a frame costs ${q.added.toFixed(2)} × receiving it (target ≤ ${CPU_TARGET}: ${mark(q.added <= CPU_TARGET)}).`;
      }),
    )
    .join('\n');
}

/** Below this share of the offered frames reaching Hookline, the machine (not Hookline) set the pace. */
const DELIVERED_MIN = 0.9;

/** Things a reader must know to trust the figures: unmeasured calls, failures, drops, noise. */
export function runNotes(g: GateResults): string[] {
  const notes: string[] = [];
  for (const r of g.admission) {
    const where = admissionCase(r);
    for (const [why, n] of Object.entries(r.unmeasured)) notes.push(`admission, ${where}: ${n} call(s) not measured — ${why}`);
    for (const [how, n] of Object.entries(r.unclean)) notes.push(`admission, ${where}: ${n} session(s) ended ${how}`);
    if (r.spec.replicas === 2) notes.push(`admission, two replicas: AudioHook sessions opened per replica (A, B) = ${r.sessionsPerReplica.join(', ')}`);
  }
  for (const f of g.failed) notes.push(`forwarding, ${int(f.sessions)} sessions: the run could not complete — ${f.reason}`);
  for (const r of g.forwarding.flatMap((p) => [p.alone, ...p.forwarding])) {
    const what = `${caseName(r)}${r.spec.downstream ? `, batchMs ${r.spec.batchMs}` : ', capture alone'}`;
    for (const [e, n] of Object.entries(r.errors)) notes.push(`forwarding (${what}): ${n} × ${e}`);
    if (r.otherCpuPct > 15) notes.push(`other work used ${pct(r.otherCpuPct)} of a core during the window (${what}): figures may be noisy`);
    if (r.inFps < DELIVERED_MIN * r.offeredFps) notes.push(`${what}: only ${int(r.inFps)} of ${int(r.offeredFps)} frames/s reached Hookline — the load generator and receiver, sharing CPU 1, could not keep up, so this row measures the machine, not Hookline`);
    const s = r.sink;
    if (s) notes.push(`receiver (${what}): ${s.sockets} downstream sockets, ${s.messages} binary messages for ${s.frames} frames, ${s.gaps} gap messages, own event-loop delay p99 ${ms(s.loopDelayP99Ms)} ms`);
  }
  return notes;
}
