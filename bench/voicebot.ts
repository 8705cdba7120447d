/**
 * bench:voicebot — what a bot call costs Hookline and how fast the bot
 * answers: concurrent AudioConnector bot calls from the Genesys emulator (this
 * process) to `hookline serve` (a child process), ramped in steps, in two
 * cases — offline ASR + TTS (pocketsphinx, espeak-ng) and protocol only (the
 * demo bot driven by keys, prompts pre-rendered) — reporting per step the end
 * of caller input → first bot audio p50/p99, Hookline's CPU per call, 429s,
 * and the largest N under each case's p99 target (bench/voicebot/report.ts
 * prints the rule). Method: bench/voicebot/report.ts and docs/benchmarks.md.
 *
 *   npm run bench:voicebot [-- --calls 10,20,40 --protocol-calls 50,100,200 --ramp 5
 *     --offline-target-ms 1500 --protocol-target-ms 500 --only offline|protocol --no-docs]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { writeSection } from './lib/docs.js';
import { killAll } from './gate/processes.js';
import { runStep, type StepResult } from './voicebot/cases.js';
import { parseVoicebotArgs, type CaseName, type VoicebotBenchOptions } from './voicebot/options.js';
import { docsSection, terminalReport, type CaseResults } from './voicebot/report.js';
import { startVoicebotStack, type VoicebotStack } from './voicebot/stack.js';
import { commit } from './lib/commit.js';

const log = (line: string): void => void process.stdout.write(`${line}\n`);

/** Hookline (and its engine programs) on CPU 0, this process on CPU 1, where the machine has two cores and taskset. */
function pinning(): { hooklineCpu: number | undefined; note: string } {
  if (availableParallelism() < 2 || spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' }).status !== 0) {
    return { hooklineCpu: undefined, note: 'Nothing pinned (one core, or no taskset): the figures share the machine with the load generator.' };
  }
  return { hooklineCpu: 0, note: 'Hookline and the engine programs it starts (they inherit its CPU mask) are pinned to CPU 0 with taskset, this process to CPU 1, so the capacity is per core.' };
}

async function runCase(s: VoicebotStack, o: VoicebotBenchOptions, c: CaseName): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (const n of o.calls[c]) {
    log(`${c}: ${n} concurrent calls, started over ${o.rampSeconds} s …`);
    const r = await runStep(s, c, n, o.rampSeconds * 1000);
    log(`  ${r.figures.completed}/${n} completed, ${r.figures.rateLimited} 429s, response p50 ${r.figures.p50.toFixed(0)} ms p99 ${r.figures.p99.toFixed(0)} ms, ${r.wallS.toFixed(0)} s`);
    out.push(r);
  }
  return out;
}

async function main(): Promise<void> {
  const o = parseVoicebotArgs(process.argv.slice(2));
  const started = new Date();
  const pin = pinning();
  const s = await startVoicebotStack(pin.hooklineCpu);
  const results: CaseResults = {};
  try {
    // One call of each case first: loads pocketsphinx's model, fills espeak-ng's cache with the fixed prompts.
    log('warm-up: one call of each case …');
    await Promise.all(o.cases.map((c) => runStep(s, c, 1, 0)));
    for (const c of o.cases) results[c] = await runCase(s, o, c);
  } finally {
    await s.stop();
  }
  const perCore = pin.hooklineCpu !== undefined;
  log(`\n${terminalReport(o, results, perCore)}`);
  if (!o.docs) return;
  writeSection({ bench: 'voicebot', heading: 'Voice-bot calls (bench:voicebot)' }, docsSection(o, results, started, commit(), pin.note, perCore));
  log('\nwritten to docs/benchmarks.md');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    killAll();
    process.stderr.write(`bench:voicebot: ${err.message}\n`);
    process.exit(1);
  },
);
