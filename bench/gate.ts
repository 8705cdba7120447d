/**
 * bench:gate — how fast the real-time gate admits a held call, and what
 * forwarding every admitted call downstream costs in latency and CPU:
 *
 *  1. admission latency (agent-connected notification at the emulator →
 *     `resume` at its AudioHook client), Hookline in one process;
 *  2. the same across two replicas on PostgreSQL and Redis (A leads the
 *     tenant, B holds the sessions);
 *  3. capture alone: N stereo sessions × F ms frames into Hookline, no
 *     destination (N = 500 and 1,000; F = 20 by default, `--frame-ms`);
 *  4. the same load with one destination, once per `batchMs` (`--batch-ms`):
 *     per-frame forwarding latency, and Hookline's CPU against case 3.
 *
 * Prints the tables and target verdicts; a full run also writes them to
 * docs/benchmarks.md. See bench/gate/ for each part.
 */
import { runAdmission, type AdmissionCase, type AdmissionResult } from './gate/admission.js';
import { section, writeDocs } from './gate/docs.js';
import { DOCS_FILE } from './lib/docs.js';
import { runForwarding, type ForwardingResult } from './gate/forwarding.js';
import { parseOptions, USAGE, type GateBenchOptions } from './gate/options.js';
import { killAll } from './gate/processes.js';
import { CPU_HEAD, LATENCY_HEAD, cpuRows, latencyRows, ratioLine, runNotes, textTable, type GateResults } from './gate/report.js';
import { waitForQuiet } from './lib/proc.js';

/** Before each case, wait (up to a minute) for other work on the machine to calm down. */
const QUIET_PCT = 30;
const QUIET_WAIT_MS = 60_000;

async function quietly<T>(label: string, run: () => Promise<T>): Promise<T> {
  const busy = await waitForQuiet(QUIET_PCT, QUIET_WAIT_MS);
  const noise = busy > QUIET_PCT ? ` (machine still ${busy.toFixed(0)} % busy with other work)` : '';
  process.stdout.write(`${label}${noise}\n`);
  return run();
}

async function admission(o: GateBenchOptions, replicas: 1 | 2): Promise<AdmissionResult> {
  const c: AdmissionCase = { replicas, calls: o.calls, callsPerSecond: o.callsPerSecond, agents: o.agents };
  const r = await quietly(`admission, ${replicas === 1 ? 'one process' : 'two replicas'}: ${o.calls} calls`, () => runAdmission(c));
  const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
  process.stdout.write(`  p50 ${f(r.latencyMs.p50)} ms, p99 ${f(r.latencyMs.p99)} ms, max ${f(r.latencyMs.max)} ms over ${r.latencyMs.count} calls\n`);
  return r;
}

async function forwarding(o: GateBenchOptions, sessions: number, frameMs: number, batchMs: number | undefined): Promise<ForwardingResult> {
  const downstream = batchMs !== undefined;
  const label = `${downstream ? `capture + forwarding (batchMs ${batchMs})` : 'capture alone'}: ${sessions} × ${frameMs} ms`;
  const profile = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const spec = { sessions, frameMs, downstream, batchMs: batchMs ?? 0, connectRate: o.connectRate, settleSeconds: o.settleSeconds, windowSeconds: o.windowSeconds, hooklineNodeArgs: profile };
  const r = await quietly(label, () => runForwarding(spec));
  const lat = r.sink ? `, ${r.sink.messages} messages for ${r.sink.frames} frames, latency p50 ${r.sink.latencyMs.p50.toFixed(2)} ms, p99 ${r.sink.latencyMs.p99.toFixed(2)} ms` : '';
  process.stdout.write(`  Hookline CPU ${r.hooklineCpuPct.toFixed(1)} %, ${r.inFps.toFixed(0)} frames/s in${lat}, other work ${r.otherCpuPct.toFixed(0)} %\n`);
  return r;
}

function print(g: GateResults): void {
  const notes = runNotes(g).map((n) => `note: ${n}`);
  process.stdout.write(`\n${textTable(LATENCY_HEAD, latencyRows(g))}\n\n${textTable(CPU_HEAD, cpuRows(g))}\n\n${ratioLine(g)}\n${notes.join('\n')}\n`);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  const started = new Date();
  const admissions = o.forwardingOnly ? [] : [await admission(o, 1), await admission(o, 2)];
  const g: GateResults = { admission: admissions, forwarding: [], failed: [] };
  for (const sessions of o.sessions) for (const frameMs of o.frameMs) {
    // A size the machine cannot carry is reported as such; the other sizes still run.
    try {
      const alone = await forwarding(o, sessions, frameMs, undefined);
      const withDestination: ForwardingResult[] = [];
      for (const batchMs of o.batchMs) withDestination.push(await forwarding(o, sessions, frameMs, batchMs));
      g.forwarding.push({ alone, forwarding: withDestination });
    } catch (err) {
      killAll();
      const reason = (err as Error).message;
      process.stdout.write(`  could not complete: ${reason}\n`);
      g.failed.push({ sessions, reason });
    }
  }
  print(g);
  if (o.writeDocs) {
    writeDocs(section(o, g, started));
    process.stdout.write(`\nrecorded in ${DOCS_FILE}\n`);
  }
}

main().catch((err: Error) => {
  killAll();
  process.stderr.write(`bench:gate: ${err.stack ?? err.message}\n${USAGE}\n`);
  process.exit(1);
});
