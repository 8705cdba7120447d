/**
 * bench:capture — Hookline's AudioHook endpoint against a bare `ws` server
 * under the same `hookline simulate` load, side by side in one run.
 *
 * Each server runs as a child pinned to CPU 0 and the load generator as one
 * or more children pinned to CPU 1. Per case: ramp, settle, then a
 * steady-state window over which server CPU, delivered frames/s, ping RTTs
 * and the load generator's own lag are measured. Every case runs in `--rounds`
 * interleaved rounds (default 3) and is reported by its medians (lib/rounds.ts).
 * Prints the case table, the ratio table (recorder on ÷ off, off ÷ baseline)
 * and the target verdicts; a full run also records them in docs/benchmarks.md.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBenchArgs, USAGE, type BenchOptions } from './lib/args.js';
import { commit } from './lib/commit.js';
import { combineRounds } from './lib/rounds.js';
import { machineLine, writeSection, DOCS_FILE } from './lib/docs.js';
import { caseNotes, markdownTable, ratioMarkdownTable, ratioTextTable, textTable } from './lib/report.js';
import type { CaseSpec, Timing } from './lib/case-spec.js';
import type { CaseResult } from './lib/run-case.js';
import { Schedule } from './lib/schedule.js';
import { SERVER_LABELS } from './lib/servers.js';
import { canRaisePriority, stopChildrenOnSignals } from './lib/spawn.js';
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
  return { connectRate: o.connectRate, settleSeconds: o.settleSeconds, windowSeconds: o.windowSeconds, serverNodeArgs, loaders: o.loaders, workers: o.workers };
}

function progress(spec: CaseSpec, r: CaseResult): void {
  const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
  process.stdout.write(
    `  server CPU ${r.serverCpuPct.toFixed(1)} %, delivered ${r.deliveredFps.toFixed(0)}/${r.offeredFps.toFixed(0)} f/s, ` +
      `open p99 ${f(r.openMs.p99)} ms, RTT p99 ${f(r.rttMs.p99)} ms, failed ${r.failed}, loader ${r.loaderCpuPct.toFixed(0)} % ` +
      `(lag p99 loop ${f(r.lag.loopP99Ms)} / send ${f(r.lag.sendLateP99Ms)} ms${r.generatorBound ? ', GENERATOR-BOUND' : ''}), ` +
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
    `Commit: ${commit()}  `,
    `Rounds: ${o.rounds}, interleaved; each figure is the median over the rounds (server CPU, p50/p99, lag) and failures add up.  `,
    `Load: stereo PCMU, ${o.connectRate} connections/s ramp, ${o.settleSeconds} s settle, ${o.windowSeconds} s window; ` +
      `server on CPU 0${o.workers === undefined ? '' : ` (server.workers ${o.workers})`}, load generator ` +
      `(${o.loaders === undefined ? 'one process per 2,500 sessions' : `${o.loaders} processes`}) on CPU 1` +
      `${canRaisePriority() ? ', all at nice -10 in their own autogroups' : ''}; gate admits every call.`,
    '',
    markdownTable(results),
    '',
    ratioMarkdownTable(results),
    '',
    'Targets:',
    '',
    ...lines,
    ...(notes.length ? ['', 'Notes from the run:', '', ...notes] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const o = parseBenchArgs(process.argv.slice(2));
  stopChildrenOnSignals();
  const started = new Date();
  const t = timing(o);
  const all = cases(o);
  // The budget for runs again after noise is per round.
  const schedule = new Schedule(o.budgetMinutes * o.rounds * 60_000, o.attempts, progress);
  const runs: CaseResult[][] = all.map(() => []);
  for (let round = 1; round <= o.rounds; round++) {
    for (const [i, spec] of all.entries()) {
      const of = o.rounds > 1 ? ` (round ${round} of ${o.rounds})` : '';
      process.stdout.write(`${spec.sessions} × ${spec.frameMs} ms — ${SERVER_LABELS[spec.kind]}${of}\n`);
      runs[i]?.push(await schedule.run(spec, t, (o.rounds - round + 1) * all.length - i - 1));
    }
  }
  const results = runs.map(combineRounds);
  process.stdout.write(`\n${textTable(results)}\n\n${ratioTextTable(results)}\n\n${verdicts(results).map((v) => v.text).join('\n')}\n`);
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
