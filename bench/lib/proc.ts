/**
 * CPU and memory of a process, read from /proc (Linux only). CPU time is
 * utime+stime of the whole process (all threads), so GC and libuv workers
 * are counted too.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second (USER_HZ), usually 100. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields of /proc/<pid>/stat from field 3 (state) on. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/**
 * CPU seconds of the process's children that have exited and been reaped
 * (cutime + cstime, proc(5)): the programs it runs, e.g. speech engines.
 * A child still running is not counted until it ends.
 */
export function childrenCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond();
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Busy CPU seconds of the whole machine (all cores), to spot other work
 * running alongside. Softirq time is left out: on loopback it is mostly the
 * benchmark's own network traffic.
 */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq) / ticksPerSecond();
}

/**
 * Waits (up to `maxWaitMs`) for a second in which the machine is nearly idle,
 * so a case does not start in the middle of someone else's build. Returns
 * the busy share of the last second, in % of one core.
 */
export async function waitForQuiet(limitPct: number, maxWaitMs: number): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let busyPct = Infinity;
  while (Date.now() < deadline) {
    const before = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 1000));
    busyPct = (machineBusySeconds() - before) * 100;
    if (busyPct <= limitPct) break;
  }
  return busyPct;
}

/** The process and every descendant still running (a clustered server: primary and workers), found by parent pid in /proc. */
export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      parentOf.set(pid, Number(statFields(pid)[1]));
    } catch {
      // exited while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** Sums `f` over the live processes of a tree; one that exits meanwhile counts 0. */
export function sumOverTree(root: number, f: (pid: number) => number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      total += f(pid);
    } catch {
      // exited
    }
  }
  return total;
}

/** File descriptors the process has open now. */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The process's soft limit on open files (`Max open files` in /proc/<pid>/limits). */
export function fdLimit(pid: number): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}
