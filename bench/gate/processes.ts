/**
 * Child processes for bench:gate: `node` pinned to a CPU with `taskset`,
 * optionally at raised priority. Every child is remembered so an interrupted
 * run can kill what it started.
 *
 * Priorities (only where this user may raise them, i.e. root):
 *  - `high`: nice -10 in a session (autogroup) of its own, so other work on a
 *    shared machine does not eat into the measured processes.
 * The downstream receiver once ran SCHED_FIFO so that its own scheduling delay
 * would not count as forwarding latency; at 1,000 sessions it then woke for
 * every frame, took 80 % of the core it shares with the load generator and
 * starved it (7,000 of 50,000 frames/s sent). It runs at `high` like the rest.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

export type Priority = 'normal' | 'high';

export interface NodeChild {
  cpu?: number | undefined;
  priority?: Priority;
  args: string[];
  stdio?: StdioOptions;
  env?: NodeJS.ProcessEnv;
}

const running = new Set<ChildProcess>();
let privileged: boolean | undefined;
let tasksetOk: boolean | undefined;

function canRaisePriority(): boolean {
  privileged ??= spawnSync('nice', ['-n', '-10', 'nice'], { encoding: 'utf8' }).stdout?.trim() === '-10';
  return privileged;
}

function hasTaskset(): boolean {
  tasksetOk ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetOk;
}

/** What the run could actually do, for the method notes. */
export function processNotes(): string {
  const pin = hasTaskset() ? 'pinned with taskset' : 'NOT pinned (taskset missing)';
  const prio = canRaisePriority() ? 'measured processes, load generator and receiver at nice -10 in their own autogroups' : 'default priorities (not root)';
  return `${pin}; ${prio}`;
}

function wrapper(cpu: number | undefined, priority: Priority): string[] {
  const out: string[] = [];
  const raise = priority !== 'normal' && canRaisePriority();
  if (raise) out.push('nice', '-n', '-10');
  if (cpu !== undefined && hasTaskset()) out.push('taskset', '-c', String(cpu));
  return out;
}

/** Starts `node <args>`; nice and taskset exec node, so the pid is node's own. */
export function spawnNode(c: NodeChild): ChildProcess {
  const priority = c.priority ?? 'normal';
  const cmd = [...wrapper(c.cpu, priority), process.execPath, ...c.args];
  const own = priority === 'high' && canRaisePriority();
  const child = spawn(cmd[0] as string, cmd.slice(1), { stdio: c.stdio ?? ['ignore', 'inherit', 'inherit'], env: c.env ?? process.env, detached: own, cwd: tmpdir() });
  if (own) setAutogroupNice(child.pid);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function setAutogroupNice(pid: number | undefined): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, '-10');
  } catch {
    // No autogroups here: the process's own nice value still applies.
  }
}

/** Detached children get no signal when the bench is interrupted: kill them. */
export function killAll(): void {
  for (const c of running) c.kill('SIGKILL');
}

export { exited, stopChild as stop } from '../lib/spawn.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
