/**
 * Child processes for bench:capture: pinned to one CPU with `taskset` so the
 * server and the load generator never share a core, and (where allowed)
 * given priority over other work on a shared machine. Plus small helpers to
 * wait for them and stop them.
 *
 * Priority takes two steps because of Linux autogroups: CPU time is shared
 * fairly between sessions first, and a process's nice value only counts
 * within its own session. So each child starts its own session (detached)
 * and that session's autogroup gets the same nice value.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';

const NICENESS = '-10';
let tasksetOk: boolean | undefined;
let niceOk: boolean | undefined;

function hasTaskset(): boolean {
  tasksetOk ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetOk;
}

/** True when this user may raise priority (root): `nice -n -10 nice` then prints -10. */
export function canRaisePriority(): boolean {
  niceOk ??= spawnSync('nice', ['-n', NICENESS, 'nice'], { encoding: 'utf8' }).stdout?.trim() === NICENESS;
  return niceOk;
}

const running = new Set<ChildProcess>();

/** Kills every child still running (the bench was interrupted); they are detached, so no signal reaches them otherwise. */
export function killRunningChildren(): void {
  for (const c of running) c.kill('SIGKILL');
}

function raiseAutogroup(pid: number | undefined): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, NICENESS);
  } catch {
    // No autogroups on this kernel, or not allowed: the per-process nice value still applies.
  }
}

export interface Placement {
  /** Pin to this CPU; undefined: let the scheduler place it. */
  cpu?: number | undefined;
  /** Open-files limit for the child, set with prlimit(1) (see fds.ts). */
  nofile?: { soft: number; hard: number } | undefined;
}

/**
 * Runs `node <args>` on one CPU (without pinning, with a warning, where taskset is missing),
 * in the temp dir so profiler output never lands in the working tree.
 */
export function spawnNodeOnCpu(cpu: number, args: string[], stdio: StdioOptions, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawnNode({ cpu }, args, stdio, env);
}

/** Runs `node <args>` placed as asked (pinned or not, open-files limit), at raised priority where allowed. */
export function spawnNode(place: Placement, args: string[], stdio: StdioOptions, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  let cmd = [process.execPath, ...args];
  // prlimit, nice and taskset each exec the next program, so the child's pid is node's own.
  if (place.nofile !== undefined) cmd = ['prlimit', `--nofile=${place.nofile.soft}:${place.nofile.hard}`, ...cmd];
  if (place.cpu !== undefined) {
    if (!hasTaskset()) process.stderr.write('warning: taskset not found; processes are not pinned and the figures mix server and client CPU\n');
    if (hasTaskset()) cmd = ['taskset', '-c', String(place.cpu), ...cmd];
  }
  const raise = canRaisePriority();
  if (raise) cmd = ['nice', '-n', NICENESS, ...cmd];
  const child = spawn(cmd[0] as string, cmd.slice(1), { stdio, env, detached: raise, cwd: tmpdir() });
  if (raise) raiseAutogroup(child.pid);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 2xx, the child exits, or the timeout passes. */
export async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server at ${url} not ready after ${timeoutMs} ms`);
}

/** Resolves when the child has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Ctrl-C or a kill stops the children this bench started before it exits. */
export function stopChildrenOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killRunningChildren();
      process.exit(130);
    });
  }
}
