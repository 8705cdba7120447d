/**
 * bench:events, admission with plugins: the bench:gate admission case (one
 * `hookline serve` process on SQLite, the emulator dialling every call before
 * the agent answers, latency from the agent-connected notification to the
 * `resume`) run three times in one run — no plugin, a plugin that throws in
 * both hooks, one that sleeps 5 s in both — to show that plugins, which only
 * the live model's writer waits for, leave the gate's latency alone.
 *
 * The target "does not change" is a ratio to the no-plugin case of at most
 * TARGET_RATIO at p50 and at p99; it is printed PASS or MISS, not enforced.
 * A discarded warm-up of the no-plugin case comes first: the emulator runs in
 * this process, and its first calls (cold JIT) would otherwise flatter every
 * later case against the first. Each case waits for the machine to be quiet
 * (as bench:gate does) and starts a fresh emulator and Hookline.
 *
 * Only missing numbers fail the run: no measured call, or a plugin case whose
 * plugin was never called (then the case measured nothing about plugins).
 */
import { join } from 'node:path';
import { runAdmission, type AdmissionResult } from '../gate/admission.js';
import { BENCH_PLUGINS_DIR } from '../lib/paths.js';
import { waitForQuiet } from '../lib/proc.js';

export const TARGET_RATIO = 1.2;

const BEFORE = 'hookline_plugin_before_commit_total';
const AFTER = 'hookline_plugin_after_commit_total';
const FEED_DROPPED = 'hookline_live_feed_dropped_total';
/** bench:gate's bar for a quiet machine, and how long a case waits for it. */
const QUIET_PCT = 30;
const QUIET_WAIT_MS = 30_000;

interface PluginCase {
  label: string;
  /** A module under bench/plugins/, or none. */
  module?: string;
}

const CASES: readonly PluginCase[] = [
  { label: 'no plugin' },
  { label: 'throws (before + after commit)', module: 'throwing.js' },
  { label: 'sleeps 5 s (before + after commit)', module: 'sleeping.js' },
];

export interface AdmissionPluginsOptions {
  calls: number;
  callsPerSecond: number;
  agents: number;
}

export interface PluginCaseResult {
  label: string;
  plugin: boolean;
  result: AdmissionResult;
}

/**
 * Logging at error in every case: the plugins' expected warnings (rate-limited)
 * would clutter the bench output. Default budget (200 ms) and after-commit
 * queue: the plugins as an operator would configure them.
 */
function caseConfig(c: PluginCase): Record<string, unknown> {
  const logging = { level: 'error' };
  return c.module === undefined ? { logging } : { logging, plugins: [{ module: join(BENCH_PLUGINS_DIR, c.module) }] };
}

function runCase(o: AdmissionPluginsOptions, c: PluginCase, calls: number): Promise<AdmissionResult> {
  return runAdmission({ replicas: 1, calls, callsPerSecond: o.callsPerSecond, agents: o.agents, config: caseConfig(c), metrics: [BEFORE, AFTER, FEED_DROPPED] });
}

async function quiet(): Promise<string> {
  const busy = await waitForQuiet(QUIET_PCT, QUIET_WAIT_MS);
  return busy > QUIET_PCT ? ` (machine still ${busy.toFixed(0)} % busy with other work)` : '';
}

/** A discarded warm-up, then the three cases one after the other, each on a fresh emulator and Hookline. */
export async function admissionWithPlugins(o: AdmissionPluginsOptions, progress: (line: string) => void): Promise<PluginCaseResult[]> {
  const [baseline] = CASES as [PluginCase];
  // As long as a case: a 20-call warm-up still left the first measured case slower at p50.
  progress(`admission with plugins, warm-up (discarded): ${o.calls} calls, ${baseline.label}`);
  await runCase(o, baseline, o.calls);
  const out: PluginCaseResult[] = [];
  for (const c of CASES) {
    const noise = await quiet();
    progress(`admission with plugins, ${c.label}: ${o.calls} calls at ${o.callsPerSecond}/s${noise}`);
    out.push({ label: c.label, plugin: c.module !== undefined, result: await runCase(o, c, o.calls) });
  }
  return out;
}

/** Why these results cannot support a verdict, or undefined when they can. */
export function missingNumbers(results: readonly PluginCaseResult[]): string | undefined {
  for (const r of results) {
    if (r.result.latencyMs.count === 0) return `admission with plugins, ${r.label}: no call was measured (${JSON.stringify(r.result.unmeasured)})`;
    if (r.plugin && (r.result.metrics[BEFORE] ?? 0) === 0) return `admission with plugins, ${r.label}: the plugin's before-commit hook was never called`;
  }
  return undefined;
}

export const ADMISSION_PLUGINS_HEAD = ['case', 'calls measured', 'p50 ms', 'p99 ms', 'max ms', 'p50 ratio', 'p99 ratio', 'max ratio', 'before-commit calls', 'after-commit calls', 'live-feed drops', `target ≤ ${TARGET_RATIO} at p50 and p99`] as const;

const f = (n: number | undefined, d = 1) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : '-');
const ratio = (v: number | undefined, base: number | undefined) => (v === undefined || base === undefined || base <= 0 ? undefined : v / base);

function verdict(p50: number | undefined, p99: number | undefined): string {
  if (p50 === undefined || p99 === undefined) return '-';
  return p50 <= TARGET_RATIO && p99 <= TARGET_RATIO ? 'PASS' : 'MISS';
}

export function admissionPluginsRows(results: readonly PluginCaseResult[]): string[][] {
  const base = results.find((r) => !r.plugin)?.result.latencyMs;
  return results.map(({ label, plugin, result: { latencyMs: l, metrics: m } }) => {
    const r50 = ratio(l.p50, base?.p50);
    const r99 = ratio(l.p99, base?.p99);
    return [label, String(l.count), f(l.p50), f(l.p99), f(l.max), f(r50, 2), f(r99, 2), f(ratio(l.max, base?.max), 2), String(m[BEFORE] ?? 0), String(m[AFTER] ?? 0), String(m[FEED_DROPPED] ?? 0), plugin ? verdict(r50, r99) : 'baseline'];
  });
}

/** Calls that were not measured, or did not end cleanly, per case: printed under the table. */
export function admissionPluginsNotes(results: readonly PluginCaseResult[]): string[] {
  const notes: string[] = [];
  const fewest = Math.min(...results.map((r) => r.result.latencyMs.count));
  if (fewest < 100) notes.push(`p99 of fewer than 100 calls is their maximum: one slow call decides it (--admission-calls 200 for a steadier p99)`);
  for (const r of results) {
    if (Object.keys(r.result.unmeasured).length > 0) notes.push(`${r.label}: unmeasured ${JSON.stringify(r.result.unmeasured)}`);
    if (Object.keys(r.result.unclean).length > 0) notes.push(`${r.label}: sessions not ended cleanly ${JSON.stringify(r.result.unclean)}`);
  }
  return notes;
}
