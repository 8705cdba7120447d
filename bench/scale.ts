/**
 * bench:scale — how far Hookline goes on this machine with the recorder on
 * and the gate admitting every call: a ramp of stereo PCMU sessions at 100 ms
 * frames (default 1,000 → 10,000), each step held for a window with earlier
 * sessions still streaming, then a ramp at 20 ms frames that stops at the
 * first step missing the bar (zero failed, open p99 and RTT p99 < 50 ms).
 * Prints a table and the verdicts; a full default run also records them in
 * docs/benchmarks.md.
 */
import { parseScaleArgs, SCALE_USAGE, type ScaleOptions } from './lib/scale-args.js';
import { commit } from './lib/commit.js';
import { DOCS_FILE, machineLine, writeSection } from './lib/docs.js';
import { SESSIONS_PER_LOADER } from './lib/loaders.js';
import type { StepResult } from './lib/ramp.js';
import { runRamp, type Ramp } from './lib/scale-ramp.js';
import { scaleMarkdownTable, scaleNotes, scaleTextTable, scaleVerdicts } from './lib/scale-report.js';
import { canRaisePriority, killRunningChildren, stopChildrenOnSignals } from './lib/spawn.js';

const COMMAND = 'npm run bench:scale';
const GOAL_100 = 10_000;

function placement(o: ScaleOptions): string {
  const loaders = o.loaders === undefined ? `one load generator process per ${SESSIONS_PER_LOADER} sessions of the top step` : `${o.loaders} load generator processes`;
  const workers = o.workers === undefined ? "the server's default server.workers" : `server.workers ${o.workers}`;
  return `Hookline (recorder on, gate admitting all, ${workers}) and ${loaders}, none pinned: they share both cores${canRaisePriority() ? ', all at nice -10 in their own autogroups' : ''}.`;
}

function progress(s: StepResult): void {
  const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
  process.stdout.write(
    `  ${s.sessions} × ${s.frameMs} ms: live ${s.live}, failed ${s.failed}, open p99 ${f(s.openMs.p99)} ms, RTT p99 ${f(s.rttMs.p99)} ms, ` +
      `server CPU ${f(s.serverCpuPct)} % (${s.serverProcesses} procs), RSS ${f(s.rssMb)} MB, delivered ${s.deliveredFps.toFixed(0)}/${s.offeredFps.toFixed(0)} f/s, ` +
      `loaders ${f(s.loaderCpuPct)} % (lag p99 loop ${f(s.lag.loopP99Ms)} / send ${f(s.lag.sendLateP99Ms)} ms${s.generatorBound ? ', GENERATOR-BOUND' : ''}), other ${f(s.otherCpuPct)} %\n`,
  );
}

function summaryBlock(o: ScaleOptions, steps: StepResult[], verdictLines: string[], notes: string[], started: Date): string {
  return [
    `Command: \`${COMMAND}\`  `,
    `Machine: ${machineLine()}  `,
    `Date: ${started.toISOString()}  `,
    `Commit: ${commit()}  `,
    `Load: stereo PCMU, ${o.connectRate} connections/s per step's ramp, ${o.settleSeconds} s settle, ${o.windowSeconds} s window per step. ${placement(o)}`,
    '',
    scaleMarkdownTable(steps),
    '',
    'Targets:',
    '',
    ...verdictLines.map((v) => `- ${v}`),
    ...(notes.length ? ['', 'Notes from the run:', '', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const o = parseScaleArgs(process.argv.slice(2));
  stopChildrenOnSignals();
  const started = new Date();
  process.stdout.write(`${placement(o)}\nServer CPU is % of one core (200 = both cores of a 2-core machine).\n`);
  const none: Ramp = { steps: [], skipped: [] };
  const ramp100 = o.steps100.length ? await runRamp(100, o.steps100, o, false, progress) : none;
  const ramp20 = o.steps20.length ? await runRamp(20, o.steps20, o, true, progress) : none;
  const steps = [...ramp100.steps, ...ramp20.steps];
  const skipped = [...ramp100.skipped, ...ramp20.skipped];
  const lines = scaleVerdicts(ramp100.steps, ramp20.steps, o.quick ? Math.max(...o.steps100) : GOAL_100, skipped);
  const notes = [...scaleNotes(steps), ...skipped.map((s) => `${s.sessions} × ${s.frameMs} ms: ${s.reason}`)];
  process.stdout.write(`\n${scaleTextTable(steps)}\n\n${lines.join('\n')}\n`);
  for (const n of notes) process.stdout.write(`note: ${n}\n`);
  if (o.writeDocs) {
    writeSection({ bench: 'scale', heading: 'Scale (bench:scale)' }, summaryBlock(o, steps, lines, notes, started));
    process.stdout.write(`\nrecorded in ${DOCS_FILE}\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:scale: ${err.message}\n${SCALE_USAGE}\n`);
  killRunningChildren();
  process.exit(1);
});
