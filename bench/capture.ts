/**
 * bench:capture — Hookline's AudioHook endpoint against a bare `ws` server
 * under the same `hookline simulate` load, side by side in one run.
 *
 * Each server runs as a child pinned to CPU 0 and the load generator as a
 * child pinned to CPU 1. Per case: ramp, settle, then a steady-state window
 * over which server CPU, delivered frames/s and ping RTTs are measured.
 * Prints a table and the target verdicts; a full run also records them in
 * docs/benchmarks.md.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBenchArgs, USAGE, type BenchOptions } from './lib/args.js';
import { machineLine, writeSection, DOCS_FILE } from './lib/docs.js';
import { caseNotes, markdownTable, textTable } from './lib/report.js';
import type { CaseSpec, Timing } from './lib/case-spec.js';
import type { CaseResult } from './lib/run-case.js';
import { Schedule } from './lib/schedule.js';
import { SERVER_LABELS } from './lib/servers.js';
import { canRaisePriority, killRunningChildren } from './lib/spawn.js';
import { verdicts } from './lib/targets.js';

const COMMAND = 'npm run bench:capture';

function cases(o: BenchOptions): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const sessions of o.sessions) for (const frameMs of o.frameMs) for (const kind of o.servers) out.push({ kind, sessions, frameMs });
  return out;
}

function timing(o: BenchOptions): Timing {
  const profile = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(o.profileDir)}`] : [];
  const serverNodeArgs = [...profile, ...o.serverNodeArgs];
  if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
  return { connectRate: o.connectRate, settleSeconds: o.settleSeconds, windowSeconds: o.windowSeconds, serverNodeArgs };
}

function progress(spec: CaseSpec, r: CaseResult): void {
  const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
  process.stdout.write(
    `  server CPU ${r.serverCpuPct.toFixed(1)} %, delivered ${r.deliveredFps.toFixed(0)}/${r.offeredFps.toFixed(0)} f/s, ` +
      `open p99 ${f(r.openMs.p99)} ms, RTT p99 ${f(r.rttMs.p99)} ms, failed ${r.failed}, loader ${r.loaderCpuPct.toFixed(0)} %, ` +
      `ramp ${r.rampSeconds === undefined ? '-' : r.rampSeconds.toFixed(1)} s, other work ${r.otherCpuPct.toFixed(0)} %  [${spec.kind}]\n`,
  );
}

function summaryBlock(o: BenchOptions, results: CaseResult[], started: Date): string {
  const lines = verdicts(results).map((v) => `- ${v.text}`);
  const notes = caseNotes(results).map((n) => `- ${n}`);
  return [
    `Command: \`${COMMAND}\`${o.quick ? ' --quick' : ''}  `,
    `Machine: ${machineLine()}  `,
    `Date: ${started.toISOString()}  `,
    `Load: stereo PCMU, ${o.connectRate} connections/s ramp, ${o.settleSeconds} s settle, ${o.windowSeconds} s window; ` +
      `server on CPU 0, load generator on CPU 1${canRaisePriority() ? ', both at nice -10 in their own autogroups' : ''}.`,
    '',
    markdownTable(results),
    '',
    'Targets:',
    '',
    ...lines,
    ...(notes.length ? ['', 'Notes from the run:', '', ...notes] : []),
  ].join('\n');
}

function stopOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killRunningChildren();
      process.exit(130);
    });
  }
}

async function main(): Promise<void> {
  const o = parseBenchArgs(process.argv.slice(2));
  stopOnSignals();
  const started = new Date();
  const t = timing(o);
  const results: CaseResult[] = [];
  const all = cases(o);
  const schedule = new Schedule(o.budgetMinutes * 60_000, o.attempts, progress);
  for (const [i, spec] of all.entries()) {
    process.stdout.write(`${spec.sessions} × ${spec.frameMs} ms — ${SERVER_LABELS[spec.kind]}\n`);
    results.push(await schedule.run(spec, t, all.length - i - 1));
  }
  process.stdout.write(`\n${textTable(results)}\n\n${verdicts(results).map((v) => v.text).join('\n')}\n`);
  for (const n of caseNotes(results)) process.stdout.write(`note: ${n}\n`);
  if (o.writeDocs) {
    writeSection({ bench: 'capture', heading: 'Capture (bench:capture)' }, summaryBlock(o, results, started));
    process.stdout.write(`\nrecorded in ${DOCS_FILE}\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:capture: ${err.message}\n${USAGE}\n`);
  process.exit(1);
});
