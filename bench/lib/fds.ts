/**
 * Open-file limits for the bench's processes. A server with N sessions and
 * the recorder on holds N sockets and N spool files; 10,000 sessions in one
 * process need more than a common `ulimit -n` of 20,000. The bench checks
 * before it starts: it raises a child's soft limit up to the hard one (any
 * user may), above the hard one only where that is allowed (CAP_SYS_RESOURCE),
 * and otherwise says which steps cannot run and why, rather than letting the
 * server fail sessions with EMFILE part-way through.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Descriptors a process needs besides its sessions: the database, logs, listeners, IPC, libuv (about 25 measured; room to spare). */
export const FD_SLACK = 256;

export class FdLimitError extends Error {
  override readonly name = 'FdLimitError';
}

export interface FdNeed {
  /** Who needs them, for the message: "the server at 10000 sessions". */
  who: string;
  /** Sessions one process holds × descriptors per session. */
  sessions: number;
  perSession: number;
}

export interface FdLimits {
  soft: number;
  hard: number;
  /** True where a child's hard limit may be raised (prlimit succeeds above it). */
  canRaiseHard: boolean;
}

/** The `soft:hard` prlimit(1) gives a child. */
export interface Nofile {
  soft: number;
  hard: number;
}

export const fdsNeeded = (need: Pick<FdNeed, 'sessions' | 'perSession'>): number => need.sessions * need.perSession + FD_SLACK;

/** Most sessions per process that fit within what the limits allow. */
export function maxSessionsWithin(limits: FdLimits, perSession: number): number {
  return limits.canRaiseHard ? Infinity : Math.max(0, Math.floor((limits.hard - FD_SLACK) / perSession));
}

/**
 * The open-files limit to give the child (undefined: the inherited one is enough).
 * Throws FdLimitError naming the need and the limit when it cannot be given.
 */
export function planNofile(need: FdNeed, limits: FdLimits): Nofile | undefined {
  const needed = fdsNeeded(need);
  if (needed <= limits.soft) return undefined;
  if (needed <= limits.hard) return { soft: limits.hard, hard: limits.hard };
  if (limits.canRaiseHard) {
    const raised = Math.ceil(needed / 1024) * 1024;
    return { soft: raised, hard: raised };
  }
  throw new FdLimitError(
    `${need.who} needs about ${needed} open files (${need.sessions} sessions × ${need.perSession} + ${FD_SLACK}) but the hard limit is ${limits.hard} ` +
      '(ulimit -Hn) and this process may not raise it (no CAP_SYS_RESOURCE): raise it before the run (e.g. the container\'s nofile ulimit), ' +
      'spread the sessions over more processes (--workers, --loaders), or use fewer sessions',
  );
}

let limitsNow: FdLimits | undefined;

/** This process's limits (children inherit them), and whether a child's hard limit can go higher. */
export function fdLimits(): FdLimits {
  if (limitsNow) return limitsNow;
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const n = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  const soft = n(m?.[1]);
  const hard = n(m?.[2]);
  const probe = Number.isFinite(hard) ? spawnSync('prlimit', [`--nofile=${hard + 1}:${hard + 1}`, 'true']).status === 0 : true;
  limitsNow = { soft, hard, canRaiseHard: probe };
  return limitsNow;
}

/** planNofile against this process's own limits. */
export function nofileFor(need: FdNeed): Nofile | undefined {
  return planNofile(need, fdLimits());
}
