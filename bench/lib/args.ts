/**
 * bench:capture command line. The defaults are the recorded run; --quick is
 * a smoke run (small loads, short window) that leaves the docs alone.
 */
import { parseArgs } from 'node:util';
import type { ServerKind } from './servers.js';

export interface BenchOptions {
  quick: boolean;
  sessions: number[];
  frameMs: number[];
  servers: ServerKind[];
  connectRate: number;
  settleSeconds: number;
  windowSeconds: number;
  /** Directory for server CPU profiles (node --cpu-prof), or undefined. */
  profileDir: string | undefined;
  /** Extra node flags for the server processes, e.g. --perf-basic-prof for `perf record`. */
  serverNodeArgs: string[];
  writeDocs: boolean;
  /** Runs per case while other work on the machine pollutes the window. */
  attempts: number;
  /** Interleaved rounds of every case; each figure reported is the median over them (rounds.ts). */
  rounds: number;
  /** Re-runs stop once they would push the whole run past this. */
  budgetMinutes: number;
  /** Load generator processes per case; undefined: one per 2,500 sessions. */
  loaders: number | undefined;
  /** Hookline's `server.workers`; undefined: not written (the server's default). */
  workers: number | undefined;
}

const SERVERS: ServerKind[] = ['baseline', 'hookline-off', 'hookline-on'];

const numbers = (v: string): number[] => v.split(',').map((x) => Number(x.trim()));

function serverList(v: string): ServerKind[] {
  const list = v.split(',').map((x) => x.trim());
  for (const s of list) if (!SERVERS.includes(s as ServerKind)) throw new Error(`--servers: unknown server "${s}" (use ${SERVERS.join(', ')})`);
  return list as ServerKind[];
}

export const USAGE = `usage: node dist-bench/bench/capture.js [--quick] [--sessions 1000] [--frame-ms 100,20]
  [--servers baseline,hookline-off,hookline-on] [--rate 250] [--settle 3] [--window 20]
  [--loaders K] [--workers N] [--rounds 3] [--attempts 3] [--budget 11] [--profile <dir>] [--server-node-arg <flag>]... [--no-docs]`;

const DEFAULT_FRAME_MS = '100,20';

/** A positive whole number, or undefined when the flag was not given. */
export function optionalCount(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: "${v}" is not a whole number ≥ 1`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      sessions: { type: 'string' },
      'frame-ms': { type: 'string', default: DEFAULT_FRAME_MS },
      loaders: { type: 'string' },
      workers: { type: 'string' },
      servers: { type: 'string', default: SERVERS.join(',') },
      rate: { type: 'string', default: '250' },
      settle: { type: 'string' },
      window: { type: 'string' },
      profile: { type: 'string' },
      'server-node-arg': { type: 'string', multiple: true, default: [] },
      attempts: { type: 'string' },
      rounds: { type: 'string' },
      budget: { type: 'string', default: '11' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const quick = v.quick === true;
  const options: BenchOptions = {
    quick,
    sessions: numbers(v.sessions ?? (quick ? '100,200' : '1000')),
    frameMs: numbers(v['frame-ms'] as string),
    servers: serverList(v.servers as string),
    connectRate: Number(v.rate),
    settleSeconds: Number(v.settle ?? (quick ? 1 : 3)),
    windowSeconds: Number(v.window ?? (quick ? 6 : 20)),
    profileDir: v.profile,
    serverNodeArgs: v['server-node-arg'] as string[],
    attempts: Number(v.attempts ?? (quick ? 1 : 3)),
    rounds: Number(v.rounds ?? (quick ? 1 : 3)),
    budgetMinutes: Number(v.budget),
    loaders: optionalCount('loaders', v.loaders),
    workers: optionalCount('workers', v.workers),
    // Smoke figures and hand-picked subsets must not replace the recorded table.
    writeDocs: !quick && v['no-docs'] !== true && v.sessions === undefined && v['frame-ms'] === DEFAULT_FRAME_MS && v.servers === SERVERS.join(','),
  };
  const bad = [...options.sessions, ...options.frameMs, options.connectRate, options.windowSeconds, options.attempts, options.rounds, options.budgetMinutes].some((n) => !(n > 0));
  if (bad) throw new Error(`every number must be positive\n${USAGE}`);
  return options;
}
